// The ideas board: ideas, one vote per member and idea, comments. An idea's status moves by a
// conditional UPDATE on the statuses it may leave, so concurrent moves make one transition.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { IdeaStatusColumn } from '../db/schema';

export async function insertIdea(db: Db, values: { organization_id: string; author_id: string; title: string; body: string; status?: IdeaStatusColumn; created_at?: Date }): Promise<string> {
	const row = await db.insertInto('ideas').values(values).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

export function findIdea(db: Db, organizationId: string, id: string) {
	return db
		.selectFrom('ideas as i')
		.innerJoin('users as u', 'u.id', 'i.author_id')
		.select(['i.id', 'i.organization_id', 'i.author_id', 'i.title', 'i.body', 'i.status', 'i.note', 'i.created_at', 'u.name as author_name'])
		.where('i.organization_id', '=', organizationId)
		.where('i.id', '=', id)
		.executeTakeFirst();
}

/** The board's ideas with their vote counts and whether `viewerId` voted, newest first. */
export function listIdeaRows(db: Db, organizationId: string, viewerId: string) {
	return db
		.selectFrom('ideas as i')
		.innerJoin('users as u', 'u.id', 'i.author_id')
		.select([
			'i.id',
			'i.author_id',
			'i.title',
			'i.body',
			'i.status',
			'i.note',
			'i.created_at',
			'u.name as author_name',
			sql<string>`(select count(*) from idea_votes v where v.idea_id = i.id)`.as('votes'),
			sql<boolean>`exists (select 1 from idea_votes v where v.idea_id = i.id and v.user_id = ${viewerId})`.as('voted')
		])
		.where('i.organization_id', '=', organizationId)
		.orderBy('i.created_at', 'desc')
		.limit(300)
		.execute();
}

export function commentsOf(db: Db, organizationId: string, ideaIds: string[]) {
	if (ideaIds.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('idea_comments as c')
		.innerJoin('users as u', 'u.id', 'c.user_id')
		.select(['c.id', 'c.idea_id', 'c.body', 'c.created_at', 'c.user_id', 'u.name as user_name'])
		.where('c.organization_id', '=', organizationId)
		.where('c.idea_id', 'in', ideaIds)
		.orderBy('c.id')
		.limit(2000)
		.execute();
}

/** Adds the member's vote, or takes it away when they had voted; true when the vote is now there. */
export async function toggleVoteRow(trx: Db, ideaId: string, userId: string): Promise<boolean> {
	const removed = await trx.deleteFrom('idea_votes').where('idea_id', '=', ideaId).where('user_id', '=', userId).executeTakeFirst();
	if (Number(removed.numDeletedRows) > 0) return false;
	await trx.insertInto('idea_votes').values({ idea_id: ideaId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
	return true;
}

export async function insertVote(db: Db, ideaId: string, userId: string) {
	await db.insertInto('idea_votes').values({ idea_id: ideaId, user_id: userId }).onConflict((oc) => oc.doNothing()).execute();
}

export async function insertComment(db: Db, values: { idea_id: string; organization_id: string; user_id: string; body: string; created_at?: Date }) {
	await db.insertInto('idea_comments').values(values).execute();
}

export async function updateIdeaIf(
	trx: Db,
	organizationId: string,
	id: string,
	from: IdeaStatusColumn[],
	values: { status: IdeaStatusColumn; note: string | null; decided_by: string }
): Promise<boolean> {
	if (from.length === 0) return false;
	const result = await trx
		.updateTable('ideas')
		.set({ ...values, updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', 'in', from)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}
