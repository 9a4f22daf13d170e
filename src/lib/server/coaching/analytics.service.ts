// Rep analytics: a member's points or one metric over a period against its goal and the previous
// period, rank by week among their team, and a year of activity by day. Read only, computed from the
// event log (corrections included, so a voided event drops out everywhere). Who may look: the rep
// themselves, admins, and leaders of the teams the rep is on; anyone else is refused with 403, and a
// member of another organization does not exist (404).
import { z } from 'zod';
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import type { Actor } from '../org/actor';
import type { Locale } from '../../i18n';
import { accessOf, type Access } from '../org/access';
import { listMembers } from '../org/membership.repository';
import { AppError, forbidden, notFound } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { activeMetrics } from '../scoring/activity.service';
import { orgClock } from '../scoring/live.service';
import { dailyTotalsOfUsers } from '../scoring/event.repository';
import { readGoals } from '../goals/goal.service';
import { periodOf, shiftPeriod, zonedParts, type OrgClock, type Period } from '../../shared/time-windows';
import { bumpRanks, calendarBins, dayRange, lineSeries, trend, type BumpRow, type CalendarCell, type LineSeries } from '../../charts/math';
import type { LocalizedText } from '../../shared/localized';

export interface AnalyticsDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
}

export const ANALYTICS_PERIODS = ['month', 'quarter', 'year'] as const;
export type AnalyticsPeriod = (typeof ANALYTICS_PERIODS)[number];
export const POINTS = 'points';

export const profileQuerySchema = z.object({
	period: z.enum(ANALYTICS_PERIODS).default('month'),
	metric: z
		.string()
		.trim()
		.min(1)
		.max(64)
		.regex(/^[a-z0-9_-]+$/)
		.default(POINTS)
});

/** How many weeks the rank history covers. */
export const RANK_WEEKS = 12;
/** The rank history compares at most this many members (the rep's team, else the organization's reps). */
const COHORT_MAX = 200;
const CALENDAR_DAYS = 365;

export interface MetricChoice {
	key: string;
	name: LocalizedText | null;
	unit: 'points' | 'count' | 'currency' | 'minutes';
	currency: string | null;
}

export interface RepAnalytics {
	member: { id: string; name: string };
	period: { window: AnalyticsPeriod; key: string; days: string[]; previousKey: string; previousDays: string[]; today: string };
	metric: MetricChoice;
	metrics: MetricChoice[];
	line: LineSeries;
	goal: { target: number } | null;
	totals: { current: number; previous: number; trend: number | null; previousToDate: number };
	rank: { weeks: string[]; rows: BumpRow[]; names: Record<string, string>; scope: 'team' | 'org' };
	calendar: { from: string; to: string; cells: CalendarCell[]; weeks: number; thresholds: [number, number, number]; activeDays: number; total: number };
}

/** May the actor see this member's analytics? Themselves, admins, leaders of the member's teams. */
export function mayCoach(access: Access, userId: string): boolean {
	const a = access.actor;
	if (a.userId === userId || access.isAdmin) return true;
	return a.role === 'leader' && access.canManageMember(userId);
}

export const localDay = (at: Date | number, clock: OrgClock) => {
	const p = zonedParts(at, clock.timeZone);
	return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
};

/** The local days of a period, first to last. */
export const daysOf = (p: Period, clock: OrgClock) => dayRange(localDay(p.start, clock), localDay(p.end.getTime() - 1, clock));

/** The member's analytics, or 404 (not in the organization) / 403 (not theirs to see). */
/**
 * What both analytics views start from: the metric asked for among points and the active metrics (a
 * 400 naming `metric` otherwise), and the period asked for with the one before it, as local days.
 */
export function analyticsFrame(metrics: { key: string; name: LocalizedText; unit: string; currency: string | null }[], query: { metric: string; period: AnalyticsPeriod }, now: Date, clock: OrgClock) {
	const choices: MetricChoice[] = [{ key: POINTS, name: null, unit: 'points', currency: null }, ...metrics.map((m) => ({ key: m.key, name: m.name, unit: m.unit as MetricChoice['unit'], currency: m.currency }))];
	const metric = choices.find((c) => c.key === query.metric);
	if (!metric) throw new AppError(400, 'coaching.errors.metric', undefined, 'metric');
	const metricKey = metric.key === POINTS ? null : metric.key;
	const pick = (d: { points: number; value: number }) => (metricKey === null ? d.points : d.value);
	const period = periodOf(query.period, now, clock);
	const previous = shiftPeriod(period, -1, clock);
	return { choices, metric, metricKey, pick, period, previous, days: daysOf(period, clock), previousDays: daysOf(previous, clock), today: localDay(now, clock) };
}

