// The append-only event log. Nothing here updates or deletes a score event.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { EventFlag, EventSource } from '../db/schema';

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
	flag?: EventFlag | null;
}

/**
 * Inserts one organization's events; those whose idempotency key exists already are skipped and not
 * returned. Ids follow the order of rows (the tie rule ranks by id). The rows go in as one array per
 * column, so the statement has 14 parameters whatever the batch size: a VALUES list of 1,000 rows has
 * 14,000, and parsing and binding those cost Postgres (and this process) more than inserting the rows.
 *
 * Each new row takes the organization's next org_seq (its applied mark in the live store) from the
 * organization's own sequence (org_seq_name(), see migration 20261130023600): only keys not already
 * stored take a number, so a retried or duplicate event costs one index probe and no number. A sequence
 * holds no lock until commit, so concurrent writers of one organization still share WAL flushes (a
 * counter row updated here made each wait for the previous one's commit). A key first sent by two
 * writers at the same instant, or a write rolled back, may leave an unused number: a gap is harmless,
 * only growth with duplicates is not. Keys must be distinct in `rows`.
 */
export async function insertEvents(db: Db, rows: NewScoreEvent[]) {
	if (rows.length === 0) return [];
	const { rows: inserted } = await insertEventsQuery(rows).execute(db);
	return inserted;
}

export function insertEventsQuery(rows: NewScoreEvent[]) {
	const organizationId = rows[0].organization_id;
	if (rows.some((r) => r.organization_id !== organizationId)) throw new Error('insertEvents: rows of one organization only');
	const col = <T>(pick: (row: NewScoreEvent) => T) => rows.map(pick);
	return sql<{ id: string; idempotency_key: string; recorded_at: Date; org_seq: string }>`
		with fresh as (
			select r.*
			from unnest(
				${col((r) => r.metric_id)}::uuid[], ${col((r) => r.user_id)}::uuid[],
				${col((r) => r.team_id)}::uuid[], ${col((r) => String(r.value))}::bigint[], ${col((r) => r.points)}::int[],
				${col((r) => r.occurred_at.toISOString())}::timestamptz[], ${col((r) => r.source)}::text[], ${col((r) => r.actor_id)}::uuid[],
				${col((r) => r.note)}::text[], ${col((r) => r.idempotency_key)}::text[], ${col((r) => r.content_hash)}::text[],
				${col((r) => (r.voids_event_id == null ? null : String(r.voids_event_id)))}::bigint[], ${col((r) => r.void_reason ?? null)}::text[],
				${col((r) => r.flag ?? null)}::text[]
			) with ordinality as r(metric_id, user_id, team_id, value, points, occurred_at, source, actor_id, note,
				idempotency_key, content_hash, voids_event_id, void_reason, flag, i)
			-- A scalar subquery, not NOT EXISTS: the planner turns NOT EXISTS into an anti-join, and then read
			-- the organization's whole history (a hash of every key) for a batch of duplicates. This one is
			-- one probe of the unique (organization_id, idempotency_key) index per row.
			where (
				select e.id from score_events e where e.organization_id = (select ${organizationId}::uuid) and e.idempotency_key = r.idempotency_key
			) is null
		)
		insert into score_events (organization_id, metric_id, user_id, team_id, value, points, occurred_at, source, actor_id, note,
			idempotency_key, content_hash, voids_event_id, void_reason, flag, org_seq)
		-- nextval over the rows already in order (ordered inside, numbered outside), so numbers follow rows.
		select ${organizationId}::uuid, metric_id, user_id, team_id, value, points, occurred_at, source, actor_id, note,
			idempotency_key, content_hash, voids_event_id, void_reason, flag,
			nextval(org_seq_name(${organizationId}::uuid)::regclass)
		from (select * from fresh order by i) f
		on conflict (organization_id, idempotency_key) do nothing
		returning id, idempotency_key, recorded_at, org_seq`;
}

/** A rep's typical value of a metric: the average of their last `limit` events of it that counted (not voided, not corrections). */
export async function typicalValue(db: Db, organizationId: string, userId: string, metricId: string, limit = 20) {
	const { rows } = await sql<{ n: number; average: number | null }>`
		select count(*)::int as n, avg(value)::float8 as average from (
			select e.value from score_events e
			where e.organization_id = ${organizationId} and e.user_id = ${userId} and e.metric_id = ${metricId}
				and e.voids_event_id is null and e.value > 0
				and not exists (select 1 from score_events v where v.voids_event_id = e.id)
			order by e.occurred_at desc
			limit ${limit}
		) recent`.execute(db);
	return { count: Number(rows[0]?.n ?? 0), average: rows[0]?.average == null ? null : Number(rows[0].average) };
}

