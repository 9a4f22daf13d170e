// Postgres is the truth and the live store can be lost at any time:
// - after a flush (or the loss of one org's keys) the next read rebuilds, and the boards come back equal;
// - events committed but never applied (a crash between the two) are applied by reconcile(), the
//   function start-up and the periodic reconciler run, and running it again counts nothing twice;
// - a process killed inside the live apply, then a fresh runtime on the same database: it converges.
// With Postgres, this file works in a scratch database of its own (reconcile() looks at every org) and
// on Redis logical database 5 (it flushes it), so other test files never see it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { DomainEventBus } from '../../src/lib/server/events';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import type { LiveStore } from '../../src/lib/server/live/store';
import { setLogLevel } from '../../src/lib/server/log';
import { insertEvents, maxEventId } from '../../src/lib/server/repositories/event.repository';
import { closeRuntime, getRuntime } from '../../src/lib/server/runtime';
import { readBoard, type BoardQuery } from '../../src/lib/server/scoring/board.service';
import { ingestEvents, voidEvent } from '../../src/lib/server/scoring/event.service';
import { computeBoards, reconcile, verifyOrg } from '../../src/lib/server/scoring/live.service';
import { compareEntries } from '../../src/lib/shared/scoring';
import { uniqueSuffix } from '../helpers/env';
import { addRep, addTeam, createOrg, deleteOrgKeys, liveBoards, type TestOrg, type TestRep } from '../helpers/scoring';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASE_DATABASE_URL = process.env.DATABASE_URL;
const REDIS_DB5 = process.env.REDIS_URL ? redisDb(process.env.REDIS_URL, 5) : undefined;

vi.setConfig({ testTimeout: 120_000 });

function redisDb(url: string, db: number) {
	const u = new URL(url);
	u.pathname = `/${db}`;
	return u.toString();
}

let scratchUrl: string | undefined;
let scratchName: string | undefined;
let db: Db;
let closeDb: () => Promise<void>;
let live: LiveStore;
const events = new DomainEventBus();
const deps = () => ({ db, live, events });

beforeAll(async () => {
	setLogLevel('error');
	if (BASE_DATABASE_URL) {
		scratchName = `podium_recovery_${uniqueSuffix()}`;
		const admin = await openDatabase({ databaseUrl: BASE_DATABASE_URL, dataDir: 'memory://' });
		await sql`create database ${sql.id(scratchName)}`.execute(admin.db);
		await admin.close();
		const u = new URL(BASE_DATABASE_URL);
		u.pathname = `/${scratchName}`;
		scratchUrl = u.toString();
	}
	const handle = await openDatabase({ databaseUrl: scratchUrl, dataDir: 'memory://' });
	await migrateToLatest(handle.db);
	db = handle.db;
	closeDb = handle.close;
	if (REDIS_DB5) {
		const redis = await RedisLiveStore.connect(REDIS_DB5);
		await redis.client.flushDb();
		live = redis;
	} else {
		live = new MemoryLiveStore();
	}
}, 120_000);

afterAll(async () => {
	if (live instanceof RedisLiveStore) await live.client.flushDb().catch(() => {});
	await live?.close();
	await closeDb?.();
	if (scratchName && BASE_DATABASE_URL) {
		const admin = await openDatabase({ databaseUrl: BASE_DATABASE_URL, dataDir: 'memory://' });
		await sql`drop database if exists ${sql.id(scratchName)} with (force)`.execute(admin.db);
		await admin.close();
	}
});

/** Drops everything the live store holds, as FLUSHALL would (FLUSHDB on the private Redis db). */
async function flushLive() {
	if (live instanceof RedisLiveStore) await live.client.flushDb();
	else await (live as MemoryLiveStore).flush();
}

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const QUERIES: BoardQuery[] = [
	{ board: 'points', scope: 'users', window: 'week', limit: 50 },
	{ board: 'points', scope: 'teams', window: 'day', limit: 50 },
	{ board: 'deal', scope: 'users', window: 'all', limit: 50 },
	{ board: 'revenue', scope: 'users', window: 'month', limit: 2 }
];

async function orgWithHistory(): Promise<{ org: TestOrg; reps: TestRep[] }> {
	const org = await createOrg(db, { timeZone: 'Asia/Shanghai' });
	const teams = [await addTeam(db, org.organizationId), await addTeam(db, org.organizationId)];
	const reps = [
		await addRep(db, org.organizationId, { teamId: teams[0] }),
		await addRep(db, org.organizationId, { teamId: teams[1] }),
		await addRep(db, org.organizationId, { teamId: teams[1] }),
		await addRep(db, org.organizationId)
	];
	const items = Array.from({ length: 40 }, (_, i) => ({
		id: `h-${i}`,
		metric: ['deal', 'revenue', 'call', 'meeting', 'new_customer'][i % 5],
		user: reps[i % 4].email,
		value: i % 5 === 1 ? 100_000 * (i + 1) : (i % 3) + 1,
		// Spread over ten days, so that several periods of each window exist.
		occurredAt: at((i % 10) * 24 * 60 + i)
	}));
	const results = await ingestEvents(deps(), { organizationId: org.organizationId, source: 'import', actorId: null }, items);
	expect(results.every((r) => r.status === 'accepted')).toBe(true);
	await voidEvent(deps(), { organizationId: org.organizationId, actorId: org.adminId, canVoid: () => true }, { eventId: results[4].eventId!, reason: 'entered twice' });
	return { org, reps };
}

