import { sql } from 'kysely';
import type { Db } from '../db';
import type { Role } from '../db/schema';

export function insertMembership(db: Db, values: { organization_id: string; user_id: string; role: Role }) {
	return db.insertInto('memberships').values(values).execute();
}

export function findMembership(db: Db, organizationId: string, userId: string) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.leftJoin('team_members as tm', (j) =>
			j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id')
		)
		.select(['m.user_id', 'm.role', 'm.status', 'u.name', 'u.email', 'tm.team_id'])
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
		.select(['m.user_id', 'm.role', 'm.status', 'm.created_at', 'u.name', 'u.email', 'tm.team_id'])
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
