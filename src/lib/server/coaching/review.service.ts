// Performance reviews: a leader (of a team the rep is on, or above it) or an admin starts a review of a
// rep for a month or a quarter of the organization's calendar. Its scorecard is assembled at creation
// from the event log, the goals service and the training service, and kept as a snapshot. The leader
// writes strengths, areas to improve and feedback (draft), shares it, may open an improvement plan
// (actions with an owner and a due day, dated check-ins, reminded by scheduler jobs), and the rep reads
// it, acknowledges it once and comments. Invariants: one review per rep and period (a unique index);
// acknowledgement is a conditional update, so two at once make one; every text saved once shared is a
// revision. Visibility: the rep sees their own shared reviews, never a draft; managers see their reps';
// to another rep a review does not exist (404); a leader of another team is refused (403).
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { Actor } from '../org/actor';
import { accessOf, type Access } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { listMembers } from '../org/membership.repository';
import { AppError } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import { parseInput } from '../platform/validation';
import { activeMetrics } from '../scoring/activity.service';
import { orgClock } from '../scoring/live.service';
import { dailyTotalsOfUsers, scoresInRange } from '../scoring/event.repository';
import { readGoals } from '../goals/goal.service';
import { assignmentsOf } from '../training/training.service';
import { daysOf, localDay } from './analytics.service';
import { assembleScorecard, type MeasureInput } from './scorecard';
import { periodFromKey, periodOf, shiftPeriod, zonedTimeToInstant, type OrgClock, type Period } from '../../shared/time-windows';
import {
	reviewActionDoneSchema,
	reviewActionSchema,
	reviewCheckinSchema,
	reviewCommentSchema,
	reviewCreateSchema,
	reviewPlanSchema,
	reviewTextSchema,
	type ReviewNextUp,
	type ReviewReminder,
	type ReviewSummary,
	type ReviewView,
	type Scorecard
} from '../../shared/reviews';
import {
	acknowledgeReview,
	findAction,
	findReview,
	findReviewOfPeriod,
	insertAction,
	insertCheckin,
	insertReview,
	insertReviewComment,
	insertRevision,
	listActions,
	listCheckins,
	listReviewComments,
	listReviews,
	listRevisions,
	markActionReminded,
	markCheckinReminded,
	openPlan,
	reviewsToAcknowledge,
	setActionDone,
	shareReview as shareReviewRow,
	upcomingPlanItems,
	updateReviewText,
	type ReviewRow
} from './review.repository';

export interface ReviewDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
}

declare module '../platform/scheduler' {
	interface JobPayloads {
		/** Reminds the owner of an improvement plan's action on its due day, or both sides of a check-in. */
		'review.reminder': { kind: 'action' | 'checkin'; id: string; day: string };
	}
}

/** Reminders go out at this local hour of the due day. */
export const REVIEW_REMINDER_HOUR = 9;
/** Home's "Next up" looks this many days ahead. */
const NEXT_UP_DAYS = 7;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Admins review anyone of the organization; leaders the reps of the teams they manage. */
export const managesMember = (access: Access, userId: string) => userId !== access.actor.userId && (access.isAdmin || (access.actor.role === 'leader' && access.canManageMember(userId)));

function idOf(value: unknown, field: string, key: 'reviews.err.notFound' | 'reviews.err.actionNotFound' = 'reviews.err.notFound'): string {
	if (typeof value !== 'string' || !UUID.test(value)) throw new AppError(404, key, undefined, field);
	return value;
}

type Seen = { row: ReviewRow; as: 'subject' | 'manager' };

/** The review if the actor may see it: its rep once shared, whoever manages the rep; else 404 (reps, other orgs) or 403 (other leaders). */
async function visibleReview(db: Db, access: Access, id: unknown): Promise<Seen> {
	const row = await findReview(db, access.actor.organizationId, idOf(id, 'reviewId'));
	if (!row) throw new AppError(404, 'reviews.err.notFound', undefined, 'reviewId');
	if (row.subject_id === access.actor.userId) {
		if (row.status !== 'shared') throw new AppError(404, 'reviews.err.notFound', undefined, 'reviewId');
		return { row, as: 'subject' };
	}
	if (managesMember(access, row.subject_id)) return { row, as: 'manager' };
	if (access.actor.role === 'rep') throw new AppError(404, 'reviews.err.notFound', undefined, 'reviewId');
	throw new AppError(403, 'reviews.err.notYourTeam', undefined, 'reviewId');
}

