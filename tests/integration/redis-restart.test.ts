// Fault test: Redis restarts (killed, then started empty on the same port) while displays watch a
// board. The app runs in child processes (the whole app, and a second gateway process of the same
// cluster) pointed at a private redis-server that this test owns; each
// client is a real socket.io-client that behaves like the browser's (src/lib/realtime/board.svelte.ts):
// it reconnects by itself, subscribes again on every connect, applies pushes by decideUpdate and takes
// a fresh snapshot when told to. After the restart it must keep updating without a reload, and end
// on exactly the board the API shows and the event log holds: no event lost, none counted twice.
// Runs only with DATABASE_URL (the child needs a database it can share) and /usr/bin/redis-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { createServer, type AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { decideUpdate } from '../../src/lib/realtime/board-sequence';
import type { BoardRowPayload, BoardSelector, BoardSnapshotPayload, BoardUpdatePayload, ClientToServerEvents, ServerToClientEvents } from '../../src/lib/shared/socket-events';
import type { Db } from '../../src/lib/server/db';
import { Browser } from '../helpers/app';
import { uniqueSuffix, usingPostgres } from '../helpers/env';
import { addApiToken, addRep, countEvents, createOrg, createScratchDatabase, type TestRep } from '../helpers/scoring';
import { migrateToLatest, openDatabase } from '../../src/lib/server/db';
import { startChildRealtime, type ChildRealtime } from '../helpers/sockets';

const REDIS_SERVER = '/usr/bin/redis-server';
const haveRedisServer = existsSync(REDIS_SERVER);

vi.setConfig({ testTimeout: 90_000 });

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** A redis-server of this test alone, on its own directory: a restart starts empty unless the data was SAVEd. */
function startRedis(port: number, dir: string): Promise<ChildProcess> {
	// No automatic saves: the data survives a restart only when a test asks for a SAVE first.
	const args = ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', 'dump.rdb'];
	const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`redis-server did not start in 10 s: ${output}`));
		}, 10_000);
		child.stdout!.on('data', (chunk) => {
			output += chunk;
			if (output.includes('Ready to accept connections')) {
				clearTimeout(timer);
				resolve(child);
			}
		});
		child.stderr!.on('data', (chunk) => (output += chunk));
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`redis-server exited with ${code}: ${output}`));
		});
	});
}

async function killRedis(child: ChildProcess | undefined) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGKILL');
	await exited;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/**
 * A live board as the browser keeps it (board.svelte.ts, without runes): a snapshot on every connect,
 * pushes applied in (epoch, seq) order, a refetch on a new epoch, a gap or a new period.
 */
class BoardClient {
	rows = new Map<string, number>();
	epoch = '';
	seq = 0;
	period = '';
	snapshots = 0;
	readonly decisions: { epoch: string; seq: number; decision: string }[] = [];
	private refetching = false;
	private again = false;

	constructor(
		readonly socket: Client,
		readonly selector: BoardSelector
	) {
		socket.on('board:update', (u) => this.apply(u));
		// Every (re)connect subscribes again and takes a fresh snapshot.
		socket.on('connect', () => void this.refetch());
		if (socket.connected) void this.refetch();
	}

	private load(snapshot: BoardSnapshotPayload) {
		this.rows = new Map(snapshot.entries.map((e) => [e.id, e.score ?? 0]));
		this.epoch = snapshot.epoch;
		this.seq = snapshot.seq;
		this.period = snapshot.window.key;
		this.snapshots += 1;
	}

	private apply(update: BoardUpdatePayload) {
		if (update.board !== this.selector.board || update.scope !== this.selector.scope || update.window !== this.selector.window) return;
		// Until the first snapshot there is nothing to apply to.
		if (!this.epoch) return;
		const decision = decideUpdate({ epoch: this.epoch, seq: this.seq, period: this.period, teamView: false }, update);
		this.decisions.push({ epoch: update.epoch, seq: update.seq, decision });
		if (decision === 'refetch') void this.refetch();
		if (decision !== 'apply') return;
		this.seq = update.seq;
		for (const row of update.rows as BoardRowPayload[]) this.rows.set(row.id, row.score);
		for (const id of update.removed ?? []) this.rows.delete(id);
	}

	async refetch() {
		if (this.refetching) {
			this.again = true;
			return;
		}
		this.refetching = true;
		try {
			do {
				this.again = false;
				try {
					const response = await this.socket.timeout(10_000).emitWithAck('board:subscribe', this.selector);
					if ('data' in response) this.load(response.data);
				} catch {
					// The next update or reconnect tries again, as in the browser.
				}
			} while (this.again);
		} finally {
			this.refetching = false;
		}
	}

	scores() {
		return Object.fromEntries([...this.rows].filter(([, score]) => score !== 0).sort(([a], [b]) => a.localeCompare(b)));
	}
}

