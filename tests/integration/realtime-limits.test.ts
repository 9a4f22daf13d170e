// A socket cannot make the server or Redis pay for a flood: boards are validated before they become
// rooms, a connection holds at most MAX_BOARD_SUBSCRIPTIONS boards, messages beyond a per-socket rate
// are refused cheaply (and a flood that goes on is disconnected), and the watched-room entries of a
// socket go when it unsubscribes or disconnects (in Redis when configured, else this process's rooms).
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import { createContest } from '../../src/lib/server/contests/contest.service';
import { MAX_BOARD_SUBSCRIPTIONS, MAX_CONTEST_SUBSCRIPTIONS, RATE_LIMIT_ERROR, SUBSCRIPTION_LIMIT_ERROR, type BoardSelector } from '../../src/lib/shared/socket-events';
import { WINDOWS } from '../../src/lib/shared/time-windows';
import { RATE_BURST } from '../../server/realtime/gateway';
import { watchKey } from '../../server/realtime/watchers';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { signUpOrganization } from '../helpers/fixtures';
import { addRep } from '../helpers/scoring';
import { closeAllSockets, connectSocket, disconnection, whoami, type ClientSocket } from '../helpers/sockets';

type Answer = { data?: unknown; error?: string };
let app: App;

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterEach(() => closeAllSockets());

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

function subscribe(socket: ClientSocket, selector: BoardSelector): Promise<Answer> {
	return new Promise((resolve) => socket.emit('board:subscribe', selector, (answer) => resolve(answer as Answer)));
}

/** 72 distinct boards every organization has: points and the 5 starting metrics, both scopes, every window. */
function distinctBoards(): BoardSelector[] {
	const out: BoardSelector[] = [];
	for (const board of ['points', 'deal', 'revenue', 'call', 'meeting', 'new_customer'])
		for (const scope of ['users', 'teams'] as const) for (const window of WINDOWS) out.push({ board, scope, window });
	return out;
}

/** The rooms of an org that someone watches, as other processes see them (Redis), or this process's rooms. */
async function watchedEntries(organizationId: string): Promise<number> {
	const live = app.runtime.live;
	if (live instanceof RedisLiveStore) return live.client.hLen(watchKey(organizationId));
	return app.runtime.realtime!().rooms;
}