/** What each board read shows, without its seq (sequence numbers live in the store and restart from 0). */
async function reads(organizationId: string) {
	return Promise.all(QUERIES.map(async (q) => ({ ...(await readBoard(deps(), organizationId, q)), seq: undefined })));
}

/** The recomputation from the log, in the shape of liveBoards(). */
async function expectedBoards(organizationId: string) {
	const boards = await computeBoards(db, organizationId, await maxEventId(db, organizationId));
	return new Map(
		[...boards]
			.sort(([a], [b]) => (a < b ? -1 : 1))
			.map(([key, entries]) => [key, [...entries].sort(compareEntries).map((e) => [e.member, e.score, e.tie] as [string, number, number])])
	);
}

describe('the live store is lost', () => {
	test('after a flush, the next read rebuilds: boards come back equal and verify is clean', async () => {
		const { org } = await orgWithHistory();
		const before = await reads(org.organizationId);
		const beforeBoards = await liveBoards(live, org.organizationId);
		expect(before[0].entries.length).toBeGreaterThan(0);
		expect(beforeBoards).toEqual(await expectedBoards(org.organizationId));

		await flushLive();
		expect(await live.isBuilt(org.organizationId)).toBe(false);
		expect(await live.boardKeys(org.organizationId)).toEqual([]);

		// Two readers at once: both wait for one rebuild and see the same boards as before.
		const [again, twice] = await Promise.all([reads(org.organizationId), reads(org.organizationId)]);
		expect(again).toEqual(before);
		expect(twice).toEqual(before);
		expect(await live.isBuilt(org.organizationId)).toBe(true);
		expect(await liveBoards(live, org.organizationId)).toEqual(beforeBoards);
		const verified = await verifyOrg(deps(), org.organizationId);
		expect(verified.boards).toBeGreaterThan(0);
		expect(verified.drift).toEqual([]);

		// Applies after the rebuild still count once: the rebuilt marks cover every event.
		expect(await reconcile(deps(), 24 * 60 * 60_000)).toBe(0);
		expect(await liveBoards(live, org.organizationId)).toEqual(beforeBoards);
	});

	test.runIf(!!REDIS_DB5)("when only one org's keys are deleted, that org rebuilds and the other is untouched", async () => {
		const a = await orgWithHistory();
		const b = await orgWithHistory();
		const beforeA = await reads(a.org.organizationId);
		await reads(b.org.organizationId);
		const beforeB = await liveBoards(live, b.org.organizationId);
		expect(await deleteOrgKeys(live as RedisLiveStore, a.org.organizationId)).toBeGreaterThan(0);
		expect(await live.isBuilt(a.org.organizationId)).toBe(false);
		expect(await live.isBuilt(b.org.organizationId)).toBe(true);
		expect(await reads(a.org.organizationId)).toEqual(beforeA);
		expect(await liveBoards(live, a.org.organizationId)).toEqual(await expectedBoards(a.org.organizationId));
		expect(await liveBoards(live, b.org.organizationId)).toEqual(beforeB);
		expect((await verifyOrg(deps(), a.org.organizationId)).drift).toEqual([]);
	});
});

