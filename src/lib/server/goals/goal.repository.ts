// Goals' SQL. Every query is scoped by organization.
import { sql, type Transaction } from 'kysely';
import type { Database, GoalsTable } from '../db/schema';
import type { Db } from '../db';
import type { Insertable, Selectable } from 'kysely';

export type GoalRow = Selectable<GoalsTable> & { metric_key: string | null };
type Executor = Db | Transaction<Database>;

const columns = [
	'goals.id',
	'goals.organization_id',
	'goals.owner_kind',
	'goals.team_id',
	'goals.user_id',
	'goals.metric_id',
	'goals.target',
	'goals.window',
	'goals.period_key',
	'goals.starts_at',
	'goals.ends_at',
	'goals.pace_mode',
	'goals.parent_id',
	'goals.description',
	'goals.status',
	'goals.created_by',
	'goals.decided_by',
	'goals.decided_at',
	'goals.decline_reason',
	'goals.final_actual',
	'goals.finalized_at',
	'goals.created_at',
	'goals.updated_at'
] as const;

function base(db: Executor, organizationId: string) {
	return db
		.selectFrom('goals')
		.leftJoin('metrics', 'metrics.id', 'goals.metric_id')
		.select([...columns, 'metrics.key as metric_key'])
		.where('goals.organization_id', '=', organizationId);
}

function normalize(row: GoalRow): GoalRow {
	return { ...row, target: Number(row.target), final_actual: row.final_actual === null ? null : Number(row.final_actual) };
}

export async function findGoal(db: Executor, organizationId: string, id: string): Promise<GoalRow | undefined> {
	const row = await base(db, organizationId).where('goals.id', '=', id).executeTakeFirst();
	return row ? normalize(row as GoalRow) : undefined;
}

export interface GoalFilter {
	statuses?: ('proposed' | 'active' | 'declined')[];
	ownerKind?: 'org' | 'team' | 'member';
	teamId?: string;
	userId?: string;
	/** Goals whose period contains this instant. */
	at?: Date;
	/** Goals whose period ends after this instant. */
	endingAfter?: Date;
	startsAt?: Date;
	endsAt?: Date;
	parentId?: string;
	limit?: number;
}

export async function listGoals(db: Executor, organizationId: string, f: GoalFilter = {}): Promise<GoalRow[]> {
	let q = base(db, organizationId);
	if (f.statuses) q = q.where('goals.status', 'in', f.statuses);
	if (f.ownerKind) q = q.where('goals.owner_kind', '=', f.ownerKind);
	if (f.teamId) q = q.where('goals.team_id', '=', f.teamId);
	if (f.userId) q = q.where('goals.user_id', '=', f.userId);
	if (f.at) q = q.where('goals.starts_at', '<=', f.at).where('goals.ends_at', '>', f.at);
	if (f.endingAfter) q = q.where('goals.ends_at', '>', f.endingAfter);
	if (f.startsAt) q = q.where('goals.starts_at', '=', f.startsAt);
	if (f.endsAt) q = q.where('goals.ends_at', '=', f.endsAt);
	if (f.parentId) q = q.where('goals.parent_id', '=', f.parentId);
	const rows = await q
		.orderBy('goals.starts_at', 'desc')
		.orderBy('goals.owner_kind')
		.orderBy('goals.created_at')
		.limit(f.limit ?? 1000)
		.execute();
	return rows.map((r) => normalize(r as GoalRow));
}

/** Goals whose boards count now or may still be in the live store: active, ending after `since`. */
export async function countingGoals(db: Executor, organizationId: string, since: Date): Promise<GoalRow[]> {
	return listGoals(db, organizationId, { statuses: ['active'], endingAfter: since, limit: 100_000 });
}

export async function insertGoal(db: Executor, row: Insertable<GoalsTable>): Promise<string> {
	const { id } = await db.insertInto('goals').values(row).returning('id').executeTakeFirstOrThrow();
	return id;
}

