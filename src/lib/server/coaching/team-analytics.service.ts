// Team analytics for leaders and admins: a team's (and its sub-teams') reps over a period — the
// running total against the team goal and last period, the spread of goal attainment, the funnel
// from calls to meetings to deals, engagement, and the impact of the latest contest. Leaders see the
// teams they manage, admins every team; reps are refused (403). Read only, from the event log.
import { z } from 'zod';
import type { Actor } from '../org/actor';
import type { Locale } from '../../i18n';
import { accessOf, descendantsOf } from '../org/access';
import { listMembers } from '../org/membership.repository';
import { listTeams } from '../org/team.repository';
import { AppError, forbidden } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { activeMetrics } from '../scoring/activity.service';
import { orgClock } from '../scoring/live.service';
import { dailyTotalsOfUsers, scoresInRange } from '../scoring/event.repository';
import { readGoals } from '../goals/goal.service';
import { teamReport } from '../training/training.service';
import { listContestRows } from '../contests/contest.repository';
import type { LocalizedText } from '../../shared/localized';
import { attainmentBins, funnelRates, lineSeries, trend, type AttainmentBin, type FunnelStage, type LineSeries } from '../../charts/math';
import { analyticsFrame, ANALYTICS_PERIODS, POINTS, type AnalyticsDeps, type AnalyticsPeriod, type MetricChoice } from './analytics.service';
import { kudosCounts } from './analytics.repository';

export const teamQuerySchema = z.object({
	team: z.string().trim().max(64).optional(),
	period: z.enum(ANALYTICS_PERIODS).default('month'),
	metric: z
		.string()
		.trim()
		.min(1)
		.max(64)
		.regex(/^[a-z0-9_-]+$/)
		.default(POINTS)
});

export const FUNNEL = ['call', 'meeting', 'deal'] as const;
/** Contests that started within this many days count for the impact view. */
const CONTEST_LOOKBACK_DAYS = 180;
const DAY = 86_400_000;

export interface TeamRepRow {
	id: string;
	name: string;
	current: number;
	previousToDate: number;
	trend: number | null;
	attainment: number | null;
	target: number | null;
	funnel: number[];
	active: boolean;
	kudosGiven: number;
	kudosReceived: number;
}

export interface TeamAnalytics {
	teams: { id: string; name: string }[];
	team: { id: string; name: string } | null;
	period: { window: AnalyticsPeriod; key: string; days: string[]; today: string };
	metric: MetricChoice;
	metrics: MetricChoice[];
	reps: TeamRepRow[];
	line: LineSeries;
	totals: { current: number; previousToDate: number; trend: number | null };
	attainment: { bins: AttainmentBin[]; withGoal: number; farBehind: string[] };
	funnel: { stages: FunnelStage[]; names: Record<string, LocalizedText> };
	engagement: { activeReps: number; reps: number; kudosGiven: number; kudosReceived: number; training: { assigned: number; completed: number; overdue: number } | null };
	contest: null | { id: string; name: LocalizedText; start: string; end: string; days: number; live: boolean; perDay: { before: number; during: number; after: number | null } };
}

