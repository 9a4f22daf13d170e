// Contests through the service and the scheduler with a controllable clock: creation and its refusals
// (each a 4xx naming the field, nothing written), the lifecycle (start, late events within the grace
// period, freeze), prize points paid exactly once with live:verify clean, corrections after the freeze
// as notes, a race to target ending early, a team challenge's milestones, and once-only transitions
// under concurrent calls. With DATABASE_URL the test has a database of its own, so that no other
// process's scheduler claims its contests' jobs.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, migrateToLatest, type Db } from '../../src/lib/server/db';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import type { LiveStore } from '../../src/lib/server/live/store';
import { FakeClock } from '../../src/lib/server/platform/clock';
import { DomainEventBus } from '../../src/lib/server/platform/events';
import { Scheduler } from '../../src/lib/server/platform/scheduler';
import { AppError, ValidationError } from '../../src/lib/server/platform/errors';
import type { Actor } from '../../src/lib/server/org/actor';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';
import { verifyOrg } from '../../src/lib/server/scoring/live.service';
import { installContests, finalizeContest } from '../../src/lib/server/contests/contest.lifecycle';
import { acceptDuel, cancelContest, createContest, declineDuel, extendContest, getContest, listContests, updateContest } from '../../src/lib/server/contests/contest.service';
import type { ContestMoment } from '../../src/lib/shared/contests';
import { usingPostgres, usingRedis } from '../helpers/env';
import { addRep, addTeam, createOrg, createScratchDatabase, type TestOrg, type TestRep } from '../helpers/scoring';

vi.setConfig({ testTimeout: 60_000 });

const MIN = 60_000;
let db: Db;
let live: LiveStore;
let closeDb: () => Promise<void>;
let dropDb: (() => Promise<void>) | undefined;
const clock = new FakeClock(Date.now());
const events = new DomainEventBus();
let scheduler: Scheduler;
let stopContests: () => void;
const moments: ContestMoment[] = [];

beforeAll(async () => {
	if (usingPostgres) {
		const scratch = await createScratchDatabase('podium_contests');
		dropDb = scratch.drop;
		const handle = await openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://' });
		db = handle.db;
		closeDb = handle.close;
	} else {
		const handle = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
		db = handle.db;
		closeDb = handle.close;
	}
	await migrateToLatest(db);
	live = usingRedis ? await RedisLiveStore.connect(process.env.REDIS_URL!) : new MemoryLiveStore();
	scheduler = new Scheduler({ db, clock, pollMs: 0, log: { warn() {}, error() {} } });
	stopContests = await installContests({ db, live, events, scheduler }, { sweep: false });
	events.on('contest.moment', ({ moment }) => moments.push(moment));
});

afterAll(async () => {
	stopContests?.();
	await scheduler?.stop();
	await live?.close();
	await closeDb?.();
	await dropDb?.();
});

const deps = () => ({ db, live, events, scheduler });
const admin = (org: TestOrg): Actor => ({ userId: org.adminId, organizationId: org.organizationId, role: 'admin' });
const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

async function log(org: TestOrg, rep: TestRep, metric: string, value: number, options: { occurredAt?: string; id?: string } = {}) {
	const [r] = await ingestEvents(deps(), { organizationId: org.organizationId, source: 'api', actorId: null, now: clock.now() }, [
		{ id: options.id ?? `e-${Math.random().toString(36).slice(2)}`, metric, user: rep.email, value, ...(options.occurredAt ? { occurredAt: options.occurredAt } : {}) }
	]);
	expect(r.status).toBe('accepted');
	return r;
}

/** Moves the clock and runs what is due. */
async function advanceTo(iso: string) {
	clock.set(iso);
	while ((await scheduler.poll()) > 0);
}

