// Transparency settings: what reps see of the boards (the whole board or the top N and their
// neighbourhood; values or ranks only) holds in the API, in socket snapshots and in live pushes, while
// leaders, admins and API tokens see everything; a change reaches connected sockets at once; a rep who
// hides from displays is absent from TV slides; bad settings are a 400 naming the field. With Postgres and
// Redis, a rep connected to a second process follows a change made in the first.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, describeResult, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { closeAllSockets, connectSocket, nextEvent, settled, startChildRealtime, whoami, type ChildRealtime, type ClientSocket } from '../helpers/sockets';
import { usingPostgres, usingRedis } from '../helpers/env';
import { addSlide, createDisplay, createPairing, pairScreen, slideData } from '../../src/lib/server/displays/display.service';
import { homeOf } from '../../src/lib/server/home/home.service';
import type { BoardSnapshotPayload, BoardUpdatePayload } from '../../src/lib/shared/socket-events';
import type { ContestView } from '../../src/lib/shared/contests';

let app: App;
/** With Postgres and Redis: a second process whose sockets must follow a change made in this one. */
let second: ChildRealtime | undefined;
const crossProcess = usingPostgres && usingRedis;
let admin: SignedUp;
let leader: Member;
let otherLeader: Member;
let reps: Member[];
let eventsToken: string;
let readToken: string;
/** Deal values: rep i has (8 - i) × 10, so ranks 1..8 in order. */
const SCORES = [80, 70, 60, 50, 40, 30, 20, 10];
/** What each rep has now: pushes below add a little, never changing the order. */
const current = [...SCORES];
const SELECTOR = { board: 'deal', scope: 'users' as const, window: 'week' as const };
const QUERY = 'board=deal&scope=users&window=week';

type ApiBoard = { total: number; entries: { rank: number; id: string; score: number | null }[]; around?: { id: string; score: number | null }[] };

beforeAll(async () => {
	[app, second] = await Promise.all([startApp(), crossProcess ? startChildRealtime() : undefined]);
	admin = await signUpOrganization(app);
	const east = await createTeam(app, admin, 'East');
	const west = await createTeam(app, admin, 'West');
	leader = await addMember(app, admin, 'leader', east);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: east, name: 'East', leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });
	otherLeader = await addMember(app, admin, 'leader', west);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: west, name: 'West', leaderIds: [otherLeader.userId] })).toMatchObject({ type: 'success' });
	reps = [];
	for (let i = 0; i < SCORES.length; i++) reps.push(await addMember(app, admin, 'rep', east, `Rep ${i + 1}`));
	eventsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
	readToken = (await addApiToken(app.runtime.db, admin.organizationId, ['leaderboards:read'], admin.userId)).token;
	for (let i = 0; i < SCORES.length; i++) await log(reps[i], SCORES[i], false);
}, APP_START_TIMEOUT);

afterEach(async () => {
	closeAllSockets();
	await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'all', allowHiding: 'on' });
});

afterAll(async () => {
	await second?.stop();
	await app?.close();
});

const bearer = (token: string) => ({ headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });

async function log(rep: Member, value: number, track = true) {
	if (track) current[reps.indexOf(rep)] += value;
	const res = await app.browser().request('POST', '/api/v1/events', {
		...bearer(eventsToken),
		body: JSON.stringify({ events: [{ id: `t-${crypto.randomUUID()}`, metric: 'deal', user: rep.email, value }] })
	});
	expect(res.status, res.body).toBeLessThan(300);
}

async function setTransparency(fields: Record<string, string>) {
	const result = await admin.browser.action('/admin/settings?/transparency', fields);
	expect(result.type, describeResult(result)).toBe('success');
}

async function apiBoard(browser: { get(path: string, headers?: Record<string, string>): Promise<{ status: number; json<T>(): T; body: string }> }, extra = '', headers: Record<string, string> = {}) {
	const res = await browser.get(`/api/v1/leaderboards?${QUERY}${extra}`, headers);
	expect(res.status, res.body).toBe(200);
	return res.json<ApiBoard>();
}

async function socketOf(member: { token: string }, url = app.url) {
	return connectSocket(url, `podium_session=${member.token}`);
}

async function subscribe(socket: ClientSocket): Promise<BoardSnapshotPayload> {
	const response = await socket.timeout(5000).emitWithAck('board:subscribe', SELECTOR);
	if ('error' in response) throw new Error(response.error);
	return response.data;
}