async function managedReview(db: Db, access: Access, id: unknown): Promise<ReviewRow> {
	const seen = await visibleReview(db, access, id);
	if (seen.as !== 'manager') throw new AppError(403, 'reviews.err.managersOnly', undefined, 'reviewId');
	return seen.row;
}

/** The period a review covers: a month or a quarter by its key, in the organization's time zone (400 naming `period`). */
export function reviewPeriod(window: 'month' | 'quarter', key: string, clock: OrgClock, now: Date): Period {
	let period: Period;
	try {
		period = periodFromKey(window, key, clock);
	} catch {
		throw new AppError(400, window === 'month' ? 'reviews.err.monthKey' : 'reviews.err.quarterKey', undefined, 'period');
	}
	if (period.start.getTime() > now.getTime()) throw new AppError(400, 'reviews.err.future', undefined, 'period');
	return period;
}

/** The scorecard of a rep for a period, from the data as it is now (kept as the review's snapshot). */
export async function buildScorecard(deps: ReviewDeps, actor: Actor, subjectId: string, window: 'month' | 'quarter', period: Period, now: Date): Promise<Scorecard> {
	const db = deps.db;
	const org = actor.organizationId;
	const [clock, metrics, members] = await Promise.all([orgClock(db, org), activeMetrics(db, org), listMembers(db, org)]);
	const subject = members.find((m) => m.user_id === subjectId)!;
	const previous = shiftPeriod(period, -1, clock);
	const days = daysOf(period, clock);
	const previousDays = daysOf(previous, clock);
	// The cohort: those on the reps' boards (active, carrying a quota) of the member's team, else of the organization.
	const cohort = members.filter((m) => m.status === 'active' && m.competes && (subject.team_id ? m.team_id === subject.team_id : m.role === 'rep')).map((m) => m.user_id);
	if (!cohort.includes(subjectId)) cohort.push(subjectId);
	const [points, perMetric, cohortScores, goals, assignments] = await Promise.all([
		dailyTotalsOfUsers(db, org, [subjectId], null, previous.start, period.end, clock.timeZone),
		Promise.all(metrics.map((m) => dailyTotalsOfUsers(db, org, [subjectId], m.key, previous.start, period.end, clock.timeZone))),
		scoresInRange(db, org, undefined, 'users', cohort, period),
		readGoals({ ...deps, now: () => now }, actor, { owner: subjectId, period: days[0], statuses: ['active'] }, 'en'),
		assignmentsOf(db, org, subjectId, now)
	]);
	const byDay = (rows: { day: string; value: number; points: number; count: number }[] | undefined, pick: 'value' | 'points' | 'count') => new Map((rows ?? []).map((r) => [r.day, r[pick]]));
	const measures: MeasureInput[] = [
		{ key: 'points', name: null, unit: 'points', currency: null, byDay: byDay(points.get(subjectId), 'points') },
		...metrics.map((m, i) => ({ key: m.key, name: m.name, unit: m.unit as MeasureInput['unit'], currency: m.currency, byDay: byDay(perMetric[i].get(subjectId), 'value') }))
	];
	const goalMap = new Map<string, { target: number; actual: number }>();
	for (const g of goals) {
		if (g.owner.kind !== 'member' || g.window !== window || g.period.key !== period.key) continue;
		goalMap.set(g.measure.unit === 'points' ? 'points' : g.measure.key, { target: g.target, actual: g.actual });
	}
	const scores = new Map<string, number>(cohort.map((id) => [id, 0]));
	for (const r of cohortScores) scores.set(r.member, Number(r.score));
	const inPeriod = (iso: string | null) => !!iso && Date.parse(iso) >= period.start.getTime() && Date.parse(iso) < period.end.getTime();
	return assembleScorecard({
		period: { window, key: period.key, start: period.start.toISOString(), end: period.end.toISOString(), previousKey: previous.key },
		days,
		previousDays,
		today: localDay(now, clock),
		measures,
		counts: byDay(points.get(subjectId), 'count'),
		goals: goalMap,
		subjectId,
		cohort: scores,
		cohortScope: subject.team_id ? 'team' : 'org',
		training: {
			assigned: assignments.length,
			completed: assignments.filter((a) => a.state === 'completed').length,
			completedInPeriod: assignments.filter((a) => inPeriod(a.completedAt)).length,
			overdue: assignments.filter((a) => a.overdue).length
		},
		takenAt: now.toISOString()
	});
}

