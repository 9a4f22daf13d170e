// Goals: set, propose, decide, edit, split into children, copy to the next period, and read with their
// progress and pace. Who may do what:
// - everyone in the organization sees every goal (as they see every board);
// - admins set any goal; leaders set goals of the teams they manage and of the reps on them; a rep
//   proposes a goal of their own, which a leader who manages them (or an admin) approves or declines;
// - an organization goal is an admin's.
// Progress is live: the goal family (goal.family.ts) counts each event toward the goals it belongs to.
// A goal whose period has already begun is filled from the log by a rebuild of the org's live state.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { Actor } from '../org/actor';
import { accessOf, descendantsOf, type Access } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { AppError, ValidationError } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import { parseInput } from '../platform/validation';
import { orgClock, rebuildOrg } from '../scoring/live.service';
import { listMembers } from '../org/membership.repository';
import { findMemberIdByRef } from '../org/membership.repository';
import { listTeams } from '../org/team.repository';
import { holidaysOf } from '../org/holiday.repository';
import { findOrganizationById } from '../org/organization.repository';
import { translate, type Locale } from '../../i18n';
import type { LocalizedText } from '../../shared/localized';
import { periodOf, shiftPeriod, type OrgClock } from '../../shared/time-windows';
import { paceAt, cascadeOf, splitTarget } from '../../shared/goals/pace';
import { GOAL_LIMITS, goalDecisionSchema, goalEditSchema, goalInputSchema, goalSplitSchema, type GoalCascade, type GoalMeasure, type GoalView } from '../../shared/goals/goals';
import { POINTS_MEASURE } from '../../shared/goals/boards';
import type { WorkingCalendar } from '../../shared/streaks';
import { actualOf, decideProposal, overdueGoals, deleteGoal, findGoal, finalizeGoal, goalMetrics, insertGoal, listGoals, totalsByMemberAndTeam, totalsByTeam, totalsByUser, updateGoal, type GoalRow } from './goal.repository';
import { cachedGoalDefs, forgetGoals, goalPlace, GOAL_GRACE_MS, measureOf, toGoalDef } from './goal.family';
import { GOAL_SCALE } from '../../shared/goals/boards';
import { encodeBoardKey } from '../../shared/boards/identity';
import type { ScoredEvent } from '../../shared/scoring';
import { log } from '../platform/log';
import { goalReached, queueMoments } from '../integrations/outbox';

export interface GoalDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
	now?: () => Date;
}

declare module '../platform/scheduler' {
	interface JobPayloads {
		/** Keeps a goal's final actual once its period and grace are over. */
		'goal.finalize': { goalId: string };
		/** Makes final every goal past its grace that its own job missed (a safety net, every 10 minutes). */
		'goal.sweep': Record<string, never>;
	}
}

const nowOf = (deps: { now?: () => Date }) => deps.now?.() ?? new Date();
const bad = (field: string, key: string, params?: Record<string, string | number>) => new AppError(400, key as never, params, field);
const DAY_MS = 86_400_000;

type OrgFacts = {
	members: Awaited<ReturnType<typeof listMembers>>;
	teams: Awaited<ReturnType<typeof listTeams>>;
	metrics: Awaited<ReturnType<typeof goalMetrics>>;
};

async function factsOf(db: Db, organizationId: string): Promise<OrgFacts> {
	const [members, teams, metrics] = await Promise.all([listMembers(db, organizationId), listTeams(db, organizationId), goalMetrics(db, organizationId)]);
	return { members, teams, metrics };
}

/** The owner of a goal input, checked against the organization. */
async function resolveOwner(db: Db, organizationId: string, owner: unknown, facts: OrgFacts): Promise<{ kind: 'org' } | { kind: 'team'; teamId: string } | { kind: 'member'; userId: string }> {
	const o = owner as { org?: true; team?: string; member?: string };
	if (o.org) return { kind: 'org' };
	if (o.team) {
		const team = facts.teams.find((t) => t.id === o.team);
		if (!team) throw new AppError(404, 'validation.notFound', undefined, 'owner');
		if (team.archived_at) throw bad('owner', 'goals.errors.teamArchived');
		return { kind: 'team', teamId: team.id };
	}
	const ref = String(o.member);
	let member = facts.members.find((m) => m.user_id === ref);
	if (!member) {
		const found = await findMemberIdByRef(db, organizationId, ref);
		member = found ? facts.members.find((m) => m.user_id === found.id) : undefined;
	}
	if (!member) throw new AppError(404, 'validation.notFound', undefined, 'owner');
	if (member.status !== 'active') throw bad('owner', 'goals.errors.memberInactive');
	return { kind: 'member', userId: member.user_id };
}

