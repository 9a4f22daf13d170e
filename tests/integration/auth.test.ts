// Sign-up, sign-in, rate limiting, sign-out and health, over HTTP against the real app.
import { sha256 } from '@oslojs/crypto/sha2';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { uniqueEmail, uniqueSuffix, usingPostgres, usingRedis } from '../helpers/env';
import { countRows, PASSWORD, rowsContaining, sessionsOf, signIn, signUpOrganization } from '../helpers/fixtures';

let app: App;

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const validSignup = () => ({
	organizationName: `Acme ${uniqueSuffix()}`,
	name: 'Ann Lee',
	email: uniqueEmail('ann'),
	password: PASSWORD,
	timeZone: 'America/New_York',
	locale: 'en'
});

describe('health', () => {
	test('GET /api/health reports the database and live store of this mode', async () => {
		const res = await app.browser().get('/api/health');
		expect(res.status).toBe(200);
		expect(res.headers['cache-control']).toBe('no-store');
		const body = res.json();
		expect(body.status).toBe('ok');
		expect(body.database).toMatchObject({ kind: usingPostgres ? 'postgres' : 'pglite', status: 'up' });
		expect(body.liveStore).toMatchObject({ kind: usingRedis ? 'redis' : 'memory', status: 'up' });
		expect(body.realtime).toMatchObject({ kind: usingRedis ? 'redis-streams' : 'memory', status: 'up' });
	});
});

