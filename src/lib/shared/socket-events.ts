// The Socket.IO protocol, imported by both the server and the browser. Events are "domain:verb".
// Mutations never travel here: sockets push and subscribe; changes go through HTTP.
import type { LocalizedText } from './localized';
import type { ContestMoment, ContestUpdatePayload, ContestView } from './contests';
import type { RecognitionChange, RecognitionMoment } from './recognition';
import type { KudosReactionPayload, KudosView } from './kudos';
import type { TrainingReminder } from './training/training';
import type { ReviewReminder } from './reviews';
import type { TvCelebration, TvSlideData, TvState } from './displays/displays';

export type Ack<T> = { data: T } | { error: string };

export type BoardScope = 'users' | 'teams';
export type BoardWindow = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'all';

export interface BoardSelector {
	board: string;
	scope: BoardScope;
	window: BoardWindow;
	team?: string;
}

export interface BoardRowPayload {
	rank: number;
	id: string;
	name: string;
	team: { id: string; name: string } | null;
	score: number;
	/** The id of the event that last changed this score: ties go to the smaller. */
	tie?: number;
}

/** A row of a snapshot as its viewer may see it: `score` is null when the organization shows them only ranks. */
export type ViewRowPayload = Omit<BoardRowPayload, 'score'> & { score: number | null };

export interface BoardSnapshotPayload {
	board: string;
	scope: BoardScope;
	window: { kind: BoardWindow; key: string; start: string; end: string };
	team: string | null;
	/** The board's sequence epoch: a new one means the counters restarted (see BoardUpdatePayload). */
	epoch: string;
	seq: number;
	total: number;
	entries: ViewRowPayload[];
}

export interface BoardUpdatePayload {
	board: string;
	scope: BoardScope;
	window: BoardWindow;
	period: string;
	/**
	 * seq counts pushes within an epoch. The epoch changes when the counters were lost (a Redis flush or
	 * restart) and restart at 1: a client seeing a new epoch refetches the snapshot, whatever the seq.
	 */
	epoch: string;
	seq: number;
	/** The rows whose score changed, with their new global rank. */
	rows: BoardRowPayload[];
	/** Members who left the board (deactivated, or no longer competing): drop their rows. */
	removed?: string[];
	/**
	 * To viewers with a limited view (reps under the transparency settings, TVs): the board changed, with
	 * no rows; read your own view again (board:subscribe), whose snapshot carries what you may see.
	 */
	refresh?: true;
}

export interface ActivityPayload {
	eventId: number;
	userId: string;
	name: string;
	/** The metric's name as its admin gave it, in one or both languages: read it with localize(). */
	metric: { key: string; name: LocalizedText; unit: 'count' | 'currency' | 'minutes'; currency: string | null };
	/** Null (with points) for a rep whose organization shows reps only ranks, on others' events. */
	value: number | null;
	points: number | null;
	occurredAt: string;
	/** A correction voiding an earlier event. */
	correction: boolean;
	/** The event a correction voids. */
	voids: number | null;
	/** Why a leader should look at it (an unusual self-report); shown to those who may void it. */
	flag?: 'near_max' | 'above_usual' | null;
}

