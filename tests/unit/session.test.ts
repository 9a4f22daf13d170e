import { sha256 } from '@oslojs/crypto/sha2';
import { describe, expect, test } from 'vitest';
import { ACTIVITY_CHECK_MS, judgeSession, parseSessionToken } from '../../src/lib/server/auth/session';
import { generateSecureRandomString, hashSecret, secretMatches } from '../../src/lib/server/auth/tokens';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const IDLE = 14 * 24 * 60 * 60 * 1000;

describe('generateSecureRandomString', () => {
	test('uses only the 32-character alphabet without look-alikes, one character per byte', () => {
		const sample = Array.from({ length: 200 }, () => generateSecureRandomString()).join('');
		expect(sample).toMatch(/^[a-km-np-z2-9]+$/);
		expect(sample).not.toMatch(/[lo01A-Z]/);
		expect(generateSecureRandomString()).toHaveLength(24);
		expect(generateSecureRandomString(32)).toHaveLength(32);
		// Over 4800 characters every letter of the alphabet shows up, so no part of it is unreachable.
		expect(new Set(sample)).toEqual(new Set(ALPHABET));
	});

	test('never repeats', () => {
		const values = new Set(Array.from({ length: 1000 }, () => generateSecureRandomString()));
		expect(values.size).toBe(1000);
	});
});

describe('hashSecret', () => {
	test('stores SHA-256 of the secret, never the secret itself', () => {
		const secret = generateSecureRandomString();
		const stored = hashSecret(secret);
		expect(stored).toBeInstanceOf(Uint8Array);
		expect(stored).toHaveLength(32);
		expect(Buffer.from(stored)).toEqual(Buffer.from(sha256(new TextEncoder().encode(secret))));
		expect(Buffer.from(stored).toString('latin1')).not.toContain(secret);
		expect(Buffer.from(stored).toString('hex')).not.toContain(secret);
		expect(secretMatches(secret, stored)).toBe(true);
		expect(secretMatches(generateSecureRandomString(), stored)).toBe(false);
	});
});

describe('parseSessionToken', () => {
	const id = generateSecureRandomString();
	const secret = generateSecureRandomString();

	test('splits id.secret', () => {
		expect(parseSessionToken(`${id}.${secret}`)).toEqual({ id, secret });
	});

	test.each([
		['empty', ''],
		['no dot', id + secret],
		['three parts', `${id}.${secret}.${secret}`],
		['short secret', `${id}.${secret.slice(1)}`],
		['long id', `${id}a.${secret}`],
		['upper case', `${id.toUpperCase()}.${secret}`],
		['look-alike character', `${id.slice(0, 23)}l.${secret}`],
		['sql', `${id}.' or 1=1 --aaaaaaaaaaaa`],
		['spaces', ` ${id}.${secret}`]
	])('refuses %s', (_name, token) => {
		expect(parseSessionToken(token)).toBeNull();
	});
});

describe('judgeSession', () => {
	const secret = generateSecureRandomString();
	const last = new Date('2026-03-01T12:00:00Z');
	const stored = { secretHash: hashSecret(secret), lastVerifiedAt: last };
	const at = (ms: number) => last.getTime() + ms;

	test('valid when used within the hour', () => {
		expect(judgeSession(stored, secret, at(0), IDLE)).toBe('valid');
		expect(judgeSession(stored, secret, at(ACTIVITY_CHECK_MS - 1), IDLE)).toBe('valid');
	});

	test('refresh once an hour has passed since it was last recorded', () => {
		expect(ACTIVITY_CHECK_MS).toBe(60 * 60 * 1000);
		expect(judgeSession(stored, secret, at(ACTIVITY_CHECK_MS), IDLE)).toBe('refresh');
		expect(judgeSession(stored, secret, at(IDLE - 1), IDLE)).toBe('refresh');
	});

	test('expired after the idle timeout', () => {
		expect(judgeSession(stored, secret, at(IDLE), IDLE)).toBe('expired');
		expect(judgeSession(stored, secret, at(IDLE * 10), IDLE)).toBe('expired');
	});

	test('invalid for any other secret, whatever the time', () => {
		const other = generateSecureRandomString();
		expect(judgeSession(stored, other, at(0), IDLE)).toBe('invalid');
		expect(judgeSession(stored, other, at(IDLE * 2), IDLE)).toBe('invalid');
		// One changed character is enough.
		const tampered = (secret[0] === 'a' ? 'b' : 'a') + secret.slice(1);
		expect(judgeSession(stored, tampered, at(0), IDLE)).toBe('invalid');
		expect(judgeSession(stored, '', at(0), IDLE)).toBe('invalid');
	});

	test('a stored hash of the wrong length never matches', () => {
		expect(judgeSession({ secretHash: new Uint8Array(16), lastVerifiedAt: last }, secret, at(0), IDLE)).toBe('invalid');
	});
});

describe('judgeSession: absolute lifetime', () => {
	test('a session past its expires_at is expired however recently it was used', () => {
		const secret = generateSecureRandomString();
		const start = Date.UTC(2026, 0, 1);
		const expiresAt = new Date(start + 30 * 24 * 60 * 60 * 1000);
		const justUsed = (now: number) => ({ secretHash: hashSecret(secret), lastVerifiedAt: new Date(now - 1000), expiresAt });
		const before = expiresAt.getTime() - 1;
		expect(judgeSession(justUsed(before), secret, before, IDLE)).toBe('valid');
		expect(judgeSession(justUsed(expiresAt.getTime()), secret, expiresAt.getTime(), IDLE)).toBe('expired');
		// A wrong secret is still 'invalid', never 'expired': the row is not deleted on a guess.
		expect(judgeSession(justUsed(expiresAt.getTime()), 'x'.repeat(24), expiresAt.getTime(), IDLE)).toBe('invalid');
	});
});