/** The goal's period: a calendar month, quarter or year in the organization's time zone, or custom dates. */
function resolvePeriod(period: unknown, now: Date, clock: OrgClock): { window: GoalRow['window']; key: string; start: Date; end: Date } {
	const p = period as { window?: 'month' | 'quarter' | 'year'; at?: string; offset?: number; start?: string; end?: string };
	if (p.window) {
		const found = shiftPeriod(periodOf(p.window, p.at ? new Date(p.at) : now, clock), p.offset ?? 0, clock);
		return { window: p.window, key: found.key, start: found.start, end: found.end };
	}
	const start = new Date(p.start!);
	const end = new Date(p.end!);
	if (end.getTime() <= start.getTime()) throw bad('period', 'goals.errors.endBeforeStart');
	const days = (end.getTime() - start.getTime()) / DAY_MS;
	if (days < GOAL_LIMITS.minDays - 1 / 24 || days > GOAL_LIMITS.maxDays) throw bad('period', 'goals.errors.periodLength', { min: GOAL_LIMITS.minDays, max: GOAL_LIMITS.maxDays });
	return { window: 'custom', key: `${start.toISOString().slice(0, 10)}..${end.toISOString().slice(0, 10)}`, start, end };
}

function mayManageOwner(access: Access, actor: Actor, owner: { kind: string; teamId?: string | null; userId?: string | null }, facts: OrgFacts): boolean {
	if (access.isAdmin) return true;
	if (actor.role !== 'leader') return false;
	if (owner.kind === 'team') return access.canManageTeam(owner.teamId);
	if (owner.kind === 'member') {
		if (owner.userId === actor.userId) return false;
		const m = facts.members.find((x) => x.user_id === owner.userId);
		return !!m && m.role === 'rep' && access.canManageTeam(m.team_id);
	}
	return false;
}

const ownerOfRow = (row: GoalRow) => ({ kind: row.owner_kind, teamId: row.team_id, userId: row.user_id });

/** Checks a parent against a child: same measure, the child's period inside the parent's, one level below. */
function checkParent(parent: GoalRow | undefined, child: { kind: string; teamId?: string; userId?: string; measure: string; start: Date; end: Date }, facts: OrgFacts) {
	if (!parent || parent.status !== 'active') throw new AppError(404, 'validation.notFound', undefined, 'parent');
	if (measureOf(parent) !== child.measure) throw bad('parent', 'goals.errors.parentMeasure');
	if (child.start < parent.starts_at || child.end > parent.ends_at) throw bad('parent', 'goals.errors.parentPeriod');
	if (parent.owner_kind === 'member') throw bad('parent', 'goals.errors.parentLevel');
	if (parent.owner_kind === 'org') {
		if (child.kind === 'org') throw bad('parent', 'goals.errors.parentLevel');
		return;
	}
	const below = descendantsOf(facts.teams as never, [parent.team_id!]);
	if (child.kind === 'team' && child.teamId !== parent.team_id && below.has(child.teamId!)) return;
	if (child.kind === 'member') {
		const m = facts.members.find((x) => x.user_id === child.userId);
		if (m?.team_id && below.has(m.team_id)) return;
	}
	throw bad('parent', 'goals.errors.parentLevel');
}

function announce(deps: GoalDeps, organizationId: string, goalId: string) {
	forgetGoals(organizationId);
	deps.events.emit('goal.changed', { organizationId, goalId });
	// Open goal pages (and rep homes) of the organization reload what changed.
	deps.events.emit('recognition.changed', { organizationId, what: 'goals', id: goalId });
}

async function scheduleFinalize(deps: GoalDeps, organizationId: string, id: string, end: Date) {
	await deps.scheduler.schedule('goal.finalize', { goalId: id }, { runAt: new Date(end.getTime() + GOAL_GRACE_MS), dedupeKey: `goal:${id}:finalize`, organizationId });
}

/** A goal whose period has begun counts events already logged: the org's live state is rebuilt to take them in. */
async function fillIfStarted(deps: GoalDeps, organizationId: string, start: Date) {
	if (start.getTime() <= nowOf(deps).getTime()) await rebuildOrg(deps, organizationId);
}