export interface ServerToClientEvents {
	/** Something about the organization changed (teams, members, settings): refetch what you show. */
	'org:changed': (payload: { what: 'teams' | 'members' | 'settings'; at: string }) => void;
	/** Rows of a subscribed board changed. A gap in seq means missed updates: refetch the snapshot. */
	'board:update': (payload: BoardUpdatePayload) => void;
	/** Things scored since the last push, oldest first: "<rep> won a deal: 120,000 CNY". After activity:subscribe. */
	'activity:new': (items: ActivityPayload[]) => void;
	/**
	 * A subscribed contest's rows that changed, with the contest's next seq (a gap: refetch with
	 * contest:subscribe). An update with no rows and the seq already seen carries a status change only.
	 */
	'contest:update': (payload: ContestUpdatePayload) => void;
	/** Something to celebrate: to the contest's room, and to the whole organization unless the contest is hidden. */
	'contest:moment': (payload: ContestMoment) => void;
	/** A recognition celebration (badge, level, kudos, reward, idea): to the whole organization. */
	'recognition:moment': (payload: RecognitionMoment) => void;
	/** The rewards store or ideas board changed (what, and which row): pages showing it reload, as their reader sees it. */
	'recognition:changed': (payload: { what: RecognitionChange; id: string }) => void;
	/** A new kudos, to the sockets following the organization's kudos feed (reader-neutral: `mine` is empty). */
	'kudos:new': (payload: KudosView) => void;
	/** A reaction toggled: the kudos's new counts, and who toggled what (their own tabs update `mine`). */
	'kudos:reaction': (payload: KudosReactionPayload) => void;
	/** A kudos hidden by a leader or admin: it leaves every feed. */
	'kudos:hidden': (payload: { id: string }) => void;
	'kudos:spotlight': (payload: { id: string; spotlight: boolean }) => void;
	/** A training assignment is due today (the scheduler's reminder): to the rep's own sockets. */
	'training:reminder': (payload: TrainingReminder) => void;
	/** An improvement plan's action is due or a check-in is today (the scheduler's reminder): to its owners' own sockets. */
	'review:reminder': (payload: ReviewReminder) => void;
	/** To a TV's pairing socket: a leader claimed its code; `token` (its own secret) is now its device token. */
	'tv:paired': (payload: { token: string }) => void;
	/** To a display's TVs: its slides, settings or controls changed; ask tv:hello again. */
	'tv:changed': (payload: { at: number }) => void;
	/** To a display's TVs (or all TVs of the organization, for deals): something to celebrate. */
	'tv:celebrate': (payload: TvCelebration) => void;
}

export interface ClientToServerEvents {
	/** Who the server thinks this socket is, and which rooms it joined. */
	'session:whoami': (ack: (response: Ack<{ userId: string | null; organizationId: string; rooms: string[] }>) => void) => void;
	/**
	 * Subscribe to a board's current period; the ack carries its snapshot, epoch and seq. At most
	 * MAX_BOARD_SUBSCRIPTIONS boards per connection.
	 */
	'board:subscribe': (selector: BoardSelector, ack: (response: Ack<BoardSnapshotPayload>) => void) => void;
	'board:unsubscribe': (selector: BoardSelector, ack?: (response: Ack<true>) => void) => void;
	/** Receive the organization's activity feed (activity:new) until unsubscribed or disconnected. */
	'activity:subscribe': (ack?: (response: Ack<true>) => void) => void;
	'activity:unsubscribe': (ack?: (response: Ack<true>) => void) => void;
	/** Follow a contest: the ack carries its snapshot (with seq), then contest:update and contest:moment follow. */
	'contest:subscribe': (selector: { id: string; locale?: 'en' | 'zh-CN' }, ack: (response: Ack<ContestView>) => void) => void;
	'contest:unsubscribe': (selector: { id: string }, ack?: (response: Ack<true>) => void) => void;
	/** Follow the organization's kudos feed: the ack carries its first page as this member sees it. */
	'kudos:subscribe': (ack: (response: Ack<{ items: KudosView[]; next: string | null }>) => void) => void;
	'kudos:unsubscribe': (ack?: (response: Ack<true>) => void) => void;
	/** A TV's pairing socket waits for its code to be claimed (it proves it asked for the code with its secret). */
	'tv:await': (selector: { code: string; secret: string }, ack: (response: Ack<{ status: 'waiting' | 'paired' | 'expired'; token?: string }>) => void) => void;
	/** A paired TV: its display's state (slides, controls, the server's clock); reports its browser and resolution. */
	'tv:hello': (report: { userAgent?: string; resolution?: string }, ack: (response: Ack<TvState>) => void) => void;
	/** A paired TV: one of its slides' live data; it then receives that slide's board pushes. */
	'tv:slide': (selector: { slideId: string }, ack: (response: Ack<TvSlideData>) => void) => void;
	/** A paired TV reports the slide it shows. */
	'tv:showing': (report: { slide: string }, ack?: (response: Ack<true>) => void) => void;
	/** The server's clock (ms), for a TV's offset. */
	'tv:time': (ack: (response: Ack<number>) => void) => void;
	/** A paired TV fetches an uploaded celebration sound of its organization (base64). */
	'tv:sound': (selector: { kind: string }, ack: (response: Ack<{ kind: string; mime: string; version: string; data: string }>) => void) => void;
}