/** Starts a review of a rep for a period, its scorecard prefilled. 404 for a member of another org, 403 for a rep the actor does not manage. */
export async function createReview(deps: ReviewDeps, actor: Actor, input: unknown, now = new Date()): Promise<{ id: string }> {
	const data = parseInput(reviewCreateSchema, input);
	const access = await accessOf(deps.db, actor);
	const members = await listMembers(deps.db, actor.organizationId);
	const subject = members.find((m) => m.user_id === data.subjectId);
	if (!subject) throw new AppError(404, 'reviews.err.member', undefined, 'subjectId');
	if (actor.role === 'rep') throw new AppError(403, 'reviews.err.managersOnly', undefined, 'subjectId');
	if (!managesMember(access, subject.user_id)) throw new AppError(403, 'reviews.err.notYourTeam', undefined, 'subjectId');
	const clock = await orgClock(deps.db, actor.organizationId);
	const period = reviewPeriod(data.window, data.period, clock, now);
	if (await findReviewOfPeriod(deps.db, actor.organizationId, subject.user_id, data.window, period.key)) throw new AppError(409, 'reviews.err.exists', undefined, 'period');
	const scorecard = await buildScorecard(deps, actor, subject.user_id, data.window, period, now);
	return deps.db.transaction().execute(async (trx) => {
		const row = await insertReview(trx, {
			organization_id: actor.organizationId,
			subject_id: subject.user_id,
			author_id: actor.userId,
			period_window: data.window,
			period_key: period.key,
			period_start: period.start,
			period_end: period.end,
			scorecard: JSON.stringify(scorecard)
		});
		if (!row) throw new AppError(409, 'reviews.err.exists', undefined, 'period');
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'review.created',
			targetType: 'review',
			targetId: row.id,
			data: { subjectId: subject.user_id, window: data.window, period: period.key }
		});
		return { id: row.id };
	});
}

/** Saves the texts. Once shared, each save is a new revision (the history the page shows). */
export async function saveReviewText(deps: Pick<ReviewDeps, 'db'>, actor: Actor, reviewId: unknown, input: unknown): Promise<{ version: number }> {
	const access = await accessOf(deps.db, actor);
	const row = await managedReview(deps.db, access, reviewId);
	const text = parseInput(reviewTextSchema, input);
	return deps.db.transaction().execute(async (trx) => {
		const shared = row.status === 'shared';
		const saved = await updateReviewText(trx, actor.organizationId, row.id, text, shared);
		if (shared) await insertRevision(trx, { organization_id: actor.organizationId, review_id: row.id, version: saved.version, editor_id: actor.userId, ...text });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.edited', targetType: 'review', targetId: row.id, data: { version: saved.version, shared } });
		return { version: saved.version };
	});
}

