// The durable scheduler on this mode's database (in-memory PGlite, or DATABASE_URL), with a fake clock:
// due jobs run once, future jobs wait, failures back off and end as failed, a dead worker's job is
// claimed again after its lease, recurring jobs run once per period across workers, and (embedded) a
// job survives a restart of the data folder. Each test uses its own job kind: with DATABASE_URL, test
// files share one database, and a scheduler claims only the kinds it registered.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { FakeClock } from '../../src/lib/server/platform/clock';
import { claimJobs, findJob } from '../../src/lib/server/platform/job.repository';
import { Scheduler, type JobContext } from '../../src/lib/server/platform/scheduler';
import { uniqueSuffix, usingPostgres } from '../helpers/env';
import { openTestDb } from '../helpers/scoring';

declare module '../../src/lib/server/platform/scheduler' {
	interface JobPayloads {
		'test.record': { label: string };
	}
}

/** A kind of its own for one test, typed as the test kind. */
const freshKind = () => `test.record.${uniqueSuffix()}` as 'test.record';

let db: Db;
let closeDb: () => Promise<void>;
const schedulers: Scheduler[] = [];

beforeAll(async () => {
	const handle = await openTestDb();
	db = handle.db;
	closeDb = handle.close;
});

afterAll(async () => {
	for (const s of schedulers) await s.stop();
	await closeDb?.();
});

function makeScheduler(clock: FakeClock, options: { workerId?: string; database?: Db } = {}) {
	const scheduler = new Scheduler({ db: options.database ?? db, clock, pollMs: 0, workerId: options.workerId, log: { warn() {}, error() {} } });
	schedulers.push(scheduler);
	return scheduler;
}

/** Registers a handler that records each run; `fail(attempt)` says whether that attempt throws. */
function recorder(scheduler: Scheduler, kind: 'test.record', fail: (job: JobContext) => boolean = () => false, options = {}) {
	const runs: { label: string; attempt: number; at: Date }[] = [];
	scheduler.register(
		kind,
		(payload, job) => {
			runs.push({ label: payload.label, attempt: job.attempt, at: scheduler.clock.now() });
			if (fail(job)) throw new Error(`boom on attempt ${job.attempt}`);
		},
		{ backoffMs: 1_000, ...options }
	);
	return runs;
}

