// Training end to end on this mode's database and live store: courses, modules and quizzes with their
// access rules and per-field refusals; assignments (members, teams, deactivated reps, due days) and the
// due-day reminder job; quizzes within their attempt limit under truly concurrent submissions (two
// connection pools against real Postgres, and concurrent form posts); completions paying the course's
// points once, on the points board, whatever races to complete it; the leaders' view; the API (both
// endpoints, their token scopes, idempotency and refusals); and the profile's development plan.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { usingPostgres } from '../helpers/env';
import { addApiToken, addRep, countEvents, openTestDb, uniqueSuffix, type TestRep } from '../helpers/scoring';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { closeAllSockets, collect, connectSocket, nextEvent, settled } from '../helpers/sockets';
import type { Actor } from '../../src/lib/server/org/actor';
import { AppError, ValidationError } from '../../src/lib/server/platform/errors';
import { verifyOrg } from '../../src/lib/server/scoring/live.service';
import { readBoard } from '../../src/lib/server/scoring/board.service';
import {
	archiveCourse,
	assignCourse,
	completeModule,
	coursePlayer,
	createCourse,
	deleteModule,
	localDay,
	clockOf,
	moveModule,
	myTraining,
	payUnpaidCompletions,
	publishCourse,
	recordExternalCompletion,
	saveModule,
	sendReminder,
	submitQuiz,
	teamReport,
	unassign,
	updateCourse
} from '../../src/lib/server/training/training.service';
import { TRAINING_METRIC } from '../../src/lib/shared/training/training';

let app: App;
let org: SignedUp;
let admin: Actor;
let teamId: string;
let otherTeamId: string;
let leader: Member;
let leaderActor: Actor;
let otherLeader: Member;
let otherLeaderActor: Actor;
let rep: Member;
let repActor: Actor;
let reps: TestRep[];
let outsider: SignedUp;

const QUIZ = {
	passMark: 66,
	maxAttempts: 2,
	questions: [
		{ kind: 'single', prompt: { en: 'Two plus two?' }, options: [{ text: '3', correct: false }, { text: '4', correct: true }] },
		{ kind: 'multiple', prompt: { en: 'Even numbers?', 'zh-CN': '偶数？' }, options: [{ text: '2', correct: true }, { text: '3', correct: false }, { text: '6', correct: true }] },
		{ kind: 'single', prompt: 'Sky colour?', options: [{ text: 'Blue', correct: true }, { text: 'Green', correct: false }] }
	]
};
const RIGHT = { q1: ['q1o2'], q2: ['q2o1', 'q2o3'], q3: ['q3o1'] };
const WRONG = { q1: ['q1o1'], q2: ['q2o1'], q3: ['q3o2'] };

async function refusal(work: Promise<unknown>): Promise<{ status: number; field: string | undefined; fields: string[] }> {
	try {
		await work;
	} catch (error) {
		if (error instanceof AppError) return { status: error.status, field: error.field, fields: error.field ? [error.field] : [] };
		if (error instanceof ValidationError) return { status: 400, field: error.issues[0]?.field, fields: error.issues.map((i) => i.field) };
		throw error;
	}
	throw new Error('expected a refusal');
}

const today = async () => localDay(new Date(), await clockOf(app.runtime.db, org.organizationId));
const inDays = async (n: number) => localDay(new Date(Date.now() + n * 86_400_000), await clockOf(app.runtime.db, org.organizationId));

/** A published course by the leader: a reading module, then a quiz module. */
async function publishedCourse(points = 120, quiz: unknown = QUIZ) {
	const courseId = await createCourse(app.runtime, leaderActor, { title: { en: `Course ${uniqueSuffix()}`, 'zh-CN': '课程' }, points });
	await saveModule(app.runtime, leaderActor, { courseId, title: { en: 'Read me' }, body: { en: '# Hello\n\n<script>alert(1)</script>' }, videoUrl: 'https://youtu.be/Ks-_Mh1QhMc' });
	await saveModule(app.runtime, leaderActor, { courseId, title: { en: 'Quiz' }, quiz: JSON.stringify(quiz) });
	await publishCourse(app.runtime, leaderActor, { courseId });
	const player = await coursePlayer(app.runtime.db, leaderActor, courseId);
	return { courseId, readId: player.modules[0].id, quizId: player.modules[1].id };
}

async function rows(table: 'training_completions' | 'training_quiz_attempts' | 'training_assignments', where: { user?: string; course?: string }) {
	let q = app.runtime.db.selectFrom(table).selectAll().where('organization_id', '=', org.organizationId);
	if (where.user) q = q.where('user_id', '=', where.user);
	if (where.course) q = q.where('course_id', '=', where.course);
	return q.execute();
}

