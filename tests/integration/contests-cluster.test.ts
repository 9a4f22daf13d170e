// Contests across real processes (only with DATABASE_URL): two Podium processes sharing one database
// (and Redis when REDIS_URL is set) start, end and freeze a contest exactly once, on time, and pay its
// prize points once. Each child (tests/helpers/contest-child.ts) prints the moments it emits: only the
// process that won a transition emits its moment. The test has a database of its own, so that only
// these two processes run its contest's jobs.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { DomainEventBus } from '../../src/lib/server/platform/events';
import { Scheduler } from '../../src/lib/server/platform/scheduler';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';
import { createContest } from '../../src/lib/server/contests/contest.service';
import { scheduleContestJobs } from '../../src/lib/server/contests/contest.lifecycle';
import { findContest } from '../../src/lib/server/contests/contest.repository';
import { usingPostgres } from '../helpers/env';
import { startReportingChild, until, type ReportingChild } from '../helpers/child';
import { addRep, createOrg, createScratchDatabase } from '../helpers/scoring';

vi.setConfig({ testTimeout: 180_000 });

interface Line {
	event: 'ready' | 'polled' | 'moment';
	pid: number;
	type?: string;
	contestId?: string;
}
type Child = ReportingChild<Line>;

function startChild(databaseUrl: string): Promise<Child> {
	return startReportingChild<Line>('contest child', 'tests/helpers/contest-child.ts', {
		env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', PODIUM_DEMO_SEED: 'off' }
	});
}

describe.runIf(usingPostgres)('contests across processes', () => {
	let db: Db;
	let closeDb: () => Promise<void>;
	let drop: () => Promise<void>;
	let url: string;
	const children: Child[] = [];

	beforeAll(async () => {
		const scratch = await createScratchDatabase('podium_contests_cluster');
		url = scratch.url;
		drop = scratch.drop;
		const handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
		db = handle.db;
		closeDb = handle.close;
		await migrateToLatest(db);
	});

	afterAll(async () => {
		await Promise.all(children.map((c) => c.stop()));
		await closeDb?.();
		await drop?.();
	});

	test('two processes start, end and freeze a contest once each, on time, and pay its prize once', async () => {
		children.push(...(await Promise.all([startChild(url), startChild(url)])));
		const org = await createOrg(db);
		const rep = await addRep(db, org.organizationId);
		// This process only schedules (no handlers, never polls).
		const deps = { db, live: new MemoryLiveStore(), events: new DomainEventBus(), scheduler: new Scheduler({ db, pollMs: 0 }) };
		const actor = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' as const };
		const { id } = await createContest(deps, actor, {
			name: 'Two-process sprint',
			format: 'race',
			scoring: { metrics: 'points' },
			startsAt: new Date(Date.now() + 60_000).toISOString(),
			endsAt: new Date(Date.now() + 120_000).toISOString(),
			participants: { members: [rep.email] },
			prizes: [{ place: 1, points: 25 }]
		});
		// A short contest for the test: it starts in 2 s, ends 3 s later, with no grace period.
		const startsAt = new Date(Date.now() + 2_000);
		const endsAt = new Date(startsAt.getTime() + 3_000);
		await sql`update contests set starts_at = ${startsAt}, ends_at = ${endsAt}, grace_minutes = 0, status = 'scheduled' where id = ${id}`.execute(db);
		await scheduleContestJobs(deps, (await findContest(db, org.organizationId, id))!);

		await until(async () => (await findContest(db, org.organizationId, id))?.status === 'live', 10_000, 'the start');
		expect(Date.now() - startsAt.getTime()).toBeLessThan(1_500);
		const [r] = await ingestEvents(deps, { organizationId: org.organizationId, source: 'api', actorId: null }, [{ id: 'cluster-1', metric: 'call', user: rep.email, value: 1 }]);
		expect(r.status).toBe('accepted');
		await until(async () => (await findContest(db, org.organizationId, id))?.status === 'final', 15_000, 'the freeze');
		expect(Date.now() - endsAt.getTime()).toBeLessThan(3_000);

		// Both processes keep polling a while: had either made a transition twice, it would have by now.
		const polls = children.map((c) => c.lines.filter((l) => l.event === 'polled').length);
		await until(() => children.every((c, i) => c.lines.filter((l) => l.event === 'polled').length >= polls[i] + 4), 20_000, 'more polls');
		const moments = children.flatMap((c) => c.lines.filter((l) => l.event === 'moment' && l.contestId === id).map((l) => l.type));
		expect(moments.filter((t) => t === 'started')).toHaveLength(1);
		expect(moments.filter((t) => t === 'ended')).toHaveLength(1);
		const { rows: prizes } = await sql<{ user_id: string; points: number }>`select user_id, points from score_events where organization_id = ${org.organizationId} and source = 'contest'`.execute(db);
		expect(prizes.map((p) => [p.user_id, Number(p.points)])).toEqual([[rep.userId, 25]]);
		const { rows: results } = await sql<{ participant_id: string; place: number }>`select participant_id, place from contest_results where contest_id = ${id}`.execute(db);
		expect(results).toEqual([{ participant_id: rep.userId, place: 1 }]);
	});
});
