// Kudos: every query is scoped by organization. The giving allowance is checked and spent under a
// per-giver advisory lock held by the transaction that inserts the kudos, so two tabs, a retry or two
// processes giving at once are serialized and the month's spending never passes the allowance.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { Role } from '../db/schema';

/** Members (active or not) with their e-mail, external id, role and team: who may give and receive. */
export function kudosRoster(db: Db, organizationId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id'))
		.select(['m.user_id', 'm.role', 'm.status', 'm.external_id', 'u.name', 'u.email', 'tm.team_id'])
		.where('m.organization_id', '=', organizationId)
		.orderBy('u.name')
		.execute();
}

export function organizationTimeZone(db: Db, organizationId: string) {
	return db.selectFrom('organizations').select('time_zone').where('id', '=', organizationId).executeTakeFirstOrThrow();
}

export async function allowanceOfRole(db: Db, organizationId: string, role: Role): Promise<number | null> {
	const row = await db.selectFrom('kudos_allowances').select('points').where('organization_id', '=', organizationId).where('role', '=', role).executeTakeFirst();
	return row ? row.points : null;
}

/** Serializes one giver's gives until the transaction ends (per organization and giver). */
export async function lockGiver(trx: Db, organizationId: string, giverId: string) {
	await sql`select pg_advisory_xact_lock(hashtext(${`kudos:${organizationId}:${giverId}`}))`.execute(trx);
}

/** Points the giver spent on kudos in [start, end). */
export async function spentBetween(db: Db, organizationId: string, giverId: string, start: Date, end: Date): Promise<number> {
	const row = await db
		.selectFrom('kudos')
		.select(sql<number>`coalesce(sum(spent), 0)::int`.as('spent'))
		.where('organization_id', '=', organizationId)
		.where('giver_id', '=', giverId)
		.where('created_at', '>=', start)
		.where('created_at', '<', end)
		.executeTakeFirstOrThrow();
	return row.spent;
}

export function findKudosByRequest(db: Db, organizationId: string, giverId: string, requestId: string) {
	return db
		.selectFrom('kudos')
		.select(['id'])
		.where('organization_id', '=', organizationId)
		.where('giver_id', '=', giverId)
		.where('request_id', '=', requestId)
		.executeTakeFirst();
}

export async function insertKudos(
	trx: Db,
	row: { organizationId: string; giverId: string; valueId: string; message: string; points: number; recipients: string[]; requestId: string | null; source: 'app' | 'api' | 'demo'; createdAt?: Date }
) {
	const inserted = await trx
		.insertInto('kudos')
		.values({
			organization_id: row.organizationId,
			giver_id: row.giverId,
			value_id: row.valueId,
			message: row.message,
			points: row.points,
			spent: row.points * row.recipients.length,
			request_id: row.requestId,
			source: row.source,
			...(row.createdAt ? { created_at: row.createdAt } : {})
		})
		.returning(['id', 'created_at'])
		.executeTakeFirstOrThrow();
	await trx
		.insertInto('kudos_recipients')
		.values(row.recipients.map((userId) => ({ kudos_id: inserted.id, organization_id: row.organizationId, user_id: userId })))
		.execute();
	return inserted;
}

const feedColumns = [
	'k.id',
	'k.giver_id',
	'g.name as giver_name',
	'k.message',
	'k.points',
	'k.created_at',
	'k.spotlight_at',
	'k.hidden_at',
	'v.id as value_id',
	'v.name as value_name',
	'v.emoji as value_emoji',
	'v.color as value_color'
] as const;

function feedQuery(db: Db, organizationId: string) {
	return db
		.selectFrom('kudos as k')
		.innerJoin('users as g', 'g.id', 'k.giver_id')
		.innerJoin('company_values as v', 'v.id', 'k.value_id')
		.select(feedColumns)
		.where('k.organization_id', '=', organizationId);
}

export type KudosRow = Awaited<ReturnType<typeof findKudosRow>> & {};

export function findKudosRow(db: Db, organizationId: string, id: string) {
	return feedQuery(db, organizationId).where('k.id', '=', id).executeTakeFirst();
}

