// The scoring engine on its services, without the web app:
// - property: whatever events arrive (duplicates, conflicts, corrections, team moves, several weeks of
//   occurred_at, applies lost to a crash and delivered again, in any order, some twice), every board in
//   the live store equals a recomputation from the event log, scores and tie marks, and verify is clean;
// - recovery: Postgres is the truth and the live store can be lost at any time. After a flush (or the
//   loss of one org's keys) the next read rebuilds; events committed but never applied (a crash between
//   the two) are applied by reconcile(), the function start-up and the periodic reconciler run, and
//   running it again counts nothing twice; a process killed inside the live apply, then a fresh runtime
//   on the same database, converges.
// Embedded: in-memory PGlite and the memory store. With DATABASE_URL and REDIS_URL, this file works in a
// scratch database of its own (reconcile() looks at every org) and on Redis logical database 5 (it
// flushes it), so other test files never see it. One file, so that the database is set up once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { DomainEventBus } from '../../src/lib/server/platform/events';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import type { LiveStore } from '../../src/lib/server/live/store';
import { setLogLevel } from '../../src/lib/server/platform/log';
import { dailyTotals, eventOrgSeqs, eventsAfter, insertEvents, maxEventId } from '../../src/lib/server/scoring/event.repository';
import { DEFAULT_METRICS } from '../../src/lib/server/scoring/metric.repository';
import { setTeamMembership } from '../../src/lib/server/org/team.repository';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';
import { readBoard, type BoardQuery } from '../../src/lib/server/scoring/board.service';
import { ingestEvents, voidEvent, type IngestResult } from '../../src/lib/server/scoring/event.service';
import { applyToLive, competesIn, computeBoards, ensureBuilt, foldDailyTotals, orgClock, rebuildOrg, reconcile, releaseRebuildLocks, toScored, verifyOrg } from '../../src/lib/server/scoring/live.service';
import { capPoints, compareEntries, pointsFor } from '../../src/lib/shared/scoring';
import { periodOf } from '../../src/lib/shared/time-windows';
import { uniqueSuffix } from '../helpers/env';
import { addRep, addTeam, createOrg, createScratchDatabase, deleteOrgKeys, liveBoards, type TestOrg, type TestRep } from '../helpers/scoring';
import { parseBoardKey } from '../../src/lib/shared/boards/identity';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BASE_DATABASE_URL = process.env.DATABASE_URL;
const REDIS_DB5 = process.env.REDIS_URL ? redisDb(process.env.REDIS_URL, 5) : undefined;
const DAY = 86_400_000;
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Kathmandu'];
const METRICS = DEFAULT_METRICS.map((m) => m.key);
const RULES = new Map(DEFAULT_METRICS.map((m) => [m.key, m]));

vi.setConfig({ testTimeout: 120_000 });

function redisDb(url: string, db: number) {
	const u = new URL(url);
	u.pathname = `/${db}`;
	return u.toString();
}

let scratchUrl: string | undefined;
let scratch: { url: string; drop(): Promise<unknown> } | undefined;
let closeDb: (() => Promise<void>) | undefined;
/** The database, the live store (Redis db 5 or memory) and an event bus, as the runtime has them. */
const deps = { db: undefined as unknown as Db, live: undefined as unknown as LiveStore, events: new DomainEventBus() };
/** A second, empty store of the same kind: the property feeds it in another order. */
let fresh: LiveStore;

beforeAll(async () => {
	setLogLevel('error');
	if (BASE_DATABASE_URL) {
		scratch = await createScratchDatabase('podium_engine');
		scratchUrl = scratch.url;
	}
	const handle = await openDatabase({ databaseUrl: scratchUrl, dataDir: 'memory://' });
	await migrateToLatest(handle.db);
	deps.db = handle.db;
	closeDb = handle.close;
	if (REDIS_DB5) {
		const redis = await RedisLiveStore.connect(REDIS_DB5);
		await redis.client.flushDb();
		deps.live = redis;
		fresh = await RedisLiveStore.connect(REDIS_DB5, `podium:fresh:${uniqueSuffix()}:`);
	} else {
		deps.live = new MemoryLiveStore();
		fresh = new MemoryLiveStore();
	}
}, 180_000);

