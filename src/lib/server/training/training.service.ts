// Training: courses of modules (sanitized Markdown, a video link, an optional quiz), assignments with due
// days, taking a course, quizzes, completions (in the app, or from an external LMS), points and the
// leaders' view. Access (org/access.ts): admins manage every course and assign to any active member;
// leaders create courses, edit their own, and assign published courses to active reps of the teams they
// manage; everyone takes published courses and their own assignments.
//
// Invariants: a member's quiz submissions on a module are serialized by an advisory lock in the
// transaction that counts and numbers the attempt (and the number is unique), so concurrent submissions
// never pass the attempt limit; a course is completed once per member (a unique row written in the
// transaction that finishes its last module, or by the LMS API keyed by its id), and its points are one
// event keyed 'training:<course>:<member>' (awardPoints), paid after the commit and again by the sweep
// if the process stopped in between, so a double submission never pays twice.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import { accessOf, type Access } from '../org/access';
import type { Actor } from '../org/actor';
import { recordAudit } from '../org/audit.repository';
import { AppError, forbidden, ValidationError, type FieldIssue } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import { parseInput } from '../platform/validation';
import { awardPoints, type Award } from '../scoring/event.service';
import { ensureSystemMetric } from '../scoring/metric.repository';
import { localize, type LocalizedText } from '../../shared/localized';
import { periodOf, zonedTimeToInstant, type OrgClock } from '../../shared/time-windows';
import { checkQuiz, isQuiz, quizView, scoreQuiz, type Quiz } from '../../shared/training/quiz';
import {
	apiCompletionSchema,
	assignInputSchema,
	assignmentState,
	courseInputSchema,
	courseRefSchema,
	isOverdue,
	moduleInputSchema,
	moduleRefSchema,
	moveModuleSchema,
	quizSubmitSchema,
	REMINDER_HOUR,
	TRAINING_METRIC,
	unassignSchema,
	type AssignmentView,
	type AttemptsView,
	type CompletionView,
	type CoursePlayerView,
	type CourseSummary,
	type ModuleView,
	type QuizOutcome,
	type ReportRow,
	type TeamReport
} from '../../shared/training/training';
import {
	attemptSummaries,
	attemptsOn,
	completionRows,
	countModules,
	courseProgressOf,
	deleteAssignmentRow,
	deleteModuleRow,
	findAssignmentRow,
	findCompletion,
	findCompletionByExternalId,
	findCourse,
	findModule,
	insertAttempt,
	insertCompletion,
	insertCourse,
	insertModule,
	listAssignmentRows,
	listCourseRows,
	listModuleRows,
	lockCourse,
	lockMemberModule,
	markModuleDone,
	markModuleStarted,
	markReminded,
	organizationClockRow,
	progressRows,
	setCourseStatus,
	setModulePositions,
	teamNames,
	touchCourse,
	trainingRoster,
	unpaidCompletions,
	updateCourseRow,
	updateModuleRow,
	upsertAssignments,
	type AssignmentRow,
	type CompletionRow,
	type CourseRow,
	type ModuleRow
} from './training.repository';

export interface TrainingDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
}

declare module '../platform/scheduler' {
	interface JobPayloads {
		/** The rep's reminder on the due day of an assignment (sent once per due day). */
		'training.reminder': { assignmentId: string; dueOn: string };
	}
}

const TRAINING_METRIC_NAME = { en: 'Training', 'zh-CN': '培训' };

type Roster = Awaited<ReturnType<typeof trainingRoster>>;

export async function clockOf(db: Db, organizationId: string): Promise<OrgClock> {
	const row = await organizationClockRow(db, organizationId);
	return { timeZone: row.time_zone, weekStart: row.week_start };
}

/** Today's local day (YYYY-MM-DD) in the organization's time zone. */
export const localDay = (now: Date, clock: OrgClock) => periodOf('day', now, clock).key;

const iso = (value: Date | string) => new Date(value).toISOString();

// ---- courses ----

const mayEdit = (access: Access, row: { created_by: string | null }) => access.isAdmin || (access.actor.role === 'leader' && row.created_by === access.actor.userId);
const mayManage = (actor: Actor) => actor.role === 'admin' || actor.role === 'leader';

function summaryOf(row: CourseRow, access?: Access): CourseSummary {
	return {
		id: row.id,
		title: row.title,
		description: row.description,
		status: row.status,
		points: row.points,
		modules: row.modules,
		quizzes: row.quizzes,
		createdBy: row.created_by ? { id: row.created_by, name: row.created_by_name ?? '' } : null,
		updatedAt: iso(row.updated_at),
		publishedAt: row.published_at ? iso(row.published_at) : null,
		...(access ? { canEdit: mayEdit(access, row) } : {})
	};
}

/** The course or 404 naming `field` (another organization's is missing too). */
async function courseOr404(db: Db, organizationId: string, courseId: string, field = 'courseId') {
	const row = await findCourse(db, organizationId, courseId);
	if (!row) throw new AppError(404, 'validation.notFound', undefined, field);
	return row;
}

async function editableCourse(db: Db, actor: Actor, courseId: string) {
	if (!mayManage(actor)) throw forbidden();
	const row = await courseOr404(db, actor.organizationId, courseId);
	const access = await accessOf(db, actor);
	if (!mayEdit(access, row)) throw forbidden();
	return row;
}