/** Draft → shared: the rep sees it from now on; the shared text is revision 1. A second share is a 409. */
export async function shareReview(deps: Pick<ReviewDeps, 'db'>, actor: Actor, reviewId: unknown): Promise<{ version: number }> {
	const access = await accessOf(deps.db, actor);
	const row = await managedReview(deps.db, access, reviewId);
	if (row.status === 'shared') throw new AppError(409, 'reviews.err.shared', undefined, 'reviewId');
	if (!row.strengths && !row.improvements && !row.feedback) throw new AppError(400, 'reviews.err.emptyText', undefined, 'feedback');
	return deps.db.transaction().execute(async (trx) => {
		const shared = await shareReviewRow(trx, actor.organizationId, row.id);
		if (!shared) throw new AppError(409, 'reviews.err.shared', undefined, 'reviewId');
		await insertRevision(trx, { organization_id: actor.organizationId, review_id: row.id, version: shared.version, editor_id: actor.userId, strengths: shared.strengths, improvements: shared.improvements, feedback: shared.feedback });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.shared', targetType: 'review', targetId: row.id, data: { subjectId: row.subject_id } });
		return { version: shared.version };
	});
}

/** The rep acknowledges their shared review, once: a second acknowledgement (even a concurrent one) is a 409. */
export async function acknowledgeReviewAs(deps: Pick<ReviewDeps, 'db'>, actor: Actor, reviewId: unknown): Promise<{ acknowledgedAt: string }> {
	const access = await accessOf(deps.db, actor);
	const seen = await visibleReview(deps.db, access, reviewId);
	if (seen.as !== 'subject') throw new AppError(403, 'reviews.err.onlySubject', undefined, 'reviewId');
	return deps.db.transaction().execute(async (trx) => {
		const done = await acknowledgeReview(trx, actor.organizationId, seen.row.id, actor.userId);
		if (!done) throw new AppError(409, 'reviews.err.acknowledged', undefined, 'reviewId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.acknowledged', targetType: 'review', targetId: seen.row.id, data: {} });
		return { acknowledgedAt: new Date(done.acknowledged_at!).toISOString() };
	});
}

/** Adds a comment to the review's thread: its rep (once shared) and whoever manages them. */
export async function commentOnReview(deps: Pick<ReviewDeps, 'db'>, actor: Actor, reviewId: unknown, input: unknown): Promise<{ id: number }> {
	const access = await accessOf(deps.db, actor);
	const seen = await visibleReview(deps.db, access, reviewId);
	const data = parseInput(reviewCommentSchema, input);
	return deps.db.transaction().execute(async (trx) => {
		const row = await insertReviewComment(trx, { organization_id: actor.organizationId, review_id: seen.row.id, author_id: actor.userId, body: data.body });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.commented', targetType: 'review', targetId: seen.row.id, data: { commentId: Number(row.id) } });
		return { id: Number(row.id) };
	});
}

/** Opens (or re-states) the improvement plan's objective. */
export async function openImprovementPlan(deps: Pick<ReviewDeps, 'db'>, actor: Actor, reviewId: unknown, input: unknown): Promise<void> {
	const access = await accessOf(deps.db, actor);
	const row = await managedReview(deps.db, access, reviewId);
	const data = parseInput(reviewPlanSchema, input);
	await deps.db.transaction().execute(async (trx) => {
		await openPlan(trx, actor.organizationId, row.id, data.goal);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.plan_opened', targetType: 'review', targetId: row.id, data: { goal: data.goal } });
	});
}

const reminderAt = (day: string, clock: OrgClock) => {
	const [year, month, d] = day.split('-').map(Number);
	return zonedTimeToInstant({ year, month, day: d, hour: REVIEW_REMINDER_HOUR }, clock.timeZone);
};

async function scheduleReviewReminder(deps: Pick<ReviewDeps, 'db' | 'scheduler'>, organizationId: string, kind: 'action' | 'checkin', id: string, day: string) {
	const clock = await orgClock(deps.db, organizationId);
	await deps.scheduler.schedule('review.reminder', { kind, id, day }, { runAt: reminderAt(day, clock), dedupeKey: `review:${kind}:${id}:${day}`, organizationId });
}

function requirePlan(row: ReviewRow) {
	if (!row.plan_opened_at) throw new AppError(409, 'reviews.err.noPlan', undefined, 'reviewId');
}

