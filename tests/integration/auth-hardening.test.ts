// Sign-in limits under concurrency, invitations that are no password oracle, sign-up limits, the
// password policy everywhere a password is set, password change and reset links, and the absolute
// session lifetime: over HTTP against the real app.
import { sha256 } from '@oslojs/crypto/sha2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { passwordGate } from '../../src/lib/server/auth/password';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/session';
import { APP_START_TIMEOUT, describeResult, startApp, type ActionResult, type App } from '../helpers/app';
import { uniqueEmail, uniqueSuffix } from '../helpers/env';
import {
	addMember,
	createTeam,
	invite,
	PASSWORD,
	rowsContaining,
	sessionsOf,
	signIn,
	signUpOrganization,
	type SignedUp
} from '../helpers/fixtures';

let app: App;

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const DAY = 24 * 60 * 60 * 1000;

function failure(result: ActionResult, status: number) {
	expect(result.type, describeResult(result)).toBe('failure');
	expect(result.status, describeResult(result)).toBe(status);
	return (result as Extract<ActionResult, { type: 'failure' }>).data as {
		errors: Record<string, string>;
		message: string;
		values: Record<string, unknown>;
	};
}

const membership = (orgId: string, userId: string) =>
	app.runtime.db
		.selectFrom('memberships')
		.selectAll()
		.where('organization_id', '=', orgId)
		.where('user_id', '=', userId)
		.executeTakeFirst();

const auditOf = (orgId: string, action: string) =>
	app.runtime.db
		.selectFrom('audit_log')
		.selectAll()
		.where('organization_id', '=', orgId)
		.where('action', '=', action)
		.execute();

describe('sign-in limits hold under concurrency', () => {
	test('60 simultaneous wrong sign-ins check at most 10 passwords; the rest get 429, and then so does the right one', async () => {
		const admin = await signUpOrganization(app);
		const gate = passwordGate();
		const before = gate.stats.verifications;
		const attacker = app.browser();
		const results = await Promise.all(
			Array.from({ length: 60 }, (_, i) => attacker.action('/login', { email: admin.email, password: `wrong password ${i}` }))
		);
		const statuses = results.map((r) => r.status);
		expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(10);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50);
		expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
		expect(gate.stats.verifications - before).toBeLessThanOrEqual(10);

		// The right password now, from the same address or from anywhere else: refused, no session.
		for (const browser of [attacker, app.browser()]) {
			const { result } = await signIn(app, admin.email, PASSWORD, browser);
			expect(failure(result, 429).message).toMatch(/^Too many failed sign-in attempts\. Try again in \d+ minutes\.$/);
			expect(browser.cookie('podium_session')).toBeUndefined();
		}
		expect(gate.stats.verifications - before).toBeLessThanOrEqual(10);
		expect(await sessionsOf(app.runtime.db, admin.userId)).toHaveLength(1);
	});

	test('a burst of sign-ins for many accounts never runs more argon2 at once than the gate allows', async () => {
		const gate = passwordGate();
		const results = await Promise.all(
			Array.from({ length: 40 }, () => app.browser().action('/login', { email: uniqueEmail('nobody'), password: 'wrong password!' }))
		);
		for (const result of results) {
			expect([400, 429], describeResult(result)).toContain(result.status);
			if (result.status === 429) expect(failure(result, 429).message).toBe('Podium is busy checking other sign-ins. Try again in a moment.');
		}
		expect(gate.stats.peakRunning).toBeLessThanOrEqual(gate.maxRunning);
		expect(gate.load).toEqual({ running: 0, waiting: 0 });
	});

	test("a successful sign-in clears that account's failure count", async () => {
		const admin = await signUpOrganization(app);
		// Each attempt from its own address, so only the account's count is at stake.
		for (let i = 0; i < 9; i++) failure(await app.browser().action('/login', { email: admin.email, password: `wrong ${i} wrong` }), 400);
		expect((await signIn(app, admin.email)).result).toMatchObject({ type: 'redirect' });
		// Without the reset the 2nd of these would be the 11th and refused.
		for (let i = 0; i < 10; i++) failure(await app.browser().action('/login', { email: admin.email, password: `again ${i} wrong` }), 400);
		failure((await signIn(app, admin.email)).result, 429);
	});

	test("a successful sign-in gives the address its attempt back: an office's colleagues are not locked out", async () => {
		const office = `127.77.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
		const people = await Promise.all(Array.from({ length: 3 }, () => signUpOrganization(app)));
		for (let round = 0; round < 4; round++) {
			for (const person of people) {
				const { result } = await signIn(app, person.email, PASSWORD, app.browser({ ip: office }));
				expect(result, describeResult(result)).toMatchObject({ type: 'redirect' });
			}
		}
	});
});

describe('a locked account', () => {
	test("retrying it from an office's address checks nothing and does not lock the office's other people out", async () => {
		const office = `127.78.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
		const [locked, colleague] = await Promise.all([signUpOrganization(app), signUpOrganization(app)]);
		// Locked from elsewhere: 10 wrong passwords, each from its own address.
		for (let i = 0; i < 10; i++) failure(await app.browser().action('/login', { email: locked.email, password: `wrong ${i} wrong` }), 400);
		const gate = passwordGate();
		const before = gate.stats.verifications;
		// Its owner retries from the office, right password and wrong ones: 429 each time, and nothing is checked.
		for (let i = 0; i < 12; i++) {
			const { result } = await signIn(app, locked.email, i % 2 ? PASSWORD : `again ${i} wrong`, app.browser({ ip: office }));
			failure(result, 429);
		}
		expect(gate.stats.verifications - before).toBe(0);
		// The colleague at the next desk still signs in.
		const { result } = await signIn(app, colleague.email, PASSWORD, app.browser({ ip: office }));
		expect(result, describeResult(result)).toMatchObject({ type: 'redirect' });
	});
});

