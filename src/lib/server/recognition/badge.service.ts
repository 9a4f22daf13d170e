// Badges: definitions (admins), previews and backfills, manual awards (leaders and admins, with a
// reason in the audit log), holidays, and the reads behind the trophy case and the API. Every query is
// scoped by the actor's organization; a refusal names its field and writes nothing.
import { z } from 'zod';
import type { Db } from '../db';
import type { Actor } from '../org/actor';
import { accessOf } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { AppError, forbidden, notFound, ValidationError } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { orgClock } from '../scoring/live.service';
import { localize, type LocalizedText } from '../../shared/localized';
import { idSchema, textSchema } from '../../shared/schemas';
import { periodOf } from '../../shared/time-windows';
import { badgeInputSchema, badgeRuleOf, type BadgeDefinition, type BadgeIcon, type BadgeRule, type BadgeStep } from '../../shared/badges';
import {
	awardsOfUser,
	badgesOfOrg,
	findBadge,
	holderCounts,
	insertBadge,
	memberByRef,
	membersOf,
	metricEventsOfOrg,
	metricOfOrg,
	setBadgeStatus
} from './badge.repository';
import { dailyTotalsOfUsers } from '../scoring/event.repository';
import { deleteHoliday, holidaysOf, insertHoliday } from '../org/holiday.repository';
import { activeBadges, forgetBadges, grant, judge, FOREVER_END, FOREVER_START, type ActiveBadge, type EngineDeps } from './badge.engine';
import { totalsByPeriod, totalsOfDays, stepsReached } from './rules/tally';
import { currentStreak } from '../../shared/streaks';
import { levelOfMember } from './level.service';
import { coinRulesOf, creditBadgeCoins } from './coin.service';
import { kudosReceivedByValue } from './kudos.repository';
import { badgeAwarded, queueMoments } from '../integrations/outbox';

export function toDefinition(row: Awaited<ReturnType<typeof badgesOfOrg>>[number]): BadgeDefinition {
	return {
		id: row.id,
		name: row.name,
		description: row.description,
		icon: row.icon as BadgeIcon,
		rule: row.rule as unknown as BadgeRule,
		steps: row.steps,
		status: row.status,
		createdAt: new Date(row.created_at).toISOString()
	};
}

/** Every badge of the organization (any member may read them), with how many members hold each. */
export async function listBadges(db: Db, actor: Actor) {
	const [rows, counts] = await Promise.all([badgesOfOrg(db, actor.organizationId), holderCounts(db, actor.organizationId)]);
	const holders = new Map(counts.map((c) => [c.badge_id, Number(c.holders)]));
	return rows.map((row) => ({ ...toDefinition(row), holders: holders.get(row.id) ?? 0 }));
}

async function requireAdmin(db: Db, actor: Actor) {
	const access = await accessOf(db, actor);
	if (!access.isAdmin) throw forbidden();
	return access;
}

/** Parses and checks a badge definition against the organization (its metrics). */
async function checkedInput(db: Db, actor: Actor, input: unknown) {
	const parsed = parseInput(badgeInputSchema, input);
	const checked = badgeRuleOf(parsed);
	if (!checked.ok) throw new ValidationError([{ field: checked.issue.field, key: checked.issue.key }]);
	if ('metric' in checked.rule) {
		const metric = await metricOfOrg(db, actor.organizationId, checked.rule.metric);
		if (!metric || metric.system) throw new ValidationError([{ field: 'metric', key: 'validation.badgeMetric' }]);
	}
	return { parsed, rule: checked.rule, steps: checked.steps };
}

export interface Holder {
	userId: string;
	name: string;
	tier: BadgeStep['tier'];
}

/** Who would hold a badge today: each active member's highest step reached now. */
async function holdersToday(deps: EngineDeps, organizationId: string, badge: ActiveBadge): Promise<Holder[]> {
	if (badge.rule.kind === 'manual') return [];
	const clock = await orgClock(deps.db, organizationId);
	const { holidays } = await activeBadges(deps.db, organizationId);
	const now = deps.clock.now();
	const members = (await membersOf(deps.db, organizationId)).filter((m) => m.status === 'active');
	const best = new Map<string, BadgeStep>();
	for (const { userId, holding } of await judge(deps.db, organizationId, [{ badge, at: now, userIds: members.map((m) => m.user_id) }], clock, { holidays })) best.set(userId, holding.step);
	const out: Holder[] = [];
	for (const m of members) {
		const step = best.get(m.user_id);
		if (step) out.push({ userId: m.user_id, name: m.name, tier: step.tier });
	}
	return out;
}