/** The organization's last org_seq (0 before its first event). */
export async function lastOrgSeq(db: Db, organizationId: string) {
	// last_value is null until the sequence's first nextval.
	const { rows } = await sql<{ last_value: string | number | null }>`
		select s.last_value from pg_sequences s
		where s.schemaname = current_schema() and s.sequencename = org_seq_name(${organizationId}::uuid)`.execute(db);
	return Number(rows[0]?.last_value ?? 0);
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
			'e.org_seq',
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
				-- A zero change (a capped call) touches no board, as in calendarIncrements.
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

/** The org_seq of the org's events up to an id (the applied marks of a rebuild), fetched as one packed row. */
export async function eventOrgSeqs(db: Db, organizationId: string, upToId: number) {
	const { rows } = await sql<{ ids: string | null }>`
		select string_agg(org_seq::text, ',') as ids from score_events where organization_id = ${organizationId} and id <= ${upToId}
	`.execute(db);
	// Parsed digit by digit: a million numbers as a million substrings and numbers cost several times more.
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

/** Ids and org_seq of the events recorded since a time, newest first (after a crash the unapplied ones are the latest). */
export function recentEventIds(db: Db, since: Date) {
	return db
		.selectFrom('score_events')
		.select(['id', 'organization_id', 'org_seq'])
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

export interface ReceiptFilter {
	organizationId: string;
	/** A user id (scope users) or a team id (scope teams). */
	member: string;
	scope: 'users' | 'teams';
	/** A metric key, or undefined for points (every metric). */
	metricKey: string | undefined;
	/** The period; undefined for the all-time window (its bounds are outside Postgres's timestamps). */
	period: { start: Date; end: Date } | undefined;
}

function receiptEvents(db: Db, f: ReceiptFilter) {
	let query = db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.where('e.organization_id', '=', f.organizationId)
		.where(f.scope === 'users' ? 'e.user_id' : 'e.team_id', '=', f.member);
	if (f.metricKey !== undefined) query = query.where('m.key', '=', f.metricKey);
	if (f.period) query = query.where('e.occurred_at', '>=', f.period.start).where('e.occurred_at', '<', f.period.end);
	return query;
}

/**
 * One score's total and its number of receipt lines, over the whole period: a correction carries its
 * original's negated value and points, so the sum over every event (corrections included) is the score.
 */
export async function receiptSummary(db: Db, f: ReceiptFilter) {
	const row = await receiptEvents(db, f)
		.select([
			sql<string>`coalesce(sum(e.points), 0)::text`.as('points'),
			sql<string>`coalesce(sum(e.value), 0)::text`.as('value'),
			sql<number>`count(*) filter (where e.voids_event_id is null)::int`.as('lines')
		])
		.executeTakeFirstOrThrow();
	return { points: Number(row.points), value: Number(row.value), lines: Number(row.lines) };
}

/**
 * A page of receipt lines (events, not their corrections), newest first; `before` is the last line of
 * the previous page (occurred_at, id), so pages neither skip nor repeat lines when events arrive.
 */
export function receiptLines(db: Db, f: ReceiptFilter, page: { limit: number; before?: { occurredAtUs: string; id: string } }) {
	let query = receiptEvents(db, f)
		.leftJoin('users as a', 'a.id', 'e.actor_id')
		.leftJoin('users as u', 'u.id', 'e.user_id')
		.leftJoin('score_events as v', 'v.voids_event_id', 'e.id')
		.select([
			'e.id',
			'e.value',
			'e.points',
			'e.occurred_at',
			'e.source',
			'e.note',
			'u.name as rep_name',
			'a.name as actor_name',
			'm.key',
			'm.name as metric_name',
			'm.unit',
			'm.currency',
			'm.step',
			'm.points_per_step',
			'm.daily_cap',
			'v.void_reason',
			'v.id as voided_by',
			// Microseconds since the epoch, exact: the page cursor (a Date would drop the microseconds).
			sql<string>`(extract(epoch from e.occurred_at) * 1000000)::bigint::text`.as('occurred_us')
		])
		.where('e.voids_event_id', 'is', null);
	const before = page.before;
	if (before) {
		query = query.where(
			sql<boolean>`(e.occurred_at, e.id) < (timestamptz 'epoch' + ${before.occurredAtUs}::bigint * interval '1 microsecond', ${before.id}::bigint)`
		);
	}
	return query.orderBy('e.occurred_at', 'desc').orderBy('e.id', 'desc').limit(page.limit).execute();
}

/** The org's events up to an id that occurred since a time: a rebuild's input for a board family over a fixed range. */
export function eventsOccurredSince(db: Db, organizationId: string, since: Date, upToId: number) {
	return eventWithMetric(db)
		.where('e.organization_id', '=', organizationId)
		.where('e.occurred_at', '>=', since)
		.where('e.id', '<=', upToId)
		.orderBy('e.id')
		.execute();
}

/** Events of an org joined with what the feed shows of them: rep, metric, and whether they were voided. */
function activityRows(db: Db, organizationId: string) {
	return db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.innerJoin('users as u', 'u.id', 'e.user_id')
		.leftJoin('score_events as v', 'v.voids_event_id', 'e.id')
		.select([
			'e.id',
			'e.user_id',
			'u.name',
			'm.key',
			'm.name as metric_name',
			'm.unit',
			'm.currency',
			'e.value',
			'e.points',
			'e.occurred_at',
			'e.voids_event_id',
			'e.flag',
			'v.id as voided_by'
		])
		.where('e.organization_id', '=', organizationId);
}

export type ActivityRow = Awaited<ReturnType<ReturnType<typeof activityRows>['execute']>>[number];

/** The feed: events that happened since `since`, latest first by when they happened. */
export function activitySince(db: Db, organizationId: string, since: Date, limit: number) {
	return activityRows(db, organizationId)
		.where('e.occurred_at', '>=', since)
		.orderBy('e.occurred_at', 'desc')
		.orderBy('e.id', 'desc')
		.limit(limit)
		.execute();
}

/** Feed rows of these events, oldest first. */
export function activityByIds(db: Db, organizationId: string, eventIds: number[]) {
	return activityRows(db, organizationId).where('e.id', 'in', eventIds).orderBy('e.id').execute();
}

/** Each member's sum of points (or of one metric's values) over events that happened in [start, end). */
export function scoresInRange(
	db: Db,
	organizationId: string,
	metricKey: string | undefined,
	scope: 'users' | 'teams',
	members: string[],
	range: { start: Date; end: Date }
) {
	const column = scope === 'users' ? 'e.user_id' : 'e.team_id';
	let q = db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select([
			sql<string>`${sql.ref(column)}`.as('member'),
			sql<number>`sum(${metricKey === undefined ? sql.ref('e.points') : sql.ref('e.value')})::float8`.as('score')
		])
		.where('e.organization_id', '=', organizationId)
		.where('e.occurred_at', '>=', range.start)
		.where('e.occurred_at', '<', range.end)
		.where(column, 'in', members)
		.groupBy(column);
	if (metricKey !== undefined) q = q.where('m.key', '=', metricKey);
	return q.execute();
}

/** One member's totals for one local day of the organization's time zone. */
export interface DayTotal {
	/** The local day, "YYYY-MM-DD". */
	day: string;
	/** An instant inside that day (its first event's time). */
	at: Date;
	/** The sum of values (corrections carry negated values). */
	value: number;
	points: number;
	/** Events, less corrections. */
	count: number;
}

/**
 * Members' totals per local day in [from, to), on one metric or (metricKey null) on every metric, summed
 * by Postgres in the organization's time zone: what streaks and personal bests read, one query for
 * every member concerned.
 */
export async function dailyTotalsOfUsers(db: Db, organizationId: string, userIds: readonly string[], metricKey: string | null, from: Date, to: Date, timeZone: string): Promise<Map<string, DayTotal[]>> {
	const out = new Map<string, DayTotal[]>();
	if (userIds.length === 0) return out;
	const day = sql<string>`to_char(e.occurred_at at time zone ${timeZone}, 'YYYY-MM-DD')`;
	let q = db
		.selectFrom('score_events as e')
		.select([
			'e.user_id',
			day.as('day'),
			sql<Date>`min(e.occurred_at)`.as('at'),
			sql<string>`coalesce(sum(e.value), 0)`.as('value'),
			sql<string>`coalesce(sum(e.points), 0)`.as('points'),
			sql<string>`coalesce(sum(case when e.voids_event_id is null then 1 else -1 end), 0)`.as('count')
		])
		.where('e.organization_id', '=', organizationId)
		.where('e.user_id', 'in', [...userIds])
		.where('e.occurred_at', '>=', from)
		.where('e.occurred_at', '<', to);
	if (metricKey !== null) {
		q = q.where('e.metric_id', '=', (eb) =>
			eb.selectFrom('metrics as m').select('m.id').where('m.organization_id', '=', organizationId).where('m.key', '=', metricKey)
		);
	}
	// By position: the day expression carries the time zone as a parameter, so it cannot be repeated.
	const rows = await q.groupBy([sql`1`, sql`2`]).execute();
	for (const r of rows) {
		const list = out.get(r.user_id) ?? [];
		list.push({ day: r.day, at: new Date(r.at), value: Number(r.value), points: Number(r.points), count: Number(r.count) });
		out.set(r.user_id, list);
	}
	return out;
}