async function trainingEvents(userId: string) {
	const { rows: found } = await sql<{ points: number; idempotency_key: string; source: string }>`
		select e.points, e.idempotency_key, e.source from score_events e join metrics m on m.id = e.metric_id
		where e.organization_id = ${org.organizationId} and e.user_id = ${userId} and m.key = ${TRAINING_METRIC}`.execute(app.runtime.db);
	return found;
}

beforeAll(async () => {
	app = await startApp();
	[org, outsider] = await Promise.all([signUpOrganization(app), signUpOrganization(app)]);
	admin = { userId: org.userId, organizationId: org.organizationId, role: 'admin' };
	teamId = await createTeam(app, org, `Closers ${uniqueSuffix()}`);
	otherTeamId = await createTeam(app, org, `Others ${uniqueSuffix()}`);
	leader = await addMember(app, org, 'leader');
	otherLeader = await addMember(app, org, 'leader');
	for (const [team, who] of [
		[teamId, leader],
		[otherTeamId, otherLeader]
	] as const) {
		const result = await org.browser.action('/admin/teams?/update', { teamId: team, name: `Led ${uniqueSuffix()}`, leaderIds: [who.userId] });
		expect(result.type).toBe('success');
	}
	leaderActor = { userId: leader.userId, organizationId: org.organizationId, role: 'leader' };
	otherLeaderActor = { userId: otherLeader.userId, organizationId: org.organizationId, role: 'leader' };
	rep = await addMember(app, org, 'rep', teamId);
	repActor = { userId: rep.userId, organizationId: org.organizationId, role: 'rep' };
	reps = [];
	for (let i = 0; i < 3; i++) reps.push(await addRep(app.runtime.db, org.organizationId, { teamId, name: `Rita ${i}`, externalId: `lms-${uniqueSuffix()}` }));
}, APP_START_TIMEOUT);

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