export async function teamAnalytics(deps: AnalyticsDeps, actor: Actor, raw: unknown, locale: Locale, now = new Date()): Promise<TeamAnalytics> {
	if (actor.role === 'rep') throw forbidden();
	const query = parseInput(teamQuerySchema, raw);
	const org = actor.organizationId;
	const [access, clock, metrics, teams, members] = await Promise.all([accessOf(deps.db, actor), orgClock(deps.db, org), activeMetrics(deps.db, org), listTeams(deps.db, org), listMembers(deps.db, org)]);
	const scope = access.managedTeamIds();
	const visible = teams.filter((t) => !t.archived_at && (scope === 'all' || scope.has(t.id))).map((t) => ({ id: t.id, name: t.name }));
	let team: { id: string; name: string } | null = null;
	if (query.team) {
		const found = teams.find((t) => t.id === query.team);
		if (!found) throw new AppError(404, 'coaching.errors.team', undefined, 'team');
		if (!visible.some((t) => t.id === found.id)) throw forbidden();
		team = { id: found.id, name: found.name };
	} else team = visible[0] ?? null;

	const { choices, metric, metricKey, pick, period, previous, days, previousDays, today } = analyticsFrame(metrics, query, now, clock);
	const elapsed = days.filter((d) => d <= today).length;

	const subtree = team ? descendantsOf(teams, [team.id]) : new Set<string>();
	const reps = members.filter((m) => m.status === 'active' && m.role === 'rep' && m.team_id && subtree.has(m.team_id));
	const ids = reps.map((r) => r.user_id);
	const funnelMetrics = FUNNEL.filter((k) => metrics.some((m) => m.key === k));

	const [totals, funnelTotals, goals, kudos, report, contests] = await Promise.all([
		dailyTotalsOfUsers(deps.db, org, ids, metricKey, previous.start, period.end, clock.timeZone),
		Promise.all(funnelMetrics.map((k) => dailyTotalsOfUsers(deps.db, org, ids, k, period.start, period.end, clock.timeZone))),
		team ? readGoals(deps, actor, { period: query.period }, locale) : Promise.resolve([]),
		kudosCounts(deps.db, org, ids, period.start, period.end),
		team ? teamReport(deps.db, actor, {}, now) : Promise.resolve([]),
		team ? listContestRows(deps.db, org, ['live', 'ended']) : Promise.resolve([])
	]);

	const measureOk = (g: (typeof goals)[number]) => g.window === query.period && (g.measure.key === metric.key || (metricKey === null && g.measure.unit === 'points'));
	const teamDaily = new Map<string, number>();
	const rows: TeamRepRow[] = reps.map((r) => {
		const list = totals.get(r.user_id) ?? [];
		let current = 0;
		let before = 0;
		for (const d of list) {
			const v = pick(d);
			if (d.day >= days[0]) {
				current += v;
				teamDaily.set(d.day, (teamDaily.get(d.day) ?? 0) + v);
			} else {
				teamDaily.set(d.day, (teamDaily.get(d.day) ?? 0) + v);
				if (previousDays.indexOf(d.day) < elapsed) before += v;
			}
		}
		const goal = goals.find((g) => g.owner.kind === 'member' && g.owner.id === r.user_id && measureOk(g));
		const funnel = funnelMetrics.map((_, i) => (funnelTotals[i].get(r.user_id) ?? []).reduce((s, d) => s + d.value, 0));
		const k = kudos.get(r.user_id)!;
		return {
			id: r.user_id,
			name: r.name,
			current,
			previousToDate: before,
			trend: trend(current, before),
			attainment: goal ? goal.attainment : null,
			target: goal ? goal.target : null,
			funnel,
			active: list.some((d) => d.day >= days[0] && d.count > 0),
			kudosGiven: k.given,
			kudosReceived: k.received
		};
	});

	const teamGoal = team ? goals.find((g) => g.owner.kind === 'team' && g.owner.id === team!.id && measureOk(g)) : undefined;
	const line = lineSeries(days, new Map(days.map((d) => [d, teamDaily.get(d) ?? 0])), previousDays, new Map(previousDays.map((d) => [d, teamDaily.get(d) ?? 0])), { target: teamGoal?.target ?? null, through: today });
	const current = rows.reduce((s, r) => s + r.current, 0);
	const previousToDate = rows.reduce((s, r) => s + r.previousToDate, 0);
	const withGoal = rows.filter((r) => r.attainment !== null);
	const stages = funnelRates(funnelMetrics.map((k, i) => ({ key: k, value: rows.reduce((s, r) => s + r.funnel[i], 0) })));
	const training = team ? report.find((t) => t.team?.id === team!.id) : undefined;

	// Contest impact: the latest contest that started in the lookback, its points per day against the
	// same length before it and (once over) after it, on this team's reps.
	let contest: TeamAnalytics['contest'] = null;
	const recent = contests.find((c) => c.starts_at.getTime() <= now.getTime() && c.starts_at.getTime() >= now.getTime() - CONTEST_LOOKBACK_DAYS * DAY);
	if (recent && ids.length) {
		const start = recent.starts_at;
		const end = new Date(Math.min((recent.ended_at ?? recent.ends_at ?? now).getTime(), now.getTime()));
		const span = Math.max(DAY, end.getTime() - start.getTime());
		const afterEnd = new Date(Math.min(end.getTime() + span, now.getTime()));
		const sumIn = async (from: Date, to: Date) => (to <= from ? 0 : (await scoresInRange(deps.db, org, metricKey ?? undefined, 'users', ids, { start: from, end: to })).reduce((s, r) => s + Number(r.score), 0));
		const [b, d, a] = await Promise.all([sumIn(new Date(start.getTime() - span), start), sumIn(start, end), sumIn(end, afterEnd)]);
		const perDay = (total: number, ms: number) => Math.round((total / Math.max(1, ms / DAY)) * 10) / 10;
		const live = recent.status === 'live';
		contest = {
			id: recent.id,
			name: recent.name as LocalizedText,
			start: start.toISOString(),
			end: end.toISOString(),
			days: Math.round(span / DAY),
			live,
			perDay: { before: perDay(b, span), during: perDay(d, span), after: live || afterEnd <= end ? null : perDay(a, afterEnd.getTime() - end.getTime()) }
		};
	}

	return {
		teams: visible,
		team,
		period: { window: query.period, key: period.key, days, today },
		metric,
		metrics: choices,
		reps: rows,
		line,
		totals: { current, previousToDate, trend: trend(current, previousToDate) },
		attainment: { bins: attainmentBins(withGoal.map((r) => ({ id: r.id, attainment: r.attainment! }))), withGoal: withGoal.length, farBehind: withGoal.filter((r) => r.attainment! < 0.5).map((r) => r.id) },
		funnel: { stages, names: Object.fromEntries(funnelMetrics.map((k) => [k, metrics.find((m) => m.key === k)!.name])) },
		engagement: {
			activeReps: rows.filter((r) => r.active).length,
			reps: rows.length,
			kudosGiven: rows.reduce((s, r) => s + r.kudosGiven, 0),
			kudosReceived: rows.reduce((s, r) => s + r.kudosReceived, 0),
			training: training ? { assigned: training.assigned, completed: training.completed, overdue: training.overdue } : null
		},
		contest
	};
}
