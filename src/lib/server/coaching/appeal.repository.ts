// Appeals and their threads. An appeal leaves 'open' once: resolveAppeal is a conditional update, so of
// two concurrent resolutions exactly one gets the row back.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { AppealKind, AppealStatus } from '../db/schema';

export interface NewAppeal {
	organization_id: string;
	event_id: number;
	appellant_id: string;
	kind: AppealKind;
	reason: string;
	suggested_user_id: string | null;
}

/** Inserts an appeal, or returns undefined when the event already has an open one (the partial unique index). */
export async function insertAppeal(db: Db, appeal: NewAppeal) {
	return db
		.insertInto('appeals')
		.values(appeal)
		.onConflict((oc) => oc.column('event_id').where('status', '=', 'open').doNothing())
		.returning(['id', 'created_at'])
		.executeTakeFirst();
}

export function openAppealOfEvent(db: Db, organizationId: string, eventId: number) {
	return db.selectFrom('appeals').select('id').where('organization_id', '=', organizationId).where('event_id', '=', eventId).where('status', '=', 'open').executeTakeFirst();
}

function appealQuery(db: Db, organizationId: string) {
	return db
		.selectFrom('appeals as a')
		.innerJoin('score_events as e', 'e.id', 'a.event_id')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.innerJoin('users as u', 'u.id', 'a.appellant_id')
		.leftJoin('users as s', 's.id', 'a.suggested_user_id')
		.leftJoin('users as r', 'r.id', 'a.resolver_id')
		.leftJoin('users as c', 'c.id', 'a.recredit_user_id')
		.select([
			'a.id',
			'a.event_id',
			'a.appellant_id',
			'a.kind',
			'a.reason',
			'a.suggested_user_id',
			'a.status',
			'a.resolver_id',
			'a.resolution_reason',
			'a.recredit_user_id',
			'a.created_at',
			'a.resolved_at',
			'u.name as appellant_name',
			's.name as suggested_name',
			'r.name as resolver_name',
			'c.name as recredit_name',
			'e.user_id as event_user_id',
			'e.value',
			'e.points',
			'e.occurred_at',
			'e.note',
			'm.key as metric_key',
			'm.name as metric_name',
			'm.unit as metric_unit',
			'm.currency as metric_currency'
		])
		.where('a.organization_id', '=', organizationId);
}

export type AppealRow = Awaited<ReturnType<typeof findAppeal>> & object;

export function findAppeal(db: Db, organizationId: string, id: string) {
	return appealQuery(db, organizationId).where('a.id', '=', id).executeTakeFirst();
}

/** Appeals of the organization, open first then newest; limited to some appellants when given. */
export function listAppeals(db: Db, organizationId: string, appellants: string[] | 'all', limit = 200) {
	if (appellants !== 'all' && appellants.length === 0) return Promise.resolve([]);
	let q = appealQuery(db, organizationId);
	if (appellants !== 'all') q = q.where('a.appellant_id', 'in', appellants);
	return q
		.orderBy(sql`case when a.status = 'open' then 0 else 1 end`)
		.orderBy('a.created_at', 'desc')
		.limit(limit)
		.execute();
}

/** Open appeals among these appellants ('all': the whole organization). */
export async function countOpenAppeals(db: Db, organizationId: string, appellants: string[] | 'all') {
	if (appellants !== 'all' && appellants.length === 0) return 0;
	let q = db.selectFrom('appeals').select(sql<number>`count(*)::int`.as('n')).where('organization_id', '=', organizationId).where('status', '=', 'open');
	if (appellants !== 'all') q = q.where('appellant_id', 'in', appellants);
	const row = await q.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Moves an open appeal to its resolution; undefined when it was not open any more (someone else resolved it). */
export function resolveAppeal(
	db: Db,
	organizationId: string,
	id: string,
	resolution: { status: Exclude<AppealStatus, 'open'>; resolverId: string; reason: string; recreditUserId: string | null }
) {
	return db
		.updateTable('appeals')
		.set({
			status: resolution.status,
			resolver_id: resolution.resolverId,
			resolution_reason: resolution.reason,
			recredit_user_id: resolution.recreditUserId,
			resolved_at: sql`now()`,
			updated_at: sql`now()`
		})
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', '=', 'open')
		.returning('id')
		.executeTakeFirst();
}

/** Puts a claimed appeal back to open when its resolution could not be carried out. */
export function reopenAppeal(db: Db, organizationId: string, id: string) {
	return db
		.updateTable('appeals')
		.set({ status: 'open', resolver_id: null, resolution_reason: null, recredit_user_id: null, resolved_at: null, updated_at: sql`now()` })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.execute();
}

export function insertAppealMessage(db: Db, message: { organization_id: string; appeal_id: string; author_id: string; body: string }) {
	return db.insertInto('appeal_messages').values(message).returning(['id', 'created_at']).executeTakeFirstOrThrow();
}

export function listAppealMessages(db: Db, organizationId: string, appealIds: string[]) {
	if (appealIds.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('appeal_messages as x')
		.innerJoin('users as u', 'u.id', 'x.author_id')
		.select(['x.id', 'x.appeal_id', 'x.author_id', 'x.body', 'x.created_at', 'u.name as author_name'])
		.where('x.organization_id', '=', organizationId)
		.where('x.appeal_id', 'in', appealIds)
		.orderBy('x.id')
		.execute();
}

/** The event ids of these events that are under an open appeal. */
export async function appealedEventIds(db: Db, organizationId: string, eventIds: number[]) {
	if (eventIds.length === 0) return new Set<number>();
	const rows = await db.selectFrom('appeals').select('event_id').where('organization_id', '=', organizationId).where('status', '=', 'open').where('event_id', 'in', eventIds).execute();
	return new Set(rows.map((r) => Number(r.event_id)));
}
