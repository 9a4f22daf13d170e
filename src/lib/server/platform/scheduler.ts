// Durable jobs: anything that happens at a time (contest starts and ends, reminders, resets, the
// reconciler). A job is a row in `jobs` with a kind, a JSON payload, a due time and attempts.
//
// Guarantee, honestly: at-least-once, and in practice once. Each poll claims due rows with
// FOR UPDATE SKIP LOCKED and leases them (locked_until, renewed while the handler runs), so however many
// processes poll, one worker holds a job at a time, and a job survives restarts because its row does.
// A worker that dies mid-run (or stalls past its lease without renewing it) loses the job to the next
// claim after the lease, so a handler can run again after a crash: handlers must be idempotent, or
// check their own effect, wherever running twice would matter. Failures retry with exponential backoff
// up to max_attempts, then the row is failed with its last error; admins see both at /admin/jobs.
// Due times and leases are compared with each process's own clock (injectable, for tests), so hosts
// sharing a database need synchronized clocks: a host running ahead claims early and steals leases.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import { log as defaultLog } from './log';
import { systemClock, type Clock } from './clock';
import {
	claimJobs,
	completeJob,
	extendLease,
	failAbandonedJobs,
	failJobAttempt,
	insertJob,
	setJobPeriod,
	type JobRow
} from './job.repository';

/**
 * The payload of each job kind. A domain adds its kinds by augmenting this interface:
 * `declare module '$lib/server/platform/scheduler' { interface JobPayloads { 'contest.end': { contestId: string } } }`
 */
export interface JobPayloads {
	/** Applies committed events the live store missed, over the last `sinceMs`. A recurring system job. */
	'live.reconcile': { sinceMs: number };
	/** Deletes finished one-off jobs: done ones after `doneDays`, failed ones after `failedDays`. A recurring system job. */
	'platform.prune-jobs': { doneDays: number; failedDays: number };
}

export type JobKind = keyof JobPayloads & string;

export interface JobContext {
	id: number;
	kind: string;
	/** 1 for the first run, counting runs cut short by a crash. */
	attempt: number;
	maxAttempts: number;
	organizationId: string | null;
	/** When the job was due (for a retry, when the retry was due). */
	dueAt: Date;
}

export type JobHandler<K extends JobKind> = (payload: JobPayloads[K], job: JobContext) => Promise<void> | void;

export interface HandlerOptions {
	/** How long a claim lasts without renewal; renewed every third of it while the handler runs. Default 30 s. */
	leaseMs?: number;
	/** The first retry waits this long, each next one twice as long. Default 1 s. */
	backoffMs?: number;
	/** Longest wait between retries. Default 1 h. */
	maxBackoffMs?: number;
}

export interface ScheduleOptions {
	/** When the job is due; default now (or `delayMs` from now). */
	runAt?: Date;
	delayMs?: number;
	/** Scheduling again with the same key returns the existing job instead of adding one. */
	dedupeKey?: string;
	/** Default 5. */
	maxAttempts?: number;
	/** Null (the default) for a system job. */
	organizationId?: string | null;
}

export interface SchedulerOptions {
	db: Db;
	clock?: Clock;
	/** How often to look for due jobs; a job runs within about this long of its due time. 0: never by itself (tests call poll()). */
	pollMs?: number;
	/** Jobs run at once by this process. Default 4. */
	concurrency?: number;
	workerId?: string;
	log?: Pick<typeof defaultLog, 'warn' | 'error'>;
	/** How long stop() waits for running handlers before leaving them to their lease. Default 10 s. */
	stopTimeoutMs?: number;
}

export const DEFAULT_POLL_MS = 250;
const REAP_EVERY_MS = 5_000;

interface Registration {
	handler: (payload: unknown, job: JobContext) => Promise<void> | void;
	leaseMs: number;
	backoffMs: number;
	maxBackoffMs: number;
}

/** The wait before retry number `attempt` + 1: backoffMs, 2×, 4×… capped at maxBackoffMs. */
export function retryDelay(attempt: number, options: { backoffMs: number; maxBackoffMs: number }): number {
	return Math.min(options.maxBackoffMs, options.backoffMs * 2 ** Math.max(0, attempt - 1));
}

