// A contest's freeze survives kill -9 (only with DATABASE_URL; live:verify against Redis when REDIS_URL
// is set): a Podium process (tests/helpers/contest-child.ts) is killed while freezing a contest with a
// prize — once just as the freeze commits, before any prize point is written, once as the prize points
// (in the event log) reach the live store — and a fresh process takes over. The contest ends final
// once, its results stored once, the prize points paid exactly once, and the live boards agree with the
// event log. The killed process's claim on the freeze job stands until its lease runs out (60 s); the
// test ends the lease at once, as time would.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import type { LiveStore } from '../../src/lib/server/live/store';
import { DomainEventBus } from '../../src/lib/server/platform/events';
import { Scheduler } from '../../src/lib/server/platform/scheduler';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';
import { verifyOrg } from '../../src/lib/server/scoring/live.service';
import { createContest } from '../../src/lib/server/contests/contest.service';
import { scheduleContestJobs } from '../../src/lib/server/contests/contest.lifecycle';
import { findContest } from '../../src/lib/server/contests/contest.repository';
import { usingPostgres, usingRedis } from '../helpers/env';
import { startReportingChild, until, type ReportingChild } from '../helpers/child';
import { addRep, createOrg, createScratchDatabase } from '../helpers/scoring';

vi.setConfig({ testTimeout: 180_000 });

interface Line {
	event: 'ready' | 'polled' | 'moment' | 'stalled';
	pid: number;
	type?: string;
	contestId?: string;
}
type Child = ReportingChild<Line>;

function startChild(databaseUrl: string, stall?: 'final' | 'paying'): Promise<Child> {
	const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', PODIUM_DEMO_SEED: 'off' };
	if (stall) env.CONTEST_CHILD_STALL = stall;
	else delete env.CONTEST_CHILD_STALL;
	return startReportingChild<Line>('contest child', 'tests/helpers/contest-child.ts', { env, stdin: true });
}