/** The next board:update of the deal board (others, of the points board, are skipped). */
function nextDealUpdate(socket: ClientSocket, timeoutMs = 5000): Promise<BoardUpdatePayload> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no deal board:update')), timeoutMs);
		const handler = (u: BoardUpdatePayload) => {
			if (u.board !== 'deal' || u.window !== 'week' || u.scope !== 'users') return;
			clearTimeout(timer);
			socket.off('board:update', handler);
			resolve(u);
		};
		socket.on('board:update', handler);
	});
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
const others = (rows: { id: string; score: number | null }[], me: string) => rows.filter((r) => r.id !== me);

describe('defaults', () => {
	test('reps see the whole board with values, as before', async () => {
		const board = await apiBoard(reps[5].browser);
		expect(ids(board.entries)).toEqual(reps.map((r) => r.userId));
		expect(board.entries.map((e) => e.score)).toEqual(current);
	});
});

describe('settings', () => {
	test('only admins change them; bad input is a 400 naming the field; every change is audited', async () => {
		for (const who of [reps[0], leader]) {
			const refused = await who.browser.action('/admin/settings?/transparency', { view: 'top', topN: '3', neighbours: '1', values: 'ranks' });
			expect(refused.type === 'error' || refused.type === 'failure' ? refused.status : 0, describeResult(refused)).toBe(403);
		}
		const bad: [Record<string, string>, string][] = [
			[{ view: 'some', topN: '3', neighbours: '1', values: 'all' }, 'view'],
			[{ view: 'top', topN: '0', neighbours: '1', values: 'all' }, 'topN'],
			[{ view: 'top', topN: 'lots', neighbours: '1', values: 'all' }, 'topN'],
			[{ view: 'top', topN: '101', neighbours: '1', values: 'all' }, 'topN'],
			[{ view: 'top', topN: '3', neighbours: '11', values: 'all' }, 'neighbours'],
			[{ view: 'top', topN: '3', neighbours: '-1', values: 'all' }, 'neighbours'],
			[{ view: 'top', topN: '3', neighbours: '1', values: 'secret' }, 'values'],
			[{ view: 'top', topN: '3', neighbours: '1' }, 'values']
		];
		for (const [fields, field] of bad) {
			const result = await admin.browser.action('/admin/settings?/transparency', fields);
			expect(result, describeResult(result)).toMatchObject({ type: 'failure', status: 400 });
			expect(Object.keys((result as { data: { errors: Record<string, string> } }).data.errors)).toContain(field);
		}
		await setTransparency({ view: 'top', topN: '3', neighbours: '1', values: 'ranks' });
		const audit = await app.runtime.db
			.selectFrom('audit_log')
			.select(['action', 'data'])
			.where('organization_id', '=', admin.organizationId)
			.where('action', '=', 'transparency.updated')
			.orderBy('created_at', 'desc')
			.executeTakeFirstOrThrow();
		expect(audit.data).toMatchObject({ view: 'top', topN: 3, neighbours: 1, values: 'ranks', allowHiding: false });
		// The settings page shows the section with its one-sentence trade-off.
		const page = await admin.browser.get('/admin/settings');
		expect(page.body).toContain('Bandiera, Barankay &amp; Rasul 2013');
	});
});

