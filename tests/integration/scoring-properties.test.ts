// Property: whatever events arrive (duplicates, conflicts, corrections, team moves, several weeks of
// occurred_at, applies lost to a crash and delivered again, in any order, some twice), every board in
// the live store equals a recomputation from the event log, scores and tie marks, and verify is clean.
// Runs on the services directly: PGlite or DATABASE_URL, the memory store or Redis (REDIS_URL).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LiveStore } from '../../src/lib/server/live/store';
import { eventsAfter } from '../../src/lib/server/repositories/event.repository';
import { setTeamMembership } from '../../src/lib/server/repositories/team.repository';
import { ingestEvents, voidEvent, type IngestResult } from '../../src/lib/server/scoring/event.service';
import { applyToLive, computeBoards, rebuildOrg, toScored, verifyOrg } from '../../src/lib/server/scoring/live.service';
import { DEFAULT_METRICS } from '../../src/lib/server/repositories/metric.repository';
import { capPoints, compareEntries, pointsFor } from '../../src/lib/shared/scoring';
import { periodOf } from '../../src/lib/shared/time-windows';
import { addRep, addTeam, createOrg, liveBoards, openScoringDeps, openTestLiveStore, type ScoringDeps, type TestRep } from '../helpers/scoring';

const DAY = 86_400_000;
const ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Kathmandu'];
const METRICS = DEFAULT_METRICS.map((m) => m.key);
const RULES = new Map(DEFAULT_METRICS.map((m) => [m.key, m]));

let deps: ScoringDeps;
let fresh: LiveStore;

beforeAll(async () => {
	deps = await openScoringDeps();
	fresh = await openTestLiveStore();
});

afterAll(async () => {
	await fresh?.close();
	await deps?.close();
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
		await addRep(db, org.organizationId, { teamId: teams[1] }),
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

	const verified = await verifyOrg({ db, live: deps.live }, org.organizationId);
	expect(verified.drift).toEqual([]);
	if (log.length) expect(verified.boards).toBeGreaterThan(0);

	// A fresh store, fed in another order: the same boards.
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
