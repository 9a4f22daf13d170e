// Two server processes on one Postgres and one Redis: events are POSTed to this process's HTTP API,
// and a socket.io client connected to the other process (the gateway alone, in a child process) sees
// the board move. Pushes carry a per-board seq that grows by one per push, and bursts are coalesced.
// Also: a settings change made here is honoured by ingest there, and an open board keeps updating
// after the live store loses its counters (a new epoch).
// Runs only with DATABASE_URL and REDIS_URL (nothing is shared between processes otherwise).
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { BoardSnapshotPayload, BoardUpdatePayload, ClientToServerEvents, ServerToClientEvents } from '../../src/lib/shared/socket-events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FLUSH_MS } from '../../server/realtime/pushes/scoring';
import { attachRealtime } from '../../server/realtime/gateway';
import { watchKey } from '../../server/realtime/watchers';
import { decideUpdate, type BoardPosition } from '../../src/lib/realtime/board-sequence';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import { updateOrganizationSettings } from '../../src/lib/server/org/organization.service';
import { encodeBoardKey } from '../../src/lib/shared/boards/identity';
import { periodOf } from '../../src/lib/shared/time-windows';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { uniqueSuffix, usingPostgres, usingRedis } from '../helpers/env';
import { addApiToken, addRep, addTeam, createOrg, deleteOrgKeys, type TestRep } from '../helpers/scoring';
import { startChildRealtime, type ChildRealtime } from '../helpers/sockets';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

vi.setConfig({ testTimeout: 120_000 });

