// Contests: every query is scoped by organization. Status changes are conditional UPDATEs on the
// status they leave, so that two processes (or two requests) make each transition once.
import { ensureSystemMetric } from '../scoring/metric.repository';
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../db';
import type { ContestParticipantsTable, ContestResultsTable, ContestsTable, ContestStatusColumn } from '../db/schema';

export type ContestRow = Awaited<ReturnType<typeof findContest>> & {};

const CONTEST_COLUMNS = [
	'c.id',
	'c.organization_id',
	'c.name',
	'c.description',
	'c.format',
	'c.scoring',
	'c.rank_by',
	'c.starts_at',
	'c.ends_at',
	'c.ended_at',
	'c.grace_minutes',
	'c.status',
	'c.hidden',
	'c.target',
	'c.places',
	'c.prizes',
	'c.repeat',
	'c.options',
	'c.participants_spec',
	'c.created_by',
	'c.team_id',
	'c.series_id',
	'c.created_at',
	'c.updated_at',
	'c.frozen_at'
] as const;

export async function insertContest(db: Db, values: Insertable<ContestsTable>): Promise<string> {
	const row = await db.insertInto('contests').values(values).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

export function findContest(db: Db, organizationId: string, id: string) {
	return db.selectFrom('contests as c').select(CONTEST_COLUMNS).where('c.organization_id', '=', organizationId).where('c.id', '=', id).executeTakeFirst();
}

/** A contest by id whatever its organization (scheduler jobs carry only the id). */
export function findContestById(db: Db, id: string) {
	return db.selectFrom('contests as c').select(CONTEST_COLUMNS).where('c.id', '=', id).executeTakeFirst();
}

export function listContestRows(db: Db, organizationId: string, statuses?: ContestStatusColumn[]) {
	let q = db.selectFrom('contests as c').select(CONTEST_COLUMNS).where('c.organization_id', '=', organizationId);
	if (statuses?.length) q = q.where('c.status', 'in', statuses);
	return q.orderBy('c.starts_at', 'desc').limit(500).execute();
}

/** The contests whose boards count events now or soon: scheduled, live, and ended within their grace. */
export function countingContests(db: Db, organizationId: string) {
	return db
		.selectFrom('contests as c')
		.select(CONTEST_COLUMNS)
		.where('c.organization_id', '=', organizationId)
		.where('c.status', 'in', ['scheduled', 'live', 'ended'])
		.execute();
}

/** Updates a contest only while its status is one of `from`; true when it did. */
export async function updateContestIf(db: Db, organizationId: string, id: string, from: ContestStatusColumn[], values: Updateable<ContestsTable>): Promise<boolean> {
	const result = await db
		.updateTable('contests')
		.set({ ...values, updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', 'in', from)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function deleteContestIf(db: Db, organizationId: string, id: string, from: ContestStatusColumn[]): Promise<boolean> {
	const result = await db.deleteFrom('contests').where('organization_id', '=', organizationId).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function deleteParticipants(db: Db, contestId: string) {
	await db.deleteFrom('contest_participants').where('contest_id', '=', contestId).execute();
	await db.deleteFrom('contest_teams').where('contest_id', '=', contestId).execute();
}

export async function insertParticipants(db: Db, rows: Insertable<ContestParticipantsTable>[]) {
	if (rows.length) await db.insertInto('contest_participants').values(rows).execute();
}

export async function insertContestTeam(db: Db, values: { contest_id: string; organization_id: string; name: string; position: number; members: string[] }) {
	const row = await db
		.insertInto('contest_teams')
		.values({ contest_id: values.contest_id, organization_id: values.organization_id, name: values.name, position: values.position })
		.returning('id')
		.executeTakeFirstOrThrow();
	if (values.members.length) {
		await db
			.insertInto('contest_team_members')
			.values(values.members.map((user_id) => ({ contest_team_id: row.id, contest_id: values.contest_id, user_id })))
			.execute();
	}
	return row.id;
}

/** Participants of contests with their names: a member, a team, an ad-hoc team or the whole organization. */
/** The contests' participants with their names; `only`: just these participants (user, team or contest-team ids). */
export function participantsOf(db: Db, organizationId: string, contestIds: string[], only?: string[]) {
	if (contestIds.length === 0 || only?.length === 0) return Promise.resolve([]);
	let query = db
		.selectFrom('contest_participants as p')
		.leftJoin('users as u', 'u.id', 'p.user_id')
		.leftJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 'p.user_id').onRef('m.organization_id', '=', 'p.organization_id'))
		.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'p.user_id').onRef('tm.organization_id', '=', 'p.organization_id'))
		.leftJoin('teams as ut', 'ut.id', 'tm.team_id')
		.leftJoin('teams as t', 't.id', 'p.team_id')
		.leftJoin('contest_teams as ct', 'ct.id', 'p.contest_team_id')
		.select([
			'p.id',
			'p.contest_id',
			'p.user_id',
			'p.team_id',
			'p.contest_team_id',
			'p.whole_org',
			'p.target',
			'p.seed',
			'p.eliminated_at',
			'u.name as user_name',
			'm.status as member_status',
			'tm.team_id as user_team_id',
			'ut.name as user_team_name',
			't.name as team_name',
			'ct.name as contest_team_name'
		])
		.where('p.organization_id', '=', organizationId)
		.where('p.contest_id', 'in', contestIds);
	if (only) {
		const ids = only.filter((id) => id !== organizationId);
		query = query.where((eb) =>
			eb.or([
				...(ids.length ? [eb('p.user_id', 'in', ids), eb('p.team_id', 'in', ids), eb('p.contest_team_id', 'in', ids)] : []),
				...(only.includes(organizationId) ? [eb('p.whole_org', '=', true)] : [])
			])
		);
	}
	return query.orderBy('p.id').execute();
}