/** Courses as the reader may see them: leaders and admins every course; reps the published ones. */
export async function listCourses(db: Db, actor: Actor): Promise<CourseSummary[]> {
	const access = await accessOf(db, actor);
	const rows = await listCourseRows(db, actor.organizationId, mayManage(actor) ? undefined : ['published']);
	return rows.map((r) => summaryOf(r, access));
}

export async function createCourse(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: unknown): Promise<string> {
	if (!mayManage(actor)) throw forbidden();
	const course = parseInput(courseInputSchema, input);
	return deps.db.transaction().execute(async (trx) => {
		const id = await insertCourse(trx, { organizationId: actor.organizationId, ...course, createdBy: actor.userId });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'training.course_created', targetType: 'training_course', targetId: id, data: { title: course.title } });
		return id;
	});
}

export async function updateCourse(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: Record<string, unknown>): Promise<void> {
	const { courseId } = parseInput(courseRefSchema, input);
	const course = parseInput(courseInputSchema, input);
	await editableCourse(deps.db, actor, courseId);
	await deps.db.transaction().execute(async (trx) => {
		if (!(await updateCourseRow(trx, actor.organizationId, courseId, course))) throw new AppError(404, 'validation.notFound', undefined, 'courseId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'training.course_updated', targetType: 'training_course', targetId: courseId, data: { title: course.title, points: course.points } });
	});
}

/** Publishes a draft (or restores an archived course); a course needs a module first. */
export async function publishCourse(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: unknown): Promise<void> {
	const { courseId } = parseInput(courseRefSchema, input);
	const row = await editableCourse(deps.db, actor, courseId);
	if (row.status === 'published') throw new AppError(409, 'training.error.alreadyPublished', undefined, 'courseId');
	await deps.db.transaction().execute(async (trx) => {
		if ((await countModules(trx, actor.organizationId, courseId)) === 0) throw new AppError(409, 'training.error.noModules', undefined, 'courseId');
		if (!(await setCourseStatus(trx, actor.organizationId, courseId, ['draft', 'archived'], 'published'))) throw new AppError(409, 'training.error.alreadyPublished', undefined, 'courseId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'training.course_published', targetType: 'training_course', targetId: courseId });
	});
}

/** Archives a course: it leaves the list of courses to take; assignments and completions stay. */
export async function archiveCourse(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: unknown): Promise<void> {
	const { courseId } = parseInput(courseRefSchema, input);
	await editableCourse(deps.db, actor, courseId);
	await deps.db.transaction().execute(async (trx) => {
		if (!(await setCourseStatus(trx, actor.organizationId, courseId, ['draft', 'published'], 'archived'))) throw new AppError(409, 'training.error.alreadyArchived', undefined, 'courseId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'training.course_archived', targetType: 'training_course', targetId: courseId });
	});
}

function quizOf(value: unknown): Quiz | null {
	return isQuiz(value) ? value : null;
}

/** The quiz of a module form: none when the draft is empty or absent, else checked (issues name their fields). */
function parseQuizDraft(value: unknown): Quiz | null {
	let draft = value;
	if (typeof draft === 'string') {
		if (draft.trim() === '') return null;
		try {
			draft = JSON.parse(draft);
		} catch {
			throw new ValidationError([{ field: 'quiz', key: 'validation.invalid' }]);
		}
	}
	if (draft === null || draft === undefined || draft === false) return null;
	const checked = checkQuiz(draft);
	if (!checked.ok) throw new ValidationError(checked.issues.map((i): FieldIssue => ({ field: i.field, key: i.key, params: i.params })));
	return checked.quiz;
}

/** Adds a module to a course (moduleId absent) or edits one; the quiz is replaced as a whole. */
export async function saveModule(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: Record<string, unknown>): Promise<string> {
	const parsed = parseInput(moduleInputSchema, input);
	const quiz = parseQuizDraft(parsed.quiz);
	const course = await editableCourse(deps.db, actor, parsed.courseId);
	const fields = { title: parsed.title, body: parsed.body, videoUrl: parsed.videoUrl ?? null, quiz };
	return deps.db.transaction().execute(async (trx) => {
		await lockCourse(trx, actor.organizationId, course.id);
		let id = parsed.moduleId;
		if (id) {
			const existing = await findModule(trx, actor.organizationId, id);
			if (!existing || existing.course_id !== course.id) throw new AppError(404, 'validation.notFound', undefined, 'moduleId');
			await updateModuleRow(trx, actor.organizationId, id, fields);
		} else {
			if ((await countModules(trx, actor.organizationId, course.id)) >= 30) throw new AppError(409, 'training.error.tooManyModules', { max: 30 }, 'title');
			id = await insertModule(trx, { organizationId: actor.organizationId, courseId: course.id, ...fields });
		}
		await touchCourse(trx, actor.organizationId, course.id);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: parsed.moduleId ? 'training.module_updated' : 'training.module_added', targetType: 'training_module', targetId: id, data: { courseId: course.id, quiz: quiz !== null } });
		return id;
	});
}

async function editableModule(db: Db, actor: Actor, moduleId: string) {
	if (!mayManage(actor)) throw forbidden();
	const module = await findModule(db, actor.organizationId, moduleId);
	if (!module) throw new AppError(404, 'validation.notFound', undefined, 'moduleId');
	const course = await editableCourse(db, actor, module.course_id);
	return { module, course };
}

/** Deletes a module (a published course keeps at least one). */
export async function deleteModule(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: unknown): Promise<void> {
	const { moduleId } = parseInput(moduleRefSchema, input);
	const { course } = await editableModule(deps.db, actor, moduleId);
	await deps.db.transaction().execute(async (trx) => {
		await lockCourse(trx, actor.organizationId, course.id);
		const now = await findCourse(trx, actor.organizationId, course.id);
		if (now?.status === 'published' && (await countModules(trx, actor.organizationId, course.id)) <= 1) throw new AppError(409, 'training.error.lastModule', undefined, 'moduleId');
		if (!(await deleteModuleRow(trx, actor.organizationId, moduleId))) throw new AppError(404, 'validation.notFound', undefined, 'moduleId');
		await touchCourse(trx, actor.organizationId, course.id);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'training.module_deleted', targetType: 'training_module', targetId: moduleId, data: { courseId: course.id } });
	});
}