describe('scheduler with a fake clock', () => {
	test('a due job runs once; a future job waits for its time', async () => {
		const clock = new FakeClock();
		const scheduler = makeScheduler(clock);
		const kind = freshKind();
		const runs = recorder(scheduler, kind);
		clock.onAdvance(() => scheduler.poll());

		const now = await scheduler.schedule(kind, { label: 'now' });
		const later = await scheduler.schedule(kind, { label: 'later' }, { delayMs: 5_000 });
		expect(await scheduler.poll()).toBe(1);
		expect(runs.map((r) => r.label)).toEqual(['now']);
		expect(await scheduler.poll()).toBe(0);

		await clock.advance(4_999);
		expect(runs.map((r) => r.label)).toEqual(['now']);
		await clock.advance(1);
		expect(runs.map((r) => r.label)).toEqual(['now', 'later']);
		await clock.advance(60_000);
		expect(runs).toHaveLength(2);

		expect(await findJob(db, now.id)).toMatchObject({ status: 'done', attempts: 1, last_error: null, locked_by: null });
		expect(await findJob(db, later.id)).toMatchObject({ status: 'done', attempts: 1 });
	});

	test('scheduling with a dedupe key twice keeps one job', async () => {
		const clock = new FakeClock();
		const scheduler = makeScheduler(clock);
		const kind = freshKind();
		const runs = recorder(scheduler, kind);
		const key = `once-${uniqueSuffix()}`;
		const first = await scheduler.schedule(kind, { label: 'first' }, { dedupeKey: key, delayMs: 1_000 });
		const second = await scheduler.schedule(kind, { label: 'second' }, { dedupeKey: key });
		expect(first.created).toBe(true);
		expect(second).toEqual({ id: first.id, created: false });
		clock.set(clock.now().getTime() + 1_000);
		await scheduler.poll();
		await scheduler.poll();
		expect(runs.map((r) => r.label)).toEqual(['first']);
		// Once done, the key still holds: scheduling it again does not run it again.
		expect((await scheduler.schedule(kind, { label: 'third' }, { dedupeKey: key })).created).toBe(false);
		expect(await scheduler.poll()).toBe(0);
	});

	test('a failing job retries with exponential backoff and keeps its last error', async () => {
		const clock = new FakeClock();
		const scheduler = makeScheduler(clock);
		const kind = freshKind();
		const runs = recorder(scheduler, kind, (job) => job.attempt <= 2);
		clock.onAdvance(() => scheduler.poll());
		const { id } = await scheduler.schedule(kind, { label: 'flaky' }, { maxAttempts: 5 });

		await scheduler.poll();
		expect(runs).toHaveLength(1);
		const start = clock.now().getTime();
		expect(await findJob(db, id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'boom on attempt 1', run_at: new Date(start + 1_000) });

		await clock.advance(999);
		expect(runs).toHaveLength(1);
		await clock.advance(1);
		expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
		// The second retry waits twice as long.
		expect(await findJob(db, id)).toMatchObject({ status: 'pending', attempts: 2, last_error: 'boom on attempt 2', run_at: new Date(start + 3_000) });
		await clock.advance(1_999);
		expect(runs).toHaveLength(2);
		await clock.advance(1);
		expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
		expect(await findJob(db, id)).toMatchObject({ status: 'done', attempts: 3, last_error: null });
	});

	test('after max attempts the job is failed with its last error, and is not run again', async () => {
		const clock = new FakeClock();
		const scheduler = makeScheduler(clock);
		const kind = freshKind();
		const runs = recorder(scheduler, kind, () => true);
		clock.onAdvance(() => scheduler.poll());
		const { id } = await scheduler.schedule(kind, { label: 'doomed' }, { maxAttempts: 3 });
		await scheduler.poll();
		await clock.advance(1_000);
		await clock.advance(2_000);
		expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
		expect(await findJob(db, id)).toMatchObject({ status: 'failed', attempts: 3, max_attempts: 3, last_error: 'boom on attempt 3', locked_by: null });
		await clock.advance(24 * 60 * 60_000);
		expect(runs).toHaveLength(3);
	});

	test('a job held by a worker that died is claimed again once its lease has run out', async () => {
		const clock = new FakeClock();
		const scheduler = makeScheduler(clock);
		const kind = freshKind();
		const runs = recorder(scheduler, kind, () => false, { leaseMs: 30_000 });
		const { id } = await scheduler.schedule(kind, { label: 'orphan' });
		// Another process claims it and dies without a word.
		const claimed = await claimJobs(db, { leaseMs: { [kind]: 30_000 }, workerId: 'dead-worker', now: clock.now(), limit: 10 });
		expect(claimed.map((j) => j.id)).toEqual([id]);

		clock.set(clock.now().getTime() + 29_999);
		expect(await scheduler.poll()).toBe(0);
		clock.set(clock.now().getTime() + 1);
		expect(await scheduler.poll()).toBe(1);
		expect(runs).toEqual([expect.objectContaining({ label: 'orphan', attempt: 2 })]);
		expect(await findJob(db, id)).toMatchObject({ status: 'done', attempts: 2 });
	});

	test('a worker that dies on the last attempt leaves the job failed, not running forever', async () => {
		const clock = new FakeClock();
		const scheduler = makeScheduler(clock);
		const kind = freshKind();
		const runs = recorder(scheduler, kind);
		const { id } = await scheduler.schedule(kind, { label: 'last' }, { maxAttempts: 1 });
		await claimJobs(db, { leaseMs: { [kind]: 1_000 }, workerId: 'dead-worker', now: clock.now(), limit: 10 });
		clock.set(clock.now().getTime() + 10_000);
		expect(await scheduler.poll()).toBe(0);
		expect(runs).toHaveLength(0);
		expect(await findJob(db, id)).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringContaining('lease expired') });
	});

	test('three workers polling at once run each due job exactly once', async () => {
		const clock = new FakeClock();
		const kind = freshKind();
		const workers = [1, 2, 3].map((n) => makeScheduler(clock, { workerId: `worker-${n}-${uniqueSuffix()}` }));
		const runs = workers.map((w) => recorder(w, kind));
		const labels = Array.from({ length: 12 }, (_, i) => `job-${i}`);
		for (const label of labels) await workers[0].schedule(kind, { label });
		for (let round = 0; round < 4; round++) await Promise.all(workers.map((w) => w.poll()));
		const all = runs.flat().map((r) => r.label).sort();
		expect(all).toEqual([...labels].sort());
	});

	test('a recurring job runs once per period across workers, and again after a failure', async () => {
		const clock = new FakeClock();
		const kind = freshKind();
		const workers = [1, 2].map((n) => makeScheduler(clock, { workerId: `worker-${n}-${uniqueSuffix()}` }));
		let failNext = false;
		const runs = workers.map((w) => recorder(w, kind, () => failNext));
		const key = `every-${uniqueSuffix()}`;
		const first = await workers[0].every(kind, { label: 'tick' }, { key, everyMs: 10_000 });
		// A second process asking for the same recurring job gets the same row.
		expect(await workers[1].every(kind, { label: 'tick' }, { key, everyMs: 10_000 })).toEqual({ id: first.id, created: false });
		const count = () => runs.flat().length;
		const pollAll = () => Promise.all(workers.map((w) => w.poll()));

		await pollAll();
		expect(count()).toBe(0);
		for (let period = 1; period <= 3; period++) {
			clock.set(clock.now().getTime() + 10_000);
			await pollAll();
			await pollAll();
			expect(count()).toBe(period);
		}
		expect(await findJob(db, first.id)).toMatchObject({ status: 'pending', attempts: 0, run_at: new Date(clock.now().getTime() + 10_000) });

		failNext = true;
		clock.set(clock.now().getTime() + 10_000);
		await pollAll();
		expect(count()).toBe(4);
		// A recurring job never ends as failed: it retries (backoff 1 s, at most a period later).
		expect(await findJob(db, first.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'boom on attempt 1', run_at: new Date(clock.now().getTime() + 1_000) });
		failNext = false;
		clock.set(clock.now().getTime() + 1_000);
		await pollAll();
		expect(count()).toBe(5);
		expect(await findJob(db, first.id)).toMatchObject({ status: 'pending', attempts: 0, last_error: null });
	});
});