async function contestCount(org: TestOrg) {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from contests where organization_id = ${org.organizationId}`.execute(db);
	return Number(rows[0].n);
}

async function prizeEvents(org: TestOrg) {
	const { rows } = await sql<{ user_id: string; points: number; idempotency_key: string }>`
		select user_id, points, idempotency_key from score_events where organization_id = ${org.organizationId} and source = 'contest' order by id`.execute(db);
	return rows.map((r) => ({ user: r.user_id, points: Number(r.points), key: r.idempotency_key }));
}

async function refusal(work: Promise<unknown>): Promise<{ status: number; field: string | undefined }> {
	try {
		await work;
	} catch (error) {
		if (error instanceof AppError) return { status: error.status, field: error.field };
		if (error instanceof ValidationError) return { status: 400, field: error.issues[0]?.field };
		throw error;
	}
	throw new Error('expected a refusal');
}

describe('a race from start to final', () => {
	test('counts events in [start, end) and late ones within the grace period, freezes from the log, pays prizes once, notes later corrections', async () => {
		const org = await createOrg(db);
		const [ann, bob, cat] = await Promise.all([addRep(db, org.organizationId, { name: 'Ann' }), addRep(db, org.organizationId, { name: 'Bob' }), addRep(db, org.organizationId, { name: 'Cat' })]);
		const start = at(MIN);
		const end = at(31 * MIN);
		const { id } = await createContest(deps(), admin(org), {
			name: { en: 'Deal sprint', 'zh-CN': '成交冲刺' },
			format: 'race',
			scoring: { metrics: [{ metric: 'deal', weight: 1 }] },
			startsAt: start,
			endsAt: end,
			graceMinutes: 5,
			participants: { members: [ann.email, bob.email, cat.email] },
			places: 2,
			prizes: [
				{ place: 1, text: 'Dinner', points: 100 },
				{ place: 2, text: 'Lunch', points: 50 }
			],
			status: 'scheduled'
		});
		expect((await getContest(deps(), admin(org), id)).status).toBe('scheduled');
		// A deal before the start does not count.
		await log(org, ann, 'deal', 5);
		await advanceTo(start);
		expect((await getContest(deps(), admin(org), id)).status).toBe('live');
		expect(moments.filter((m) => m.contestId === id).map((m) => m.type)).toContain('started');

		await advanceTo(at(MIN));
		await log(org, ann, 'deal', 2);
		await log(org, bob, 'deal', 2);
		await log(org, cat, 'deal', 1);
		let view = await getContest(deps(), admin(org), id);
		expect(view.standings.map((s) => [s.name, s.score, s.rank])).toEqual([
			['Ann', 2, 1],
			['Bob', 2, 1],
			['Cat', 1, 3]
		]);

		// The end: no longer live; a deal logged late (it happened before the end) still counts in the grace period.
		await advanceTo(end);
		view = await getContest(deps(), admin(org), id);
		expect(view.status).toBe('ended');
		await advanceTo(at(2 * MIN));
		await log(org, cat, 'deal', 5, { occurredAt: new Date(Date.parse(end) - MIN).toISOString() });
		// A deal that happened after the end does not count.
		await log(org, bob, 'deal', 9);
		view = await getContest(deps(), admin(org), id);
		expect(view.standings.map((s) => [s.name, s.score])).toEqual([
			['Cat', 6],
			['Ann', 2],
			['Bob', 2]
		]);

		// End + grace: final, frozen from the log, prizes paid once.
		await advanceTo(new Date(Date.parse(end) + 5 * MIN).toISOString());
		view = await getContest(deps(), admin(org), id);
		expect(view.status).toBe('final');
		expect(view.standings.map((s) => [s.name, s.score, s.place, s.prize?.points ?? null])).toEqual([
			['Cat', 6, 1, 100],
			['Ann', 2, 2, 50],
			['Bob', 2, null, null]
		]);
		expect(await prizeEvents(org)).toEqual([
			{ user: cat.userId, points: 100, key: `contest:${id}:1:${cat.userId}` },
			{ user: ann.userId, points: 50, key: `contest:${id}:2:${ann.userId}` }
		]);
		// Freezing again (a retried job, another process) pays nothing more.
		await Promise.all([finalizeContest(deps(), id), finalizeContest(deps(), id)]);
		expect(await prizeEvents(org)).toHaveLength(2);
		const verified = await verifyOrg({ db, live }, org.organizationId);
		expect(verified.drift).toEqual([]);

		// A correction after the freeze: a note, the results stand.
		await log(org, bob, 'deal', 10, { occurredAt: new Date(Date.parse(end) - 2 * MIN).toISOString() });
		await vi.waitFor(async () => expect((await getContest(deps(), admin(org), id)).notes).toHaveLength(1));
		view = await getContest(deps(), admin(org), id);
		expect(view.standings[0]).toMatchObject({ name: 'Cat', score: 6, place: 1 });
		expect(view.notes[0]).toContain('Bob');
		expect(moments.filter((m) => m.contestId === id).map((m) => m.type)).toEqual(expect.arrayContaining(['started', 'new_leader', 'ended']));
	});
});

describe('bad input', () => {
	test('each refusal names its field and writes nothing', async () => {
		const org = await createOrg(db);
		const other = await createOrg(db);
		const rep = await addRep(db, org.organizationId);
		const rep2 = await addRep(db, org.organizationId);
		await sql`insert into metrics (organization_id, key, name, unit, max_value) values (${other.organizationId}, 'secret_metric', '{"en":"S"}', 'count', 10)`.execute(db);
		const base = {
			name: 'Sprint',
			format: 'race',
			scoring: { metrics: 'points' },
			startsAt: at(MIN),
			endsAt: at(60 * MIN),
			participants: { members: [rep.email, rep2.email] }
		};
		const repActor: Actor = { userId: rep.userId, organizationId: org.organizationId, role: 'rep' };
		const cases: [string, unknown, Actor, number, string | undefined][] = [
			['end before start', { ...base, endsAt: at(0) }, admin(org), 400, 'endsAt'],
			['start long past', { ...base, startsAt: at(-10 * MIN) }, admin(org), 400, 'startsAt'],
			['no participants', { ...base, participants: { members: [] } }, admin(org), 400, 'participants'],
			['unknown member', { ...base, participants: { members: ['nobody@example.test'] } }, admin(org), 400, 'participants'],
			["another org's metric", { ...base, scoring: { metrics: [{ metric: 'secret_metric', weight: 1 }] } }, admin(org), 400, 'scoring'],
			['duel with yourself', { ...base, format: 'duel', endsAt: at(2 * 60 * MIN), participants: { members: [rep.email] } }, repActor, 400, 'participants'],
			['bracket too small', { ...base, format: 'bracket', bracket: { roundMinutes: 60 }, participants: { members: [rep.email, rep2.email] } }, admin(org), 400, 'participants'],
			['zero target', { ...base, format: 'race_to_target', target: 0 }, admin(org), 400, 'target'],
			['target missing', { ...base, format: 'race_to_target' }, admin(org), 400, 'target'],
			['no end', { ...base, endsAt: undefined }, admin(org), 400, 'endsAt'],
			['a rep building a race', base, repActor, 403, undefined],
			['a name too long', { ...base, name: 'x'.repeat(81) }, admin(org), 400, 'name']
		];
		for (const [label, input, actor, status, field] of cases) {
			expect(await refusal(createContest(deps(), actor, input)), label).toEqual({ status, field });
		}
		expect(await contestCount(org)).toBe(0);

		// Once live, the rules are locked: only the end can move (later), with an audit entry.
		const { id } = await createContest(deps(), admin(org), { ...base, startsAt: at(0), status: 'scheduled' });
		await advanceTo(at(0));
		expect((await getContest(deps(), admin(org), id)).status).toBe('live');
		expect(await refusal(updateContest(deps(), admin(org), id, { ...base, name: 'Changed' }))).toEqual({ status: 409, field: 'status' });
		expect(await refusal(extendContest(deps(), admin(org), id, at(30 * MIN)))).toEqual({ status: 400, field: 'endsAt' });
		const later = at(120 * MIN);
		await extendContest(deps(), admin(org), id, later);
		const view = await getContest(deps(), admin(org), id);
		expect([view.name, view.endsAt]).toEqual(['Sprint', later]);
		const { rows } = await sql<{ action: string }>`select action from audit_log where organization_id = ${org.organizationId} and target_id = ${id} order by id`.execute(db);
		expect(rows.map((r) => r.action)).toEqual(['contest.created', 'contest.extended']);
	});

	test('leaders build for the teams they lead; hidden contests are seen by their managers only', async () => {
		const org = await createOrg(db);
		const mine = await addTeam(db, org.organizationId);
		const theirs = await addTeam(db, org.organizationId);
		const lead = await addRep(db, org.organizationId, { role: 'leader', teamId: mine });
		await sql`insert into team_leaders (team_id, user_id, organization_id) values (${mine}, ${lead.userId}, ${org.organizationId})`.execute(db);
		const a = await addRep(db, org.organizationId, { teamId: mine });
		const b = await addRep(db, org.organizationId, { teamId: theirs });
		const leader: Actor = { userId: lead.userId, organizationId: org.organizationId, role: 'leader' };
		const rep: Actor = { userId: a.userId, organizationId: org.organizationId, role: 'rep' };
		const base = { name: 'Team sprint', format: 'race', scoring: { metrics: 'points' }, startsAt: at(MIN), endsAt: at(60 * MIN) };
		expect(await refusal(createContest(deps(), leader, { ...base, participants: { members: [a.email, b.email] } }))).toEqual({ status: 400, field: 'participants' });
		expect(await refusal(createContest(deps(), leader, { ...base, participants: { teams: [theirs] } }))).toEqual({ status: 400, field: 'participants' });
		const { id } = await createContest(deps(), leader, { ...base, participants: { all: true }, hidden: true });
		const view = await getContest(deps(), leader, id);
		expect(view.standings.map((s) => s.id)).toEqual([a.userId]);
		expect(await refusal(getContest(deps(), rep, id))).toEqual({ status: 404, field: 'id' });
		expect((await listContests(deps(), rep)).map((c) => c.id)).not.toContain(id);
		expect((await listContests(deps(), leader)).map((c) => c.id)).toContain(id);
		expect(await refusal(cancelContest(deps(), rep, id))).toEqual({ status: 404, field: 'id' });
	});
});

describe('once only', () => {
	test('two concurrent cancels: one succeeds, the other is a 409', async () => {
		const org = await createOrg(db);
		const rep = await addRep(db, org.organizationId);
		const { id } = await createContest(deps(), admin(org), { name: 'C', format: 'race', scoring: { metrics: 'points' }, startsAt: at(MIN), endsAt: at(60 * MIN), participants: { members: [rep.email] } });
		const outcomes = await Promise.allSettled([cancelContest(deps(), admin(org), id), cancelContest(deps(), admin(org), id)]);
		expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
		const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
		expect(failed.reason).toBeInstanceOf(AppError);
		expect((failed.reason as AppError).status).toBe(409);
		const { rows } = await sql<{ action: string }>`select action from audit_log where target_id = ${id} and action = 'contest.cancelled'`.execute(db);
		expect(rows).toHaveLength(1);
	});
});

describe('race to target and team challenge', () => {
	test('the first to the target wins, and the contest ends once its places are taken', async () => {
		const org = await createOrg(db);
		const [ann, bob] = await Promise.all([addRep(db, org.organizationId, { name: 'Ann' }), addRep(db, org.organizationId, { name: 'Bob' })]);
		const { id } = await createContest(deps(), admin(org), {
			name: 'First to 3 calls',
			format: 'race_to_target',
			scoring: { metrics: [{ metric: 'call', weight: 1 }] },
			startsAt: at(0),
			endsAt: at(60 * MIN),
			graceMinutes: 0,
			participants: { members: [ann.email, bob.email] },
			target: 3,
			places: 1,
			prizes: [{ place: 1, points: 30 }],
			status: 'scheduled'
		});
		await advanceTo(at(0));
		await log(org, bob, 'call', 2);
		await log(org, ann, 'call', 3);
		await vi.waitFor(async () => expect((await getContest(deps(), admin(org), id)).status).toBe('ended'));
		expect(moments.filter((m) => m.contestId === id && m.type === 'target_reached').map((m) => m.participant?.name)).toEqual(['Ann']);
		// Bob passes the target later, after the end: too late.
		await log(org, bob, 'call', 5);
		await advanceTo(at(MIN));
		const view = await getContest(deps(), admin(org), id);
		expect(view.status).toBe('final');
		expect(view.standings.map((s) => [s.name, s.place])).toEqual([
			['Ann', 1],
			['Bob', null]
		]);
		expect((await prizeEvents(org)).map((p) => p.user)).toEqual([ann.userId]);
	});

	test('a new leader is announced once, however many processes hear the change', async () => {
		const org = await createOrg(db);
		const [ann, bob] = await Promise.all([addRep(db, org.organizationId, { name: 'Ann' }), addRep(db, org.organizationId, { name: 'Bob' })]);
		const { id } = await createContest(deps(), admin(org), {
			name: 'Most calls',
			format: 'race',
			scoring: { metrics: [{ metric: 'call', weight: 1 }] },
			startsAt: at(0),
			endsAt: at(60 * MIN),
			participants: { members: [ann.email, bob.email] },
			status: 'scheduled'
		});
		await advanceTo(at(0));
		const leaders = () => moments.filter((m) => m.contestId === id && m.type === 'new_leader').map((m) => m.participant?.name);
		await log(org, ann, 'call', 2);
		await vi.waitFor(() => expect(leaders()).toEqual(['Ann']));
		// Two other processes (fresh copies of the module) hear the same batch at once: Ann leads still.
		const heard = [{ id: 1, orgSeq: 1, metricKey: 'call', userId: ann.userId, teamId: null, value: 2, points: 0, occurredAt: clock.now() }];
		const processes = [];
		for (let i = 0; i < 2; i++) {
			vi.resetModules();
			processes.push(await import('../../src/lib/server/contests/contest.lifecycle'));
		}
		await Promise.all(processes.map((p) => p.onScoresChanged(deps(), org.organizationId, heard)));
		expect(leaders()).toEqual(['Ann']);
		await log(org, bob, 'call', 3);
		await vi.waitFor(() => expect(leaders()).toEqual(['Ann', 'Bob']));
		await log(org, ann, 'call', 2);
		await vi.waitFor(() => expect(leaders()).toEqual(['Ann', 'Bob', 'Ann']));
	});

	test('a whole-organization challenge shows progress, contributors and each milestone once', async () => {
		const org = await createOrg(db);
		const [ann, bob] = await Promise.all([addRep(db, org.organizationId, { name: 'Ann' }), addRep(db, org.organizationId, { name: 'Bob' })]);
		const { id } = await createContest(deps(), admin(org), {
			name: '100 calls together',
			format: 'team_challenge',
			scoring: { metrics: [{ metric: 'call', weight: 1 }] },
			startsAt: at(0),
			endsAt: at(60 * MIN),
			participants: { all: true },
			target: 8,
			status: 'scheduled'
		});
		await advanceTo(at(0));
		await log(org, ann, 'call', 3);
		await log(org, bob, 'call', 3);
		const view = await getContest(deps(), admin(org), id);
		expect(view.challenge).toMatchObject({ total: 6, target: 8, progress: 0.75, milestones: [25, 50, 75] });
		expect(view.challenge!.contributors.map((c) => [c.name, c.score])).toEqual([
			['Ann', 3],
			['Bob', 3]
		]);
		await log(org, ann, 'call', 1);
		await vi.waitFor(() => expect(moments.filter((m) => m.contestId === id && m.type === 'milestone').map((m) => m.milestone)).toEqual([25, 50, 75]));
	});

	test('team vs team ranks teams by their members’ events, or by the average per member', async () => {
		const org = await createOrg(db);
		const red = await addTeam(db, org.organizationId, 'Red');
		const blue = await addTeam(db, org.organizationId, 'Blue');
		const [r1, r2, b1] = await Promise.all([addRep(db, org.organizationId, { teamId: red }), addRep(db, org.organizationId, { teamId: red }), addRep(db, org.organizationId, { teamId: blue })]);
		const input = (by: string) => ({ name: 'Red vs Blue', format: 'team_vs_team', scoring: { metrics: 'points', by }, startsAt: at(0), endsAt: at(60 * MIN), participants: { teams: [red, blue] }, status: 'scheduled' });
		const total = await createContest(deps(), admin(org), input('total'));
		const average = await createContest(deps(), admin(org), input('average_per_member'));
		await advanceTo(at(0));
		await log(org, r1, 'deal', 1);
		await log(org, r2, 'deal', 1);
		await log(org, b1, 'deal', 1);
		await log(org, b1, 'call', 1);
		const byTotal = await getContest(deps(), admin(org), total.id);
		expect(byTotal.standings.map((s) => s.name)).toEqual(['Red', 'Blue']);
		const byAverage = await getContest(deps(), admin(org), average.id);
		expect(byAverage.standings.map((s) => s.name)).toEqual(['Blue', 'Red']);
	});
});

describe('elimination', () => {
	test('the last place leaves at each interval, once, until one remains; then it ends and ranks by who stayed longest', async () => {
		const org = await createOrg(db);
		const [ann, bob, cat] = await Promise.all([addRep(db, org.organizationId, { name: 'Ann' }), addRep(db, org.organizationId, { name: 'Bob' }), addRep(db, org.organizationId, { name: 'Cat' })]);
		const start = at(0);
		const { id } = await createContest(deps(), admin(org), {
			name: 'Last one standing',
			format: 'elimination',
			scoring: { metrics: [{ metric: 'call', weight: 1 }] },
			startsAt: start,
			endsAt: at(60 * MIN),
			graceMinutes: 0,
			elimination: { everyMinutes: 10 },
			participants: { members: [ann.email, bob.email, cat.email] },
			status: 'scheduled'
		});
		await advanceTo(start);
		await log(org, ann, 'call', 3);
		await log(org, bob, 'call', 2);
		await log(org, cat, 'call', 1);
		await advanceTo(new Date(Date.parse(start) + 10 * MIN).toISOString());
		let view = await getContest(deps(), admin(org), id);
		expect(view.standings.map((s) => [s.name, !!s.eliminated])).toEqual([
			['Ann', false],
			['Bob', false],
			['Cat', true]
		]);
		// Cat scoring a lot after leaving changes nothing about who is out.
		await log(org, cat, 'call', 10);
		await advanceTo(new Date(Date.parse(start) + 20 * MIN).toISOString());
		await advanceTo(new Date(Date.parse(start) + 20 * MIN + 1000).toISOString());
		view = await getContest(deps(), admin(org), id);
		expect(view.status).toBe('final');
		expect(view.standings.map((s) => [s.name, s.place])).toEqual([
			['Ann', 1],
			['Bob', 2],
			['Cat', 3]
		]);
		expect(moments.filter((m) => m.contestId === id && m.type === 'eliminated').map((m) => m.participant?.name)).toEqual(['Cat', 'Bob']);
	});
});

describe('bracket', () => {
	test('seeds with byes, decides each round from its own events, and the champion ends it', async () => {
		const org = await createOrg(db);
		const reps: TestRep[] = [];
		for (const name of ['S1', 'S2', 'S3', 'S4', 'S5']) reps.push(await addRep(db, org.organizationId, { name }));
		const [s1, s2, s3, s4, s5] = reps;
		const start = Date.parse(at(0));
		const { id } = await createContest(deps(), admin(org), {
			name: 'Call bracket',
			format: 'bracket',
			scoring: { metrics: [{ metric: 'call', weight: 1 }] },
			startsAt: new Date(start).toISOString(),
			endsAt: new Date(start + 60 * MIN).toISOString(),
			graceMinutes: 0,
			bracket: { roundMinutes: 10, seeding: 'manual' },
			participants: { members: reps.map((r) => r.email) },
			status: 'scheduled'
		});
		await advanceTo(new Date(start).toISOString());
		let view = await getContest(deps(), admin(org), id);
		// Eight slots: seeds 1, 2 and 3 have byes; 4 meets 5.
		expect(view.bracket!.filter((m) => m.round === 0).map((m) => [m.a?.name ?? null, m.b?.name ?? null, m.winner ? 'decided' : null])).toEqual([
			['S1', null, 'decided'],
			['S4', 'S5', null],
			['S2', null, 'decided'],
			['S3', null, 'decided']
		]);
		await log(org, s5, 'call', 1);
		await advanceTo(new Date(start + 10 * MIN).toISOString());
		await log(org, s1, 'call', 1);
		await log(org, s2, 'call', 2);
		// S4's calls come too late for round 0.
		await log(org, s4, 'call', 5);
		await advanceTo(new Date(start + 20 * MIN).toISOString());
		view = await getContest(deps(), admin(org), id);
		expect(view.standings.filter((s) => s.eliminated).map((s) => s.name).sort()).toEqual(['S3', 'S4', 'S5']);
		await log(org, s2, 'call', 1);
		await advanceTo(new Date(start + 30 * MIN).toISOString());
		await advanceTo(new Date(start + 30 * MIN + 1000).toISOString());
		view = await getContest(deps(), admin(org), id);
		expect(view.status).toBe('final');
		expect(view.standings.slice(0, 2).map((s) => [s.name, s.place])).toEqual([
			['S2', 1],
			['S1', 2]
		]);
		void s3;
	});
});

describe('duels and repeats', () => {
	test('a duel starts when the colleague accepts, only they may answer, and an unanswered one lapses after 24 hours', async () => {
		const org = await createOrg(db);
		const [ann, bob, cat] = await Promise.all([addRep(db, org.organizationId, { name: 'Ann' }), addRep(db, org.organizationId, { name: 'Bob' }), addRep(db, org.organizationId, { name: 'Cat' })]);
		const as = (r: TestRep): Actor => ({ userId: r.userId, organizationId: org.organizationId, role: 'rep' });
		const duel = (to: TestRep) => ({ name: 'Call duel', format: 'duel', scoring: { metrics: [{ metric: 'call', weight: 1 }] }, startsAt: at(0), endsAt: at(2 * 60 * MIN), participants: { members: [to.email] } });
		const { id } = await createContest(deps(), as(ann), duel(bob));
		expect((await getContest(deps(), as(bob), id)).status).toBe('draft');
		expect(await refusal(acceptDuel(deps(), as(cat), id))).toEqual({ status: 403, field: undefined });
		await advanceTo(at(30 * MIN));
		await acceptDuel(deps(), as(bob), id);
		const view = await getContest(deps(), as(bob), id);
		expect([view.status, Date.parse(view.endsAt!) - Date.parse(view.startsAt)]).toEqual(['live', 2 * 60 * MIN]);
		expect(view.standings.map((s) => s.name).sort()).toEqual(['Ann', 'Bob']);
		expect(await refusal(declineDuel(deps(), as(bob), id))).toMatchObject({ status: 409 });

		const unanswered = await createContest(deps(), as(ann), duel(cat));
		await advanceTo(at(24 * 60 * MIN));
		expect((await getContest(deps(), as(ann), unanswered.id)).status).toBe('cancelled');
	});

	test('a daily contest creates its next occurrence when it starts, once', async () => {
		const org = await createOrg(db);
		const rep = await addRep(db, org.organizationId);
		// Occurrences keep the local wall time to the second.
		const start = new Date(Math.ceil((clock.now().getTime() + MIN) / 1000) * 1000).toISOString();
		await createContest(deps(), admin(org), {
			name: 'Daily calls',
			format: 'race',
			scoring: { metrics: 'points' },
			startsAt: start,
			endsAt: new Date(Date.parse(start) + 60 * MIN).toISOString(),
			participants: { members: [rep.email] },
			repeat: { every: 'day' },
			status: 'scheduled'
		});
		await advanceTo(start);
		await advanceTo(at(1000));
		const contests = await listContests(deps(), admin(org));
		expect(contests.map((c) => [c.status, c.startsAt, c.participantCount]).sort()).toEqual(
			[
				['live', start, 1],
				['scheduled', new Date(Date.parse(start) + 24 * 60 * MIN).toISOString(), 1]
			].sort()
		);
	});
});

describe('the demo organization', () => {
	test('has a live race, a live team challenge, a live bracket and a final contest with its podium', async () => {
		const { seedDemo } = await import('../../src/lib/server/demo/demo.service');
		const seeded = await seedDemo(db, { now: clock.now() });
		const { rows } = await sql<{ user_id: string }>`select user_id from memberships where organization_id = ${seeded.organizationId} and role = 'admin'`.execute(db);
		const actor: Actor = { userId: rows[0].user_id, organizationId: seeded.organizationId, role: 'admin' };
		const contests = await listContests(deps(), actor);
		expect(contests.map((c) => [c.format, c.status]).sort()).toEqual([
			['bracket', 'live'],
			['race', 'final'],
			['race', 'live'],
			['team_challenge', 'live']
		]);
		const past = await getContest(deps(), actor, contests.find((c) => c.status === 'final')!.id);
		expect(past.standings.slice(0, 3).map((s) => s.place)).toEqual([1, 2, 3]);
		expect(past.standings[0].score).toBeGreaterThan(0);
		const race = await getContest(deps(), actor, contests.find((c) => c.format === 'race' && c.status === 'live')!.id);
		expect(race.standings[0].score).toBeGreaterThan(0);
		const challenge = await getContest(deps(), actor, contests.find((c) => c.format === 'team_challenge')!.id);
		expect(challenge.challenge!.total).toBeGreaterThan(0);
		// The bracket: eight reps drawn into four first-round matches, each round decided by a job of its own.
		const bracket = await getContest(deps(), actor, contests.find((c) => c.format === 'bracket')!.id);
		expect(bracket.participantCount).toBe(8);
		expect(bracket.bracket!.filter((m) => m.round === 0 && m.a && m.b)).toHaveLength(4);
		const jobs = await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'contest.bracket-round' and payload->>'contestId' = ${bracket.id}`.execute(db);
		expect(jobs.rows[0].n).toBe(3);
	});
});
