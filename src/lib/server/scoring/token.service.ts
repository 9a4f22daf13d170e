// API tokens: "pod_" + 32 random characters, shown once; only their SHA-256 is stored. Revocable.
import { z } from 'zod';
import { textSchema } from '../../shared/schemas';
import { generateSecureRandomString, hashSecret } from '../auth/tokens';
import type { Db } from '../db';
import type { DomainEventBus } from '../platform/events';
import { cacheNow, processMap } from '../platform/process-cache';
import { AppError, forbidden } from '../platform/errors';
import { recordAudit } from '../org/audit.repository';
import { findApiTokenByHash, insertApiToken, listApiTokens, revokeApiToken, touchApiToken } from './token.repository';
import type { Actor } from '../org/actor';
import { parseInput } from '../platform/validation';

export const TOKEN_SCOPES = ['events:write', 'leaderboards:read', 'contests:read', 'contests:write', 'kudos:read', 'kudos:write', 'badges:read', 'coins:read', 'goals:read', 'goals:write', 'training:read', 'training:write', 'displays:read', 'displays:write', 'analytics:read', 'flags:read', 'flags:write', 'reviews:read', 'reviews:write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
const TOKEN_RE = /^pod_[a-km-np-z2-9]{32}$/;

export const tokenCreateSchema = z.object({
	name: textSchema(80),
	scopes: z.array(z.enum(TOKEN_SCOPES), { message: 'validation.chooseScope' }).min(1, 'validation.chooseScope')
});

export async function createApiToken(db: Db, organizationId: string, createdBy: string | null, input: unknown) {
	const data = parseInput(tokenCreateSchema, input);
	const token = `pod_${generateSecureRandomString(32)}`;
	const row = await db.transaction().execute(async (trx) => {
		const row = await insertApiToken(trx, {
			organization_id: organizationId,
			name: data.name,
			token_hash: hashSecret(token),
			scopes: [...new Set(data.scopes)],
			created_by: createdBy
		});
		await recordAudit(trx, { organizationId, actorId: createdBy, action: 'token.created', targetType: 'token', targetId: row.id, data: { name: data.name, scopes: data.scopes } });
		return row;
	});
	return { ...row, token };
}

export async function tokensOf(db: Db, actor: Actor) {
	if (actor.role !== 'admin') throw forbidden();
	return listApiTokens(db, actor.organizationId);
}

export async function revokeToken(deps: { db: Db; events: DomainEventBus }, actor: Actor, input: unknown) {
	if (actor.role !== 'admin') throw forbidden();
	const { tokenId } = parseInput(z.object({ tokenId: z.uuid() }), input);
	const done = await revokeApiToken(deps.db, actor.organizationId, tokenId);
	forgetApiTokens();
	if (!done) throw new AppError(404, 'validation.notFound', undefined, 'tokenId');
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'token.revoked', targetType: 'token', targetId: tokenId });
	// Every process forgets the token and disconnects the sockets it authenticated.
	deps.events.emit('token.revoked', { tokenId, organizationId: actor.organizationId });
}

export type TokenCheck =
	| { ok: true; organizationId: string; tokenId: string; scopes: string[] }
	| { ok: false; status: 401 | 403; error: string };

// Integrations post many requests a second with the same token: its row is cached briefly. A token
// revoked in this process is forgotten at once; one revoked through another process stops working
// within TOKEN_CACHE_MS.
export const TOKEN_CACHE_MS = 2_000;
type TokenRow = Awaited<ReturnType<typeof findApiTokenByHash>>;
/** By the token's hash, never the token itself. */
const tokenCache = processMap<string, { at: number; row: Promise<TokenRow> }>('api-tokens');

function findToken(db: Db, token: string): Promise<TokenRow> {
	const now = cacheNow();
	const hash = hashSecret(token);
	const key = Buffer.from(hash).toString('base64');
	const cached = tokenCache.get(key);
	if (cached && now - cached.at < TOKEN_CACHE_MS) return cached.row;
	if (tokenCache.size >= 10_000) for (const [k, entry] of tokenCache) if (now - entry.at >= TOKEN_CACHE_MS) tokenCache.delete(k);
	const row = findApiTokenByHash(db, hash);
	tokenCache.set(key, { at: now, row });
	// Only tokens that exist are kept: unknown ones (a scan with made-up tokens) must not fill the cache.
	row.then(
		(found) => !found && tokenCache.get(key)?.row === row && tokenCache.delete(key),
		() => tokenCache.get(key)?.row === row && tokenCache.delete(key)
	);
	return row;
}

export function forgetApiTokens() {
	tokenCache.clear();
}

/** Checks a bearer token string (already extracted) for a scope. */
export async function checkApiToken(db: Db, token: string | undefined, scope: TokenScope): Promise<TokenCheck> {
	if (!token) return { ok: false, status: 401, error: 'Authorization: Bearer <api token> is required' };
	if (!TOKEN_RE.test(token)) return { ok: false, status: 401, error: 'the API token is not valid' };
	const row = await findToken(db, token);
	if (!row || row.revoked_at) return { ok: false, status: 401, error: 'the API token is not valid or was revoked' };
	if (!row.scopes.includes(scope)) return { ok: false, status: 403, error: `the API token lacks the scope ${scope}` };
	const now = new Date();
	// Record use at most once a minute per token, off the request's path.
	if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
		row.last_used_at = now;
		void touchApiToken(db, row.id, now).catch(() => {});
	}
	return { ok: true, organizationId: row.organization_id, tokenId: row.id, scopes: row.scopes };
}

/**
 * The organization a read-only API request (/api/v1/leaderboards, /api/v1/members) may read: a bearer
 * token with leaderboards:read when one is sent, else the signed-in member's organization.
 */
export async function readerOrganization(
	db: Db,
	signedInOrganizationId: string | undefined,
	authorization: string | null
): Promise<{ ok: true; organizationId: string } | Extract<TokenCheck, { ok: false }>> {
	const token = bearer(authorization);
	if (!token && signedInOrganizationId) return { ok: true, organizationId: signedInOrganizationId };
	return checkApiToken(db, token, 'leaderboards:read');
}

export function bearer(header: string | null): string | undefined {
	if (!header) return undefined;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return match?.[1];
}