describe('top N and the neighbourhood', () => {
	test('a rep reads the top 3 and the rows around them, everywhere; leaders, admins and tokens read everything', async () => {
		await setTransparency({ view: 'top', topN: '3', neighbours: '1', values: 'all', allowHiding: 'on' });
		const me = reps[5];
		const expected = [0, 1, 2, 4, 5, 6].map((i) => reps[i].userId);

		// The API with the rep's session; asking for more rows or another member's neighbourhood changes nothing.
		const board = await apiBoard(me.browser, `&limit=100&around=${encodeURIComponent(reps[0].email)}`);
		expect(ids(board.entries)).toEqual(expected);
		expect(board.entries.map((e) => e.rank)).toEqual([1, 2, 3, 5, 6, 7]);
		expect(board.entries.map((e) => e.score)).toEqual([80, 70, 60, 40, 30, 20]);
		expect(ids(board.around ?? [])).toEqual(expected.slice(3));

		// The page's data: only those rows.
		const page = await me.browser.get(`/leaderboards?${QUERY}`);
		expect(page.status).toBe(200);
		expect(page.body).not.toContain('Rep 4<');
		expect(page.body).not.toContain('Rep 8<');
		expect(page.body).toContain('Rep 7');

		// Leaders (of the rep's team or another), admins and tokens: the whole board.
		for (const who of [leader.browser, otherLeader.browser, admin.browser]) expect(ids((await apiBoard(who)).entries)).toEqual(reps.map((r) => r.userId));
		expect(ids((await apiBoard(app.browser(), '', { authorization: `Bearer ${readToken}` })).entries)).toEqual(reps.map((r) => r.userId));

		// The socket snapshot, then a live push: the rep's carries no rows, and reading again gives the new view.
		const [repSocket, leaderSocket] = await Promise.all([socketOf(me), socketOf(leader)]);
		const snapshot = await subscribe(repSocket);
		expect(ids(snapshot.entries)).toEqual(expected);
		expect(ids((await subscribe(leaderSocket)).entries)).toEqual(reps.map((r) => r.userId));
		const [repPush, leaderPush] = [nextDealUpdate(repSocket), nextDealUpdate(leaderSocket)];
		// Rep 8 (outside the rep's view) scores: the leader's push carries the row, the rep's carries none.
		await log(reps[7], 1);
		const pushed = await repPush;
		expect(pushed.rows).toEqual([]);
		expect(pushed.refresh).toBe(true);
		expect((await leaderPush).rows.map((r) => [r.id, r.score])).toEqual([[reps[7].userId, current[7]]]);
		const after = await subscribe(repSocket);
		expect(ids(after.entries)).toEqual(expected);
	});
});

describe('ranks only', () => {
	test('a rep reads every rank but only their own value, everywhere; leaders and admins read values', async () => {
		await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'ranks', allowHiding: 'on' });
		const me = reps[2];
		const board = await apiBoard(me.browser);
		expect(ids(board.entries)).toEqual(reps.map((r) => r.userId));
		expect(board.entries.find((e) => e.id === me.userId)?.score).toBe(current[2]);
		expect(others(board.entries, me.userId).every((e) => e.score === null)).toBe(true);
		// Absent from the JSON, not merely hidden: no other value is in the answer at all.
		const raw = await me.browser.get(`/api/v1/leaderboards?${QUERY}`);
		for (const value of current.filter((_, i) => i !== 2)) expect(raw.body).not.toContain(`"score":${value}`);
		for (const who of [leader.browser, admin.browser]) expect((await apiBoard(who)).entries.map((e) => e.score)).toEqual(current);

		// The page: no other rep's value in what it renders or embeds.
		const page = await me.browser.get(`/leaderboards?${QUERY}`);
		for (const value of [current[0], current[1], current[3]]) expect(page.body).not.toMatch(new RegExp(`score:${value}[,}]`));

		const [repSocket, adminSocket] = await Promise.all([socketOf(me), socketOf(admin)]);
		const snapshot = await subscribe(repSocket);
		expect(snapshot.entries.find((e) => e.id === me.userId)?.score).toBe(current[2]);
		expect(others(snapshot.entries, me.userId).every((e) => e.score === null)).toBe(true);
		await subscribe(adminSocket);
		const [repPush, adminPush] = [nextDealUpdate(repSocket), nextDealUpdate(adminSocket)];
		await log(reps[4], 2);
		expect((await repPush).rows).toEqual([]);
		expect((await adminPush).rows.map((r) => r.score)).toEqual([current[4]]);

		// Home: whom to pass next, not by how much.
		const view = await homeOf(app.runtime, { userId: me.userId, organizationId: admin.organizationId, role: 'rep' }, 'en');
		expect(view.rank?.next).toMatchObject({ gap: null });
	});
});

describe('live changes', () => {
	test('a connected rep is moved to the limited view at once, and back', async () => {
		const me = reps[6];
		const socket = await socketOf(me);
		const first = await subscribe(socket);
		expect(first.entries.map((e) => e.score)).toEqual(current);
		const told = nextDealUpdate(socket);
		const reload = nextEvent<{ what: string }>(socket, 'org:changed');
		await setTransparency({ view: 'top', topN: '3', neighbours: '1', values: 'ranks', allowHiding: 'on' });
		expect((await told).refresh).toBe(true);
		expect((await reload).what).toBe('settings');
		expect((await whoami(socket)).rooms.some((room) => room.endsWith('#limited'))).toBe(true);
		const limited = await subscribe(socket);
		expect(ids(limited.entries)).toEqual([0, 1, 2, 5, 6, 7].map((i) => reps[i].userId));
		expect(others(limited.entries, me.userId).every((e) => e.score === null)).toBe(true);
		// A push while limited carries no row.
		const push = nextDealUpdate(socket);
		await log(reps[0], 1);
		expect((await push).rows).toEqual([]);
		// And back to the whole board: pushes carry rows again.
		const back = nextDealUpdate(socket);
		await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'all', allowHiding: 'on' });
		expect((await back).refresh).toBe(true);
		await settled(socket);
		const full = nextDealUpdate(socket);
		await log(reps[0], 1);
		expect((await full).rows.map((r) => r.id)).toEqual([reps[0].userId]);
	});
});