describe('courses and modules', () => {
	test('leaders and admins build courses; reps and other leaders may not edit them; bad input names its field and writes nothing', async () => {
		expect((await refusal(createCourse(app.runtime, repActor, { title: 'Nope' }))).status).toBe(403);
		expect(await refusal(createCourse(app.runtime, leaderActor, { title: { en: ' ', 'zh-CN': '' }, points: 10 }))).toMatchObject({ status: 400, field: 'title' });
		expect(await refusal(createCourse(app.runtime, leaderActor, { title: 'Ok', points: -1 }))).toMatchObject({ status: 400, field: 'points' });
		expect(await refusal(createCourse(app.runtime, leaderActor, { title: 'Ok', points: 1.5 }))).toMatchObject({ status: 400, field: 'points' });
		const courseId = await createCourse(app.runtime, leaderActor, { title: { en: 'Objections', 'zh-CN': '异议处理' }, description: { en: 'Handle them' }, points: 50 });
		expect(await refusal(publishCourse(app.runtime, leaderActor, { courseId }))).toMatchObject({ status: 409, field: 'courseId' });
		expect((await refusal(updateCourse(app.runtime, otherLeaderActor, { courseId, title: 'Mine now', points: 1 }))).status).toBe(403);
		expect((await refusal(saveModule(app.runtime, repActor, { courseId, title: 'x' }))).status).toBe(403);
		// The same id from another organization is a missing course.
		const foreign: Actor = { userId: outsider.userId, organizationId: outsider.organizationId, role: 'admin' };
		expect(await refusal(updateCourse(app.runtime, foreign, { courseId, title: 'x', points: 1 }))).toMatchObject({ status: 404, field: 'courseId' });
		expect(await refusal(saveModule(app.runtime, leaderActor, { courseId, title: 'Video', videoUrl: 'javascript:alert(1)' }))).toMatchObject({ status: 400, field: 'videoUrl' });
		expect(await refusal(saveModule(app.runtime, leaderActor, { courseId, title: 'Video', videoUrl: 'ftp://example.com/x' }))).toMatchObject({ status: 400, field: 'videoUrl' });
		// A quiz with problems names each one's field; nothing is written.
		const bad = await refusal(
			saveModule(app.runtime, leaderActor, {
				courseId,
				title: 'Quiz',
				quiz: { passMark: 0, maxAttempts: 99, questions: [{ kind: 'single', prompt: '', options: [{ text: 'a', correct: true }, { text: 'b', correct: true }] }, { kind: 'multiple', prompt: 'p', options: [{ text: 'only', correct: false }] }] }
			})
		);
		expect(bad.status).toBe(400);
		expect(bad.fields).toEqual(expect.arrayContaining(['question.0.prompt', 'question.0.correct', 'question.1.options', 'question.1.correct', 'passMark', 'maxAttempts']));
		expect(await refusal(saveModule(app.runtime, leaderActor, { courseId, title: 'Quiz', quiz: '{not json' }))).toMatchObject({ status: 400, field: 'quiz' });
		expect((await coursePlayer(app.runtime.db, leaderActor, courseId)).modules).toHaveLength(0);

		const first = await saveModule(app.runtime, leaderActor, { courseId, title: { en: 'One' }, body: { en: 'Text' } });
		const second = await saveModule(app.runtime, leaderActor, { courseId, title: { en: 'Two' }, quiz: QUIZ });
		await moveModule(app.runtime, leaderActor, { moduleId: second, direction: 'up' });
		expect((await coursePlayer(app.runtime.db, leaderActor, courseId)).modules.map((m) => m.id)).toEqual([second, first]);
		await saveModule(app.runtime, leaderActor, { courseId, moduleId: first, title: { en: 'One, edited' }, body: { en: 'More' } });
		await publishCourse(app.runtime, leaderActor, { courseId });
		expect(await refusal(publishCourse(app.runtime, leaderActor, { courseId }))).toMatchObject({ status: 409 });
		await deleteModule(app.runtime, leaderActor, { moduleId: first });
		// A published course keeps its last module.
		expect(await refusal(deleteModule(app.runtime, leaderActor, { moduleId: second }))).toMatchObject({ status: 409, field: 'moduleId' });
		// Admins edit every course; the rep's player shows the quiz without its answers.
		await updateCourse(app.runtime, admin, { courseId, title: { en: 'Objections 101' }, points: 60 });
		const seen = await coursePlayer(app.runtime.db, repActor, courseId);
		expect(seen.course.points).toBe(60);
		expect(JSON.stringify(seen.modules[0].quiz)).not.toContain('correct');
		await archiveCourse(app.runtime, leaderActor, { courseId });
		// Archived and never assigned: the rep no longer finds it.
		expect(await refusal(coursePlayer(app.runtime.db, repActor, courseId))).toMatchObject({ status: 404 });
		const audit = await app.runtime.db.selectFrom('audit_log').select('action').where('organization_id', '=', org.organizationId).where('action', 'like', 'training.%').execute();
		expect(new Set(audit.map((a) => a.action))).toEqual(new Set(['training.course_created', 'training.module_added', 'training.module_updated', 'training.course_published', 'training.module_deleted', 'training.course_updated', 'training.course_archived']));
	});

	test('a draft cannot be taken or assigned', async () => {
		const courseId = await createCourse(app.runtime, leaderActor, { title: 'Draft', points: 5 });
		const moduleId = await saveModule(app.runtime, leaderActor, { courseId, title: 'Only' });
		expect(await refusal(completeModule(app.runtime, repActor, { moduleId }))).toMatchObject({ status: 404, field: 'moduleId' });
		expect(await refusal(assignCourse(app.runtime, leaderActor, { courseId, users: [rep.userId], dueOn: await inDays(3) }))).toMatchObject({ status: 409, field: 'courseId' });
	});
});