/** The preview of a badge not saved yet: who would hold it today. Same checks as creating it. */
export async function previewBadge(deps: EngineDeps, actor: Actor, input: unknown): Promise<Holder[]> {
	await requireAdmin(deps.db, actor);
	const { parsed, rule, steps } = await checkedInput(deps.db, actor, input);
	return holdersToday(deps, actor.organizationId, { id: 'preview', name: parsed.name, icon: parsed.icon, rule, steps });
}

export async function createBadge(deps: EngineDeps, actor: Actor, input: unknown): Promise<{ id: string; backfilled: number }> {
	await requireAdmin(deps.db, actor);
	const { parsed, rule, steps } = await checkedInput(deps.db, actor, input);
	const id = await deps.db.transaction().execute(async (trx) => {
		const id = await insertBadge(trx, {
			organization_id: actor.organizationId,
			name: JSON.stringify(parsed.name),
			description: JSON.stringify(parsed.description),
			icon: parsed.icon,
			rule: JSON.stringify(rule),
			steps: JSON.stringify(steps),
			created_by: actor.userId
		});
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'badge.create', targetType: 'badge', targetId: id, data: { name: parsed.name, rule, steps, backfill: parsed.backfill } });
		return id;
	});
	forgetBadges(actor.organizationId);
	const backfilled = parsed.backfill ? (await backfillBadge(deps, actor.organizationId, { id, name: parsed.name, icon: parsed.icon, rule, steps })).length : 0;
	return { id, backfilled };
}

/**
 * Evaluates a new badge over the past, silently (nobody is celebrated for old news): a count or value
 * in a window for every past period of the last year, the first time over all time, and the other
 * rules as they stand today.
 */
export async function backfillBadge(deps: EngineDeps, organizationId: string, badge: ActiveBadge) {
	const now = deps.clock.now();
	const rule = badge.rule;
	const candidates: Parameters<typeof grant>[2] = [];
	const push = (userId: string, step: BadgeStep, periodKey: string) =>
		candidates.push({ organization_id: organizationId, badge_id: badge.id, tier: step.tier ?? '', user_id: userId, period_key: periodKey, awarded_at: now, badge });
	if (rule.kind === 'window' || rule.kind === 'first_time') {
		const clock = await orgClock(deps.db, organizationId);
		const from = rule.kind === 'first_time' || rule.window === 'all' ? new Date(FOREVER_START) : periodOf(rule.window, new Date(now.getTime() - 366 * 86_400_000), clock).start;
		const rows = await metricEventsOfOrg(deps.db, organizationId, rule.metric, from, new Date(FOREVER_END));
		const byUser = new Map<string, { value: number; occurredAt: Date; correction: boolean }[]>();
		for (const r of rows) {
			const list = byUser.get(r.user_id) ?? [];
			list.push({ value: Number(r.value), occurredAt: new Date(r.occurred_at), correction: r.voids_event_id != null });
			byUser.set(r.user_id, list);
		}
		for (const [userId, events] of byUser) {
			if (rule.kind === 'first_time') {
				const count = events.reduce((n, e) => n + (e.correction ? -1 : 1), 0);
				if (count >= 1) for (const step of badge.steps) push(userId, step, 'all');
				continue;
			}
			const totals = rule.window === 'all' ? new Map([['all', events.reduce((n, e) => n + (rule.measure === 'value' ? e.value : e.correction ? -1 : 1), 0)]]) : totalsByPeriod(events, rule.measure, rule.window, clock);
			for (const [key, total] of totals) for (const step of stepsReached(badge.steps, total)) push(userId, step, key);
		}
	} else {
		const clock = await orgClock(deps.db, organizationId);
		const { holidays } = await activeBadges(deps.db, organizationId);
		const members = (await membersOf(deps.db, organizationId)).filter((m) => m.status === 'active');
		for (const { userId, holding } of await judge(deps.db, organizationId, [{ badge, at: now, userIds: members.map((m) => m.user_id) }], clock, { holidays })) push(userId, holding.step, holding.periodKey);
	}
	return grant(deps, organizationId, candidates, { silent: true });
}