/** Sets a goal (admins and leaders) or proposes one's own (reps: it waits for a leader's answer). */
export async function createGoal(deps: GoalDeps, actor: Actor, raw: unknown): Promise<{ id: string; status: 'active' | 'proposed'; warning: GoalCascade | null }> {
	const input = parseInput(goalInputSchema, raw);
	const now = nowOf(deps);
	const [access, facts, clock] = await Promise.all([accessOf(deps.db, actor), factsOf(deps.db, actor.organizationId), orgClock(deps.db, actor.organizationId)]);
	const owner = await resolveOwner(deps.db, actor.organizationId, input.owner, facts);
	const period = resolvePeriod(input.period, now, clock);
	if (period.end.getTime() <= now.getTime()) throw bad('period', 'goals.errors.periodOver');
	const metric = input.metric === POINTS_MEASURE ? null : facts.metrics.find((m) => m.key === input.metric && m.status === 'active');
	if (metric === undefined) throw new AppError(404, 'validation.notFound', undefined, 'metric');
	let status: 'active' | 'proposed' = 'active';
	if (!mayManageOwner(access, actor, { kind: owner.kind, teamId: 'teamId' in owner ? owner.teamId : null, userId: 'userId' in owner ? owner.userId : null }, facts)) {
		// A rep (or a leader for themself) proposes their own goal.
		if (owner.kind === 'member' && owner.userId === actor.userId && !access.isAdmin) status = 'proposed';
		else throw new AppError(403, 'errors.forbidden');
	}
	let parent: GoalRow | undefined;
	if (input.parent) {
		parent = await findGoal(deps.db, actor.organizationId, input.parent);
		checkParent(parent, { ...owner, measure: input.metric, start: period.start, end: period.end } as never, facts);
	}
	const id = await deps.db
		.transaction()
		.execute(async (trx) => {
			const id = await insertGoal(trx, {
				organization_id: actor.organizationId,
				owner_kind: owner.kind,
				team_id: owner.kind === 'team' ? owner.teamId : null,
				user_id: owner.kind === 'member' ? owner.userId : null,
				metric_id: metric ? metric.id : null,
				target: input.target,
				window: period.window,
				period_key: period.key,
				starts_at: period.start,
				ends_at: period.end,
				pace_mode: input.pace,
				parent_id: parent?.id ?? null,
				description: Object.keys(input.description).length ? JSON.stringify(input.description) : null,
				status,
				created_by: actor.userId
			});
			await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: status === 'proposed' ? 'goal.proposed' : 'goal.created', targetType: 'goal', targetId: id, data: { owner: owner.kind, metric: input.metric, target: input.target, period: period.key } });
			return id;
		})
		.catch((error: unknown) => {
			if (isUniqueViolation(error)) throw new AppError(409, 'goals.errors.duplicate' as never, undefined, 'owner');
			throw error;
		});
	if (status === 'active') {
		await scheduleFinalize(deps, actor.organizationId, id, period.end);
		announce(deps, actor.organizationId, id);
		await fillIfStarted(deps, actor.organizationId, period.start);
	} else announce(deps, actor.organizationId, id);
	return { id, status, warning: parent ? await cascadeWarning(deps.db, actor.organizationId, parent) : null };
}

function isUniqueViolation(error: unknown): boolean {
	const e = error as { code?: string; message?: string } | null;
	return !!e && (e.code === '23505' || /duplicate key|unique constraint/i.test(e.message ?? ''));
}

async function cascadeWarning(db: Db, organizationId: string, parent: GoalRow): Promise<GoalCascade | null> {
	const children = await listGoals(db, organizationId, { parentId: parent.id, statuses: ['active'] });
	const c = cascadeOf(parent.target, children.map((x) => x.target));
	return c.status === 'over' ? { ...c, children: children.length } : null;
}

async function loadManaged(deps: GoalDeps, actor: Actor, id: string) {
	if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError(404, 'validation.notFound', undefined, 'id');
	const [row, access, facts] = await Promise.all([findGoal(deps.db, actor.organizationId, id), accessOf(deps.db, actor), factsOf(deps.db, actor.organizationId)]);
	if (!row) throw new AppError(404, 'validation.notFound', undefined, 'id');
	return { row, access, facts, may: mayManageOwner(access, actor, ownerOfRow(row), facts) };
}

/** Changes a goal's target, description or pace (whoever may set it). The live boards are refilled. */
export async function editGoal(deps: GoalDeps, actor: Actor, id: string, raw: unknown) {
	const input = parseInput(goalEditSchema, raw);
	const { row, may } = await loadManaged(deps, actor, id);
	const ownProposal = row.status === 'proposed' && row.user_id === actor.userId;
	if (!may && !ownProposal) throw new AppError(403, 'errors.forbidden');
	if (row.finalized_at) throw new AppError(409, 'goals.errors.final' as never, undefined, 'target');
	await deps.db.transaction().execute(async (trx) => {
		await updateGoal(trx, actor.organizationId, row.id, {
			target: input.target,
			description: Object.keys(input.description).length ? JSON.stringify(input.description) : null,
			pace_mode: input.pace
		});
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'goal.edited', targetType: 'goal', targetId: row.id, data: { from: row.target, to: input.target } });
	});
	announce(deps, actor.organizationId, row.id);
	// Attainment is counted in shares of the target: a new target means new shares for every event.
	if (row.status === 'active' && input.target !== row.target) await fillIfStarted(deps, actor.organizationId, row.starts_at);
}