export class Scheduler {
	readonly workerId: string;
	readonly clock: Clock;
	private readonly db: Db;
	private readonly pollMs: number;
	private readonly concurrency: number;
	private readonly log: Pick<typeof defaultLog, 'warn' | 'error'>;
	private readonly stopTimeoutMs: number;
	private readonly handlers = new Map<string, Registration>();
	private readonly running = new Set<Promise<void>>();
	private readonly pollListeners = new Set<() => void>();
	private timer: ReturnType<typeof setTimeout> | undefined;
	private polling: Promise<Promise<void>[]> | undefined;
	private started = false;
	private stopped = false;
	private lastReap = -Infinity;

	constructor(options: SchedulerOptions) {
		this.db = options.db;
		this.clock = options.clock ?? systemClock;
		this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
		this.concurrency = options.concurrency ?? 4;
		this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
		this.log = options.log ?? defaultLog;
		this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
	}

	/** Handles jobs of `kind` in this process. Only registered kinds are claimed here. */
	register<K extends JobKind>(kind: K, handler: JobHandler<K>, options: HandlerOptions = {}): this {
		if (this.handlers.has(kind)) throw new Error(`scheduler: a handler for ${kind} is registered already`);
		this.handlers.set(kind, {
			handler: handler as Registration['handler'],
			leaseMs: options.leaseMs ?? 30_000,
			backoffMs: options.backoffMs ?? 1_000,
			maxBackoffMs: options.maxBackoffMs ?? 60 * 60_000
		});
		return this;
	}

	/** Adds a job (any process that registered its kind may run it). */
	async schedule<K extends JobKind>(kind: K, payload: JobPayloads[K], options: ScheduleOptions = {}): Promise<{ id: number; created: boolean }> {
		const now = this.clock.now();
		const runAt = options.runAt ?? new Date(now.getTime() + (options.delayMs ?? 0));
		if (Number.isNaN(runAt.getTime())) throw new Error('scheduler: runAt must be a valid date');
		const maxAttempts = options.maxAttempts ?? 5;
		if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('scheduler: maxAttempts must be a whole number from 1');
		const { job, created } = await insertJob(this.db, {
			kind,
			payload,
			runAt,
			maxAttempts,
			organizationId: options.organizationId ?? null,
			dedupeKey: options.dedupeKey ?? null,
			everyMs: null,
			now
		});
		return { id: job.id, created };
	}

	/**
	 * A job that runs every `everyMs`, once across all processes: one row under `key`, put back to pending
	 * `everyMs` after each run (or after a failure, sooner when its backoff is shorter). The first run is
	 * `everyMs` from now unless the row exists already, whose schedule is kept.
	 */
	async every<K extends JobKind>(
		kind: K,
		payload: JobPayloads[K],
		options: { key: string; everyMs: number; organizationId?: string | null; firstRunAt?: Date }
	): Promise<{ id: number; created: boolean }> {
		if (!Number.isInteger(options.everyMs) || options.everyMs < 1) throw new Error('scheduler: everyMs must be a whole number of ms');
		const now = this.clock.now();
		const { job, created } = await insertJob(this.db, {
			kind,
			payload,
			runAt: options.firstRunAt ?? new Date(now.getTime() + options.everyMs),
			maxAttempts: 5,
			organizationId: options.organizationId ?? null,
			dedupeKey: options.key,
			everyMs: options.everyMs,
			now
		});
		if (!created) await setJobPeriod(this.db, job.id, options.everyMs, now);
		return { id: job.id, created };
	}

	/** Starts polling every pollMs (unless pollMs is 0). */
	start(): this {
		if (this.started || this.stopped) return this;
		this.started = true;
		if (this.pollMs > 0) this.arm(0);
		return this;
	}

	/**
	 * Calls `listener` after each poll of start()'s own timer (its claim made, the jobs it claimed started),
	 * so that a test can wait for polls rather than for time. Returns the function that removes it.
	 */
	onPoll(listener: () => void): () => void {
		this.pollListeners.add(listener);
		return () => this.pollListeners.delete(listener);
	}

