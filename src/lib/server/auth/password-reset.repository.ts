import type { Db } from '../db';

export function insertPasswordReset(
	db: Db,
	values: { organization_id: string; user_id: string; token_hash: Uint8Array; created_by: string; expires_at: Date }
) {
	return db.insertInto('password_resets').values(values).returning(['id', 'expires_at']).executeTakeFirstOrThrow();
}

export function findPasswordResetByTokenHash(db: Db, tokenHash: Uint8Array) {
	return db
		.selectFrom('password_resets as r')
		.innerJoin('users as u', 'u.id', 'r.user_id')
		.select(['r.id', 'r.organization_id', 'r.user_id', 'r.expires_at', 'r.used_at', 'u.name as user_name', 'u.email as user_email'])
		.where('r.token_hash', '=', tokenHash)
		.executeTakeFirst();
}

/** Marks a reset used; false when it was used (or has expired) meanwhile, so two posts cannot both win. */
export async function claimPasswordReset(db: Db, id: string, now: Date) {
	const result = await db
		.updateTable('password_resets')
		.set({ used_at: now })
		.where('id', '=', id)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}
