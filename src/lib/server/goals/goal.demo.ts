// The demo organization's goals: this month's deals cascaded from the organization to each team and
// each rep, and this quarter's points for the organization and its teams, with targets 10–20% above
// what each did in the period before (so that some are on track, some at risk and some behind), and one
// rep's proposal waiting for their leader. Written in the seeding transaction.
import type { Db } from '../db';
import { listMembers } from '../org/membership.repository';
import { listTeams } from '../org/team.repository';
import { periodOf, shiftPeriod, type OrgClock } from '../../shared/time-windows';
import { goalMetrics, insertGoal, totalsByUser } from './goal.repository';

export async function seedDemoGoals(db: Db, organizationId: string, adminId: string, now: Date, timeZone: string) {
	const clock: OrgClock = { timeZone, weekStart: 1 };
	const [members, teams, metrics] = await Promise.all([listMembers(db, organizationId), listTeams(db, organizationId), goalMetrics(db, organizationId)]);
	const reps = members.filter((m) => m.role === 'rep' && m.status === 'active' && m.team_id);
	const deal = metrics.find((m) => m.key === 'deal');
	const call = metrics.find((m) => m.key === 'call');
	if (!deal || reps.length === 0) return;
	const base = { organization_id: organizationId, created_by: adminId, status: 'active' as const, pace_mode: 'working_days' as const, description: null };
	const stretch = (last: number, i: number) => Math.max(3, Math.round(last * (1.1 + ((i * 7) % 11) / 100)));

	// This month's deals: organization → teams → reps.
	const month = periodOf('month', now, clock);
	const lastMonth = shiftPeriod(month, -1, clock);
	const period = { window: 'month' as const, period_key: month.key, starts_at: month.start, ends_at: month.end };
	const lastDeals = await totalsByUser(db, organizationId, { metricId: deal.id, start: lastMonth.start, end: lastMonth.end, userIds: reps.map((r) => r.user_id) });
	const repTargets = new Map(reps.map((r, i) => [r.user_id, stretch(lastDeals.get(r.user_id) ?? 0, i)]));
	const teamTargets = new Map<string, number>();
	for (const r of reps) teamTargets.set(r.team_id!, (teamTargets.get(r.team_id!) ?? 0) + repTargets.get(r.user_id)!);
	const orgTarget = [...teamTargets.values()].reduce((a, b) => a + b, 0);
	const orgGoal = await insertGoal(db, {
		...base,
		...period,
		owner_kind: 'org',
		team_id: null,
		user_id: null,
		metric_id: deal.id,
		target: orgTarget,
		parent_id: null,
		description: JSON.stringify({ en: 'Our best month yet: every team beats last month.', 'zh-CN': '创造最佳月份：每个团队都超越上个月。' })
	});
	for (const team of teams.filter((t) => teamTargets.has(t.id))) {
		const teamGoal = await insertGoal(db, { ...base, ...period, owner_kind: 'team', team_id: team.id, user_id: null, metric_id: deal.id, target: teamTargets.get(team.id)!, parent_id: orgGoal });
		for (const r of reps.filter((x) => x.team_id === team.id)) {
			await insertGoal(db, { ...base, ...period, owner_kind: 'member', team_id: null, user_id: r.user_id, metric_id: deal.id, target: repTargets.get(r.user_id)!, parent_id: teamGoal });
		}
	}

	// This quarter's points: organization → teams, from each team's pace over the last four weeks, with a
	// stretch (the demo's history is shorter than a quarter).
	const quarter = periodOf('quarter', now, clock);
	const DAY = 86_400_000;
	const recent = { start: new Date(now.getTime() - 28 * DAY), end: now };
	const scale = (quarter.end.getTime() - quarter.start.getTime()) / (28 * DAY);
	const lastPoints = await totalsByUser(db, organizationId, { metricId: null, ...recent, userIds: reps.map((r) => r.user_id) });
	const quarterPeriod = { window: 'quarter' as const, period_key: quarter.key, starts_at: quarter.start, ends_at: quarter.end };
	const teamPoints = new Map<string, number>();
	for (const r of reps) teamPoints.set(r.team_id!, (teamPoints.get(r.team_id!) ?? 0) + (lastPoints.get(r.user_id) ?? 0));
	const pointsTargets = new Map([...teamPoints].map(([id, total], i) => [id, Math.max(1000, Math.round((total * scale * (1.04 + i * 0.05)) / 100) * 100)]));
	const quarterGoal = await insertGoal(db, {
		...base,
		...quarterPeriod,
		owner_kind: 'org',
		team_id: null,
		user_id: null,
		metric_id: null,
		target: [...pointsTargets.values()].reduce((a, b) => a + b, 0),
		parent_id: null
	});
	for (const [teamId, target] of pointsTargets) {
		await insertGoal(db, { ...base, ...quarterPeriod, owner_kind: 'team', team_id: teamId, user_id: null, metric_id: null, target, parent_id: quarterGoal });
	}

	// A rep's own proposal, waiting for their leader.
	if (call) {
		// The first team's first rep (the demo's rep sign-in), so that its leader has a proposal to answer.
		const first = teams.find((t) => t.name === 'Enterprise') ?? teams[0];
		const proposer = reps.find((r) => r.team_id === first?.id && r.name === 'Ada Lovelace') ?? reps.find((r) => r.team_id === first?.id) ?? reps[0];
		await insertGoal(db, {
			...base,
			...period,
			status: 'proposed',
			owner_kind: 'member',
			team_id: null,
			user_id: proposer.user_id,
			metric_id: call.id,
			target: 400,
			parent_id: null,
			created_by: proposer.user_id,
			description: JSON.stringify({ en: 'Twenty calls a working day, every day.', 'zh-CN': '每个工作日二十通电话，天天坚持。' })
		});
	}
}
