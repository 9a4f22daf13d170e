// Performance reviews and 1:1 coaching notes against the real app (and real Postgres and Redis in CI's
// second pass): a leader starts a review whose scorecard is prefilled from the log, goals and training;
// a rep never sees another rep's review nor a draft of their own; a leader of another team is refused
// (403) and another organization finds nothing (404); acknowledgement happens once, also under truly
// concurrent requests; edits after sharing are kept as revisions; an empty period gives an empty
// scorecard; plan reminders are delivered once by the scheduler and show on home; notes stay private.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';
import { orgClock } from '../../src/lib/server/scoring/live.service';
import { createGoal } from '../../src/lib/server/goals/goal.service';
import { assignCourse, createCourse, publishCourse, saveModule } from '../../src/lib/server/training/training.service';
import {
	acknowledgeReviewAs,
	addPlanAction,
	addPlanCheckin,
	commentOnReview,
	createReview,
	listReviewsFor,
	openImprovementPlan,
	readReview,
	reviewNextUp,
	saveReviewText,
	sendReviewReminder,
	shareReview,
	tickPlanAction
} from '../../src/lib/server/coaching/review.service';
import { createNote, editNote, notesOf, tickNoteItem } from '../../src/lib/server/coaching/note.service';
import { AppError, ValidationError } from '../../src/lib/server/platform/errors';
import { periodOf, shiftPeriod } from '../../src/lib/shared/time-windows';
import type { Actor } from '../../src/lib/server/org/actor';
import { usingPostgres } from '../helpers/env';
import { openTestDb } from '../helpers/scoring';
import { closeAllSockets, collect, connectSocket, nextEvent, settled } from '../helpers/sockets';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let admin: SignedUp;
let leader: Member;
let otherLeader: Member;
let rep: Member;
let rep2: Member;
let westRep: Member;
let foreignAdmin: SignedUp;
let month: string;
let previousMonth: string;

const actor = (m: { userId: string; organizationId: string }, role: Actor['role']): Actor => ({ userId: m.userId, organizationId: m.organizationId, role });
const asRep = (m: Member) => actor(m, 'rep');
const asLeader = (m: Member) => actor(m, 'leader');

async function refusal(work: Promise<unknown>): Promise<{ status: number; field?: string; key?: string }> {
	try {
		await work;
	} catch (err) {
		if (err instanceof AppError) return { status: err.status, field: err.field, key: err.key };
		if (err instanceof ValidationError) return { status: 400, field: err.issues[0]?.field, key: err.issues[0]?.key };
		throw err;
	}
	throw new Error('expected a refusal');
}

async function log(user: Member, metric: string, value: number) {
	const [r] = await ingestEvents(app.runtime, { organizationId: admin.organizationId, source: 'api', actorId: null }, [{ id: `r-${crypto.randomUUID()}`, metric, user: user.email, value }]);
	expect(r.status, r.error).toBe('accepted');
	return r;
}

/** A local day n days from today in the organization's zone. */
async function inDays(n: number) {
	const clock = await orgClock(app.runtime.db, admin.organizationId);
	return periodOf('day', new Date(Date.now() + n * 86_400_000), clock).key;
}

const api = (who: { browser: Member['browser'] }, method: string, path: string, body?: unknown) =>
	who.browser.request(method, path, { headers: { 'content-type': 'application/json', origin: app.url }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	const east = await createTeam(app, admin, 'East');
	const west = await createTeam(app, admin, 'West');
	leader = await addMember(app, admin, 'leader', east);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: east, name: 'East', leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });
	otherLeader = await addMember(app, admin, 'leader', west);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: west, name: 'West', leaderIds: [otherLeader.userId] })).toMatchObject({ type: 'success' });
	rep = await addMember(app, admin, 'rep', east);
	rep2 = await addMember(app, admin, 'rep', east);
	westRep = await addMember(app, admin, 'rep', west);
	foreignAdmin = await signUpOrganization(app);
	const clock = await orgClock(app.runtime.db, admin.organizationId);
	const current = periodOf('month', new Date(), clock);
	month = current.key;
	previousMonth = shiftPeriod(current, -1, clock).key;
}, APP_START_TIMEOUT);

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

