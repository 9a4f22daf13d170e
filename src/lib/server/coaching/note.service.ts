// 1:1 coaching notes: dated notes about a rep, written by a leader who manages them (or an admin),
// private to managers or shared with the rep, with action items ticked off by the rep (items of shared
// notes) or by managers (all). Only a note's author edits it. To another rep a rep's notes do not exist
// (404); a leader of another team is refused (403); a member of another organization is missing (404).
import type { Db } from '../db';
import type { Actor } from '../org/actor';
import { accessOf, type Access } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { listMembers } from '../org/membership.repository';
import { AppError } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { noteCreateSchema, noteEditSchema, noteItemDoneSchema, type CoachingNoteView } from '../../shared/reviews';
import { managesMember } from './review.service';
import { findNote, findNoteItem, insertNote, insertNoteItems, listNoteItems, listNotes, setNoteItemDone, updateNote, type NoteRow } from './note.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who may read a rep's notes, and which: 'all' for managers, 'shared' for the rep, else a refusal. */
async function readerOf(db: Db, access: Access, subjectId: unknown, field = 'member'): Promise<{ subjectId: string; sees: 'all' | 'shared' }> {
	const members = await listMembers(db, access.actor.organizationId);
	const id = typeof subjectId === 'string' && UUID.test(subjectId) ? subjectId : null;
	if (!id || !members.some((m) => m.user_id === id)) throw new AppError(404, 'reviews.err.member', undefined, field);
	if (id === access.actor.userId) return { subjectId: id, sees: 'shared' };
	if (managesMember(access, id)) return { subjectId: id, sees: 'all' };
	if (access.actor.role === 'rep') throw new AppError(403, 'notes.err.notYours', undefined, field);
	throw new AppError(403, 'reviews.err.notYourTeam', undefined, field);
}

async function visibleNote(db: Db, access: Access, noteId: unknown): Promise<{ row: NoteRow; manager: boolean }> {
	const id = typeof noteId === 'string' && UUID.test(noteId) ? noteId : null;
	const row = id ? await findNote(db, access.actor.organizationId, id) : undefined;
	if (!row) throw new AppError(404, 'notes.err.notFound', undefined, 'noteId');
	if (row.subject_id === access.actor.userId) {
		if (!row.shared) throw new AppError(404, 'notes.err.notFound', undefined, 'noteId');
		return { row, manager: false };
	}
	if (managesMember(access, row.subject_id)) return { row, manager: true };
	if (access.actor.role === 'rep') throw new AppError(404, 'notes.err.notFound', undefined, 'noteId');
	throw new AppError(403, 'reviews.err.notYourTeam', undefined, 'noteId');
}

function viewsOf(access: Access, rows: NoteRow[], items: Awaited<ReturnType<typeof listNoteItems>>): CoachingNoteView[] {
	return rows.map((r) => {
		const manager = r.subject_id !== access.actor.userId;
		return {
			id: r.id,
			subject: { id: r.subject_id, name: r.subject_name },
			author: { id: r.author_id, name: r.author_name },
			onDay: r.on_day,
			body: r.body,
			shared: r.shared,
			createdAt: new Date(r.created_at).toISOString(),
			items: items.filter((i) => i.note_id === r.id).map((i) => ({ id: i.id, text: i.text, done: !!i.done_at, doneAt: i.done_at ? new Date(i.done_at).toISOString() : null })),
			can: { edit: r.author_id === access.actor.userId, tick: manager || r.shared }
		};
	});
}

/** A rep's notes as the actor may see them: all for managers, the shared ones for the rep. */
export async function notesOf(db: Db, actor: Actor, subjectId: unknown): Promise<CoachingNoteView[]> {
	const access = await accessOf(db, actor);
	const reader = await readerOf(db, access, subjectId);
	const rows = await listNotes(db, actor.organizationId, reader.subjectId, { sharedOnly: reader.sees === 'shared' });
	return viewsOf(access, rows, await listNoteItems(db, actor.organizationId, rows.map((r) => r.id)));
}

/** Whether the actor may read (and, as a manager, write) a member's notes: null when not at all. */
export async function noteAccess(db: Db, actor: Actor, subjectId: string): Promise<'all' | 'shared' | null> {
	const access = await accessOf(db, actor);
	try {
		return (await readerOf(db, access, subjectId)).sees;
	} catch (err) {
		if (err instanceof AppError) return null;
		throw err;
	}
}

/** A manager writes a note about a rep, with its action items. */
export async function createNote(db: Db, actor: Actor, subjectId: unknown, input: unknown): Promise<{ id: string }> {
	const access = await accessOf(db, actor);
	const reader = await readerOf(db, access, subjectId);
	if (reader.sees !== 'all') throw new AppError(403, 'notes.err.managersOnly', undefined, 'member');
	const data = parseInput(noteCreateSchema, input);
	return db.transaction().execute(async (trx) => {
		const note = await insertNote(trx, { organization_id: actor.organizationId, subject_id: reader.subjectId, author_id: actor.userId, on_day: data.onDay, body: data.body, shared: data.shared });
		await insertNoteItems(trx, actor.organizationId, note.id, data.items);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'coaching_note.created', targetType: 'coaching_note', targetId: note.id, data: { subjectId: reader.subjectId, shared: data.shared, items: data.items.length } });
		return { id: note.id };
	});
}

/** Only a note's author edits it (its text and whether the rep sees it). */
export async function editNote(db: Db, actor: Actor, noteId: unknown, input: unknown): Promise<void> {
	const access = await accessOf(db, actor);
	const { row } = await visibleNote(db, access, noteId);
	if (row.author_id !== actor.userId) throw new AppError(403, 'notes.err.notAuthor', undefined, 'noteId');
	const data = parseInput(noteEditSchema, input);
	await db.transaction().execute(async (trx) => {
		await updateNote(trx, actor.organizationId, row.id, data);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'coaching_note.edited', targetType: 'coaching_note', targetId: row.id, data: { shared: data.shared } });
	});
}

/** Ticks an action item: the rep items of shared notes, managers every item. */
export async function tickNoteItem(db: Db, actor: Actor, noteId: unknown, input: unknown): Promise<{ done: boolean }> {
	const access = await accessOf(db, actor);
	const { row } = await visibleNote(db, access, noteId);
	const data = parseInput(noteItemDoneSchema, input);
	const item = await findNoteItem(db, actor.organizationId, data.itemId);
	if (!item || item.note_id !== row.id) throw new AppError(404, 'notes.err.itemNotFound', undefined, 'itemId');
	await db.transaction().execute(async (trx) => {
		await setNoteItemDone(trx, actor.organizationId, item.id, data.done ? actor.userId : null);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'coaching_note.item_ticked', targetType: 'coaching_note', targetId: row.id, data: { itemId: item.id, done: data.done } });
	});
	return { done: data.done };
}