/** Adds an action to the plan (owner the rep or the leader), reminded on its due day. */
export async function addPlanAction(deps: Pick<ReviewDeps, 'db' | 'scheduler'>, actor: Actor, reviewId: unknown, input: unknown): Promise<{ id: string }> {
	const access = await accessOf(deps.db, actor);
	const row = await managedReview(deps.db, access, reviewId);
	requirePlan(row);
	const data = parseInput(reviewActionSchema, input);
	const created = await deps.db.transaction().execute(async (trx) => {
		const action = await insertAction(trx, { organization_id: actor.organizationId, review_id: row.id, text: data.text, owner: data.owner, due_on: data.dueOn });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.action_added', targetType: 'review', targetId: row.id, data: { actionId: action.id, owner: data.owner, dueOn: data.dueOn } });
		return action;
	});
	await scheduleReviewReminder(deps, actor.organizationId, 'action', created.id, data.dueOn);
	return { id: created.id };
}

/** Ticks an action done (or not): the rep their own actions of a shared review, managers every action. */
export async function tickPlanAction(deps: Pick<ReviewDeps, 'db'>, actor: Actor, reviewId: unknown, input: unknown): Promise<{ done: boolean }> {
	const access = await accessOf(deps.db, actor);
	const seen = await visibleReview(deps.db, access, reviewId);
	const data = parseInput(reviewActionDoneSchema, input);
	const action = await findAction(deps.db, actor.organizationId, data.actionId);
	if (!action || action.review_id !== seen.row.id) throw new AppError(404, 'reviews.err.actionNotFound', undefined, 'actionId');
	if (seen.as === 'subject' && action.owner !== 'rep') throw new AppError(403, 'reviews.err.notYourAction', undefined, 'actionId');
	await deps.db.transaction().execute(async (trx) => {
		await setActionDone(trx, actor.organizationId, action.id, data.done ? actor.userId : null);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.action_ticked', targetType: 'review', targetId: seen.row.id, data: { actionId: action.id, done: data.done } });
	});
	return { done: data.done };
}

/** Adds a dated check-in to the plan, reminded on its day. */
export async function addPlanCheckin(deps: Pick<ReviewDeps, 'db' | 'scheduler'>, actor: Actor, reviewId: unknown, input: unknown): Promise<{ id: string }> {
	const access = await accessOf(deps.db, actor);
	const row = await managedReview(deps.db, access, reviewId);
	requirePlan(row);
	const data = parseInput(reviewCheckinSchema, input);
	const created = await deps.db.transaction().execute(async (trx) => {
		const checkin = await insertCheckin(trx, { organization_id: actor.organizationId, review_id: row.id, on_day: data.onDay, note: data.note });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'review.checkin_added', targetType: 'review', targetId: row.id, data: { checkinId: checkin.id, onDay: data.onDay } });
		return checkin;
	});
	await scheduleReviewReminder(deps, actor.organizationId, 'checkin', created.id, data.onDay);
	return { id: created.id };
}

/**
 * The reminder job's handler: marks the action or check-in reminded for its day (a conditional update, so
 * a job run twice reminds once), then tells its owner (an action's: the rep or the review's author; a
 * check-in's: both). A rep hears of a review's plan only once it is shared. Returns whom it reminded.
 */
export async function sendReviewReminder(deps: Pick<ReviewDeps, 'db' | 'events'>, payload: { kind: 'action' | 'checkin'; id: string; day: string }): Promise<string[]> {
	const marked = payload.kind === 'action' ? await markActionReminded(deps.db, payload.id, payload.day) : await markCheckinReminded(deps.db, payload.id, payload.day);
	if (!marked) return [];
	const review = await findReview(deps.db, marked.organization_id, marked.review_id);
	if (!review) return [];
	const repMayKnow = review.status === 'shared';
	let userIds: string[];
	let text: string;
	if ('owner' in marked) {
		userIds = marked.owner === 'rep' ? (repMayKnow ? [review.subject_id] : []) : [review.author_id];
		text = marked.text;
	} else {
		userIds = repMayKnow ? [review.subject_id, review.author_id] : [review.author_id];
		text = marked.note;
	}
	if (userIds.length === 0) return [];
	const reminder: ReviewReminder = { reviewId: review.id, kind: payload.kind, id: payload.id, day: payload.day, text };
	deps.events.emit('review.reminder', { organizationId: review.organization_id, userIds, reminder });
	return userIds;
}