describe.runIf(usingPostgres && usingRedis)('an event posted to one process reaches a socket on another', () => {
	let app: App;
	let other: ChildRealtime;
	const clients: Client[] = [];

	beforeAll(async () => {
		[app, other] = await Promise.all([startApp(), startChildRealtime()]);
	}, APP_START_TIMEOUT);

	afterAll(async () => {
		for (const c of clients) c.close();
		await other?.stop();
		await app?.close();
	});

	async function setup(reps = 2) {
		const db = app.runtime.db;
		const org = await createOrg(db, { timeZone: 'Europe/Berlin' });
		const team = await addTeam(db, org.organizationId, `Closers ${uniqueSuffix()}`);
		const people: TestRep[] = [];
		for (let i = 0; i < reps; i++) people.push(await addRep(db, org.organizationId, { teamId: i === 0 ? team : null }));
		const { token } = await addApiToken(db, org.organizationId);
		return { org, team, reps: people, token };
	}

	/** A display-style client on the other process, authenticated with an API token. */
	function connect(url: string, token: string): Promise<Client> {
		const socket: Client = io(url, { path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
		clients.push(socket);
		return new Promise((resolve, reject) => {
			socket.once('connect', () => resolve(socket));
			socket.once('connect_error', reject);
		});
	}

	function subscribe(socket: Client, selector = { board: 'points', scope: 'users' as const, window: 'week' as const }): Promise<BoardSnapshotPayload> {
		return new Promise((resolve, reject) => {
			socket.timeout(30_000).emit('board:subscribe', selector, (err: Error | null, response?: { data: BoardSnapshotPayload } | { error: string }) => {
				if (err) return reject(err);
				if (!response || 'error' in response) return reject(new Error(response ? response.error : 'no answer'));
				resolve(response.data);
			});
		});
	}

	function post(token: string, events: unknown[], url = app.url) {
		return app.browser().request('POST', new URL('/api/v1/events', url).href, {
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify({ events })
		});
	}

	function updatesOf(socket: Client, board = 'points') {
		const seen: BoardUpdatePayload[] = [];
		socket.on('board:update', (u) => {
			if (u.board === board && u.scope === 'users' && u.window === 'week') seen.push(u);
		});
		return seen;
	}

	async function until(check: () => boolean, timeoutMs = 30_000) {
		const start = Date.now();
		while (!check()) {
			if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
			await new Promise((r) => setTimeout(r, 20));
		}
	}

	test('subscribe on the other process, post here: the update arrives with the next seq and the new rows', async () => {
		const { reps, token, team } = await setup();
		const socket = await connect(other.url, token);
		const snapshot = await subscribe(socket);
		expect(snapshot).toMatchObject({ board: 'points', scope: 'users', window: { kind: 'week' }, total: 0, entries: [] });
		expect(snapshot.seq).toEqual(expect.any(Number));
		const updates = updatesOf(socket);

		const res = await post(token, [{ id: `d-${uniqueSuffix()}`, metric: 'deal', user: reps[0].email }]);
		expect(res.json().accepted).toBe(1);
		await until(() => updates.length >= 1);
		expect(updates[0]).toMatchObject({
			board: 'points',
			scope: 'users',
			window: 'week',
			period: snapshot.window.key,
			seq: snapshot.seq + 1,
			rows: [{ rank: 1, id: reps[0].userId, name: reps[0].name, team: { id: team, name: expect.stringMatching(/^Closers /) }, score: 50 }]
		});

		// The next push of this board: seq + 1 again, carrying only the rows that changed, with their ranks.
		await post(token, [{ id: `d-${uniqueSuffix()}`, metric: 'deal', user: reps[1].email, value: 2 }]);
		await until(() => updates.length >= 2);
		expect(updates[1].seq).toBe(snapshot.seq + 2);
		expect(updates[1].rows).toEqual([expect.objectContaining({ rank: 1, id: reps[1].userId, team: null, score: 100 })]);

		// Another org's events never reach this socket.
		const stranger = await setup(1);
		await post(stranger.token, [{ id: 'x', metric: 'deal', user: stranger.reps[0].email }]);
		await post(token, [{ id: `d-${uniqueSuffix()}`, metric: 'call', user: reps[0].email }]);
		await until(() => updates.length >= 3);
		// A marker change after it: a board's pushes go out in order, each taking the next seq, so anything
		// pushed to this socket before it (the stranger's board, a second copy) arrives first.
		await post(token, [{ id: `m-${uniqueSuffix()}`, metric: 'call', user: reps[1].email }]);
		await until(() => updates.some((u) => u.seq === snapshot.seq + 4));
		expect(updates.map((u) => u.seq)).toEqual([snapshot.seq + 1, snapshot.seq + 2, snapshot.seq + 3, snapshot.seq + 4]);
		expect(updates[3].rows).toEqual([expect.objectContaining({ id: reps[1].userId })]);
		expect(updates.flatMap((u) => u.rows.map((r) => r.id))).not.toContain(stranger.reps[0].userId);
	});

	test('a burst of 200 events arrives as few, gap-free pushes that end at the board the API shows', async () => {
		const { reps, token } = await setup(4);
		const socket = await connect(other.url, token);
		const snapshot = await subscribe(socket);
		const updates = updatesOf(socket);
		const tag = uniqueSuffix();
		const metrics = ['deal', 'revenue', 'new_customer'];

		const started = Date.now();
		const responses = await Promise.all(
			Array.from({ length: 200 }, (_, i) => post(token, [{ id: `${tag}-${i}`, metric: metrics[i % 3], user: reps[i % 4].email, value: metrics[i % 3] === 'revenue' ? 100_000 * (1 + (i % 7)) : 1 }]))
		);
		expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
		expect(responses.reduce((n, r) => n + r.json().accepted, 0)).toBe(200);

		const burst = await boardViaApi(token);
		const clientView = new Map<string, number>();
		const caughtUpWith = (view: typeof burst) => () => {
			clientView.clear();
			for (const u of updates) for (const row of u.rows) clientView.set(row.id, row.score);
			return view.entries.every((e) => clientView.get(e.id) === e.score);
		};
		await until(caughtUpWith(burst));
		// A marker change after the burst: its push comes after every push the burst caused.
		await post(token, [{ id: `${tag}-marker`, metric: 'call', user: reps[0].email }]);
		const board = await boardViaApi(token);
		expect(board.entries.find((e) => e.id === reps[0].userId)!.score).toBeGreaterThan(burst.entries.find((e) => e.id === reps[0].userId)!.score);
		const caughtUp = caughtUpWith(board);
		await until(caughtUp);
		const elapsed = Date.now() - started;

		// Gap-free, one by one from the snapshot's seq.
		expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => snapshot.seq + 1 + i));
		// Coalesced: at most one push per FLUSH_MS per board, far fewer than one per event (the marker's included).
		expect(updates.length).toBeLessThan(201);
		expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed / FLUSH_MS) + 1);
		// Applying the pushed rows in order gives exactly the board the API shows.
		caughtUp();
		expect(new Map(board.entries.map((e) => [e.id, e.score]))).toEqual(clientView);
		expect(board.total).toBe(4);
		// The snapshot a late subscriber gets carries the last pushed seq.
		const late = await subscribe(await connect(other.url, token));
		expect(late.seq).toBe(updates.at(-1)!.seq);
		expect(late.entries.map((e) => [e.id, e.score])).toEqual(board.entries.map((e) => [e.id, e.score]));
	});

	test('a board nobody watches is not pushed; whoever subscribes later has the change in the snapshot, then every push', async () => {
		const { reps, token } = await setup(2);
		const socket = await connect(other.url, token);
		await subscribe(socket);
		const points = updatesOf(socket, 'points');
		const deals = updatesOf(socket, 'deal');
		const before = await boardViaApi(token, 'deal');

		// The points board is watched (on the other process), the deal board is not.
		await post(token, [{ id: `u-${uniqueSuffix()}`, metric: 'deal', user: reps[0].email }]);
		await until(() => points.length >= 1);
		// A marker change on the watched board only: pushes go out in order, so a push of the deal board
		// for the first change would have arrived before the marker's.
		await post(token, [{ id: `m-${uniqueSuffix()}`, metric: 'call', user: reps[1].email }]);
		await until(() => points.some((u) => u.rows.some((r) => r.id === reps[1].userId)));
		expect(deals).toEqual([]);
		const unwatched = await boardViaApi(token, 'deal');
		expect(unwatched.seq).toBe(before.seq);
		expect(unwatched.entries).toEqual([expect.objectContaining({ id: reps[0].userId, score: 1 })]);

		// Subscribed now: the snapshot holds the change, and the next change comes as the next seq.
		const snapshot = await subscribe(socket, { board: 'deal', scope: 'users', window: 'week' });
		expect(snapshot.entries).toEqual([expect.objectContaining({ id: reps[0].userId, score: 1 })]);
		await post(token, [{ id: `u-${uniqueSuffix()}`, metric: 'deal', user: reps[1].email, value: 3 }]);
		await until(() => deals.length >= 1);
		expect(deals[0]).toMatchObject({ seq: snapshot.seq + 1, rows: [expect.objectContaining({ rank: 1, id: reps[1].userId, score: 3 })] });
	});

	async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000) {
		const start = Date.now();
		while (!(await check())) {
			if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
			await new Promise((r) => setTimeout(r, 20));
		}
	}

	test('a time-zone change made in this process is honoured by ingest in the other within 1 s', async () => {
		const db = app.runtime.db;
		const live = app.runtime.live;
		// 25 hours apart: "today" is never the same day in both.
		const org = await createOrg(db, { timeZone: 'Pacific/Kiritimati' });
		const rep = await addRep(db, org.organizationId);
		const { token } = await addApiToken(db, org.organizationId);
		// The other process ingests once, so its caches hold the org's clock (and lookups).
		expect((await post(token, [{ id: `tz-${uniqueSuffix()}`, metric: 'deal', user: rep.email }], other.url)).json().accepted).toBe(1);
		const display = await connect(other.url, token);
		const heard = new Promise<{ what: string }>((resolve, reject) => {
			display.once('org:changed', resolve);
			setTimeout(() => reject(new Error('the other process did not hear the change within 1 s')), 1_000);
		});

		await updateOrganizationSettings(
			app.runtime,
			{ userId: org.adminId, organizationId: org.organizationId, role: 'admin' },
			{ name: `Moved ${uniqueSuffix()}`, timeZone: 'Pacific/Pago_Pago', locale: 'en', weekStart: 1 }
		);
		// The other process handled the change (its listeners ran before it pushed this) within 1 s.
		expect(await heard).toMatchObject({ what: 'settings' });

		// Ingest there now counts the deal in today as Pago Pago has it, next to the first one (moved by the rebuild).
		await eventually(async () => !(await live.isLocked(org.organizationId)));
		expect((await post(token, [{ id: `tz-${uniqueSuffix()}`, metric: 'deal', user: rep.email }], other.url)).json().accepted).toBe(1);
		const now = new Date();
		const today = encodeBoardKey({ board: 'points', scope: 'users', window: 'day', period: periodOf('day', now, { timeZone: 'Pacific/Pago_Pago', weekStart: 1 }).key });
		const staleDay = encodeBoardKey({ board: 'points', scope: 'users', window: 'day', period: periodOf('day', now, { timeZone: 'Pacific/Kiritimati', weekStart: 1 }).key });
		await eventually(async () => (await live.entries(org.organizationId, today, [rep.userId]))[0]?.score === 100, 15_000);
		expect(await live.size(org.organizationId, staleDay)).toBe(0);
	});

	test('an open board keeps updating after the live store loses its counters: a new epoch, then push by push', async () => {
		const { org, reps, token } = await setup(2);
		const store = app.runtime.live as RedisLiveStore;
		const socket = await connect(other.url, token);
		const snapshot = await subscribe(socket);
		const updates = updatesOf(socket);
		await post(token, [{ id: `f-${uniqueSuffix()}`, metric: 'deal', user: reps[0].email }]);
		await until(() => updates.length >= 1);
		expect(updates[0]).toMatchObject({ epoch: snapshot.epoch, seq: snapshot.seq + 1 });
		const position: BoardPosition = { epoch: snapshot.epoch, seq: updates[0].seq, period: snapshot.window.key, teamView: false };

		// Redis loses everything of the org (PODIUM_TEST_FLUSHDB=1 flushes the whole logical database
		// instead; only where nobody else uses it). The other process announces its watched room again.
		if (process.env.PODIUM_TEST_FLUSHDB === '1') await store.client.flushDb();
		else await deleteOrgKeys(store, org.organizationId);
		await eventually(async () => (await store.client.hLen(watchKey(org.organizationId))) > 0, 15_000);

		await post(token, [{ id: `f-${uniqueSuffix()}`, metric: 'deal', user: reps[1].email, value: 2 }]);
		await until(() => updates.length >= 2);
		const restarted = updates[1];
		// The counter restarted (a client comparing seq alone would ignore this push), under a new epoch.
		expect(restarted.seq).toBeLessThanOrEqual(position.seq);
		expect(restarted.epoch).not.toBe(snapshot.epoch);
		expect(decideUpdate(position, restarted)).toBe('refetch');

		// The client refetches: the snapshot is of the new epoch and holds both deals.
		const fresh = await subscribe(socket);
		expect(fresh.epoch).toBe(restarted.epoch);
		expect(fresh.seq).toBeGreaterThanOrEqual(restarted.seq);
		expect(new Map(fresh.entries.map((e) => [e.id, e.score]))).toEqual(new Map([[reps[0].userId, 50], [reps[1].userId, 100]]));
		const followed: BoardPosition = { ...position, epoch: fresh.epoch, seq: fresh.seq };

		// And follows the next pushes one by one.
		await post(token, [{ id: `f-${uniqueSuffix()}`, metric: 'deal', user: reps[0].email, value: 3 }]);
		await until(() => updates.some((u) => u.epoch === fresh.epoch && u.seq > fresh.seq));
		const next = updates.find((u) => u.epoch === fresh.epoch && u.seq > fresh.seq)!;
		expect(next.seq).toBe(fresh.seq + 1);
		expect(decideUpdate(followed, next)).toBe('apply');
		expect(next.rows).toEqual([expect.objectContaining({ id: reps[0].userId, score: 200 })]);
	});

	test('a process that stops leaves the sockets of the other processes connected', async () => {
		const { reps, token } = await setup(1);
		const socket = await connect(other.url, token);
		await subscribe(socket);
		const updates = updatesOf(socket);
		// A third gateway (here, on its own HTTP server) closes, as one process of a cluster does on a deploy.
		const realtimeStatus = app.runtime.realtime;
		const server = createServer();
		const third = await attachRealtime(server, app.runtime);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const own = await connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, token);
		await subscribe(own);
		await third.close();
		server.close();
		app.runtime.realtime = realtimeStatus;
		// A push sent through the adapter's stream after the close: whatever the closing gateway sent
		// through it (before the fix: disconnect every socket of the cluster) is handled first.
		await post(token, [{ id: `s-${uniqueSuffix()}`, metric: 'deal', user: reps[0].email }]);
		await until(() => updates.length >= 1 || !socket.connected);
		expect(socket.connected).toBe(true);
		expect(updates).toHaveLength(1);
	});

	async function boardViaApi(token: string, board = 'points') {
		const res = await app.browser().get(`/api/v1/leaderboards?board=${board}&scope=users&window=week`, { authorization: `Bearer ${token}` });
		expect(res.status).toBe(200);
		return res.json() as { seq: number; total: number; entries: { id: string; score: number; rank: number }[] };
	}
});

