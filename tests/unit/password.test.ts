import { describe, expect, test } from 'vitest';
import {
	checkPasswordPolicy,
	hashPassword,
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_LENGTH,
	verifyPassword
} from '../../src/lib/server/auth/password';

describe('checkPasswordPolicy', () => {
	test('limits are 10 and 256', () => {
		expect(PASSWORD_MIN_LENGTH).toBe(10);
		expect(PASSWORD_MAX_LENGTH).toBe(256);
	});

	test.each([
		['', 'blank'],
		['          ', 'blank'],
		['\t\n  \t\n  \t\n', 'blank'],
		['short', 'too_short'],
		['123456789', 'too_short'],
		['x'.repeat(257), 'too_long']
	])('%j is %s', (password, problem) => {
		expect(checkPasswordPolicy(password)).toBe(problem);
	});

	test.each(['1234567890', 'correct horse battery staple', 'x'.repeat(256), '密码密码密码密码密码', ' leading space ok'])(
		'%j is accepted',
		(password) => {
			expect(checkPasswordPolicy(password)).toBeNull();
		}
	);

	test('counts characters, not UTF-16 units: nine emoji are too short', () => {
		expect('😀'.repeat(9).length).toBe(18);
		expect(checkPasswordPolicy('😀'.repeat(9))).toBe('too_short');
		expect(checkPasswordPolicy('😀'.repeat(10))).toBeNull();
	});
});

describe('hashPassword / verifyPassword', () => {
	test('argon2id round trip', async () => {
		const password = 'correct horse battery staple';
		const hash = await hashPassword(password);
		expect(hash.startsWith('$argon2id$')).toBe(true);
		expect(hash).toContain('m=19456,t=2,p=1');
		expect(hash).not.toContain(password);
		expect(await verifyPassword(hash, password)).toBe(true);
		expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
		expect(await verifyPassword(hash, '')).toBe(false);
	});

	test('salted: the same password hashes differently each time', async () => {
		const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
		expect(a).not.toBe(b);
		expect(await verifyPassword(b, 'same password!')).toBe(true);
	});

	test('a malformed hash never verifies and never throws', async () => {
		expect(await verifyPassword('not a hash', 'anything at all')).toBe(false);
		expect(await verifyPassword('', 'anything at all')).toBe(false);
	});
});