export async function installReviews(deps: ReviewDeps): Promise<() => void> {
	deps.scheduler.register('review.reminder', async (payload) => void (await sendReviewReminder(deps, payload)));
	return () => {};
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function summaryOf(row: ReviewRow): ReviewSummary {
	return {
		id: row.id,
		subject: { id: row.subject_id, name: row.subject_name },
		author: { id: row.author_id, name: row.author_name },
		status: row.status,
		period: { window: row.period_window, key: row.period_key },
		createdAt: iso(row.created_at)!,
		sharedAt: iso(row.shared_at),
		acknowledgedAt: iso(row.acknowledged_at)
	};
}

/** One review as the actor may see it, with its plan, thread and history. */
export async function readReview(deps: Pick<ReviewDeps, 'db'>, actor: Actor, reviewId: unknown, now = new Date()): Promise<ReviewView> {
	const access = await accessOf(deps.db, actor);
	const { row, as } = await visibleReview(deps.db, access, reviewId);
	const org = actor.organizationId;
	const [actions, checkins, comments, revisions, clock] = await Promise.all([
		listActions(deps.db, org, [row.id]),
		listCheckins(deps.db, org, [row.id]),
		listReviewComments(deps.db, org, row.id),
		listRevisions(deps.db, org, row.id),
		orgClock(deps.db, org)
	]);
	const today = periodOf('day', now, clock).key;
	const manager = as === 'manager';
	return {
		...summaryOf(row),
		period: { window: row.period_window, key: row.period_key, start: iso(row.period_start)!, end: iso(row.period_end)! },
		scorecard: row.scorecard as Scorecard,
		strengths: row.strengths,
		improvements: row.improvements,
		feedback: row.feedback,
		version: row.version,
		updatedAt: iso(row.updated_at)!,
		plan: row.plan_opened_at
			? {
					goal: row.plan_goal ?? '',
					openedAt: iso(row.plan_opened_at)!,
					actions: actions.map((a) => ({ id: a.id, text: a.text, owner: a.owner, dueOn: a.due_on, done: !!a.done_at, doneAt: iso(a.done_at), overdue: !a.done_at && a.due_on < today })),
					checkins: checkins.map((c) => ({ id: c.id, onDay: c.on_day, note: c.note, past: c.on_day < today }))
				}
			: null,
		comments: comments.map((c) => ({ id: Number(c.id), author: { id: c.author_id, name: c.author_name }, body: c.body, createdAt: iso(c.created_at)! })),
		// Managers see every revision; the rep the ones they were shown.
		revisions: revisions.map((v) => ({ version: v.version, editor: { id: v.editor_id, name: v.editor_name }, strengths: v.strengths, improvements: v.improvements, feedback: v.feedback, createdAt: iso(v.created_at)! })),
		can: {
			edit: manager,
			share: manager && row.status === 'draft',
			acknowledge: as === 'subject' && !row.acknowledged_at,
			comment: true,
			plan: manager,
			tick: actions.filter((a) => manager || a.owner === 'rep').map((a) => a.id)
		}
	};
}

/** Reviews the actor sees: their own shared ones, and those of the members they manage (all for admins); of one member when asked. */
export async function listReviewsFor(deps: Pick<ReviewDeps, 'db'>, actor: Actor, query: { subjectId?: string } = {}): Promise<{ mine: ReviewSummary[]; managed: ReviewSummary[] }> {
	const access = await accessOf(deps.db, actor);
	const org = actor.organizationId;
	const members = await listMembers(deps.db, org);
	if (query.subjectId !== undefined) {
		const id = query.subjectId;
		if (!UUID.test(id) || !members.some((m) => m.user_id === id)) throw new AppError(404, 'reviews.err.member', undefined, 'member');
		if (id === actor.userId) return { mine: (await listReviews(deps.db, org, [id], { sharedOnly: true })).map(summaryOf), managed: [] };
		if (!managesMember(access, id)) throw new AppError(403, 'reviews.err.notYourTeam', undefined, 'member');
		return { mine: [], managed: (await listReviews(deps.db, org, [id])).map(summaryOf) };
	}
	const managedIds = access.isAdmin ? 'all' : actor.role === 'leader' ? members.filter((m) => managesMember(access, m.user_id)).map((m) => m.user_id) : [];
	const [mine, managed] = await Promise.all([listReviews(deps.db, org, [actor.userId], { sharedOnly: true }), listReviews(deps.db, org, managedIds)]);
	return { mine: mine.map(summaryOf), managed: managed.filter((r) => r.subject_id !== actor.userId).map(summaryOf) };
}

/** Whom the actor may start a review for (the form's list), by name. */
export async function reviewableMembers(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
	if (actor.role === 'rep') return [];
	const access = await accessOf(db, actor);
	const members = await listMembers(db, actor.organizationId);
	return members.filter((m) => m.status === 'active' && managesMember(access, m.user_id)).map((m) => ({ id: m.user_id, name: m.name }));
}

/** The periods offered when starting a review: the current and the five before, for each window. */
export async function reviewPeriodChoices(db: Db, organizationId: string, now = new Date()) {
	const clock = await orgClock(db, organizationId);
	const list = (window: 'month' | 'quarter') => {
		const current = periodOf(window, now, clock);
		return Array.from({ length: 6 }, (_, i) => shiftPeriod(current, -i, clock).key);
	};
	return { month: list('month'), quarter: list('quarter'), defaultMonth: shiftPeriod(periodOf('month', now, clock), -1, clock).key };
}


/** Home's "Next up" from reviews: for a rep, reviews to acknowledge, their own actions and check-ins; for a manager, their actions and check-ins. */
export async function reviewNextUp(db: Db, actor: Actor, now = new Date()): Promise<ReviewNextUp[]> {
	const org = actor.organizationId;
	const clock = await orgClock(db, org);
	const today = periodOf('day', now, clock).key;
	const until = periodOf('day', new Date(now.getTime() + NEXT_UP_DAYS * 86_400_000), clock).key;
	const members = await listMembers(db, org);
	const names = new Map(members.map((m) => [m.user_id, m.name]));
	const out: ReviewNextUp[] = [];
	if (actor.role === 'rep') {
		for (const r of await reviewsToAcknowledge(db, org, actor.userId)) out.push({ kind: 'acknowledge', reviewId: r.id, text: r.period_key, window: r.period_window, day: null, subject: names.get(actor.userId) ?? '', overdue: false });
		const items = await upcomingPlanItems(db, org, [actor.userId], until);
		for (const a of items.actions) if (a.owner === 'rep') out.push({ kind: 'action', window: null, reviewId: a.review_id, text: a.text, day: a.due_on, subject: names.get(a.subject_id) ?? '', overdue: a.due_on < today });
		for (const c of items.checkins) if (c.on_day >= today) out.push({ kind: 'checkin', window: null, reviewId: c.review_id, text: c.note, day: c.on_day, subject: names.get(c.author_id) ?? '', overdue: false });
		return out;
	}
	const access = await accessOf(db, actor);
	const managed = members.filter((m) => managesMember(access, m.user_id)).map((m) => m.user_id);
	const items = await upcomingPlanItems(db, org, managed, until);
	for (const a of items.actions) if (a.owner === 'leader' && a.author_id === actor.userId) out.push({ kind: 'action', window: null, reviewId: a.review_id, text: a.text, day: a.due_on, subject: names.get(a.subject_id) ?? '', overdue: a.due_on < today });
	for (const c of items.checkins) if (c.on_day >= today && c.author_id === actor.userId) out.push({ kind: 'checkin', window: null, reviewId: c.review_id, text: c.note, day: c.on_day, subject: names.get(c.subject_id) ?? '', overdue: false });
	return out;
}