describe.skipIf(!usingPostgres || !haveRedisServer)('Redis restarts while displays watch a board', () => {
	let port: number;
	let dir: string;
	let redis: ChildProcess | undefined;
	/** The whole app (pages, API, gateway): ingest happens here. */
	let app: ChildRealtime | undefined;
	/** A second process (gateway and ingest) of the same cluster: pushes reach it through Redis. */
	let other: ChildRealtime | undefined;
	const sockets: Client[] = [];
	let db: Db | undefined;
	let closeDb: (() => Promise<void>) | undefined;
	let scratch: { url: string; drop(): Promise<void> } | undefined;

	beforeAll(async () => {
		port = await freePort();
		dir = mkdtempSync(join(tmpdir(), 'podium-redis-'));
		redis = await startRedis(port, dir);
		// A database of its own: the periodic reconcile is one job per database, and on the shared one a
		// process of another test file (on the shared Redis) could take it and never reconcile this Redis.
		scratch = await createScratchDatabase('podium_restart');
		const handle = await openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://' });
		await migrateToLatest(handle.db);
		db = handle.db;
		closeDb = handle.close;
		const env = { REDIS_URL: `redis://127.0.0.1:${port}/0`, DATABASE_URL: scratch.url };
		[app, other] = await Promise.all([startChildRealtime(env, 'tests/helpers/app-server.ts'), startChildRealtime(env)]);
	}, 120_000);

	afterAll(async () => {
		for (const socket of sockets) socket.close();
		await Promise.all([app?.stop(), other?.stop()]);
		await killRedis(redis);
		await closeDb?.();
		await scratch?.drop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	/** A display as the browser connects: auto-reconnect on, subscribing again on every connect. */
	function display(url: string, token: string) {
		const socket: Client = io(url, { path: '/socket.io/', transports: ['websocket'], forceNew: true, auth: { token }, reconnectionDelay: 200, reconnectionDelayMax: 1_000 });
		sockets.push(socket);
		// As connection.svelte.ts: a socket the server ended connects again once, a second later.
		socket.on('disconnect', (reason) => {
			if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1_000);
		});
		return new BoardClient(socket, { board: 'points', scope: 'users', window: 'week' });
	}

	const scratchDb = () => {
		if (!db) throw new Error('the scratch database is not open');
		return db;
	};

	/** A new org with two reps and a token, two displays (one per process) and the test's bookkeeping. */
	async function scenario() {
		const db = scratchDb();
		const org = await createOrg(db, { timeZone: 'Europe/Berlin' });
		const reps: TestRep[] = [await addRep(db, org.organizationId), await addRep(db, org.organizationId)];
		const { token } = await addApiToken(db, org.organizationId);
		const http = new Browser(app!.url);
		const auth = { authorization: `Bearer ${token}` };
		const tag = uniqueSuffix();
		/** What the test posted and the app accepted: event id -> [rep, deals]. */
		const accepted = new Map<string, [TestRep, number]>();

		async function post(id: string, rep: TestRep, deals: number) {
			const res = await http.request('POST', '/api/v1/events', {
				headers: { 'content-type': 'application/json', ...auth },
				body: JSON.stringify({ events: [{ id, metric: 'deal', user: rep.email, value: deals }] })
			});
			if (res.status === 200) accepted.set(id, [rep, deals]);
			return res;
		}
		const health = () => http.get('/api/health');
		async function apiBoard() {
			const res = await http.get('/api/v1/leaderboards?board=points&scope=users&window=week', auth);
			expect(res.status, res.body).toBe(200);
			const body = res.json() as { seq: number; entries: { id: string; score: number }[] };
			return { ...body, scores: Object.fromEntries(body.entries.map((e) => [e.id, e.score]).sort(([a], [b]) => String(a).localeCompare(String(b)))) };
		}
		/** 50 points a deal, summed over what was accepted. */
		function expected() {
			const totals: Record<string, number> = {};
			for (const [rep, deals] of accepted.values()) totals[rep.userId] = (totals[rep.userId] ?? 0) + 50 * deals;
			return Object.fromEntries(Object.entries(totals).sort(([a], [b]) => a.localeCompare(b)));
		}
		const showing = (board: BoardClient) => JSON.stringify(board.scores()) === JSON.stringify(expected());
		async function bothShowExpected(what: string, timeoutMs = 20_000) {
			await until(() => showing(here), `the display on the app process to show ${what}: ${JSON.stringify(expected())}, it shows ${JSON.stringify(here.scores())}`, timeoutMs);
			await until(() => showing(there), `the display on the other process to show ${what}: ${JSON.stringify(expected())}, it shows ${JSON.stringify(there.scores())}`, timeoutMs);
		}

		expect((await health()).status).toBe(200);
		const here = display(app!.url, token);
		const there = display(other!.url, token);
		await until(() => here.snapshots >= 1 && there.snapshots >= 1, 'the first snapshots');
		return { org, reps, tag, accepted, post, health, apiBoard, expected, bothShowExpected, here, there };
	}

	test('the boards keep updating after the restart, and end on the board of the API and the event log', async () => {
		const { org, reps, tag, accepted, post, health, apiBoard, expected, bothShowExpected, here, there } = await scenario();
		const firstEpoch = here.epoch;

		// Before the fault: pushes arrive and the clients apply them one by one.
		expect((await post(`${tag}-1`, reps[0], 1)).status).toBe(200);
		await bothShowExpected('the first deal');
		expect((await post(`${tag}-2`, reps[1], 2)).status).toBe(200);
		await bothShowExpected('the second deal');
		for (const board of [here, there]) {
			expect(board.decisions.filter((d) => d.decision === 'apply')).toHaveLength(2);
			expect(board.decisions.every((d) => d.decision === 'apply' && d.epoch === firstEpoch)).toBe(true);
		}

		// Redis dies. The app says so, and ingest either refuses at once or stores the events.
		await killRedis(redis);
		await until(async () => (await health()).status === 503, 'the health check to report the outage', 15_000);
		const started = Date.now();
		const during = await post(`${tag}-3`, reps[0], 3);
		const answeredIn = Date.now() - started;
		expect([200, 503], during.body).toContain(during.status);
		if (during.status === 503) expect(answeredIn).toBeLessThan(3_000);

		// A new Redis on the same port, empty: no counters, boards or watch entries.
		redis = await startRedis(port, dir);
		await until(async () => (await health()).status === 200, 'the health check to be ok again', 30_000);
		// A client that was refused sends the same events again (the same ids are never counted twice).
		if (during.status !== 200) expect((await post(`${tag}-3`, reps[0], 3)).status).toBe(200);
		// What was stored during the outage reaches the open boards without a reload, and without
		// waiting for some later event to come and push.
		await bothShowExpected('the deal stored during the outage');

		// The counters restarted under a new epoch, which the clients follow (from the snapshot taken on
		// reconnecting, or a refetch on the first push of the new epoch); then pushes apply one by one.
		expect((await post(`${tag}-4`, reps[1], 1)).status).toBe(200);
		await bothShowExpected('the first deal after the restart');
		for (const board of [here, there]) expect(board.epoch).not.toBe(firstEpoch);
		const applied = [here, there].map((board) => board.decisions.length);
		expect((await post(`${tag}-5`, reps[0], 2)).status).toBe(200);
		await bothShowExpected('the second deal after the restart');
		for (const [i, board] of [here, there].entries()) {
			const later = board.decisions.slice(applied[i]);
			expect(later.length).toBeGreaterThan(0);
			expect(later.every((d) => d.decision === 'apply' && d.epoch === board.epoch)).toBe(true);
		}

		// The boards the clients end with are the board of the API and of the event log: five events, each once.
		const api = await apiBoard();
		expect(api.scores).toEqual(expected());
		for (const board of [here, there]) {
			expect(board.scores()).toEqual(api.scores);
			expect(board.seq).toBe(api.seq);
			expect(board.socket.connected).toBe(true);
		}
		expect(accepted.size).toBe(5);
		expect(await countEvents(scratchDb(), org.organizationId)).toBe(5);
	});

	test('Redis comes back with its data: what was stored during the outage still reaches the open boards', async () => {
		const { org, reps, tag, accepted, post, health, apiBoard, expected, bothShowExpected, here, there } = await scenario();
		const firstEpoch = here.epoch;
		expect((await post(`${tag}-1`, reps[0], 1)).status).toBe(200);
		await bothShowExpected('the first deal');

		// Redis writes its data to disk, then dies; the next server loads it (the org's boards, its
		// counters and the applied marks survive; what was stored meanwhile was never applied).
		const admin = createClient({ url: `redis://127.0.0.1:${port}/0` });
		admin.on('error', () => {});
		await admin.connect();
		await admin.sendCommand(['SAVE']);
		admin.destroy();
		await killRedis(redis);
		await until(async () => (await health()).status === 503, 'the health check to report the outage', 15_000);
		const during = await post(`${tag}-2`, reps[1], 2);
		expect([200, 503], during.body).toContain(during.status);
		redis = await startRedis(port, dir);
		await until(async () => (await health()).status === 200, 'the health check to be ok again', 30_000);
		if (during.status !== 200) expect((await post(`${tag}-2`, reps[1], 2)).status).toBe(200);

		// The reconciler applies what was stored during the outage, and the open boards show it without
		// a reload and without waiting for a later event.
		await bothShowExpected('the deal stored during the outage', 30_000);
		expect((await post(`${tag}-3`, reps[0], 1)).status).toBe(200);
		await bothShowExpected('the next deal');

		const api = await apiBoard();
		expect(api.scores).toEqual(expected());
		for (const board of [here, there]) {
			// The counters survived: the same epoch, and the boards follow its pushes.
			expect(board.epoch).toBe(firstEpoch);
			expect(board.scores()).toEqual(api.scores);
			expect(board.seq).toBe(api.seq);
		}
		expect(accepted.size).toBe(3);
		expect(await countEvents(scratchDb(), org.organizationId)).toBe(3);
	});
});
