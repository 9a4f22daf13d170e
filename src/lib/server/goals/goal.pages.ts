// What the goal pages need besides the goals: the choices of the form (whom the viewer may set goals
// for, the metrics, the possible parents) and the working calendar the live pace is computed with.
import type { Db } from '../db';
import type { Actor } from '../org/actor';
import { accessOf } from '../org/access';
import { listMembers } from '../org/membership.repository';
import { listTeams } from '../org/team.repository';
import { holidaysOf } from '../org/holiday.repository';
import { goalMetrics, listGoals } from './goal.repository';
import { measureOf } from './goal.family';
import type { LocalizedText } from '../../shared/localized';
import { currencyDigits, parseMoney } from '../../shared/money';
import { AppError } from '../platform/errors';

export async function goalFormChoices(db: Db, actor: Actor, now = new Date()) {
	const [access, members, teams, metrics, parents, holidays] = await Promise.all([
		accessOf(db, actor),
		listMembers(db, actor.organizationId),
		listTeams(db, actor.organizationId),
		goalMetrics(db, actor.organizationId),
		listGoals(db, actor.organizationId, { statuses: ['active'], endingAfter: now, limit: 500 }),
		holidaysOf(db, actor.organizationId)
	]);
	const managedTeams = teams.filter((t) => !t.archived_at && access.canManageTeam(t.id));
	const reps = members.filter((m) => m.status === 'active' && m.role === 'rep' && (access.isAdmin || (actor.role === 'leader' && access.canManageTeam(m.team_id))));
	const teamName = new Map(teams.map((t) => [t.id, t.name]));
	return {
		canSet: access.isAdmin || actor.role === 'leader',
		canSetOrg: access.isAdmin,
		teams: managedTeams.map((t) => ({ id: t.id, name: t.name })),
		reps: reps.map((m) => ({ id: m.user_id, name: m.name, teamId: m.team_id })),
		metrics: metrics.filter((m) => m.status === 'active').map((m) => ({ key: m.key, name: m.name as LocalizedText, unit: m.unit, currency: m.currency })),
		parents: parents
			.filter((g) => g.owner_kind !== 'member')
			.map((g) => ({
				id: g.id,
				owner: g.owner_kind === 'org' ? null : (teamName.get(g.team_id!) ?? '—'),
				ownerKind: g.owner_kind,
				measure: measureOf(g),
				window: g.window,
				periodKey: g.period_key,
				target: g.target,
				start: g.starts_at.toISOString(),
				end: g.ends_at.toISOString()
			})),
		holidays: holidays.map((h) => String(h.day).slice(0, 10))
	};
}

/** Reps' active goals that have not ended: what the contest builder prefills per-participant targets from. */
export async function memberGoalTargets(db: Db, organizationId: string, now = new Date()) {
	const goals = await listGoals(db, organizationId, { statuses: ['active'], ownerKind: 'member', endingAfter: now, limit: 5000 });
	return goals.map((g) => ({ userId: g.user_id!, measure: measureOf(g), target: g.target, start: g.starts_at.toISOString(), end: g.ends_at.toISOString() }));
}

/**
 * A target typed on a page: a currency metric's in major units ("12000.50"), as amounts are typed
 * everywhere else, into the minor units goals keep; other measures as typed. A bad amount names `target`.
 */
export async function typedTarget(db: Db, organizationId: string, metricKey: unknown, typed: unknown): Promise<unknown> {
	if (typeof typed !== 'string' || typeof metricKey !== 'string' || metricKey === 'points') return typed;
	const metric = (await goalMetrics(db, organizationId)).find((m) => m.key === metricKey);
	if (!metric || metric.unit !== 'currency') return typed;
	const parsed = parseMoney(typed, currencyDigits(metric.currency));
	if (!parsed.ok) throw new AppError(400, parsed.error === 'required' ? 'validation.required' : 'validation.invalid', undefined, 'target');
	return parsed.minor;
}