describe('contests', () => {
	test('a race shows a limited rep the top N and their neighbourhood, without others’ values, in the API, the socket and its pushes', async () => {
		const contests = (await addApiToken(app.runtime.db, admin.organizationId, ['contests:read', 'contests:write'], admin.userId)).token;
		// It starts in a moment; the deals logged once it is live are its scores.
		const window = { startsAt: new Date(Date.now() + 1_500).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), status: 'scheduled' };
		const created = await app.browser().request('POST', '/api/v1/contests', {
			...bearer(contests),
			body: JSON.stringify({ name: { en: 'Transparent race' }, format: 'race', scoring: { metrics: [{ metric: 'deal', weight: 1 }] }, participants: { members: reps.map((r) => r.email) }, ...window })
		});
		expect(created.status, created.body).toBe(201);
		const id = created.json<{ id: string }>().id;
		type ApiContest = { status: string; leader: { id: string; score: number | null } | null; standings: { id: string; rank: number; score: number | null; progress?: number }[] };
		const read = async (browser: { get(path: string, headers?: Record<string, string>): Promise<{ status: number; json<T>(): T; body: string }> }) => {
			const res = await browser.get(`/api/v1/contests/${id}`);
			expect(res.status, res.body).toBe(200);
			return { view: res.json<ApiContest>(), body: res.body };
		};
		await vi.waitFor(async () => expect((await read(admin.browser)).view.status).toBe('live'), { timeout: 10_000, interval: 100 });
		const scores = [...SCORES];
		for (let i = 0; i < reps.length; i++) await log(reps[i], SCORES[i]);
		await vi.waitFor(async () => expect((await read(admin.browser)).view.standings.map((r) => r.score)).toEqual(scores), { timeout: 8000, interval: 100 });

		await setTransparency({ view: 'top', topN: '3', neighbours: '1', values: 'ranks', allowHiding: 'on' });
		const me = reps[6];
		const { view, body } = await read(me.browser);
		expect(ids(view.standings)).toEqual([0, 1, 2, 5, 6, 7].map((i) => reps[i].userId));
		expect(view.standings.find((r) => r.id === me.userId)?.score).toBe(scores[6]);
		expect(others(view.standings, me.userId).every((r) => r.score === null)).toBe(true);
		expect(view.leader).toMatchObject({ id: reps[0].userId, score: null });
		for (const value of scores.filter((_, i) => i !== 6)) expect(body).not.toContain(`"score":${value}`);
		// The list of contests, too.
		const list = await me.browser.get('/api/v1/contests');
		expect(list.json<{ contests: { id: string; leader: { score: number | null } | null }[] }>().contests.find((c) => c.id === id)?.leader?.score).toBeNull();
		// Leaders and admins read everything.
		for (const who of [leader.browser, admin.browser]) expect((await read(who)).view.standings.map((r) => r.score)).toEqual(scores);
		// The page's data carries no other value either.
		const page = await me.browser.get(`/contests/${id}`);
		expect(page.status).toBe(200);
		for (const value of [scores[0], scores[1], scores[5]]) expect(page.body).not.toMatch(new RegExp(`score:${value}[,}]`));

		// The socket: the limited room, its own view, and row-less pushes.
		const [repSocket, adminSocket] = await Promise.all([socketOf(me), socketOf(admin)]);
		const subscribeContest = async (socket: ClientSocket): Promise<ContestView> => {
			const response = await socket.timeout(5000).emitWithAck('contest:subscribe', { id });
			if ('error' in response) throw new Error(response.error);
			return response.data;
		};
		const snapshot = await subscribeContest(repSocket);
		expect(ids(snapshot.standings)).toEqual([0, 1, 2, 5, 6, 7].map((i) => reps[i].userId));
		expect(others(snapshot.standings, me.userId).every((r) => r.score === null)).toBe(true);
		expect((await whoami(repSocket)).rooms).toContain(`contest:${admin.organizationId}:${id}#limited`);
		expect((await subscribeContest(adminSocket)).standings.map((r) => r.score)).toEqual(scores);
		type Update = { contestId: string; rows: { id: string; score: number | null }[]; refresh?: boolean };
		const [repPush, adminPush] = [nextEvent<Update>(repSocket, 'contest:update'), nextEvent<Update>(adminSocket, 'contest:update')];
		await log(reps[4], 2);
		scores[4] += 2;
		expect(await repPush).toMatchObject({ contestId: id, rows: [], refresh: true });
		// (The first push after a subscribe may carry every row: this process had not sent this contest yet.)
		expect((await adminPush).rows.find((r) => r.id === reps[4].userId)?.score).toBe(scores[4]);

		// Back to the whole board: the connected rep is moved at once and told to read again.
		const told = nextEvent<Update>(repSocket, 'contest:update');
		await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'all', allowHiding: 'on' });
		expect(await told).toMatchObject({ contestId: id, refresh: true });
		expect((await whoami(repSocket)).rooms).toContain(`contest:${admin.organizationId}:${id}`);
		expect((await whoami(repSocket)).rooms.some((room) => room.endsWith('#limited'))).toBe(false);
		expect((await subscribeContest(repSocket)).standings.map((r) => r.score)).toEqual(scores);
		const full = nextEvent<Update>(repSocket, 'contest:update');
		await log(reps[3], 1);
		scores[3] += 1;
		expect((await full).rows.find((r) => r.id === reps[3].userId)?.score).toBe(scores[3]);
	});
});

