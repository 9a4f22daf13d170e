// Training: every query is scoped by organization. A member's quiz attempts on one module are numbered
// under a per-(member, module) advisory lock held by the transaction that counts and inserts them, and
// the number is unique, so concurrent submissions never pass the attempt limit; a completion is unique
// per member and course, so it is written (and paid) once however many requests race to complete it.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { TrainingCourseStatus } from '../db/schema';
import type { LocalizedText } from '../../shared/localized';

/** Members (active or not) with their e-mail, external id, role and team. */
export function trainingRoster(db: Db, organizationId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id'))
		.select(['m.user_id', 'm.role', 'm.status', 'm.external_id', 'u.name', 'u.email', 'tm.team_id'])
		.where('m.organization_id', '=', organizationId)
		.orderBy('u.name')
		.execute();
}

export function teamNames(db: Db, organizationId: string) {
	return db.selectFrom('teams').select(['id', 'name', 'archived_at']).where('organization_id', '=', organizationId).orderBy('name').execute();
}

export function organizationClockRow(db: Db, organizationId: string) {
	return db.selectFrom('organizations').select(['time_zone', 'week_start']).where('id', '=', organizationId).executeTakeFirstOrThrow();
}

// ---- courses ----

const courseColumns = [
	'c.id',
	'c.organization_id',
	'c.title',
	'c.description',
	'c.status',
	'c.points',
	'c.created_by',
	'c.created_at',
	'c.updated_at',
	'c.published_at',
	'u.name as created_by_name',
	sql<number>`(select count(*)::int from training_modules mo where mo.course_id = c.id)`.as('modules'),
	sql<number>`(select count(*)::int from training_modules mo where mo.course_id = c.id and mo.quiz is not null)`.as('quizzes')
] as const;

function courseQuery(db: Db, organizationId: string) {
	return db.selectFrom('training_courses as c').leftJoin('users as u', 'u.id', 'c.created_by').select(courseColumns).where('c.organization_id', '=', organizationId);
}

export type CourseRow = NonNullable<Awaited<ReturnType<typeof findCourse>>>;

export function findCourse(db: Db, organizationId: string, id: string) {
	return courseQuery(db, organizationId).where('c.id', '=', id).executeTakeFirst();
}

export function listCourseRows(db: Db, organizationId: string, statuses?: TrainingCourseStatus[]) {
	let q = courseQuery(db, organizationId);
	if (statuses) q = q.where('c.status', 'in', statuses);
	return q.orderBy('c.updated_at', 'desc').orderBy('c.id').execute();
}

