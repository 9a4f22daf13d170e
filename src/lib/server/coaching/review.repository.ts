// Performance reviews, their revisions, comments, improvement plans (actions, check-ins). Every query is
// scoped by organization. acknowledgeReview is a conditional update, so of two concurrent
// acknowledgements exactly one gets the row back; markActionReminded/markCheckinReminded likewise let a
// reminder job run twice and notify once.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { ReviewWindow } from '../db/schema';

export interface NewReview {
	organization_id: string;
	subject_id: string;
	author_id: string;
	period_window: ReviewWindow;
	period_key: string;
	period_start: Date;
	period_end: Date;
	scorecard: string;
}

/** Inserts a review, or undefined when the rep already has one for that period. */
export function insertReview(db: Db, review: NewReview) {
	return db
		.insertInto('reviews')
		.values(review)
		.onConflict((oc) => oc.columns(['organization_id', 'subject_id', 'period_window', 'period_key']).doNothing())
		.returning(['id'])
		.executeTakeFirst();
}

export function findReviewOfPeriod(db: Db, organizationId: string, subjectId: string, window: ReviewWindow, key: string) {
	return db
		.selectFrom('reviews')
		.select('id')
		.where('organization_id', '=', organizationId)
		.where('subject_id', '=', subjectId)
		.where('period_window', '=', window)
		.where('period_key', '=', key)
		.executeTakeFirst();
}

function reviewQuery(db: Db, organizationId: string) {
	return db
		.selectFrom('reviews as r')
		.innerJoin('users as s', 's.id', 'r.subject_id')
		.innerJoin('users as a', 'a.id', 'r.author_id')
		.selectAll('r')
		.select(['s.name as subject_name', 'a.name as author_name'])
		.where('r.organization_id', '=', organizationId);
}

export type ReviewRow = Awaited<ReturnType<typeof findReview>> & object;

export function findReview(db: Db, organizationId: string, id: string) {
	return reviewQuery(db, organizationId).where('r.id', '=', id).executeTakeFirst();
}

/** Reviews of these reps ('all': the organization's), newest period first; only shared ones when asked. */
export function listReviews(db: Db, organizationId: string, subjects: string[] | 'all', options: { sharedOnly?: boolean; limit?: number } = {}) {
	if (subjects !== 'all' && subjects.length === 0) return Promise.resolve([]);
	let q = reviewQuery(db, organizationId);
	if (subjects !== 'all') q = q.where('r.subject_id', 'in', subjects);
	if (options.sharedOnly) q = q.where('r.status', '=', 'shared');
	return q.orderBy('r.period_start', 'desc').orderBy('r.created_at', 'desc').limit(options.limit ?? 200).execute();
}

/** Saves the texts; after sharing, the version moves on (the caller writes the revision in the same transaction). */
export function updateReviewText(db: Db, organizationId: string, id: string, text: { strengths: string; improvements: string; feedback: string }, bumpVersion: boolean) {
	return db
		.updateTable('reviews')
		.set({ ...text, updated_at: sql`now()`, ...(bumpVersion ? { version: sql`version + 1` } : {}) })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.returning(['version', 'status'])
		.executeTakeFirstOrThrow();
}

/** Draft → shared, once; undefined when it was shared already. */
export function shareReview(db: Db, organizationId: string, id: string) {
	return db
		.updateTable('reviews')
		.set({ status: 'shared', shared_at: sql`now()`, updated_at: sql`now()`, version: sql`version + 1` })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', '=', 'draft')
		.returning(['version', 'strengths', 'improvements', 'feedback'])
		.executeTakeFirst();
}

/** The rep's acknowledgement: once (undefined when it was acknowledged already, or is not shared). */
export function acknowledgeReview(db: Db, organizationId: string, id: string, subjectId: string) {
	return db
		.updateTable('reviews')
		.set({ acknowledged_at: sql`now()` })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('subject_id', '=', subjectId)
		.where('status', '=', 'shared')
		.where('acknowledged_at', 'is', null)
		.returning(['acknowledged_at'])
		.executeTakeFirst();
}

export function openPlan(db: Db, organizationId: string, id: string, goal: string) {
	return db
		.updateTable('reviews')
		.set({ plan_goal: goal, plan_opened_at: sql`coalesce(plan_opened_at, now())`, updated_at: sql`now()` })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.execute();
}

export function insertRevision(db: Db, revision: { organization_id: string; review_id: string; version: number; editor_id: string; strengths: string; improvements: string; feedback: string }) {
	return db.insertInto('review_revisions').values(revision).execute();
}

export function listRevisions(db: Db, organizationId: string, reviewId: string) {
	return db
		.selectFrom('review_revisions as v')
		.innerJoin('users as u', 'u.id', 'v.editor_id')
		.select(['v.version', 'v.editor_id', 'u.name as editor_name', 'v.strengths', 'v.improvements', 'v.feedback', 'v.created_at'])
		.where('v.organization_id', '=', organizationId)
		.where('v.review_id', '=', reviewId)
		.orderBy('v.version', 'desc')
		.execute();
}