describe('activity feed', () => {
	test('under ranks only, a rep’s own items arrive with their values and everyone else’s without', async () => {
		await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'ranks', allowHiding: 'on' });
		const [mine, theirs] = [reps[5], reps[6]];
		const [mySocket, theirSocket, adminSocket] = await Promise.all([socketOf(mine), socketOf(theirs), socketOf(admin)]);
		for (const socket of [mySocket, theirSocket, adminSocket]) expect(await socket.timeout(5000).emitWithAck('activity:subscribe')).toEqual({ data: true });
		type Item = { eventId: number; userId: string; value: number | null; points: number | null };
		// Everything each socket hears (a push may also carry events of earlier tests, still being flushed).
		const heard = (socket: ClientSocket) => {
			const items: Item[] = [];
			socket.on('activity:new', (batch: Item[]) => items.push(...batch));
			return items;
		};
		const [toMe, toThem, toAdmin] = [heard(mySocket), heard(theirSocket), heard(adminSocket)];
		await log(mine, 4);
		const of = (items: Item[]) => items.filter((i) => i.userId === mine.userId);
		await vi.waitFor(() => expect([toMe, toThem, toAdmin].map((items) => of(items).length)).toEqual([1, 1, 1]), { timeout: 8000, interval: 50 });
		expect(of(toMe).map((i) => i.value)).toEqual([4]);
		expect(of(toThem).map((i) => [i.value, i.points])).toEqual([[null, null]]);
		expect(of(toAdmin).map((i) => i.value)).toEqual([4]);
		// Others' items stay masked for me; the admin sees every value.
		await log(theirs, 3);
		await vi.waitFor(() => expect(toMe.some((i) => i.userId === theirs.userId)).toBe(true), { timeout: 8000, interval: 50 });
		expect(toMe.filter((i) => i.userId !== mine.userId).every((i) => i.value === null)).toBe(true);
		await vi.waitFor(() => expect(toThem.find((i) => i.userId === theirs.userId)?.value).toBe(3), { timeout: 8000, interval: 50 });
		// Each socket heard my item once (not once per room it sits in).
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect([toMe, toThem, toAdmin].map((items) => of(items).length)).toEqual([1, 1, 1]);
	});
});

describe.runIf(crossProcess)('across processes', () => {
	test('a rep connected to another process is moved when the admin changes the settings here', async () => {
		const me = reps[4];
		const socket = await socketOf(me, second!.url);
		expect((await subscribe(socket)).entries.map((e) => e.score)).toEqual(current);
		// Across processes (through Redis) and on a busy machine: allow more time than in one process.
		const told = nextDealUpdate(socket, 15_000);
		await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'ranks', allowHiding: 'on' });
		expect((await told).refresh).toBe(true);
		const limited = await subscribe(socket);
		expect(others(limited.entries, me.userId).every((e) => e.score === null)).toBe(true);
		// A push from this process reaches the other one's rep without rows.
		const push = nextDealUpdate(socket, 15_000);
		await log(reps[0], 1);
		expect((await push).rows).toEqual([]);
	});
});

