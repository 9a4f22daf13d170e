import { sql } from 'kysely';
import type { Db } from '../db';
import type { Role } from '../db/schema';

/** A new member competes on the reps' boards when a rep; leaders and admins only once given a quota. */
export function insertMembership(db: Db, values: { organization_id: string; user_id: string; role: Role; competes?: boolean }) {
	return db
		.insertInto('memberships')
		.values({ ...values, competes: values.competes ?? values.role === 'rep' })
		.execute();
}

export function findMembership(db: Db, organizationId: string, userId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) =>
			j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id')
		)
		.select(['m.user_id', 'm.role', 'm.status', 'm.competes', 'u.name', 'u.email', 'tm.team_id'])
		.where('m.organization_id', '=', organizationId)
		.where('m.user_id', '=', userId)
		.executeTakeFirst();
}

export function listMembers(db: Db, organizationId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) =>
			j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id')
		)
		.select(['m.user_id', 'm.role', 'm.status', 'm.competes', 'm.created_at', 'u.name', 'u.email', 'tm.team_id'])
		.where('m.organization_id', '=', organizationId)
		.orderBy('u.name')
		.execute();
}

export function listUserOrganizations(db: Db, userId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('organizations as o', 'o.id', 'm.organization_id')
		.select(['o.id', 'o.name', 'o.slug', 'm.role', 'm.status', 'm.created_at'])
		.where('m.user_id', '=', userId)
		.orderBy('m.created_at')
		.execute();
}

export function updateMembership(db: Db, organizationId: string, userId: string, values: { role?: Role; status?: 'active' | 'deactivated' }) {
	return db
		.updateTable('memberships')
		.set(values)
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.execute();
}

export async function countActiveAdmins(db: Db, organizationId: string) {
	const row = await db
		.selectFrom('memberships')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('organization_id', '=', organizationId)
		.where('role', '=', 'admin')
		.where('status', '=', 'active')
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/**
 * Active members of an org named by e-mail (compared lower-cased: pass them lower-cased) or by external
 * id, with their role and team. A union, not one OR across both tables: each branch uses its own index
 * (users by lower(email), memberships by external id), where the OR scans every user and member.
 */
export function activeMembersByRefs(db: Db, organizationId: string, emails: string[], externalIds: string[]) {
	const members = () =>
		db
			.selectFrom('memberships as m')
			.innerJoin('users as u', 'u.id', 'm.user_id')
			.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id'))
			.select(['u.id', 'u.email', 'u.name', 'm.role', 'm.external_id', 'tm.team_id'])
			.where('m.organization_id', '=', organizationId)
			.where('m.status', '=', 'active');
	const byEmail = emails.length ? members().where(sql<string>`lower(u.email)`, 'in', emails) : undefined;
	const byExternalId = externalIds.length ? members().where('m.external_id', 'in', externalIds) : undefined;
	const query = byEmail && byExternalId ? byEmail.union(byExternalId) : (byEmail ?? byExternalId);
	return query ? query.execute() : Promise.resolve([]);
}

/** The organization's active members with their external ids and team names, by name (for the public API). */
export function activeMembersForApi(db: Db, organizationId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id'))
		.leftJoin('teams as t', 't.id', 'tm.team_id')
		.select(['u.id', 'u.name', 'u.email', 'm.external_id', 't.name as team_name'])
		.where('m.organization_id', '=', organizationId)
		.where('m.status', '=', 'active')
		.orderBy('u.name')
		.orderBy('u.id')
		.execute();
}

/**
 * Members kept off the reps' boards: deactivated ones, and those who do not compete (leaders and admins
 * unless they carry a quota). Few per organization, so the boards ask for this set, not for who competes.
 */
export async function nonCompetingMemberIds(db: Db, organizationId: string): Promise<string[]> {
	const rows = await db
		.selectFrom('memberships')
		.select('user_id')
		.where('organization_id', '=', organizationId)
		.where((eb) => eb.or([eb('status', '!=', 'active'), eb('competes', '=', false)]))
		.execute();
	return rows.map((r) => r.user_id);
}

export function setMembershipCompetes(db: Db, organizationId: string, userId: string, competes: boolean) {
	return db.updateTable('memberships').set({ competes }).where('organization_id', '=', organizationId).where('user_id', '=', userId).execute();
}

/** People's names with their team in the organization, for board rows. */
export function namesWithTeams(db: Db, organizationId: string, userIds: string[]) {
	return db
		.selectFrom('users as u')
		.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'u.id').on('tm.organization_id', '=', organizationId))
		.leftJoin('teams as t', 't.id', 'tm.team_id')
		.select(['u.id', 'u.name', 't.id as team_id', 't.name as team_name'])
		.where('u.id', 'in', userIds)
		.execute();
}

/** The member of the organization with this e-mail (any case) or external id. */
export function findMemberIdByRef(db: Db, organizationId: string, ref: string) {
	const member = () => db.selectFrom('users as u').innerJoin('memberships as m', 'm.user_id', 'u.id').select('u.id').where('m.organization_id', '=', organizationId);
	// A union so that each branch uses its index; one OR across both tables scanned every member.
	return member()
		.where((eb) => eb(eb.fn('lower', ['u.email']), '=', ref.toLowerCase()))
		.union(member().where('m.external_id', '=', ref))
		.executeTakeFirst();
}
