import { describe, expect, test } from 'vitest';
import {
	checkPasswordPolicy,
	hashPassword,
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_LENGTH,
	PasswordBusyError,
	PasswordGate,
	passwordGate,
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

	test.each(['correct horse battery staple', 'x1y2z3'.repeat(42) + 'abcd', '密码是一只蓝色的猫咪', ' leading space ok', 'Tr0ub4dour&3xyz'])(
		'%j is accepted',
		(password) => {
			expect(checkPasswordPolicy(password)).toBeNull();
		}
	);

	test('counts characters, not UTF-16 units: nine emoji are too short', () => {
		expect('😀'.repeat(9).length).toBe(18);
		expect(checkPasswordPolicy('😀'.repeat(9))).toBe('too_short');
		expect(checkPasswordPolicy('😀😃😄😁😆'.repeat(2))).toBeNull();
	});

	test.each([
		['aaaaaaaaaa', 'low_variety'],
		['abababababab', 'low_variety'],
		['1212121212', 'low_variety'],
		['x'.repeat(256), 'low_variety'],
		['😀'.repeat(10), 'low_variety'],
		['abcdabcdabcd', 'low_variety'],
		['1234567890', 'common'],
		['qwertyuiop', 'common'],
		['password123', 'common'],
		['PASSWORD123', 'common'],
		['Password2026!', 'common'],
		['!!sunshine!!2024', 'common'],
		['iloveyou12345', 'common'],
		['basketball', 'common'],
		['123qweasdzxc', 'common']
	])('%j is refused as %s', (password, problem) => {
		expect(checkPasswordPolicy(password)).toBe(problem);
	});

	test("refuses a password built from the person's own name or e-mail, but not a long one that merely contains it", () => {
		const owner = { name: 'Ann Lee', email: 'ann.lee@acme.example' };
		expect(checkPasswordPolicy('AnnLee2026!', owner)).toBe('personal');
		expect(checkPasswordPolicy('ann.lee@acme', owner)).toBe('personal');
		expect(checkPasswordPolicy('acme.example', owner)).toBe('personal');
		expect(checkPasswordPolicy('lee-ann-98765!', owner)).toBe('personal');
		expect(checkPasswordPolicy('ann.lee@acme.example', owner)).toBe('personal');
		// Without the owner the same strings are fine, and a real passphrase with the name in it is too.
		expect(checkPasswordPolicy('AnnLee2026!')).toBeNull();
		expect(checkPasswordPolicy('ann climbs tall green hills', owner)).toBeNull();
		expect(checkPasswordPolicy('correct horse battery staple', { name: 'Ada Admin', email: 'admin-x1@example.test' })).toBeNull();
	});
});

describe('PasswordGate', () => {
	function deferred() {
		let resolve!: () => void;
		const promise = new Promise<void>((r) => (resolve = r));
		return { promise, resolve };
	}

	test('runs at most maxRunning at once, queues maxWaiting, and refuses the rest at once', async () => {
		const gate = new PasswordGate(2, 3);
		const jobs = Array.from({ length: 10 }, () => deferred());
		let running = 0;
		let peak = 0;
		const outcomes = jobs.map((job, i) =>
			gate
				.run(async () => {
					running++;
					peak = Math.max(peak, running);
					await job.promise;
					running--;
					return i;
				})
				.then(
					(value) => ({ ok: true as const, value }),
					(error) => ({ ok: false as const, error })
				)
		);
		expect(gate.load).toEqual({ running: 2, waiting: 3 });
		// The five past the queue are refused without waiting for anything.
		const refused = await Promise.all(outcomes.slice(5));
		for (const r of refused) expect(r.ok === false && r.error instanceof PasswordBusyError).toBe(true);
		expect(gate.stats.refused).toBe(5);
		for (const job of jobs) job.resolve();
		const done = await Promise.all(outcomes.slice(0, 5));
		expect(done).toEqual([0, 1, 2, 3, 4].map((value) => ({ ok: true, value })));
		expect(peak).toBe(2);
		expect(gate.load).toEqual({ running: 0, waiting: 0 });
	});

	test('a failing job frees its slot', async () => {
		const gate = new PasswordGate(1, 1);
		await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		expect(await gate.run(async () => 42)).toBe(42);
		expect(gate.load).toEqual({ running: 0, waiting: 0 });
	});

	test('hashing and verifying go through the process gate and are counted', async () => {
		const gate = passwordGate();
		const before = { ...gate.stats };
		const hash = await hashPassword('a long enough passphrase');
		await Promise.all([verifyPassword(hash, 'wrong guess one'), verifyPassword(hash, 'wrong guess two')]);
		expect(gate.stats.hashes - before.hashes).toBe(1);
		expect(gate.stats.verifications - before.verifications).toBe(2);
		expect(gate.stats.peakRunning).toBeLessThanOrEqual(gate.maxRunning);
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
