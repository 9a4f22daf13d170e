import type { Db } from '../db';

export function listTeams(db: Db, organizationId: string) {
	return db
		.selectFrom('teams')
		.select(['id', 'name', 'parent_id', 'archived_at', 'created_at'])
		.where('organization_id', '=', organizationId)
		.orderBy('name')
		.execute();
}

export function findTeam(db: Db, organizationId: string, teamId: string) {
	return db
		.selectFrom('teams')
		.select(['id', 'name', 'parent_id', 'archived_at'])
		.where('organization_id', '=', organizationId)
		.where('id', '=', teamId)
		.executeTakeFirst();
}

export async function activeTeamNameTaken(db: Db, organizationId: string, name: string, exceptId?: string) {
	let query = db
		.selectFrom('teams')
		.select('id')
		.where('organization_id', '=', organizationId)
		.where('archived_at', 'is', null)
		.where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
	if (exceptId) query = query.where('id', '!=', exceptId);
	return !!(await query.executeTakeFirst());
}

export function insertTeam(db: Db, values: { organization_id: string; name: string; parent_id: string | null }) {
	return db.insertInto('teams').values(values).returning(['id', 'name', 'parent_id']).executeTakeFirstOrThrow();
}

export function updateTeam(
	db: Db,
	organizationId: string,
	teamId: string,
	values: { name?: string; parent_id?: string | null; archived_at?: Date | null }
) {
	return db
		.updateTable('teams')
		.set(values)
		.where('organization_id', '=', organizationId)
		.where('id', '=', teamId)
		.execute();
}

export function listTeamLeaders(db: Db, organizationId: string) {
	return db
		.selectFrom('team_leaders as tl')
		.innerJoin('users as u', 'u.id', 'tl.user_id')
		.select(['tl.team_id', 'tl.user_id', 'u.name'])
		.where('tl.organization_id', '=', organizationId)
		.orderBy('u.name')
		.execute();
}

export async function replaceTeamLeaders(db: Db, organizationId: string, teamId: string, userIds: string[]) {
	await db.deleteFrom('team_leaders').where('organization_id', '=', organizationId).where('team_id', '=', teamId).execute();
	if (userIds.length) {
		await db
			.insertInto('team_leaders')
			.values(userIds.map((user_id) => ({ organization_id: organizationId, team_id: teamId, user_id })))
			.execute();
	}
}

/** Takes a person off every team they lead in an organization. */
export function removeLeaderFromAllTeams(db: Db, organizationId: string, userId: string) {
	return db.deleteFrom('team_leaders').where('organization_id', '=', organizationId).where('user_id', '=', userId).execute();
}

export function ledTeamIds(db: Db, organizationId: string, userId: string) {
	return db
		.selectFrom('team_leaders')
		.select('team_id')
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.execute()
		.then((rows) => rows.map((r) => r.team_id));
}

export async function setTeamMembership(db: Db, organizationId: string, userId: string, teamId: string | null) {
	await db.deleteFrom('team_members').where('organization_id', '=', organizationId).where('user_id', '=', userId).execute();
	if (teamId) {
		await db.insertInto('team_members').values({ organization_id: organizationId, user_id: userId, team_id: teamId }).execute();
	}
}

export async function countTeamMembers(db: Db, teamId: string) {
	const row = await db
		.selectFrom('team_members')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('team_id', '=', teamId)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The organization's team tree, archived teams included, in no particular order. */
export function teamTree(db: Db, organizationId: string) {
	return db.selectFrom('teams').select(['id', 'parent_id', 'archived_at']).where('organization_id', '=', organizationId).execute();
}

export function teamNamesByIds(db: Db, organizationId: string, ids: string[]) {
	return db.selectFrom('teams').select(['id', 'name']).where('organization_id', '=', organizationId).where('id', 'in', ids).execute();
}

/** The people on any of these teams. */
export async function memberIdsOfTeams(db: Db, organizationId: string, teamIds: string[]) {
	const rows = await db.selectFrom('team_members').select('user_id').where('organization_id', '=', organizationId).where('team_id', 'in', teamIds).execute();
	return rows.map((r) => r.user_id);
}