describe('sign-up', () => {
	test('creates the organization and its admin, and signs in with an HttpOnly, SameSite=Lax cookie', async () => {
		const browser = app.browser();
		const fields = validSignup();
		const result = await browser.action('/signup', { ...fields, email: `  ${fields.email.toUpperCase()} ` });
		expect(result).toMatchObject({ type: 'redirect', status: 303, location: '/admin/teams' });

		const cookie = result.response.setCookies.find((c) => c.name === 'podium_session');
		expect(cookie).toBeDefined();
		expect(cookie!.attributes.httponly).toBe(true);
		expect(String(cookie!.attributes.samesite).toLowerCase()).toBe('lax');
		expect(cookie!.attributes.path).toBe('/');
		expect(cookie!.attributes.secure).toBeUndefined(); // plain http on loopback in development
		expect(Number(cookie!.attributes['max-age'])).toBe(14 * 24 * 60 * 60);
		const token = cookie!.value;
		expect(token).toMatch(/^[a-km-np-z2-9]{24}\.[a-km-np-z2-9]{24}$/);

		const db = app.runtime.db;
		const user = await db.selectFrom('users').selectAll().where('email', '=', fields.email).executeTakeFirstOrThrow();
		expect(user.name).toBe('Ann Lee');
		expect(user.password_hash.startsWith('$argon2id$')).toBe(true);
		const org = await db
			.selectFrom('organizations as o')
			.innerJoin('memberships as m', 'm.organization_id', 'o.id')
			.select(['o.id', 'o.name', 'o.time_zone', 'o.locale', 'm.role', 'm.status'])
			.where('m.user_id', '=', user.id)
			.execute();
		expect(org).toEqual([
			{ id: expect.any(String), name: fields.organizationName, time_zone: 'America/New_York', locale: 'en', role: 'admin', status: 'active' }
		]);

		// Only SHA-256 of the secret is stored: neither the token nor its secret appears in any column.
		const [id, secret] = token.split('.');
		const sessions = await sessionsOf(db, user.id);
		expect(sessions).toHaveLength(1);
		expect(sessions[0].id).toBe(id);
		expect(sessions[0].organization_id).toBe(org[0].id);
		expect(Buffer.from(sessions[0].secret_hash)).toEqual(Buffer.from(sha256(new TextEncoder().encode(secret))));
		expect(await rowsContaining(db, secret)).toEqual({});
		expect(await rowsContaining(db, token)).toEqual({});
		const { rows } = await sql<{ type: string }>`
			select data_type as type from information_schema.columns
			where table_name = 'sessions' and column_name = 'secret_hash'`.execute(db);
		expect(rows[0].type).toBe('bytea');

		// The cookie works: the signed-in app renders, and the sign-up page sends the admin on.
		const page = await browser.get('/leaderboards');
		expect(page.status).toBe(200);
		expect(page.body).toContain('Ann Lee');
		const again = await browser.get('/signup');
		expect(again.status).toBe(303);
		expect(again.headers.location).toBe('/');
	});

	const badInputs: [string, Record<string, string | undefined>, string, RegExp][] = [
		['an invalid e-mail', { email: 'ann-at-example' }, 'email', /^E-mail is not a valid e-mail address\.$/],
		['a short password', { password: 'nine-char' }, 'password', /^Password must be at least 10 characters\.$/],
		['a password of spaces', { password: ' '.repeat(12) }, 'password', /^Password cannot be only spaces\.$/],
		['a missing organization name', { organizationName: undefined }, 'organizationName', /^Organization name is required\.$/],
		['a missing name', { name: '' }, 'name', /^Name is required\.$/],
		['an over-long name', { name: 'N'.repeat(81) }, 'name', /^Name must be at most 80 characters\.$/],
		['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone', /^Time zone is not a known time zone\.$/]
	];

	test.each(badInputs)('refuses %s with 400 naming the field, creating nothing', async (_label, change, field, message) => {
		const db = app.runtime.db;
		const before = usingPostgres ? undefined : await countRows(db);
		const fields = { ...validSignup(), ...change };
		const browser = app.browser();
		const result = await browser.action('/signup', fields);
		expect(result.type).toBe('failure');
		if (result.type !== 'failure') return;
		expect(result.status).toBe(400);
		expect(result.data.errors[field]).toMatch(message);
		expect(result.data.message).toBe(result.data.errors[field]);
		// What was typed comes back so the form can be refilled, but never the password.
		expect(result.data.values).not.toHaveProperty('password');
		expect(result.response.setCookies.find((c) => c.name === 'podium_session')).toBeUndefined();

		const email = typeof fields.email === 'string' ? fields.email.toLowerCase() : '';
		expect(await db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email).execute()).toEqual([]);
		if (fields.organizationName) {
			expect(await db.selectFrom('organizations').select('id').where('name', '=', fields.organizationName).execute()).toEqual([]);
		}
		// With a private embedded database nothing else can write: no table gained a row.
		if (before) expect(await countRows(db)).toEqual(before);
	});

	test('refuses an e-mail that is already registered (any case) with 409, without saying that it is registered', async () => {
		const first = await signUpOrganization(app);
		const fields = { ...validSignup(), email: first.email.toUpperCase() };
		const result = await app.browser().action('/signup', fields);
		expect(result.type).toBe('failure');
		if (result.type !== 'failure') return;
		expect(result.status).toBe(409);
		expect(result.data.errors.email).toBe('You cannot sign up with this e-mail. If it is yours, sign in instead.');
		expect(result.data.message).not.toMatch(/registered|exists|already/i);
		expect(await app.runtime.db.selectFrom('organizations').select('id').where('name', '=', fields.organizationName).execute()).toEqual([]);
	});
});

