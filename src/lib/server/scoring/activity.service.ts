// What the leaderboard page shows besides the board: metrics, the activity feed, receipts, and who may
// log or void for whom.
import { sql } from 'kysely';
import { z } from 'zod';
import { POINTS_BOARD, SCOPES } from '../../shared/scoring';
import type { ActivityPayload } from '../../shared/socket-events';
import { periodOf, WINDOWS } from '../../shared/time-windows';
import type { Db } from '../db';
import { AppError } from '../errors';
import type { Actor } from '../services/actor';
import { canManage, managedTeamIds } from '../services/team.service';
import { parseInput } from '../validation';
import { orgClock } from './live.service';

export async function activeMetrics(db: Db, organizationId: string) {
	const rows = await db
		.selectFrom('metrics')
		.select(['key', 'name_en', 'name_zh', 'unit', 'currency', 'step', 'points_per_step', 'daily_cap', 'self_report'])
		.where('organization_id', '=', organizationId)
		.where('status', '=', 'active')
		.orderBy('created_at')
		.orderBy('key')
		.execute();
	return rows.map((m) => ({
		key: m.key,
		nameEn: m.name_en,
		nameZh: m.name_zh,
		unit: m.unit,
		currency: m.currency,
		step: Number(m.step),
		pointsPerStep: m.points_per_step,
		dailyCap: m.daily_cap,
		selfReport: m.self_report
	}));
}

/** The people this actor may log activity for (themself first), and whether only self-reportable metrics apply. */
export async function loggableMembers(db: Db, actor: Actor) {
	const scope = await managedTeamIds(db, actor);
	const rows = await db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id'))
		.select(['u.id', 'u.name', 'u.email', 'tm.team_id', 'm.role'])
		.where('m.organization_id', '=', actor.organizationId)
		.where('m.status', '=', 'active')
		.orderBy('u.name')
		.execute();
	return rows
		.filter((r) => r.id === actor.userId || (actor.role !== 'rep' && (scope === 'all' || (r.role === 'rep' && canManage(scope, r.team_id)))))
		.map((r) => ({ id: r.id, name: r.name, email: r.email, self: r.id === actor.userId }));
}

export async function canActFor(db: Db, actor: Actor, userId: string) {
	if (actor.role === 'admin' || userId === actor.userId) return true;
	if (actor.role !== 'leader') return false;
	const scope = await managedTeamIds(db, actor);
	const team = await db
		.selectFrom('team_members')
		.select('team_id')
		.where('organization_id', '=', actor.organizationId)
		.where('user_id', '=', userId)
		.executeTakeFirst();
	return canManage(scope, team?.team_id);
}

/** Events of an org joined with what the feed shows of them: rep, metric, and whether they were voided. */
function activityRows(db: Db, organizationId: string) {
	return db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.innerJoin('users as u', 'u.id', 'e.user_id')
		.leftJoin('score_events as v', 'v.voids_event_id', 'e.id')
		.select([
			'e.id',
			'e.user_id',
			'u.name',
			'm.key',
			'm.name_en',
			'm.name_zh',
			'm.unit',
			'm.currency',
			'e.value',
			'e.points',
			'e.occurred_at',
			'e.voids_event_id',
			'v.id as voided_by'
		])
		.where('e.organization_id', '=', organizationId);
}

type ActivityRow = Awaited<ReturnType<ReturnType<typeof activityRows>['execute']>>[number];

const toActivity = (r: ActivityRow): ActivityPayload => ({
	eventId: Number(r.id),
	userId: r.user_id,
	name: r.name,
	metric: { key: r.key, nameEn: r.name_en, nameZh: r.name_zh, unit: r.unit, currency: r.currency },
	value: Number(r.value),
	points: Number(r.points),
	occurredAt: r.occurred_at.toISOString(),
	correction: r.voids_event_id !== null,
	voids: r.voids_event_id === null ? null : Number(r.voids_event_id)
});

/** The newest events of the feed, newest first, each marked when it was voided since. */
export async function recentActivity(db: Db, organizationId: string, limit = 25) {
	const rows = await activityRows(db, organizationId).orderBy('e.id', 'desc').limit(limit).execute();
	return rows.map((r) => ({ ...toActivity(r), voided: r.voided_by !== null }));
}