afterAll(async () => {
	if (deps.live instanceof RedisLiveStore) await deps.live.client.flushDb().catch(() => {});
	await fresh?.close();
	await deps.live?.close();
	await closeDb?.();
	await scratch?.drop();
});

// --- the scenario -------------------------------------------------------------------------------------

interface ItemSpec {
	key: number;
	metric: string;
	/** 0..3 are the org's reps; 4 is nobody in the org. */
	rep: number;
	value: number;
	/** Days and minutes before "now" (up to five weeks back). */
	daysAgo: number;
	minutesAgo: number;
}

type Op =
	| { kind: 'ingest'; items: ItemSpec[]; crash: boolean }
	| { kind: 'retry'; batch: number; crash: boolean; more: ItemSpec[] }
	| { kind: 'void'; pick: number; crash: boolean }
	| { kind: 'move'; rep: number; team: number | null };

const valueFor = (metric: string, raw: number) => (metric === 'revenue' ? raw * 40_000 : metric === 'call' ? raw * 3 : raw);
const itemArb: fc.Arbitrary<ItemSpec> = fc
	.record({
		key: fc.nat(14),
		metric: fc.constantFrom(...METRICS),
		rep: fc.oneof({ weight: 12, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: fc.constant(4) }),
		raw: fc.nat(12),
		daysAgo: fc.oneof(fc.nat(3), fc.nat(35)),
		minutesAgo: fc.nat(1439)
	})
	.map(({ raw, ...rest }) => ({ ...rest, value: valueFor(rest.metric, raw) }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
	{ weight: 6, arbitrary: fc.record({ kind: fc.constant('ingest' as const), items: fc.array(itemArb, { minLength: 1, maxLength: 6 }), crash: fc.boolean() }) },
	// A client retrying an earlier batch verbatim, or with new events appended.
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('retry' as const), batch: fc.nat(), crash: fc.boolean(), more: fc.array(itemArb, { maxLength: 3 }) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat(), crash: fc.boolean() }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), rep: fc.nat(3), team: fc.option(fc.nat(1), { nil: null }) }) }
);

const scenarioArb = fc.record({
	timeZone: fc.constantFrom(...ZONES),
	weekStart: fc.integer({ min: 1, max: 7 }),
	ops: fc.array(opArb, { minLength: 1, maxLength: 9 }),
	/** The redelivery: a permutation key per event, and which events are delivered a second time. */
	order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 80, maxLength: 80 }),
	twice: fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
	chunk: fc.integer({ min: 1, max: 7 })
});