describe('assignments', () => {
	test('a team assignment makes one per active rep; deactivated reps, other teams and past days are refused and nothing changes', async () => {
		const { courseId } = await publishedCourse(40);
		const gone = await addRep(app.runtime.db, org.organizationId, { teamId });
		await app.runtime.db.updateTable('memberships').set({ status: 'deactivated' }).where('organization_id', '=', org.organizationId).where('user_id', '=', gone.userId).execute();
		const stranger = await addRep(app.runtime.db, org.organizationId, { teamId: otherTeamId });
		const due = await inDays(7);
		expect(await refusal(assignCourse(app.runtime, leaderActor, { courseId, users: [gone.userId], dueOn: due }))).toMatchObject({ status: 400, field: 'users' });
		expect((await refusal(assignCourse(app.runtime, leaderActor, { courseId, users: [stranger.userId], dueOn: due }))).status).toBe(403);
		expect((await refusal(assignCourse(app.runtime, leaderActor, { courseId, teamId: otherTeamId, dueOn: due }))).status).toBe(403);
		expect(await refusal(assignCourse(app.runtime, leaderActor, { courseId, users: [rep.userId], dueOn: await inDays(-1) }))).toMatchObject({ status: 400, field: 'dueOn' });
		expect(await refusal(assignCourse(app.runtime, leaderActor, { courseId, users: [rep.userId], dueOn: '2026-02-30' }))).toMatchObject({ status: 400, field: 'dueOn' });
		expect(await refusal(assignCourse(app.runtime, leaderActor, { courseId, users: [], dueOn: due }))).toMatchObject({ status: 400, field: 'users' });
		expect(await refusal(assignCourse(app.runtime, leaderActor, { courseId: crypto.randomUUID(), users: [rep.userId], dueOn: due }))).toMatchObject({ status: 404, field: 'courseId' });
		expect(await refusal(assignCourse(app.runtime, repActor, { courseId, users: [rep.userId], dueOn: due }))).toMatchObject({ status: 403 });
		expect(await rows('training_assignments', { course: courseId })).toHaveLength(0);

		const result = await assignCourse(app.runtime, leaderActor, { courseId, teamId, dueOn: due, note: 'Before the QBR' });
		const expected = [rep.userId, ...reps.map((r) => r.userId)].sort();
		expect(result.users.sort()).toEqual(expected);
		expect((await rows('training_assignments', { course: courseId })).map((r) => r.user_id).sort()).toEqual(expected);
		// Assigning again moves the due day, without a second row.
		await assignCourse(app.runtime, leaderActor, { courseId, users: [rep.userId], dueOn: await inDays(9) });
		const mine = await rows('training_assignments', { course: courseId, user: rep.userId });
		expect(mine).toHaveLength(1);
		expect(mine[0].due_on).toBe(await inDays(9));
		// Reminders: one job per assignment and due day, at 09:00 local on the due day.
		const jobs = await app.runtime.db.selectFrom('jobs').select(['dedupe_key', 'run_at']).where('kind', '=', 'training.reminder').where('organization_id', '=', org.organizationId).execute();
		const due9 = await inDays(9);
		expect(jobs.filter((j) => j.dedupe_key === `training:${mine[0].id}:reminder:${due9}`)).toHaveLength(1);
		// Take it back: the other leader may not.
		expect((await refusal(unassign(app.runtime, otherLeaderActor, { assignmentId: mine[0].id }))).status).toBe(403);
		await unassign(app.runtime, leaderActor, { assignmentId: mine[0].id });
		expect(await rows('training_assignments', { course: courseId, user: rep.userId })).toHaveLength(0);
	});

	test('the due-day reminder is sent once per due day (the job run twice), pushed to the rep, and not after completion', async () => {
		const { courseId, readId, quizId } = await publishedCourse(0);
		// Due tomorrow: the running scheduler leaves the job for tomorrow's 09:00, and the test runs its handler.
		const due = await inDays(1);
		await assignCourse(app.runtime, leaderActor, { courseId, users: [reps[0].userId, reps[1].userId], dueOn: due });
		const [a0] = await rows('training_assignments', { course: courseId, user: reps[0].userId });
		const [a1] = await rows('training_assignments', { course: courseId, user: reps[1].userId });
		const heard: string[] = [];
		const stop = app.runtime.events.on('training.reminder', ({ reminder, userId }) => heard.push(`${userId}:${reminder.assignmentId}`));
		try {
			const results = await Promise.all([sendReminder(app.runtime, a0.id, due), sendReminder(app.runtime, a0.id, due)]);
			expect(results.filter(Boolean)).toHaveLength(1);
			expect(await sendReminder(app.runtime, a0.id, await inDays(2))).toBe(false);
			// reps[1] completed it first: no reminder.
			const actor1: Actor = { userId: reps[1].userId, organizationId: org.organizationId, role: 'rep' };
			await completeModule(app.runtime, actor1, { moduleId: readId });
			await submitQuiz(app.runtime, actor1, { moduleId: quizId, answers: RIGHT });
			expect(await sendReminder(app.runtime, a1.id, due)).toBe(false);
		} finally {
			stop();
		}
		expect(heard).toEqual([`${reps[0].userId}:${a0.id}`]);
		const viewOf = async () => (await myTraining(app.runtime.db, { userId: reps[0].userId, organizationId: org.organizationId, role: 'rep' })).assignments.find((a) => a.course.id === courseId)!;
		expect(await viewOf()).toMatchObject({ dueToday: false, overdue: false, state: 'not_started' });
		await app.runtime.db.updateTable('training_assignments').set({ due_on: await today() }).where('id', '=', a0.id).execute();
		expect(await viewOf()).toMatchObject({ dueToday: true, overdue: false });
	});
	test('the reminder reaches the rep’s own sockets live, and nobody else’s', async () => {
		const { courseId } = await publishedCourse(5);
		const due = await inDays(1);
		await assignCourse(app.runtime, leaderActor, { courseId, users: [rep.userId], dueOn: due });
		const [assignment] = await rows('training_assignments', { course: courseId, user: rep.userId });
		const mine = await connectSocket(app.url, rep.browser.cookieHeader());
		const theirs = await connectSocket(app.url, leader.browser.cookieHeader());
		const overheard = collect(theirs, 'training:reminder');
		const arrived = nextEvent<{ assignmentId: string; dueOn: string; course: { id: string } }>(mine, 'training:reminder');
		expect(await sendReminder(app.runtime, assignment.id, due)).toBe(true);
		expect(await arrived).toMatchObject({ assignmentId: assignment.id, dueOn: due, course: { id: courseId } });
		await settled(theirs);
		expect(overheard).toEqual([]);
	});
});