export type ParticipantRow = Awaited<ReturnType<typeof participantsOf>>[number];

/** Members of the contests' ad-hoc teams. */
/** Who counts in each contest, without names (the board family's view, reloaded every few seconds). */
export function countingParticipantsOf(db: Db, organizationId: string, contestIds: string[]) {
	if (contestIds.length === 0) return Promise.resolve([]);
	return db
		.selectFrom('contest_participants as p')
		.select(['p.contest_id', 'p.user_id', 'p.team_id', 'p.contest_team_id', 'p.whole_org'])
		.where('p.organization_id', '=', organizationId)
		.where('p.contest_id', 'in', contestIds)
		.execute();
}

export function adhocMembersOf(db: Db, contestIds: string[]) {
	if (contestIds.length === 0) return Promise.resolve([]);
	return db.selectFrom('contest_team_members').select(['contest_id', 'contest_team_id', 'user_id']).where('contest_id', 'in', contestIds).execute();
}

/** How many members each team has now (for the average per member). */
export async function teamSizes(db: Db, organizationId: string, teamIds: string[]): Promise<Map<string, number>> {
	if (teamIds.length === 0) return new Map();
	const rows = await db
		.selectFrom('team_members')
		.select(['team_id', sql<number>`count(*)::int`.as('n')])
		.where('organization_id', '=', organizationId)
		.where('team_id', 'in', teamIds)
		.groupBy('team_id')
		.execute();
	return new Map(rows.map((r) => [r.team_id, Number(r.n)]));
}