/** A live store whose applies fail while `crashing` is set: the commit happened, the apply did not. */
function crashable(store: LiveStore) {
	const state = { crashing: false };
	const proxy = new Proxy(store, {
		get(target, prop) {
			if (prop === 'applyEvents' && state.crashing) return async () => Promise.reject(new Error('simulated crash between commit and live apply'));
			const value = Reflect.get(target, prop, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
	return { store: proxy as LiveStore, state };
}

function permute<T>(items: T[], keys: number[]) {
	return items.map((item, i) => ({ item, k: keys[i % keys.length] + i * 1e-9 })).sort((a, b) => a.k - b.k).map((x) => x.item);
}

const sortedBoards = (boards: Map<string, { member: string; score: number; tie: number }[]>) =>
	new Map([...boards].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, entries]) => [key, [...entries].sort(compareEntries).map((e) => [e.member, e.score, e.tie] as [string, number, number])]));

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

async function runScenario(scenario: Scenario) {
	const { db, events } = deps;
	const org = await createOrg(db, { timeZone: scenario.timeZone, weekStart: scenario.weekStart });
	const clock = { timeZone: scenario.timeZone, weekStart: scenario.weekStart };
	const teams = [await addTeam(db, org.organizationId), await addTeam(db, org.organizationId)];
	const reps: TestRep[] = [
		await addRep(db, org.organizationId, { teamId: teams[0] }),
		await addRep(db, org.organizationId, { teamId: teams[0], externalId: `crm-${org.slug}` }),
		// A leader who logs for herself: on her team's boards, never on the reps' (users) boards.
		await addRep(db, org.organizationId, { teamId: teams[1], role: 'leader' }),
		await addRep(db, org.organizationId)
	];
	const refOf = (rep: number) => (rep === 4 ? 'stranger@example.test' : rep === 1 ? `crm-${org.slug}` : reps[rep].email.toUpperCase());

	const { store: online, state } = crashable(deps.live);
	const ingestDeps = { db, live: online, events };
	// The org starts built (as after its first read), so verify compares rather than rebuilds.
	await rebuildOrg({ db, live: deps.live }, org.organizationId);
	expect(await deps.live.isBuilt(org.organizationId)).toBe(true);

	const now = new Date();
	const model = new Map<string, string>(); // idempotency key -> content
	const batches: unknown[][] = [];
	const accepted: number[] = [];
	const voided = new Set<number>();
	let written = 0;

	for (const op of scenario.ops) {
		if (op.kind === 'move') {
			await setTeamMembership(db, org.organizationId, reps[op.rep].userId, op.team === null ? null : teams[op.team]);
			continue;
		}
		state.crashing = op.crash;
		try {
			if (op.kind === 'void') {
				if (accepted.length === 0) continue;
				const eventId = accepted[op.pick % accepted.length];
				const attempt = voidEvent(ingestDeps, { organizationId: org.organizationId, actorId: org.adminId, canVoid: () => true }, { eventId, reason: 'wrong rep' });
				if (voided.has(eventId)) {
					await expect(attempt).rejects.toMatchObject({ status: 409 });
				} else {
					await attempt;
					voided.add(eventId);
					written++;
				}
				continue;
			}
			const toItems = (specs: ItemSpec[]) =>
				specs.map((s) => ({
					id: `k${s.key}`,
					metric: s.metric,
					user: refOf(s.rep),
					value: s.value,
					occurredAt: new Date(now.getTime() - s.daysAgo * DAY - s.minutesAgo * 60_000).toISOString()
				}));
			const items = op.kind === 'retry' ? (batches.length ? [...batches[op.batch % batches.length], ...toItems(op.more)] : null) : toItems(op.items);
			if (!items) continue;
			batches.push(items);
			const results = await ingestEvents(ingestDeps, { organizationId: org.organizationId, source: 'api', actorId: null }, items);
			// The model: a new key is accepted; a known key is a duplicate with the same content, else a conflict.
			const expected = (items as { id: string; metric: string; user: string; value: number; occurredAt: string }[]).map((item) => {
				if (item.user === 'stranger@example.test') return 'rejected';
				const content = JSON.stringify([item.metric, item.user.toLowerCase(), item.value, item.occurredAt]);
				const known = model.get(item.id);
				if (known === undefined) {
					model.set(item.id, content);
					return 'accepted';
				}
				return known === content ? 'duplicate' : 'conflict';
			});
			expect(results.map((r: IngestResult) => r.status)).toEqual(expected);
			for (const r of results) {
				if (r.status === 'accepted') {
					accepted.push(r.eventId!);
					written++;
				}
				if (r.status === 'rejected') expect(r.error).toMatch(/^user /);
			}
		} finally {
			state.crashing = false;
		}
	}

	const log = (await eventsAfter(db, org.organizationId, 0)).map(toScored);
	expect(log).toHaveLength(written);

	// Daily caps: no (rep, metric, local day) earns more than its cap, and a day without corrections
	// earns exactly min(cap, its raw points), however its events were batched and retried.
	const days = new Map<string, { points: number; raw: number; cap: number; corrected: boolean }>();
	for (const e of log) {
		const rule = RULES.get(e.metricKey)!;
		if (rule.daily_cap === null) continue;
		const k = `${e.userId}|${e.metricKey}|${periodOf('day', e.occurredAt, clock).key}`;
		const d = days.get(k) ?? { points: 0, raw: 0, cap: rule.daily_cap, corrected: false };
		d.points += e.points;
		if (e.value < 0) d.corrected = true;
		else d.raw += pointsFor({ step: rule.step, pointsPerStep: rule.points_per_step }, e.value);
		days.set(k, d);
	}
	for (const [k, d] of days) {
		expect(d.points, k).toBeLessThanOrEqual(d.cap);
		if (!d.corrected) expect(d.points, k).toBe(capPoints(d.raw, 0, d.cap));
	}

	// Redelivery: every committed event again (as the reconciler would), shuffled, some twice, in chunks.
	const redeliver = async (store: LiveStore) => {
		const deliveries = permute([...log, ...log.filter((_, i) => scenario.twice[i % scenario.twice.length])], scenario.order);
		for (let i = 0; i < deliveries.length; i += scenario.chunk) {
			await applyToLive({ db, live: store }, org.organizationId, deliveries.slice(i, i + scenario.chunk));
		}
	};
	await redeliver(deps.live);

	const upTo = log.reduce((m, e) => Math.max(m, e.id), 0);
	const expected = sortedBoards(await computeBoards(db, org.organizationId, upTo));
	const live = await liveBoards(deps.live, org.organizationId);
	expect(live).toEqual(expected);
	for (const [key, entries] of live) if (parseBoardKey(key)!.scope === 'users') expect(entries.map(([m]) => m), key).not.toContain(reps[2].userId);

	const verified = await verifyOrg({ db, live: deps.live }, org.organizationId);
	expect(verified.drift).toEqual([]);
	// Zero changes touch no board, so only events that change something must show up.
	if (log.some((e) => e.points !== 0 || e.value !== 0)) expect(verified.boards).toBeGreaterThan(0);

	// A fresh store, fed in another order: the same boards.
	await redeliver(fresh);
	expect(await liveBoards(fresh, org.organizationId)).toEqual(expected);

	// A rebuild written in the most parts there can be (one user each) with the ids still to come: the
	// same boards, and every event is then a duplicate.
	const storedClock = await orgClock(db, org.organizationId);
	const { rows } = await dailyTotals(db, org.organizationId, storedClock.timeZone, upTo);
	const competes = await competesIn(db, org.organizationId);
	await fresh.replaceOrg(org.organizationId, { boards: foldDailyTotals(rows, storedClock, 1, undefined, competes), appliedOrgSeqs: eventOrgSeqs(db, org.organizationId, upTo) });
	expect(await liveBoards(fresh, org.organizationId)).toEqual(expected);
	await redeliver(fresh);
	expect(await liveBoards(fresh, org.organizationId)).toEqual(expected);
	return { events: log.length, crashes: scenario.ops.filter((o) => 'crash' in o && o.crash).length };
}

describe('live boards equal a recomputation from the event log', () => {
	test('for any events, duplicates, conflicts, corrections, team moves, lost applies and delivery orders', async () => {
		let events = 0;
		await fc.assert(
			fc.asyncProperty(scenarioArb, async (scenario) => {
				events += (await runScenario(scenario)).events;
			}),
			{ numRuns: 40, endOnFailure: true }
		);
		// The runs did exercise the engine.
		expect(events).toBeGreaterThan(60);
	}, 240_000);

	test('applying a rebuilt org again, or rebuilding it again, changes nothing', async () => {
		const { db } = deps;
		const org = await createOrg(db, { timeZone: 'America/New_York', weekStart: 7 });
		const team = await addTeam(db, org.organizationId);
		const rep = await addRep(db, org.organizationId, { teamId: team });
		const other = await addRep(db, org.organizationId);
		const items = Array.from({ length: 30 }, (_, i) => ({
			id: `e${i}`,
			metric: METRICS[i % METRICS.length],
			user: i % 3 ? rep.email : other.email,
			value: (i % 4) + 1,
			occurredAt: new Date(Date.now() - (i % 9) * DAY).toISOString()
		}));
		const results = await ingestEvents(deps, { organizationId: org.organizationId, source: 'import', actorId: null }, items);
		expect(results.every((r) => r.status === 'accepted')).toBe(true);
		const before = await liveBoards(deps.live, org.organizationId);

		await rebuildOrg(deps, org.organizationId);
		expect(await liveBoards(deps.live, org.organizationId)).toEqual(before);
		await applyToLive(deps, org.organizationId, (await eventsAfter(db, org.organizationId, 0)).map(toScored));
		expect(await liveBoards(deps.live, org.organizationId)).toEqual(before);
		await rebuildOrg(deps, org.organizationId);
		expect(await liveBoards(deps.live, org.organizationId)).toEqual(before);
		expect((await verifyOrg(deps, org.organizationId)).drift).toEqual([]);
	});

	test('a rebuild that finds another process rebuilding waits for its lock, even when the org is already built', async () => {
		const org = await createOrg(deps.db);
		const rep = await addRep(deps.db, org.organizationId);
		await ingestEvents(deps, { organizationId: org.organizationId, source: 'api', actorId: null }, [{ id: 'x', metric: 'deal', user: rep.email }]);
		await ensureBuilt(deps, org.organizationId);
		// Another process holds the lock (a time-zone change being rebuilt there).
		expect(await deps.live.lockForRebuild(org.organizationId, 60_000)).toBe(true);
		// The signal that the rebuild is waiting: it found the lock held on a second look, after a pause.
		let lockedLooks = 0;
		let sawItWait!: () => void;
		const waited = new Promise<void>((resolve) => (sawItWait = resolve));
		const live = new Proxy(deps.live, {
			get(target, prop) {
				if (prop === 'isLocked')
					return async (organizationId: string) => {
						const locked = await target.isLocked(organizationId);
						if (locked && ++lockedLooks >= 2) sawItWait();
						return locked;
					};
				const value = Reflect.get(target, prop, target);
				return typeof value === 'function' ? value.bind(target) : value;
			}
		});
		let done = false;
		const waiting = rebuildOrg({ ...deps, live }, org.organizationId).then(() => (done = true));
		await Promise.race([waited, waiting]);
		expect(done).toBe(false);
		await deps.live.unlock(org.organizationId);
		await waiting;
		expect(done).toBe(true);
	});

	test('a shutdown lets go of the rebuild locks this process holds', async () => {
		const org = await createOrg(deps.db);
		const rep = await addRep(deps.db, org.organizationId);
		await ingestEvents(
			deps,
			{ organizationId: org.organizationId, source: 'api', actorId: null },
			Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, metric: 'call', user: rep.email }))
		);
		let finished = false;
		const rebuilding = rebuildOrg(deps, org.organizationId)
			.catch(() => {})
			.finally(() => (finished = true));
		// The lock is taken before the rebuild reads anything: it shows while the rebuild runs.
		while (!finished && !(await deps.live.isLocked(org.organizationId))) await new Promise((r) => setImmediate(r));
		expect(finished).toBe(false);
		// Shutting down releases it at once, not when the rebuild (or REBUILD_LOCK_MS) is over.
		await releaseRebuildLocks(deps.live);
		expect([await deps.live.isLocked(org.organizationId), finished]).toEqual([false, false]);
		await rebuilding;
	});

	test('a retried batch with new calls appended: the known calls do not use up the daily cap', async () => {
		const { db } = deps;
		const org = await createOrg(db, { timeZone: 'Asia/Shanghai' });
		const rep = await addRep(db, org.organizationId);
		const at = new Date(Date.now() - 60 * 60_000).toISOString();
		const call = (i: number) => ({ id: `call-${i}`, metric: 'call', user: rep.email, value: 1, occurredAt: at });
		const ctx = { organizationId: org.organizationId, source: 'api' as const, actorId: null };
		const first = await ingestEvents(deps, ctx, Array.from({ length: 30 }, (_, i) => call(i)));
		expect(first.map((r) => r.points)).toEqual(Array(30).fill(1));
		// The client retries the whole batch with 40 new calls: 30 duplicates, then 30 points of room left.
		const second = await ingestEvents(deps, ctx, Array.from({ length: 70 }, (_, i) => call(i)));
		expect(second.filter((r) => r.status === 'duplicate')).toHaveLength(30);
		expect(second.filter((r) => r.status === 'accepted')).toHaveLength(40);
		const earned = second.filter((r) => r.status === 'accepted').reduce((sum, r) => sum + (r.points ?? 0), 0);
		expect(earned).toBe(30);
		// New calls are scored in the order they were sent: the first 30 new ones earn the points.
		expect(second.slice(30).map((r) => r.points)).toEqual([...Array(30).fill(1), ...Array(10).fill(0)]);
		const board = await deps.live.entries(org.organizationId, `points|users|all|all`, [rep.userId]);
		expect(board[0]?.score).toBe(60);
	});
});