describe('reviews', () => {
	let reviewId: string;

	test('a leader starts a review of their rep: the scorecard is prefilled from the log, the goal and training', async () => {
		// rep: 2 deals this month (points per deal from the defaults), rep2: 1 deal; a goal of 4 deals for rep.
		await log(rep, 'deal', 1);
		await log(rep, 'deal', 1);
		await log(rep, 'call', 5);
		await log(rep2, 'deal', 1);
		await createGoal(app.runtime, actor(admin, 'admin'), { owner: { member: rep.email }, metric: 'deal', target: 4, period: { window: 'month' } });
		const courseId = await createCourse(app.runtime, actor(admin, 'admin'), { title: 'Objections', points: 0 });
		await saveModule(app.runtime, actor(admin, 'admin'), { courseId, title: 'Read', body: 'Text' });
		await publishCourse(app.runtime, actor(admin, 'admin'), { courseId });
		await assignCourse(app.runtime, actor(admin, 'admin'), { courseId, users: [rep.userId], dueOn: await inDays(10) });

		({ id: reviewId } = await createReview(app.runtime, asLeader(leader), { subjectId: rep.userId, window: 'month', period: month }));
		const view = await readReview(app.runtime, asLeader(leader), reviewId);
		expect(view).toMatchObject({ status: 'draft', subject: { id: rep.userId }, author: { id: leader.userId }, period: { window: 'month', key: month }, can: { edit: true, share: true, acknowledge: false } });
		const sc = view.scorecard;
		expect(sc.empty).toBe(false);
		const deals = sc.measures.find((m) => m.key === 'deal')!;
		expect(deals).toMatchObject({ current: 2, goal: { target: 4, actual: 2, attainment: 0.5 } });
		expect(sc.measures.find((m) => m.key === 'call')!.current).toBe(5);
		const points = sc.measures.find((m) => m.key === 'points')!;
		const { rows } = await sql<{ points: number }>`select coalesce(sum(points), 0)::int as points from score_events where organization_id = ${admin.organizationId} and user_id = ${rep.userId}`.execute(app.runtime.db);
		expect(points.current).toBe(Number(rows[0].points));
		// East's board: rep (more points) and rep2; the leader carries no quota and is not ranked.
		expect(sc.rank).toEqual({ rank: 1, of: 2, scope: 'team' });
		expect(sc.training).toMatchObject({ assigned: 1, completed: 0 });
		// One review per rep and period.
		expect(await refusal(createReview(app.runtime, asLeader(leader), { subjectId: rep.userId, window: 'month', period: month }))).toMatchObject({ status: 409, field: 'period' });
		const audit = await sql<{ action: string }>`select action from audit_log where target_id = ${reviewId}`.execute(app.runtime.db);
		expect(audit.rows.map((r) => r.action)).toEqual(['review.created']);
	});

	test('who may start a review: another team is a 403 with a message, another organization a 404, bad input a 400 naming the field', async () => {
		const other = await refusal(createReview(app.runtime, asLeader(otherLeader), { subjectId: rep.userId, window: 'month', period: month }));
		expect(other).toEqual({ status: 403, field: 'subjectId', key: 'reviews.err.notYourTeam' });
		expect(await refusal(createReview(app.runtime, asRep(rep2), { subjectId: rep.userId, window: 'month', period: month }))).toMatchObject({ status: 403 });
		expect(await refusal(createReview(app.runtime, actor(foreignAdmin, 'admin'), { subjectId: rep.userId, window: 'month', period: month }))).toMatchObject({ status: 404, field: 'subjectId' });
		expect(await refusal(createReview(app.runtime, asLeader(leader), { subjectId: rep2.userId, window: 'month', period: '2026-13' }))).toMatchObject({ status: 400, field: 'period' });
		expect(await refusal(createReview(app.runtime, asLeader(leader), { subjectId: rep2.userId, window: 'quarter', period: month }))).toMatchObject({ status: 400, field: 'period' });
		expect(await refusal(createReview(app.runtime, asLeader(leader), { subjectId: rep2.userId, window: 'week', period: month }))).toMatchObject({ status: 400, field: 'window' });
		expect(await refusal(createReview(app.runtime, asLeader(leader), { subjectId: 'nope', window: 'month', period: month }))).toMatchObject({ status: 400, field: 'subjectId' });
		expect(await refusal(createReview(app.runtime, asLeader(leader), { subjectId: rep2.userId, window: 'month', period: '2999-01' }))).toMatchObject({ status: 400, field: 'period' });
		// Over HTTP: the message names the field, never a 500.
		const res = await api(leader, 'POST', '/api/v1/reviews', { subjectId: rep2.userId, window: 'month', period: 'soon' });
		expect(res.status).toBe(400);
		expect(res.json().error).toMatch(/Period/);
		const foreign = await api(otherLeader, 'POST', '/api/v1/reviews', { subjectId: rep.userId, window: 'month', period: previousMonth });
		expect(foreign.status).toBe(403);
		expect(foreign.json().error).toMatch(/not on a team you lead/);
		const broken = await leader.browser.request('POST', '/api/v1/reviews', { headers: { 'content-type': 'application/json', origin: app.url }, body: '{' });
		expect(broken.status).toBe(400);
	});

	test('a draft is seen by managers only; a rep never sees another rep’s review', async () => {
		expect(await refusal(readReview(app.runtime, asRep(rep), reviewId))).toMatchObject({ status: 404 });
		expect(await refusal(readReview(app.runtime, asRep(rep2), reviewId))).toMatchObject({ status: 404 });
		expect(await refusal(readReview(app.runtime, asLeader(otherLeader), reviewId))).toMatchObject({ status: 403, key: 'reviews.err.notYourTeam' });
		expect(await refusal(readReview(app.runtime, actor(foreignAdmin, 'admin'), reviewId))).toMatchObject({ status: 404 });
		expect((await readReview(app.runtime, actor(admin, 'admin'), reviewId)).can.edit).toBe(true);
		expect((await listReviewsFor(app.runtime, asRep(rep))).mine).toEqual([]);
		// Pages and the API agree.
		expect((await rep.browser.get(`/reviews/${reviewId}`)).status).toBe(404);
		expect((await api(rep, 'GET', `/api/v1/reviews/${reviewId}`)).status).toBe(404);
		expect((await api(otherLeader, 'GET', `/api/v1/reviews/${reviewId}`)).status).toBe(403);
		expect((await leader.browser.get(`/reviews/${reviewId}`)).status).toBe(200);
		// Sharing needs words; draft edits leave no revision.
		expect(await refusal(shareReview(app.runtime, asLeader(leader), reviewId))).toMatchObject({ status: 400, field: 'feedback' });
		await saveReviewText(app.runtime, asLeader(leader), reviewId, { strengths: 'Fast follow-ups.', improvements: 'Qualify earlier.', feedback: 'Good month.' });
		expect((await readReview(app.runtime, asLeader(leader), reviewId)).revisions).toEqual([]);
		expect(await refusal(saveReviewText(app.runtime, asRep(rep2), reviewId, { strengths: 'x' }))).toMatchObject({ status: 404 });
		expect(await refusal(saveReviewText(app.runtime, asLeader(leader), reviewId, { strengths: 'x'.repeat(4001) }))).toMatchObject({ status: 400, field: 'strengths' });
	});

	test('shared: the rep reads it (another rep still cannot), edits after sharing are kept as revisions', async () => {
		await shareReview(app.runtime, asLeader(leader), reviewId);
		expect(await refusal(shareReview(app.runtime, asLeader(leader), reviewId))).toMatchObject({ status: 409 });
		const seen = await readReview(app.runtime, asRep(rep), reviewId);
		expect(seen).toMatchObject({ status: 'shared', strengths: 'Fast follow-ups.', can: { edit: false, acknowledge: true, comment: true } });
		expect(seen.revisions.map((r) => r.version)).toEqual([1]);
		expect(await refusal(readReview(app.runtime, asRep(rep2), reviewId))).toMatchObject({ status: 404 });
		expect((await api(rep2, 'GET', '/api/v1/reviews')).json()).toEqual({ mine: [], managed: [] });
		expect((await api(rep, 'GET', '/api/v1/reviews')).json().mine.map((r: { id: string }) => r.id)).toEqual([reviewId]);
		expect((await api(rep2, 'GET', `/api/v1/reviews?member=${rep.userId}`)).status).toBe(403);
		// The rep cannot edit it.
		expect(await refusal(saveReviewText(app.runtime, asRep(rep), reviewId, { feedback: 'Great month!' }))).toMatchObject({ status: 403 });
		// Two edits after sharing: versions 2 and 3, each kept.
		await saveReviewText(app.runtime, asLeader(leader), reviewId, { strengths: 'Fast follow-ups.', improvements: 'Qualify earlier.', feedback: 'Good month, strong finish.' });
		const put = await api(leader, 'PUT', `/api/v1/reviews/${reviewId}`, { strengths: 'Fast follow-ups.', improvements: 'Qualify earlier, with BANT.', feedback: 'Good month, strong finish.' });
		expect(put.status).toBe(200);
		expect(put.json()).toEqual({ version: 3 });
		const after = await readReview(app.runtime, asRep(rep), reviewId);
		expect(after.revisions.map((r) => [r.version, r.improvements])).toEqual([
			[3, 'Qualify earlier, with BANT.'],
			[2, 'Qualify earlier.'],
			[1, 'Qualify earlier.']
		]);
		expect(after.improvements).toBe('Qualify earlier, with BANT.');
	});

	test('acknowledged once: of two truly concurrent acknowledgements exactly one succeeds; a second is a clear 409', async () => {
		expect(await refusal(acknowledgeReviewAs(app.runtime, asLeader(leader), reviewId))).toMatchObject({ status: 403 });
		const results = await Promise.allSettled([acknowledgeReviewAs(app.runtime, asRep(rep), reviewId), acknowledgeReviewAs(app.runtime, asRep(rep), reviewId)]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(rejected.reason).toBeInstanceOf(AppError);
		expect((rejected.reason as AppError).status).toBe(409);
		const again = await api(rep, 'POST', `/api/v1/reviews/${reviewId}/acknowledgement`, {});
		expect(again.status).toBe(409);
		expect(again.json().error).toBe('You have already acknowledged this review.');
		const page = await rep.browser.action(`/reviews/${reviewId}?/acknowledge`, {});
		expect(page).toMatchObject({ type: 'failure', status: 409 });
		const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log where target_id = ${reviewId} and action = 'review.acknowledged'`.execute(app.runtime.db);
		expect(Number(audit.rows[0].n)).toBe(1);
		expect((await readReview(app.runtime, asRep(rep), reviewId)).can.acknowledge).toBe(false);
	});

	test('two HTTP acknowledgements at once on a fresh review: one 200, one 409', async () => {
		const { id } = await createReview(app.runtime, asLeader(leader), { subjectId: rep.userId, window: 'month', period: previousMonth });
		await saveReviewText(app.runtime, asLeader(leader), id, { feedback: 'Steady.' });
		await shareReview(app.runtime, asLeader(leader), id);
		const [a, b] = await Promise.all([api(rep, 'POST', `/api/v1/reviews/${id}/acknowledgement`, {}), api(rep, 'POST', `/api/v1/reviews/${id}/acknowledgement`, {})]);
		expect([a.status, b.status].sort()).toEqual([200, 409]);
	});

	test('acknowledgements racing over two connection pools (two processes): exactly one wins', async () => {
		const { id } = await createReview(app.runtime, asLeader(leader), { subjectId: rep.userId, window: 'quarter', period: periodOf('quarter', new Date(), await orgClock(app.runtime.db, admin.organizationId)).key });
		await saveReviewText(app.runtime, asLeader(leader), id, { strengths: 'Consistent.' });
		await shareReview(app.runtime, asLeader(leader), id);
		const second = usingPostgres ? await openTestDb() : null;
		try {
			const deps = [app.runtime, second ? { ...app.runtime, db: second.db } : app.runtime];
			const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => acknowledgeReviewAs(deps[i % 2], asRep(rep), id)));
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			for (const r of results.filter((r) => r.status === 'rejected')) expect(((r as PromiseRejectedResult).reason as AppError).status).toBe(409);
		} finally {
			await second?.close();
		}
	});

	test('both sides comment in the thread; others cannot', async () => {
		await commentOnReview(app.runtime, asRep(rep), reviewId, { body: 'Thanks, agreed on qualifying.' });
		const res = await api(leader, 'POST', `/api/v1/reviews/${reviewId}/comments`, { body: 'Let us pair on two calls.' });
		expect(res.status).toBe(201);
		expect((await readReview(app.runtime, asRep(rep), reviewId)).comments.map((c) => c.body)).toEqual(['Thanks, agreed on qualifying.', 'Let us pair on two calls.']);
		expect(await refusal(commentOnReview(app.runtime, asRep(rep2), reviewId, { body: 'Hi' }))).toMatchObject({ status: 404 });
		expect(await refusal(commentOnReview(app.runtime, asRep(rep), reviewId, { body: '' }))).toMatchObject({ status: 400, field: 'body' });
	});

	test('an empty period: the scorecard says so, and the page renders', async () => {
		const { id } = await createReview(app.runtime, asLeader(leader), { subjectId: rep2.userId, window: 'month', period: previousMonth });
		const view = await readReview(app.runtime, asLeader(leader), id);
		expect(view.scorecard).toMatchObject({ empty: true, activeDays: 0, rank: { rank: null } });
		expect(view.scorecard.measures.every((m) => m.current === 0)).toBe(true);
		const page = await leader.browser.get(`/reviews/${id}`);
		expect(page.status).toBe(200);
		expect(page.body).toContain('data-testid="scorecard-empty"');
		// A rep with no events at all, reviewed by an admin.
		const newcomer = await addMember(app, admin, 'rep');
		const fresh = await createReview(app.runtime, actor(admin, 'admin'), { subjectId: newcomer.userId, window: 'quarter', period: periodOf('quarter', new Date(), await orgClock(app.runtime.db, admin.organizationId)).key });
		expect((await readReview(app.runtime, actor(admin, 'admin'), fresh.id)).scorecard).toMatchObject({ empty: true, rank: { rank: null }, training: { assigned: 0 } });
	});

	test('the improvement plan: actions ticked by their owner, reminders delivered once by the scheduler, shown on home', async () => {
		expect(await refusal(addPlanAction(app.runtime, asLeader(leader), reviewId, { text: 'x', owner: 'rep', dueOn: await inDays(1) }))).toMatchObject({ status: 409 });
		await openImprovementPlan(app.runtime, asLeader(leader), reviewId, { goal: 'Qualify every lead before the demo.' });
		const tomorrow = await inDays(1);
		const { id: repAction } = await addPlanAction(app.runtime, asLeader(leader), reviewId, { text: 'Use the BANT sheet on every call', owner: 'rep', dueOn: tomorrow });
		const { id: leaderAction } = await addPlanAction(app.runtime, asLeader(leader), reviewId, { text: 'Share the call recordings', owner: 'leader', dueOn: tomorrow });
		const { id: checkin } = await addPlanCheckin(app.runtime, asLeader(leader), reviewId, { onDay: await inDays(2), note: 'Review five calls' });
		expect(await refusal(addPlanAction(app.runtime, asLeader(leader), reviewId, { text: 'x', owner: 'boss', dueOn: tomorrow }))).toMatchObject({ status: 400, field: 'owner' });
		expect(await refusal(addPlanAction(app.runtime, asLeader(leader), reviewId, { text: 'x', owner: 'rep', dueOn: '2026-02-30' }))).toMatchObject({ status: 400, field: 'dueOn' });
		expect(await refusal(addPlanAction(app.runtime, asRep(rep), reviewId, { text: 'x', owner: 'rep', dueOn: tomorrow }))).toMatchObject({ status: 403 });

		// Home's Next up: the rep sees their own action and the check-in; the leader theirs.
		const repNext = await reviewNextUp(app.runtime.db, asRep(rep));
		expect(repNext.filter((n) => n.kind === 'action').map((n) => n.text)).toEqual(['Use the BANT sheet on every call']);
		expect(repNext.some((n) => n.kind === 'checkin')).toBe(true);
		const leaderNext = await reviewNextUp(app.runtime.db, asLeader(leader));
		expect(leaderNext.filter((n) => n.kind === 'action').map((n) => n.text)).toEqual(['Share the call recordings']);
		const home = await rep.browser.get('/');
		expect(home.status).toBe(200);
		expect(home.body).toContain('Use the BANT sheet on every call');

		// The reminder jobs, one per item and day; run now by the scheduler: delivered once, to the owner.
		const jobs = await app.runtime.db.selectFrom('jobs').select(['id', 'dedupe_key']).where('kind', '=', 'review.reminder').where('organization_id', '=', admin.organizationId).execute();
		expect(jobs.map((j) => j.dedupe_key).sort()).toEqual([`review:action:${leaderAction}:${tomorrow}`, `review:action:${repAction}:${tomorrow}`, `review:checkin:${checkin}:${await inDays(2)}`].sort());
		const heard: string[] = [];
		const stop = app.runtime.events.on('review.reminder', ({ userIds, reminder }) => heard.push(...userIds.map((u) => `${u}:${reminder.id}`)));
		try {
			const repJob = jobs.find((j) => j.dedupe_key === `review:action:${repAction}:${tomorrow}`)!;
			await app.runtime.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('id', '=', repJob.id).execute();
			for (let i = 0; i < 100; i++) {
				await app.runtime.scheduler.poll();
				const row = await app.runtime.db.selectFrom('jobs').select('status').where('id', '=', repJob.id).executeTakeFirstOrThrow();
				if (row.status === 'done') break;
			}
			expect((await app.runtime.db.selectFrom('jobs').select('status').where('id', '=', repJob.id).executeTakeFirstOrThrow()).status).toBe('done');
			// Run again (a retry, a second process): nothing more is sent.
			expect(await Promise.all([sendReviewReminder(app.runtime, { kind: 'action', id: repAction, day: tomorrow }), sendReviewReminder(app.runtime, { kind: 'action', id: repAction, day: tomorrow })])).toEqual([[], []]);
			// The check-in reminds both sides, once.
			const both = await Promise.all([sendReviewReminder(app.runtime, { kind: 'checkin', id: checkin, day: await inDays(2) }), sendReviewReminder(app.runtime, { kind: 'checkin', id: checkin, day: await inDays(2) })]);
			expect(both.flat().sort()).toEqual([leader.userId, rep.userId].sort());
		} finally {
			stop();
		}
		expect(heard.filter((h) => h.endsWith(repAction))).toEqual([`${rep.userId}:${repAction}`]);

		// Live: a leader's action reminds the leader's own sockets, nobody else's.
		const { id: later } = await addPlanAction(app.runtime, asLeader(leader), reviewId, { text: 'Book the ride-along', owner: 'leader', dueOn: await inDays(3) });
		const mine = await connectSocket(app.url, leader.browser.cookieHeader());
		const theirs = await connectSocket(app.url, rep.browser.cookieHeader());
		const overheard = collect(theirs, 'review:reminder');
		const arrived = nextEvent<{ id: string; kind: string; text: string; reviewId: string }>(mine, 'review:reminder');
		expect(await sendReviewReminder(app.runtime, { kind: 'action', id: later, day: await inDays(3) })).toEqual([leader.userId]);
		expect(await arrived).toMatchObject({ id: later, kind: 'action', text: 'Book the ride-along', reviewId });
		await settled(theirs);
		expect(overheard).toEqual([]);
		mine.close();
		theirs.close();

		// Ticking: the rep ticks their own action, not the leader's; the leader ticks any.
		await tickPlanAction(app.runtime, asRep(rep), reviewId, { actionId: repAction, done: 'true' });
		expect(await refusal(tickPlanAction(app.runtime, asRep(rep), reviewId, { actionId: leaderAction, done: 'true' }))).toMatchObject({ status: 403, key: 'reviews.err.notYourAction' });
		expect(await refusal(tickPlanAction(app.runtime, asRep(rep2), reviewId, { actionId: repAction, done: 'false' }))).toMatchObject({ status: 404 });
		await tickPlanAction(app.runtime, asLeader(leader), reviewId, { actionId: leaderAction, done: true });
		const plan = (await readReview(app.runtime, asRep(rep), reviewId)).plan!;
		expect(plan.actions.filter((a) => a.id === repAction || a.id === leaderAction).map((a) => a.done)).toEqual([true, true]);
		// A done action is not reminded.
		expect(await sendReviewReminder(app.runtime, { kind: 'action', id: leaderAction, day: tomorrow })).toEqual([]);
		expect((await reviewNextUp(app.runtime.db, asRep(rep))).filter((n) => n.kind === 'action')).toEqual([]);
	});
});

describe('coaching notes', () => {
	test('private notes stay with managers; shared ones reach the rep, who ticks their items; only the author edits', async () => {
		const { id: privateId } = await createNote(app.runtime.db, asLeader(leader), rep.userId, { onDay: await inDays(0), body: 'Seemed tired; check workload.', items: 'Ask about the pipeline\nOffer a lighter week' });
		const { id: sharedId } = await createNote(app.runtime.db, asLeader(leader), rep.userId, { onDay: await inDays(0), body: 'Great demo with ACME.', shared: 'true', items: ['Send the recap', 'Book the follow-up'] });
		const mine = await notesOf(app.runtime.db, asRep(rep), rep.userId);
		expect(mine.map((n) => n.id)).toEqual([sharedId]);
		expect(mine[0].items.map((i) => i.text)).toEqual(['Send the recap', 'Book the follow-up']);
		const all = await notesOf(app.runtime.db, asLeader(leader), rep.userId);
		expect(all.map((n) => n.id).sort()).toEqual([privateId, sharedId].sort());
		expect((await notesOf(app.runtime.db, actor(admin, 'admin'), rep.userId)).length).toBe(2);
		// Another rep, a leader of another team, another organization.
		expect(await refusal(notesOf(app.runtime.db, asRep(rep2), rep.userId))).toMatchObject({ status: 403 });
		expect(await refusal(notesOf(app.runtime.db, asLeader(otherLeader), rep.userId))).toMatchObject({ status: 403, key: 'reviews.err.notYourTeam' });
		expect(await refusal(notesOf(app.runtime.db, actor(foreignAdmin, 'admin'), rep.userId))).toMatchObject({ status: 404 });
		expect(await refusal(createNote(app.runtime.db, asRep(rep), rep.userId, { onDay: await inDays(0), body: 'Me' }))).toMatchObject({ status: 403 });
		expect(await refusal(createNote(app.runtime.db, asLeader(otherLeader), rep.userId, { onDay: await inDays(0), body: 'Hi' }))).toMatchObject({ status: 403 });
		expect(await refusal(createNote(app.runtime.db, asLeader(leader), rep.userId, { onDay: 'today', body: 'Hi' }))).toMatchObject({ status: 400, field: 'onDay' });
		// Pages: the profile shows notes only to those allowed.
		expect((await rep.browser.get(`/people/${rep.userId}`)).body).toContain('Great demo with ACME.');
		expect((await rep.browser.get(`/people/${rep.userId}`)).body).not.toContain('Seemed tired');
		expect((await rep2.browser.get(`/people/${rep.userId}`)).body).not.toContain('Great demo with ACME.');
		expect((await leader.browser.get(`/people/${rep.userId}`)).body).toContain('Seemed tired');
		// API.
		expect((await api(rep, 'GET', `/api/v1/notes?member=${rep.userId}`)).json().notes.map((n: { id: string }) => n.id)).toEqual([sharedId]);
		expect((await api(rep2, 'GET', `/api/v1/notes?member=${rep.userId}`)).status).toBe(403);
		expect((await api(rep, 'GET', '/api/v1/notes')).status).toBe(400);

		// Ticking: the rep ticks items of shared notes only; the leader any.
		const sharedItem = mine[0].items[0].id;
		const privateItem = all.find((n) => n.id === privateId)!.items[0].id;
		await tickNoteItem(app.runtime.db, asRep(rep), sharedId, { itemId: sharedItem, done: 'true' });
		expect(await refusal(tickNoteItem(app.runtime.db, asRep(rep), privateId, { itemId: privateItem, done: 'true' }))).toMatchObject({ status: 404 });
		expect(await refusal(tickNoteItem(app.runtime.db, asRep(rep), sharedId, { itemId: privateItem, done: 'true' }))).toMatchObject({ status: 404, field: 'itemId' });
		await tickNoteItem(app.runtime.db, asLeader(leader), privateId, { itemId: privateItem, done: 'true' });
		expect((await notesOf(app.runtime.db, asRep(rep), rep.userId))[0].items[0].done).toBe(true);

		// Editing someone else's note: refused, even for an admin; the author may.
		expect(await refusal(editNote(app.runtime.db, actor(admin, 'admin'), sharedId, { body: 'Edited', shared: 'true' }))).toMatchObject({ status: 403, key: 'notes.err.notAuthor' });
		expect(await refusal(editNote(app.runtime.db, asRep(rep), sharedId, { body: 'Edited', shared: 'true' }))).toMatchObject({ status: 403 });
		expect(await refusal(editNote(app.runtime.db, asLeader(otherLeader), sharedId, { body: 'Edited' }))).toMatchObject({ status: 403 });
		await editNote(app.runtime.db, asLeader(leader), sharedId, { body: 'Great demo with ACME (recap sent).', shared: 'true' });
		// Unsharing hides it from the rep.
		await editNote(app.runtime.db, asLeader(leader), privateId, { body: 'Workload checked.' });
		expect((await notesOf(app.runtime.db, asRep(rep), rep.userId)).map((n) => n.body)).toEqual(['Great demo with ACME (recap sent).']);
		const audit = await sql<{ action: string }>`select action from audit_log where target_type = 'coaching_note' and target_id in (${privateId}, ${sharedId}) order by id`.execute(app.runtime.db);
		expect(audit.rows.map((r) => r.action)).toEqual(['coaching_note.created', 'coaching_note.created', 'coaching_note.item_ticked', 'coaching_note.item_ticked', 'coaching_note.edited', 'coaching_note.edited']);
	});
});
