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

/**
 * Inserts events; those whose idempotency key exists already are skipped and not returned. Ids follow
 * the order of rows (the tie rule ranks by id). The rows go in as one array per column, so the statement
 * has 14 parameters whatever the batch size: a VALUES list of 1,000 rows has 14,000, and parsing and
 * binding those cost Postgres (and this process) more than inserting the rows.
 */
export async function insertEvents(db: Db, rows: NewScoreEvent[]) {
	if (rows.length === 0) return [];
	const col = <T>(pick: (row: NewScoreEvent) => T) => rows.map(pick);
	const { rows: inserted } = await sql<{ id: string; idempotency_key: string; recorded_at: Date }>`
		insert into score_events (organization_id, metric_id, user_id, team_id, value, points, occurred_at, source, actor_id, note,
			idempotency_key, content_hash, voids_event_id, void_reason)
		select organization_id, metric_id, user_id, team_id, value, points, occurred_at, source, actor_id, note,
			idempotency_key, content_hash, voids_event_id, void_reason
		from unnest(
			${col((r) => r.organization_id)}::uuid[], ${col((r) => r.metric_id)}::uuid[], ${col((r) => r.user_id)}::uuid[],
			${col((r) => r.team_id)}::uuid[], ${col((r) => String(r.value))}::bigint[], ${col((r) => r.points)}::int[],
			${col((r) => r.occurred_at.toISOString())}::timestamptz[], ${col((r) => r.source)}::text[], ${col((r) => r.actor_id)}::uuid[],
			${col((r) => r.note)}::text[], ${col((r) => r.idempotency_key)}::text[], ${col((r) => r.content_hash)}::text[],
			${col((r) => (r.voids_event_id == null ? null : String(r.voids_event_id)))}::bigint[], ${col((r) => r.void_reason ?? null)}::text[]
		) with ordinality as r(organization_id, metric_id, user_id, team_id, value, points, occurred_at, source, actor_id, note,
			idempotency_key, content_hash, voids_event_id, void_reason, i)
		order by r.i
		on conflict (organization_id, idempotency_key) do nothing
		returning id, idempotency_key, recorded_at`.execute(db);
	return inserted;
}

/**
 * The events of an organization with these idempotency keys. The organization is compared with a value
 * the planner cannot look up in its statistics (a sub-select): for an organization newer than the last
 * ANALYZE, the statistics promise no rows at all, and the planner then read the organization's whole
 * history through another index starting with organization_id (10-30 ms per call after 14,000 events,
 * growing) instead of the unique (organization_id, idempotency_key) index.
 */
export function findEventsByKeys(db: Db, organizationId: string, keys: string[]) {
	if (keys.length === 0) return Promise.resolve([]);
	return eventsByKeysQuery(db, organizationId, keys).execute();
}

export function eventsByKeysQuery(db: Db, organizationId: string, keys: string[]) {
	return db
		.selectFrom('score_events')
		.select(['id', 'idempotency_key', 'content_hash', 'points'])
		.where('organization_id', '=', sql<string>`(select ${organizationId}::uuid)`)
		.where('idempotency_key', 'in', keys);
}