// --- recovery ---------------------------------------------------------------------------------------

/** Drops everything the live store holds, as FLUSHALL would (FLUSHDB on the private Redis db). */
async function flushLive() {
	if (deps.live instanceof RedisLiveStore) await deps.live.client.flushDb();
	else await (deps.live as MemoryLiveStore).flush();
}

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const QUERIES: BoardQuery[] = [
	{ board: 'points', scope: 'users', window: 'week', limit: 50 },
	{ board: 'points', scope: 'teams', window: 'day', limit: 50 },
	{ board: 'deal', scope: 'users', window: 'all', limit: 50 },
	{ board: 'revenue', scope: 'users', window: 'month', limit: 2 }
];

async function orgWithHistory(): Promise<{ org: TestOrg; reps: TestRep[] }> {
	const org = await createOrg(deps.db, { timeZone: 'Asia/Shanghai' });
	const teams = [await addTeam(deps.db, org.organizationId), await addTeam(deps.db, org.organizationId)];
	const reps = [
		await addRep(deps.db, org.organizationId, { teamId: teams[0] }),
		await addRep(deps.db, org.organizationId, { teamId: teams[1] }),
		await addRep(deps.db, org.organizationId, { teamId: teams[1] }),
		await addRep(deps.db, org.organizationId)
	];
	const items = Array.from({ length: 40 }, (_, i) => ({
		id: `h-${i}`,
		metric: ['deal', 'revenue', 'call', 'meeting', 'new_customer'][i % 5],
		user: reps[i % 4].email,
		value: i % 5 === 1 ? 100_000 * (i + 1) : (i % 3) + 1,
		// Spread over ten days, so that several periods of each window exist.
		occurredAt: at((i % 10) * 24 * 60 + i)
	}));
	const results = await ingestEvents(deps, { organizationId: org.organizationId, source: 'import', actorId: null }, items);
	expect(results.every((r) => r.status === 'accepted')).toBe(true);
	await voidEvent(deps, { organizationId: org.organizationId, actorId: org.adminId, canVoid: () => true }, { eventId: results[4].eventId!, reason: 'entered twice' });
	return { org, reps };
}