/** Deletes a goal (its children stay, without a parent). A rep may withdraw their own proposal. */
export async function removeGoal(deps: GoalDeps, actor: Actor, id: string) {
	const { row, may } = await loadManaged(deps, actor, id);
	const ownProposal = row.status !== 'active' && row.user_id === actor.userId;
	if (!may && !ownProposal) throw new AppError(403, 'errors.forbidden');
	await deps.db.transaction().execute(async (trx) => {
		await deleteGoal(trx, actor.organizationId, row.id);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'goal.deleted', targetType: 'goal', targetId: row.id, data: { target: row.target, period: row.period_key } });
	});
	announce(deps, actor.organizationId, row.id);
	if (row.status === 'active') await fillIfStarted(deps, actor.organizationId, row.starts_at);
}

/** A leader who manages the rep (or an admin) approves or declines a proposed goal. */
export async function decideGoal(deps: GoalDeps, actor: Actor, id: string, raw: unknown) {
	const input = parseInput(goalDecisionSchema, raw);
	const { row, may } = await loadManaged(deps, actor, id);
	if (!may) throw new AppError(403, 'errors.forbidden');
	if (row.status !== 'proposed') throw new AppError(409, 'goals.errors.notProposed' as never, undefined, 'decision');
	const status: 'active' | 'declined' = input.decision === 'approve' ? 'active' : 'declined';
	if (status === 'active' && row.ends_at.getTime() <= nowOf(deps).getTime()) throw bad('decision', 'goals.errors.periodOver');
	const changed = await deps.db.transaction().execute(async (trx) => {
		if (!(await decideProposal(trx, actor.organizationId, row.id, { status, by: actor.userId, at: nowOf(deps), reason: status === 'declined' ? (input.reason ?? null) : null }))) return false;
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: status === 'active' ? 'goal.approved' : 'goal.declined', targetType: 'goal', targetId: row.id, data: { reason: input.reason ?? null } });
		return true;
	});
	if (!changed) throw new AppError(409, 'goals.errors.notProposed' as never, undefined, 'decision');
	announce(deps, actor.organizationId, row.id);
	if (status === 'active') {
		await scheduleFinalize(deps, actor.organizationId, row.id, row.ends_at);
		await fillIfStarted(deps, actor.organizationId, row.starts_at);
	}
	return { status };
}

/**
 * Breaks a goal down one level: into the teams directly below its owner (an organization's top teams, a
 * team's sub-teams) or into the active reps on it (and the teams below), evenly or in proportion to each
 * one's share of the same measure in the previous period. A child that exists already gets the new
 * target; the others are created. Targets are whole and add up to the parent's.
 */