describe('sign-in', () => {
	test('signs in with e-mail (any case) and password, and creates a new session', async () => {
		const admin = await signUpOrganization(app);
		const { browser, result } = await signIn(app, `  ${admin.email.toUpperCase()}  `);
		expect(result).toMatchObject({ type: 'redirect', status: 303, location: '/' });
		const token = browser.cookie('podium_session');
		expect(token).toBeDefined();
		expect(token).not.toBe(admin.token);
		expect(await sessionsOf(app.runtime.db, admin.userId)).toHaveLength(2);
		expect((await browser.get('/leaderboards')).status).toBe(200);
	});

	test('follows a local ?next= but never one to another site', async () => {
		const admin = await signUpOrganization(app);
		const local = await app.browser().action('/login?next=%2Fteam', { email: admin.email, password: PASSWORD });
		expect(local).toMatchObject({ type: 'redirect', location: '/team' });
		const evil = await app.browser().action('/login?next=%2F%2Fevil.example%2F', { email: admin.email, password: PASSWORD });
		expect(evil).toMatchObject({ type: 'redirect', location: '/' });
	});

	// Raw query strings, as an attacker would put them in a link.
	const nastyNext = [
		'/%09/evil.example', // a tab: browsers drop it and go to //evil.example
		'/%0a/evil.example', // a newline: was a 500 (invalid Location header)
		'%0d%0aSet-Cookie:x=1',
		'/%5Cevil.example', // /\evil.example
		'%5C%5Cevil.example',
		'//evil.example',
		'%2F%2Fevil.example',
		'/%2F/evil.example'.replace('%2F', '/'),
		'https://evil.example/',
		'https:evil.example',
		'javascript:alert(1)',
		'%20/evil.example'
	];

	test.each(nastyNext)('?next=%s falls back to / after signing in, and when already signed in', async (next) => {
		const admin = await signUpOrganization(app);
		const signedIn = await app.browser().action(`/login?next=${next}`, { email: admin.email, password: PASSWORD });
		expect(signedIn).toMatchObject({ type: 'redirect', status: 303, location: '/' });
		const page = await admin.browser.get(`/login?next=${next}`);
		expect(page.status).toBe(303);
		expect(page.headers.location).toBe('/');
	});

	test('?next= with a NUL is refused as a whole (400 naming next), signed in or not', async () => {
		const admin = await signUpOrganization(app);
		for (const browser of [app.browser(), admin.browser]) {
			const page = await browser.get('/login?next=/%00/evil.example');
			expect(page.status).toBe(400);
			expect(page.body).toContain('next');
			expect(page.headers.location).toBeUndefined();
		}
	});

	test('a wrong password and an unknown account get the same 400, and no cookie', async () => {
		const admin = await signUpOrganization(app);
		const wrong = await app.browser().action('/login', { email: admin.email, password: 'not the password' });
		const unknown = await app.browser().action('/login', { email: uniqueEmail('nobody'), password: 'not the password' });
		for (const result of [wrong, unknown]) {
			expect(result.type).toBe('failure');
			if (result.type !== 'failure') continue;
			expect(result.status).toBe(400);
			expect(result.data.message).toBe('That e-mail and password do not match an account.');
			expect(result.data.errors).toEqual({ password: result.data.message });
			expect(result.response.setCookies.find((c) => c.name === 'podium_session')).toBeUndefined();
		}
		expect(await sessionsOf(app.runtime.db, admin.userId)).toHaveLength(1);
	});

	test('names the field on bad input', async () => {
		const result = await app.browser().action('/login', { email: 'not-an-email', password: 'whatever' });
		expect(result).toMatchObject({ type: 'failure', status: 400 });
		if (result.type === 'failure') expect(result.data.errors.email).toBe('E-mail is not a valid e-mail address.');
		const missing = await app.browser().action('/login', { email: uniqueEmail() });
		expect(missing).toMatchObject({ type: 'failure', status: 400 });
		if (missing.type === 'failure') expect(missing.data.errors.password).toBe('Password is required.');
	});

	test('after 10 failures for one account the 11th attempt is refused with 429, even with the right password', async () => {
		const admin = await signUpOrganization(app);
		// Each attempt from a different address, so this is the per-account limit and not the per-IP one.
		for (let i = 0; i < 10; i++) {
			const result = await app.browser().action('/login', { email: admin.email, password: `wrong password ${i}` });
			expect(result, `attempt ${i + 1}`).toMatchObject({ type: 'failure', status: 400 });
		}
		const { browser, result } = await signIn(app, admin.email, PASSWORD);
		expect(result.type).toBe('failure');
		if (result.type !== 'failure') return;
		expect(result.status).toBe(429);
		expect(result.data.message).toBe('Too many failed sign-in attempts. Try again in 15 minutes.');
		expect(browser.cookie('podium_session')).toBeUndefined();
		expect(await sessionsOf(app.runtime.db, admin.userId)).toHaveLength(1);
		// Another account is not affected.
		const other = await signUpOrganization(app);
		expect((await signIn(app, other.email)).result).toMatchObject({ type: 'redirect' });
	});

	test('after 10 failures from one address, that address is refused with 429 for any account', async () => {
		const admin = await signUpOrganization(app);
		const attacker = app.browser();
		for (let i = 0; i < 10; i++) {
			const result = await attacker.action('/login', { email: uniqueEmail('guess'), password: 'guess guess guess' });
			expect(result, `attempt ${i + 1}`).toMatchObject({ type: 'failure', status: 400 });
		}
		const blocked = await attacker.action('/login', { email: admin.email, password: PASSWORD });
		expect(blocked).toMatchObject({ type: 'failure', status: 429 });
		// The same person from elsewhere still gets in.
		expect((await signIn(app, admin.email)).result).toMatchObject({ type: 'redirect', location: '/' });
	});
});