export interface InterServerEvents {
	ping: () => void;
}

export interface SocketData {
	/** Null for sockets authenticated with an API token (bots), a display's device token or none (a TV pairing). */
	userId: string | null;
	/** Empty for a TV's pairing socket, which belongs to no organization yet. */
	organizationId: string;
	role: 'admin' | 'leader' | 'rep' | 'token' | 'display' | 'pairing';
	/** A paired TV's screen and display (null otherwise). */
	screenId?: string | null;
	displayId?: string | null;
	/** A pairing TV's secret, kept for the moment its code is claimed (tv:paired); never sent anywhere else. */
	pairingSecret?: string;
	/** The session the socket authenticated with (null for an API token): revoking it disconnects the socket. */
	sessionId: string | null;
	/** The API token the socket authenticated with (null for a session). */
	tokenId: string | null;
	/** When its credentials were checked (ms): a revocation after that, seen before it connected, still ends it. */
	checkedAt: number;
}

/** Boards one connection may subscribe to at once; the next one is refused with SUBSCRIPTION_LIMIT_ERROR. */
export const MAX_BOARD_SUBSCRIPTIONS = 50;
export const SUBSCRIPTION_LIMIT_ERROR = `too many boards: at most ${MAX_BOARD_SUBSCRIPTIONS} subscriptions per connection`;
/** The ack of a message over a connection's rate limit (see docs/realtime.md). */
export const RATE_LIMIT_ERROR = 'too many messages: slow down';

export const rooms = {
	org: (organizationId: string) => `org:${organizationId}`,
	user: (userId: string) => `user:${userId}`,
	board: (organizationId: string, boardId: string) => `board:${organizationId}:${boardId}`,
	/** A board's viewers with a limited view (reps under the transparency settings, TVs): pushes carry no rows. */
	boardLimited: (organizationId: string, boardId: string) => `board:${organizationId}:${boardId}#limited`,
	activity: (organizationId: string) => `activity:${organizationId}`,
	/** The feed for reps shown ranks only: others' values and points are null. */
	activityMasked: (organizationId: string) => `activity:${organizationId}#masked`,
	/** One rep's sockets in the masked feed: their own items reach them with their values. */
	activityMaskedFor: (organizationId: string, userId: string) => `activity:${organizationId}#masked:${userId}`,
	contest: (organizationId: string, contestId: string) => `contest:${organizationId}:${contestId}`,
	/** A contest's readers with a limited view (reps under the transparency settings): pushes carry no rows. */
	contestLimited: (organizationId: string, contestId: string) => `contest:${organizationId}:${contestId}#limited`,
	kudos: (organizationId: string) => `kudos:${organizationId}`,
	/** A display's TVs. */
	display: (organizationId: string, displayId: string) => `display:${organizationId}:${displayId}`,
	/** Every TV of an organization (deal celebrations, which each TV filters by its own threshold). */
	tvs: (organizationId: string) => `tvs:${organizationId}`,
	/** A TV waiting for its code to be claimed. */
	pairing: (pairingId: string) => `pairing:${pairingId}`
};

/** Contests one connection may follow at once. */
export const MAX_CONTEST_SUBSCRIPTIONS = 20;