describe('quizzes and completions', () => {
	test('partial answers are wrong; the attempt limit holds under truly concurrent submissions', { timeout: 60_000 }, async () => {
		const { courseId, quizId } = await publishedCourse(30);
		const taker = await addRep(app.runtime.db, org.organizationId, { teamId });
		const actor: Actor = { userId: taker.userId, organizationId: org.organizationId, role: 'rep' };
		expect(await refusal(completeModule(app.runtime, actor, { moduleId: quizId }))).toMatchObject({ status: 409, field: 'moduleId' });
		expect(await refusal(submitQuiz(app.runtime, actor, { moduleId: quizId, answers: { q9: ['x'] } }))).toMatchObject({ status: 400, field: 'answers' });
		expect(await refusal(submitQuiz(app.runtime, actor, { moduleId: quizId, answers: { q1: ['q1o1', 'q1o2'] } }))).toMatchObject({ status: 400, field: 'answers' });
		expect(await rows('training_quiz_attempts', { user: taker.userId })).toHaveLength(0);
		// A second pool stands in for a second process: the lock lives in Postgres, not in the process.
		const second = usingPostgres ? await openTestDb() : null;
		try {
			const deps = [app.runtime, second ? { ...app.runtime, db: second.db } : app.runtime];
			// Partial (one of two even numbers) counts as wrong: 2 of 3 would pass at 66%, 1 of 3 fails.
			const partial = { q1: ['q1o2'], q2: ['q2o1'], q3: ['q3o2'] };
			const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => submitQuiz(deps[i % 2], actor, { moduleId: quizId, answers: partial })));
			const done = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof submitQuiz>>>).value);
			expect(done).toHaveLength(2);
			expect(done.every((d) => d.score.correct === 1 && !d.score.passed)).toBe(true);
			expect(done.map((d) => d.attempt).sort()).toEqual([1, 2]);
			for (const r of results.filter((x) => x.status === 'rejected')) {
				const error = (r as PromiseRejectedResult).reason;
				expect(error).toBeInstanceOf(AppError);
				expect(error).toMatchObject({ status: 409, field: 'answers', key: 'training.error.noAttemptsLeft' });
			}
		} finally {
			await second?.close();
		}
		expect(await rows('training_quiz_attempts', { user: taker.userId })).toHaveLength(2);
		// Out of attempts, even with the right answers.
		expect(await refusal(submitQuiz(app.runtime, actor, { moduleId: quizId, answers: RIGHT }))).toMatchObject({ status: 409, field: 'answers' });
		expect(await rows('training_completions', { user: taker.userId, course: courseId })).toHaveLength(0);
	});

	test('a double (concurrent) completion pays the points once, on the points board, and live:verify stays clean', { timeout: 60_000 }, async () => {
		const { courseId, readId, quizId } = await publishedCourse(250);
		const taker = await addRep(app.runtime.db, org.organizationId, { teamId, name: `Quinn ${uniqueSuffix()}` });
		const actor: Actor = { userId: taker.userId, organizationId: org.organizationId, role: 'rep' };
		await assignCourse(app.runtime, leaderActor, { courseId, users: [taker.userId], dueOn: await inDays(2) });
		expect((await completeModule(app.runtime, actor, { moduleId: readId })).completed).toBeNull();
		// The module read twice changes nothing.
		await completeModule(app.runtime, actor, { moduleId: readId });
		const before = await countEvents(app.runtime.db, org.organizationId);
		const second = usingPostgres ? await openTestDb() : null;
		try {
			const deps = [app.runtime, second ? { ...app.runtime, db: second.db } : app.runtime];
			const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => submitQuiz(deps[i % 2], actor, { moduleId: quizId, answers: RIGHT })));
			const passed = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof submitQuiz>>>).value);
			expect(passed).toHaveLength(1);
			expect(passed[0].score).toMatchObject({ correct: 3, total: 3, score: 100, passed: true });
			expect(passed[0].completed).toEqual({ points: 250 });
			for (const r of results.filter((x) => x.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 409, key: 'training.error.alreadyPassed' });
		} finally {
			await second?.close();
		}
		expect(await rows('training_completions', { user: taker.userId, course: courseId })).toHaveLength(1);
		expect(await trainingEvents(taker.userId)).toEqual([{ points: 250, idempotency_key: `training:${courseId}:${taker.userId}`, source: 'training' }]);
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(before + 1);
		// The sweep finds nothing unpaid, and paying again would be a no-op.
		await payUnpaidCompletions(app.runtime, new Date(Date.now() + 60_000));
		expect(await trainingEvents(taker.userId)).toHaveLength(1);
		const board = await readBoard(app.runtime, org.organizationId, { board: 'points', scope: 'users', window: 'all', limit: 100 });
		expect(board.entries.find((e) => e.id === taker.userId)?.score).toBe(250);
		expect((await verifyOrg(app.runtime, org.organizationId)).drift).toEqual([]);
		const view = (await myTraining(app.runtime.db, actor)).assignments.find((a) => a.course.id === courseId)!;
		expect(view).toMatchObject({ state: 'completed', overdue: false, progress: { done: 2, total: 2 }, bestScore: 100, attempts: 1 });
		// Completed: further marks change nothing and pay nothing.
		expect((await completeModule(app.runtime, actor, { moduleId: readId })).completed).toBeNull();
		expect(await trainingEvents(taker.userId)).toHaveLength(1);
	});

	test('concurrent form posts of the last quiz complete the course once (HTTP)', { timeout: 60_000 }, async () => {
		const { courseId, readId, quizId } = await publishedCourse(75);
		const done = await rep.browser.action(`/training/${courseId}?/complete`, { moduleId: readId });
		expect(done.type).toBe('success');
		const fields: Record<string, string | string[]> = { moduleId: quizId, 'answer.q1': 'q1o2', 'answer.q2': ['q2o1', 'q2o3'], 'answer.q3': 'q3o1' };
		const results = await Promise.all(Array.from({ length: 4 }, () => rep.browser.action(`/training/${courseId}?/quiz`, fields)));
		expect(results.filter((r) => r.type === 'success')).toHaveLength(1);
		expect(results.filter((r) => r.type === 'failure').map((r) => r.status)).toEqual([409, 409, 409]);
		const success = results.find((r) => r.type === 'success')!;
		expect(success.type === 'success' && success.data.outcome.completed).toEqual({ points: 75 });
		expect(await rows('training_completions', { user: rep.userId, course: courseId })).toHaveLength(1);
		expect((await trainingEvents(rep.userId)).filter((e) => e.idempotency_key === `training:${courseId}:${rep.userId}`)).toHaveLength(1);
		// The page shows it completed.
		const page = await rep.browser.get(`/training/${courseId}`);
		expect(page.status).toBe(200);
		expect(page.body).toContain('data-state="completed"');
	});
});