export async function splitGoal(deps: GoalDeps, actor: Actor, id: string, raw: unknown) {
	const input = parseInput(goalSplitSchema, raw);
	const { row, facts } = await loadManaged(deps, actor, id);
	const access = await accessOf(deps.db, actor);
	if (row.status !== 'active' || row.owner_kind === 'member') throw bad('into', 'goals.errors.cannotSplit');
	if (row.finalized_at || row.ends_at.getTime() <= nowOf(deps).getTime()) throw bad('into', 'goals.errors.periodOver');
	const live = facts.teams.filter((t) => !t.archived_at);
	let owners: ({ kind: 'team'; teamId: string } | { kind: 'member'; userId: string })[];
	if (input.into === 'teams') {
		owners = live.filter((t) => (row.owner_kind === 'org' ? t.parent_id === null : t.parent_id === row.team_id)).map((t) => ({ kind: 'team' as const, teamId: t.id }));
	} else {
		const scope = row.owner_kind === 'org' ? null : descendantsOf(facts.teams as never, [row.team_id!]);
		owners = facts.members
			.filter((m) => m.status === 'active' && m.role === 'rep' && (scope === null || (m.team_id !== null && scope.has(m.team_id))))
			.map((m) => ({ kind: 'member' as const, userId: m.user_id }));
	}
	if (owners.length === 0) throw bad('into', 'goals.errors.nothingToSplit');
	for (const o of owners) if (!mayManageOwner(access, actor, o, facts)) throw new AppError(403, 'errors.forbidden');
	let weights: number[] | undefined;
	if (input.by === 'last_period') {
		const clock = await orgClock(deps.db, actor.organizationId);
		const prev = previousRange(row, clock);
		const metricId = row.metric_id;
		if (input.into === 'members') {
			const totals = await totalsByUser(deps.db, actor.organizationId, { metricId, start: prev.start, end: prev.end, userIds: owners.map((o) => (o as { userId: string }).userId) });
			weights = owners.map((o) => Math.max(0, totals.get((o as { userId: string }).userId) ?? 0));
		} else {
			const totals = await totalsByTeam(deps.db, actor.organizationId, { metricId, start: prev.start, end: prev.end });
			weights = owners.map((o) => {
				const below = descendantsOf(facts.teams as never, [(o as { teamId: string }).teamId]);
				let sum = 0;
				for (const [teamId, total] of totals) if (below.has(teamId)) sum += total;
				return Math.max(0, sum);
			});
		}
	}
	const targets = splitTarget(row.target, owners.length, weights);
	const existing = await listGoals(deps.db, actor.organizationId, { statuses: ['active', 'proposed'], startsAt: row.starts_at, endsAt: row.ends_at, limit: 100_000 });
	const measure = measureOf(row);
	let created = 0;
	let updated = 0;
	const newIds: string[] = [];
	await deps.db.transaction().execute(async (trx) => {
		for (const [i, owner] of owners.entries()) {
			const match = existing.find(
				(g) => measureOf(g) === measure && g.owner_kind === owner.kind && (owner.kind === 'team' ? g.team_id === owner.teamId : g.user_id === owner.userId)
			);
			const target = Math.max(1, targets[i]);
			if (match) {
				await updateGoal(trx, actor.organizationId, match.id, { target, parent_id: row.id, status: 'active' });
				updated++;
			} else {
				newIds.push(
					await insertGoal(trx, {
						organization_id: actor.organizationId,
						owner_kind: owner.kind,
						team_id: owner.kind === 'team' ? owner.teamId : null,
						user_id: owner.kind === 'member' ? owner.userId : null,
						metric_id: row.metric_id,
						target,
						window: row.window,
						period_key: row.period_key,
						starts_at: row.starts_at,
						ends_at: row.ends_at,
						pace_mode: row.pace_mode,
						parent_id: row.id,
						description: null,
						status: 'active',
						created_by: actor.userId
					})
				);
				created++;
			}
		}
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'goal.split', targetType: 'goal', targetId: row.id, data: { into: input.into, by: input.by, created, updated } });
	});
	for (const childId of newIds) await scheduleFinalize(deps, actor.organizationId, childId, row.ends_at);
	announce(deps, actor.organizationId, row.id);
	await fillIfStarted(deps, actor.organizationId, row.starts_at);
	return { created, updated, targets };
}

function previousRange(row: Pick<GoalRow, 'window' | 'period_key' | 'starts_at' | 'ends_at'>, clock: OrgClock) {
	if (row.window === 'custom') {
		const length = row.ends_at.getTime() - row.starts_at.getTime();
		return { start: new Date(row.starts_at.getTime() - length), end: row.starts_at };
	}
	const prev = shiftPeriod({ window: row.window, key: row.period_key, start: row.starts_at, end: row.ends_at }, -1, clock);
	return { start: prev.start, end: prev.end };
}

/** The same goal for the next period (the next month, quarter or year, or the same length of custom dates). */
export async function copyToNextPeriod(deps: GoalDeps, actor: Actor, id: string): Promise<{ id: string; status: 'active' | 'proposed' }> {
	const { row } = await loadManaged(deps, actor, id);
	if (row.status === 'declined') throw new AppError(404, 'validation.notFound', undefined, 'id');
	const clock = await orgClock(deps.db, actor.organizationId);
	let period: { window: 'month' | 'quarter' | 'year'; at: string } | { start: string; end: string };
	if (row.window === 'custom') {
		const length = row.ends_at.getTime() - row.starts_at.getTime();
		period = { start: row.ends_at.toISOString(), end: new Date(row.ends_at.getTime() + length).toISOString() };
	} else {
		const next = shiftPeriod({ window: row.window, key: row.period_key, start: row.starts_at, end: row.ends_at }, 1, clock);
		period = { window: row.window, at: next.start.toISOString() };
	}
	const owner = row.owner_kind === 'org' ? { org: true as const } : row.owner_kind === 'team' ? { team: row.team_id! } : { member: row.user_id! };
	const result = await createGoal(deps, actor, {
		owner,
		metric: measureOf(row),
		target: row.target,
		period,
		description: row.description ?? undefined,
		pace: row.pace_mode
	});
	return { id: result.id, status: result.status };
}

