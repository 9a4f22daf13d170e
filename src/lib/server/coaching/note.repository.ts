// 1:1 coaching notes and their action items. Every query is scoped by organization; the service decides
// who sees private notes (leaders who manage the rep, admins) and who ticks what.
import { sql } from 'kysely';
import type { Db } from '../db';

export function insertNote(db: Db, note: { organization_id: string; subject_id: string; author_id: string; on_day: string; body: string; shared: boolean }) {
	return db.insertInto('coaching_notes').values(note).returning(['id']).executeTakeFirstOrThrow();
}

export function insertNoteItems(db: Db, organizationId: string, noteId: string, items: string[]) {
	if (items.length === 0) return Promise.resolve([]);
	return db
		.insertInto('coaching_note_items')
		.values(items.map((text, position) => ({ organization_id: organizationId, note_id: noteId, position, text })))
		.returning(['id'])
		.execute();
}

function noteQuery(db: Db, organizationId: string) {
	return db
		.selectFrom('coaching_notes as n')
		.innerJoin('users as s', 's.id', 'n.subject_id')
		.innerJoin('users as a', 'a.id', 'n.author_id')
		.select(['n.id', 'n.subject_id', 'n.author_id', 'n.on_day', 'n.body', 'n.shared', 'n.created_at', 's.name as subject_name', 'a.name as author_name'])
		.where('n.organization_id', '=', organizationId);
}

export type NoteRow = Awaited<ReturnType<typeof findNote>> & object;

export function findNote(db: Db, organizationId: string, id: string) {
	return noteQuery(db, organizationId).where('n.id', '=', id).executeTakeFirst();
}

/** A rep's notes, newest day first; only the shared ones when asked. */
export function listNotes(db: Db, organizationId: string, subjectId: string, options: { sharedOnly: boolean; limit?: number }) {
	let q = noteQuery(db, organizationId).where('n.subject_id', '=', subjectId);
	if (options.sharedOnly) q = q.where('n.shared', '=', true);
	return q.orderBy('n.on_day', 'desc').orderBy('n.created_at', 'desc').limit(options.limit ?? 100).execute();
}

export function updateNote(db: Db, organizationId: string, id: string, change: { body: string; shared: boolean }) {
	return db.updateTable('coaching_notes').set({ ...change, updated_at: sql`now()` }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export function listNoteItems(db: Db, organizationId: string, noteIds: string[]) {
	if (noteIds.length === 0) return Promise.resolve([]);
	return db.selectFrom('coaching_note_items').selectAll().where('organization_id', '=', organizationId).where('note_id', 'in', noteIds).orderBy('position').orderBy('created_at').execute();
}

export function findNoteItem(db: Db, organizationId: string, id: string) {
	return db.selectFrom('coaching_note_items').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export function setNoteItemDone(db: Db, organizationId: string, id: string, doneBy: string | null) {
	return db
		.updateTable('coaching_note_items')
		.set(doneBy ? { done_at: sql`coalesce(done_at, now())`, done_by: sql`coalesce(done_by, ${doneBy}::uuid)` } : { done_at: null, done_by: null })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.execute();
}
