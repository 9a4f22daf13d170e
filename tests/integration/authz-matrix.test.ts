// The authorization matrix: every page, form action, API endpoint and socket event, tried by four
// people who must not succeed against a rep's organization: nobody signed in, a rep, a leader of
// another team, and an admin of another organization. Each answer is checked against the expected
// refusal, nothing of the organization changes, and the rightful actor (a positive control on its own
// targets) does succeed, so a route that refused everyone would fail here too.
// A new endpoint, action or socket event gets a row in OPERATIONS.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type ActionResult, type App, type Browser, type HttpResponse } from '../helpers/app';
import { uniqueSuffix } from '../helpers/env';
import { addMember, createTeam, invite, signUpOrganization, snapshotOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { closeAllSockets, connectSocket, refusal, type ClientSocket } from '../helpers/sockets';
import { createContest } from '../../src/lib/server/contests/contest.service';
import { createValue } from '../../src/lib/server/recognition/values.service';
import { giveKudos } from '../../src/lib/server/recognition/kudos.service';
import { addHoliday, createBadge } from '../../src/lib/server/recognition/badge.service';
import { defaultBuilderValues, fromLocalInput, toLocalInput } from '../../src/lib/shared/contest-form';
import { moveCoins } from '../../src/lib/server/recognition/coin.service';
import { createReward, redeemReward } from '../../src/lib/server/recognition/reward.service';
import { postIdea } from '../../src/lib/server/recognition/idea.service';
import { assignCourse, createCourse, publishCourse, saveModule } from '../../src/lib/server/training/training.service';
import { createGoal } from '../../src/lib/server/goals/goal.service';
import { addSlide, createDisplay, createPairing, pairScreen } from '../../src/lib/server/displays/display.service';
import { createConnection, receiveHook } from '../../src/lib/server/integrations/integration.service';
import { createChannel } from '../../src/lib/server/integrations/notification.service';
import { standardSignature } from '../../src/lib/server/integrations/signatures';
import { openAppeal } from '../../src/lib/server/coaching/appeal.service';
import { addPlanAction, createReview, openImprovementPlan, saveReviewText, shareReview } from '../../src/lib/server/coaching/review.service';
import { createNote, notesOf } from '../../src/lib/server/coaching/note.service';
import { orgClock } from '../../src/lib/server/scoring/live.service';
import { periodOf, shiftPeriod } from '../../src/lib/shared/time-windows';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';
import { insertFlags } from '../../src/lib/server/coaching/flags.repository';

type Outcome = 'ok' | 'login' | 'forbidden' | 'notFound' | 'invalid' | 'refused';
type ActorName = 'anonymous' | 'rep' | 'otherLeader' | 'otherAdmin';

interface Targets {
	teamId: string;
	/** A sub-team of teamId, and an empty team beside it (archivable). */
	subTeamId: string;
	emptyTeamId: string;
	/** The leaders of teamId, as an update that keeps them sends them. */
	leaderIds: string[];
	rep: Member;
	invitationId: string;
	tokenId: string;
	metricId: string;
	eventId: number;
	/** Contests of A: a draft built by A's admin with the rep in it, a draft to delete, and two duels the rep challenged A's admin to. */
	contestId: string;
	draftToDeleteId: string;
	duelToAcceptId: string;
	duelToDeclineId: string;
	/** Rewards of A: a reward, pending redemptions of the targets' rep (one to approve then fulfil, one to decline), and the rep's idea. */
	rewardId: string;
	redemptionId: string;
	redemptionToDeclineId: string;
	ideaId: string;
	/** Kudos: a company value used by a kudos from A's admin to the rep, and one nobody used. */
	valueId: string;
	unusedValueId: string;
	kudosId: string;
	/** A manual badge of A (awarded by hand) and a holiday of A (each target set its own day). */
	badgeId: string;
	holiday: string;
	/** Training of A: a published course by A's admin (a reading module, a quiz module and a spare one), the rep's assignment of it, and a draft course with a module. */
	trainingCourseId: string;
	trainingReadId: string;
	trainingQuizId: string;
	trainingSpareModuleId: string;
	trainingAssignmentId: string;
	trainingDraftId: string;
	/** Goals of A: a monthly deals goal of the targets' team, set by A's admin, and the rep's own proposal. */
	goalId: string;
	goalProposalId: string;
	/** Displays of A: one limited to the targets' team, with a slide and a paired screen. */
	displayId: string;
	slideId: string;
	screenId: string;
	/** Integrations of A: a generic connection, one logged delivery of it, and a chat channel. */
	connectionId: string;
	deliveryId: number;
	channelId: string;
	webhookChannelId: string;
	/** Appeals: the rep's open appeal of a line of theirs, and another line of theirs nobody appealed. */
	appealId: string;
	appealLineId: number;
	/** Anti-gaming flags of the targets' rep: one for the list's dismiss, one for the flag page's, one for the API's. */
	flagIds: [string, string, string];
	/** Reviews of the targets' rep by A's admin: last month's, shared, with a plan and a rep's action; last quarter's, a draft. */
	reviewId: string;
	reviewActionId: string;
	draftReviewId: string;
	/** A 1:1 note about the rep by A's admin, shared, with one action item. */
	noteId: string;
	noteItemId: string;
	/** This month's and this quarter's keys (new reviews), and a local day five days ahead. */
	currentMonth: string;
	currentQuarter: string;
	soon: string;
}

interface Operation {
	name: string;
	/** Runs the operation as `browser` against `targets` (ids in organization A). */
	run(browser: Browser, t: Targets): Promise<Outcome>;
	/** What each of the four must get. */
	expect: Record<ActorName, Outcome | Outcome[]>;
	/**
	 * Who may do it, as the positive control on the control targets: A's admin (default), the leader of
	 * the targets' team, or none (nobody may: it is not a change anyone makes this way).
	 */
	control?: 'admin' | 'leader' | 'none';
	/** Controls run in this order (default 0): changes that end a target (role, deactivate, archive) last. */
	controlOrder?: number;
}

let app: App;
let a: SignedUp;
let b: SignedUp;
let teamLeader: Member;
let victim: Targets;
let control: Targets;
const browsers = {} as Record<ActorName, Browser>;

function fromResponse(res: HttpResponse): Outcome {
	if (res.status === 401 || ((res.status === 302 || res.status === 303) && String(res.headers.location).startsWith('/login'))) return 'login';
	if (res.status === 403) return 'forbidden';
	if (res.status === 404) return 'notFound';
	if (res.status === 400 || res.status === 422) return 'invalid';
	if (res.status >= 200 && res.status < 400) return 'ok';
	return `refused ${res.status}` as Outcome;
}

function fromAction(result: ActionResult): Outcome {
	if (result.type === 'redirect') return result.location.startsWith('/login') ? 'login' : 'ok';
	if (result.type === 'success') return 'ok';
	if (result.status === 401) return 'login';
	if (result.status === 403) return 'forbidden';
	if (result.status === 404) return 'notFound';
	if (result.status === 400 || result.status === 422) return 'invalid';
	return `refused ${result.status} ${JSON.stringify(result.type === 'failure' ? result.data?.message : result.type === 'error' ? result.error : '')}` as Outcome;
}

const page = (path: (t: Targets) => string) => async (browser: Browser, t: Targets) => fromResponse(await browser.get(path(t)));
const action = (path: string, fields: (t: Targets) => Record<string, string | number | string[]>) => async (browser: Browser, t: Targets) =>
	fromAction(await browser.action(path, fields(t)));

/** Connects with the browser's cookie; a refused handshake is 'login'. */
async function socketOf(browser: Browser): Promise<ClientSocket | null> {
	const cookie = browser.cookieHeader();
	if (!cookie) {
		await refusal(app.url);
		return null;
	}
	return connectSocket(app.url, cookie);
}

function ack<T>(socket: ClientSocket, event: string, ...args: unknown[]): Promise<{ data?: T; error?: string }> {
	return new Promise((resolve, reject) => {
		(socket as any).timeout(5000).emit(event, ...args, (err: Error | null, response: { data?: T; error?: string }) => (err ? reject(err) : resolve(response)));
	});
}

const socketOp = (event: string, args: (t: Targets) => unknown[]) => async (browser: Browser, t: Targets): Promise<Outcome> => {
	const socket = await socketOf(browser);
	if (!socket) return 'login';
	try {
		const response = await ack(socket, event, ...args(t));
		if (response.error) return /not found/i.test(response.error) ? 'notFound' : /not allowed|forbidden/i.test(response.error) ? 'forbidden' : 'invalid';
		return 'ok';
	} finally {
		socket.close();
	}
};

/** A contest API call as the browser (its session cookie; same-origin, as the app's pages send it). */
const contestApi = (method: string, path: (t: Targets) => string, body?: (t: Targets) => unknown) => async (browser: Browser, t: Targets) =>
	fromResponse(
		await browser.request(method, path(t), {
			headers: { 'content-type': 'application/json', origin: app.url },
			...(body ? { body: JSON.stringify(body(t)) } : {})
		})
	);

/** A race in A with A's rep in it, starting in an hour. */
const contestBody = (t: Targets) => ({
	name: `Race ${uniqueSuffix()}`,
	format: 'race',
	scoring: { metrics: 'points' },
	startsAt: new Date(Date.now() + 3600_000).toISOString(),
	endsAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
	participants: { members: [t.rep.email] }
});

/** A form action on a path that names one of A's things. */
const contestAction = (path: (t: Targets) => string, fields: (t: Targets) => Record<string, string> = () => ({})) => async (browser: Browser, t: Targets) =>
	fromAction(await browser.action(path(t), fields(t)));

/** The contest builder's posted state: a race in A with A's rep in it, for an hour from the next full hour. */
const builderValues = (t: Targets) => {
	// Wall-clock times in the organization's zone (helpers/fixtures.ts signs organizations up in Berlin).
	const zone = 'Europe/Berlin';
	const v = defaultBuilderValues(Date.now(), zone);
	const endsAt = toLocalInput(new Date(Date.parse(fromLocalInput(v.startsAt, zone)) + 3600_000).toISOString(), zone);
	return { ...v, endsAt, nameEn: `Race ${uniqueSuffix()}`, who: 'members', members: [t.rep.userId] };
};

// Pages every member of A may open: the others are refused or see only their own organization.
const memberPage: Record<ActorName, Outcome> = { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'ok' };
// Admin-only pages.
const adminPage: Record<ActorName, Outcome> = { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' };
// Pages for admins and leaders (each sees only what they manage).
const managerPage: Record<ActorName, Outcome> = { anonymous: 'login', rep: 'forbidden', otherLeader: 'ok', otherAdmin: 'ok' };
// Changes to one of A's things, by id: A's rep is forbidden, a leader of another team forbidden or
// not found (the team is not theirs), B's admin finds nothing.
const managedChange: Record<ActorName, Outcome | Outcome[]> = { anonymous: 'login', rep: 'forbidden', otherLeader: ['forbidden', 'notFound'], otherAdmin: 'notFound' };
// One of A's reviews or notes: another rep finds nothing, a leader of another team is refused, B's admin finds nothing.
const reviewChange: Record<ActorName, Outcome> = { anonymous: 'login', rep: 'notFound', otherLeader: 'forbidden', otherAdmin: 'notFound' };
const adminChange: Record<ActorName, Outcome | Outcome[]> = { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' };

/** A fresh TV pairing code (nobody signed in), for the pairing operations. */
async function freshCode() {
	return (await createPairing(app.runtime, `198.51.100.${Math.floor(Math.random() * 250)}`)).code;
}

const OPERATIONS: Operation[] = [
	// Pages
	...['/', '/team', '/leaderboards', '/account', '/contests', '/goals', '/kudos', '/training', '/displays'].map((path) => ({
		name: `GET ${path}`,
		run: page(() => path),
		expect: memberPage
	})),
	...['/admin/metrics', '/admin/settings', '/admin/tokens', '/admin/audit', '/admin/jobs'].map((path) => ({ name: `GET ${path}`, run: page(() => path), expect: adminPage })),
	...['/admin/teams', '/admin/members', '/admin/import'].map((path) => ({ name: `GET ${path}`, run: page(() => path), expect: managerPage })),
	{
		name: 'GET /leaderboards/receipt of a rep of A',
		run: page((t) => `/leaderboards/receipt?member=${t.rep.userId}&board=points&scope=users&window=week`),
		expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' }
	},
	// Public API (a session stands in for a token with leaderboards:read)
	{ name: 'GET /api/v1/leaderboards', run: page(() => '/api/v1/leaderboards'), expect: memberPage },
	{ name: 'GET /api/v1/leaderboards?team=<A team>', run: page((t) => `/api/v1/leaderboards?team=${t.teamId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{ name: 'GET /api/v1/members', run: page(() => '/api/v1/members'), expect: memberPage },
	{
		name: 'GET /api/v1/openapi.json (public)',
		run: page(() => '/api/v1/openapi.json'),
		expect: { anonymous: 'ok', rep: 'ok', otherLeader: 'ok', otherAdmin: 'ok' }
	},
	{
		name: 'POST /api/v1/events with a session and no token',
		run: async (browser) => fromResponse(await browser.request('POST', '/api/v1/events', { headers: { 'content-type': 'application/json', origin: app.url }, body: '{"events":[]}' })),
		expect: { anonymous: 'login', rep: 'login', otherLeader: 'login', otherAdmin: 'login' },
		control: 'none'
	},
	// Teams
	{
		name: 'teams?/update an A team',
		run: action('/admin/teams?/update', (t) => ({ teamId: t.teamId, name: `Renamed ${uniqueSuffix()}`, leaderIds: t.leaderIds })),
		expect: managedChange,
		control: 'leader'
	},
	{ name: 'teams?/archive an A team', run: action('/admin/teams?/archive', (t) => ({ teamId: t.emptyTeamId })), expect: managedChange, controlOrder: 1 },
	{ name: 'teams?/restore an A team', run: action('/admin/teams?/restore', (t) => ({ teamId: t.emptyTeamId })), expect: managedChange, controlOrder: 2 },
	{
		name: 'teams?/create under an A team',
		run: action('/admin/teams?/create', (t) => ({ name: `Sub ${uniqueSuffix()}`, parentId: t.teamId })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' }
	},
	// Members
	{ name: 'members?/invite into an A team', run: action('/admin/members?/invite', (t) => ({ email: `x-${uniqueSuffix()}@example.test`, role: 'rep', teamId: t.teamId })), expect: managedChange, control: 'leader' },
	{ name: 'members?/revoke an A invitation', run: action('/admin/members?/revoke', (t) => ({ invitationId: t.invitationId })), expect: managedChange, control: 'leader' },
	{ name: 'members?/resetPassword of an A rep', run: action('/admin/members?/resetPassword', (t) => ({ userId: t.rep.userId })), expect: managedChange, control: 'leader' },
	{ name: 'members?/competes of an A rep', run: action('/admin/members?/competes', (t) => ({ userId: t.rep.userId, competes: 'on' })), expect: adminChange },
	{
		// Only one's own password: a wrong current one is refused, and nobody else's can be named.
		name: 'account?/password with a wrong current password',
		run: action('/account?/password', () => ({ currentPassword: 'not the password at all', newPassword: 'a brand new passphrase 42', confirmPassword: 'a brand new passphrase 42' })),
		expect: { anonymous: 'login', rep: 'invalid', otherLeader: 'invalid', otherAdmin: 'invalid' },
		control: 'none'
	},
	{ name: 'members?/role of an A rep', run: action('/admin/members?/role', (t) => ({ userId: t.rep.userId, role: 'admin' })), expect: adminChange, controlOrder: 5 },
	{ name: 'members?/move an A rep', run: action('/admin/members?/move', (t) => ({ userId: t.rep.userId, teamId: t.subTeamId })), expect: managedChange, control: 'leader', controlOrder: 1 },
	{ name: 'members?/deactivate an A rep', run: action('/admin/members?/deactivate', (t) => ({ userId: t.rep.userId })), expect: adminChange, controlOrder: 3 },
	{ name: 'members?/reactivate an A rep', run: action('/admin/members?/reactivate', (t) => ({ userId: t.rep.userId })), expect: adminChange, controlOrder: 4 },
	// Metrics, settings, tokens
	{
		name: 'metrics?/update an A metric',
		run: action('/admin/metrics?/update', (t) => ({ metricId: t.metricId, 'name.en': 'Hacked', 'name.zh-CN': '被改', step: '1', pointsPerStep: '1', selfReport: 'on' })),
		expect: adminChange
	},
	{ name: 'metrics?/archive an A metric', run: action('/admin/metrics?/archive', (t) => ({ metricId: t.metricId })), expect: adminChange, controlOrder: 6 },
	{ name: 'tokens?/revoke an A token', run: action('/admin/tokens?/revoke', (t) => ({ tokenId: t.tokenId })), expect: adminChange },
	{
		name: 'tokens?/create',
		run: action('/admin/tokens?/create', () => ({ name: `t-${uniqueSuffix()}`, scopes: ['leaderboards:read'] })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{
		name: 'settings?/save',
		run: action('/admin/settings?/save', () => ({ name: `Renamed ${uniqueSuffix()}`, timeZone: 'UTC', locale: 'en', weekStart: '1' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{
		// Each admin's own organization only; the values are the defaults, so A's boards look the same after.
		name: 'settings?/transparency',
		run: action('/admin/settings?/transparency', () => ({ view: 'full', topN: '10', neighbours: '2', values: 'all', allowHiding: 'on' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	// Scoring
	{
		name: 'leaderboards?/log for an A rep',
		run: action('/leaderboards?/log', (t) => ({ userId: t.rep.userId, metric: 'call', value: '1', key: crypto.randomUUID() })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'leaderboards?/void an A event',
		run: action('/leaderboards?/void', (t) => ({ eventId: t.eventId, reason: 'not mine to void' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: ['forbidden', 'notFound'], otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		// A leader's or admin's import of rows for people they may not score refuses those rows: 'ok' only when a row was recorded.
		name: 'import?/import for an A rep',
		run: async (browser, t) => {
			const result = await browser.action('/admin/import?/import', { csv: `id,metric,user,value\nimp-${uniqueSuffix()},call,${t.rep.email},1\n` });
			if (result.type === 'success') return result.data.summary.accepted === 1 ? 'ok' : 'forbidden';
			return fromAction(result);
		},
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: ['forbidden', 'notFound', 'invalid'] },
		control: 'leader'
	},
	// Goals (a session stands in for a token with goals:read or goals:write). Everyone in A reads A's
	// goals; admins set any, leaders those of the teams they manage, a rep proposes only their own.
	{ name: 'GET /api/v1/goals', run: page(() => '/api/v1/goals?status=all'), expect: memberPage },
	{ name: 'GET /api/v1/goals/<A goal>', run: page((t) => `/api/v1/goals/${t.goalId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{ name: 'page /goals/<A goal>', run: page((t) => `/goals/${t.goalId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{
		name: 'POST /api/v1/goals for an A team',
		run: contestApi('POST', () => '/api/v1/goals', (t) => ({ owner: { team: t.teamId }, metric: 'meeting', target: 9, period: { window: 'quarter' } })),
		expect: managedChange
	},
	{ name: 'PUT /api/v1/goals/<A goal>', run: contestApi('PUT', (t) => `/api/v1/goals/${t.goalId}`, () => ({ target: 25 })), expect: managedChange, control: 'leader' },
	{ name: 'POST /api/v1/goals/<A goal>/split', run: contestApi('POST', (t) => `/api/v1/goals/${t.goalId}/split`, () => ({ into: 'members', by: 'even' })), expect: managedChange },
	{ name: 'POST /api/v1/goals/<A goal>/copy', run: contestApi('POST', (t) => `/api/v1/goals/${t.goalId}/copy`, () => ({})), expect: managedChange },
	{
		name: 'POST /api/v1/goals/<A proposal>/decision',
		run: contestApi('POST', (t) => `/api/v1/goals/${t.goalProposalId}/decision`, () => ({ decision: 'approve' })),
		expect: managedChange,
		control: 'leader',
		controlOrder: 1
	},
	{ name: 'DELETE /api/v1/goals/<A goal>', run: contestApi('DELETE', (t) => `/api/v1/goals/${t.goalId}`), expect: managedChange, controlOrder: 2 },
	{
		name: 'goals?/create for an A team',
		run: action('/goals?/create', (t) => ({ ownerKind: 'team', team: t.teamId, metric: 'call', target: '12', window: 'quarter', offset: '0' })),
		expect: managedChange
	},
	{ name: 'goals?/decide an A proposal', run: action('/goals?/decide', (t) => ({ goalId: t.goalProposalId, decision: 'decline' })), expect: managedChange, control: 'none' },
	{ name: 'goals?/copy an A goal', run: action('/goals?/copy', (t) => ({ goalId: t.goalId })), expect: managedChange, control: 'none' },
	{ name: 'goals/<A goal>?/edit', run: contestAction((t) => `/goals/${t.goalId}?/edit`, () => ({ target: '30' })), expect: managedChange },
	{ name: 'goals/<A goal>?/split', run: contestAction((t) => `/goals/${t.goalId}?/split`, () => ({ into: 'members', by: 'last_period' })), expect: managedChange },
	// Appeals: a rep's appeal exists only for them and for whoever may resolve it (leaders who manage them,
	// admins); a line may be appealed only by the rep it belongs to.
	{ name: 'GET /appeals', run: page(() => '/appeals'), expect: memberPage },
	{
		name: 'appeals?/open on a line of an A rep',
		run: action('/appeals?/open', (t) => ({ eventId: t.appealLineId, kind: 'not_mine', reason: 'not mine' })),
		expect: { anonymous: 'login', rep: 'notFound', otherLeader: 'notFound', otherAdmin: 'notFound' },
		control: 'none'
	},
	{
		name: 'appeals?/message on an A appeal',
		run: action('/appeals?/message', (t) => ({ appealId: t.appealId, body: 'Looking into it' })),
		expect: { anonymous: 'login', rep: 'notFound', otherLeader: 'notFound', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'appeals?/resolve an A appeal',
		run: action('/appeals?/resolve', (t) => ({ appealId: t.appealId, decision: 'reject', reason: 'The CRM agrees with the line' })),
		expect: { anonymous: 'login', rep: 'notFound', otherLeader: 'notFound', otherAdmin: 'notFound' },
		control: 'leader'
	},
	// Reviews and 1:1 notes: a review exists for its rep (once shared) and for whoever manages them; a leader
	// of another team is refused (403), another rep finds nothing (404), another organization nothing (404).
	{ name: 'GET /reviews', run: page(() => '/reviews'), expect: memberPage },
	{ name: 'GET /api/v1/reviews', run: page(() => '/api/v1/reviews'), expect: memberPage },
	{ name: 'page /reviews/<A review>', run: page((t) => `/reviews/${t.reviewId}`), expect: reviewChange },
	{ name: 'GET /api/v1/reviews/<A review>', run: page((t) => `/api/v1/reviews/${t.reviewId}`), expect: reviewChange },
	{ name: 'GET /api/v1/reviews?member=<A rep>', run: page((t) => `/api/v1/reviews?member=${t.rep.userId}`), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' } },
	{ name: 'GET /api/v1/notes?member=<A rep>', run: page((t) => `/api/v1/notes?member=${t.rep.userId}`), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' } },
	{
		name: 'the notes section of page /people/<A rep>',
		run: async (browser, t) => {
			const res = await browser.get(`/people/${t.rep.userId}`);
			const outcome = fromResponse(res);
			return outcome === 'ok' && !res.body.includes('data-testid="coaching-notes"') ? 'forbidden' : outcome;
		},
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'POST /api/v1/reviews of an A rep',
		run: contestApi('POST', () => '/api/v1/reviews', (t) => ({ subjectId: t.rep.userId, window: 'month', period: t.currentMonth })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'reviews?/create of an A rep',
		run: action('/reviews?/create', (t) => ({ subjectId: t.rep.userId, window: 'quarter', period: t.currentQuarter })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{ name: 'PUT /api/v1/reviews/<A review>', run: contestApi('PUT', (t) => `/api/v1/reviews/${t.reviewId}`, () => ({ strengths: 'Hacked' })), expect: reviewChange, control: 'leader' },
	{ name: 'reviews/<A review>?/save', run: contestAction((t) => `/reviews/${t.reviewId}?/save`, () => ({ feedback: 'Hacked' })), expect: reviewChange, control: 'leader' },
	{ name: 'POST /api/v1/reviews/<A draft>/share', run: contestApi('POST', (t) => `/api/v1/reviews/${t.draftReviewId}/share`, () => ({})), expect: reviewChange, control: 'leader', controlOrder: 1 },
	{ name: 'reviews/<A draft>?/share', run: contestAction((t) => `/reviews/${t.draftReviewId}?/share`), expect: reviewChange, control: 'none' },
	{ name: 'POST /api/v1/reviews/<A review>/acknowledgement', run: contestApi('POST', (t) => `/api/v1/reviews/${t.reviewId}/acknowledgement`, () => ({})), expect: reviewChange, control: 'none' },
	{ name: 'reviews/<A review>?/acknowledge', run: contestAction((t) => `/reviews/${t.reviewId}?/acknowledge`), expect: reviewChange, control: 'none' },
	{ name: 'POST /api/v1/reviews/<A review>/comments', run: contestApi('POST', (t) => `/api/v1/reviews/${t.reviewId}/comments`, () => ({ body: 'Hi' })), expect: reviewChange, control: 'leader' },
	{ name: 'reviews/<A review>?/comment', run: contestAction((t) => `/reviews/${t.reviewId}?/comment`, () => ({ body: 'Hi' })), expect: reviewChange, control: 'leader' },
	{ name: 'POST /api/v1/reviews/<A review>/plan', run: contestApi('POST', (t) => `/api/v1/reviews/${t.reviewId}/plan`, () => ({ goal: 'Hacked' })), expect: reviewChange, control: 'leader' },
	{ name: 'reviews/<A review>?/plan', run: contestAction((t) => `/reviews/${t.reviewId}?/plan`, () => ({ goal: 'Hacked' })), expect: reviewChange, control: 'leader' },
	{ name: 'POST /api/v1/reviews/<A review>/actions', run: contestApi('POST', (t) => `/api/v1/reviews/${t.reviewId}/actions`, (t) => ({ text: 'Hacked', owner: 'rep', dueOn: t.soon })), expect: reviewChange, control: 'leader' },
	{ name: 'reviews/<A review>?/addAction', run: contestAction((t) => `/reviews/${t.reviewId}?/addAction`, (t) => ({ text: 'Hacked', owner: 'leader', dueOn: t.soon })), expect: reviewChange, control: 'leader' },
	{ name: 'PUT /api/v1/reviews/<A review>/actions', run: contestApi('PUT', (t) => `/api/v1/reviews/${t.reviewId}/actions`, (t) => ({ actionId: t.reviewActionId, done: true })), expect: reviewChange, control: 'leader' },
	{ name: 'reviews/<A review>?/tickAction', run: contestAction((t) => `/reviews/${t.reviewId}?/tickAction`, (t) => ({ actionId: t.reviewActionId, done: 'false' })), expect: reviewChange, control: 'leader' },
	{ name: 'POST /api/v1/reviews/<A review>/checkins', run: contestApi('POST', (t) => `/api/v1/reviews/${t.reviewId}/checkins`, (t) => ({ onDay: t.soon })), expect: reviewChange, control: 'leader' },
	{ name: 'reviews/<A review>?/addCheckin', run: contestAction((t) => `/reviews/${t.reviewId}?/addCheckin`, (t) => ({ onDay: t.soon, note: 'Hacked' })), expect: reviewChange, control: 'leader' },
	{
		name: 'POST /api/v1/notes about an A rep',
		run: contestApi('POST', () => '/api/v1/notes', (t) => ({ member: t.rep.userId, onDay: t.soon, body: 'Hacked' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'people/<A rep>?/addNote',
		run: contestAction((t) => `/people/${t.rep.userId}?/addNote`, (t) => ({ onDay: t.soon, body: 'Hacked', shared: 'true' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	// Only a note's author edits it: A's admin wrote the targets' note.
	{ name: 'PUT /api/v1/notes/<A note>', run: contestApi('PUT', (t) => `/api/v1/notes/${t.noteId}`, () => ({ body: 'Hacked', shared: true })), expect: reviewChange },
	{ name: 'people/<A rep>?/editNote', run: contestAction((t) => `/people/${t.rep.userId}?/editNote`, (t) => ({ noteId: t.noteId, body: 'Hacked', shared: 'true' })), expect: reviewChange },
	{ name: 'PUT /api/v1/notes/<A note>/items', run: contestApi('PUT', (t) => `/api/v1/notes/${t.noteId}/items`, (t) => ({ itemId: t.noteItemId, done: true })), expect: reviewChange, control: 'leader' },
	{ name: 'people/<A rep>?/tickNote', run: contestAction((t) => `/people/${t.rep.userId}?/tickNote`, (t) => ({ noteId: t.noteId, itemId: t.noteItemId, done: 'false' })), expect: reviewChange, control: 'leader' },
	{ name: 'goals?/remove an A proposal', run: action('/goals?/remove', (t) => ({ goalId: t.goalProposalId })), expect: managedChange, controlOrder: 3 },

	// Contests (a session stands in for a token with contests:read or contests:write)
	{ name: 'GET /api/v1/contests', run: page(() => '/api/v1/contests'), expect: memberPage },
	{ name: 'GET /api/v1/contests/<A contest>', run: page((t) => `/api/v1/contests/${t.contestId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{
		name: 'POST /api/v1/contests with an A rep',
		run: contestApi('POST', () => '/api/v1/contests', (t) => contestBody(t)),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'invalid', otherAdmin: 'invalid' }
	},
	{
		name: 'POST /api/v1/contests/backtest with an A rep',
		run: contestApi('POST', () => '/api/v1/contests/backtest', (t) => ({ ...contestBody(t), from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() - 1000).toISOString() })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'invalid', otherAdmin: 'invalid' }
	},
	{ name: 'PUT /api/v1/contests/<A contest>', run: contestApi('PUT', (t) => `/api/v1/contests/${t.contestId}`, (t) => contestBody(t)), expect: managedChange },
	{ name: 'POST /api/v1/contests/<A contest>/schedule', run: contestApi('POST', (t) => `/api/v1/contests/${t.contestId}/schedule`), expect: managedChange, controlOrder: 1 },
	{
		name: 'POST /api/v1/contests/<A contest>/extend',
		run: contestApi('POST', (t) => `/api/v1/contests/${t.contestId}/extend`, () => ({ endsAt: new Date(Date.now() + 10 * 3600_000).toISOString() })),
		expect: managedChange,
		controlOrder: 2
	},
	{ name: 'POST /api/v1/contests/<A contest>/clone', run: contestApi('POST', (t) => `/api/v1/contests/${t.contestId}/clone`), expect: managedChange, controlOrder: 2 },
	{ name: 'POST /api/v1/contests/<A contest>/cancel', run: contestApi('POST', (t) => `/api/v1/contests/${t.contestId}/cancel`), expect: managedChange, controlOrder: 3 },
	{ name: 'DELETE /api/v1/contests/<A draft>', run: contestApi('DELETE', (t) => `/api/v1/contests/${t.draftToDeleteId}`), expect: managedChange },
	{ name: 'POST /api/v1/contests/<A duel>/accept', run: contestApi('POST', (t) => `/api/v1/contests/${t.duelToAcceptId}/accept`), expect: managedChange },
	{ name: 'POST /api/v1/contests/<A duel>/decline', run: contestApi('POST', (t) => `/api/v1/contests/${t.duelToDeclineId}/decline`), expect: managedChange },
	// Contest pages and their form actions (the same services as the API rows above; where a change can be
	// made only once, the API row's positive control stands for both and the form row checks the refusals).
	{ name: 'page /contests/<A contest>', run: page((t) => `/contests/${t.contestId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	// Reps open the builder to challenge a colleague to a duel.
	{ name: 'page /contests/new', run: page(() => '/contests/new'), expect: memberPage },
	// Someone who may not edit it is sent back to the contest's page.
	{ name: 'page /contests/<A contest>/edit', run: page((t) => `/contests/${t.contestId}/edit`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{
		name: 'contests/new?/save a race with an A rep',
		run: action('/contests/new?/save', (t) => ({ values: JSON.stringify(builderValues(t)), status: 'draft' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: ['invalid', 'forbidden'], otherAdmin: ['invalid', 'notFound'] }
	},
	{
		name: 'contests/new?/backtest with an A rep',
		run: action('/contests/new?/backtest', (t) => ({
			values: JSON.stringify(builderValues(t)),
			from: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
			to: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)
		})),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: ['invalid', 'forbidden'], otherAdmin: ['invalid', 'notFound'] }
	},
	{ name: 'contests/<A contest>/edit?/save', run: contestAction((t) => `/contests/${t.contestId}/edit?/save`, (t) => ({ values: JSON.stringify(builderValues(t)), status: 'draft' })), expect: managedChange },
	{ name: 'contests/<A contest>?/schedule', run: contestAction((t) => `/contests/${t.contestId}?/schedule`), expect: managedChange, control: 'none' },
	{
		name: 'contests/<A contest>?/extend',
		// A wall-clock time 30 hours ahead in UTC is later than the API row's extension in any time zone.
		run: contestAction((t) => `/contests/${t.contestId}?/extend`, () => ({ endsAt: new Date(Date.now() + 30 * 3600_000).toISOString().slice(0, 16) })),
		expect: managedChange,
		controlOrder: 2.5
	},
	{ name: 'contests/<A contest>?/clone', run: contestAction((t) => `/contests/${t.contestId}?/clone`), expect: managedChange, controlOrder: 2 },
	{ name: 'contests/<A contest>?/cancel', run: contestAction((t) => `/contests/${t.contestId}?/cancel`), expect: managedChange, control: 'none' },
	{ name: 'contests/<A draft>?/delete', run: contestAction((t) => `/contests/${t.draftToDeleteId}?/delete`), expect: managedChange, control: 'none' },
	{ name: 'contests/<A duel>?/accept', run: contestAction((t) => `/contests/${t.duelToAcceptId}?/accept`), expect: managedChange, control: 'none' },
	{ name: 'contests/<A duel>?/decline', run: contestAction((t) => `/contests/${t.duelToDeclineId}?/decline`), expect: managedChange, control: 'none' },
	// Coins, rewards and ideas
	...['/rewards', '/ideas'].map((path) => ({ name: `GET ${path}`, run: page(() => path), expect: memberPage })),
	{ name: 'GET /admin/rewards', run: page(() => '/admin/rewards'), expect: managerPage },
	{
		// A rep reads only their own coins; leaders and admins anyone of their organization.
		name: 'GET /api/v1/coins/<A rep>',
		run: page((t) => `/api/v1/coins/${t.rep.userId}`),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'ok', otherAdmin: 'notFound' }
	},
	{
		// Every member of A may redeem (the rep and the other leader have coins); B's admin finds no such reward.
		name: 'rewards?/redeem an A reward',
		run: action('/rewards?/redeem', (t) => ({ rewardId: t.rewardId })),
		expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' }
	},
	{ name: 'rewards?/cancel an A rep’s redemption', run: action('/rewards?/cancel', (t) => ({ redemptionId: t.redemptionId })), expect: managedChange, control: 'none' },
	{ name: 'admin/rewards?/approve an A redemption', run: action('/admin/rewards?/approve', (t) => ({ redemptionId: t.redemptionId })), expect: managedChange, control: 'leader' },
	{ name: 'admin/rewards?/fulfil an A redemption', run: action('/admin/rewards?/fulfil', (t) => ({ redemptionId: t.redemptionId })), expect: managedChange, control: 'leader', controlOrder: 1 },
	{ name: 'admin/rewards?/decline an A redemption', run: action('/admin/rewards?/decline', (t) => ({ redemptionId: t.redemptionToDeclineId })), expect: managedChange, control: 'leader' },
	{
		name: 'admin/rewards?/createReward',
		run: action('/admin/rewards?/createReward', () => ({ 'name.en': `Prize ${uniqueSuffix()}`, image: 'art:gift', cost: '10' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{
		name: 'admin/rewards?/updateReward an A reward',
		run: action('/admin/rewards?/updateReward', (t) => ({ rewardId: t.rewardId, 'name.en': 'Hacked', image: 'art:gift', cost: '1', active: 'on' })),
		expect: adminChange
	},
	{
		name: 'admin/rewards?/saveRules',
		run: action('/admin/rewards?/saveRules', () => ({ perContestWin: '1', perContestPlace: '1', perBadge: '1', perKudos: '1', per100Points: '0', ideaPoints: '1' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{ name: 'ideas?/post', run: action('/ideas?/post', () => ({ title: `Idea ${uniqueSuffix()}`, body: 'Try this.' })), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'ok' } },
	{ name: 'ideas?/vote on an A idea', run: action('/ideas?/vote', (t) => ({ ideaId: t.ideaId })), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{ name: 'ideas?/comment on an A idea', run: action('/ideas?/comment', (t) => ({ ideaId: t.ideaId, body: 'Nice' })), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{ name: 'ideas?/move an A idea', run: action('/ideas?/move', (t) => ({ ideaId: t.ideaId, status: 'trying' })), expect: managedChange, control: 'leader' },
	// Badges, levels and the trophy case
	{ name: 'GET /admin/badges', run: page(() => '/admin/badges'), expect: adminPage },
	{ name: 'GET /people/<A rep>', run: page((t) => `/people/${t.rep.userId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	// Coaching: a member's analytics are theirs, their team leaders' and admins' (the profile page stays open to everyone in A).
	{
		name: 'GET /people/<A rep>/analytics',
		run: page((t) => `/people/${t.rep.userId}/analytics?period=quarter&metric=call`),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'GET /team/analytics?team=<A team>',
		run: page((t) => `/team/analytics?team=${t.teamId}&period=quarter`),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'the analytics section of page /people/<A rep>',
		run: async (browser, t) => {
			const res = await browser.get(`/people/${t.rep.userId}`);
			const outcome = fromResponse(res);
			return outcome === 'ok' && !res.body.includes('data-testid="rep-analytics"') ? 'forbidden' : outcome;
		},
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	// Anti-gaming flags: leaders of the rep's team and admins review them; reps never see any, and a flag
	// of another team or organization does not exist for the reader.
	{ name: 'GET /team/flags', run: page(() => '/team/flags?status=all'), expect: managerPage },
	{ name: 'GET /team/flags/export.csv', run: page(() => '/team/flags/export.csv?status=all'), expect: managerPage },
	{ name: 'GET /team/flags/<A flag>', run: page((t) => `/team/flags/${t.flagIds[0]}`), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'notFound', otherAdmin: 'notFound' }, control: 'leader' },
	{ name: 'team/flags?/scan', run: action('/team/flags?/scan', () => ({})), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'ok', otherAdmin: 'ok' } },
	{
		name: 'team/flags?/dismiss an A flag',
		run: action('/team/flags?/dismiss', (t) => ({ flagId: t.flagIds[0], reason: 'Checked in the CRM' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'notFound', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'team/flags/<A flag>?/dismiss',
		run: contestAction((t) => `/team/flags/${t.flagIds[1]}?/dismiss`, () => ({ reason: 'Checked in the CRM' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'notFound', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{ name: 'GET /api/v1/flags', run: page(() => '/api/v1/flags?status=all'), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'ok', otherAdmin: 'ok' } },
	{
		name: 'POST /api/v1/flags/<A flag>/dismiss',
		run: contestApi('POST', (t) => `/api/v1/flags/${t.flagIds[2]}/dismiss`, () => ({ reason: 'Checked in the CRM' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'notFound', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'GET /api/v1/analytics/reps/<A rep>',
		run: page((t) => `/api/v1/analytics/reps/${t.rep.userId}?period=quarter`),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'GET /api/v1/analytics/teams/<A team>',
		run: page((t) => `/api/v1/analytics/teams/${t.teamId}?period=quarter`),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{ name: 'GET /api/v1/badges', run: page(() => '/api/v1/badges'), expect: memberPage },
	{ name: 'GET /api/v1/badges/awards?user=<A rep>', run: page((t) => `/api/v1/badges/awards?user=${t.rep.userId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{
		name: 'badges?/create',
		run: action('/admin/badges?/create', () => ({ 'name.en': `Badge ${uniqueSuffix()}`, icon: 'star', kind: 'window', metric: 'call', window: 'day', threshold: '3' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{
		name: 'badges?/preview',
		run: action('/admin/badges?/preview', () => ({ 'name.en': 'Preview', icon: 'star', kind: 'window', metric: 'call', window: 'day', threshold: '3' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' },
		control: 'none'
	},
	{ name: 'badges?/archive an A badge', run: action('/admin/badges?/archive', (t) => ({ badgeId: t.badgeId })), expect: adminChange, controlOrder: 7 },
	{ name: 'badges?/restore an A badge', run: action('/admin/badges?/restore', (t) => ({ badgeId: t.badgeId })), expect: adminChange, controlOrder: 8 },
	{
		name: 'badges?/addHoliday',
		run: action('/admin/badges?/addHoliday', () => ({ day: '2027-01-01', name: 'New year' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{ name: 'badges?/removeHoliday of A', run: action('/admin/badges?/removeHoliday', (t) => ({ day: t.holiday })), expect: adminChange },
	{
		name: 'badges?/levels',
		run: action('/admin/badges?/levels', () => ({ 'level.en': ['Rookie', 'Pro'], 'level.zh-CN': ['新秀', '高手'], 'level.threshold': ['0', '900'] })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{
		name: 'people/<A rep>?/award a manual badge',
		run: async (browser, t) => fromAction(await browser.action(`/people/${t.rep.userId}?/award`, { badgeId: t.badgeId, reason: 'Closed the Acme deal' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	// Sockets
	{ name: 'socket contest:subscribe to an A contest', run: socketOp('contest:subscribe', (t) => [{ id: t.contestId }]), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{ name: 'socket contest:unsubscribe', run: socketOp('contest:unsubscribe', (t) => [{ id: t.contestId }]), expect: memberPage },
	{
		name: 'socket board:subscribe limited to an A team',
		run: socketOp('board:subscribe', (t) => [{ board: 'points', scope: 'users', window: 'week', team: t.teamId }]),
		expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' }
	},
	{ name: 'socket activity:subscribe', run: socketOp('activity:subscribe', () => []), expect: memberPage },
	{ name: 'socket activity:unsubscribe', run: socketOp('activity:unsubscribe', () => []), expect: memberPage },
	{ name: 'socket board:unsubscribe', run: socketOp('board:unsubscribe', () => [{ board: 'points', scope: 'users', window: 'week' }]), expect: memberPage },
	{ name: 'socket session:whoami', run: socketOp('session:whoami', () => []), expect: memberPage },
	// Kudos: everyone in A gives, reacts and reports; an admin, or a leader of the giver's or a recipient's
	// team, hides and spotlights; only admins change values and allowances.
	{ name: 'GET /admin/values', run: page(() => '/admin/values'), expect: adminPage },
	// Integrations: admins only. The hook endpoint takes no session: unsigned is 401 for everyone.
	{ name: 'GET /admin/integrations', run: page(() => '/admin/integrations'), expect: adminPage },
	{
		name: 'integrations?/create',
		run: action('/admin/integrations?/create', () => ({ kind: 'generic', name: `Hook ${uniqueSuffix()}` })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{ name: 'integrations?/rotate an A connection', run: action('/admin/integrations?/rotate', (t) => ({ connectionId: t.connectionId })), expect: adminChange },
	{ name: 'integrations?/preview an A connection', run: action('/admin/integrations?/preview', (t) => ({ connectionId: t.connectionId, rules: '[]', sample: '{}' })), expect: adminChange },
	{
		name: 'integrations?/saveRules of an A connection',
		run: action('/admin/integrations?/saveRules', (t) => ({ connectionId: t.connectionId, rules: '[]', sample: '' })),
		expect: adminChange
	},
	{ name: 'integrations?/replay an A delivery', run: action('/admin/integrations?/replay', (t) => ({ deliveryId: String(t.deliveryId) })), expect: adminChange },
	{ name: 'integrations?/remove an A connection', run: action('/admin/integrations?/remove', (t) => ({ connectionId: t.connectionId })), expect: adminChange, controlOrder: 9 },
	{
		name: 'integrations?/addChannel',
		run: action('/admin/integrations?/addChannel', () => ({ kind: 'slack', name: `Slack ${uniqueSuffix()}`, url: 'https://hooks.slack.com/services/T0/B0/x', moments: ['badge'] })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{ name: 'integrations?/testChannel an A channel', run: action('/admin/integrations?/testChannel', (t) => ({ channelId: t.channelId })), expect: adminChange },
	{ name: 'integrations?/resumeChannel an A channel', run: action('/admin/integrations?/resumeChannel', (t) => ({ channelId: t.channelId })), expect: adminChange },
	{
		name: 'integrations?/editChannel an A channel',
		run: action('/admin/integrations?/editChannel', (t) => ({ channelId: t.channelId, name: `Edited ${uniqueSuffix()}`, moments: ['badge', 'kudos'], digest: 'daily', digestAt: '17:30' })),
		expect: adminChange
	},
	{ name: 'integrations?/rotateChannel of an A webhook channel', run: action('/admin/integrations?/rotateChannel', (t) => ({ channelId: t.webhookChannelId })), expect: adminChange },
	{ name: 'integrations?/removeChannel an A channel', run: action('/admin/integrations?/removeChannel', (t) => ({ channelId: t.channelId })), expect: adminChange, controlOrder: 9 },
	{
		name: 'POST /api/v1/hooks/{A connection} unsigned',
		run: contestApi('POST', (t) => `/api/v1/hooks/${t.connectionId}`, () => ({ deal: { id: 'x' } })),
		expect: { anonymous: 'login', rep: 'login', otherLeader: 'login', otherAdmin: 'login' },
		control: 'none'
	},
	{ name: 'GET /api/v1/kudos', run: page(() => '/api/v1/kudos'), expect: memberPage },
	{
		name: 'POST /api/v1/kudos with a session and no token',
		run: contestApi('POST', () => '/api/v1/kudos', (t) => ({ from: t.rep.email, to: [t.rep.email], message: 'hi', value: t.valueId })),
		expect: { anonymous: 'login', rep: 'login', otherLeader: 'login', otherAdmin: 'login' },
		control: 'none'
	},
	{
		name: 'kudos?/give to an A rep',
		run: action('/kudos?/give', (t) => ({ to: [t.rep.userId], value: t.valueId, message: `Thanks ${uniqueSuffix()}`, points: '0' })),
		expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'invalid' }
	},
	{ name: 'kudos?/react to an A kudos', run: action('/kudos?/react', (t) => ({ kudosId: t.kudosId, emoji: '👏' })), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{ name: 'kudos?/report an A kudos', run: action('/kudos?/report', (t) => ({ kudosId: t.kudosId, reason: 'testing' })), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{
		name: 'kudos?/spotlight an A kudos',
		run: action('/kudos?/spotlight', (t) => ({ kudosId: t.kudosId })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	{
		name: 'kudos?/hide an A kudos',
		run: action('/kudos?/hide', (t) => ({ kudosId: t.kudosId, reason: 'not for the feed' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader',
		controlOrder: 7
	},
	{
		name: 'values?/create',
		run: action('/admin/values?/create', () => ({ 'name.en': `Value ${uniqueSuffix()}`, emoji: '⭐' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{ name: 'values?/update an A value', run: action('/admin/values?/update', (t) => ({ valueId: t.valueId, 'name.en': `Renamed ${uniqueSuffix()}`, emoji: '🌟' })), expect: adminChange },
	{ name: 'values?/archive an A value', run: action('/admin/values?/archive', (t) => ({ valueId: t.valueId })), expect: adminChange, controlOrder: 8 },
	{ name: 'values?/restore an A value', run: action('/admin/values?/restore', (t) => ({ valueId: t.valueId })), expect: adminChange, controlOrder: 9 },
	{ name: 'values?/delete an unused A value', run: action('/admin/values?/delete', (t) => ({ valueId: t.unusedValueId })), expect: adminChange },
	{
		name: 'values?/allowances',
		run: action('/admin/values?/allowances', () => ({ rep: '50', leader: '100', admin: '100' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'ok' }
	},
	{ name: 'socket kudos:subscribe', run: socketOp('kudos:subscribe', () => []), expect: memberPage },
	{ name: 'socket kudos:unsubscribe', run: socketOp('kudos:unsubscribe', () => []), expect: memberPage },
	// Training: everyone in A takes published courses; leaders manage their own courses and assign to reps
	// of the teams they manage; admins everything. (training:reminder is a push only: no client event.)
	{ name: 'page /training/<A course>', run: page((t) => `/training/${t.trainingCourseId}`), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	...['/training/manage', '/training/report'].map((path) => ({ name: `GET ${path}`, run: page(() => path), expect: managerPage })),
	{ name: 'page /training/manage/<A course>', run: page((t) => `/training/manage/${t.trainingCourseId}`), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' } },
	{
		name: 'GET /api/v1/training/assignments?user=<A rep>',
		run: page((t) => `/api/v1/training/assignments?user=${t.rep.userId}`),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'ok', otherAdmin: 'notFound' }
	},
	{
		name: 'POST /api/v1/training/completions with a session and no token',
		run: contestApi('POST', () => '/api/v1/training/completions', (t) => ({ id: `s-${uniqueSuffix()}`, user: t.rep.email, course: t.trainingCourseId })),
		expect: { anonymous: 'login', rep: 'login', otherLeader: 'login', otherAdmin: 'login' },
		control: 'none'
	},
	{
		// A leader of another team creates a course of their own in A; B's admin one in B.
		name: 'training/manage?/create',
		run: action('/training/manage?/create', () => ({ 'title.en': `Course ${uniqueSuffix()}`, points: '10' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'ok', otherAdmin: 'ok' }
	},
	{
		name: 'training/manage/<A course>?/update',
		run: contestAction((t) => `/training/manage/${t.trainingCourseId}?/update`, () => ({ 'title.en': `Renamed ${uniqueSuffix()}`, points: '20' })),
		expect: managedChange
	},
	{ name: 'training/manage/<A draft>?/publish', run: contestAction((t) => `/training/manage/${t.trainingDraftId}?/publish`), expect: managedChange, controlOrder: 1 },
	{ name: 'training/manage/<A draft>?/archive', run: contestAction((t) => `/training/manage/${t.trainingDraftId}?/archive`), expect: managedChange, controlOrder: 2 },
	{
		name: 'training/manage/<A course>?/saveModule',
		run: contestAction((t) => `/training/manage/${t.trainingCourseId}?/saveModule`, () => ({ 'title.en': `Module ${uniqueSuffix()}`, 'body.en': 'Text' })),
		expect: managedChange
	},
	{ name: 'training/manage/<A course>?/moveModule', run: contestAction((t) => `/training/manage/${t.trainingCourseId}?/moveModule`, (t) => ({ moduleId: t.trainingQuizId, direction: 'up' })), expect: managedChange },
	{ name: 'training/manage/<A course>?/deleteModule', run: contestAction((t) => `/training/manage/${t.trainingCourseId}?/deleteModule`, (t) => ({ moduleId: t.trainingSpareModuleId })), expect: managedChange },
	{
		name: 'training/manage/<A course>?/assign to an A rep',
		run: contestAction((t) => `/training/manage/${t.trainingCourseId}?/assign`, (t) => ({ users: t.rep.userId, dueOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) })),
		expect: managedChange,
		control: 'leader'
	},
	{ name: 'training/manage/<A course>?/unassign an A assignment', run: contestAction((t) => `/training/manage/${t.trainingCourseId}?/unassign`, (t) => ({ assignmentId: t.trainingAssignmentId })), expect: managedChange, control: 'leader', controlOrder: 3 },
	{
		name: 'people/<A rep>?/assignCourse (development plan)',
		run: async (browser, t) => fromAction(await browser.action(`/people/${t.rep.userId}?/assignCourse`, { courseId: t.trainingCourseId, dueOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'leader'
	},
	// Displays (a session stands in for a token with displays:read or displays:write). Admins manage all of
	// their organization's; leaders those of no team or of a team they lead; reps none. A TV asks for a code
	// with nobody signed in. Socket tv:* events are a paired display's only.
	{ name: 'GET /displays/pair', run: page(() => '/displays/pair'), expect: managerPage },
	{ name: 'GET /displays/<A display>/remote', run: page((t) => `/displays/${t.displayId}/remote`), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' } },
	{ name: 'GET /api/v1/displays', run: page(() => '/api/v1/displays'), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'ok', otherAdmin: 'ok' } },
	{
		name: 'POST /api/v1/tv/pairings (nobody signed in)',
		run: async (browser) => fromResponse(await browser.request('POST', '/api/v1/tv/pairings', { headers: { origin: app.url } })),
		expect: { anonymous: 'ok', rep: 'ok', otherLeader: 'ok', otherAdmin: 'ok' },
		control: 'none'
	},
	{ name: 'POST /api/v1/displays for an A team', run: contestApi('POST', () => '/api/v1/displays', (t) => ({ name: `Floor ${uniqueSuffix()}`, team: t.teamId })), expect: managedChange, control: 'leader' },
	{
		name: 'POST /api/v1/displays/<A display>/screens',
		run: async (browser, t) => {
			const code = await freshCode();
			return contestApi('POST', () => `/api/v1/displays/${t.displayId}/screens`, () => ({ code }))(browser, t);
		},
		expect: managedChange,
		control: 'leader'
	},
	{ name: 'displays?/create for an A team', run: action('/displays?/create', (t) => ({ name: `Floor ${uniqueSuffix()}`, team: t.teamId })), expect: managedChange, control: 'leader' },
	{ name: 'displays?/edit an A display', run: action('/displays?/edit', (t) => ({ displayId: t.displayId, name: `Renamed ${uniqueSuffix()}`, team: t.teamId, topN: '5', celebrations: 'on', kinds: ['deal'] })), expect: managedChange, control: 'leader' },
	{ name: 'displays?/addSlide to an A display', run: action('/displays?/addSlide', (t) => ({ displayId: t.displayId, type: 'announcement', 'settings.title': 'Hacked', duration: '10' })), expect: managedChange, control: 'leader' },
	{
		name: 'displays?/editSlide of an A display',
		run: action('/displays?/editSlide', (t) => ({ slideId: t.slideId, type: 'announcement', 'settings.title': 'Edited', duration: '12' })),
		expect: managedChange,
		control: 'leader'
	},
	// Celebration sounds are the organization's: its admins only. Without a file, B's admin is refused it.
	{
		name: 'displays?/uploadSound',
		run: action('/displays?/uploadSound', () => ({ kind: 'deal' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'invalid' },
		control: 'none'
	},
	{
		name: 'displays?/removeSound',
		run: action('/displays?/removeSound', () => ({ kind: 'deal' })),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' },
		control: 'none'
	},
	{ name: 'GET /displays/sounds/deal', run: page(() => '/displays/sounds/deal'), expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'notFound' }, control: 'none' },
	{ name: 'displays?/moveSlide of an A display', run: action('/displays?/moveSlide', (t) => ({ slideId: t.slideId, direction: 'down' })), expect: managedChange, control: 'leader' },
	{ name: 'displays?/removeSlide of an A display', run: action('/displays?/removeSlide', (t) => ({ slideId: t.slideId })), expect: managedChange, control: 'leader', controlOrder: 1 },
	{ name: 'displays?/revoke an A screen', run: action('/displays?/revoke', (t) => ({ screenId: t.screenId })), expect: managedChange, control: 'leader' },
	{ name: 'displays/pair a TV to an A display', run: async (browser, t) => fromAction(await browser.action('/displays/pair', { displayId: t.displayId, code: await freshCode() })), expect: managedChange, control: 'leader' },
	{ name: 'displays/<A display>/remote next', run: contestAction((t) => `/displays/${t.displayId}/remote`, () => ({ command: 'next' })), expect: managedChange, control: 'leader' },
	{ name: 'displays/<A display>/remote celebrate', run: contestAction((t) => `/displays/${t.displayId}/remote`, () => ({ command: 'celebrate', message: 'Hi' })), expect: managedChange, control: 'leader' },
	{ name: 'displays?/delete an A display', run: action('/displays?/delete', (t) => ({ displayId: t.displayId })), expect: managedChange, control: 'leader', controlOrder: 7 },
	{
		// One's own way of appearing on displays (unchanged: the default), never anybody else's.
		name: 'account?/displayAs',
		run: action('/account?/displayAs', () => ({ displayAs: 'name' })),
		expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'ok' },
		control: 'none'
	},
	{
		// One's own "hide me from displays" (unchanged: shown), never anybody else's.
		name: 'account?/displayHidden',
		run: action('/account?/displayHidden', () => ({})),
		expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'ok' },
		control: 'none'
	},
	...(['tv:await', 'tv:hello', 'tv:slide', 'tv:showing', 'tv:time', 'tv:sound'] as const).map((event) => ({
		name: `socket ${event} from a member's socket`,
		run: socketOp(event, (t: Targets) => (event === 'tv:time' ? [] : event === 'tv:await' ? [{ code: 'ABCDEF', secret: 'x' }] : [{ slideId: t.slideId, slide: 'x', kind: 'deal' }])),
		expect: { anonymous: 'login', rep: 'forbidden', otherLeader: 'forbidden', otherAdmin: 'forbidden' } as Record<ActorName, Outcome>,
		control: 'none' as const
	})),
	// Taking a published course is every member's own progress: A's rep and leader may, B's admin finds nothing.
	{ name: 'training/<A course>?/complete a module', run: contestAction((t) => `/training/${t.trainingCourseId}?/complete`, (t) => ({ moduleId: t.trainingReadId })), expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' } },
	{
		name: 'training/<A course>?/quiz',
		run: contestAction((t) => `/training/${t.trainingCourseId}?/quiz`, (t) => ({ moduleId: t.trainingQuizId, 'answer.q1': 'q1o1' })),
		expect: { anonymous: 'login', rep: 'ok', otherLeader: 'ok', otherAdmin: 'notFound' }
	}
];

/** What in A must not change when the three outsiders try everything. */
async function stateOfA() {
	const db = app.runtime.db;
	const [org, metrics, tokens, events, contests, rewards, ideas] = await Promise.all([
		snapshotOrganization(db, a.organizationId),
		db.selectFrom('metrics').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('api_tokens').select(['id', 'revoked_at']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		sql<{ n: number }>`select count(*)::int as n from score_events where organization_id = ${a.organizationId}`.execute(db),
		db.selectFrom('contests').select(['id', 'status', 'name', 'ends_at', 'updated_at']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('rewards').select(['id', 'name', 'cost', 'active', 'updated_at']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('ideas').select(['id', 'status', 'note']).where('organization_id', '=', a.organizationId).orderBy('id').execute()
	]);
	// Training: courses (new ones may be the other leader's own), their modules, assignments and completions.
	const [trainingCourses, trainingModules, trainingAssignments, trainingCompletions] = await Promise.all([
		db.selectFrom('training_courses').select(['id', 'title', 'status', 'points', 'updated_at']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('training_modules').select(['id', 'course_id', 'position', 'title', 'quiz']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('training_assignments').select(['id', 'user_id', 'due_on', 'note', 'plan']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('training_completions').select(['id', 'user_id', 'course_id']).where('organization_id', '=', a.organizationId).orderBy('id').execute()
	]);
	const [badges, awards, holidays, levels] = await Promise.all([
		db.selectFrom('badges').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('badge_awards').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('org_holidays').selectAll().where('organization_id', '=', a.organizationId).orderBy('day').execute(),
		db.selectFrom('levels').selectAll().where('organization_id', '=', a.organizationId).orderBy('number').execute()
	]);
	const goals = await db.selectFrom('goals').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute();
	const [displays, displaySlides, displayScreens] = await Promise.all([
		db.selectFrom('displays').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('display_slides').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('display_screens').select(['id', 'display_id', 'revoked_at']).where('organization_id', '=', a.organizationId).orderBy('id').execute()
	]);
	const [connections, deliveries, channels, outbox] = await Promise.all([
		db.selectFrom('integration_connections').select(['id', 'secret_enc', 'rules', 'updated_at']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('integration_deliveries').select(['id']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('notification_channels').select(['id', 'paused', 'failures']).where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('notification_outbox').select(['id']).where('organization_id', '=', a.organizationId).orderBy('id').execute()
	]);
	const [appeals, appealMessages, flags] = await Promise.all([
		db.selectFrom('appeals').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('appeal_messages').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute(),
		db.selectFrom('coaching_flags').selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute()
	]);
	const [reviews, reviewRevisions, reviewComments, reviewActions, reviewCheckins, coachingNotes, coachingNoteItems] = await Promise.all(
		(['reviews', 'review_revisions', 'review_comments', 'review_actions', 'review_checkins', 'coaching_notes', 'coaching_note_items'] as const).map((table) =>
			db.selectFrom(table).selectAll().where('organization_id', '=', a.organizationId).orderBy('id').execute()
		)
	);
	// Sign-ins of A's own people touch only their sessions' last use.
	// Redemptions are left out: A's own rep and leader may redeem (rows of their own).
	return { ...org, sessions: org.sessions.map((s) => s.id), metrics, tokens, events: events.rows[0].n, contests, rewards, ideas, badges, awards, holidays, levels, trainingCourses, trainingModules, trainingAssignments, trainingCompletions, goals, displays, displaySlides, displayScreens, connections, deliveries, channels, outbox, appeals, appealMessages, flags, reviews, reviewRevisions, reviewComments, reviewActions, reviewCheckins, coachingNotes, coachingNoteItems };
}

async function targetsIn(name: string): Promise<Targets> {
	const teamId = await createTeam(app, a, `${name} ${uniqueSuffix()}`);
	const subTeamId = await createTeam(app, a, `${name} sub ${uniqueSuffix()}`, teamId);
	const emptyTeamId = await createTeam(app, a, `${name} empty ${uniqueSuffix()}`, teamId);
	const rep = await addMember(app, a, 'rep', teamId);
	const invitation = await invite(app, a, { role: 'rep', teamId });
	const db = app.runtime.db;
	const { id: tokenId } = await addApiToken(db, a.organizationId);
	const metric = await db.selectFrom('metrics').select('id').where('organization_id', '=', a.organizationId).where('key', '=', 'call').executeTakeFirstOrThrow();
	const logged = await a.browser.action('/leaderboards?/log', { userId: rep.userId, metric: 'call', value: '1', key: crypto.randomUUID() });
	expect(logged.type).toBe('success');
	const event = await db.selectFrom('score_events').select('id').where('organization_id', '=', a.organizationId).where('user_id', '=', rep.userId).executeTakeFirstOrThrow();
	const adminActor = { userId: a.userId, organizationId: a.organizationId, role: 'admin' as const };
	const repActor = { userId: rep.userId, organizationId: a.organizationId, role: 'rep' as const };
	const start = Date.now() + 3600_000;
	const race = { name: `${name} race`, format: 'race', scoring: { metrics: 'points' }, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3600_000).toISOString(), participants: { members: [rep.email] } };
	const duel = { ...race, name: `${name} duel`, format: 'duel', participants: { members: [a.email] } };
	const { id: contestId } = await createContest(app.runtime, adminActor, race);
	const { id: draftToDeleteId } = await createContest(app.runtime, adminActor, race);
	const { id: duelToAcceptId } = await createContest(app.runtime, repActor, duel);
	const { id: duelToDeclineId } = await createContest(app.runtime, repActor, duel);
	const rewardId = await createReward(app.runtime, adminActor, { name: `${name} voucher`, image: 'art:coffee', cost: 10 });
	await db.transaction().execute((trx) => moveCoins(trx, { organizationId: a.organizationId, userId: rep.userId, amount: 100, reason: 'adjustment', ref: `test:${crypto.randomUUID()}` }));
	const redemptionId = await redeemReward(app.runtime, repActor, { rewardId });
	const redemptionToDeclineId = await redeemReward(app.runtime, repActor, { rewardId });
	const ideaId = await postIdea(app.runtime, repActor, { title: `${name} idea`, body: 'Call back faster.' });
	const { id: valueId } = await createValue(db, adminActor, { name: `${name} value ${uniqueSuffix()}`, emoji: '🤝' });
	const { id: unusedValueId } = await createValue(db, adminActor, { name: `${name} unused ${uniqueSuffix()}`, color: '#0ea5e9' });
	const { kudos } = await giveKudos(app.runtime, adminActor, { to: [rep.userId], value: valueId, message: `${name}: thank you`, points: 0 });
	const engine = { db, events: app.runtime.events, clock: app.runtime.scheduler.clock };
	const { id: badgeId } = await createBadge(engine, adminActor, { name: `${name} star`, icon: 'star', kind: 'manual' });
	const holiday = name === 'Victims' ? '2026-12-25' : '2026-12-26';
	await addHoliday(db, adminActor, { day: holiday, name });
	const trainingCourseId = await createCourse(app.runtime, adminActor, { title: `${name} course`, points: 30 });
	const trainingReadId = await saveModule(app.runtime, adminActor, { courseId: trainingCourseId, title: 'Read', body: 'Text' });
	const quiz = { passMark: 100, maxAttempts: null, questions: [{ kind: 'single', prompt: 'Pick', options: [{ text: 'a', correct: false }, { text: 'b', correct: true }] }] };
	const trainingQuizId = await saveModule(app.runtime, adminActor, { courseId: trainingCourseId, title: 'Quiz', quiz });
	const trainingSpareModuleId = await saveModule(app.runtime, adminActor, { courseId: trainingCourseId, title: 'Spare' });
	await publishCourse(app.runtime, adminActor, { courseId: trainingCourseId });
	await assignCourse(app.runtime, adminActor, { courseId: trainingCourseId, users: [rep.userId], dueOn: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10) });
	const assignment = await db.selectFrom('training_assignments').select('id').where('course_id', '=', trainingCourseId).where('user_id', '=', rep.userId).executeTakeFirstOrThrow();
	const { id: goalId } = await createGoal(app.runtime, adminActor, { owner: { team: teamId }, metric: 'deal', target: 20, period: { window: 'month' } });
	const { id: goalProposalId } = await createGoal(app.runtime, repActor, { owner: { member: rep.email }, metric: 'call', target: 50, period: { window: 'month' } });
	const { id: displayId } = await createDisplay(app.runtime, adminActor, { name: `${name} floor`, team: teamId });
	const { id: slideId } = await addSlide(app.runtime, adminActor, displayId, { type: 'announcement', settings: { title: 'Welcome' }, duration: 10 });
	await addSlide(app.runtime, adminActor, displayId, { type: 'countdown', settings: { title: 'Launch', at: new Date(Date.now() + 86_400_000).toISOString() }, duration: 10 });
	const { screenId } = await pairScreen(app.runtime, adminActor, displayId, { code: (await createPairing(app.runtime, '192.0.2.1')).code });
	const trainingDraftId = await createCourse(app.runtime, adminActor, { title: `${name} draft`, points: 5 });
	const hook = await createConnection(app.runtime, adminActor, { kind: 'generic', name: `${name} CRM` });
	const hookTs = String(Math.floor(Date.now() / 1000));
	const hookBody = JSON.stringify({ deal: { id: 'D-1', stage: 'open' } });
	const hookHeaders = new Headers({ 'webhook-id': `msg_${uniqueSuffix()}`, 'webhook-timestamp': hookTs });
	hookHeaders.set('webhook-signature', standardSignature(hook.secret!, hookHeaders.get('webhook-id')!, hookTs, hookBody));
	const delivered = await receiveHook(app.runtime, hook.connection.id, { method: 'POST', url: `${app.url}/api/v1/hooks/${hook.connection.id}`, headers: hookHeaders, body: hookBody });
	expect(delivered.status).toBe(200);
	const channel = await createChannel(app.runtime, adminActor, { kind: 'slack', name: `${name} Slack`, url: 'https://hooks.slack.com/services/T0/B0/x', moments: ['badge'] });
	const webhookChannel = await createChannel(app.runtime, adminActor, { kind: 'webhook', name: `${name} Webhook`, url: 'https://hooks.example.com/podium', moments: ['kudos'] });
	await saveModule(app.runtime, adminActor, { courseId: trainingDraftId, title: 'Only' });
	const lines = await ingestEvents(app.runtime, { organizationId: a.organizationId, source: 'api', actorId: null }, [
		{ id: `appeal-a-${crypto.randomUUID()}`, metric: 'call', user: rep.email, value: 1 },
		{ id: `appeal-b-${crypto.randomUUID()}`, metric: 'call', user: rep.email, value: 1 }
	]);
	const { id: appealId } = await openAppeal(app.runtime, repActor, { eventId: lines[0].eventId, kind: 'duplicate', reason: `${name}: logged twice` });
	const month = new Date();
	const flagIds = (
		await insertFlags(
			db,
			(['2026-01', '2026-02', '2026-03'] as const).map((key) => ({
				organization_id: a.organizationId,
				user_id: rep.userId,
				kind: 'duplicate_notes' as const,
				window_key: `month:${key}`,
				window_start: month,
				window_end: month,
				score: 5,
				details: { kind: 'duplicate_notes', month: key, notes: [{ note: 'Called the client', count: 5 }] },
				event_ids: [lines[0].eventId!]
			}))
		)
	).map((r) => r.id) as [string, string, string];
	const clock = await orgClock(db, a.organizationId);
	const thisMonth = periodOf('month', new Date(), clock);
	const thisQuarter = periodOf('quarter', new Date(), clock);
	const soon = periodOf('day', new Date(Date.now() + 5 * 86_400_000), clock).key;
	const { id: reviewId } = await createReview(app.runtime, adminActor, { subjectId: rep.userId, window: 'month', period: shiftPeriod(thisMonth, -1, clock).key });
	await saveReviewText(app.runtime, adminActor, reviewId, { feedback: `${name}: a steady month.` });
	await shareReview(app.runtime, adminActor, reviewId);
	await openImprovementPlan(app.runtime, adminActor, reviewId, { goal: 'Qualify earlier' });
	const { id: reviewActionId } = await addPlanAction(app.runtime, adminActor, reviewId, { text: 'Use the checklist', owner: 'rep', dueOn: soon });
	const { id: draftReviewId } = await createReview(app.runtime, adminActor, { subjectId: rep.userId, window: 'quarter', period: shiftPeriod(thisQuarter, -1, clock).key });
	await saveReviewText(app.runtime, adminActor, draftReviewId, { strengths: `${name}: draft` });
	const { id: noteId } = await createNote(db, adminActor, rep.userId, { onDay: soon, body: `${name}: 1:1`, shared: true, items: ['Send the recap'] });
	const noteItemId = (await notesOf(db, adminActor, rep.userId)).find((n) => n.id === noteId)!.items[0].id;
	return {
		teamId,
		subTeamId,
		emptyTeamId,
		leaderIds: [],
		rep,
		invitationId: invitation.invitationId,
		tokenId,
		metricId: metric.id,
		eventId: Number(event.id),
		contestId,
		draftToDeleteId,
		duelToAcceptId,
		duelToDeclineId,
		rewardId,
		redemptionId,
		redemptionToDeclineId,
		ideaId,
		valueId,
		unusedValueId,
		kudosId: kudos.id,
		badgeId,
		holiday,
		trainingCourseId,
		trainingReadId,
		trainingQuizId,
		trainingSpareModuleId,
		trainingAssignmentId: assignment.id,
		trainingDraftId,
		goalId,
		goalProposalId,
		displayId,
		slideId,
		screenId,
		connectionId: hook.connection.id,
		deliveryId: JSON.parse(delivered.body).delivery,
		channelId: channel.id,
		webhookChannelId: webhookChannel.id,
		appealId,
		appealLineId: lines[1].eventId!,
		flagIds,
		reviewId,
		reviewActionId,
		draftReviewId,
		noteId,
		noteItemId,
		currentMonth: thisMonth.key,
		currentQuarter: thisQuarter.key,
		soon
	};
}

beforeAll(async () => {
	app = await startApp();
	[a, b] = await Promise.all([signUpOrganization(app), signUpOrganization(app)]);
	victim = await targetsIn('Victims');
	control = await targetsIn('Controls');
	// The leader of the control team (the rightful leader) and a leader of a third, unrelated team.
	teamLeader = await addMember(app, a, 'leader');
	const otherTeam = await createTeam(app, a, `Others ${uniqueSuffix()}`);
	const otherLeader = await addMember(app, a, 'leader');
	for (const [teamId, leader] of [
		[control.teamId, teamLeader],
		[otherTeam, otherLeader]
	] as const) {
		const result = await a.browser.action('/admin/teams?/update', { teamId, name: `Led ${uniqueSuffix()}`, leaderIds: [leader.userId] });
		expect(result.type).toBe('success');
	}
	control.leaderIds = [teamLeader.userId];
	const rep = await addMember(app, a, 'rep', victim.teamId);
	// A's rep and the other leader may redeem A's rewards: they have the coins.
	for (const member of [rep, otherLeader]) {
		await app.runtime.db
			.transaction()
			.execute((trx) => moveCoins(trx, { organizationId: a.organizationId, userId: member.userId, amount: 100, reason: 'adjustment', ref: `test:${crypto.randomUUID()}` }));
	}
	browsers.anonymous = app.browser();
	browsers.rep = rep.browser;
	browsers.otherLeader = otherLeader.browser;
	browsers.otherAdmin = b.browser;
}, APP_START_TIMEOUT + 120_000);

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

describe('authorization matrix', () => {
	test('every operation refuses the three outsiders, and A is unchanged', { timeout: 240_000 }, async () => {
		const before = await stateOfA();
		const wrong: string[] = [];
		for (const op of OPERATIONS) {
			for (const actor of Object.keys(op.expect) as ActorName[]) {
				const got = await op.run(browsers[actor], victim).catch((error) => `threw ${(error as Error).message}` as Outcome);
				const allowed = ([] as Outcome[]).concat(op.expect[actor]);
				if (!allowed.includes(got)) wrong.push(`${op.name} as ${actor}: got ${got}, expected ${allowed.join(' or ')}`);
			}
		}
		expect(wrong).toEqual([]);
		const after = await stateOfA();
		// The traces allowed: the audit entry of the other leader's import, whose every row was refused
		// (its event count is unchanged, checked with the rest of A's state), and the redemptions of A's own
		// rep and leader, members of A redeeming A's reward with their own coins.
		const seen = new Set(before.audit.map((row) => row.id));
		// and the course the other leader (a leader of A) created of their own.
		expect(after.audit.filter((row) => !seen.has(row.id)).map((row) => row.action).sort()).toEqual(['events.imported', 'reward.redeemed', 'reward.redeemed', 'training.course_created']);
		// Ideas posted meanwhile by A's own rep and leader are theirs to post; the ideas that were there are unchanged.
		const ideasBefore = new Set(before.ideas.map((idea) => idea.id));
		// So are courses the other leader (a leader of A) created of their own.
		const coursesBefore = new Set(before.trainingCourses.map((c) => c.id));
		expect({
			...after,
			audit: before.audit,
			ideas: after.ideas.filter((idea) => ideasBefore.has(idea.id)),
			trainingCourses: after.trainingCourses.filter((c) => coursesBefore.has(c.id)),
			trainingModules: after.trainingModules.filter((m) => coursesBefore.has(m.course_id))
		}).toEqual(before);
	});

	test('the rightful actor succeeds at every change (positive control)', { timeout: 240_000 }, async () => {
		const wrong: string[] = [];
		const changes = OPERATIONS.filter((o) => o.expect.rep !== 'ok' && o.control !== 'none');
		for (const op of changes.sort((x, y) => (x.controlOrder ?? 0) - (y.controlOrder ?? 0))) {
			const browser = op.control === 'leader' ? teamLeader.browser : a.browser;
			const got = await op.run(browser, control).catch((error) => `threw ${(error as Error).message}`);
			if (got !== 'ok') wrong.push(`${op.name} as ${op.control ?? 'admin'} of A: got ${got}`);
		}
		expect(wrong).toEqual([]);
	});
});