/** Keeps a goal's final actual once its period and grace are over (the scheduler's job; idempotent). */
export async function finalizeGoalJob(deps: GoalDeps, goalId: string, organizationId: string | null) {
	if (!organizationId) return;
	const row = await findGoal(deps.db, organizationId, goalId);
	if (!row || row.status !== 'active' || row.finalized_at) return;
	const now = nowOf(deps);
	if (now.getTime() < row.ends_at.getTime() + GOAL_GRACE_MS) return;
	const teams = row.team_id ? await listTeams(deps.db, organizationId) : [];
	const actual = await actualOf(deps.db, organizationId, {
		metricId: row.metric_id,
		start: row.starts_at,
		end: row.ends_at,
		userId: row.user_id ?? undefined,
		teamIds: row.team_id ? [...descendantsOf(teams as never, [row.team_id])] : undefined
	});
	if (!(await finalizeGoal(deps.db, organizationId, row.id, actual, now))) return;
	announce(deps, organizationId, row.id);
	if (row.user_id && actual >= row.target) {
		deps.events.emit('achievement.signal', { organizationId, userId: row.user_id, kind: 'goal_attained', ref: `goal:${row.id}`, at: now, value: actual });
	}
}

export interface GoalQuery {
	/** 'org', 'team:<id>', or a member (e-mail, external id or id). */
	owner?: string;
	/** 'current' (default: periods containing now), 'month' | 'quarter' | 'year' (the current one), or a day (YYYY-MM-DD). */
	period?: string;
	/** Include proposals and declined goals (the pages); the API shows active goals only unless asked. */
	statuses?: ('proposed' | 'active' | 'declined')[];
}

/** Goals with their progress and pace, as the viewer sees them. */
export async function readGoals(deps: Pick<GoalDeps, 'db' | 'now'>, actor: Actor, query: GoalQuery, locale: Locale): Promise<GoalView[]> {
	const now = nowOf(deps);
	const [clock, facts, access] = await Promise.all([orgClock(deps.db, actor.organizationId), factsOf(deps.db, actor.organizationId), accessOf(deps.db, actor)]);
	const filter: Parameters<typeof listGoals>[2] = { statuses: query.statuses ?? ['active'] };
	if (query.owner) {
		if (query.owner === 'org') filter.ownerKind = 'org';
		else if (query.owner.startsWith('team:')) {
			const teamId = query.owner.slice(5);
			if (!facts.teams.some((t) => t.id === teamId)) throw new AppError(404, 'validation.notFound', undefined, 'owner');
			filter.ownerKind = 'team';
			filter.teamId = teamId;
		} else {
			const byId = facts.members.find((m) => m.user_id === query.owner);
			const found = byId ? { id: byId.user_id } : await findMemberIdByRef(deps.db, actor.organizationId, query.owner);
			if (!found) throw new AppError(404, 'validation.notFound', undefined, 'owner');
			filter.ownerKind = 'member';
			filter.userId = found.id;
		}
	}
	const period = query.period ?? 'current';
	if (period === 'current') filter.at = now;
	else if (period === 'month' || period === 'quarter' || period === 'year') {
		const p = periodOf(period, now, clock);
		filter.startsAt = p.start;
		filter.endsAt = p.end;
	} else if (/^\d{4}-\d{2}-\d{2}$/.test(period) && !Number.isNaN(Date.parse(`${period}T12:00:00Z`))) {
		filter.at = periodOf('day', new Date(`${period}T12:00:00Z`), clock).start;
	} else throw bad('period', 'validation.invalid');
	const rows = await listGoals(deps.db, actor.organizationId, filter);
	return viewsOf(deps, actor, access, facts, clock, rows, now, locale);
}

/** One goal with its children (the cascade), as the viewer sees it. */
export async function readGoal(deps: GoalDeps, actor: Actor, id: string, locale: Locale) {
	if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError(404, 'validation.notFound', undefined, 'id');
	const row = await findGoal(deps.db, actor.organizationId, id);
	if (!row) throw new AppError(404, 'validation.notFound', undefined, 'id');
	const now = nowOf(deps);
	const [clock, facts, access, children, parent] = await Promise.all([
		orgClock(deps.db, actor.organizationId),
		factsOf(deps.db, actor.organizationId),
		accessOf(deps.db, actor),
		listGoals(deps.db, actor.organizationId, { parentId: row.id, statuses: ['active'] }),
		row.parent_id ? findGoal(deps.db, actor.organizationId, row.parent_id) : Promise.resolve(undefined)
	]);
	const views = await viewsOf(deps, actor, access, facts, clock, [row, ...children, ...(parent ? [parent] : [])], now, locale);
	const goal = views[0];
	const kids = views.slice(1, 1 + children.length);
	const c = cascadeOf(row.target, children.map((x) => x.target));
	return { goal, children: kids, parent: parent ? views[views.length - 1] : null, cascade: { ...c, children: children.length } satisfies GoalCascade };
}