export async function moveModule(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: unknown): Promise<void> {
	const { moduleId, direction } = parseInput(moveModuleSchema, input);
	const { course } = await editableModule(deps.db, actor, moduleId);
	await deps.db.transaction().execute(async (trx) => {
		await lockCourse(trx, actor.organizationId, course.id);
		const ids = (await listModuleRows(trx, actor.organizationId, course.id)).map((m) => m.id);
		const at = ids.indexOf(moduleId);
		const to = direction === 'up' ? at - 1 : at + 1;
		if (at < 0 || to < 0 || to >= ids.length) return;
		[ids[at], ids[to]] = [ids[to], ids[at]];
		await setModulePositions(trx, actor.organizationId, ids);
		await touchCourse(trx, actor.organizationId, course.id);
	});
}

/** What the course editor shows: the course and its modules with their quizzes, answers included. */
export async function courseEditor(db: Db, actor: Actor, courseId: string) {
	const row = await editableCourse(db, actor, courseId);
	const access = await accessOf(db, actor);
	const modules = await listModuleRows(db, actor.organizationId, courseId);
	return {
		course: summaryOf(row, access),
		modules: modules.map((m) => ({ id: m.id, position: m.position, title: m.title, body: m.body, videoUrl: m.video_url, quiz: quizOf(m.quiz) }))
	};
}

// ---- assignments ----

interface Facts {
	courses: Map<string, CourseRow>;
	done: Map<string, number>;
	started: Set<string>;
	completions: Map<string, CompletionRow>;
	attempts: Map<string, { used: number; best: number | null }>;
}

const pairKey = (userId: string, courseId: string) => `${userId}:${courseId}`;

/** What the members did in the courses (modules done, attempts, completions), read once. */
async function factsOf(db: Db, organizationId: string, userIds: string[] | undefined, courseIds?: string[]): Promise<Facts> {
	const [courses, progress, completions, attempts] = await Promise.all([
		listCourseRows(db, organizationId),
		progressRows(db, organizationId, { userIds, courseIds }),
		completionRows(db, organizationId, { userIds, courseIds }),
		attemptSummaries(db, organizationId, { userIds, courseIds })
	]);
	const done = new Map<string, number>();
	const started = new Set<string>();
	for (const p of progress) {
		const key = pairKey(p.user_id, p.course_id);
		started.add(key);
		if (p.completed_at) done.set(key, (done.get(key) ?? 0) + 1);
	}
	const byAttempts = new Map<string, { used: number; best: number | null }>();
	for (const a of attempts) {
		const key = pairKey(a.user_id, a.course_id);
		started.add(key);
		const seen = byAttempts.get(key) ?? { used: 0, best: null };
		byAttempts.set(key, { used: seen.used + a.used, best: Math.max(seen.best ?? 0, Number(a.best)) });
	}
	return {
		courses: new Map(courses.map((c) => [c.id, c])),
		done,
		started,
		completions: new Map(completions.map((c) => [pairKey(c.user_id, c.course_id), c])),
		attempts: byAttempts
	};
}

function assignmentView(row: AssignmentRow, facts: Facts, today: string): AssignmentView {
	const key = pairKey(row.user_id, row.course_id);
	const completion = facts.completions.get(key);
	const total = facts.courses.get(row.course_id)?.modules ?? 0;
	const completed = !!completion;
	const attempts = facts.attempts.get(key);
	return {
		id: row.id,
		course: { id: row.course_id, title: row.course_title, points: row.course_points, status: row.course_status },
		user: { id: row.user_id, name: row.user_name },
		dueOn: row.due_on,
		note: row.note,
		plan: row.plan,
		assignedBy: row.assigned_by ? { id: row.assigned_by, name: row.assigned_by_name ?? '' } : null,
		assignedAt: iso(row.created_at),
		state: assignmentState({ completed, started: facts.started.has(key) }),
		overdue: isOverdue(row.due_on, today, completed),
		dueToday: !completed && row.due_on === today,
		progress: { done: completed ? total : Math.min(total, facts.done.get(key) ?? 0), total },
		completedAt: completion ? iso(completion.completed_at) : null,
		bestScore: attempts?.best ?? null,
		attempts: attempts?.used ?? 0
	};
}