/**
 * A page of the visible feed, newest first: before a (created_at, id) cursor, or since an instant
 * (then oldest first, for API clients catching up).
 */
export function listFeedRows(db: Db, organizationId: string, options: { limit: number; before?: { at: Date; id: string }; since?: { at: Date; id: string | null } }) {
	let q = feedQuery(db, organizationId).where('k.hidden_at', 'is', null);
	if (options.since) {
		const { at, id } = options.since;
		q = id === null ? q.where('k.created_at', '>', at) : q.where((eb) => eb.or([eb('k.created_at', '>', at), eb.and([eb('k.created_at', '=', at), eb('k.id', '>', id)])]));
		q = q.orderBy('k.created_at', 'asc').orderBy('k.id', 'asc');
	} else {
		if (options.before) {
			const { at, id } = options.before;
			q = q.where((eb) => eb.or([eb('k.created_at', '<', at), eb.and([eb('k.created_at', '=', at), eb('k.id', '<', id)])]));
		}
		q = q.orderBy('k.created_at', 'desc').orderBy('k.id', 'desc');
	}
	return q.limit(options.limit).execute();
}

/** The visible kudos received by any of these members since an instant, newest first. */
export function receivedRows(db: Db, organizationId: string, userIds: string[], since: Date, limit: number) {
	if (userIds.length === 0) return Promise.resolve([]);
	return feedQuery(db, organizationId)
		.where('k.hidden_at', 'is', null)
		.where('k.created_at', '>=', since)
		.where((eb) =>
			eb.exists(
				eb
					.selectFrom('kudos_recipients as kr')
					.select('kr.kudos_id')
					.whereRef('kr.kudos_id', '=', 'k.id')
					.where('kr.organization_id', '=', organizationId)
					.where('kr.user_id', 'in', userIds)
			)
		)
		.orderBy('k.created_at', 'desc')
		.orderBy('k.id', 'desc')
		.limit(limit)
		.execute();
}