async function calendarOf(db: Db, organizationId: string): Promise<WorkingCalendar> {
	const holidays = await holidaysOf(db, organizationId);
	return { holidays: new Set(holidays.map((h) => String(h.day).slice(0, 10))) };
}

/**
 * Each goal's actual: its final one once kept, else summed from the log. Goals sharing a measure and a
 * period are read with one query (per member and team), however many there are.
 */
async function actualsOf(db: Db, organizationId: string, facts: OrgFacts, rows: GoalRow[]): Promise<number[]> {
	const groups = new Map<string, { metricId: string | null; start: Date; end: Date }>();
	const groupKey = (row: GoalRow) => `${row.metric_id ?? ''}|${row.starts_at.getTime()}|${row.ends_at.getTime()}`;
	for (const row of rows) if (row.final_actual === null) groups.set(groupKey(row), { metricId: row.metric_id, start: row.starts_at, end: row.ends_at });
	const totals = new Map(
		await Promise.all(
			[...groups].map(async ([key, q]) => {
				const found = await totalsByMemberAndTeam(db, organizationId, q);
				const byUser = new Map<string, number>();
				const byTeam = new Map<string, number>();
				let all = 0;
				for (const r of found) {
					all += r.total;
					if (r.userId) byUser.set(r.userId, (byUser.get(r.userId) ?? 0) + r.total);
					if (r.teamId) byTeam.set(r.teamId, (byTeam.get(r.teamId) ?? 0) + r.total);
				}
				return [key, { byUser, byTeam, all }] as const;
			})
		)
	);
	return rows.map((row) => {
		if (row.final_actual !== null) return row.final_actual;
		const t = totals.get(groupKey(row))!;
		if (row.user_id) return t.byUser.get(row.user_id) ?? 0;
		if (row.team_id) {
			let sum = 0;
			for (const id of descendantsOf(facts.teams as never, [row.team_id])) sum += t.byTeam.get(id) ?? 0;
			return sum;
		}
		return t.all;
	});
}

async function viewsOf(deps: Pick<GoalDeps, 'db' | 'now'>, actor: Actor, access: Access, facts: OrgFacts, clock: OrgClock, rows: GoalRow[], now: Date, locale: Locale): Promise<GoalView[]> {
	if (rows.length === 0) return [];
	const [calendar, org] = await Promise.all([calendarOf(deps.db, actor.organizationId), findOrganizationById(deps.db, actor.organizationId)]);
	const actuals = await actualsOf(deps.db, actor.organizationId, facts, rows);
	return rows.map((row, i) => {
		const actual = actuals[i];
		const p = paceAt({ target: row.target, actual, start: row.starts_at, end: row.ends_at }, now, clock, row.pace_mode, calendar);
		const metric = row.metric_id ? facts.metrics.find((m) => m.id === row.metric_id) : undefined;
		const measure: GoalMeasure = metric
			? { key: metric.key, name: metric.name as LocalizedText, unit: metric.unit as GoalMeasure['unit'], currency: metric.currency }
			: { key: POINTS_MEASURE, name: { en: translate('en', 'goals.measure.points'), 'zh-CN': translate('zh-CN', 'goals.measure.points') }, unit: 'points', currency: null };
		const member = row.user_id ? facts.members.find((m) => m.user_id === row.user_id) : undefined;
		const team = row.team_id ? facts.teams.find((t) => t.id === row.team_id) : undefined;
		const owner: GoalView['owner'] =
			row.owner_kind === 'org'
				? { kind: 'org', name: org?.name ?? '' }
				: row.owner_kind === 'team'
					? { kind: 'team', id: row.team_id!, name: team?.name ?? '—' }
					: { kind: 'member', id: row.user_id!, name: member?.name ?? '—', email: member?.email ?? '', teamId: member?.team_id ?? null };
		const final = row.finalized_at !== null || now.getTime() >= row.ends_at.getTime() + GOAL_GRACE_MS;
		const may = mayManageOwner(access, actor, ownerOfRow(row), facts);
		const place = row.status === 'active' && !final ? goalPlace(toGoalDef(row, [])) : null;
		return {
			id: row.id,
			owner,
			measure,
			target: row.target,
			actual,
			attainment: p.attainment,
			expected: p.expected,
			pace: p.status === 'done' ? 'on_track' : p.status,
			reached: p.status === 'done',
			needPerDay: p.needPerDay,
			remainingDays: p.remainingDays,
			paceMode: row.pace_mode,
			window: row.window,
			period: { key: row.period_key, start: row.starts_at.toISOString(), end: row.ends_at.toISOString() },
			status: row.status,
			final,
			parentId: row.parent_id,
			description: (row.description ?? {}) as LocalizedText,
			createdBy: row.created_by,
			declineReason: row.decline_reason,
			live: place,
			can: {
				edit: may || (row.status === 'proposed' && row.user_id === actor.userId),
				decide: may && row.status === 'proposed',
				split: may && row.status === 'active' && row.owner_kind !== 'member' && !final
			}
		} satisfies GoalView;
	});
}