async function until(check: () => Promise<boolean>, timeoutMs = 5_000) {
	const started = Date.now();
	while (!(await check())) {
		if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

async function healthMs() {
	const started = performance.now();
	const res = await app.browser().get('/api/health');
	expect(res.status).toBe(200);
	return performance.now() - started;
}

describe('board subscriptions', () => {
	test(`60 subscribes at once: ${MAX_BOARD_SUBSCRIPTIONS} are accepted, the rest refused naming the limit; disconnecting removes every watch entry`, async () => {
		const admin = await signUpOrganization(app);
		const before = await watchedEntries(admin.organizationId);
		const socket = await connectSocket(app.url, `podium_session=${admin.token}`);
		const answers = await Promise.all(distinctBoards().slice(0, 60).map((selector) => subscribe(socket, selector)));

		expect(answers.filter((a) => a.data)).toHaveLength(MAX_BOARD_SUBSCRIPTIONS);
		const refused = answers.filter((a) => a.error);
		expect(refused).toHaveLength(10);
		expect(new Set(refused.map((a) => a.error))).toEqual(new Set([SUBSCRIPTION_LIMIT_ERROR]));
		expect(SUBSCRIPTION_LIMIT_ERROR).toContain(String(MAX_BOARD_SUBSCRIPTIONS));
		expect((await whoami(socket)).rooms.filter((room) => room.startsWith('board:'))).toHaveLength(MAX_BOARD_SUBSCRIPTIONS);
		expect(await watchedEntries(admin.organizationId)).toBeGreaterThanOrEqual(before + MAX_BOARD_SUBSCRIPTIONS);

		// A board already held does not count twice; after an unsubscribe another one fits.
		expect(await subscribe(socket, distinctBoards()[0])).toHaveProperty('data');
		expect(await subscribe(socket, distinctBoards()[65])).toEqual({ error: SUBSCRIPTION_LIMIT_ERROR });
		await new Promise((resolve) => socket.emit('board:unsubscribe', distinctBoards()[0], resolve));
		expect(await subscribe(socket, distinctBoards()[65])).toHaveProperty('data');

		socket.close();
		await until(async () => (await watchedEntries(admin.organizationId)) === before);
	});

	test('a board that does not exist is refused before it becomes a room or a watch entry', async () => {
		const admin = await signUpOrganization(app);
		const socket = await connectSocket(app.url, `podium_session=${admin.token}`);
		const before = await watchedEntries(admin.organizationId);
		const answers = await Promise.all(
			Array.from({ length: 30 }, (_, i) => subscribe(socket, { board: `made-up-${i}`, scope: 'users', window: 'week' }))
		);
		expect(answers.map((a) => a.error)).toEqual(Array(30).fill(expect.stringMatching(/board/i)));
		expect(await subscribe(socket, { board: 'points', scope: 'teams', window: 'week', team: '00000000-0000-4000-8000-000000000000' })).toEqual({ error: expect.stringMatching(/team/i) });
		expect(await subscribe(socket, { board: 'points', scope: 'users', window: 'fortnight' as 'week' })).toEqual({ error: expect.stringMatching(/window/i) });
		expect((await whoami(socket)).rooms.filter((room) => room.startsWith('board:'))).toEqual([]);
		expect(await watchedEntries(admin.organizationId)).toBe(before);
		// Refused boards take no place under the limit.
		expect(await subscribe(socket, { board: 'points', scope: 'users', window: 'week' })).toHaveProperty('data');
	});

	test(`a connection follows at most ${MAX_CONTEST_SUBSCRIPTIONS} contests; unknown ones take no place`, async () => {
		const admin = await signUpOrganization(app);
		const actor = { userId: admin.userId, organizationId: admin.organizationId, role: 'admin' as const };
		const rep = await addRep(app.runtime.db, admin.organizationId);
		const start = Date.now() + 3600_000;
		const ids: string[] = [];
		for (let i = 0; i <= MAX_CONTEST_SUBSCRIPTIONS; i++) {
			const race = { name: `Race ${i}`, format: 'race', scoring: { metrics: 'points' }, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3600_000).toISOString(), participants: { members: [rep.email] } };
			ids.push((await createContest(app.runtime, actor, race)).id);
		}
		const socket = await connectSocket(app.url, `podium_session=${admin.token}`);
		const follow = (id: string) => new Promise<Answer>((resolve) => socket.emit('contest:subscribe', { id }, (answer) => resolve(answer as Answer)));
		for (let i = 0; i < 5; i++) expect(await follow(crypto.randomUUID())).toEqual({ error: 'contest not found' });
		const answers = await Promise.all(ids.map(follow));
		expect(answers.filter((a) => a.data)).toHaveLength(MAX_CONTEST_SUBSCRIPTIONS);
		expect(answers.filter((a) => a.error)).toEqual([{ error: expect.stringContaining(`at most ${MAX_CONTEST_SUBSCRIPTIONS}`) }]);
		expect((await whoami(socket)).rooms.filter((room) => room.startsWith('contest:'))).toHaveLength(MAX_CONTEST_SUBSCRIPTIONS);
	});

	test('a burst of 1,000 messages is refused beyond the rate, ends in a disconnect, and does not hold up /api/health', async () => {
		const admin = await signUpOrganization(app);
		const socket = await connectSocket(app.url, `podium_session=${admin.token}`);
		// Medians of three, before and during the burst: this machine is shared, a single request can be slow.
		const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[1];
		const baseline = median([await healthMs(), await healthMs(), await healthMs()]);
		const answers: Answer[] = [];
		const ended = disconnection(socket);
		for (let i = 0; i < 1000; i++) socket.emit('board:subscribe', { board: 'points', scope: 'users', window: 'week' }, (a) => answers.push(a as Answer));
		const during = median([await healthMs(), await healthMs(), await healthMs()]);
		expect((await ended).reason).toBe('io server disconnect');

		expect(during - baseline).toBeLessThan(500);
		expect(answers.filter((a) => a.error === RATE_LIMIT_ERROR).length).toBeGreaterThan(0);
		expect(answers.filter((a) => a.data).length).toBeLessThanOrEqual(RATE_BURST + 5);
		// The server is fine, and the same member connects again.
		const again = await connectSocket(app.url, `podium_session=${admin.token}`);
		expect(await subscribe(again, { board: 'points', scope: 'users', window: 'week' })).toHaveProperty('data');
	});
});