/** A member's assignments, soonest due first (completed last). */
export async function assignmentsOf(db: Db, organizationId: string, userId: string, now: Date = new Date()): Promise<AssignmentView[]> {
	const [rows, facts, clock] = await Promise.all([listAssignmentRows(db, organizationId, { userIds: [userId] }), factsOf(db, organizationId, [userId]), clockOf(db, organizationId)]);
	const today = localDay(now, clock);
	const views = rows.map((r) => assignmentView(r, facts, today));
	return views.sort((a, b) => Number(a.state === 'completed') - Number(b.state === 'completed') || a.dueOn.localeCompare(b.dueOn));
}

/** The rep's page: their assignments, published courses they may take on their own, and what they completed. */
export async function myTraining(db: Db, actor: Actor, now: Date = new Date()) {
	const [assignments, courses, completions] = await Promise.all([
		assignmentsOf(db, actor.organizationId, actor.userId, now),
		listCourseRows(db, actor.organizationId, ['published']),
		completionRows(db, actor.organizationId, { userIds: [actor.userId] })
	]);
	const assigned = new Set(assignments.map((a) => a.course.id));
	const completed = new Set(completions.map((c) => c.course_id));
	const progress = await progressRows(db, actor.organizationId, { userIds: [actor.userId] });
	const doneOf = (courseId: string) => progress.filter((p) => p.course_id === courseId && p.completed_at).length;
	return {
		assignments,
		available: courses
			.filter((c) => !assigned.has(c.id) && c.modules > 0)
			.map((c) => ({ ...summaryOf(c), completed: completed.has(c.id), done: completed.has(c.id) ? c.modules : Math.min(c.modules, doneOf(c.id)) })),
		points: completions.reduce((sum, c) => sum + c.points, 0),
		completedCount: completions.length
	};
}

/** Whom the actor may assign courses to: admins any active member; leaders active reps of the teams they manage. */
function mayAssignTo(access: Access, member: Roster[number]): boolean {
	if (access.isAdmin) return true;
	return access.actor.role === 'leader' && member.role === 'rep' && access.canManageMember(member.user_id);
}

export interface AssignResult {
	assigned: number;
	users: string[];
}

/**
 * Assigns a published course to members (by id) and/or a team's active reps, due on a local day (today
 * or later). Assigning again moves the due day. Reminders are scheduled for the due day.
 */
export async function assignCourse(deps: TrainingDeps, actor: Actor, input: unknown, options: { plan?: boolean; now?: Date } = {}): Promise<AssignResult> {
	if (!mayManage(actor)) throw forbidden();
	const parsed = parseInput(assignInputSchema, input);
	const org = actor.organizationId;
	const course = await courseOr404(deps.db, org, parsed.courseId);
	if (course.status !== 'published') throw new AppError(409, 'training.error.notPublished', undefined, 'courseId');
	const [access, roster, clock, teams] = await Promise.all([accessOf(deps.db, actor), trainingRoster(deps.db, org), clockOf(deps.db, org), teamNames(deps.db, org)]);
	const now = options.now ?? new Date();
	if (parsed.dueOn < localDay(now, clock)) throw new AppError(400, 'training.error.dueOnPast', undefined, 'dueOn');
	const byId = new Map(roster.map((m) => [m.user_id, m]));
	const targets = new Set<string>();
	for (const id of parsed.users) {
		const member = byId.get(id);
		if (!member) throw new AppError(400, 'training.error.unknownMember', undefined, 'users');
		if (member.status !== 'active') throw new AppError(400, 'training.error.inactive', { name: member.name }, 'users');
		if (!mayAssignTo(access, member)) throw forbidden();
		targets.add(id);
	}
	if (parsed.teamId) {
		const team = teams.find((t) => t.id === parsed.teamId);
		if (!team) throw new AppError(404, 'validation.notFound', undefined, 'teamId');
		if (!access.canManageTeam(team.id)) throw forbidden();
		const reps = roster.filter((m) => m.team_id === team.id && m.role === 'rep' && m.status === 'active');
		if (reps.length === 0) throw new AppError(400, 'training.error.emptyTeam', undefined, 'teamId');
		for (const m of reps) targets.add(m.user_id);
	}
	if (targets.size === 0) throw new AppError(400, 'training.error.noAssignees', undefined, 'users');
	const users = [...targets];
	const rows = await deps.db.transaction().execute(async (trx) => {
		const written = await upsertAssignments(
			trx,
			users.map((userId) => ({ organizationId: org, courseId: course.id, userId, assignedBy: actor.userId, dueOn: parsed.dueOn, note: parsed.note ?? null, plan: options.plan ?? false }))
		);
		await recordAudit(trx, {
			organizationId: org,
			actorId: actor.userId,
			action: options.plan ? 'training.plan_assigned' : 'training.assigned',
			targetType: 'training_course',
			targetId: course.id,
			data: { users, teamId: parsed.teamId ?? null, dueOn: parsed.dueOn }
		});
		return written;
	});
	for (const row of rows) await scheduleReminder(deps, org, row.id, row.due_on, clock);
	return { assigned: rows.length, users };
}

