// All SQL of the scheduler's jobs table. Times come from the caller's clock (never the database's
// now()), so that tests can move time and every process agrees on what "due" means with its own clock.
import { sql, type Selectable } from 'kysely';
import type { Db } from '../db';
import type { JobStatus, JobsTable } from '../db/schema';

export type JobRow = Selectable<JobsTable>;

export interface NewJob {
	kind: string;
	payload: unknown;
	runAt: Date;
	maxAttempts: number;
	organizationId: string | null;
	dedupeKey: string | null;
	everyMs: number | null;
	now: Date;
}

/** Inserts a job; with a dedupe key already taken, keeps the existing row and returns it with created = false. */
export async function insertJob(db: Db, job: NewJob): Promise<{ job: JobRow; created: boolean }> {
	const inserted = await db
		.insertInto('jobs')
		.values({
			kind: job.kind,
			payload: JSON.stringify(job.payload ?? {}),
			organization_id: job.organizationId,
			run_at: job.runAt,
			max_attempts: job.maxAttempts,
			dedupe_key: job.dedupeKey,
			every_ms: job.everyMs,
			last_error: null,
			locked_by: null,
			locked_until: null,
			created_at: job.now,
			updated_at: job.now
		})
		.onConflict((oc) => oc.column('dedupe_key').doNothing())
		.returningAll()
		.executeTakeFirst();
	if (inserted) return { job: inserted, created: true };
	const existing = await db
		.selectFrom('jobs')
		.selectAll()
		.where('dedupe_key', '=', job.dedupeKey!)
		.executeTakeFirstOrThrow();
	return { job: existing, created: false };
}

/** A recurring job's period may change between releases: the row takes the new one, due no later than a period from now. */
export function setJobPeriod(db: Db, id: number, everyMs: number, now: Date) {
	return db
		.updateTable('jobs')
		.set({
			every_ms: everyMs,
			run_at: sql<Date>`least(run_at, ${now}::timestamptz + ${everyMs}::integer * interval '1 millisecond')`,
			updated_at: now
		})
		.where('id', '=', id)
		.where('every_ms', 'is distinct from', everyMs)
		.execute();
}

/**
 * Claims up to `limit` jobs of the given kinds (with each kind's lease) that are due, or whose worker's
 * lease ran out while it still had attempts left: each claimed row is running, leased to `workerId`, with
 * one more attempt counted. SKIP LOCKED lets concurrent workers claim disjoint rows without waiting.
 */
export async function claimJobs(
	db: Db,
	args: { leaseMs: Record<string, number>; workerId: string; now: Date; limit: number }
): Promise<JobRow[]> {
	const kinds = Object.keys(args.leaseMs);
	if (!kinds.length) return [];
	const lease = sql.join(
		kinds.map((kind) => sql`when ${kind} then ${args.leaseMs[kind]}::integer`),
		sql` `
	);
	const { rows } = await sql<JobRow>`
		update jobs
		set status = 'running', attempts = attempts + 1, locked_by = ${args.workerId},
			locked_until = ${args.now}::timestamptz + (case kind ${lease} end) * interval '1 millisecond', updated_at = ${args.now}
		where id in (
			select id from jobs
			where kind in (${sql.join(kinds)})
				and ((status = 'pending' and run_at <= ${args.now})
					or (status = 'running' and locked_until <= ${args.now} and (attempts < max_attempts or every_ms is not null)))
			order by run_at, id
			limit ${args.limit}
			for update skip locked
		)
		returning *
	`.execute(db);
	return rows;
}