export async function activeMemberCount(db: Db, organizationId: string): Promise<number> {
	const row = await db
		.selectFrom('memberships')
		.select(sql<number>`count(*)::int`.as('n'))
		.where('organization_id', '=', organizationId)
		.where('status', '=', 'active')
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The contest ids a member takes part in (as a member, through a team or an ad-hoc team). */
export async function contestIdsOfMember(db: Db, organizationId: string, userId: string, teamId: string | null): Promise<Set<string>> {
	const direct = await db
		.selectFrom('contest_participants')
		.select('contest_id')
		.where('organization_id', '=', organizationId)
		.where((eb) => eb.or([eb('user_id', '=', userId), eb('whole_org', '=', true), ...(teamId ? [eb('team_id', '=', teamId)] : [])]))
		.execute();
	const adhoc = await db.selectFrom('contest_team_members').select('contest_id').where('user_id', '=', userId).execute();
	return new Set([...direct, ...adhoc].map((r) => r.contest_id));
}

/** The events of an organization that happened in [start, end), up to an id, with their metric key. */
export function eventsInRange(db: Db, organizationId: string, start: Date, end: Date, upToId: number) {
	return db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select(['e.id', 'e.org_seq', 'e.organization_id', 'e.user_id', 'e.team_id', 'e.value', 'e.points', 'e.occurred_at', 'm.key as metric_key'])
		.where('e.organization_id', '=', organizationId)
		.where('e.occurred_at', '>=', start)
		.where('e.occurred_at', '<', end)
		.where('e.id', '<=', upToId)
		.orderBy('e.id')
		.execute();
}

/** Events of the range recorded after a moment (corrections and late events after the freeze). */
export function eventsRecordedAfter(db: Db, organizationId: string, start: Date, end: Date, after: Date) {
	return db
		.selectFrom('score_events as e')
		.innerJoin('metrics as m', 'm.id', 'e.metric_id')
		.select(['e.id', 'e.org_seq', 'e.organization_id', 'e.user_id', 'e.team_id', 'e.value', 'e.points', 'e.occurred_at', 'e.voids_event_id', 'm.key as metric_key'])
		.where('e.organization_id', '=', organizationId)
		.where('e.occurred_at', '>=', start)
		.where('e.occurred_at', '<', end)
		.where('e.recorded_at', '>', after)
		.orderBy('e.id')
		.limit(1000)
		.execute();
}

export async function insertResults(db: Db, rows: Insertable<ContestResultsTable>[]) {
	if (rows.length) await db.insertInto('contest_results').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

export function resultsOf(db: Db, contestId: string) {
	return db.selectFrom('contest_results').selectAll().where('contest_id', '=', contestId).orderBy('rank').orderBy('tie').execute();
}

export async function insertNotes(db: Db, rows: { contest_id: string; organization_id: string; event_id: number; data: string }[]) {
	if (rows.length) await db.insertInto('contest_notes').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

export function notesOf(db: Db, contestId: string) {
	return db.selectFrom('contest_notes').select(['event_id', 'data', 'created_at']).where('contest_id', '=', contestId).orderBy('id').limit(100).execute();
}

/** The organization's metric used for prize points (a system metric nobody logs: its value is 0). */
export function ensurePrizeMetric(db: Db, organizationId: string, key: string): Promise<string> {
	return ensureSystemMetric(db, organizationId, key, { en: 'Contest prize', 'zh-CN': '竞赛奖励' });
}

/** Members (active or not) of the organization with their e-mail, external id and team. */
export function rosterWithRefs(db: Db, organizationId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id'))
		.select(['m.user_id', 'm.role', 'm.status', 'm.competes', 'm.external_id', 'u.name', 'u.email', 'tm.team_id'])
		.where('m.organization_id', '=', organizationId)
		.execute();
}

export function teamsOfOrg(db: Db, organizationId: string) {
	return db.selectFrom('teams').select(['id', 'name', 'archived_at']).where('organization_id', '=', organizationId).execute();
}

export function metricKeysOfOrg(db: Db, organizationId: string) {
	return db.selectFrom('metrics').select(['key', 'status']).where('organization_id', '=', organizationId).execute();
}

/** Contests that should have moved on by now (a restart, a lost job): the lifecycle sweep. */
export function overdueContests(db: Db, now: Date) {
	return db
		.selectFrom('contests')
		.select(['id', 'organization_id', 'status'])
		.where((eb) =>
			eb.or([
				eb.and([eb('status', '=', 'scheduled'), eb('starts_at', '<=', now)]),
				eb.and([eb('status', '=', 'live'), eb('ends_at', 'is not', null), eb('ends_at', '<=', now)]),
				eb.and([eb('status', '=', 'ended'), sql<boolean>`coalesce(ended_at, ends_at) + make_interval(mins => grace_minutes) <= ${now}`])
			])
		)
		.limit(100)
		.execute();
}

/** Final contests whose range overlaps [from, to] (late events and corrections become their notes). */
export function finalContestsOverlapping(db: Db, organizationId: string, from: Date, to: Date) {
	return db
		.selectFrom('contests as c')
		.select(CONTEST_COLUMNS)
		.where('c.organization_id', '=', organizationId)
		.where('c.status', '=', 'final')
		.where('c.starts_at', '<=', to)
		.where(sql<boolean>`coalesce(c.ended_at, c.ends_at, c.frozen_at) > ${from}`)
		.execute();
}

/** The next occurrence of a repeating contest; nothing when it exists already (two processes make one). */
export async function insertOccurrence(db: Db, values: Insertable<ContestsTable>): Promise<string | null> {
	const row = await db
		.insertInto('contests')
		.values(values)
		.onConflict((oc) => oc.columns(['series_id', 'starts_at']).where('series_id', 'is not', null).doNothing())
		.returning('id')
		.executeTakeFirst();
	return row?.id ?? null;
}

/** Members of teams now (prize points of a team go to its members). */
export async function membersOfTeams(db: Db, organizationId: string, teamIds: string[]) {
	if (teamIds.length === 0) return [];
	return db.selectFrom('team_members').select(['user_id', 'team_id']).where('organization_id', '=', organizationId).where('team_id', 'in', teamIds).execute();
}

/** Who created an API token, with their membership in its organization now. */
export function tokenOwner(db: Db, tokenId: string) {
	return db
		.selectFrom('api_tokens as t')
		.innerJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 't.created_by').onRef('m.organization_id', '=', 't.organization_id'))
		.select(['m.user_id', 'm.organization_id', 'm.role', 'm.status'])
		.where('t.id', '=', tokenId)
		.executeTakeFirst();
}

/**
 * Per-member (or per-team) totals over [from, to), aggregated in SQL for the backtest: points (without
 * prizes), or each event's round(value × weight) for the weighted metrics; with the largest event id
 * (the tie mark).
 */
export async function backtestTotals(
	db: Db,
	organizationId: string,
	range: { from: Date; to: Date },
	metrics: 'points' | { metric: string; weight: number }[],
	by: 'user' | 'team',
	prizeMetric: string
) {
	const column = by === 'user' ? sql.ref('e.user_id') : sql.ref('e.team_id');
	const measure =
		metrics === 'points'
			? sql`e.points`
			: sql`round(e.value * w.weight)`;
	const weights =
		metrics === 'points'
			? sql``
			: sql`join unnest(${metrics.map((m) => m.metric)}::text[], ${metrics.map((m) => m.weight)}::float8[]) as w(key, weight) on w.key = m.key`;
	const { rows } = await sql<{ member: string | null; score: number; tie: number }>`
		select ${column} as member, sum(${measure})::float8 as score, max(e.id)::float8 as tie
		from score_events e
		join metrics m on m.id = e.metric_id
		${weights}
		where e.organization_id = ${organizationId} and e.occurred_at >= ${range.from} and e.occurred_at < ${range.to} and m.key <> ${prizeMetric}
		group by ${column}`.execute(db);
	return rows.filter((r) => r.member !== null).map((r) => ({ member: r.member!, score: Number(r.score), tie: Number(r.tie) }));
}

/** Locks a contest's row for the transaction (one elimination at a time); its status. */
export async function lockContest(db: Db, id: string) {
	const row = await db.selectFrom('contests').select(['status']).where('id', '=', id).forUpdate().executeTakeFirst();
	return row?.status;
}

export async function countEliminated(db: Db, contestId: string): Promise<number> {
	const row = await db.selectFrom('contest_participants').select(sql<number>`count(*)::int`.as('n')).where('contest_id', '=', contestId).where('eliminated_at', 'is not', null).executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function eliminateParticipant(db: Db, contestId: string, userId: string, at: Date): Promise<boolean> {
	const result = await db
		.updateTable('contest_participants')
		.set({ eliminated_at: at })
		.where('contest_id', '=', contestId)
		.where('user_id', '=', userId)
		.where('eliminated_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function setContestOptions(db: Db, id: string, options: Record<string, unknown>) {
	await db.updateTable('contests').set({ options: JSON.stringify(options), updated_at: new Date() }).where('id', '=', id).execute();
}

export async function setParticipantSeed(db: Db, contestId: string, userId: string, seed: number) {
	await db.updateTable('contest_participants').set({ seed }).where('contest_id', '=', contestId).where('user_id', '=', userId).execute();
}