/** The feed items of just-committed events (what activity:new carries), oldest first. */
export async function activityOf(db: Db, organizationId: string, eventIds: number[]): Promise<ActivityPayload[]> {
	if (eventIds.length === 0) return [];
	const rows = await activityRows(db, organizationId).where('e.id', 'in', eventIds).orderBy('e.id').execute();
	return rows.map(toActivity);
}

export const receiptQuerySchema = z.object({
	member: z.uuid(),
	board: z.string().trim().min(1).max(64).default(POINTS_BOARD),
	scope: z.enum(SCOPES).default('users'),
	window: z.enum(WINDOWS).default('week')
});

/** Every event that makes up one member's score on a board in the current period. */
export async function receipt(db: Db, organizationId: string, input: unknown, now = new Date()) {
	const q = parseInput(receiptQuerySchema, input);
	const clock = await orgClock(db, organizationId);
	const period = periodOf(q.window, now, clock);
	let query = db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.leftJoin('users as a', 'a.id', 'e.actor_id')
		.leftJoin('users as u', 'u.id', 'e.user_id')
		.leftJoin('score_events as v', 'v.voids_event_id', 'e.id')
		.select([
			'e.id',
			'e.value',
			'e.points',
			'e.occurred_at',
			'e.source',
			'e.note',
			'u.name as rep_name',
			'a.name as actor_name',
			'm.key',
			'm.name_en',
			'm.name_zh',
			'm.unit',
			'm.currency',
			'm.step',
			'm.points_per_step',
			'm.daily_cap',
			'v.void_reason',
			'v.id as voided_by'
		])
		.where('e.organization_id', '=', organizationId)
		.where('e.voids_event_id', 'is', null)
		.where('e.occurred_at', '>=', period.start)
		.where('e.occurred_at', '<', period.end)
		.where(q.scope === 'users' ? 'e.user_id' : 'e.team_id', '=', q.member);
	if (q.board !== POINTS_BOARD) query = query.where('m.key', '=', q.board);
	const rows = await query.orderBy('e.occurred_at', 'desc').orderBy('e.id', 'desc').limit(1000).execute();
	const name =
		q.scope === 'users'
			? (await db.selectFrom('users').select('name').where('id', '=', q.member).executeTakeFirst())?.name
			: (await db.selectFrom('teams').select('name').where('id', '=', q.member).where('organization_id', '=', organizationId).executeTakeFirst())?.name;
	if (!name) throw new AppError(404, 'validation.notFound', undefined, 'member');
	const lines = rows.map((r) => ({
		eventId: Number(r.id),
		rep: r.rep_name,
		metric: { key: r.key, nameEn: r.name_en, nameZh: r.name_zh, unit: r.unit, currency: r.currency },
		rule: { step: Number(r.step), pointsPerStep: r.points_per_step, dailyCap: r.daily_cap },
		value: Number(r.value),
		points: Number(r.points),
		occurredAt: r.occurred_at.toISOString(),
		source: r.source,
		actor: r.actor_name,
		note: r.note,
		voided: r.voided_by !== null,
		voidReason: r.void_reason
	}));
	const total = lines.filter((l) => !l.voided).reduce((sum, l) => sum + (q.board === POINTS_BOARD ? l.points : l.value), 0);
	return { name, board: q.board, scope: q.scope, window: { kind: q.window, key: period.key, start: period.start.toISOString(), end: period.end.toISOString() }, total, lines };
}

/** Today's score of each member on a board: the "today" column. */
export async function todayScores(db: Db, organizationId: string, board: string, scope: 'users' | 'teams', members: string[], now = new Date()) {
	if (members.length === 0) return new Map<string, number>();
	const clock = await orgClock(db, organizationId);
	const day = periodOf('day', now, clock);
	const column = scope === 'users' ? 'e.user_id' : 'e.team_id';
	let q = db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select([
			sql<string>`${sql.ref(column)}`.as('member'),
			sql<number>`sum(${board === POINTS_BOARD ? sql.ref('e.points') : sql.ref('e.value')})::float8`.as('score')
		])
		.where('e.organization_id', '=', organizationId)
		.where('e.occurred_at', '>=', day.start)
		.where('e.occurred_at', '<', day.end)
		.where(column, 'in', members)
		.groupBy(column);
	if (board !== POINTS_BOARD) q = q.where('m.key', '=', board);
	const rows = await q.execute();
	return new Map(rows.map((r) => [r.member, Number(r.score)]));
}