export async function insertCourse(db: Db, row: { organizationId: string; title: LocalizedText; description: LocalizedText; points: number; createdBy: string | null; status?: TrainingCourseStatus; publishedAt?: Date | null; createdAt?: Date }) {
	const inserted = await db
		.insertInto('training_courses')
		.values({
			organization_id: row.organizationId,
			title: JSON.stringify(row.title),
			description: JSON.stringify(row.description),
			points: row.points,
			created_by: row.createdBy,
			...(row.status ? { status: row.status } : {}),
			published_at: row.publishedAt ?? null,
			...(row.createdAt ? { created_at: row.createdAt, updated_at: row.createdAt } : {})
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return inserted.id;
}

export function updateCourseRow(db: Db, organizationId: string, id: string, fields: { title: LocalizedText; description: LocalizedText; points: number }) {
	return db
		.updateTable('training_courses')
		.set({ title: JSON.stringify(fields.title), description: JSON.stringify(fields.description), points: fields.points, updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.returning('id')
		.executeTakeFirst();
}

/** Moves a course to `to` from one of `from` (a conditional update: a race changes it once). */
export function setCourseStatus(db: Db, organizationId: string, id: string, from: TrainingCourseStatus[], to: TrainingCourseStatus) {
	return db
		.updateTable('training_courses')
		.set({ status: to, updated_at: new Date(), ...(to === 'published' ? { published_at: new Date() } : {}) })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', 'in', from)
		.returning('id')
		.executeTakeFirst();
}

export function touchCourse(db: Db, organizationId: string, id: string) {
	return db.updateTable('training_courses').set({ updated_at: new Date() }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

// ---- modules ----

const moduleColumns = ['id', 'organization_id', 'course_id', 'position', 'title', 'body', 'video_url', 'quiz', 'updated_at'] as const;

export type ModuleRow = NonNullable<Awaited<ReturnType<typeof findModule>>>;

export function listModuleRows(db: Db, organizationId: string, courseId: string) {
	return db.selectFrom('training_modules').select(moduleColumns).where('organization_id', '=', organizationId).where('course_id', '=', courseId).orderBy('position').orderBy('id').execute();
}

export function findModule(db: Db, organizationId: string, id: string) {
	return db.selectFrom('training_modules').select(moduleColumns).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

/** Serializes edits of one course's modules (adding, moving, deleting) until the transaction ends. */
export async function lockCourse(trx: Db, organizationId: string, courseId: string) {
	await sql`select pg_advisory_xact_lock(hashtext(${`training:course:${organizationId}:${courseId}`}))`.execute(trx);
}

export async function insertModule(db: Db, row: { organizationId: string; courseId: string; title: LocalizedText; body: LocalizedText; videoUrl: string | null; quiz: unknown | null }) {
	const last = await db
		.selectFrom('training_modules')
		.select(sql<number>`coalesce(max(position), -1)::int`.as('position'))
		.where('organization_id', '=', row.organizationId)
		.where('course_id', '=', row.courseId)
		.executeTakeFirstOrThrow();
	const inserted = await db
		.insertInto('training_modules')
		.values({
			organization_id: row.organizationId,
			course_id: row.courseId,
			position: last.position + 1,
			title: JSON.stringify(row.title),
			body: JSON.stringify(row.body),
			video_url: row.videoUrl,
			quiz: row.quiz === null ? null : JSON.stringify(row.quiz)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return inserted.id;
}

export function countModules(db: Db, organizationId: string, courseId: string) {
	return db
		.selectFrom('training_modules')
		.select(sql<number>`count(*)::int`.as('n'))
		.where('organization_id', '=', organizationId)
		.where('course_id', '=', courseId)
		.executeTakeFirstOrThrow()
		.then((r) => r.n);
}

export function updateModuleRow(db: Db, organizationId: string, id: string, fields: { title: LocalizedText; body: LocalizedText; videoUrl: string | null; quiz: unknown | null }) {
	return db
		.updateTable('training_modules')
		.set({ title: JSON.stringify(fields.title), body: JSON.stringify(fields.body), video_url: fields.videoUrl, quiz: fields.quiz === null ? null : JSON.stringify(fields.quiz), updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.returning('id')
		.executeTakeFirst();
}

export function deleteModuleRow(db: Db, organizationId: string, id: string) {
	return db.deleteFrom('training_modules').where('organization_id', '=', organizationId).where('id', '=', id).returning('id').executeTakeFirst();
}

export async function setModulePositions(db: Db, organizationId: string, ids: string[]) {
	for (const [position, id] of ids.entries()) {
		await db.updateTable('training_modules').set({ position }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
	}
}

// ---- assignments ----

/** Assigns (or assigns again: a new due day, note and assigner; the reminder is owed again). */
export function upsertAssignments(db: Db, rows: { organizationId: string; courseId: string; userId: string; assignedBy: string | null; dueOn: string; note: string | null; plan: boolean; createdAt?: Date }[]) {
	if (rows.length === 0) return Promise.resolve([]);
	return db
		.insertInto('training_assignments')
		.values(
			rows.map((r) => ({
				organization_id: r.organizationId,
				course_id: r.courseId,
				user_id: r.userId,
				assigned_by: r.assignedBy,
				due_on: r.dueOn,
				note: r.note,
				plan: r.plan,
				...(r.createdAt ? { created_at: r.createdAt, updated_at: r.createdAt } : {})
			}))
		)
		.onConflict((oc) =>
			oc.columns(['course_id', 'user_id']).doUpdateSet((eb) => ({
				due_on: eb.ref('excluded.due_on'),
				note: eb.ref('excluded.note'),
				assigned_by: eb.ref('excluded.assigned_by'),
				plan: eb.ref('excluded.plan'),
				reminded_on: null,
				updated_at: new Date()
			}))
		)
		.returning(['id', 'user_id', 'due_on'])
		.execute();
}

const assignmentColumns = [
	'a.id',
	'a.course_id',
	'a.user_id',
	'a.due_on',
	'a.note',
	'a.plan',
	'a.reminded_on',
	'a.created_at',
	'a.assigned_by',
	'c.title as course_title',
	'c.points as course_points',
	'c.status as course_status',
	'u.name as user_name',
	'b.name as assigned_by_name'
] as const;

export type AssignmentRow = Awaited<ReturnType<typeof listAssignmentRows>>[number];

export function listAssignmentRows(db: Db, organizationId: string, filter: { userIds?: string[]; courseId?: string; ids?: string[] } = {}) {
	if (filter.userIds && filter.userIds.length === 0) return Promise.resolve([]);
	let q = db
		.selectFrom('training_assignments as a')
		.innerJoin('training_courses as c', 'c.id', 'a.course_id')
		.innerJoin('users as u', 'u.id', 'a.user_id')
		.leftJoin('users as b', 'b.id', 'a.assigned_by')
		.select(assignmentColumns)
		.where('a.organization_id', '=', organizationId);
	if (filter.userIds) q = q.where('a.user_id', 'in', filter.userIds);
	if (filter.courseId) q = q.where('a.course_id', '=', filter.courseId);
	if (filter.ids) q = q.where('a.id', 'in', filter.ids);
	return q.orderBy('a.due_on').orderBy('u.name').orderBy('a.id').execute();
}

export function findAssignmentRow(db: Db, organizationId: string, id: string) {
	return listAssignmentRows(db, organizationId, { ids: [id] }).then((rows) => rows[0]);
}

export function deleteAssignmentRow(db: Db, organizationId: string, id: string) {
	return db.deleteFrom('training_assignments').where('organization_id', '=', organizationId).where('id', '=', id).returning('id').executeTakeFirst();
}

/** Marks the reminder of the assignment's due day sent, once: null when it was sent or the day moved. */
export function markReminded(db: Db, assignmentId: string, dueOn: string) {
	return db
		.updateTable('training_assignments')
		.set({ reminded_on: dueOn })
		.where('id', '=', assignmentId)
		.where('due_on', '=', dueOn)
		.where((eb) => eb.or([eb('reminded_on', 'is', null), eb('reminded_on', '<>', dueOn)]))
		.returning(['id', 'organization_id', 'user_id', 'course_id'])
		.executeTakeFirst();
}

/** Assignments due on or before `day` whose reminder for that due day was not sent (a lost job). */
export function unremindedAssignments(db: Db, organizationId: string, day: string) {
	return db
		.selectFrom('training_assignments')
		.select(['id', 'due_on'])
		.where('organization_id', '=', organizationId)
		.where('due_on', '=', day)
		.where((eb) => eb.or([eb('reminded_on', 'is', null), eb('reminded_on', '<>', day)]))
		.execute();
}

// ---- progress, attempts and completions ----

export function progressRows(db: Db, organizationId: string, filter: { userIds?: string[]; courseIds?: string[] }) {
	if (filter.userIds?.length === 0 || filter.courseIds?.length === 0) return Promise.resolve([]);
	let q = db.selectFrom('training_progress').select(['module_id', 'user_id', 'course_id', 'completed_at']).where('organization_id', '=', organizationId);
	if (filter.userIds) q = q.where('user_id', 'in', filter.userIds);
	if (filter.courseIds) q = q.where('course_id', 'in', filter.courseIds);
	return q.execute();
}

/** The module is done for the member (kept from the first time). */
export async function markModuleDone(db: Db, row: { organizationId: string; courseId: string; moduleId: string; userId: string; at: Date }) {
	await db
		.insertInto('training_progress')
		.values({ organization_id: row.organizationId, course_id: row.courseId, module_id: row.moduleId, user_id: row.userId, started_at: row.at, completed_at: row.at })
		.onConflict((oc) => oc.columns(['module_id', 'user_id']).doUpdateSet({ completed_at: sql`coalesce(training_progress.completed_at, excluded.completed_at)` }))
		.execute();
}

/** The member opened the module (progress without completing it). */
export async function markModuleStarted(db: Db, row: { organizationId: string; courseId: string; moduleId: string; userId: string; at: Date }) {
	await db
		.insertInto('training_progress')
		.values({ organization_id: row.organizationId, course_id: row.courseId, module_id: row.moduleId, user_id: row.userId, started_at: row.at, completed_at: null })
		.onConflict((oc) => oc.doNothing())
		.execute();
}

/** How many of the course's modules the member has done, and how many it has. */
export async function courseProgressOf(db: Db, organizationId: string, courseId: string, userId: string) {
	const row = await db
		.selectFrom('training_modules as mo')
		.leftJoin('training_progress as p', (j) => j.onRef('p.module_id', '=', 'mo.id').on('p.user_id', '=', userId))
		.select([sql<number>`count(*)::int`.as('total'), sql<number>`count(p.completed_at)::int`.as('done')])
		.where('mo.organization_id', '=', organizationId)
		.where('mo.course_id', '=', courseId)
		.executeTakeFirstOrThrow();
	return row;
}

/** Serializes one member's quiz submissions on one module until the transaction ends. */
export async function lockMemberModule(trx: Db, organizationId: string, userId: string, moduleId: string) {
	await sql`select pg_advisory_xact_lock(hashtext(${`training:quiz:${organizationId}:${userId}:${moduleId}`}))`.execute(trx);
}

export async function attemptsOn(db: Db, organizationId: string, userId: string, moduleId: string) {
	const row = await db
		.selectFrom('training_quiz_attempts')
		.select([sql<number>`count(*)::int`.as('used'), sql<boolean>`coalesce(bool_or(passed), false)`.as('passed'), sql<number | null>`max(score)`.as('best')])
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.where('module_id', '=', moduleId)
		.executeTakeFirstOrThrow();
	return { used: row.used, passed: row.passed, best: row.best === null ? null : Number(row.best) };
}

export async function insertAttempt(db: Db, row: { organizationId: string; courseId: string; moduleId: string; userId: string; attempt: number; answers: unknown; correct: number; total: number; score: number; passed: boolean; createdAt?: Date }) {
	const inserted = await db
		.insertInto('training_quiz_attempts')
		.values({
			organization_id: row.organizationId,
			course_id: row.courseId,
			module_id: row.moduleId,
			user_id: row.userId,
			attempt: row.attempt,
			answers: JSON.stringify(row.answers),
			correct: row.correct,
			total: row.total,
			score: row.score,
			passed: row.passed,
			...(row.createdAt ? { created_at: row.createdAt } : {})
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return inserted.id;
}

/** Attempts per member and module: how many, the best score, whether one passed. */
export function attemptSummaries(db: Db, organizationId: string, filter: { userIds?: string[]; courseIds?: string[] }) {
	if (filter.userIds?.length === 0 || filter.courseIds?.length === 0) return Promise.resolve([]);
	let q = db
		.selectFrom('training_quiz_attempts')
		.select(['user_id', 'module_id', 'course_id', sql<number>`count(*)::int`.as('used'), sql<number>`max(score)::int`.as('best'), sql<boolean>`bool_or(passed)`.as('passed')])
		.where('organization_id', '=', organizationId);
	if (filter.userIds) q = q.where('user_id', 'in', filter.userIds);
	if (filter.courseIds) q = q.where('course_id', 'in', filter.courseIds);
	return q.groupBy(['user_id', 'module_id', 'course_id']).execute();
}

const completionColumns = ['k.id', 'k.course_id', 'k.user_id', 'k.source', 'k.external_id', 'k.points', 'k.completed_at', 'u.name as user_name'] as const;

export type CompletionRow = NonNullable<Awaited<ReturnType<typeof findCompletion>>>;

function completionQuery(db: Db, organizationId: string) {
	return db.selectFrom('training_completions as k').innerJoin('users as u', 'u.id', 'k.user_id').select(completionColumns).where('k.organization_id', '=', organizationId);
}

export function findCompletion(db: Db, organizationId: string, courseId: string, userId: string) {
	return completionQuery(db, organizationId).where('k.course_id', '=', courseId).where('k.user_id', '=', userId).executeTakeFirst();
}

export function findCompletionByExternalId(db: Db, organizationId: string, externalId: string) {
	return completionQuery(db, organizationId).where('k.external_id', '=', externalId).executeTakeFirst();
}

export function completionRows(db: Db, organizationId: string, filter: { userIds?: string[]; courseIds?: string[] }) {
	if (filter.userIds?.length === 0 || filter.courseIds?.length === 0) return Promise.resolve([]);
	let q = completionQuery(db, organizationId);
	if (filter.userIds) q = q.where('k.user_id', 'in', filter.userIds);
	if (filter.courseIds) q = q.where('k.course_id', 'in', filter.courseIds);
	return q.execute();
}

/** Records a completion unless the member completed the course already (or the external id is known): the new row, or undefined. */
export function insertCompletion(db: Db, row: { organizationId: string; courseId: string; userId: string; source: 'internal' | 'external' | 'demo'; externalId: string | null; points: number; completedAt: Date; recordedBy: string | null }) {
	return db
		.insertInto('training_completions')
		.values({
			organization_id: row.organizationId,
			course_id: row.courseId,
			user_id: row.userId,
			source: row.source,
			external_id: row.externalId,
			points: row.points,
			completed_at: row.completedAt,
			recorded_by: row.recordedBy
		})
		.onConflict((oc) => oc.doNothing())
		.returning('id')
		.executeTakeFirst();
}

/**
 * Completions with points whose event is missing (the process stopped between the commit and the
 * award): key 'training:<course>:<user>'. Older than `before`, so completions in flight are left to
 * their process.
 */
export function unpaidCompletions(db: Db, before: Date, limit = 500) {
	return db
		.selectFrom('training_completions as k')
		.innerJoin('training_courses as c', 'c.id', 'k.course_id')
		.select(['k.organization_id', 'k.course_id', 'k.user_id', 'k.points', 'k.completed_at', 'c.title'])
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
						.where('e.idempotency_key', '=', sql<string>`'training:' || k.course_id::text || ':' || k.user_id::text`)
				)
			)
		)
		.limit(limit)
		.execute();
}