const badgeRefSchema = z.object({ badgeId: idSchema });

export async function setBadgeArchived(db: Db, actor: Actor, input: unknown, archived: boolean) {
	await requireAdmin(db, actor);
	const { badgeId } = parseInput(badgeRefSchema, input);
	if (!(await setBadgeStatus(db, actor.organizationId, badgeId, archived ? 'archived' : 'active'))) throw notFound();
	await recordAudit(db, { organizationId: actor.organizationId, actorId: actor.userId, action: archived ? 'badge.archive' : 'badge.restore', targetType: 'badge', targetId: badgeId });
	forgetBadges(actor.organizationId);
}

export const REASON_MAX = 500;
const manualAwardSchema = z.object({ badgeId: idSchema, userId: idSchema, reason: textSchema(REASON_MAX) });

/**
 * A leader (for reps of the teams they manage) or an admin (anyone active) awards a manual badge with a
 * reason, recorded in the audit log. Once per badge, member and day: a double submission awards once.
 */
export async function awardManually(deps: EngineDeps, actor: Actor, input: unknown): Promise<{ awarded: boolean }> {
	const { badgeId, userId, reason } = parseInput(manualAwardSchema, input);
	const access = await accessOf(deps.db, actor);
	if (actor.role === 'rep') throw forbidden();
	const row = await findBadge(deps.db, actor.organizationId, badgeId);
	if (!row) throw new AppError(404, 'errors.notFound', undefined, 'badgeId');
	const badge = toDefinition(row);
	if (badge.rule.kind !== 'manual' || badge.status !== 'active') throw new AppError(409, 'badges.errors.notManual', undefined, 'badgeId');
	const member = (await membersOf(deps.db, actor.organizationId, [userId]))[0];
	if (!member) throw new AppError(404, 'errors.notFound', undefined, 'userId');
	if (!access.canManageMember(userId) || member.status !== 'active') throw new AppError(403, 'errors.forbidden', undefined, 'userId');
	const clock = await orgClock(deps.db, actor.organizationId);
	const now = deps.clock.now();
	const periodKey = periodOf('day', now, clock).key;
	// Read before the transaction: on the embedded database a query outside it would wait for it to end.
	const rules = await coinRulesOf(deps.db, actor.organizationId);
	const inserted = await deps.db.transaction().execute(async (trx) => {
		const rows = await grant({ ...deps, db: trx, events: { emit() {} } as unknown as EngineDeps['events'] }, actor.organizationId, [
			{ organization_id: actor.organizationId, badge_id: badge.id, tier: '', user_id: userId, period_key: periodKey, awarded_at: now, awarded_by: actor.userId, reason, badge: { ...badge } }
		], { silent: true });
		if (rows.length) {
			await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'badge.award', targetType: 'user', targetId: userId, data: { badgeId: badge.id, reason } });
			await creditBadgeCoins(trx, actor.organizationId, rules.perBadge, [{ userId, momentId: `badge:${rows[0].id}`, note: localize(badge.name, 'en') }]);
			await queueMoments(trx, actor.organizationId, [badgeAwarded(`badge:${rows[0].id}`, member.name, badge.name)], now);
		}
		return rows;
	});
	if (inserted.length === 0) throw new AppError(409, 'badges.errors.alreadyAwarded', undefined, 'badgeId');
	deps.events.emit('recognition.moment', {
		organizationId: actor.organizationId,
		moment: {
			id: `badge:${inserted[0].id}`,
			type: 'badge_awarded',
			organizationId: actor.organizationId,
			user: { id: userId, name: member.name },
			at: now.toISOString(),
			badge: { id: badge.id, name: badge.name, icon: badge.icon, tier: null }
		}
	});
	return { awarded: true };
}

export interface AwardView {
	id: string;
	badge: { id: string; name: LocalizedText; icon: BadgeIcon; kind: BadgeRule['kind'] };
	tier: BadgeStep['tier'];
	period: string;
	awardedAt: string;
	reason: string | null;
}

