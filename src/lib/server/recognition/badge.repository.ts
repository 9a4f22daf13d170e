// Badges, awards, achievement signals, holidays and levels: every query of the badges domain. Each is
// scoped by organization. Awards and reached levels are inserted with "on conflict do nothing" on their
// unique keys: the insert that happened is the only one that announces the moment.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { BadgesTable } from '../db/schema';
import type { Insertable } from 'kysely';

const BADGE_COLUMNS = ['b.id', 'b.name', 'b.description', 'b.icon', 'b.rule', 'b.steps', 'b.status', 'b.created_at'] as const;

export function badgesOfOrg(db: Db, organizationId: string, options: { activeOnly?: boolean } = {}) {
	let q = db.selectFrom('badges as b').select(BADGE_COLUMNS).where('b.organization_id', '=', organizationId);
	if (options.activeOnly) q = q.where('b.status', '=', 'active');
	return q.orderBy('b.created_at').orderBy('b.id').execute();
}

export function findBadge(db: Db, organizationId: string, badgeId: string) {
	return db.selectFrom('badges as b').select(BADGE_COLUMNS).where('b.organization_id', '=', organizationId).where('b.id', '=', badgeId).executeTakeFirst();
}

export async function insertBadge(db: Db, values: Insertable<BadgesTable>): Promise<string> {
	const row = await db.insertInto('badges').values(values).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

export async function setBadgeStatus(db: Db, organizationId: string, badgeId: string, status: 'active' | 'archived'): Promise<boolean> {
	const result = await db.updateTable('badges').set({ status }).where('organization_id', '=', organizationId).where('id', '=', badgeId).executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export interface AwardValues {
	organization_id: string;
	badge_id: string;
	tier: '' | 'bronze' | 'silver' | 'gold';
	user_id: string;
	period_key: string;
	awarded_at: Date;
	awarded_by?: string | null;
	reason?: string | null;
}

/** Inserts awards that do not exist yet; returns the ones inserted (the others were already held). */
export async function insertAwards(db: Db, values: AwardValues[]) {
	if (values.length === 0) return [];
	return db
		.insertInto('badge_awards')
		.values(values)
		.onConflict((oc) => oc.columns(['badge_id', 'tier', 'user_id', 'period_key']).doNothing())
		.returning(['id', 'badge_id', 'tier', 'user_id', 'period_key', 'awarded_at'])
		.execute();
}

/**
 * Which of these members already hold each (badge, tier, period): keys "badgeId|periodKey|userId". The
 * engine skips totals it no longer needs (a first time, or a window's top tier, is held for good).
 */
export async function heldAwards(db: Db, organizationId: string, steps: readonly { badgeId: string; tier: string; periodKey: string }[], userIds: readonly string[]): Promise<Set<string>> {
	if (steps.length === 0 || userIds.length === 0) return new Set();
	const { rows } = await sql<{ badge_id: string; user_id: string; period_key: string }>`
		select a.badge_id, a.user_id, a.period_key
		from badge_awards a
		join unnest(${steps.map((s) => s.badgeId)}::uuid[], ${steps.map((s) => s.tier)}::text[], ${steps.map((s) => s.periodKey)}::text[]) as t(badge_id, tier, period_key)
			on a.badge_id = t.badge_id and a.tier = t.tier and a.period_key = t.period_key
		where a.organization_id = ${organizationId} and a.user_id = any(${[...userIds]}::uuid[])`.execute(db);
	return new Set(rows.map((r) => `${r.badge_id}|${r.period_key}|${r.user_id}`));
}

/**
 * The organization's recent badge awards (each badge and member's highest tier of an award moment) and
 * levels reached since `since`, newest first: the activity feed's recognition rows when a page opens.
 */
export async function recentRecognition(db: Db, organizationId: string, since: Date, limit: number, userIds?: string[]) {
	if (userIds && userIds.length === 0) return { awards: [], levels: [] };
	const [awards, levels] = await Promise.all([
		db
			.selectFrom('badge_awards as a')
			.innerJoin('badges as b', 'b.id', 'a.badge_id')
			.innerJoin('users as u', 'u.id', 'a.user_id')
			.select(['a.id', 'a.tier', 'a.awarded_at', 'a.user_id', 'u.name as user_name', 'b.id as badge_id', 'b.name as badge_name', 'b.icon'])
			.where('a.organization_id', '=', organizationId)
			.where('a.awarded_at', '>=', since)
			.$if(!!userIds, (q) => q.where('a.user_id', 'in', userIds!))
			.orderBy('a.awarded_at', 'desc')
			.limit(limit)
			.execute(),
		db
			.selectFrom('levels_reached as r')
			.innerJoin('levels as l', (j) => j.onRef('l.organization_id', '=', 'r.organization_id').onRef('l.number', '=', 'r.number'))
			.innerJoin('users as u', 'u.id', 'r.user_id')
			.select(['r.user_id', 'r.number', 'r.reached_at', 'u.name as user_name', 'l.name as level_name'])
			.where('r.organization_id', '=', organizationId)
			.where('r.reached_at', '>=', since)
			.$if(!!userIds, (q) => q.where('r.user_id', 'in', userIds!))
			.orderBy('r.reached_at', 'desc')
			.limit(limit)
			.execute()
	]);
	return { awards, levels };
}

/** A member's awards, newest first, with their badge. */
export function awardsOfUser(db: Db, organizationId: string, userId: string, limit = 500) {
	return db
		.selectFrom('badge_awards as a')
		.innerJoin('badges as b', 'b.id', 'a.badge_id')
		.select(['a.id', 'a.tier', 'a.period_key', 'a.awarded_at', 'a.reason', 'b.id as badge_id', 'b.name', 'b.icon', 'b.rule'])
		.where('a.organization_id', '=', organizationId)
		.where('a.user_id', '=', userId)
		.orderBy('a.awarded_at', 'desc')
		.orderBy('a.id')
		.limit(limit)
		.execute();
}

export async function countAwards(db: Db, organizationId: string, badgeId?: string): Promise<number> {
	let q = db.selectFrom('badge_awards').select((eb) => eb.fn.countAll<string>().as('n')).where('organization_id', '=', organizationId);
	if (badgeId) q = q.where('badge_id', '=', badgeId);
	return Number((await q.executeTakeFirst())?.n ?? 0);
}

/** How many members hold each badge (any tier, any period). */
export function holderCounts(db: Db, organizationId: string) {
	return db
		.selectFrom('badge_awards')
		.select(['badge_id', (eb) => eb.fn.count<string>('user_id').distinct().as('holders')])
		.where('organization_id', '=', organizationId)
		.groupBy('badge_id')
		.execute();
}

/** Every member's events on one metric in [from, to) (a preview or a backfill). */
export function metricEventsOfOrg(db: Db, organizationId: string, metricKey: string, from: Date, to: Date) {
	return db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select(['e.user_id', 'e.value', 'e.occurred_at', 'e.voids_event_id'])
		.where('e.organization_id', '=', organizationId)
		.where('m.organization_id', '=', organizationId)
		.where('m.key', '=', metricKey)
		.where('e.occurred_at', '>=', from)
		.where('e.occurred_at', '<', to)
		.orderBy('e.occurred_at')
		.execute();
}

export function metricOfOrg(db: Db, organizationId: string, key: string) {
	return db.selectFrom('metrics').select(['id', 'key', 'name', 'unit', 'system', 'status']).where('organization_id', '=', organizationId).where('key', '=', key).executeTakeFirst();
}

export function metricsForBadges(db: Db, organizationId: string) {
	return db.selectFrom('metrics').select(['key', 'name', 'unit', 'currency']).where('organization_id', '=', organizationId).where('system', '=', false).where('status', '=', 'active').orderBy('created_at').execute();
}

/** Records a signal once per (org, ref); true when it was new. */
export async function insertSignal(db: Db, values: { organization_id: string; user_id: string; kind: string; ref: string; at: Date; value: number | null }): Promise<boolean> {
	const row = await db
		.insertInto('achievement_signals')
		.values(values)
		.onConflict((oc) => oc.columns(['organization_id', 'ref']).doNothing())
		.returning('id')
		.executeTakeFirst();
	return !!row;
}

/** Signals of one kind, per member, in [from, to). */
export function signalCounts(db: Db, organizationId: string, kind: string, from: Date, to: Date, userId?: string) {
	let q = db
		.selectFrom('achievement_signals')
		.select(['user_id', (eb) => eb.fn.countAll<string>().as('n')])
		.where('organization_id', '=', organizationId)
		.where('kind', '=', kind)
		.where('at', '>=', from)
		.where('at', '<', to);
	if (userId) q = q.where('user_id', '=', userId);
	return q.groupBy('user_id').execute();
}

export function levelsOf(db: Db, organizationId: string) {
	return db.selectFrom('levels').select(['number', 'name', 'threshold']).where('organization_id', '=', organizationId).orderBy('number').execute();
}

export async function replaceLevels(db: Db, organizationId: string, levels: { number: number; name: string; threshold: number }[]) {
	await db.deleteFrom('levels').where('organization_id', '=', organizationId).execute();
	await db
		.insertInto('levels')
		.values(levels.map((l) => ({ organization_id: organizationId, ...l })))
		.execute();
}

/** Lifetime points of members (corrections included: they carry negated points). */
export async function lifetimePoints(db: Db, organizationId: string, userIds: string[]): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	if (userIds.length === 0) return out;
	const rows = await db
		.selectFrom('score_events')
		.select(['user_id', sql<string>`coalesce(sum(points), 0)`.as('points')])
		.where('organization_id', '=', organizationId)
		.where('user_id', 'in', userIds)
		.groupBy('user_id')
		.execute();
	for (const row of rows) out.set(row.user_id, Number(row.points));
	return out;
}

/** Records levels reached; returns the numbers that were new. */
export async function insertLevelsReached(db: Db, organizationId: string, userId: string, numbers: number[], at: Date): Promise<number[]> {
	if (numbers.length === 0) return [];
	const rows = await db
		.insertInto('levels_reached')
		.values(numbers.map((number) => ({ organization_id: organizationId, user_id: userId, number, reached_at: at })))
		.onConflict((oc) => oc.columns(['organization_id', 'user_id', 'number']).doNothing())
		.returning('number')
		.execute();
	return rows.map((r) => r.number);
}

/** Members of the organization with name and status (for previews, names on moments and the profile). */
export function membersOf(db: Db, organizationId: string, userIds?: string[]) {
	let q = db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.select(['m.user_id', 'm.role', 'm.status', 'm.external_id', 'u.name', 'u.email'])
		.where('m.organization_id', '=', organizationId);
	if (userIds) {
		if (userIds.length === 0) return Promise.resolve([]);
		q = q.where('m.user_id', 'in', userIds);
	}
	return q.orderBy('u.name').execute();
}

/** The member named by id, e-mail (any case) or external id. */
export function memberByRef(db: Db, organizationId: string, ref: string, asId: boolean) {
	const member = () =>
		db.selectFrom('users as u').innerJoin('memberships as m', 'm.user_id', 'u.id').select(['u.id', 'u.name', 'm.status']).where('m.organization_id', '=', organizationId);
	let q = member()
		.where((eb) => eb(eb.fn('lower', ['u.email']), '=', ref.toLowerCase()))
		.union(member().where('m.external_id', '=', ref));
	if (asId) q = q.union(member().where('u.id', '=', ref));
	return q.executeTakeFirst();
}

/** Members' totals on one metric in [from, to), for several members at once (the engine's batch read). */
export async function metricTotalsOfUsers(db: Db, organizationId: string, userIds: string[], metricKey: string, from: Date, to: Date): Promise<Map<string, { value: number; count: number }>> {
	const out = new Map<string, { value: number; count: number }>();
	if (userIds.length === 0) return out;
	const rows = await db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select([
			'e.user_id',
			sql<string>`coalesce(sum(e.value), 0)`.as('value'),
			sql<string>`coalesce(sum(case when e.voids_event_id is null then 1 else -1 end), 0)`.as('count')
		])
		.where('e.organization_id', '=', organizationId)
		.where('m.organization_id', '=', organizationId)
		.where('m.key', '=', metricKey)
		.where('e.user_id', 'in', userIds)
		.where('e.occurred_at', '>=', from)
		.where('e.occurred_at', '<', to)
		.groupBy('e.user_id')
		.execute();
	for (const r of rows) out.set(r.user_id, { value: Number(r.value), count: Number(r.count) });
	return out;
}
