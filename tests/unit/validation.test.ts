import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { translate } from '../../src/lib/i18n';
import { AppError, ValidationError } from '../../src/lib/server/platform/errors';
import { describeError, formToObject, parseInput } from '../../src/lib/server/platform/validation';
import { inviteSchema, isWellFormedText, signupSchema, teamUpdateSchema } from '../../src/lib/shared/schemas';

function validationErrorOf(schema: z.ZodType, input: unknown): ValidationError {
	try {
		parseInput(schema, input);
	} catch (error) {
		expect(error).toBeInstanceOf(ValidationError);
		return error as ValidationError;
	}
	throw new Error('expected a ValidationError');
}

const goodSignup = {
	organizationName: 'Acme',
	name: 'Ann Lee',
	email: 'ann@example.com',
	password: 'correct horse battery'
};

describe('parseInput', () => {
	test('returns parsed, normalised data', () => {
		expect(parseInput(signupSchema, { ...goodSignup, email: '  Ann@Example.COM ', name: '  Ann Lee ' })).toEqual({
			...goodSignup,
			timeZone: 'UTC',
			locale: 'en'
		});
	});

	test('reports one issue per field', () => {
		const error = validationErrorOf(signupSchema, { ...goodSignup, email: 'nope', password: 'short', name: '' });
		expect(error.issues.map((i) => i.field).sort()).toEqual(['email', 'name', 'password']);
	});
});

describe('describeError names the field', () => {
	const describe400 = (input: unknown, locale: 'en' | 'zh-CN' = 'en') =>
		describeError(locale, validationErrorOf(signupSchema, input))!;

	test('invalid e-mail', () => {
		const d = describe400({ ...goodSignup, email: 'not-an-email' });
		expect(d.status).toBe(400);
		expect(d.errors).toEqual({ email: 'E-mail is not a valid e-mail address.' });
		expect(d.message).toBe(d.errors.email);
	});

	test('short password', () => {
		expect(describe400({ ...goodSignup, password: 'short' }).errors).toEqual({
			password: 'Password must be at least 10 characters.'
		});
	});

	test('missing and empty fields are required', () => {
		const { organizationName: _omit, ...rest } = goodSignup;
		expect(describe400(rest).errors).toEqual({ organizationName: 'Organization name is required.' });
		expect(describe400({ ...goodSignup, name: '   ' }).errors).toEqual({ name: 'Name is required.' });
	});

	test('a value of the wrong type is invalid, not missing', () => {
		const d = describe400({ ...goodSignup, name: 42, email: ['ann@example.com'] });
		expect(d.errors.name).not.toMatch(/required/);
		expect(d.errors.email).not.toMatch(/required/);
		expect(validationErrorOf(signupSchema, { ...goodSignup, name: 42 }).issues).toEqual([{ field: 'name', key: 'validation.invalid' }]);
	});

	test('over-long name', () => {
		expect(describe400({ ...goodSignup, name: 'x'.repeat(81) }).errors).toEqual({
			name: 'Name must be at most 80 characters.'
		});
	});

	test('unknown time zone and locale', () => {
		expect(describe400({ ...goodSignup, timeZone: 'Mars/Olympus', locale: 'fr' }).errors).toEqual({
			timeZone: 'Time zone is not a known time zone.',
			locale: 'Language must be one of the listed choices.'
		});
	});

	test('in Simplified Chinese, with the Chinese field label', () => {
		const d = describe400({ ...goodSignup, email: 'nope' }, 'zh-CN');
		expect(d.errors.email).toBe(translate('zh-CN', 'validation.email', { field: translate('zh-CN', 'fields.email') }));
		expect(d.errors.email).toContain(translate('zh-CN', 'fields.email'));
		expect(d.errors.email).not.toContain('E-mail');
		expect(d.errors.email).not.toMatch(/\{\w+\}/);
	});

	test('ids and choices', () => {
		const invite = describeError('en', validationErrorOf(inviteSchema, { email: 'a@b.co', role: 'owner', teamId: 'x' }))!;
		expect(invite.errors).toEqual({ role: 'Role must be one of the listed choices.', teamId: 'Team is not valid.' });
		const team = describeError('en', validationErrorOf(teamUpdateSchema, { teamId: 'nope', name: 'A' }))!;
		expect(Object.keys(team.errors)).toEqual(['teamId']);
		expect(team.errors.teamId).toMatch(/^Team /);
	});

	test('an AppError keeps its status and names its field', () => {
		const d = describeError('en', new AppError(409, 'auth.signup.emailTaken', undefined, 'email'))!;
		expect(d).toEqual({
			status: 409,
			message: 'You cannot sign up with this e-mail. If it is yours, sign in instead.',
			errors: { email: 'You cannot sign up with this e-mail. If it is yours, sign in instead.' }
		});
		const limited = describeError('en', new AppError(429, 'auth.login.rateLimited', { minutes: 7 }))!;
		expect(limited).toEqual({ status: 429, message: 'Too many failed sign-in attempts. Try again in 7 minutes.', errors: {} });
	});

	test('anything else is not described (it becomes a 500, hidden)', () => {
		expect(describeError('en', new Error('boom'))).toBeNull();
		expect(describeError('en', 'boom')).toBeNull();
	});
});

describe('formToObject', () => {
	test('keeps the first value, or every value for array fields', () => {
		const form = new FormData();
		form.append('name', 'A');
		form.append('name', 'B');
		form.append('leaderIds', '1');
		form.append('leaderIds', '2');
		expect(formToObject(form, ['leaderIds', 'other'])).toEqual({ name: 'A', leaderIds: ['1', '2'], other: [] });
	});
});

describe('text that cannot be stored as sent', () => {
	test('U+0000 and unpaired surrogates are ill-formed; surrogate pairs and other text are fine', () => {
		for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\ud83d', '\ude00\ud83d']) expect(isWellFormedText(bad), JSON.stringify(bad)).toBe(false);
		for (const good of ['', 'Ann', '张伟', '\ud83d\ude00', 'tab\tand\nline', '\ufffd']) expect(isWellFormedText(good), JSON.stringify(good)).toBe(true);
	});

	test('every text field of a form schema refuses them, naming the field', () => {
		const error = validationErrorOf(signupSchema, { ...goodSignup, organizationName: 'Acme\ud800', name: 'Ann\u0000' });
		expect(error.issues).toEqual(
			expect.arrayContaining([
				{ field: 'organizationName', key: 'validation.illFormed' },
				{ field: 'name', key: 'validation.illFormed' }
			])
		);
		expect(translate('en', 'validation.illFormed', { field: 'Name' })).toMatch(/^Name contains a character that cannot be stored/);
	});
});