export async function updateGoal(db: Executor, organizationId: string, id: string, patch: Partial<Insertable<GoalsTable>>) {
	await db
		.updateTable('goals')
		.set({ ...patch, updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.execute();
}

export async function deleteGoal(db: Executor, organizationId: string, id: string) {
	await db.updateTable('goals').set({ parent_id: null }).where('organization_id', '=', organizationId).where('parent_id', '=', id).execute();
	await db.deleteFrom('goals').where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

/** Marks a goal final with its actual, once: false when it was already final. */
export async function finalizeGoal(db: Executor, organizationId: string, id: string, actual: number, at: Date): Promise<boolean> {
	const result = await db
		.updateTable('goals')
		.set({ final_actual: actual, finalized_at: at })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('finalized_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

/**
 * What a goal's owner did over [start, end): the sum of the metric's values (or of points), of one
 * member, of the members' events logged on the given teams, or of the whole organization.
 */
export async function actualOf(
	db: Executor,
	organizationId: string,
	q: { metricId: string | null; start: Date; end: Date; userId?: string; teamIds?: string[] }
): Promise<number> {
	if (q.teamIds && q.teamIds.length === 0) return 0;
	let query = db
		.selectFrom('score_events')
		.select(q.metricId ? sql<string>`coalesce(sum(value), 0)`.as('total') : sql<string>`coalesce(sum(points), 0)`.as('total'))
		.where('organization_id', '=', organizationId)
		.where('occurred_at', '>=', q.start)
		.where('occurred_at', '<', q.end);
	if (q.metricId) query = query.where('metric_id', '=', q.metricId);
	if (q.userId) query = query.where('user_id', '=', q.userId);
	if (q.teamIds) query = query.where('team_id', 'in', q.teamIds);
	const row = await query.executeTakeFirst();
	return Number(row?.total ?? 0);
}

/**
 * Totals over [start, end) of a metric (or points) per member and team of the event: the actuals of
 * every goal sharing that measure and period, read at once.
 */
export async function totalsByMemberAndTeam(db: Executor, organizationId: string, q: { metricId: string | null; start: Date; end: Date }) {
	let query = db
		.selectFrom('score_events')
		.select(['user_id', 'team_id', q.metricId ? sql<string>`coalesce(sum(value), 0)`.as('total') : sql<string>`coalesce(sum(points), 0)`.as('total')])
		.where('organization_id', '=', organizationId)
		.where('occurred_at', '>=', q.start)
		.where('occurred_at', '<', q.end)
		.groupBy(['user_id', 'team_id']);
	if (q.metricId) query = query.where('metric_id', '=', q.metricId);
	const rows = await query.execute();
	return rows.map((r) => ({ userId: r.user_id as string | null, teamId: r.team_id as string | null, total: Number(r.total) }));
}

/** Each member's total over [start, end) of a metric (or points): last period's shares for a split. */
export async function totalsByUser(db: Executor, organizationId: string, q: { metricId: string | null; start: Date; end: Date; userIds: string[] }) {
	if (q.userIds.length === 0) return new Map<string, number>();
	let query = db
		.selectFrom('score_events')
		.select(['user_id', q.metricId ? sql<string>`coalesce(sum(value), 0)`.as('total') : sql<string>`coalesce(sum(points), 0)`.as('total')])
		.where('organization_id', '=', organizationId)
		.where('occurred_at', '>=', q.start)
		.where('occurred_at', '<', q.end)
		.where('user_id', 'in', q.userIds)
		.groupBy('user_id');
	if (q.metricId) query = query.where('metric_id', '=', q.metricId);
	const rows = await query.execute();
	return new Map(rows.map((r) => [r.user_id, Number(r.total)]));
}

/** Each team's total over [start, end) (events logged on the team itself). */
export async function totalsByTeam(db: Executor, organizationId: string, q: { metricId: string | null; start: Date; end: Date }) {
	let query = db
		.selectFrom('score_events')
		.select(['team_id', q.metricId ? sql<string>`coalesce(sum(value), 0)`.as('total') : sql<string>`coalesce(sum(points), 0)`.as('total')])
		.where('organization_id', '=', organizationId)
		.where('occurred_at', '>=', q.start)
		.where('occurred_at', '<', q.end)
		.where('team_id', 'is not', null)
		.groupBy('team_id');
	if (q.metricId) query = query.where('metric_id', '=', q.metricId);
	const rows = await query.execute();
	return new Map(rows.map((r) => [r.team_id as string, Number(r.total)]));
}

/** The organization's metrics a goal may name (active ones), with what a goal shows of them. */
export function goalMetrics(db: Executor, organizationId: string) {
	return db
		.selectFrom('metrics')
		.select(['id', 'key', 'name', 'unit', 'currency', 'status'])
		.where('organization_id', '=', organizationId)
		.execute();
}

/** Active goals whose period ended before `endedBefore` and that are not final yet, in every organization. */
export function overdueGoals(db: Executor, endedBefore: Date) {
	return db
		.selectFrom('goals')
		.select(['id', 'organization_id'])
		.where('status', '=', 'active')
		.where('finalized_at', 'is', null)
		.where('ends_at', '<', endedBefore)
		.limit(1000)
		.execute();
}

/** Answers a proposal, once: false when it was no longer proposed (someone answered first). */
export async function decideProposal(db: Executor, organizationId: string, id: string, d: { status: 'active' | 'declined'; by: string; at: Date; reason: string | null }): Promise<boolean> {
	const result = await db
		.updateTable('goals')
		.set({ status: d.status, decided_by: d.by, decided_at: d.at, decline_reason: d.reason, updated_at: d.at })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', '=', 'proposed')
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}
