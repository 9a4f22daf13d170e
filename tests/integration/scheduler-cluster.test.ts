// The scheduler across real processes on one PostgreSQL (only with DATABASE_URL): three processes run a
// job exactly once within a second of its due time, and a job outlives a process killed with SIGKILL,
// before its due time or while it holds the job's lease. Each child (tests/helpers/scheduler-child.ts)
// prints a line per run, so the test counts runs across processes.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { findJob } from '../../src/lib/server/platform/job.repository';
import { Scheduler } from '../../src/lib/server/platform/scheduler';
import { uniqueSuffix, usingPostgres } from '../helpers/env';
import { openTestDb } from '../helpers/scoring';
import { startReportingChild, type ReportingChild } from '../helpers/child';


vi.setConfig({ testTimeout: 180_000 });

interface Line {
	event: 'ready' | 'started' | 'ran' | 'polled';
	pid: number;
	id?: number;
	label?: string;
	attempt?: number;
	at?: number;
	dueAt?: number;
}

type Child = ReportingChild<Line>;

function startChild(kind: string, leaseMs = 30_000): Promise<Child> {
	return startReportingChild<Line>('scheduler child', 'tests/helpers/scheduler-child.ts', {
		args: [kind, String(leaseMs)],
		env: { ...process.env, LOG_LEVEL: 'error', PODIUM_DEMO_SEED: 'off' }
	});
}

async function until(check: () => boolean, timeoutMs: number, what: string) {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe.runIf(usingPostgres)('the scheduler across processes', () => {
	let db: Db;
	let closeDb: () => Promise<void>;
	/** Schedules only (pollMs 0, no handlers): this process never runs the jobs. */
	let scheduler: Scheduler;
	const children: Child[] = [];

	beforeAll(async () => {
		({ db, close: closeDb } = await openTestDb());
		scheduler = new Scheduler({ db, pollMs: 0 });
	});

	afterAll(async () => {
		await Promise.all(children.map((c) => c.stop()));
		await closeDb?.();
	});

	const ranLines = (list: Child[], id: number) => list.flatMap((c) => c.lines.filter((l) => l.event === 'ran' && l.id === id));
	const pollsOf = (c: Child) => c.lines.filter((l) => l.event === 'polled').length;
	/** Waits until every process in the list has polled `n` more times from now: had it run a job again, it would have by then. */
	async function morePolls(list: Child[], n = 2) {
		const from = list.map(pollsOf);
		await until(() => list.every((c, i) => pollsOf(c) >= from[i] + n), 20_000, `${n} more polls`);
	}

	test('a job due in 2 s runs exactly once with three processes polling, within a second of its due time', async () => {
		const kind = `test.child.${uniqueSuffix()}` as 'test.child';
		const trio = await Promise.all([startChild(kind), startChild(kind), startChild(kind)]);
		children.push(...trio);
		const dueAt = new Date(Date.now() + 2_000);
		const { id } = await scheduler.schedule(kind, { label: 'once' }, { runAt: dueAt });

		await until(() => ranLines(trio, id).length > 0, 10_000, 'the run');
		// Give every process a few more polls to run it a second time, if it could.
		await morePolls(trio, 3);
		const runs = ranLines(trio, id);
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({ label: 'once', attempt: 1, dueAt: dueAt.getTime() });
		expect(runs[0].at!).toBeGreaterThanOrEqual(dueAt.getTime());
		expect(runs[0].at! - dueAt.getTime()).toBeLessThan(1_000);
		expect(await findJob(db, id)).toMatchObject({ status: 'done', attempts: 1 });
		await Promise.all(trio.map((c) => c.stop()));
	});

	test('a job scheduled before its only process is killed with SIGKILL runs once after a new process starts', async () => {
		const kind = `test.child.${uniqueSuffix()}` as 'test.child';
		const first = await startChild(kind);
		children.push(first);
		const { id } = await scheduler.schedule(kind, { label: 'after-kill' }, { delayMs: 3_000 });
		first.process.kill('SIGKILL');
		await first.exited;
		expect(ranLines([first], id)).toHaveLength(0);

		const second = await startChild(kind);
		children.push(second);
		await until(() => ranLines([second], id).length > 0, 15_000, 'the run after the restart');
		await morePolls([second]);
		expect(ranLines([first, second], id)).toEqual([expect.objectContaining({ label: 'after-kill', attempt: 1, pid: second.process.pid })]);
		expect(await findJob(db, id)).toMatchObject({ status: 'done', attempts: 1 });
		await second.stop();
	});

	test('a job whose process is killed while running it is run again by another process once the lease runs out', async () => {
		const kind = `test.child.${uniqueSuffix()}` as 'test.child';
		const leaseMs = 2_000;
		const first = await startChild(kind, leaseMs);
		children.push(first);
		const { id } = await scheduler.schedule(kind, { label: 'crashed', hangOnFirst: true });
		await until(() => first.lines.some((l) => l.event === 'started' && l.id === id), 15_000, 'the first attempt');
		first.process.kill('SIGKILL');
		await first.exited;
		const held = await findJob(db, id);
		expect(held).toMatchObject({ status: 'running', attempts: 1 });

		const second = await startChild(kind, leaseMs);
		children.push(second);
		await until(() => ranLines([second], id).length > 0, 20_000, 'the second attempt');
		await morePolls([second]);
		const runs = ranLines([first, second], id);
		expect(runs).toEqual([expect.objectContaining({ label: 'crashed', attempt: 2, pid: second.process.pid })]);
		// Not before the dead worker's lease (this kind's 2 s, not another kind's) ran out, and soon after.
		expect(runs[0].at!).toBeGreaterThanOrEqual(held!.locked_until!.getTime());
		expect(held!.locked_until!.getTime() - held!.updated_at.getTime()).toBe(leaseMs);
		expect(await findJob(db, id)).toMatchObject({ status: 'done', attempts: 2, locked_by: null });
		await second.stop();
	});
});
