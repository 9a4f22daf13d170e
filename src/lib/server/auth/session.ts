// Sessions after the Lucia guide: the token is "id.secret", only SHA-256(secret) is stored and it is
// compared in constant time. A session dies after config.sessionIdleMs without use (use is recorded at most
// hourly), and at its expires_at (config.sessionMaxMs after sign-in) however active it is.
import type { Cookies } from '@sveltejs/kit';
import type { Db } from '../db';
import type { Role } from '../db/schema';
import {
	deleteOtherSessions,
	deleteSession,
	deleteUserSessions,
	findSessionContext,
	insertSession,
	touchSession
} from './session.repository';
import { generateSecureRandomString, hashSecret, secretMatches } from './tokens';

export const SESSION_COOKIE = 'podium_session';
export const ACTIVITY_CHECK_MS = 60 * 60 * 1000;
/** The absolute lifetime when the caller names none (the default of SESSION_MAX_DAYS). */
export const DEFAULT_SESSION_MAX_MS = 30 * 24 * 60 * 60 * 1000;
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
	stored: { secretHash: Uint8Array; lastVerifiedAt: Date; expiresAt?: Date },
	secret: string,
	now: number,
	idleMs: number
): SessionVerdict {
	if (!secretMatches(secret, stored.secretHash)) return 'invalid';
	if (stored.expiresAt && now >= stored.expiresAt.getTime()) return 'expired';
	const idle = now - stored.lastVerifiedAt.getTime();
	if (idle >= idleMs) return 'expired';
	return idle >= ACTIVITY_CHECK_MS ? 'refresh' : 'valid';
}

export async function createSession(
	db: Db,
	input: { userId: string; organizationId: string; userAgent?: string | null; maxMs?: number },
	now = new Date()
): Promise<{ token: string; id: string }> {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();
	await insertSession(db, {
		id,
		user_id: input.userId,
		organization_id: input.organizationId,
		secret_hash: hashSecret(secret),
		created_at: now,
		last_verified_at: now,
		expires_at: new Date(now.getTime() + (input.maxMs ?? DEFAULT_SESSION_MAX_MS)),
		user_agent: input.userAgent?.slice(0, 300) ?? null
	});
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
	const row = await findSessionContext(db, parsed.id);
	if (!row) return null;
	const verdict = judgeSession(
		{ secretHash: row.secret_hash, lastVerifiedAt: row.last_verified_at, expiresAt: row.expires_at },
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
		await touchSession(db, row.id, lastVerifiedAt);
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
	await deleteSession(db, sessionId);
}

export async function invalidateUserSessions(db: Db, userId: string, organizationId?: string) {
	await deleteUserSessions(db, userId, organizationId);
}

/** Signs a person out everywhere except the session given (after a password change). */
export async function invalidateOtherSessions(db: Db, userId: string, keepSessionId: string) {
	await deleteOtherSessions(db, userId, keepSessionId);
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

/** Set once an invitation is accepted; the app's layout shows a welcome banner once and deletes it. */
export const WELCOME_COOKIE = 'podium_welcome';
