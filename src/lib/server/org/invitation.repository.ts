import type { Db } from '../db';
import type { Role } from '../db/schema';

export function insertInvitation(
	db: Db,
	values: {
		organization_id: string;
		email: string;
		role: Role;
		team_id: string | null;
		token_hash: Uint8Array;
		invited_by: string;
		expires_at: Date;
	}
) {
	return db.insertInto('invitations').values(values).returning(['id', 'email', 'expires_at']).executeTakeFirstOrThrow();
}

export function findInvitationByTokenHash(db: Db, tokenHash: Uint8Array) {
	return db
		.selectFrom('invitations as i')
		.innerJoin('organizations as o', 'o.id', 'i.organization_id')
		.leftJoin('teams as t', 't.id', 'i.team_id')
		.select([
			'i.id',
			'i.organization_id',
			'i.email',
			'i.role',
			'i.team_id',
			'i.expires_at',
			'i.accepted_at',
			'i.revoked_at',
			'o.name as organization_name',
			't.name as team_name',
			't.archived_at as team_archived_at'
		])
		.where('i.token_hash', '=', tokenHash)
		.executeTakeFirst();
}

export function listPendingInvitations(db: Db, organizationId: string, now: Date) {
	return db
		.selectFrom('invitations as i')
		.leftJoin('teams as t', 't.id', 'i.team_id')
		.select(['i.id', 'i.email', 'i.role', 'i.team_id', 't.name as team_name', 'i.expires_at', 'i.created_at'])
		.where('i.organization_id', '=', organizationId)
		.where('i.accepted_at', 'is', null)
		.where('i.revoked_at', 'is', null)
		.where('i.expires_at', '>', now)
		.orderBy('i.created_at', 'desc')
		.execute();
}

export function findPendingInvitationByEmail(db: Db, organizationId: string, email: string, now: Date) {
	return db
		.selectFrom('invitations')
		.select(['id'])
		.where('organization_id', '=', organizationId)
		.where('email', '=', email.toLowerCase())
		.where('accepted_at', 'is', null)
		.where('revoked_at', 'is', null)
		.where('expires_at', '>', now)
		.executeTakeFirst();
}

export function findInvitation(db: Db, organizationId: string, id: string) {
	return db
		.selectFrom('invitations')
		.select(['id', 'email', 'team_id', 'accepted_at', 'revoked_at'])
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
}

export function markInvitation(db: Db, id: string, values: { accepted_at?: Date; accepted_by?: string; revoked_at?: Date }) {
	return db
		.updateTable('invitations')
		.set(values)
		.where('id', '=', id)
		.where('accepted_at', 'is', null)
		.where('revoked_at', 'is', null)
		.executeTakeFirst()
		.then((r) => Number(r.numUpdatedRows) === 1);
}

/** Records who accepted an invitation already claimed in the same transaction. */
export function setInvitationAcceptedBy(db: Db, id: string, userId: string) {
	return db.updateTable('invitations').set({ accepted_by: userId }).where('id', '=', id).execute();
}