export function insertReviewComment(db: Db, comment: { organization_id: string; review_id: string; author_id: string; body: string }) {
	return db.insertInto('review_comments').values(comment).returning(['id']).executeTakeFirstOrThrow();
}

export function listReviewComments(db: Db, organizationId: string, reviewId: string) {
	return db
		.selectFrom('review_comments as c')
		.innerJoin('users as u', 'u.id', 'c.author_id')
		.select(['c.id', 'c.author_id', 'u.name as author_name', 'c.body', 'c.created_at'])
		.where('c.organization_id', '=', organizationId)
		.where('c.review_id', '=', reviewId)
		.orderBy('c.id')
		.execute();
}

export function insertAction(db: Db, action: { organization_id: string; review_id: string; text: string; owner: 'rep' | 'leader'; due_on: string }) {
	return db.insertInto('review_actions').values(action).returning(['id', 'due_on']).executeTakeFirstOrThrow();
}

export function listActions(db: Db, organizationId: string, reviewIds: string[]) {
	if (reviewIds.length === 0) return Promise.resolve([]);
	return db.selectFrom('review_actions').selectAll().where('organization_id', '=', organizationId).where('review_id', 'in', reviewIds).orderBy('due_on').orderBy('created_at').execute();
}

export function findAction(db: Db, organizationId: string, id: string) {
	return db.selectFrom('review_actions').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export function setActionDone(db: Db, organizationId: string, id: string, doneBy: string | null) {
	return db
		.updateTable('review_actions')
		.set(doneBy ? { done_at: sql`coalesce(done_at, now())`, done_by: sql`coalesce(done_by, ${doneBy}::uuid)` } : { done_at: null, done_by: null })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.execute();
}

export function insertCheckin(db: Db, checkin: { organization_id: string; review_id: string; on_day: string; note: string }) {
	return db.insertInto('review_checkins').values(checkin).returning(['id', 'on_day']).executeTakeFirstOrThrow();
}

export function listCheckins(db: Db, organizationId: string, reviewIds: string[]) {
	if (reviewIds.length === 0) return Promise.resolve([]);
	return db.selectFrom('review_checkins').selectAll().where('organization_id', '=', organizationId).where('review_id', 'in', reviewIds).orderBy('on_day').execute();
}

/** Marks an open action reminded for its due day; undefined when done, moved, or reminded already. */
export function markActionReminded(db: Db, id: string, day: string) {
	return db
		.updateTable('review_actions')
		.set({ reminded_on: day })
		.where('id', '=', id)
		.where('due_on', '=', day)
		.where('done_at', 'is', null)
		.where((eb) => eb.or([eb('reminded_on', 'is', null), eb('reminded_on', '<>', day)]))
		.returning(['organization_id', 'review_id', 'text', 'owner'])
		.executeTakeFirst();
}

export function markCheckinReminded(db: Db, id: string, day: string) {
	return db
		.updateTable('review_checkins')
		.set({ reminded_on: day })
		.where('id', '=', id)
		.where('on_day', '=', day)
		.where((eb) => eb.or([eb('reminded_on', 'is', null), eb('reminded_on', '<>', day)]))
		.returning(['organization_id', 'review_id', 'note'])
		.executeTakeFirst();
}

/** What is coming up in the plans of shared reviews of these reps: open actions and check-ins up to `until`. */
export async function upcomingPlanItems(db: Db, organizationId: string, subjects: string[], until: string) {
	if (subjects.length === 0) return { actions: [], checkins: [] };
	const [actions, checkins] = await Promise.all([
		db
			.selectFrom('review_actions as x')
			.innerJoin('reviews as r', 'r.id', 'x.review_id')
			.select(['x.id', 'x.review_id', 'x.text', 'x.owner', 'x.due_on', 'r.subject_id', 'r.author_id'])
			.where('x.organization_id', '=', organizationId)
			.where('r.subject_id', 'in', subjects)
			.where('r.status', '=', 'shared')
			.where('x.done_at', 'is', null)
			.where('x.due_on', '<=', until)
			.orderBy('x.due_on')
			.limit(20)
			.execute(),
		db
			.selectFrom('review_checkins as c')
			.innerJoin('reviews as r', 'r.id', 'c.review_id')
			.select(['c.id', 'c.review_id', 'c.on_day', 'c.note', 'r.subject_id', 'r.author_id'])
			.where('c.organization_id', '=', organizationId)
			.where('r.subject_id', 'in', subjects)
			.where('r.status', '=', 'shared')
			.where('c.on_day', '<=', until)
			.orderBy('c.on_day', 'desc')
			.limit(20)
			.execute()
	]);
	return { actions, checkins };
}

/** Shared reviews of this rep still waiting for their acknowledgement. */
export function reviewsToAcknowledge(db: Db, organizationId: string, subjectId: string) {
	return db
		.selectFrom('reviews')
		.select(['id', 'period_window', 'period_key'])
		.where('organization_id', '=', organizationId)
		.where('subject_id', '=', subjectId)
		.where('status', '=', 'shared')
		.where('acknowledged_at', 'is', null)
		.orderBy('shared_at', 'desc')
		.limit(5)
		.execute();
}