/** What each board read shows, without its epoch and seq (push counters live in the store and restart under a new epoch). */
async function reads(organizationId: string) {
	return Promise.all(QUERIES.map(async (q) => ({ ...(await readBoard(deps, organizationId, q)), epoch: undefined, seq: undefined })));
}

/** The recomputation from the log, in the shape of liveBoards(). */
async function expectedBoards(organizationId: string) {
	const boards = await computeBoards(deps.db, organizationId, await maxEventId(deps.db, organizationId));
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
		const beforeBoards = await liveBoards(deps.live, org.organizationId);
		expect(before[0].entries.length).toBeGreaterThan(0);
		expect(beforeBoards).toEqual(await expectedBoards(org.organizationId));

		await flushLive();
		expect(await deps.live.isBuilt(org.organizationId)).toBe(false);
		expect(await deps.live.boardKeys(org.organizationId)).toEqual([]);

		// Two readers at once: both wait for one rebuild and see the same boards as before.
		const [again, twice] = await Promise.all([reads(org.organizationId), reads(org.organizationId)]);
		expect(again).toEqual(before);
		expect(twice).toEqual(before);
		expect(await deps.live.isBuilt(org.organizationId)).toBe(true);
		expect(await liveBoards(deps.live, org.organizationId)).toEqual(beforeBoards);
		const verified = await verifyOrg(deps, org.organizationId);
		expect(verified.boards).toBeGreaterThan(0);
		expect(verified.drift).toEqual([]);

		// Applies after the rebuild still count once: the rebuilt marks cover every event.
		expect(await reconcile(deps, 24 * 60 * 60_000)).toBe(0);
		expect(await liveBoards(deps.live, org.organizationId)).toEqual(beforeBoards);
	});

	test.runIf(!!REDIS_DB5)("when only one org's keys are deleted, that org rebuilds and the other is untouched", async () => {
		const a = await orgWithHistory();
		const b = await orgWithHistory();
		const beforeA = await reads(a.org.organizationId);
		await reads(b.org.organizationId);
		const beforeB = await liveBoards(deps.live, b.org.organizationId);
		expect(await deleteOrgKeys(deps.live as RedisLiveStore, a.org.organizationId)).toBeGreaterThan(0);
		expect(await deps.live.isBuilt(a.org.organizationId)).toBe(false);
		expect(await deps.live.isBuilt(b.org.organizationId)).toBe(true);
		expect(await reads(a.org.organizationId)).toEqual(beforeA);
		expect(await liveBoards(deps.live, a.org.organizationId)).toEqual(await expectedBoards(a.org.organizationId));
		expect(await liveBoards(deps.live, b.org.organizationId)).toEqual(beforeB);
		expect((await verifyOrg(deps, a.org.organizationId)).drift).toEqual([]);
	});
});

