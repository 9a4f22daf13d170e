// The Socket.IO protocol, imported by both the server and the browser. Events are "domain:verb".
// Mutations never travel here: sockets push and subscribe; changes go through HTTP.
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

export interface BoardSnapshotPayload {
	board: string;
	scope: BoardScope;
	window: { kind: BoardWindow; key: string; start: string; end: string };
	team: string | null;
	seq: number;
	total: number;
	entries: BoardRowPayload[];
}

export interface BoardUpdatePayload {
	board: string;
	scope: BoardScope;
	window: BoardWindow;
	period: string;
	seq: number;
	/** The rows whose score changed, with their new global rank. */
	rows: BoardRowPayload[];
}

export interface ActivityPayload {
	eventId: number;
	userId: string;
	name: string;
	metric: { key: string; nameEn: string; nameZh: string; unit: 'count' | 'currency' | 'minutes'; currency: string | null };
	value: number;
	points: number;
	occurredAt: string;
	/** A correction voiding an earlier event. */
	correction: boolean;
	/** The event a correction voids. */
	voids: number | null;
}

export interface ServerToClientEvents {
	/** Something about the organization changed (teams, members, settings): refetch what you show. */
	'org:changed': (payload: { what: 'teams' | 'members' | 'settings'; at: string }) => void;
	/** Rows of a subscribed board changed. A gap in seq means missed updates: refetch the snapshot. */
	'board:update': (payload: BoardUpdatePayload) => void;
	/** Things scored since the last push, oldest first: "<rep> won a deal: 120,000 CNY". After activity:subscribe. */
	'activity:new': (items: ActivityPayload[]) => void;
}

export interface ClientToServerEvents {
	/** Who the server thinks this socket is, and which rooms it joined. */
	'session:whoami': (ack: (response: Ack<{ userId: string | null; organizationId: string; rooms: string[] }>) => void) => void;
	/** Subscribe to a board's current period; the ack carries its snapshot and seq. */
	'board:subscribe': (selector: BoardSelector, ack: (response: Ack<BoardSnapshotPayload>) => void) => void;
	'board:unsubscribe': (selector: BoardSelector, ack?: (response: Ack<true>) => void) => void;
	/** Receive the organization's activity feed (activity:new) until unsubscribed or disconnected. */
	'activity:subscribe': (ack?: (response: Ack<true>) => void) => void;
	'activity:unsubscribe': (ack?: (response: Ack<true>) => void) => void;
}

export interface InterServerEvents {
	ping: () => void;
}

export interface SocketData {
	/** Null for sockets authenticated with an API token (displays, bots). */
	userId: string | null;
	organizationId: string;
	role: 'admin' | 'leader' | 'rep' | 'token';
}

export const rooms = {
	org: (organizationId: string) => `org:${organizationId}`,
	user: (userId: string) => `user:${userId}`,
	board: (organizationId: string, boardId: string) => `board:${organizationId}:${boardId}`,
	activity: (organizationId: string) => `activity:${organizationId}`
};
