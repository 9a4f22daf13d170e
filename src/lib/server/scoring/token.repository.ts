import type { Db } from '../db';

export function insertApiToken(
	db: Db,
	values: { organization_id: string; name: string; token_hash: Uint8Array; scopes: string[]; created_by: string | null }
) {
	return db.insertInto('api_tokens').values(values).returning(['id', 'name', 'scopes', 'created_at']).executeTakeFirstOrThrow();
}

export function findApiTokenByHash(db: Db, tokenHash: Uint8Array) {
	return db
		.selectFrom('api_tokens')
		.select(['id', 'organization_id', 'name', 'scopes', 'revoked_at', 'last_used_at'])
		.where('token_hash', '=', tokenHash)
		.executeTakeFirst();
}

export function listApiTokens(db: Db, organizationId: string) {
	return db
		.selectFrom('api_tokens')
		.select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
		.where('organization_id', '=', organizationId)
		.orderBy('created_at', 'desc')
		.execute();
}

export function revokeApiToken(db: Db, organizationId: string, id: string) {
	return db
		.updateTable('api_tokens')
		.set({ revoked_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('revoked_at', 'is', null)
		.executeTakeFirst()
		.then((r) => Number(r.numUpdatedRows) === 1);
}

export function touchApiToken(db: Db, id: string, at: Date) {
	return db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}