describe('public displays', () => {
	test('a rep who hides is absent from TV slides while the organization allows hiding', async () => {
		const actor = { userId: admin.userId, organizationId: admin.organizationId, role: 'admin' as const };
		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Floor', topN: 5 });
		const { id: slideId } = await addSlide(app.runtime, actor, displayId, { type: 'leaderboard', settings: { board: 'deal', scope: 'users', window: 'week' }, duration: 10 });
		const { screenId } = await pairScreen(app.runtime, actor, displayId, { code: (await createPairing(app.runtime, '192.0.2.7')).code });
		const screen = { screenId, displayId, organizationId: admin.organizationId };
		const rows = async () => {
			const data = await slideData(app.runtime, screen, slideId, 'en');
			if (data.type !== 'leaderboard') throw new Error(data.type);
			return data.rows;
		};
		expect((await rows()).map((r) => r.id)).toEqual(reps.slice(0, 5).map((r) => r.userId));

		const hide = await reps[1].browser.action('/account?/displayHidden', { hidden: 'on' });
		expect(hide.type, describeResult(hide)).toBe('success');
		const shown = await rows();
		// Still five rows, ranked among those shown.
		expect(shown.map((r) => r.id)).toEqual([0, 2, 3, 4, 5].map((i) => reps[i].userId));
		expect(shown.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
		expect(JSON.stringify(shown)).not.toContain('Rep 2');

		// The organization stops allowing it: the rep is back, and may not hide again.
		await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'all' });
		expect((await rows()).map((r) => r.id)).toContain(reps[1].userId);
		const refused = await reps[2].browser.action('/account?/displayHidden', { hidden: 'on' });
		expect(refused, describeResult(refused)).toMatchObject({ type: 'failure', status: 403 });
		expect(Object.keys((refused as { data: { errors?: Record<string, string> } }).data.errors ?? {})).toContain('hidden');
		// Allowed again: the rep's own choice still stands.
		await setTransparency({ view: 'full', topN: '10', neighbours: '2', values: 'all', allowHiding: 'on' });
		expect((await rows()).map((r) => r.id)).not.toContain(reps[1].userId);
		expect((await reps[1].browser.action('/account?/displayHidden', {})).type).toBe('success');
		expect((await rows()).map((r) => r.id)).toContain(reps[1].userId);
	});

	test('contest slides leave a hidden rep out too', async () => {
		const actor = { userId: admin.userId, organizationId: admin.organizationId, role: 'admin' as const };
		const contests = (await addApiToken(app.runtime.db, admin.organizationId, ['contests:read', 'contests:write'], admin.userId)).token;
		const window = { startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), status: 'scheduled' };
		const race = await app.browser().request('POST', '/api/v1/contests', {
			...bearer(contests),
			body: JSON.stringify({ name: { en: 'Deal race' }, format: 'race', scoring: { metrics: [{ metric: 'deal', weight: 1 }] }, participants: { members: [reps[0].email, reps[1].email] }, ...window })
		});
		expect(race.status, race.body).toBe(201);
		const id = race.json<{ id: string }>().id;
		await vi.waitFor(async () => expect((await app.browser().request('GET', `/api/v1/contests/${id}`, bearer(contests))).json<{ status: string }>().status).toBe('live'), {
			timeout: 8000,
			interval: 100
		});
		await log(reps[0], 3);
		await log(reps[1], 1);
		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Contest floor', topN: 5 });
		const { id: slideId } = await addSlide(app.runtime, actor, displayId, { type: 'contest', settings: { contest: id }, duration: 10 });
		const { screenId } = await pairScreen(app.runtime, actor, displayId, { code: (await createPairing(app.runtime, '192.0.2.8')).code });
		const screen = { screenId, displayId, organizationId: admin.organizationId };
		const rows = async () => {
			const data = await slideData(app.runtime, screen, slideId, 'en');
			if (data.type !== 'contest' || !data.contest) throw new Error(data.type);
			return data.contest.rows.map((r) => r.id);
		};
		await vi.waitFor(async () => expect(await rows()).toEqual([reps[0].userId, reps[1].userId]), { timeout: 5000, interval: 200 });
		expect((await reps[0].browser.action('/account?/displayHidden', { hidden: 'on' })).type).toBe('success');
		expect(await rows()).toEqual([reps[1].userId]);
		expect((await reps[0].browser.action('/account?/displayHidden', {})).type).toBe('success');
		expect(await rows()).toEqual([reps[0].userId, reps[1].userId]);
	});
});