describe.skipIf(usingPostgres)('scheduler on an embedded data folder', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'podium-scheduler-'));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	test('a job scheduled before a restart runs after it', async () => {
		const clock = new FakeClock();
		const kind = freshKind();
		const first = await openDatabase({ databaseUrl: undefined, dataDir: dir });
		await migrateToLatest(first.db);
		const before = makeScheduler(clock, { database: first.db });
		const beforeRuns = recorder(before, kind);
		const { id } = await before.schedule(kind, { label: 'survivor' }, { delayMs: 60_000 });
		await before.poll();
		await before.stop();
		await first.close();
		expect(beforeRuns).toHaveLength(0);

		const second = await openDatabase({ databaseUrl: undefined, dataDir: dir });
		try {
			const after = makeScheduler(clock, { database: second.db });
			const afterRuns = recorder(after, kind);
			await after.poll();
			expect(afterRuns).toHaveLength(0);
			clock.set(clock.now().getTime() + 60_000);
			await after.poll();
			expect(afterRuns.map((r) => r.label)).toEqual(['survivor']);
			expect(await findJob(second.db, id)).toMatchObject({ status: 'done', attempts: 1 });
			await after.stop();
		} finally {
			await second.close();
		}
		// Opening a data folder twice (PGlite starts, migrates, checkpoints) is slow on a busy machine.
	}, 180_000);
});