describe('killed between the commit and the live apply', () => {
	test('reconcile() applies what was committed but not applied, and running it again changes nothing', async () => {
		const { org, reps } = await orgWithHistory();
		await reads(org.organizationId); // built
		const metrics = new Map((await db.selectFrom('metrics').select(['id', 'key']).where('organization_id', '=', org.organizationId).execute()).map((m) => [m.key, m.id]));
		// Committed as ingest commits them, and then the process "died": no apply.
		const row = (key: string, metric: string, rep: TestRep, value: number, points: number, minutesAgo: number) => ({
			organization_id: org.organizationId,
			metric_id: metrics.get(metric)!,
			user_id: rep.userId,
			team_id: rep.teamId,
			value,
			points,
			occurred_at: new Date(Date.now() - minutesAgo * 60_000),
			source: 'api' as const,
			actor_id: null,
			note: null,
			idempotency_key: key,
			content_hash: `hash-${key}`
		});
		const lost = await insertEvents(db, [
			row('lost-1', 'deal', reps[3], 1, 50, 3),
			row('lost-2', 'deal', reps[2], 2, 100, 2),
			row('lost-3', 'call', reps[0], 5, 5, 1)
		]);
		expect(lost).toHaveLength(3);
		const drift = await verifyOrg(deps(), org.organizationId);
		expect(drift.drift.length).toBeGreaterThan(0);
		const allTime = drift.drift.find((d) => d.key === 'points|users|all|all' && d.member === reps[2].userId)!;
		expect(allTime.expected! - allTime.live!).toBe(100);

		expect(await reconcile(deps())).toBe(3);
		const converged = await liveBoards(live, org.organizationId);
		expect(converged).toEqual(await expectedBoards(org.organizationId));
		expect((await verifyOrg(deps(), org.organizationId)).drift).toEqual([]);

		// Again, and as start-up does (a day back): nothing is counted twice.
		expect(await reconcile(deps())).toBe(0);
		expect(await reconcile(deps(), 24 * 60 * 60_000)).toBe(0);
		expect(await liveBoards(live, org.organizationId)).toEqual(converged);
		const week = await readBoard(deps(), org.organizationId, QUERIES[0]);
		expect(week.entries.find((e) => e.id === reps[3].userId)?.score).toBe(
			(await db.selectFrom('score_events').select(sql<number>`sum(points)::int`.as('p')).where('organization_id', '=', org.organizationId).where('user_id', '=', reps[3].userId).where('occurred_at', '>=', new Date(week.window.start)).executeTakeFirstOrThrow()).p
		);
	});

	test('a process dies inside the live apply; a fresh runtime on the same database converges', async () => {
		// Embedded: the child and the fresh runtime share a PGlite folder on disk (never open at once).
		const dataDir = BASE_DATABASE_URL ? undefined : await mkdtemp(join(tmpdir(), 'podium-crash-'));
		const env = {
			...process.env,
			LOG_LEVEL: 'error',
			PODIUM_DEMO_SEED: 'off',
			...(scratchUrl ? { DATABASE_URL: scratchUrl } : {}),
			...(REDIS_DB5 ? { REDIS_URL: REDIS_DB5 } : {}),
			...(dataDir ? { CRASH_DATA_DIR: dataDir } : {})
		};
		try {
			const { code, stdout, stderr } = await runChild(env);
			expect(code, stderr).toBe(0);
			const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { organizationId: string; firstBatch: number; secondBatch: number };

			if (REDIS_DB5) {
				// The live store outlived the process: built, with the first batch applied and the second not.
				const rows = await db.selectFrom('score_events').select(['id', 'idempotency_key']).where('organization_id', '=', report.organizationId).orderBy('id').execute();
				expect(await live.isBuilt(report.organizationId)).toBe(true);
				expect(await live.applied(report.organizationId, rows.map((r) => Number(r.id)))).toEqual(rows.map((r) => r.idempotency_key.startsWith('first-')));
			}
			// The restart: the real start-up path (migrations, live store, reconcile) from the environment.
			const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, PODIUM_DATA_DIR: process.env.PODIUM_DATA_DIR };
			if (scratchUrl) process.env.DATABASE_URL = scratchUrl;
			if (REDIS_DB5) process.env.REDIS_URL = REDIS_DB5;
			if (dataDir) process.env.PODIUM_DATA_DIR = dataDir;
			try {
				const rt = await getRuntime();
				const orgId = report.organizationId;
				expect(await rt.db.selectFrom('score_events').select(sql<number>`count(*)::int`.as('n')).where('organization_id', '=', orgId).executeTakeFirstOrThrow()).toEqual({
					n: report.firstBatch + report.secondBatch
				});
				const want = await computeBoards(rt.db, orgId, await maxEventId(rt.db, orgId));
				const have = await liveBoards(rt.live, orgId);
				expect(have).toEqual(new Map([...want].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, e]) => [k, [...e].sort(compareEntries).map((x) => [x.member, x.score, x.tie])])));
				expect((await verifyOrg(rt, orgId)).drift).toEqual([]);
				// Every event is on the all-time points board exactly once.
				const total = await rt.db.selectFrom('score_events').select(sql<number>`sum(points)::int`.as('p')).where('organization_id', '=', orgId).executeTakeFirstOrThrow();
				const all = await readBoard(rt, orgId, { board: 'points', scope: 'users', window: 'all', limit: 50 });
				expect(all.entries.reduce((sum, e) => sum + e.score, 0)).toBe(total.p);
				expect(await reconcile(rt, 24 * 60 * 60_000)).toBe(0);
				expect(await liveBoards(rt.live, orgId)).toEqual(have);
			} finally {
				await closeRuntime();
				Object.assign(process.env, saved);
				if (saved.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
				if (saved.REDIS_URL === undefined) delete process.env.REDIS_URL;
			}
		} finally {
			if (dataDir) await rm(dataDir, { recursive: true, force: true });
		}
	});
});

function runChild(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/crash-child.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
		child.on('error', reject);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}