async function awardsView(db: Db, organizationId: string, userId: string): Promise<AwardView[]> {
	return (await awardsOfUser(db, organizationId, userId)).map((a) => ({
		id: a.id,
		badge: { id: a.badge_id, name: a.name, icon: a.icon as BadgeIcon, kind: (a.rule as { kind: BadgeRule['kind'] }).kind },
		tier: (a.tier || null) as BadgeStep['tier'],
		period: a.period_key,
		awardedAt: new Date(a.awarded_at).toISOString(),
		reason: a.reason
	}));
}

/** A member's awards, named by id, e-mail or external id (the API). */
export async function awardsOfMember(db: Db, actor: Actor, ref: unknown) {
	const parsed = parseInput(z.object({ user: textSchema(254) }), { user: ref });
	const member = await memberByRef(db, actor.organizationId, parsed.user, idSchema.safeParse(parsed.user).success);
	if (!member) throw new AppError(404, 'errors.notFound', undefined, 'user');
	return { user: { id: member.id, name: member.name }, awards: await awardsView(db, actor.organizationId, member.id) };
}

/** The trophy case: a member's level and progress, awards, and current streaks. */
export async function trophyCase(deps: EngineDeps, actor: Actor, userId: string) {
	if (!idSchema.safeParse(userId).success) throw new AppError(400, 'validation.invalid', undefined, 'userId');
	const member = (await membersOf(deps.db, actor.organizationId, [userId]))[0];
	if (!member) throw notFound();
	const [level, awards, { badges, holidays }, clock, kudos] = await Promise.all([
		levelOfMember(deps.db, actor.organizationId, userId, deps.live),
		awardsView(deps.db, actor.organizationId, userId),
		activeBadges(deps.db, actor.organizationId),
		orgClock(deps.db, actor.organizationId),
		kudosReceivedByValue(deps.db, actor.organizationId, userId)
	]);
	const now = deps.clock.now();
	const today = periodOf('day', now, clock).key;
	const streaks: { badge: { id: string; name: LocalizedText; icon: BadgeIcon }; days: number; next: number | null }[] = [];
	for (const badge of badges) {
		if (badge.rule.kind !== 'streak') continue;
		const rule = badge.rule;
		const day = periodOf('day', now, clock);
		const longest = badge.steps[badge.steps.length - 1].threshold;
		const history = await dailyTotalsOfUsers(deps.db, actor.organizationId, [userId], rule.metric, new Date(day.start.getTime() - (Math.ceil(longest * 1.5) + 14) * 86_400_000), day.end, clock.timeZone);
		const totals = totalsOfDays(history.get(userId) ?? [], rule.measure, 'day', clock);
		const streak = currentStreak(totals, today, rule.perDay, { holidays });
		if (streak.length > 0) streaks.push({ badge: { id: badge.id, name: badge.name, icon: badge.icon }, days: streak.length, next: badge.steps.find((s) => s.threshold > streak.length)?.threshold ?? null });
	}
	return { member: { id: member.user_id, name: member.name, role: member.role, active: member.status === 'active' }, level, awards, streaks, kudos };
}

export async function listHolidays(db: Db, actor: Actor) {
	return holidaysOf(db, actor.organizationId);
}

const holidaySchema = z.object({
	day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.invalid').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'validation.invalid'),
	name: z.preprocess((v) => (v == null ? '' : v), z.string().trim().max(80))
});

export async function addHoliday(db: Db, actor: Actor, input: unknown) {
	await requireAdmin(db, actor);
	const { day, name } = parseInput(holidaySchema, input);
	await insertHoliday(db, actor.organizationId, day, name);
	await recordAudit(db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'holiday.add', data: { day, name } });
	forgetBadges(actor.organizationId);
}

export async function removeHoliday(db: Db, actor: Actor, input: unknown) {
	await requireAdmin(db, actor);
	const { day } = parseInput(holidaySchema.pick({ day: true }), input);
	if (!(await deleteHoliday(db, actor.organizationId, day))) throw new AppError(404, 'errors.notFound', undefined, 'day');
	await recordAudit(db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'holiday.remove', data: { day } });
	forgetBadges(actor.organizationId);
}