/** Validation of what the API's `owner` query parameter may be, for its error message. */
export function checkOwnerQuery(owner: string | null): string | undefined {
	if (owner === null || owner === '') return undefined;
	if (owner.length > 254) throw new ValidationError([{ field: 'owner', key: 'validation.invalid' }]);
	return owner;
}

/**
 * After events applied in this process: a rep's goal that has just reached its target is celebrated,
 * once whichever process applies the event that reached it (a mark in the live store, swapped once).
 * Its chat notification is queued before the mark is set (keyed by the goal, so once): a process that
 * stops in between leaves the mark unset, and the next event of the goal queues nothing more and sets it.
 */
export async function celebrateReached(deps: GoalDeps, organizationId: string, events: ScoredEvent[]) {
	const defs = cachedGoalDefs(organizationId);
	if (!defs?.length) return;
	const users = new Set(events.map((e) => e.userId));
	const touched = defs.filter(
		(d) => d.ownerKind === 'member' && users.has(d.userId!) && events.some((e) => e.userId === d.userId && e.occurredAt.getTime() >= d.start && e.occurredAt.getTime() < d.end)
	);
	for (const def of touched) {
		const place = goalPlace(def);
		const [entry] = await deps.live.entries(organizationId, encodeBoardKey(place), [place.member]);
		if (!entry || entry.score < GOAL_SCALE) continue;
		const keep = Math.max(60_000, def.end + GOAL_GRACE_MS - nowOf(deps).getTime());
		const mark = `goal-reached:${def.id}`;
		if ((await deps.live.peek(mark)) !== null) continue;
		const [row, members, metrics] = await Promise.all([findGoal(deps.db, organizationId, def.id), listMembers(deps.db, organizationId), goalMetrics(deps.db, organizationId)]);
		const member = members.find((m) => m.user_id === def.userId);
		const momentId = `goal_reached:${def.id}`;
		if (row?.status === 'active') await queueMoments(deps.db, organizationId, [goalReached(momentId, member?.name ?? '')], nowOf(deps));
		if ((await deps.live.swap(mark, '1', keep)) !== null) continue;
		if (!row || row.status !== 'active') continue;
		const metric = row.metric_id ? metrics.find((m) => m.id === row.metric_id) : undefined;
		deps.events.emit('recognition.moment', {
			organizationId,
			moment: {
				id: momentId,
				type: 'goal_reached',
				organizationId,
				user: { id: def.userId!, name: member?.name ?? '' },
				at: nowOf(deps).toISOString(),
				goal: {
					id: def.id,
					measure: metric ? (metric.name as LocalizedText) : { en: translate('en', 'goals.measure.points'), 'zh-CN': translate('zh-CN', 'goals.measure.points') },
					unit: metric ? (metric.unit as 'count' | 'currency' | 'minutes') : 'points',
					currency: metric?.currency ?? null,
					target: row.target
				}
			}
		});
	}
}

/** Goals past their grace and not yet final, in every organization (seeded ones have no job of their own). */
export async function sweepGoals(deps: GoalDeps) {
	const due = await overdueGoals(deps.db, new Date(nowOf(deps).getTime() - GOAL_GRACE_MS));
	for (const goal of due) await finalizeGoalJob(deps, goal.id, goal.organization_id);
}

const SWEEP_EVERY_MS = 10 * 60_000;

/** The scheduler's handlers and the listeners: goals forget their cache everywhere on a change, and celebrate. */
export async function installGoalJobs(deps: GoalDeps, options: { sweep?: boolean } = {}): Promise<() => void> {
	deps.scheduler.register('goal.finalize', async (payload, job) => finalizeGoalJob(deps, payload.goalId, job.organizationId), { leaseMs: 30_000 });
	deps.scheduler.register('goal.sweep', async () => sweepGoals(deps));
	if (options.sweep !== false) await deps.scheduler.every('goal.sweep', {}, { key: 'goal.sweep', everyMs: SWEEP_EVERY_MS });
	const stops = [
		deps.events.on('goal.changed', ({ organizationId }) => forgetGoals(organizationId)),
		deps.events.on('scores.changed', ({ organizationId, events }) => {
			celebrateReached(deps, organizationId, events).catch((error) => log.warn('goals: celebrating a reached goal failed', error));
		})
	];
	return () => stops.forEach((stop) => stop());
}
