// The system's recurring jobs (platform/system-jobs.ts). The periodic reconcile: events committed but
// never applied (a process died between the two) reach the live boards at the next period, run by one
// of the processes that share the live store. The clean-up: finished one-off jobs are deleted after a
// week (failed ones after 30 days), those with a dedupe key never. Embedded only: with DATABASE_URL the
// system jobs' rows are shared with every other test process's runtime, which may run them first.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { FakeClock } from '../../src/lib/server/platform/clock';
import { Scheduler } from '../../src/lib/server/platform/scheduler';
import { findJob } from '../../src/lib/server/platform/job.repository';
import { PRUNE_JOBS_EVERY_MS, RECONCILE_JOB_KEY, RECONCILE_MS, startJobPruning, startReconciler } from '../../src/lib/server/platform/system-jobs';
import { insertEvents } from '../../src/lib/server/scoring/event.repository';
import { ensureBuilt, verifyOrg } from '../../src/lib/server/scoring/live.service';
import { uniqueSuffix, usingPostgres } from '../helpers/env';
import { addRep, createOrg, openTestDb } from '../helpers/scoring';

declare module '../../src/lib/server/platform/scheduler' {
	interface JobPayloads {
		'test.prune': { fail: boolean };
	}
}

describe.skipIf(usingPostgres)('system jobs', () => {
	let db: Db;
	let closeDb: () => Promise<void>;
	const schedulers: Scheduler[] = [];

	beforeAll(async () => {
		({ db, close: closeDb } = await openTestDb());
	});

	afterAll(async () => {
		for (const s of schedulers) await s.stop();
		await closeDb?.();
	});

	test('applies committed events the live store missed once a period has passed, once across two processes', async () => {
		const live = new MemoryLiveStore();
		const deps = { db, live };
		const org = await createOrg(db);
		const rep = await addRep(db, org.organizationId);
		await ensureBuilt(deps, org.organizationId);
		// Reconcile looks back from the real time; the fake clock only drives the scheduler.
		const clock = new FakeClock(Date.now());
		const processes = [1, 2].map((n) => new Scheduler({ db, clock, pollMs: 0, workerId: `process-${n}`, log: { warn() {}, error() {} } }));
		schedulers.push(...processes);
		for (const scheduler of processes) await startReconciler(scheduler, deps, true);
		const rows = await db.selectFrom('jobs').selectAll().where('dedupe_key', '=', RECONCILE_JOB_KEY).execute();
		expect(rows).toEqual([expect.objectContaining({ kind: 'live.reconcile', organization_id: null, every_ms: RECONCILE_MS, status: 'pending' })]);

		const metric = await db.selectFrom('metrics').select('id').where('organization_id', '=', org.organizationId).where('key', '=', 'deal').executeTakeFirstOrThrow();
		await insertEvents(db, [
			{
				organization_id: org.organizationId,
				metric_id: metric.id,
				user_id: rep.userId,
				team_id: null,
				value: 1,
				points: 50,
				occurred_at: new Date(Date.now() - 60_000),
				source: 'api',
				actor_id: null,
				note: null,
				idempotency_key: 'lost-1',
				content_hash: 'hash-lost-1'
			}
		]);
		expect((await verifyOrg(deps, org.organizationId)).drift.length).toBeGreaterThan(0);
		const pollBoth = () => Promise.all(processes.map((s) => s.poll()));

		expect(await pollBoth()).toEqual([0, 0]);
		expect((await verifyOrg(deps, org.organizationId)).drift.length).toBeGreaterThan(0);

		clock.set(clock.now().getTime() + RECONCILE_MS);
		const ran = await pollBoth();
		expect(ran[0] + ran[1]).toBe(1);
		expect((await verifyOrg(deps, org.organizationId)).drift).toEqual([]);
		// Due again one period later, not before.
		expect(await pollBoth()).toEqual([0, 0]);
		const row = await db.selectFrom('jobs').selectAll().where('dedupe_key', '=', RECONCILE_JOB_KEY).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'pending', attempts: 0, last_error: null, run_at: new Date(clock.now().getTime() + RECONCILE_MS) });
	});

	test('the clean-up deletes done jobs after 7 days and failed ones after 30, never a job with a dedupe key', async () => {
		const clock = new FakeClock();
		const scheduler = new Scheduler({ db, clock, pollMs: 0, log: { warn() {}, error() {} } });
		schedulers.push(scheduler);
		const kind = `test.prune.${uniqueSuffix()}` as 'test.prune';
		scheduler.register(kind, ({ fail }) => {
			if (fail) throw new Error('no');
		});
		await startJobPruning(scheduler, db);
		const done = await scheduler.schedule(kind, { fail: false });
		const kept = await scheduler.schedule(kind, { fail: false }, { dedupeKey: `keep-${uniqueSuffix()}` });
		const failed = await scheduler.schedule(kind, { fail: true }, { maxAttempts: 1 });
		await scheduler.poll();
		expect(await findJob(db, failed.id)).toMatchObject({ status: 'failed' });
		const alive = async () => [(await findJob(db, done.id)) !== undefined, (await findJob(db, kept.id)) !== undefined, (await findJob(db, failed.id)) !== undefined];

		// The clean-up runs hourly; after 6 days nothing finished is old enough.
		clock.set(clock.now().getTime() + 6 * 24 * 60 * 60_000);
		await scheduler.poll();
		expect(await alive()).toEqual([true, true, true]);
		clock.set(clock.now().getTime() + 24 * 60 * 60_000 + PRUNE_JOBS_EVERY_MS);
		await scheduler.poll();
		expect(await alive()).toEqual([false, true, true]);
		clock.set(clock.now().getTime() + 23 * 24 * 60 * 60_000 + PRUNE_JOBS_EVERY_MS);
		await scheduler.poll();
		expect(await alive()).toEqual([false, true, false]);
	});
});