describe.runIf(usingPostgres)('a contest frozen by a process killed mid-transition', () => {
	let db: Db;
	let live: LiveStore;
	let closeDb: () => Promise<void>;
	let drop: () => Promise<void>;
	let url: string;
	const children: Child[] = [];

	beforeAll(async () => {
		const scratch = await createScratchDatabase('podium_contests_crash');
		url = scratch.url;
		drop = scratch.drop;
		const handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
		db = handle.db;
		closeDb = handle.close;
		await migrateToLatest(db);
		live = usingRedis ? await RedisLiveStore.connect(process.env.REDIS_URL!) : new MemoryLiveStore();
	});

	afterAll(async () => {
		await Promise.all(children.map((c) => c.stop()));
		await live?.close();
		await closeDb?.();
		await drop?.();
	});

	const prizes = async (organizationId: string) =>
		(await sql<{ user_id: string; points: number }>`select user_id, points from score_events where organization_id = ${organizationId} and source = 'contest'`.execute(db)).rows.map((p) => [p.user_id, Number(p.points)]);

	test.each(['final', 'paying'] as const)('killed at "%s", a fresh process finishes the freeze once and pays the prize once', async (stall) => {
		const first = await startChild(url, stall);
		children.push(first);
		const org = await createOrg(db);
		const [winner, runnerUp] = [await addRep(db, org.organizationId), await addRep(db, org.organizationId)];
		// This process only schedules and logs events (no handlers, never polls).
		const deps = { db, live, events: new DomainEventBus(), scheduler: new Scheduler({ db, pollMs: 0 }) };
		const actor = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' as const };
		const { id } = await createContest(deps, actor, {
			name: `Crash sprint ${stall}`,
			format: 'race',
			scoring: { metrics: 'points' },
			startsAt: new Date(Date.now() + 60_000).toISOString(),
			endsAt: new Date(Date.now() + 120_000).toISOString(),
			participants: { members: [winner.email, runnerUp.email] },
			prizes: [
				{ place: 1, points: 25 },
				{ place: 2, points: 10 }
			]
		});
		// A short contest for the test: it starts in 2 s, ends 3 s later, with no grace period.
		const startsAt = new Date(Date.now() + 2_000);
		const endsAt = new Date(startsAt.getTime() + 3_000);
		await sql`update contests set starts_at = ${startsAt}, ends_at = ${endsAt}, grace_minutes = 0, status = 'scheduled' where id = ${id}`.execute(db);
		await scheduleContestJobs(deps, (await findContest(db, org.organizationId, id))!);

		await until(async () => (await findContest(db, org.organizationId, id))?.status === 'live', 15_000, 'the start');
		const ctx = { organizationId: org.organizationId, source: 'api' as const, actorId: null };
		const logged = await ingestEvents(deps, ctx, [
			{ id: `${stall}-1`, metric: 'deal', user: winner.email, value: 1 },
			{ id: `${stall}-2`, metric: 'call', user: runnerUp.email, value: 1 }
		]);
		expect(logged.map((r) => r.status)).toEqual(['accepted', 'accepted']);
		const { rows: seqs } = await sql<{ n: number }>`select coalesce(max(org_seq), 0)::int as n from score_events where organization_id = ${org.organizationId}`.execute(db);
		first.process.stdin!.write(`${JSON.stringify({ contestId: id, organizationId: org.organizationId, afterOrgSeq: seqs[0].n })}\n`);

		// The first process stalls inside the freeze; it is killed there.
		await until(() => first.lines.some((l) => l.event === 'stalled'), 20_000, 'the stall');
		expect((await findContest(db, org.organizationId, id))?.status).toBe('final');
		if (stall === 'final') expect(await prizes(org.organizationId)).toEqual([]);
		else expect(await prizes(org.organizationId)).toHaveLength(2); // committed, not yet on the live boards
		first.process.kill('SIGKILL');
		await first.exited;
		await sql`update jobs set locked_until = now() where status = 'running' and payload->>'contestId' = ${id}`.execute(db);

		const second = await startChild(url);
		children.push(second);
		await until(async () => (await prizes(org.organizationId)).length === 2 && (await sql<{ n: number }>`select count(*)::int as n from jobs where status = 'running' and payload->>'contestId' = ${id}`.execute(db)).rows[0].n === 0, 30_000, 'the freeze job to finish');
		// The new process keeps polling a while: had it frozen or paid twice, it would have by now.
		const polls = second.lines.filter((l) => l.event === 'polled').length;
		await until(() => second.lines.filter((l) => l.event === 'polled').length >= polls + 4, 20_000, 'more polls');

		const contest = await findContest(db, org.organizationId, id);
		expect(contest?.status).toBe('final');
		expect(second.lines.filter((l) => l.event === 'moment' && l.contestId === id)).toEqual([]);
		expect(first.lines.filter((l) => l.event === 'moment' && l.contestId === id && l.type === 'ended')).toHaveLength(1);
		const { rows: results } = await sql<{ participant_id: string; place: number }>`select participant_id, place from contest_results where contest_id = ${id} order by place`.execute(db);
		expect(results).toEqual([
			{ participant_id: winner.userId, place: 1 },
			{ participant_id: runnerUp.userId, place: 2 }
		]);
		expect((await prizes(org.organizationId)).sort((a, b) => Number(b[1]) - Number(a[1]))).toEqual([
			[winner.userId, 25],
			[runnerUp.userId, 10]
		]);
		if (usingRedis) {
			// The boards in Redis (written by the killed process, the new one and this one) agree with the log:
			// prize points the killed process committed but never applied are the reconciler's (at the new
			// process's start, or its next pass every 10 s when the machine is slow).
			await until(async () => (await verifyOrg({ db, live }, org.organizationId)).drift.length === 0, 30_000, 'the boards to agree with the log').catch(() => {});
			const verified = await verifyOrg({ db, live }, org.organizationId);
			expect(verified.boards).toBeGreaterThan(0);
			expect(verified.drift).toEqual([]);
		}
		await second.stop();
	});
});
