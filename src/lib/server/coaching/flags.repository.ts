// Anti-gaming flags and the reads of the event log their detection needs. A flag is inserted once per
// (organization, rep, kind, window) — `on conflict do nothing` against a unique index — and leaves
// 'open' once: dismissFlagRow is a conditional update, so of two concurrent dismissals one gets the row.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { FlagKind } from '../db/schema';

/** Events people and systems enter about selling; Podium's own (kudos, prizes, badges, training, ideas), corrections and demo data are left out. */
export const COUNTED_SOURCES = ['manual', 'api', 'import', 'integration'] as const;

/** Originals of the org's counted sources, with whether each was voided since. */
function originals(db: Db, organizationId: string, start: Date, end: Date) {
	return db
		.selectFrom('score_events as e')
		.leftJoin('score_events as v', 'v.voids_event_id', 'e.id')
		.where('e.organization_id', '=', organizationId)
		.where('e.voids_event_id', 'is', null)
		.where('e.source', 'in', [...COUNTED_SOURCES])
		.where('e.occurred_at', '>=', start)
		.where('e.occurred_at', '<', end);
}

/**
 * Each rep's self-reports (events they entered themselves in the app: source manual, actor = rep), not
 * voided, summed per metric and local day in the organization's time zone, with their event ids.
 */
export async function selfReportedDays(db: Db, organizationId: string, start: Date, end: Date, timeZone: string) {
	const day = sql<string>`to_char(e.occurred_at at time zone ${timeZone}, 'YYYY-MM-DD')`;
	const rows = await originals(db, organizationId, start, end)
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select(['e.user_id', 'm.key as metric_key', day.as('day'), sql<string>`sum(e.value)::text`.as('value'), sql<string[]>`array_agg(e.id order by e.id)`.as('ids')])
		.where('e.source', '=', 'manual')
		.whereRef('e.actor_id', '=', 'e.user_id')
		.where('v.id', 'is', null)
		// By position: the day expression carries the time zone as a parameter, so it cannot be repeated.
		.groupBy([sql`1`, sql`2`, sql`3`])
		.execute();
	return rows.map((r) => ({ userId: r.user_id, metricKey: r.metric_key, day: r.day, value: Number(r.value), ids: r.ids.map(Number) }));
}

/** Per rep: their counted events (not voided) in [start, end), how many fell on or after `windowStart`, and those ids. */
export async function eventsBeforeBoundary(db: Db, organizationId: string, start: Date, end: Date, windowStart: Date) {
	const rows = await originals(db, organizationId, start, end)
		.select([
			'e.user_id',
			sql<number>`count(*)::int`.as('total'),
			sql<number>`(count(*) filter (where e.occurred_at >= ${windowStart}))::int`.as('in_window'),
			sql<string[] | null>`array_agg(e.id order by e.id) filter (where e.occurred_at >= ${windowStart})`.as('ids')
		])
		.where('v.id', 'is', null)
		.groupBy('e.user_id')
		.execute();
	return rows.map((r) => ({ userId: r.user_id, total: Number(r.total), inWindow: Number(r.in_window), ids: (r.ids ?? []).map(Number) }));
}

/** Per rep: their counted events in [start, end), how many were voided since, and those ids. */
export async function voidCounts(db: Db, organizationId: string, start: Date, end: Date) {
	const rows = await originals(db, organizationId, start, end)
		.select([
			'e.user_id',
			sql<number>`count(*)::int`.as('total'),
			sql<number>`(count(*) filter (where v.id is not null))::int`.as('voided'),
			sql<string[] | null>`array_agg(e.id order by e.id) filter (where v.id is not null)`.as('ids')
		])
		.groupBy('e.user_id')
		.execute();
	return rows.map((r) => ({ userId: r.user_id, total: Number(r.total), voided: Number(r.voided), ids: (r.ids ?? []).map(Number) }));
}

/** Self-entered events with a note in [start, end), oldest first. */
export async function notedSelfReports(db: Db, organizationId: string, start: Date, end: Date) {
	const rows = await originals(db, organizationId, start, end)
		.select(['e.id', 'e.user_id', 'e.note'])
		.where('e.source', '=', 'manual')
		.whereRef('e.actor_id', '=', 'e.user_id')
		.where('e.note', 'is not', null)
		.orderBy('e.id')
		.execute();
	return rows.map((r) => ({ id: Number(r.id), userId: r.user_id, note: r.note }));
}