describe('killed between the commit and the live apply', () => {
	test('reconcile() applies what was committed but not applied, and running it again changes nothing', async () => {
		const { org, reps } = await orgWithHistory();
		await reads(org.organizationId); // built
		const metrics = new Map((await deps.db.selectFrom('metrics').select(['id', 'key']).where('organization_id', '=', org.organizationId).execute()).map((m) => [m.key, m.id]));
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
		const lost = await insertEvents(deps.db, [
			row('lost-1', 'deal', reps[3], 1, 50, 3),
			row('lost-2', 'deal', reps[2], 2, 100, 2),
			row('lost-3', 'call', reps[0], 5, 5, 1)
		]);
		expect(lost).toHaveLength(3);
		const drift = await verifyOrg(deps, org.organizationId);
		expect(drift.drift.length).toBeGreaterThan(0);
		const allTime = drift.drift.find((d) => d.key === 'points|users|all|all' && d.member === reps[2].userId)!;
		expect(allTime.expected! - allTime.live!).toBe(100);

		expect(await reconcile(deps)).toBe(3);
		const converged = await liveBoards(deps.live, org.organizationId);
		expect(converged).toEqual(await expectedBoards(org.organizationId));
		expect((await verifyOrg(deps, org.organizationId)).drift).toEqual([]);

		// Again, and as start-up does (a day back): nothing is counted twice.
		expect(await reconcile(deps)).toBe(0);
		expect(await reconcile(deps, 24 * 60 * 60_000)).toBe(0);
		expect(await liveBoards(deps.live, org.organizationId)).toEqual(converged);
		const week = await readBoard(deps, org.organizationId, QUERIES[0]);
		expect(week.entries.find((e) => e.id === reps[3].userId)?.score).toBe(
			(await deps.db.selectFrom('score_events').select(sql<number>`sum(points)::int`.as('p')).where('organization_id', '=', org.organizationId).where('user_id', '=', reps[3].userId).where('occurred_at', '>=', new Date(week.window.start)).executeTakeFirstOrThrow()).p
		);
	});

	// A second process needs a database it can share: Postgres (in embedded mode the in-process test
	// above covers reconcile, and PGlite in memory dies with its process).
	test.runIf(!!BASE_DATABASE_URL)('a process dies inside the live apply; a fresh runtime on the same database converges', async () => {
		const env = { ...process.env, LOG_LEVEL: 'error', PODIUM_DEMO_SEED: 'off', DATABASE_URL: scratchUrl, ...(REDIS_DB5 ? { REDIS_URL: REDIS_DB5 } : {}) };
		const { code, stdout, stderr } = await runChild(env);
		expect(code, stderr).toBe(0);
		const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { organizationId: string; firstBatch: number; secondBatch: number };
		const orgId = report.organizationId;

		const rows = await deps.db.selectFrom('score_events').select(['id', 'org_seq', 'idempotency_key']).where('organization_id', '=', orgId).orderBy('id').execute();
		expect(rows).toHaveLength(report.firstBatch + report.secondBatch);
		if (REDIS_DB5) {
			// The live store outlived the process: built, with the first batch applied and the second not.
			expect(await deps.live.isBuilt(orgId)).toBe(true);
			expect(await deps.live.applied(orgId, rows.map((r) => Number(r.org_seq)))).toEqual(rows.map((r) => r.idempotency_key.startsWith('first-')));
		}

		// The restart: the real start-up path (migrations, live store, reconcile) from the environment.
		const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
		process.env.DATABASE_URL = scratchUrl;
		if (REDIS_DB5) process.env.REDIS_URL = REDIS_DB5;
		try {
			const rt = await getRuntime();
			const have = await liveBoards(rt.live, orgId);
			expect(have).toEqual(await expectedBoards(orgId));
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