	private arm(delay: number) {
		if (this.stopped) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.claimAndStart()
				.catch((error) => this.log.warn('scheduler: poll failed', error))
				.finally(() => {
					for (const listener of this.pollListeners) {
						try {
							listener();
						} catch (error) {
							this.log.warn('scheduler: a poll listener failed', error);
						}
					}
					this.arm(this.pollMs);
				});
		}, delay);
		this.timer.unref?.();
	}

	/** One poll: claims the due jobs this process has room for, runs them, and waits for them. Returns how many ran. */
	async poll(): Promise<number> {
		const runs = await this.claimAndStart();
		await Promise.all(runs);
		return runs.length;
	}

	private claimAndStart(): Promise<Promise<void>[]> {
		// One claim at a time per process; a caller arriving meanwhile shares it.
		if (!this.polling) {
			this.polling = this.claimOnce().finally(() => (this.polling = undefined));
		}
		return this.polling;
	}

	private async claimOnce(): Promise<Promise<void>[]> {
		if (this.stopped) return [];
		const kinds = [...this.handlers.keys()];
		if (!kinds.length) return [];
		const now = this.clock.now();
		if (now.getTime() - this.lastReap >= REAP_EVERY_MS) {
			this.lastReap = now.getTime();
			const lost = await failAbandonedJobs(this.db, { kinds, now });
			if (lost) this.log.warn(`scheduler: ${lost} job(s) failed after their worker stopped on the last attempt`);
		}
		const room = this.concurrency - this.running.size;
		if (room <= 0) return [];
		const jobs = await claimJobs(this.db, {
			leaseMs: Object.fromEntries([...this.handlers].map(([kind, r]) => [kind, r.leaseMs])),
			workerId: this.workerId,
			now,
			limit: room
		});
		return jobs.map((job) => {
			const run = this.run(job).finally(() => this.running.delete(run));
			this.running.add(run);
			return run;
		});
	}

	private async run(job: JobRow): Promise<void> {
		const registration = this.handlers.get(job.kind)!;
		const renew = setInterval(() => {
			extendLease(this.db, job.id, this.workerId, new Date(this.clock.now().getTime() + registration.leaseMs))
				.then((held) => {
					if (!held) this.log.warn(`scheduler: lost the lease of job ${job.id} (${job.kind}) while running it`);
				})
				.catch((error) => this.log.warn(`scheduler: could not renew the lease of job ${job.id}`, error));
		}, Math.max(50, Math.floor(registration.leaseMs / 3)));
		renew.unref?.();
		let failure: unknown;
		try {
			await registration.handler(job.payload, {
				id: job.id,
				kind: job.kind,
				attempt: job.attempts,
				maxAttempts: job.max_attempts,
				organizationId: job.organization_id,
				dueAt: job.run_at
			});
		} catch (error) {
			failure = error ?? new Error('job failed');
		} finally {
			clearInterval(renew);
		}
		const now = this.clock.now();
		try {
			if (failure === undefined) {
				await completeJob(this.db, job.id, this.workerId, now);
				return;
			}
			const message = failure instanceof Error ? failure.message : String(failure);
			const delay = retryDelay(job.attempts, registration);
			const retryAt =
				job.every_ms !== null
					? new Date(now.getTime() + Math.min(delay, job.every_ms))
					: job.attempts < job.max_attempts
						? new Date(now.getTime() + delay)
						: null;
			await failJobAttempt(this.db, { id: job.id, workerId: this.workerId, now, error: message, retryAt });
			const what = `scheduler: job ${job.id} (${job.kind}) failed on attempt ${job.attempts} of ${job.max_attempts}`;
			if (retryAt) this.log.warn(`${what}; retrying at ${retryAt.toISOString()}`, failure);
			else this.log.error(`${what}; giving up`, failure);
		} catch (error) {
			// The lease will run out and the job will be claimed again.
			this.log.warn(`scheduler: could not record the outcome of job ${job.id}`, error);
		}
	}

	/** Stops polling and waits (up to stopTimeoutMs) for running handlers; an unfinished job goes back when its lease runs out. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const deadline = Date.now() + this.stopTimeoutMs;
		const within = async (work: Promise<unknown>) => {
			let timeout: ReturnType<typeof setTimeout> | undefined;
			await Promise.race([
				work,
				new Promise<void>((resolve) => {
					timeout = setTimeout(resolve, Math.max(0, deadline - Date.now()));
					timeout.unref?.();
				})
			]);
			clearTimeout(timeout);
		};
		// A claim in flight may still start runs: wait for it, then for every run.
		if (this.polling) await within(this.polling.catch(() => undefined));
		if (this.running.size) await within(Promise.allSettled([...this.running]));
	}
}
