// The append-only event log. Nothing here updates or deletes a score event.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { EventSource } from '../db/schema';

export interface NewScoreEvent {
	organization_id: string;
	metric_id: string;
	user_id: string;
	team_id: string | null;
	value: number;
	points: number;
	occurred_at: Date;
	source: EventSource;
	actor_id: string | null;
	note: string | null;
	idempotency_key: string;
	content_hash: string;
	voids_event_id?: number | null;
	void_reason?: string | null;
}

/** Inserts events; those whose idempotency key exists already are skipped and not returned. */
export function insertEvents(db: Db, rows: NewScoreEvent[]) {
	if (rows.length === 0) return Promise.resolve([]);
	return db
		.insertInto('score_events')
		.values(rows)
		.onConflict((oc) => oc.columns(['organization_id', 'idempotency_key']).doNothing())
		.returning(['id', 'idempotency_key', 'recorded_at'])
		.execute();
}

export function findEventsByKeys(db: Db, organizationId: string, keys: string[]) {
	if (keys.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('score_events')
		.select(['id', 'idempotency_key', 'content_hash', 'points'])
		.where('organization_id', '=', organizationId)
		.where('idempotency_key', 'in', keys)
		.execute();
}

/** Points earned per (user, metric) in [start, end), for daily caps. */
export async function pointsInRange(db: Db, organizationId: string, userId: string, metricId: string, start: Date, end: Date) {
	const row = await db
		.selectFrom('score_events')
		.select(sql<number>`coalesce(sum(points), 0)::int`.as('points'))
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.where('metric_id', '=', metricId)
		.where('occurred_at', '>=', start)
		.where('occurred_at', '<', end)
		.executeTakeFirstOrThrow();
	return Number(row.points);
}

/** Serializes cap checks of one rep and metric across concurrent transactions. */
export async function lockRepMetric(db: Db, organizationId: string, userId: string, metricId: string) {
	await sql`select pg_advisory_xact_lock(hashtext(${`${organizationId}:${userId}:${metricId}`}))`.execute(db);
}

/** lockRepMetric for many pairs in one round trip; the locks are taken in the order given (array order). */
export async function lockRepMetrics(db: Db, organizationId: string, pairs: { userId: string; metricId: string }[]) {
	if (pairs.length === 0) return;
	const keys = pairs.map((p) => `${organizationId}:${p.userId}:${p.metricId}`);
	await sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${keys}::text[]) with ordinality as t(k, i) order by i`.execute(db);
}

/** pointsInRange for many (user, metric, [start, end)) in one round trip; answers in the order given. */
export async function pointsInRanges(db: Db, organizationId: string, ranges: { userId: string; metricId: string; start: Date; end: Date }[]) {
	if (ranges.length === 0) return [];
	const { rows } = await sql<{ i: number; points: number }>`
		select r.i, coalesce(sum(e.points), 0)::int as points
		from unnest(
			${ranges.map((r) => r.userId)}::uuid[], ${ranges.map((r) => r.metricId)}::uuid[],
			${ranges.map((r) => r.start.toISOString())}::timestamptz[], ${ranges.map((r) => r.end.toISOString())}::timestamptz[]
		) with ordinality as r(user_id, metric_id, start_at, end_at, i)
		left join score_events e on e.organization_id = ${organizationId} and e.user_id = r.user_id and e.metric_id = r.metric_id
			and e.occurred_at >= r.start_at and e.occurred_at < r.end_at
		group by r.i`.execute(db);
	const out = new Array<number>(ranges.length).fill(0);
	for (const row of rows) out[Number(row.i) - 1] = Number(row.points);
	return out;
}

export const eventWithMetric = (db: Db) =>
	db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select([
			'e.id',
			'e.organization_id',
			'e.user_id',
			'e.team_id',
			'e.value',
			'e.points',
			'e.occurred_at',
			'e.recorded_at',
			'e.source',
			'e.actor_id',
			'e.note',
			'e.voids_event_id',
			'e.void_reason',
			'm.key as metric_key'
		]);

export function findEvent(db: Db, organizationId: string, id: number) {
	return eventWithMetric(db).where('e.organization_id', '=', organizationId).where('e.id', '=', id).executeTakeFirst();
}

export async function isVoided(db: Db, eventId: number) {
	return !!(await db.selectFrom('score_events').select('id').where('voids_event_id', '=', eventId).executeTakeFirst());
}

export async function maxEventId(db: Db, organizationId: string) {
	const row = await db
		.selectFrom('score_events')
		.select(sql<number>`coalesce(max(id), 0)`.as('max'))
		.where('organization_id', '=', organizationId)
		.executeTakeFirstOrThrow();
	return Number(row.max);
}

/** Totals per (metric, user, team, local day) up to an event id: the input of a rebuild. */
export function dailyTotals(db: Db, organizationId: string, timeZone: string, upToId: number) {
	return sql<{ metric_key: string; user_id: string; team_id: string | null; day: string; value: number; points: number; tie_points: number | null; tie_value: number | null }>`
		select m.key as metric_key, d.user_id, d.team_id, to_char(d.day, 'YYYY-MM-DD') as day, d.value, d.points, d.tie_points, d.tie_value
		from (
			-- Grouped by a date, formatted after: one to_char per group instead of one per event.
			select metric_id, user_id, team_id,
				(occurred_at at time zone ${timeZone})::date as day,
				sum(value)::float8 as value, sum(points)::float8 as points,
				-- A zero change (a capped call) touches no board, as in incrementsFor.
				max(id) filter (where points <> 0) as tie_points, max(id) filter (where value <> 0) as tie_value
			from score_events
			where organization_id = ${organizationId} and id <= ${upToId}
			group by 1, 2, 3, 4
		) d
		join metrics m on m.id = d.metric_id
	`.execute(db);
}

/** Ids of the org's events up to an id (for the applied marks of a rebuild). */
export async function eventIds(db: Db, organizationId: string, upToId: number) {
	const rows = await db
		.selectFrom('score_events')
		.select('id')
		.where('organization_id', '=', organizationId)
		.where('id', '<=', upToId)
		.execute();
	return rows.map((r) => Number(r.id));
}

/** Events recorded recently or after an id, for the reconciler. */
export function recentEvents(db: Db, since: Date, organizationId?: string) {
	let q = eventWithMetric(db).where('e.recorded_at', '>=', since);
	if (organizationId) q = q.where('e.organization_id', '=', organizationId);
	// Newest first: after a crash the unapplied events are the latest ones.
	return q.orderBy('e.id', 'desc').limit(50_000).execute();
}

export function eventsAfter(db: Db, organizationId: string, afterId: number) {
	return eventWithMetric(db).where('e.organization_id', '=', organizationId).where('e.id', '>', afterId).orderBy('e.id').execute();
}

export function organizationsWithEvents(db: Db) {
	return db
		.selectFrom('organizations as o')
		.select(['o.id', 'o.slug', 'o.time_zone', 'o.week_start'])
		.where((eb) => eb.exists(eb.selectFrom('score_events as e').select('e.id').whereRef('e.organization_id', '=', 'o.id')))
		.execute();
}