/** Contests of the org that ended in [since, until): their start and (actual) end. */
export function contestsEndedBetween(db: Db, organizationId: string, since: Date, until: Date) {
	return db
		.selectFrom('contests')
		.select(['id', 'name', 'starts_at', sql<Date>`coalesce(ended_at, ends_at)`.as('end_at')])
		.where('organization_id', '=', organizationId)
		.where('status', 'in', ['ended', 'final'])
		.where(sql<boolean>`coalesce(ended_at, ends_at) >= ${since} and coalesce(ended_at, ends_at) < ${until}`)
		.execute();
}

export interface NewFlag {
	organization_id: string;
	user_id: string;
	kind: FlagKind;
	window_key: string;
	window_start: Date;
	window_end: Date;
	score: number;
	details: Record<string, unknown>;
	event_ids: number[];
}

/** Inserts the flags not stored yet (per rep, kind and window); returns the ids of those inserted. */
export async function insertFlags(db: Db, flags: NewFlag[]) {
	if (flags.length === 0) return [];
	return db
		.insertInto('coaching_flags')
		.values(flags.map((f) => ({ ...f, details: JSON.stringify(f.details) })))
		.onConflict((oc) => oc.columns(['organization_id', 'user_id', 'kind', 'window_key']).doNothing())
		.returning(['id'])
		.execute();
}

function flagQuery(db: Db, organizationId: string) {
	return db
		.selectFrom('coaching_flags as f')
		.innerJoin('users as u', 'u.id', 'f.user_id')
		.leftJoin('users as d', 'd.id', 'f.dismissed_by')
		.select([
			'f.id',
			'f.user_id',
			'f.kind',
			'f.window_key',
			'f.window_start',
			'f.window_end',
			'f.score',
			'f.details',
			'f.event_ids',
			'f.status',
			'f.dismissed_by',
			'f.dismissed_at',
			'f.dismiss_reason',
			'f.detected_at',
			'u.name as rep_name',
			'd.name as dismissed_by_name'
		])
		.where('f.organization_id', '=', organizationId);
}

export type FlagRow = Awaited<ReturnType<typeof findFlag>> & object;

export function findFlag(db: Db, organizationId: string, id: string) {
	return flagQuery(db, organizationId).where('f.id', '=', id).executeTakeFirst();
}

/** Flags of these reps ('all': the organization's), open first, then the newest. */
export function listFlags(db: Db, organizationId: string, userIds: readonly string[] | 'all', status: 'open' | 'dismissed' | 'all', limit = 500) {
	if (userIds !== 'all' && userIds.length === 0) return Promise.resolve([]);
	let q = flagQuery(db, organizationId);
	if (userIds !== 'all') q = q.where('f.user_id', 'in', [...userIds]);
	if (status !== 'all') q = q.where('f.status', '=', status);
	return q
		.orderBy(sql`case when f.status = 'open' then 0 else 1 end`)
		.orderBy('f.detected_at', 'desc')
		.orderBy('f.id')
		.limit(limit)
		.execute();
}

export async function countOpenFlags(db: Db, organizationId: string, userIds: readonly string[] | 'all') {
	if (userIds !== 'all' && userIds.length === 0) return 0;
	let q = db.selectFrom('coaching_flags').select(sql<number>`count(*)::int`.as('n')).where('organization_id', '=', organizationId).where('status', '=', 'open');
	if (userIds !== 'all') q = q.where('user_id', 'in', [...userIds]);
	return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Moves an open flag to dismissed; undefined when it was not open (dismissed already, by anyone). */
export function dismissFlagRow(db: Db, organizationId: string, id: string, by: string, reason: string, at: Date) {
	return db
		.updateTable('coaching_flags')
		.set({ status: 'dismissed', dismissed_by: by, dismissed_at: at, dismiss_reason: reason })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', '=', 'open')
		.returning(['id', 'dismissed_at'])
		.executeTakeFirst();
}

/** The events a flag points to, as receipt lines (newest first), with who entered them and whether they were voided. */
export function flagEventLines(db: Db, organizationId: string, ids: readonly number[]) {
	if (ids.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.leftJoin('users as a', 'a.id', 'e.actor_id')
		.leftJoin('score_events as v', 'v.voids_event_id', 'e.id')
		.select(['e.id', 'e.value', 'e.points', 'e.occurred_at', 'e.recorded_at', 'e.source', 'e.note', 'a.name as actor_name', 'm.key', 'm.name as metric_name', 'm.unit', 'm.currency', 'v.id as voided_by', 'v.void_reason'])
		.where('e.organization_id', '=', organizationId)
		.where('e.id', 'in', [...ids])
		.orderBy('e.occurred_at', 'desc')
		.orderBy('e.id', 'desc')
		.execute();
}