describe('the leaders’ view', () => {
	test('completion and quiz results by team, overdue first, limited to the teams the leader manages', async () => {
		const { courseId, readId } = await publishedCourse(10);
		const late = await addRep(app.runtime.db, org.organizationId, { teamId, name: `Late ${uniqueSuffix()}` });
		const onTime = await addRep(app.runtime.db, org.organizationId, { teamId, name: `Aaron ${uniqueSuffix()}` });
		await assignCourse(app.runtime, leaderActor, { courseId, users: [late.userId, onTime.userId], dueOn: await inDays(3) });
		// A due day that has passed (written directly: the service refuses a past day).
		await app.runtime.db.updateTable('training_assignments').set({ due_on: await inDays(-2) }).where('course_id', '=', courseId).where('user_id', '=', late.userId).execute();
		await completeModule(app.runtime, { userId: onTime.userId, organizationId: org.organizationId, role: 'rep' }, { moduleId: readId });
		const report = await teamReport(app.runtime.db, leaderActor, { courseId });
		expect(report.map((t) => t.team?.id)).toEqual([teamId]);
		expect(report[0]).toMatchObject({ assigned: 2, completed: 0, overdue: 1 });
		expect(report[0].rows[0]).toMatchObject({ user: { id: late.userId }, overdue: true, state: 'not_started' });
		expect(report[0].rows[1]).toMatchObject({ user: { id: onTime.userId }, overdue: false, state: 'in_progress', progress: { done: 1, total: 2 } });
		expect(await teamReport(app.runtime.db, otherLeaderActor, { courseId })).toEqual([]);
		expect((await teamReport(app.runtime.db, admin, { courseId }))[0].rows).toHaveLength(2);
		expect(await refusal(teamReport(app.runtime.db, repActor))).toMatchObject({ status: 403 });
		const res = await leader.browser.get(`/training/report?course=${courseId}`);
		expect(res.status).toBe(200);
		expect(res.body).toContain('data-overdue="true"');
		expect((await leader.browser.get('/training/report?course=not-a-uuid')).status).toBe(400);
		expect((await rep.browser.get('/training/report')).status).toBe(403);
	});

	test('a leader assigns a course from a rep’s profile as a development plan', async () => {
		const { courseId } = await publishedCourse(20);
		const result = await leader.browser.action(`/people/${reps[2].userId}?/assignCourse`, { courseId, dueOn: await inDays(10), note: 'Practise discovery' });
		expect(result.type).toBe('success');
		const [row] = await rows('training_assignments', { course: courseId, user: reps[2].userId });
		expect(row).toMatchObject({ plan: true, note: 'Practise discovery', assigned_by: leader.userId });
		const bad = await leader.browser.action(`/people/${reps[2].userId}?/assignCourse`, { courseId, dueOn: 'soon' });
		expect(bad.type === 'failure' && bad.status).toBe(400);
		expect(bad.type === 'failure' && Object.keys(bad.data.errors)).toEqual(['dueOn']);
		const denied = await otherLeader.browser.action(`/people/${reps[2].userId}?/assignCourse`, { courseId, dueOn: await inDays(10) });
		expect(denied.type === 'failure' && denied.status).toBe(403);
		const profile = await leader.browser.get(`/people/${reps[2].userId}`);
		expect(profile.body).toContain('data-testid="profile-training"');
	});
});

