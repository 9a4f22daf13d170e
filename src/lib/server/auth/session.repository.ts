import type { Db } from '../db';

export function insertSession(
	db: Db,
	values: {
		id: string;
		user_id: string;
		organization_id: string;
		secret_hash: Uint8Array;
		created_at: Date;
		last_verified_at: Date;
		expires_at: Date;
		user_agent: string | null;
	}
) {
	return db.insertInto('sessions').values(values).execute();
}

/** A session with its person, membership and organization: what a request's authentication needs. */
export function findSessionContext(db: Db, sessionId: string) {
	return db
		.selectFrom('sessions as s')
		.innerJoin('users as u', 'u.id', 's.user_id')
		.innerJoin('memberships as m', (join) =>
			join.onRef('m.user_id', '=', 's.user_id').onRef('m.organization_id', '=', 's.organization_id')
		)
		.innerJoin('organizations as o', 'o.id', 's.organization_id')
		.select([
			's.id',
			's.secret_hash',
			's.created_at',
			's.last_verified_at',
			's.expires_at',
			'u.id as user_id',
			'u.email',
			'u.name',
			'u.locale as user_locale',
			'm.role',
			'm.status',
			'o.id as organization_id',
			'o.name as organization_name',
			'o.slug',
			'o.time_zone',
			'o.locale as organization_locale',
			'o.week_start'
		])
		.where('s.id', '=', sessionId)
		.executeTakeFirst();
}

export function touchSession(db: Db, sessionId: string, lastVerifiedAt: Date) {
	return db.updateTable('sessions').set({ last_verified_at: lastVerifiedAt }).where('id', '=', sessionId).execute();
}

export function setSessionOrganization(db: Db, sessionId: string, organizationId: string) {
	return db.updateTable('sessions').set({ organization_id: organizationId }).where('id', '=', sessionId).execute();
}

export function deleteSession(db: Db, sessionId: string) {
	return db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Every session of a person, or only those in one organization. */
export function deleteUserSessions(db: Db, userId: string, organizationId?: string) {
	let query = db.deleteFrom('sessions').where('user_id', '=', userId);
	if (organizationId) query = query.where('organization_id', '=', organizationId);
	return query.execute();
}

export function deleteOtherSessions(db: Db, userId: string, keepSessionId: string) {
	return db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepSessionId).execute();
}
