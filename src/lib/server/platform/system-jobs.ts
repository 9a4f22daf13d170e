// The system's own recurring jobs. The periodic reconcile is a scheduler job, so that processes that
// share one live store (Redis, or the single embedded process) reconcile once per period between them.
import type { Db } from '../db';
import type { DomainEventBus } from './events';
import type { LiveDeps } from '../scoring/live.service';
import { reconcile } from '../scoring/live.service';
import { log } from './log';
import { deleteFinishedJobs } from './job.repository';
import type { Scheduler } from './scheduler';

const DAY_MS = 24 * 60 * 60_000;
export const PRUNE_JOBS_KEY = 'system:platform.prune-jobs';
export const PRUNE_JOBS_EVERY_MS = 60 * 60_000;

/** Hourly, across all processes: finished one-off jobs are kept 7 days (failed ones 30) for admins to see, then deleted. */
export async function startJobPruning(scheduler: Scheduler, db: Db): Promise<void> {
	scheduler.register('platform.prune-jobs', async ({ doneDays, failedDays }) => {
		const now = scheduler.clock.now().getTime();
		await deleteFinishedJobs(db, { doneBefore: new Date(now - doneDays * DAY_MS), failedBefore: new Date(now - failedDays * DAY_MS) });
	});
	await scheduler.every('platform.prune-jobs', { doneDays: 7, failedDays: 30 }, { key: PRUNE_JOBS_KEY, everyMs: PRUNE_JOBS_EVERY_MS });
}

export const RECONCILE_MS = 10_000;
/** How far back each periodic reconcile looks for committed events the live store missed. */
export const RECONCILE_SINCE_MS = 2 * 60_000;
export const RECONCILE_JOB_KEY = 'system:live.reconcile';

/**
 * Reconciles every RECONCILE_MS. With a live store that only this process sees (memory store on a
 * shared PostgreSQL), every process must reconcile its own copy, so it keeps a local timer instead.
 * Returns a function that stops the local timer (the job stops with the scheduler).
 */
export async function startReconciler(scheduler: Scheduler, deps: LiveDeps & { events?: DomainEventBus }, shared: boolean): Promise<() => void> {
	if (shared) {
		scheduler.register('live.reconcile', async ({ sinceMs }) => {
			await reconcile(deps, sinceMs);
		});
		await scheduler.every('live.reconcile', { sinceMs: RECONCILE_SINCE_MS }, { key: RECONCILE_JOB_KEY, everyMs: RECONCILE_MS });
		return () => {};
	}
	let reconciling = false;
	const timer = setInterval(() => {
		if (reconciling) return;
		reconciling = true;
		reconcile(deps, RECONCILE_SINCE_MS)
			.catch((error) => log.warn('live store: reconcile failed', error))
			.finally(() => (reconciling = false));
	}, RECONCILE_MS);
	timer.unref();
	return () => clearInterval(timer);
}