describe('invitations reveal nothing and check no passwords', () => {
	let admin: SignedUp;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
	});

	test('the invitation page looks the same whether or not the e-mail has an account', async () => {
		const victim = await signUpOrganization(app);
		const forVictim = await invite(app, admin, { email: victim.email, role: 'rep' });
		const forNewcomer = await invite(app, admin, { role: 'rep' });
		const pages = await Promise.all([forVictim, forNewcomer].map((i) => app.browser().get(`/invite/${i.token}`)));
		const shape = (body: string, email: string) =>
			body
				.replaceAll(email, 'EMAIL')
				.replace(/(\/|%2F)invite(\/|%2F)[a-km-np-z2-9]{32}/g, '/invite/TOKEN')
				.replace(/<script[\s\S]*?<\/script>/g, '')
				.replace(/data-sveltekit[^\s>]*/g, '');
		expect(pages.map((p) => p.status)).toEqual([200, 200]);
		expect(pages[0].body).not.toMatch(/existingUser|already has a Podium account|current-password/);
		expect(shape(pages[0].body, forVictim.email)).toBe(shape(pages[1].body, forNewcomer.email));
		// Both offer a new account and a way to sign in first that comes back here.
		expect(pages[0].body).toContain('name="name"');
		expect(pages[0].body).toContain(`/login?next=${encodeURIComponent(`/invite/${forVictim.token}`)}`);
	});

	test("the victim's right password posted to the link gives nothing; unlimited guessing is impossible", async () => {
		const victim = await signUpOrganization(app);
		const invitation = await invite(app, admin, { email: victim.email, role: 'admin' });
		const attacker = app.browser();
		const gate = passwordGate();
		const before = gate.stats.verifications;
		// The old form posted only a password; now a name is required and no password is ever verified.
		const onlyPassword = failure(await attacker.action(`/invite/${invitation.token}`, { password: PASSWORD }), 400);
		expect(onlyPassword.errors.name).toBe('Name is required.');
		const withName = failure(await attacker.action(`/invite/${invitation.token}`, { name: 'Mallory', password: PASSWORD }), 409);
		expect(withName.message).toBe('This e-mail cannot be used for a new account. If you already use Podium with it, sign in to accept.');
		expect(gate.stats.verifications - before).toBe(0);
		expect(attacker.cookie('podium_session')).toBeUndefined();
		expect(await membership(admin.organizationId, victim.userId)).toBeUndefined();
		expect(await sessionsOf(app.runtime.db, victim.userId)).toHaveLength(1);
	});

	test('probing an invitation for an existing account is limited per address; joining by invitation is not', async () => {
		const victim = await signUpOrganization(app);
		const probe = await invite(app, admin, { email: victim.email, role: 'rep' });
		const attacker = app.browser();
		for (let i = 0; i < 10; i++) failure(await attacker.action(`/invite/${probe.token}`, { name: 'Mallory', password: PASSWORD }), 409);
		const limited = failure(await attacker.action(`/invite/${probe.token}`, { name: 'Mallory', password: PASSWORD }), 429);
		expect(limited.message).toMatch(/^Too many new accounts from your network\. Try again in \d+ minutes\.$/);

		// Twelve colleagues joining from one office address within the hour all get in.
		const office = `127.88.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
		for (let i = 0; i < 12; i++) {
			const invitation = await invite(app, admin, { role: 'rep' });
			const joined = await app.browser({ ip: office }).action(`/invite/${invitation.token}`, { name: `Colleague ${i}`, password: PASSWORD });
			expect(joined, `colleague ${i}: ${describeResult(joined)}`).toMatchObject({ type: 'redirect', location: '/' });
		}
	});

	test('an existing user signs in from the link and is brought back to accept', async () => {
		const person = await signUpOrganization(app);
		const invitation = await invite(app, admin, { email: person.email, role: 'rep' });
		const browser = app.browser();
		const next = encodeURIComponent(`/invite/${invitation.token}`);
		const signedIn = await browser.action(`/login?next=${next}`, { email: person.email, password: PASSWORD });
		expect(signedIn).toMatchObject({ type: 'redirect', location: `/invite/${invitation.token}` });
		const page = await browser.get(`/invite/${invitation.token}`);
		expect(page.body).toContain(`You are signed in as ${person.email}.`);
		expect(page.body).not.toContain('name="password"');
		const joined = await browser.action(`/invite/${invitation.token}`, {});
		expect(joined).toMatchObject({ type: 'redirect', location: '/' });
		expect(await membership(admin.organizationId, person.userId)).toMatchObject({ role: 'rep', status: 'active' });
		// The browser's session is now in the organization joined.
		const [id] = browser.cookie('podium_session')!.split('.');
		const session = await app.runtime.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(session.organization_id).toBe(admin.organizationId);
	});

	test('someone signed in as another person cannot accept', async () => {
		const other = await signUpOrganization(app);
		const invitation = await invite(app, admin, { role: 'rep' });
		const page = await other.browser.get(`/invite/${invitation.token}`);
		expect(page.body).toContain(`This invitation is for ${invitation.email}.`);
		const refused = failure(await other.browser.action(`/invite/${invitation.token}`, { name: 'X', password: PASSWORD }), 403);
		expect(refused.message).toBe(`This invitation is for ${invitation.email}. Sign out, then sign in as ${invitation.email} to accept it.`);
		expect(await membership(admin.organizationId, other.userId)).toBeUndefined();
		const row = await app.runtime.db.selectFrom('invitations').select('accepted_at').where('id', '=', invitation.invitationId).executeTakeFirstOrThrow();
		expect(row.accepted_at).toBeNull();
	});

	test('a used, revoked or expired invitation explains itself, in both languages', async () => {
		const used = await invite(app, admin, { role: 'rep' });
		expect(await app.browser().action(`/invite/${used.token}`, { name: 'Una Used', password: PASSWORD })).toMatchObject({ type: 'redirect' });
		const revoked = await invite(app, admin, { role: 'rep' });
		expect(await admin.browser.action('/admin/members?/revoke', { invitationId: revoked.invitationId })).toMatchObject({ type: 'success' });
		const expired = await invite(app, admin, { role: 'rep' });
		await app.runtime.db.updateTable('invitations').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.invitationId).execute();

		const cases: [string, string, string][] = [
			[used.token, 'This invitation was already used.', '此邀请已被使用。'],
			[revoked.token, 'This invitation was withdrawn.', '此邀请已被撤回。'],
			[expired.token, 'This invitation has expired.', '此邀请已过期。']
		];
		for (const [token, en, zh] of cases) {
			const page = await app.browser().get(`/invite/${token}`);
			expect(page.status).toBe(410);
			expect(page.body).toContain('This invitation no longer works');
			expect(page.body).toContain(en);
			expect(page.body).toContain('Ask your admin for a new invitation link. If you already joined, just sign in.');
			expect(page.body).toContain('href="/login"');
			const zhPage = await app.browser({ acceptLanguage: 'zh-CN' }).get(`/invite/${token}`);
			expect(zhPage.status).toBe(410);
			expect(zhPage.body).toContain('此邀请已失效');
			expect(zhPage.body).toContain(zh);
			expect(zhPage.body).toContain('请向管理员索取新的邀请链接。如果你已经加入，直接登录即可。');
		}
	});

	test('a new member lands on their home page with a one-time welcome', async () => {
		const invitation = await invite(app, admin, { role: 'rep' });
		const browser = app.browser();
		const accepted = await browser.action(`/invite/${invitation.token}`, { name: 'Wendy Welcome', password: PASSWORD });
		expect(accepted).toMatchObject({ type: 'redirect', location: '/' });
		const first = await browser.get('/');
		expect(first.status).toBe(200);
		expect(first.body).toContain(`Welcome to ${admin.organizationName}!`);
		expect(first.body).toContain('Your rank this month');
		const second = await browser.get('/');
		expect(second.body).not.toContain('Welcome to');
	});
});

describe('sign-up limits and the password policy', () => {
	test('one address may try 10 new accounts an hour; the 11th gets 429 and creates nothing', async () => {
		const taken = await signUpOrganization(app);
		const browser = app.browser();
		const fields = (email: string) => ({
			organizationName: `Spam ${uniqueSuffix()}`,
			name: 'Sam Spam',
			email,
			password: PASSWORD,
			timeZone: 'UTC',
			locale: 'en'
		});
		// Probing taken addresses counts as much as creating accounts does.
		for (let i = 0; i < 10; i++) failure(await browser.action('/signup', fields(taken.email)), 409);
		const fresh = uniqueEmail('fresh');
		const refused = failure(await browser.action('/signup', fields(fresh)), 429);
		expect(refused.message).toMatch(/^Too many new accounts from your network\. Try again in \d+ minutes\.$/);
		expect(await app.runtime.db.selectFrom('users').select('id').where('email', '=', fresh).execute()).toEqual([]);
		// Another address is not affected.
		expect(await app.browser().action('/signup', fields(fresh))).toMatchObject({ type: 'redirect' });
	});

	const weak: [string, string, string][] = [
		['aaaaaaaaaa', 'low variety', 'must use at least 5 different characters.'],
		['1212121212', 'low variety', 'must use at least 5 different characters.'],
		['password123', 'common', 'is one of the most common passwords.'],
		['Qwertyuiop!', 'common', 'is one of the most common passwords.'],
		['PatPerez2026', 'personal', 'must not be based on your name or e-mail.']
	];

	test.each(weak)('sign-up refuses %j (%s) naming the field, creating nothing', async (password, _kind, message) => {
		const email = uniqueEmail('pat.perez');
		const result = await app.browser().action('/signup', {
			organizationName: `Weak ${uniqueSuffix()}`,
			name: 'Pat Perez',
			email,
			password,
			timeZone: 'UTC',
			locale: 'en'
		});
		const data = failure(result, 400);
		expect(data.errors.password).toContain(`Password ${message}`);
		expect(await app.runtime.db.selectFrom('users').select('id').where('email', '=', email).execute()).toEqual([]);
	});

	test('accepting an invitation as a new person applies the same policy', async () => {
		const admin = await signUpOrganization(app);
		const invitation = await invite(app, admin, { email: uniqueEmail('pat.perez'), role: 'rep' });
		for (const [password, , message] of weak) {
			const data = failure(await app.browser().action(`/invite/${invitation.token}`, { name: 'Pat Perez', password }), 400);
			expect(data.errors.password).toContain(message);
		}
		const row = await app.runtime.db.selectFrom('invitations').select('accepted_at').where('id', '=', invitation.invitationId).executeTakeFirstOrThrow();
		expect(row.accepted_at).toBeNull();
	});
});

describe('changing a password', () => {
	test('needs the current password, applies the policy, and signs out every other session', async () => {
		const admin = await signUpOrganization(app, { name: 'Cleo Change' });
		const { browser: phone } = await signIn(app, admin.email);
		const laptop = admin.browser;

		const wrong = failure(await laptop.action('/account?/password', { currentPassword: 'not my password', newPassword: 'a brand new passphrase' }), 400);
		expect(wrong.errors).toEqual({ currentPassword: 'Current password is not correct.' });
		const weak = failure(await laptop.action('/account?/password', { currentPassword: PASSWORD, newPassword: 'CleoChange1' }), 400);
		expect(weak.errors.newPassword).toBe('New password must not be based on your name or e-mail.');
		const missing = failure(await laptop.action('/account?/password', { newPassword: 'a brand new passphrase' }), 400);
		expect(missing.errors.currentPassword).toBe('Current password is required.');

		const changed = await laptop.action('/account?/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
		expect(changed, describeResult(changed)).toMatchObject({ type: 'success' });
		expect(changed.type === 'success' && changed.data.passwordChanged).toBe('Password changed. Your other sessions were signed out.');
		expect((await laptop.get('/account')).status).toBe(200);
		expect((await phone.get('/account')).status).toBe(303);
		expect(await sessionsOf(app.runtime.db, admin.userId)).toHaveLength(1);
		failure((await signIn(app, admin.email, PASSWORD)).result, 400);
		expect((await signIn(app, admin.email, 'a brand new passphrase')).result).toMatchObject({ type: 'redirect' });
		expect(await auditOf(admin.organizationId, 'password.changed')).toHaveLength(1);
	});

	test('wrong current passwords count against the sign-in limit', async () => {
		const admin = await signUpOrganization(app);
		const results = await Promise.all(
			Array.from({ length: 15 }, (_, i) => admin.browser.action('/account?/password', { currentPassword: `guess ${i} guess`, newPassword: 'a brand new passphrase' }))
		);
		expect(results.filter((r) => r.status === 400)).toHaveLength(10);
		expect(results.filter((r) => r.status === 429)).toHaveLength(5);
		failure(await admin.browser.action('/account?/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }), 429);
	});
});

describe('password reset links', () => {
	let admin: SignedUp;
	let team: string;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
		team = await createTeam(app, admin);
	});

	async function issue(by: { browser: SignedUp['browser'] }, userId: string) {
		const result = await by.browser.action('/admin/members?/resetPassword', { userId });
		expect(result, describeResult(result)).toMatchObject({ type: 'success' });
		if (result.type !== 'success') throw new Error('no link');
		const link: string = result.data.passwordReset.link;
		expect(link).toMatch(new RegExp(`^${app.url}/reset/[a-km-np-z2-9]{32}$`));
		return link.split('/reset/')[1];
	}

	test('an admin issues a single-use link; using it sets the password and signs out every session', async () => {
		const rep = await addMember(app, admin, 'rep', team, 'Rosa Reset');
		const { browser: phone } = await signIn(app, rep.email);
		const token = await issue(admin, rep.userId);

		const row = await app.runtime.db.selectFrom('password_resets').selectAll().where('user_id', '=', rep.userId).executeTakeFirstOrThrow();
		expect(Buffer.from(row.token_hash)).toEqual(Buffer.from(sha256(new TextEncoder().encode(token))));
		expect(await rowsContaining(app.runtime.db, token)).toEqual({});
		expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(23.9 * 60 * 60 * 1000);
		expect(row.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
		expect(await auditOf(admin.organizationId, 'password.reset_issued')).toEqual([
			expect.objectContaining({ actor_id: admin.userId, target_id: rep.userId })
		]);

		const stranger = app.browser();
		const page = await stranger.get(`/reset/${token}`);
		expect(page.status).toBe(200);
		expect(page.body).toContain(rep.email);
		const weak = failure(await stranger.action(`/reset/${token}`, { password: 'RosaReset123' }), 400);
		expect(weak.errors.password).toBe('Password must not be based on your name or e-mail.');
		const done = await stranger.action(`/reset/${token}`, { password: 'violet kettle on the moon' });
		expect(done, describeResult(done)).toMatchObject({ type: 'redirect', location: '/' });

		// Every earlier session is gone; the new password works and the old does not.
		for (const browser of [rep.browser, phone]) expect((await browser.get('/leaderboards')).status).toBe(303);
		expect((await stranger.get('/leaderboards')).status).toBe(200);
		failure((await signIn(app, rep.email, PASSWORD)).result, 400);
		expect((await signIn(app, rep.email, 'violet kettle on the moon')).result).toMatchObject({ type: 'redirect' });
		expect(await auditOf(admin.organizationId, 'password.reset_used')).toEqual([
			expect.objectContaining({ actor_id: rep.userId, target_id: rep.userId })
		]);

		// Used once, it is dead.
		expect((await app.browser().get(`/reset/${token}`)).status).toBe(410);
		const again = failure(await app.browser().action(`/reset/${token}`, { password: 'another fine passphrase' }), 410);
		expect(again.message).toBe('This password reset link no longer works: it was used, has expired or is mistyped. Ask your admin for a new one.');
	});

	test('two simultaneous uses of one link: exactly one wins', async () => {
		const rep = await addMember(app, admin, 'rep', team);
		const token = await issue(admin, rep.userId);
		const results = await Promise.all(
			['first fine passphrase', 'second fine passphrase'].map((password) => app.browser().action(`/reset/${token}`, { password }))
		);
		expect(results.map((r) => r.status).sort()).toEqual([303, 410]);
	});

	test('an expired link does nothing', async () => {
		const rep = await addMember(app, admin, 'rep', team);
		const token = await issue(admin, rep.userId);
		await app.runtime.db.updateTable('password_resets').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', rep.userId).execute();
		expect((await app.browser().get(`/reset/${token}`)).status).toBe(410);
		failure(await app.browser().action(`/reset/${token}`, { password: 'violet kettle on the moon' }), 410);
		expect((await signIn(app, rep.email, PASSWORD)).result).toMatchObject({ type: 'redirect' });
	});

	test('leaders reset reps of the teams they lead, nobody else; reps reset nobody', async () => {
		const leader = await addMember(app, admin, 'leader', team);
		await app.runtime.db.insertInto('team_leaders').values({ team_id: team, user_id: leader.userId, organization_id: admin.organizationId }).onConflict((oc) => oc.doNothing()).execute();
		const otherTeam = await createTeam(app, admin);
		const mine = await addMember(app, admin, 'rep', team);
		const notMine = await addMember(app, admin, 'rep', otherTeam);
		await issue(leader, mine.userId);
		for (const target of [notMine.userId, admin.userId]) {
			const result = await leader.browser.action('/admin/members?/resetPassword', { userId: target });
			expect(result.status, describeResult(result)).toBe(403);
		}
		const rep = await addMember(app, admin, 'rep', team);
		expect((await rep.browser.action('/admin/members?/resetPassword', { userId: mine.userId })).status).toBe(403);
		// Bad input is a 400 naming the field; a member of another organization is not found.
		const bad = failure(await admin.browser.action('/admin/members?/resetPassword', { userId: 'nope' }), 400);
		expect(bad.errors.userId).toBe('Member is not valid.');
		const stranger = await signUpOrganization(app);
		failure(await admin.browser.action('/admin/members?/resetPassword', { userId: stranger.userId }), 404);
	});

	test('someone who also belongs to another organization cannot be reset from here', async () => {
		const elsewhere = await signUpOrganization(app);
		const invitation = await invite(app, admin, { email: elsewhere.email, role: 'rep', teamId: team });
		expect(await elsewhere.browser.action(`/invite/${invitation.token}`, {})).toMatchObject({ type: 'redirect' });
		const refused = failure(await admin.browser.action('/admin/members?/resetPassword', { userId: elsewhere.userId }), 409);
		expect(refused.message).toBe('This person also belongs to another organization, so only they can change their password, on their account page.');
		expect(await app.runtime.db.selectFrom('password_resets').select('id').where('user_id', '=', elsewhere.userId).execute()).toEqual([]);
	});
});

describe('absolute session lifetime', () => {
	test('a session carries an end SESSION_MAX_DAYS after sign-in', async () => {
		const admin = await signUpOrganization(app);
		const [session] = await sessionsOf(app.runtime.db, admin.userId);
		expect(session.expires_at.getTime() - session.created_at.getTime()).toBe(app.runtime.config.sessionMaxMs);
		expect(app.runtime.config.sessionMaxMs).toBe(30 * DAY);
	});

	test('a session used every day still ends at its absolute lifetime', async () => {
		const admin = await signUpOrganization(app);
		const t0 = Date.now();
		const idle = app.runtime.config.sessionIdleMs;
		const { token, id } = await createSession(
			app.runtime.db,
			{ userId: admin.userId, organizationId: admin.organizationId, maxMs: 30 * DAY },
			new Date(t0)
		);
		for (let day = 1; day < 30; day++) {
			expect(await validateSessionToken(app.runtime.db, token, idle, t0 + day * DAY), `day ${day}`).not.toBeNull();
		}
		expect(await validateSessionToken(app.runtime.db, token, idle, t0 + 30 * DAY)).toBeNull();
		expect(await app.runtime.db.selectFrom('sessions').select('id').where('id', '=', id).execute()).toEqual([]);
	});

	test('over HTTP, a session past its end signs nobody in even if it was just used', async () => {
		const admin = await signUpOrganization(app);
		const [id] = admin.token.split('.');
		await app.runtime.db
			.updateTable('sessions')
			.set({ expires_at: new Date(Date.now() - DAY), last_verified_at: new Date() })
			.where('id', '=', id)
			.execute();
		const page = await admin.browser.get('/leaderboards');
		expect(page.status).toBe(303);
		expect(page.headers.location).toMatch(/^\/login/);
	});
});
