// Sessions after the Lucia guide: the token is "id.secret", only SHA-256(secret) is stored and it is
// compared in constant time. A session dies after config.sessionIdleMs without use; use is recorded at most hourly.
import type { Cookies } from '@sveltejs/kit';
import type { Db } from '../db';
import type { Role } from '../db/schema';
import { generateSecureRandomString, hashSecret, secretMatches } from './tokens';

export const SESSION_COOKIE = 'podium_session';
export const ACTIVITY_CHECK_MS = 60 * 60 * 1000;
const TOKEN_PART = /^[a-km-np-z2-9]{24}$/;

export interface SessionContext {
	session: { id: string; createdAt: Date; lastVerifiedAt: Date; refreshed: boolean };
	user: { id: string; email: string; name: string; locale: string | null };
	membership: { role: Role };
	organization: { id: string; name: string; slug: string; timeZone: string; locale: string; weekStart: number };
}

export function parseSessionToken(token: string): { id: string; secret: string } | null {
	const parts = token.split('.');
	if (parts.length !== 2) return null;
	const [id, secret] = parts;
	if (!TOKEN_PART.test(id) || !TOKEN_PART.test(secret)) return null;
	return { id, secret };
}

export type SessionVerdict = 'valid' | 'refresh' | 'expired' | 'invalid';

/** Pure check of a stored session against the presented secret at time `now`. */
export function judgeSession(
	stored: { secretHash: Uint8Array; lastVerifiedAt: Date },
	secret: string,
	now: number,
	idleMs: number
): SessionVerdict {
	if (!secretMatches(secret, stored.secretHash)) return 'invalid';
	const idle = now - stored.lastVerifiedAt.getTime();
	if (idle >= idleMs) return 'expired';
	return idle >= ACTIVITY_CHECK_MS ? 'refresh' : 'valid';
}

export async function createSession(
	db: Db,
	input: { userId: string; organizationId: string; userAgent?: string | null },
	now = new Date()
): Promise<{ token: string; id: string }> {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	await db
		.insertInto('sessions')
		.values({
			id,
			user_id: input.userId,
			organization_id: input.organizationId,
			secret_hash: hashSecret(secret),
			created_at: now,
			last_verified_at: now,
			user_agent: input.userAgent?.slice(0, 300) ?? null
		})
		.execute();
	return { token: `${id}.${secret}`, id };
}

export async function validateSessionToken(
	db: Db,
	token: string,
	idleMs: number,
	now = Date.now()
): Promise<SessionContext | null> {
	const parsed = parseSessionToken(token);
	if (!parsed) return null;
	const row = await db
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
		.where('s.id', '=', parsed.id)
		.executeTakeFirst();
	if (!row) return null;
	const verdict = judgeSession(
		{ secretHash: row.secret_hash, lastVerifiedAt: row.last_verified_at },
		parsed.secret,
		now,
		idleMs
	);
	if (verdict === 'invalid') return null;
	if (verdict === 'expired' || row.status !== 'active') {
		await invalidateSession(db, row.id);
		return null;
	}
	let lastVerifiedAt = row.last_verified_at;
	if (verdict === 'refresh') {
		lastVerifiedAt = new Date(now);
		await db.updateTable('sessions').set({ last_verified_at: lastVerifiedAt }).where('id', '=', row.id).execute();
	}
	return {
		session: { id: row.id, createdAt: row.created_at, lastVerifiedAt, refreshed: verdict === 'refresh' },
		user: { id: row.user_id, email: row.email, name: row.name, locale: row.user_locale },
		membership: { role: row.role },
		organization: {
			id: row.organization_id,
			name: row.organization_name,
			slug: row.slug,
			timeZone: row.time_zone,
			locale: row.organization_locale,
			weekStart: row.week_start
		}
	};
}

export async function invalidateSession(db: Db, sessionId: string) {
	await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function invalidateUserSessions(db: Db, userId: string, organizationId?: string) {
	let query = db.deleteFrom('sessions').where('user_id', '=', userId);
	if (organizationId) query = query.where('organization_id', '=', organizationId);
	await query.execute();
}

export function setSessionCookie(cookies: Cookies, token: string, opts: { secure: boolean; maxAgeMs: number }) {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: opts.secure,
		maxAge: Math.floor(opts.maxAgeMs / 1000)
	});
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean) {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Secure cookies whenever served over https, and in production unless on a loopback address. */
export function cookieShouldBeSecure(url: URL, nodeEnv: string): boolean {
	if (url.protocol === 'https:') return true;
	return nodeEnv === 'production' && !LOOPBACK.has(url.hostname);
}