/** The reminder job for an assignment's due day, at REMINDER_HOUR local time (once per due day). */
export async function scheduleReminder(deps: Pick<TrainingDeps, 'scheduler'>, organizationId: string, assignmentId: string, dueOn: string, clock: OrgClock) {
	const [year, month, day] = dueOn.split('-').map(Number);
	const runAt = zonedTimeToInstant({ year, month, day, hour: REMINDER_HOUR }, clock.timeZone);
	await deps.scheduler.schedule('training.reminder', { assignmentId, dueOn }, { runAt, dedupeKey: `training:${assignmentId}:reminder:${dueOn}`, organizationId });
}

/** Sends an assignment's due-day reminder (the job's handler): once per due day, and not once completed. */
export async function sendReminder(deps: Pick<TrainingDeps, 'db' | 'events'>, assignmentId: string, dueOn: string): Promise<boolean> {
	const marked = await markReminded(deps.db, assignmentId, dueOn);
	if (!marked) return false;
	if (await findCompletion(deps.db, marked.organization_id, marked.course_id, marked.user_id)) return false;
	const course = await findCourse(deps.db, marked.organization_id, marked.course_id);
	if (!course) return false;
	deps.events.emit('training.reminder', {
		organizationId: marked.organization_id,
		userId: marked.user_id,
		reminder: { assignmentId, course: { id: course.id, title: course.title }, dueOn }
	});
	return true;
}