export function recipientsOf(db: Db, organizationId: string, kudosIds: string[]) {
	if (kudosIds.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('kudos_recipients as r')
		.innerJoin('users as u', 'u.id', 'r.user_id')
		.select(['r.kudos_id', 'r.user_id', 'u.name'])
		.where('r.organization_id', '=', organizationId)
		.where('r.kudos_id', 'in', kudosIds)
		.orderBy('u.name')
		.execute();
}

export function reactionCountsOf(db: Db, organizationId: string, kudosIds: string[]) {
	if (kudosIds.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('kudos_reactions')
		.select(['kudos_id', 'emoji', sql<number>`count(*)::int`.as('n')])
		.where('organization_id', '=', organizationId)
		.where('kudos_id', 'in', kudosIds)
		.groupBy(['kudos_id', 'emoji'])
		.execute();
}

export function reactionsBy(db: Db, organizationId: string, userId: string, kudosIds: string[]) {
	if (kudosIds.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('kudos_reactions')
		.select(['kudos_id', 'emoji'])
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.where('kudos_id', 'in', kudosIds)
		.execute();
}

export function reportCountsOf(db: Db, organizationId: string, kudosIds: string[]) {
	if (kudosIds.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('kudos_reports')
		.select(['kudos_id', sql<number>`count(*)::int`.as('n')])
		.where('organization_id', '=', organizationId)
		.where('kudos_id', 'in', kudosIds)
		.groupBy('kudos_id')
		.execute();
}

/** Adds the reaction, or takes it away when the person had it; returns whether it is now on. */
export async function toggleReaction(db: Db, organizationId: string, kudosId: string, userId: string, emoji: string): Promise<boolean> {
	const removed = await db
		.deleteFrom('kudos_reactions')
		.where('organization_id', '=', organizationId)
		.where('kudos_id', '=', kudosId)
		.where('user_id', '=', userId)
		.where('emoji', '=', emoji)
		.returning('kudos_id')
		.executeTakeFirst();
	if (removed) return false;
	await db
		.insertInto('kudos_reactions')
		.values({ kudos_id: kudosId, organization_id: organizationId, user_id: userId, emoji })
		.onConflict((oc) => oc.doNothing())
		.execute();
	return true;
}

export async function insertReport(db: Db, organizationId: string, kudosId: string, userId: string, reason: string | null): Promise<boolean> {
	const row = await db
		.insertInto('kudos_reports')
		.values({ kudos_id: kudosId, organization_id: organizationId, user_id: userId, reason })
		.onConflict((oc) => oc.doNothing())
		.returning('kudos_id')
		.executeTakeFirst();
	return !!row;
}

/** Hides a visible kudos (once: a second hide finds nothing to change). */
export function hideKudosRow(db: Db, organizationId: string, id: string, by: string, reason: string) {
	return db
		.updateTable('kudos')
		.set({ hidden_at: new Date(), hidden_by: by, hidden_reason: reason })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('hidden_at', 'is', null)
		.returning(['id'])
		.executeTakeFirst();
}

export function setSpotlight(db: Db, organizationId: string, id: string, on: boolean) {
	return db
		.updateTable('kudos')
		.set({ spotlight_at: on ? new Date() : null })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('hidden_at', 'is', null)
		.returning(['id', 'spotlight_at'])
		.executeTakeFirst();
}

/**
 * Kudos with points whose recipients lack their event (the process stopped between the commit and the
 * award): key 'kudos:<id>:<user>'. Older than `before`, so gives in flight are left to their process.
 */
export function unpaidRecipients(db: Db, before: Date, limit = 500) {
	return db
		.selectFrom('kudos_recipients as r')
		.innerJoin('kudos as k', 'k.id', 'r.kudos_id')
		.select(['k.id', 'k.organization_id', 'k.points', 'k.created_at', 'r.user_id'])
		.where('k.points', '>', 0)
		.where('k.created_at', '<', before)
		.where('k.created_at', '>', new Date(before.getTime() - 7 * 86_400_000))
		.where((eb) =>
			eb.not(
				eb.exists(
					eb
						.selectFrom('score_events as e')
						.select('e.id')
						.whereRef('e.organization_id', '=', 'k.organization_id')
						.where('e.idempotency_key', '=', sql<string>`'kudos:' || k.id::text || ':' || r.user_id::text`)
				)
			)
		)
		.limit(limit)
		.execute();
}

/** Received kudos per value for a member (trophy case, demo). */
export function countKudos(db: Db, organizationId: string) {
	return db
		.selectFrom('kudos')
		.select(sql<number>`count(*)::int`.as('n'))
		.where('organization_id', '=', organizationId)
		.executeTakeFirstOrThrow();
}

/** Reactions written at once (the demo's history); a person's repeat of a reaction is kept once. */
export async function insertReactions(db: Db, rows: { kudos_id: string; organization_id: string; user_id: string; emoji: string; created_at: Date }[]) {
	if (rows.length === 0) return;
	await db.insertInto('kudos_reactions').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

/** The kudos a member received (hidden ones left out), grouped by company value: how many, the points they carried, the latest. */
export async function kudosReceivedByValue(db: Db, organizationId: string, userId: string) {
	const rows = await db
		.selectFrom('kudos_recipients as r')
		.innerJoin('kudos as k', 'k.id', 'r.kudos_id')
		.innerJoin('company_values as v', 'v.id', 'k.value_id')
		.select(['v.id', 'v.name', 'v.emoji', 'v.color', sql<string>`count(*)`.as('count'), sql<string>`coalesce(sum(k.points), 0)`.as('points'), sql<Date>`max(k.created_at)`.as('latest')])
		.where('r.organization_id', '=', organizationId)
		.where('r.user_id', '=', userId)
		.where('k.hidden_at', 'is', null)
		.groupBy(['v.id', 'v.name', 'v.emoji', 'v.color'])
		.orderBy(sql`count(*)`, 'desc')
		.orderBy('v.id')
		.execute();
	return rows.map((r) => ({ value: { id: r.id, name: r.name, emoji: r.emoji, color: r.color }, count: Number(r.count), points: Number(r.points), latest: new Date(r.latest).toISOString() }));
}