describe('the API', () => {
	test('GET /api/v1/training/assignments: token scopes, own reads for reps, anyone for leaders; 404 for nobody', async () => {
		const { courseId } = await publishedCourse(15);
		await assignCourse(app.runtime, leaderActor, { courseId, users: [reps[0].userId], dueOn: await inDays(4) });
		const { token: read } = await addApiToken(app.runtime.db, org.organizationId, ['training:read'], org.userId);
		const { token: write } = await addApiToken(app.runtime.db, org.organizationId, ['training:write'], org.userId);
		const get = (path: string, token?: string) => app.browser().request('GET', path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
		const ok = await get(`/api/v1/training/assignments?user=${encodeURIComponent(reps[0].email)}`, read);
		expect(ok.status).toBe(200);
		const body = ok.json();
		expect(body.user.id).toBe(reps[0].userId);
		expect(body.assignments.find((a: { course: { id: string } }) => a.course.id === courseId)).toMatchObject({ state: 'not_started', overdue: false, dueOn: await inDays(4) });
		expect((await get(`/api/v1/training/assignments?user=${reps[0].userId}`, write)).status).toBe(403);
		expect((await get(`/api/v1/training/assignments?user=${reps[0].userId}`)).status).toBe(401);
		expect((await get('/api/v1/training/assignments', read)).status).toBe(400);
		const nobody = await get('/api/v1/training/assignments?user=nobody@example.com', read);
		expect(nobody.status).toBe(404);
		expect(nobody.json().error).toContain('user');
		// Another organization's member is nobody here.
		expect((await get(`/api/v1/training/assignments?user=${outsider.userId}`, read)).status).toBe(404);
		// Sessions: a rep reads their own (with or without ?user=), not a colleague's; a leader anyone.
		expect((await rep.browser.get('/api/v1/training/assignments')).json().user.id).toBe(rep.userId);
		expect((await rep.browser.get(`/api/v1/training/assignments?user=${reps[0].userId}`)).status).toBe(403);
		expect((await leader.browser.get(`/api/v1/training/assignments?user=${reps[0].userId}`)).status).toBe(200);
		expect((await otherLeader.browser.get(`/api/v1/training/assignments?user=${reps[0].userId}`)).status).toBe(200);
	});

	test('POST /api/v1/training/completions: idempotent by id under concurrency, one award; refusals name the field and change nothing', { timeout: 60_000 }, async () => {
		const { courseId } = await publishedCourse(90);
		const member = reps[1];
		const { token } = await addApiToken(app.runtime.db, org.organizationId, ['training:write'], org.userId);
		const { token: readOnly } = await addApiToken(app.runtime.db, org.organizationId, ['training:read'], org.userId);
		const post = (body: unknown, bearer = token) =>
			app.browser().request('POST', '/api/v1/training/completions', { headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) });
		const id = `lms-${uniqueSuffix()}`;
		const body = { id, user: member.email, course: courseId, completedAt: new Date(Date.now() - 3600_000).toISOString() };
		const before = await countEvents(app.runtime.db, org.organizationId);
		const answers = await Promise.all(Array.from({ length: 4 }, () => post(body)));
		expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
		const completions = answers.map((a) => a.json().completion);
		expect(new Set(completions.map((c) => c.id)).size).toBe(1);
		expect(completions[0]).toMatchObject({ courseId, user: { id: member.userId }, source: 'external', externalId: id, points: 90 });
		const again = await post(body);
		expect(again.status).toBe(200);
		expect(again.json()).toEqual({ completion: completions[0], duplicate: true });
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(before + 1);
		expect((await trainingEvents(member.userId)).filter((e) => e.idempotency_key === `training:${courseId}:${member.userId}`)).toEqual([{ points: 90, idempotency_key: `training:${courseId}:${member.userId}`, source: 'training' }]);
		// A new id for a course already completed: the completion, nothing new.
		const other = await post({ ...body, id: `lms-${uniqueSuffix()}` });
		expect(other.status).toBe(200);
		expect(other.json()).toMatchObject({ duplicate: true, completion: { id: completions[0].id } });

		const count = async () => (await rows('training_completions', {})).length;
		const n = await count();
		const cases: [unknown, number, string][] = [
			[{ ...body, id: id, user: reps[0].email }, 409, 'id'],
			[{ ...body, id: `x-${uniqueSuffix()}`, course: crypto.randomUUID() }, 404, 'course'],
			[{ ...body, id: `x-${uniqueSuffix()}`, course: 'nope' }, 400, 'course'],
			[{ ...body, id: `x-${uniqueSuffix()}`, user: 'ghost@example.com' }, 404, 'user'],
			[{ ...body, id: `x-${uniqueSuffix()}`, completedAt: 'yesterday' }, 400, 'completedAt'],
			[{ ...body, id: `x-${uniqueSuffix()}`, user: reps[2].email, completedAt: new Date(Date.now() + 86_400_000).toISOString() }, 400, 'completedAt'],
			[{ ...body, id: '' }, 400, 'id'],
			[{ user: member.email, course: courseId }, 400, 'id']
		];
		for (const [input, status, field] of cases) {
			const res = await post(input);
			expect(res.status, `${JSON.stringify(input)} → ${res.body}`).toBe(status);
			expect(res.body).toContain(field);
		}
		// Another organization's course is not found; a deactivated member is refused by name.
		const foreignCourse = await createCourse(app.runtime, { userId: outsider.userId, organizationId: outsider.organizationId, role: 'admin' }, { title: 'Theirs', points: 5 });
		const foreign = await post({ ...body, id: `x-${uniqueSuffix()}`, user: reps[2].email, course: foreignCourse });
		expect(foreign.status).toBe(404);
		const gone = await addRep(app.runtime.db, org.organizationId, { teamId });
		await app.runtime.db.updateTable('memberships').set({ status: 'deactivated' }).where('organization_id', '=', org.organizationId).where('user_id', '=', gone.userId).execute();
		const inactive = await post({ ...body, id: `x-${uniqueSuffix()}`, user: gone.email });
		expect(inactive.status).toBe(400);
		expect(inactive.json().fields).toHaveProperty('user');
		expect((await post(body, readOnly)).status).toBe(403);
		expect((await app.browser().request('POST', '/api/v1/training/completions', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(401);
		expect((await app.browser().request('POST', '/api/v1/training/completions', { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{oops' })).status).toBe(400);
		expect(await count()).toBe(n);
	});

	test('the service records by external id too, and a completion by API shows on the rep’s page', async () => {
		const { courseId } = await publishedCourse(0);
		const member = reps[2];
		const externalId = (await app.runtime.db.selectFrom('memberships').select('external_id').where('organization_id', '=', org.organizationId).where('user_id', '=', member.userId).executeTakeFirstOrThrow()).external_id!;
		const result = await recordExternalCompletion(app.runtime, { organizationId: org.organizationId, recordedBy: null }, { id: `svc-${uniqueSuffix()}`, user: externalId, course: courseId });
		expect(result).toMatchObject({ duplicate: false, completion: { points: 0, user: { id: member.userId } } });
		const page = await myTraining(app.runtime.db, { userId: member.userId, organizationId: org.organizationId, role: 'rep' });
		expect(page.available.find((c) => c.id === courseId)).toMatchObject({ completed: true });
	});
});