/** Takes an assignment back (its progress and any completion stay). */
export async function unassign(deps: Pick<TrainingDeps, 'db'>, actor: Actor, input: unknown): Promise<void> {
	if (!mayManage(actor)) throw forbidden();
	const { assignmentId } = parseInput(unassignSchema, input);
	const row = await findAssignmentRow(deps.db, actor.organizationId, assignmentId);
	if (!row) throw new AppError(404, 'validation.notFound', undefined, 'assignmentId');
	const [access, roster] = await Promise.all([accessOf(deps.db, actor), trainingRoster(deps.db, actor.organizationId)]);
	const member = roster.find((m) => m.user_id === row.user_id);
	if (!member || !mayAssignTo(access, member)) throw forbidden();
	await deps.db.transaction().execute(async (trx) => {
		if (!(await deleteAssignmentRow(trx, actor.organizationId, assignmentId))) throw new AppError(404, 'validation.notFound', undefined, 'assignmentId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'training.unassigned', targetType: 'training_assignment', targetId: assignmentId, data: { userId: row.user_id, courseId: row.course_id } });
	});
}

/** What the assign forms offer: published courses, the members and teams the actor may assign to. */
export async function assignChoices(db: Db, actor: Actor) {
	if (!mayManage(actor)) return { courses: [], members: [], teams: [] };
	const [access, roster, teams, courses] = await Promise.all([accessOf(db, actor), trainingRoster(db, actor.organizationId), teamNames(db, actor.organizationId), listCourseRows(db, actor.organizationId, ['published'])]);
	return {
		courses: courses.map((c) => ({ id: c.id, title: c.title, points: c.points })),
		members: roster.filter((m) => m.status === 'active' && mayAssignTo(access, m)).map((m) => ({ id: m.user_id, name: m.name, teamId: m.team_id })),
		teams: teams.filter((t) => !t.archived_at && access.canManageTeam(t.id)).map((t) => ({ id: t.id, name: t.name }))
	};
}

/** Whether the actor may assign a course to this member (the profile page's card). */
export async function mayAssignMember(db: Db, actor: Actor, userId: string): Promise<boolean> {
	if (!mayManage(actor)) return false;
	const [access, roster] = await Promise.all([accessOf(db, actor), trainingRoster(db, actor.organizationId)]);
	const member = roster.find((m) => m.user_id === userId);
	return !!member && member.status === 'active' && mayAssignTo(access, member);
}

// ---- taking a course ----

async function takeableCourse(db: Db, actor: Actor, courseId: string, field = 'courseId') {
	const course = await courseOr404(db, actor.organizationId, courseId, field);
	if (course.status === 'published') return course;
	const assigned = course.status === 'archived' && (await listAssignmentRows(db, actor.organizationId, { userIds: [actor.userId], courseId })).length > 0;
	if (assigned) return course;
	if (course.status === 'draft' && mayManage(actor) && mayEdit(await accessOf(db, actor), course)) throw new AppError(409, 'training.error.notPublished', undefined, field);
	throw new AppError(404, 'validation.notFound', undefined, field);
}

function attemptsView(quiz: Quiz | null, summary: { used: number; best: number | null; passed: boolean } | undefined): AttemptsView | null {
	if (!quiz) return null;
	const used = summary?.used ?? 0;
	return { used, left: quiz.maxAttempts === null ? null : Math.max(0, quiz.maxAttempts - used), best: summary?.best ?? null, passed: summary?.passed ?? false };
}

function completionView(row: CompletionRow): CompletionView {
	return { id: row.id, courseId: row.course_id, user: { id: row.user_id, name: row.user_name }, source: row.source, externalId: row.external_id, points: row.points, completedAt: iso(row.completed_at) };
}

/**
 * The course player: the course, its modules as the member sees them (quizzes without answers, each
 * module's progress and attempts), their assignment and completion. Leaders and admins may open a
 * draft they edit to preview it.
 */
export async function coursePlayer(db: Db, actor: Actor, courseId: string, now: Date = new Date()): Promise<CoursePlayerView> {
	const org = actor.organizationId;
	const course = await courseOr404(db, org, courseId);
	const access = await accessOf(db, actor);
	const [assignments, modules, progress, attempts, completion, clock] = await Promise.all([
		listAssignmentRows(db, org, { userIds: [actor.userId], courseId }),
		listModuleRows(db, org, courseId),
		progressRows(db, org, { userIds: [actor.userId], courseIds: [courseId] }),
		attemptSummaries(db, org, { userIds: [actor.userId], courseIds: [courseId] }),
		findCompletion(db, org, courseId, actor.userId),
		clockOf(db, org)
	]);
	const visible = course.status === 'published' || (course.status === 'archived' && (assignments.length > 0 || !!completion)) || mayEdit(access, course);
	if (!visible) throw new AppError(404, 'validation.notFound', undefined, 'courseId');
	const facts = await factsOf(db, org, [actor.userId], [courseId]);
	const done = new Set(progress.filter((p) => p.completed_at).map((p) => p.module_id));
	const views: ModuleView[] = modules.map((m) => {
		const quiz = quizOf(m.quiz);
		const summary = attempts.find((a) => a.module_id === m.id);
		return {
			id: m.id,
			position: m.position,
			title: m.title,
			body: m.body,
			videoUrl: m.video_url,
			quiz: quiz ? quizView(quiz) : null,
			done: done.has(m.id) || !!completion,
			attempts: attemptsView(quiz, summary ? { used: summary.used, best: summary.best, passed: summary.passed } : undefined)
		};
	});
	return {
		course: summaryOf(course, access),
		modules: views,
		assignment: assignments[0] ? assignmentView(assignments[0], facts, localDay(now, clock)) : null,
		completion: completion ? completionView(completion) : null
	};
}

async function takeableModule(db: Db, actor: Actor, moduleId: string): Promise<{ module: ModuleRow; course: CourseRow }> {
	const module = await findModule(db, actor.organizationId, moduleId);
	if (!module) throw new AppError(404, 'validation.notFound', undefined, 'moduleId');
	const course = await takeableCourse(db, actor, module.course_id, 'moduleId');
	return { module, course };
}

/** In the transaction that finished a module: the course's completion when every module is done, written once. */
async function completeIfDone(trx: Db, actor: Actor, course: CourseRow, now: Date): Promise<{ points: number } | null> {
	const { done, total } = await courseProgressOf(trx, actor.organizationId, course.id, actor.userId);
	if (total === 0 || done < total) return null;
	const inserted = await insertCompletion(trx, { organizationId: actor.organizationId, courseId: course.id, userId: actor.userId, source: 'internal', externalId: null, points: course.points, completedAt: now, recordedBy: null });
	return inserted ? { points: course.points } : null;
}

/** Marks a module without a quiz read; a module with a quiz is done when its quiz is passed. */
export async function completeModule(deps: TrainingDeps, actor: Actor, input: unknown, now: Date = new Date()): Promise<{ completed: { points: number } | null }> {
	const { moduleId } = parseInput(moduleRefSchema, input);
	const { module, course } = await takeableModule(deps.db, actor, moduleId);
	if (quizOf(module.quiz)) throw new AppError(409, 'training.error.quizRequired', undefined, 'moduleId');
	const completed = await deps.db.transaction().execute(async (trx) => {
		await markModuleDone(trx, { organizationId: actor.organizationId, courseId: course.id, moduleId: module.id, userId: actor.userId, at: now });
		return completeIfDone(trx, actor, course, now);
	});
	if (completed) await afterCompletion(deps, actor.organizationId, [{ courseId: course.id, userId: actor.userId, points: completed.points, completedAt: now, title: course.title }]);
	return { completed };
}

/**
 * Scores a member's quiz answers: a numbered attempt, within the limit, refused once passed. Passing
 * finishes the module (and the course, when it was the last one).
 */
export async function submitQuiz(deps: TrainingDeps, actor: Actor, input: unknown, now: Date = new Date()): Promise<QuizOutcome> {
	const { moduleId, answers } = parseInput(quizSubmitSchema, input);
	const { module, course } = await takeableModule(deps.db, actor, moduleId);
	const quiz = quizOf(module.quiz);
	if (!quiz) throw new AppError(409, 'training.error.noQuiz', undefined, 'moduleId');
	const scored = scoreQuiz(quiz, answers);
	if (!scored.ok) throw new AppError(400, scored.issue.key, undefined, scored.issue.field);
	const org = actor.organizationId;
	const outcome = await deps.db.transaction().execute(async (trx) => {
		await lockMemberModule(trx, org, actor.userId, module.id);
		const before = await attemptsOn(trx, org, actor.userId, module.id);
		if (before.passed) throw new AppError(409, 'training.error.alreadyPassed', undefined, 'answers');
		if (quiz.maxAttempts !== null && before.used >= quiz.maxAttempts) throw new AppError(409, 'training.error.noAttemptsLeft', { count: quiz.maxAttempts }, 'answers');
		const attempt = before.used + 1;
		const { score } = scored;
		await insertAttempt(trx, { organizationId: org, courseId: course.id, moduleId: module.id, userId: actor.userId, attempt, answers, correct: score.correct, total: score.total, score: score.score, passed: score.passed, createdAt: now });
		let completed: { points: number } | null = null;
		if (score.passed) {
			await markModuleDone(trx, { organizationId: org, courseId: course.id, moduleId: module.id, userId: actor.userId, at: now });
			completed = await completeIfDone(trx, actor, course, now);
		} else {
			await markModuleStarted(trx, { organizationId: org, courseId: course.id, moduleId: module.id, userId: actor.userId, at: now });
		}
		const best = Math.max(before.best ?? 0, score.score);
		const attempts: AttemptsView = { used: attempt, left: quiz.maxAttempts === null ? null : Math.max(0, quiz.maxAttempts - attempt), best, passed: score.passed };
		return { moduleId: module.id, attempt, score, attempts, completed };
	});
	if (outcome.completed) await afterCompletion(deps, org, [{ courseId: course.id, userId: actor.userId, points: outcome.completed.points, completedAt: now, title: course.title }]);
	return outcome;
}

// ---- completions and points ----

interface Completed {
	courseId: string;
	userId: string;
	points: number;
	completedAt: Date;
	title: LocalizedText;
}

/** Each completion's points as an event of the training metric (source 'training'), once per key. */
async function payPoints(deps: Pick<TrainingDeps, 'db' | 'live' | 'events'>, organizationId: string, completions: Completed[]) {
	const paying = completions.filter((c) => c.points > 0);
	if (paying.length === 0) return;
	const roster = new Map((await trainingRoster(deps.db, organizationId)).map((m) => [m.user_id, m]));
	const awards: Award[] = paying.map((c) => ({
		key: `training:${c.courseId}:${c.userId}`,
		userId: c.userId,
		teamId: roster.get(c.userId)?.team_id ?? null,
		points: c.points,
		occurredAt: c.completedAt,
		note: localize(c.title, 'en').slice(0, 500)
	}));
	const metricId = await ensureSystemMetric(deps.db, organizationId, TRAINING_METRIC, TRAINING_METRIC_NAME);
	await awardPoints(deps, { organizationId, source: 'training', metricId, metricKey: TRAINING_METRIC }, awards);
}

/** After a completion committed: its points, and the badges' signal. */
async function afterCompletion(deps: Pick<TrainingDeps, 'db' | 'live' | 'events'>, organizationId: string, completions: Completed[]) {
	await payPoints(deps, organizationId, completions);
	for (const c of completions) {
		deps.events.emit('achievement.signal', { organizationId, userId: c.userId, kind: 'course_completed', ref: `training:${c.courseId}:${c.userId}`, at: c.completedAt, value: c.points });
		deps.events.emit('training.completed', { organizationId, userId: c.userId, courseId: c.courseId, points: c.points });
	}
}

/** Pays what a stopped process left unpaid (run by the installer's sweep). Returns the completions paid. */
export async function payUnpaidCompletions(deps: Pick<TrainingDeps, 'db' | 'live' | 'events'>, now: Date = new Date()): Promise<number> {
	const rows = await unpaidCompletions(deps.db, new Date(now.getTime() - 30_000));
	const byOrg = new Map<string, Completed[]>();
	for (const r of rows) byOrg.set(r.organization_id, [...(byOrg.get(r.organization_id) ?? []), { courseId: r.course_id, userId: r.user_id, points: r.points, completedAt: new Date(r.completed_at), title: r.title }]);
	for (const [org, list] of byOrg) await payPoints(deps, org, list);
	return rows.length;
}

/** Finds a member by e-mail, external id or id (404 naming `field`). */
function memberByRef(roster: Roster, ref: string, field: string) {
	const lower = ref.trim().toLowerCase();
	const member = roster.find((m) => m.user_id === lower) ?? roster.find((m) => m.email.toLowerCase() === lower) ?? roster.find((m) => m.external_id !== null && m.external_id === ref.trim());
	if (!member) throw new AppError(404, 'validation.notFound', undefined, field);
	return member;
}

export interface ExternalCompletionResult {
	completion: CompletionView;
	/** Nothing new was written: this id was recorded before, or the member had completed the course. */
	duplicate: boolean;
}

/**
 * Records a completion from an external learning system (a token with training:write). Idempotent by
 * the caller's id: the same id answers the same completion; the same id for another member or course
 * is a conflict. A member who completed the course already gets their completion back, unchanged.
 */
export async function recordExternalCompletion(deps: Pick<TrainingDeps, 'db' | 'live' | 'events'>, caller: { organizationId: string; recordedBy: string | null }, input: unknown, now: Date = new Date()): Promise<ExternalCompletionResult> {
	const body = parseInput(apiCompletionSchema, input);
	const org = caller.organizationId;
	const roster = await trainingRoster(deps.db, org);
	const member = memberByRef(roster, body.user, 'user');
	const course = await courseOr404(deps.db, org, body.course, 'course');
	const completedAt = body.completedAt ? new Date(body.completedAt) : now;
	if (completedAt.getTime() > now.getTime() + 5 * 60_000) throw new AppError(400, 'training.error.completedAtFuture', undefined, 'completedAt');
	const known = async () => {
		const row = await findCompletionByExternalId(deps.db, org, body.id);
		if (!row) return null;
		if (row.user_id !== member.user_id || row.course_id !== course.id) throw new AppError(409, 'training.error.idConflict', undefined, 'id');
		return row;
	};
	const first = await known();
	if (first) {
		// The first request's process may have stopped before paying: paying again is a no-op when it did.
		await payPoints(deps, org, [{ courseId: course.id, userId: member.user_id, points: first.points, completedAt: new Date(first.completed_at), title: course.title }]);
		return { completion: completionView(first), duplicate: true };
	}
	if (member.status !== 'active') throw new AppError(400, 'training.error.inactive', { name: member.name }, 'user');
	if (course.status === 'draft') throw new AppError(409, 'training.error.notPublished', undefined, 'course');
	const inserted = await deps.db.transaction().execute(async (trx) => {
		const row = await insertCompletion(trx, { organizationId: org, courseId: course.id, userId: member.user_id, source: 'external', externalId: body.id, points: course.points, completedAt, recordedBy: caller.recordedBy });
		if (row) await recordAudit(trx, { organizationId: org, actorId: caller.recordedBy, action: 'training.completion_recorded', targetType: 'training_course', targetId: course.id, data: { userId: member.user_id, id: body.id } });
		return row;
	});
	if (!inserted) {
		// A concurrent request with the same id won, or the member had completed the course.
		const again = await known();
		const row = again ?? (await findCompletion(deps.db, org, course.id, member.user_id));
		if (!row) throw new AppError(409, 'training.error.idConflict', undefined, 'id');
		return { completion: completionView(row), duplicate: true };
	}
	await afterCompletion(deps, org, [{ courseId: course.id, userId: member.user_id, points: course.points, completedAt, title: course.title }]);
	const row = (await findCompletion(deps.db, org, course.id, member.user_id))!;
	return { completion: completionView(row), duplicate: false };
}

/**
 * The assignments API's reader: a token (training:read) reads any member of its organization; a
 * signed-in member their own, leaders and admins anyone they may view.
 */
export async function readAssignments(db: Db, caller: { organizationId: string; actor: Actor | null }, query: { user?: string }, now: Date = new Date()) {
	const roster = await trainingRoster(db, caller.organizationId);
	let member: Roster[number];
	if (query.user) member = memberByRef(roster, query.user, 'user');
	else if (caller.actor) member = roster.find((m) => m.user_id === caller.actor!.userId)!;
	else throw new AppError(400, 'validation.required', undefined, 'user');
	if (caller.actor && member.user_id !== caller.actor.userId) {
		const access = await accessOf(db, caller.actor);
		if (caller.actor.role === 'rep' || !access.canView({ userId: member.user_id })) throw forbidden();
	}
	return { user: { id: member.user_id, name: member.name }, assignments: await assignmentsOf(db, caller.organizationId, member.user_id, now) };
}

// ---- the leaders' view ----

/**
 * Completion and quiz results by team, for the teams the actor manages (admins: every team, and members
 * without one): each assignment with its state, progress, best score and whether it is overdue.
 */
export async function teamReport(db: Db, actor: Actor, options: { courseId?: string } = {}, now: Date = new Date()): Promise<TeamReport[]> {
	if (!mayManage(actor)) throw forbidden();
	const org = actor.organizationId;
	const [access, roster, teams, clock] = await Promise.all([accessOf(db, actor), trainingRoster(db, org), teamNames(db, org), clockOf(db, org)]);
	const scope = access.managedTeamIds();
	const inScope = (teamId: string | null) => (scope === 'all' ? true : !!teamId && scope.has(teamId));
	const members = roster.filter((m) => m.role === 'rep' || access.isAdmin).filter((m) => inScope(m.team_id));
	const userIds = members.map((m) => m.user_id);
	const [rows, facts] = await Promise.all([listAssignmentRows(db, org, { userIds, courseId: options.courseId }), factsOf(db, org, userIds, options.courseId ? [options.courseId] : undefined)]);
	const today = localDay(now, clock);
	const teamOf = new Map(members.map((m) => [m.user_id, m.team_id]));
	const groups = new Map<string | null, ReportRow[]>();
	for (const row of rows) {
		const view = assignmentView(row, facts, today);
		const teamId = teamOf.get(row.user_id) ?? null;
		const list = groups.get(teamId) ?? [];
		list.push({
			assignmentId: view.id,
			user: view.user,
			course: { id: view.course.id, title: view.course.title },
			dueOn: view.dueOn,
			state: view.state,
			overdue: view.overdue,
			progress: view.progress,
			bestScore: view.bestScore,
			attempts: view.attempts,
			completedAt: view.completedAt,
			plan: view.plan
		});
		groups.set(teamId, list);
	}
	const reports: TeamReport[] = [];
	const order = [...teams.filter((t) => inScope(t.id)).map((t) => t.id as string | null), null];
	for (const teamId of order) {
		const list = groups.get(teamId);
		if (!list) continue;
		const team = teamId ? teams.find((t) => t.id === teamId)! : null;
		const scores = list.map((r) => r.bestScore).filter((s): s is number => s !== null);
		// Overdue first, then the soonest due; completed last.
		list.sort((a, b) => Number(b.overdue) - Number(a.overdue) || Number(a.state === 'completed') - Number(b.state === 'completed') || a.dueOn.localeCompare(b.dueOn) || a.user.name.localeCompare(b.user.name));
		reports.push({
			team: team ? { id: team.id, name: team.name } : null,
			assigned: list.length,
			completed: list.filter((r) => r.state === 'completed').length,
			overdue: list.filter((r) => r.overdue).length,
			averageScore: scores.length ? Math.round(scores.reduce((s, x) => s + x, 0) / scores.length) : null,
			rows: list
		});
	}
	return reports;
}