/** Jobs whose worker died holding their last attempt: failed, with the reason, instead of running forever. */
export async function failAbandonedJobs(db: Db, args: { kinds: string[]; now: Date }): Promise<number> {
	if (!args.kinds.length) return 0;
	const result = await db
		.updateTable('jobs')
		.set({
			status: 'failed',
			last_error: sql<string>`coalesce(last_error || ' / ', '') || 'the worker stopped before finishing (lease expired)'`,
			locked_by: null,
			locked_until: null,
			updated_at: args.now
		})
		.where('kind', 'in', args.kinds)
		.where('status', '=', 'running')
		.where('locked_until', '<=', args.now)
		.where('every_ms', 'is', null)
		.where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Pushes the lease of a job this worker still holds; false when it lost the job (its lease ran out and another worker took it). */
export async function extendLease(db: Db, id: number, workerId: string, lockedUntil: Date): Promise<boolean> {
	const result = await db
		.updateTable('jobs')
		.set({ locked_until: lockedUntil })
		.where('id', '=', id)
		.where('status', '=', 'running')
		.where('locked_by', '=', workerId)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

/**
 * Records a successful run by the worker that holds the job: done, or for a recurring job pending
 * again `every_ms` after `now`, with its attempts reset. A worker that lost its lease changes nothing.
 */
export async function completeJob(db: Db, id: number, workerId: string, now: Date): Promise<boolean> {
	const result = await db
		.updateTable('jobs')
		.set({
			status: sql<JobStatus>`case when every_ms is null then 'done' else 'pending' end`,
			run_at: sql<Date>`case when every_ms is null then run_at else ${now}::timestamptz + every_ms * interval '1 millisecond' end`,
			attempts: sql<number>`case when every_ms is null then attempts else 0 end`,
			last_error: null,
			locked_by: null,
			locked_until: null,
			updated_at: now
		})
		.where('id', '=', id)
		.where('status', '=', 'running')
		.where('locked_by', '=', workerId)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

/** Records a failed attempt: pending again at `retryAt`, or failed for good when it is null. */
export async function failJobAttempt(
	db: Db,
	args: { id: number; workerId: string; now: Date; error: string; retryAt: Date | null }
): Promise<boolean> {
	const result = await db
		.updateTable('jobs')
		.set({
			status: args.retryAt ? 'pending' : 'failed',
			run_at: args.retryAt ?? sql<Date>`run_at`,
			last_error: args.error.slice(0, 2000),
			locked_by: null,
			locked_until: null,
			updated_at: args.now
		})
		.where('id', '=', args.id)
		.where('status', '=', 'running')
		.where('locked_by', '=', args.workerId)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

/**
 * Forgets finished one-off jobs: done before `doneBefore`, failed before `failedBefore`. A job with a
 * dedupe key stays, so that scheduling it again still finds it.
 */
export async function deleteFinishedJobs(db: Db, args: { doneBefore: Date; failedBefore: Date }): Promise<number> {
	const result = await db
		.deleteFrom('jobs')
		.where('dedupe_key', 'is', null)
		.where((eb) =>
			eb.or([
				eb.and([eb('status', '=', 'done'), eb('updated_at', '<', args.doneBefore)]),
				eb.and([eb('status', '=', 'failed'), eb('updated_at', '<', args.failedBefore)])
			])
		)
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

export function findJob(db: Db, id: number): Promise<JobRow | undefined> {
	return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * What an organization's admins see: its own jobs and the system jobs. Failed and retrying jobs first,
 * then what runs next, then the most recently finished.
 */
export function listJobsForOrganization(db: Db, organizationId: string, limit = 200) {
	return db
		.selectFrom('jobs')
		.select(['id', 'kind', 'organization_id', 'status', 'attempts', 'max_attempts', 'run_at', 'last_error', 'every_ms', 'updated_at'])
		.where((eb) => eb.or([eb('organization_id', '=', organizationId), eb('organization_id', 'is', null)]))
		.orderBy(
			sql`case when status = 'failed' then 0 when last_error is not null then 1 when status = 'running' then 2 when status = 'pending' then 3 else 4 end`
		)
		.orderBy(sql`case when status in ('pending', 'running') then run_at end`, 'asc')
		.orderBy('updated_at', 'desc')
		.limit(limit)
		.execute();
}