/** Serializes cap checks of each (rep, metric) across concurrent transactions; the locks are taken in the order given (array order). */
export async function lockRepMetrics(db: Db, organizationId: string, pairs: { userId: string; metricId: string }[]) {
	if (pairs.length === 0) return;
	const keys = pairs.map((p) => `${organizationId}:${p.userId}:${p.metricId}`);
	await sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${keys}::text[]) with ordinality as t(k, i) order by i`.execute(db);
}

/**
 * Points earned per (user, metric) in each [start, end), for daily caps, in one round trip; answers in the order given.
 * A correlated subquery per range, not a join, with the organization compared through a sub-select as
 * in eventsByKeysQuery: each range is then an index scan over the rep's events of that day. As a join,
 * or with the organization's id written in, the planner believed statistics older than the
 * organization's traffic (a new or fast-growing organization) and read all of the organization's
 * events, or all of its events of that day, on every capped ingest.
 */
export async function pointsInRanges(db: Db, organizationId: string, ranges: DayRange[]) {
	if (ranges.length === 0) return [];
	const { rows } = await pointsInRangesQuery(organizationId, ranges).execute(db);
	const out = new Array<number>(ranges.length).fill(0);
	for (const row of rows) out[Number(row.i) - 1] = Number(row.points);
	return out;
}

type DayRange = { userId: string; metricId: string; start: Date; end: Date };

export function pointsInRangesQuery(organizationId: string, ranges: DayRange[]) {
	return sql<{ i: number; points: number }>`
		select r.i, (
			select coalesce(sum(e.points), 0)::int from score_events e
			where e.organization_id = (select ${organizationId}::uuid) and e.user_id = r.user_id and e.metric_id = r.metric_id
				and e.occurred_at >= r.start_at and e.occurred_at < r.end_at
		) as points
		from unnest(
			${ranges.map((r) => r.userId)}::uuid[], ${ranges.map((r) => r.metricId)}::uuid[],
			${ranges.map((r) => r.start.toISOString())}::timestamptz[], ${ranges.map((r) => r.end.toISOString())}::timestamptz[]
		) with ordinality as r(user_id, metric_id, start_at, end_at, i)`;
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

export type DailyTotalsRow = { metric_key: string; user_id: string; team_id: string | null; days: string };

/**
 * Totals per (metric, user, team, local day) up to an event id: the input of a rebuild. One row per
 * (metric, user, team), ordered by user, whose `days` packs that group's days in date order as "day,value,points,
 * tie_points,tie_value" joined by ";": day counts days since 1970-01-01 (the org's local calendar), the
 * ties are the largest id of an event that changed points or value (0 when none did). Packed rather than
 * one row per day: a million events make ~700,000 day rows, whose parsing cost more than the query.
 */
export function dailyTotals(db: Db, organizationId: string, timeZone: string, upToId: number) {
	return sql<DailyTotalsRow>`
		select m.key as metric_key, d.user_id, d.team_id,
			string_agg(concat_ws(',', d.day, d.value, d.points, d.tie_points, d.tie_value), ';' order by d.day) as days
		from (
			select metric_id, user_id, team_id,
				(occurred_at at time zone ${timeZone})::date - date '1970-01-01' as day,
				sum(value) as value, sum(points) as points,
				-- A zero change (a capped call) touches no board, as in incrementsFor.
				coalesce(max(id) filter (where points <> 0), 0) as tie_points, coalesce(max(id) filter (where value <> 0), 0) as tie_value
			from score_events
			where organization_id = ${organizationId} and id <= ${upToId}
			group by 1, 2, 3, 4
		) d
		join metrics m on m.id = d.metric_id
		group by 1, 2, 3
		order by d.user_id
	`.execute(db);
}

/** Ids of the org's events up to an id (for the applied marks of a rebuild), fetched as one packed row. */
export async function eventIds(db: Db, organizationId: string, upToId: number) {
	const { rows } = await sql<{ ids: string | null }>`
		select string_agg(id::text, ',') as ids from score_events where organization_id = ${organizationId} and id <= ${upToId}
	`.execute(db);
	// Parsed digit by digit: a million ids as a million substrings and numbers cost several times more.
	const packed = rows[0]?.ids ?? '';
	const ids: number[] = [];
	let id = 0;
	for (let i = 0; i < packed.length; i++) {
		const c = packed.charCodeAt(i);
		if (c === 44) {
			ids.push(id);
			id = 0;
		} else id = id * 10 + (c - 48);
	}
	if (packed.length) ids.push(id);
	return ids;
}

/** Ids of the events recorded since a time, newest first (after a crash the unapplied ones are the latest). */
export function recentEventIds(db: Db, since: Date) {
	return db
		.selectFrom('score_events')
		.select(['id', 'organization_id'])
		.where('recorded_at', '>=', since)
		.orderBy('id', 'desc')
		.limit(50_000)
		.execute();
}

export function eventsByIds(db: Db, organizationId: string, ids: number[]) {
	if (ids.length === 0) return Promise.resolve([]);
	return eventWithMetric(db).where('e.organization_id', '=', organizationId).where('e.id', 'in', ids).orderBy('e.id').execute();
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