export async function repAnalytics(deps: AnalyticsDeps, actor: Actor, userId: string, raw: unknown, locale: Locale, now = new Date()): Promise<RepAnalytics> {
	const query = parseInput(profileQuerySchema, raw);
	const [access, clock, metrics] = await Promise.all([accessOf(deps.db, actor), orgClock(deps.db, actor.organizationId), activeMetrics(deps.db, actor.organizationId)]);
	const members = await listMembers(deps.db, actor.organizationId);
	const member = members.find((m) => m.user_id === userId);
	if (!member) throw notFound();
	if (!mayCoach(access, userId)) throw forbidden();
	const { choices, metric, metricKey, pick, period, previous, days, previousDays, today } = analyticsFrame(metrics, query, now, clock);

	// The cohort for the rank history: the member's team, else every rep of the organization.
	const cohort = members.filter((m) => m.status === 'active' && (member.team_id ? m.team_id === member.team_id : m.role === 'rep')).slice(0, COHORT_MAX);
	if (!cohort.some((m) => m.user_id === userId)) cohort.push(member);
	const thisWeek = periodOf('week', now, clock);
	const weeks: Period[] = [];
	for (let i = RANK_WEEKS - 1; i >= 0; i--) weeks.push(shiftPeriod(thisWeek, -i, clock));
	const calendarFrom = new Date(now.getTime() - (CALENDAR_DAYS - 1) * 86_400_000);

	const [own, cohortTotals, year, goals] = await Promise.all([
		dailyTotalsOfUsers(deps.db, actor.organizationId, [userId], metricKey, previous.start, period.end, clock.timeZone),
		dailyTotalsOfUsers(deps.db, actor.organizationId, cohort.map((m) => m.user_id), metricKey, weeks[0].start, thisWeek.end, clock.timeZone),
		dailyTotalsOfUsers(deps.db, actor.organizationId, [userId], null, periodOf('day', calendarFrom, clock).start, periodOf('day', now, clock).end, clock.timeZone),
		readGoals(deps, actor, { owner: userId, period: query.period }, locale)
	]);

	const byDay = new Map<string, number>();
	for (const d of own.get(userId) ?? []) byDay.set(d.day, pick(d));
	const currentMap = new Map(days.map((d) => [d, byDay.get(d) ?? 0]));
	const previousMap = new Map(previousDays.map((d) => [d, byDay.get(d) ?? 0]));
	const goal = goals.find((g) => g.owner.kind === 'member' && g.window === query.period && (g.measure.key === metric.key || (metricKey === null && g.measure.unit === 'points')));
	const line = lineSeries(days, currentMap, previousDays, previousMap, { target: goal ? goal.target : null, through: today });
	const sum = (m: Map<string, number>, upTo?: number) => [...m.values()].slice(0, upTo).reduce((s, v) => s + v, 0);
	const current = sum(currentMap);
	const elapsed = days.filter((d) => d <= today).length;

	const weekStarts = weeks.map((w) => localDay(w.start, clock));
	const weekOf = (day: string) => {
		let i = weekStarts.length - 1;
		while (i >= 0 && weekStarts[i] > day) i--;
		return i >= 0 ? weekStarts[i] : null;
	};
	const scores = new Map<string, Map<string, number>>();
	for (const m of cohort) scores.set(m.user_id, new Map());
	for (const [id, list] of cohortTotals) {
		const s = scores.get(id)!;
		for (const d of list) {
			const w = weekOf(d.day);
			if (w) s.set(w, (s.get(w) ?? 0) + pick(d));
		}
	}

	const calFrom = localDay(calendarFrom, clock);
	const yearMap = new Map<string, number>();
	for (const d of year.get(userId) ?? []) if (d.count > 0) yearMap.set(d.day, d.count);
	const cal = calendarBins(calFrom, today, yearMap, clock.weekStart);

	return {
		member: { id: member.user_id, name: member.name },
		period: { window: query.period, key: period.key, days, previousKey: previous.key, previousDays, today },
		metric,
		metrics: choices,
		line,
		goal: goal ? { target: goal.target } : null,
		totals: { current, previous: sum(previousMap), previousToDate: sum(previousMap, elapsed), trend: trend(current, sum(previousMap, elapsed)) },
		rank: { weeks: weekStarts, rows: bumpRanks(weekStarts, scores), names: Object.fromEntries(cohort.map((m) => [m.user_id, m.name])), scope: member.team_id ? 'team' : 'org' },
		calendar: { from: calFrom, to: today, ...cal, activeDays: cal.cells.filter((c) => c.value > 0).length, total: cal.cells.reduce((s, c) => s + c.value, 0) }
	};
}