describe('sign-out', () => {
	test('POST /logout ends this session only', async () => {
		const admin = await signUpOrganization(app);
		const { browser: laptop } = await signIn(app, admin.email);
		const stolen = admin.browser.clone(); // someone holding a copy of the first cookie
		expect(await sessionsOf(app.runtime.db, admin.userId)).toHaveLength(2);

		const res = await admin.browser.postForm('/logout');
		expect(res.status).toBe(303);
		expect(res.headers.location).toBe('/login');
		expect(res.setCookies.find((c) => c.name === 'podium_session')?.attributes['max-age']).toBe('0');
		expect(admin.browser.cookie('podium_session')).toBeUndefined();

		const [id] = admin.token.split('.');
		const left = await sessionsOf(app.runtime.db, admin.userId);
		expect(left.map((s) => s.id)).not.toContain(id);
		expect(left).toHaveLength(1);

		// The old cookie no longer signs anyone in; the other session still does.
		const replay = await stolen.get('/leaderboards');
		expect(replay.status).toBe(303);
		expect(replay.headers.location).toBe('/login?next=%2Fleaderboards');
		expect((await laptop.get('/leaderboards')).status).toBe(200);
	});

	test('POST /logout?/all ends every session of this person, and nobody else\'s', async () => {
		const admin = await signUpOrganization(app);
		const { browser: laptop } = await signIn(app, admin.email);
		const { browser: phone } = await signIn(app, admin.email);
		const bystander = await signUpOrganization(app);
		expect(await sessionsOf(app.runtime.db, admin.userId)).toHaveLength(3);

		const res = await phone.postForm('/logout?/all');
		expect(res.status).toBe(303);
		expect(res.headers.location).toBe('/login');
		expect(await sessionsOf(app.runtime.db, admin.userId)).toEqual([]);
		for (const browser of [admin.browser, laptop, phone]) {
			const page = await browser.get('/leaderboards');
			expect(page.status).toBe(303);
			expect(page.headers.location).toMatch(/^\/login/);
		}
		expect(await sessionsOf(app.runtime.db, bystander.userId)).toHaveLength(1);
		expect((await bystander.browser.get('/leaderboards')).status).toBe(200);
	});

	test('a tampered cookie signs nobody in and is cleared', async () => {
		const admin = await signUpOrganization(app);
		const [id, secret] = admin.token.split('.');
		const forged = app.browser();
		forged.cookies.set('podium_session', `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`);
		const res = await forged.get('/leaderboards');
		expect(res.status).toBe(303);
		expect(res.headers.location).toMatch(/^\/login/);
		expect(res.setCookies.find((c) => c.name === 'podium_session')?.attributes['max-age']).toBe('0');
		// A wrong guess does not kill the real session either.
		expect((await admin.browser.get('/leaderboards')).status).toBe(200);
	});
});
