// Organization administration over HTTP: settings, teams, invitations and members, with the role
// rules (admins manage everything, leaders their teams, reps nothing) as the browser meets them.
import { sha256 } from '@oslojs/crypto/sha2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
	snapshotOrganization,
	type Member,
	type SignedUp
} from '../helpers/fixtures';

let app: App;

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

function failure(result: ActionResult, status: number) {
	expect(result.type, describeResult(result)).toBe('failure');
	expect(result.status).toBe(status);
	return (result as Extract<ActionResult, { type: 'failure' }>).data as {
		errors: Record<string, string>;
		message: string;
		values: Record<string, unknown>;
	};
}

function forbidden(result: ActionResult) {
	expect(result.type).toBe('error');
	expect(result.status).toBe(403);
	if (result.type === 'error') expect(result.error.message).toBe('You do not have permission to do that.');
}

/** 403 either as SvelteKit's error() (role guard in the route) or as fail() (service rule). */
function refused(result: ActionResult) {
	expect(result.status).toBe(403);
	expect(['error', 'failure']).toContain(result.type);
}

const membership = (orgId: string, userId: string) =>
	app.runtime.db
		.selectFrom('memberships')
		.selectAll()
		.where('organization_id', '=', orgId)
		.where('user_id', '=', userId)
		.executeTakeFirst();

const teamOf = async (orgId: string, userId: string) =>
	(
		await app.runtime.db
			.selectFrom('team_members')
			.select('team_id')
			.where('organization_id', '=', orgId)
			.where('user_id', '=', userId)
			.executeTakeFirst()
	)?.team_id ?? null;

describe('settings', () => {
	let admin: SignedUp;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
	});

	test('an admin saves name, time zone, language and week start', async () => {
		const name = `Renamed ${uniqueSuffix()}`;
		const result = await admin.browser.action('/admin/settings?/save', {
			name,
			timeZone: 'Asia/Shanghai',
			locale: 'zh-CN',
			weekStart: 7
		});
		expect(result).toMatchObject({ type: 'success', status: 200 });
		if (result.type === 'success') expect(result.data.saved).toBe('Settings saved.');
		const org = await app.runtime.db.selectFrom('organizations').selectAll().where('id', '=', admin.organizationId).executeTakeFirstOrThrow();
		expect(org).toMatchObject({ name, time_zone: 'Asia/Shanghai', locale: 'zh-CN', week_start: 7 });
		const page = await admin.browser.get('/admin/settings');
		expect(page.status).toBe(200);
		expect(page.body).toContain(name);
	});

	test.each([
		['weekStart', { weekStart: '8' }],
		['timeZone', { timeZone: 'Atlantis/Capital' }],
		['locale', { locale: 'fr' }],
		['name', { name: '  ' }],
		['name', { name: 'x'.repeat(81) }]
	])('refuses a bad %s with 400 naming it, changing nothing', async (field, change) => {
		const before = await snapshotOrganization(app.runtime.db, admin.organizationId);
		const result = await admin.browser.action('/admin/settings?/save', {
			name: 'Valid name',
			timeZone: 'UTC',
			locale: 'en',
			weekStart: 1,
			...change
		});
		const data = failure(result, 400);
		expect(Object.keys(data.errors)).toEqual([field]);
		expect(data.errors[field]).toMatch(
			{ weekStart: /^Week starts on /, timeZone: /^Time zone /, locale: /^Language /, name: /^Name / }[field]!
		);
		expect(await snapshotOrganization(app.runtime.db, admin.organizationId)).toEqual(before);
	});

	test('leaders and reps may not change settings', async () => {
		const leader = await addMember(app, admin, 'leader');
		const rep = await addMember(app, admin, 'rep');
		const before = await snapshotOrganization(app.runtime.db, admin.organizationId);
		for (const who of [leader, rep]) {
			forbidden(await who.browser.action('/admin/settings?/save', { name: 'Hijacked', timeZone: 'UTC', locale: 'en', weekStart: 1 }));
			expect((await who.browser.get('/admin/settings')).status).toBe(403);
		}
		expect(await snapshotOrganization(app.runtime.db, admin.organizationId)).toEqual(before);
	});

	test('signed-out visitors are sent to sign in', async () => {
		const result = await app.browser().action('/admin/settings?/save', { name: 'X', timeZone: 'UTC', locale: 'en', weekStart: 1 });
		expect(result).toMatchObject({ type: 'redirect', status: 303, location: '/login?next=%2Fadmin%2Fsettings%3F%2Fsave' });
	});
});

describe('teams', () => {
	let admin: SignedUp;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
	});

	const team = (id: string) => app.runtime.db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

	test('create a tree of teams; names are unique among active teams, in any case', async () => {
		const east = await createTeam(app, admin, `East ${uniqueSuffix()}`);
		const boston = await createTeam(app, admin, `Boston ${uniqueSuffix()}`, east);
		expect(await team(boston)).toMatchObject({ organization_id: admin.organizationId, parent_id: east, archived_at: null });

		const eastName = (await team(east)).name;
		const data = failure(await admin.browser.action('/admin/teams?/create', { name: eastName.toUpperCase() }), 409);
		expect(data.errors.name).toBe('Team name is already used by another team.');

		const missing = failure(await admin.browser.action('/admin/teams?/create', { name: '' }), 400);
		expect(missing.errors).toEqual({ name: 'Name is required.' });
	});

	test('update renames, re-parents and sets leaders; refuses cycles and reps as leaders', async () => {
		const top = await createTeam(app, admin);
		const child = await createTeam(app, admin, undefined, top);
		const other = await createTeam(app, admin);
		const leader = await addMember(app, admin, 'leader');
		const rep = await addMember(app, admin, 'rep');

		const name = `Renamed ${uniqueSuffix()}`;
		const ok = await admin.browser.action('/admin/teams?/update', { teamId: child, name, parentId: other, leaderIds: [leader.userId, admin.userId] });
		expect(ok).toMatchObject({ type: 'success' });
		expect(await team(child)).toMatchObject({ name, parent_id: other });
		const leaders = await app.runtime.db.selectFrom('team_leaders').select('user_id').where('team_id', '=', child).execute();
		expect(leaders.map((l) => l.user_id).sort()).toEqual([leader.userId, admin.userId].sort());

		const cycle = failure(await admin.browser.action('/admin/teams?/update', { teamId: other, name: 'Loop', parentId: child }), 400);
		expect(cycle.errors.parentId).toBe('Parent team cannot be the team itself or one of its sub-teams.');
		const self = failure(await admin.browser.action('/admin/teams?/update', { teamId: top, name: 'Self', parentId: top }), 400);
		expect(self.errors.parentId).toBeDefined();

		const repLeads = failure(
			await admin.browser.action('/admin/teams?/update', { teamId: top, name: 'Top', leaderIds: [rep.userId] }),
			400
		);
		expect(repLeads.errors.leaderIds).toBe('Leaders must be active leaders or admins of this organization.');
		expect(await app.runtime.db.selectFrom('team_leaders').select('user_id').where('team_id', '=', top).execute()).toEqual([]);
	});

	test('archive only empty teams; restore brings them back', async () => {
		const busy = await createTeam(app, admin);
		await addMember(app, admin, 'rep', busy);
		const data = failure(await admin.browser.action('/admin/teams?/archive', { teamId: busy }), 409);
		expect(data.errors.teamId).toBe('This team is not empty (members: 1, sub-teams: 0). Move them first.');
		expect((await team(busy)).archived_at).toBeNull();

		const empty = await createTeam(app, admin);
		expect(await admin.browser.action('/admin/teams?/archive', { teamId: empty })).toMatchObject({ type: 'success' });
		expect((await team(empty)).archived_at).toBeInstanceOf(Date);
		// An archived team's name is free again.
		await createTeam(app, admin, (await team(empty)).name);
		failure(await admin.browser.action('/admin/teams?/restore', { teamId: empty }), 409);
		const free = await createTeam(app, admin);
		expect(await admin.browser.action('/admin/teams?/archive', { teamId: free })).toMatchObject({ type: 'success' });
		expect(await admin.browser.action('/admin/teams?/restore', { teamId: free })).toMatchObject({ type: 'success' });
		expect((await team(free)).archived_at).toBeNull();
	});

	test('leaders manage their own teams only; reps manage none', async () => {
		const mine = await createTeam(app, admin);
		const theirs = await createTeam(app, admin);
		const leader = await addMember(app, admin, 'leader');
		expect(await admin.browser.action('/admin/teams?/update', { teamId: mine, name: `Mine ${uniqueSuffix()}`, leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });

		const sub = `Sub ${uniqueSuffix()}`;
		expect(await leader.browser.action('/admin/teams?/create', { name: sub, parentId: mine })).toMatchObject({ type: 'success' });
		refused(await leader.browser.action('/admin/teams?/create', { name: `Top ${uniqueSuffix()}` }));
		refused(await leader.browser.action('/admin/teams?/create', { name: `Under ${uniqueSuffix()}`, parentId: theirs }));
		refused(await leader.browser.action('/admin/teams?/update', { teamId: theirs, name: 'Taken over' }));
		refused(await leader.browser.action('/admin/teams?/archive', { teamId: theirs }));
		// Choosing who leads is for admins.
		refused(await leader.browser.action('/admin/teams?/update', { teamId: mine, name: 'Mine', leaderIds: [leader.userId, admin.userId] }));

		const rep = await addMember(app, admin, 'rep', mine);
		const before = await snapshotOrganization(app.runtime.db, admin.organizationId);
		forbidden(await rep.browser.action('/admin/teams?/create', { name: `Rep ${uniqueSuffix()}` }));
		forbidden(await rep.browser.action('/admin/teams?/update', { teamId: mine, name: 'Rep team' }));
		forbidden(await rep.browser.action('/admin/teams?/archive', { teamId: theirs }));
		forbidden(await rep.browser.action('/admin/teams?/restore', { teamId: theirs }));
		expect(await snapshotOrganization(app.runtime.db, admin.organizationId)).toEqual(before);
	});
});

describe('invitations', () => {
	let admin: SignedUp;
	let team: string;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
		team = await createTeam(app, admin);
	});

	test('an invitation is a one-time link; only a hash of its token is stored', async () => {
		const email = uniqueEmail('invitee');
		const result = await admin.browser.action('/admin/members?/invite', { email: email.toUpperCase(), role: 'rep', teamId: team });
		expect(result.type).toBe('success');
		if (result.type !== 'success') return;
		expect(result.data.invitation.email).toBe(email);
		expect(result.data.invitation.link).toMatch(new RegExp(`^${app.url}/invite/[a-km-np-z2-9]{32}$`));
		const token = result.data.invitation.link.split('/invite/')[1];

		const row = await app.runtime.db.selectFrom('invitations').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ organization_id: admin.organizationId, role: 'rep', team_id: team, invited_by: admin.userId });
		expect(Buffer.from(row.token_hash)).toEqual(Buffer.from(sha256(new TextEncoder().encode(token))));
		expect(await rowsContaining(app.runtime.db, token)).toEqual({});
		expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

		const page = await app.browser().get(`/invite/${token}`);
		expect(page.status).toBe(200);
		expect(page.body).toContain(email);

		// Accepting as a new person: their name and a password, then they are in, on /team.
		const invitee = app.browser();
		const tooShort = failure(await invitee.action(`/invite/${token}`, { name: 'Rita Rep', password: 'short' }), 400);
		expect(tooShort.errors.password).toBe('Password must be at least 10 characters.');
		expect(await app.runtime.db.selectFrom('users').select('id').where('email', '=', email).execute()).toEqual([]);

		const accepted = await invitee.action(`/invite/${token}`, { name: 'Rita Rep', password: PASSWORD });
		expect(accepted).toMatchObject({ type: 'redirect', status: 303, location: '/' });
		const cookie = accepted.response.setCookies.find((c) => c.name === 'podium_session')!;
		expect(cookie.attributes.httponly).toBe(true);
		const user = await app.runtime.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
		expect(user.name).toBe('Rita Rep');
		expect(await membership(admin.organizationId, user.id)).toMatchObject({ role: 'rep', status: 'active' });
		expect(await teamOf(admin.organizationId, user.id)).toBe(team);
		const teamPage = await invitee.get('/team');
		expect(teamPage.status).toBe(200);
		expect(teamPage.body).toContain('Rita Rep');

		// Used once, it is dead: 410 Gone, saying so.
		expect((await app.browser().get(`/invite/${token}`)).status).toBe(410);
		const replay = failure(await app.browser().action(`/invite/${token}`, { name: 'Mallory', password: PASSWORD }), 410);
		expect(replay.message).toBe('This invitation was already used.');
	});

	test('someone who already has an account signs in, then joins with one click', async () => {
		const elsewhere = await signUpOrganization(app);
		const invitation = await invite(app, admin, { email: elsewhere.email, role: 'leader' });
		// Their password typed into the link does nothing: no session, no membership.
		const anonymous = app.browser();
		const typed = failure(await anonymous.action(`/invite/${invitation.token}`, { name: 'Ada Admin', password: PASSWORD }), 409);
		expect(typed.message).toBe('This e-mail cannot be used for a new account. If you already use Podium with it, sign in to accept.');
		expect(anonymous.cookie('podium_session')).toBeUndefined();
		expect(await membership(admin.organizationId, elsewhere.userId)).toBeUndefined();
		// Signed in as themselves (their browser from sign-up), the link joins them.
		const browser = elsewhere.browser;
		const page = await browser.get(`/invite/${invitation.token}`);
		expect(page.status).toBe(200);
		expect(page.body).toContain(`You are signed in as ${elsewhere.email}.`);
		const joined = await browser.action(`/invite/${invitation.token}`, {});
		expect(joined).toMatchObject({ type: 'redirect', location: '/' });
		expect(await membership(admin.organizationId, elsewhere.userId)).toMatchObject({ role: 'leader' });
		expect(await membership(elsewhere.organizationId, elsewhere.userId)).toMatchObject({ role: 'admin' });
		const user = await app.runtime.db.selectFrom('users').select('name').where('id', '=', elsewhere.userId).executeTakeFirstOrThrow();
		expect(user.name).toBe('Ada Admin');
	});

	test('no duplicate invitations, none for members; a revoked link is dead', async () => {
		const invitation = await invite(app, admin, { role: 'rep' });
		const again = failure(await admin.browser.action('/admin/members?/invite', { email: invitation.email, role: 'rep' }), 409);
		expect(again.errors.email).toBe('E-mail already has a pending invitation. Revoke it first.');
		const member = failure(await admin.browser.action('/admin/members?/invite', { email: admin.email, role: 'rep' }), 409);
		expect(member.errors.email).toBe('E-mail already belongs to a member of this organization.');
		const bad = failure(await admin.browser.action('/admin/members?/invite', { email: 'nope', role: 'boss' }), 400);
		expect(bad.errors).toEqual({ email: 'E-mail is not a valid e-mail address.', role: 'Role must be one of the listed choices.' });

		expect(await admin.browser.action('/admin/members?/revoke', { invitationId: invitation.invitationId })).toMatchObject({ type: 'success' });
		expect((await app.browser().get(`/invite/${invitation.token}`)).status).toBe(410);
		failure(await app.browser().action(`/invite/${invitation.token}`, { name: 'Late', password: PASSWORD }), 410);
		expect(await app.runtime.db.selectFrom('users').select('id').where('email', '=', invitation.email).execute()).toEqual([]);
		// Revoking twice finds nothing to revoke.
		failure(await admin.browser.action('/admin/members?/revoke', { invitationId: invitation.invitationId }), 404);
	});

	test('a made-up invitation link is not found', async () => {
		expect((await app.browser().get(`/invite/${'a'.repeat(32)}`)).status).toBe(404);
		expect((await app.browser().get('/invite/short')).status).toBe(404);
	});
});

describe('members', () => {
	let admin: SignedUp;
	let teamA: string;
	let teamB: string;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
		teamA = await createTeam(app, admin);
		teamB = await createTeam(app, admin);
	});

	test('an admin changes roles; the last active admin cannot step down', async () => {
		const rep = await addMember(app, admin, 'rep');
		expect(await admin.browser.action('/admin/members?/role', { userId: rep.userId, role: 'leader' })).toMatchObject({ type: 'success' });
		expect(await membership(admin.organizationId, rep.userId)).toMatchObject({ role: 'leader' });

		const last = failure(await admin.browser.action('/admin/members?/role', { userId: admin.userId, role: 'rep' }), 409);
		expect(last.message).toBe('Role cannot change: the organization needs at least one active admin.');
		expect(await membership(admin.organizationId, admin.userId)).toMatchObject({ role: 'admin' });

		const bad = failure(await admin.browser.action('/admin/members?/role', { userId: rep.userId, role: 'owner' }), 400);
		expect(bad.errors.role).toBe('Role must be one of the listed choices.');
	});

	test('moving a member between teams', async () => {
		const rep = await addMember(app, admin, 'rep', teamA);
		expect(await admin.browser.action('/admin/members?/move', { userId: rep.userId, teamId: teamB })).toMatchObject({ type: 'success' });
		expect(await teamOf(admin.organizationId, rep.userId)).toBe(teamB);
	});

	test('deactivating signs the member out and keeps them out until reactivated', async () => {
		const rep = await addMember(app, admin, 'rep', teamA);
		expect((await rep.browser.get('/team')).status).toBe(200);
		expect(await admin.browser.action('/admin/members?/deactivate', { userId: rep.userId })).toMatchObject({ type: 'success' });
		expect(await membership(admin.organizationId, rep.userId)).toMatchObject({ status: 'deactivated' });
		expect(await sessionsOf(app.runtime.db, rep.userId)).toEqual([]);
		const bounced = await rep.browser.get('/team');
		expect(bounced.status).toBe(303);
		expect(bounced.headers.location).toMatch(/^\/login/);
		const { result } = await signIn(app, rep.email);
		const data = failure(result, 403);
		expect(data.message).toBe('Your membership has been deactivated. Ask an admin to restore it.');

		expect(await admin.browser.action('/admin/members?/reactivate', { userId: rep.userId })).toMatchObject({ type: 'success' });
		expect((await signIn(app, rep.email)).result).toMatchObject({ type: 'redirect' });
	});

	test('an admin cannot deactivate themselves', async () => {
		const data = failure(await admin.browser.action('/admin/members?/deactivate', { userId: admin.userId }), 400);
		expect(data.errors.userId).toBe('You cannot deactivate yourself.');
		expect(await membership(admin.organizationId, admin.userId)).toMatchObject({ status: 'active' });
	});

	describe('what leaders and reps may do', () => {
		let leader: Member;
		let rep: Member;
		let other: Member;
		beforeAll(async () => {
			leader = await addMember(app, admin, 'leader');
			expect(
				await admin.browser.action('/admin/teams?/update', { teamId: teamA, name: `Led ${uniqueSuffix()}`, leaderIds: [leader.userId] })
			).toMatchObject({ type: 'success' });
			rep = await addMember(app, admin, 'rep', teamA);
			other = await addMember(app, admin, 'rep', teamB);
		});

		test('a leader invites reps into their team, and nothing more', async () => {
			const ok = await leader.browser.action('/admin/members?/invite', { email: uniqueEmail('rep'), role: 'rep', teamId: teamA });
			expect(ok.type).toBe('success');
			refused(await leader.browser.action('/admin/members?/invite', { email: uniqueEmail('x'), role: 'admin', teamId: teamA }));
			refused(await leader.browser.action('/admin/members?/invite', { email: uniqueEmail('x'), role: 'rep', teamId: teamB }));
			refused(await leader.browser.action('/admin/members?/invite', { email: uniqueEmail('x'), role: 'rep' }));
		});

		test('a leader may not change roles or (de)activate anyone', async () => {
			const before = await snapshotOrganization(app.runtime.db, admin.organizationId);
			for (const [userId, role] of [
				[rep.userId, 'leader'],
				[leader.userId, 'admin'],
				[other.userId, 'leader'],
				[admin.userId, 'rep']
			]) {
				refused(await leader.browser.action('/admin/members?/role', { userId, role }));
			}
			refused(await leader.browser.action('/admin/members?/deactivate', { userId: rep.userId }));
			refused(await leader.browser.action('/admin/members?/reactivate', { userId: rep.userId }));
			refused(await leader.browser.action('/admin/members?/move', { userId: other.userId, teamId: teamA }));
			expect(await snapshotOrganization(app.runtime.db, admin.organizationId)).toEqual(before);
		});

		test('a rep gets 403 on every admin action and changes nothing', async () => {
			const invitation = await invite(app, admin, { role: 'rep' });
			const before = await snapshotOrganization(app.runtime.db, admin.organizationId);
			const attempts: [string, Record<string, string>][] = [
				['/admin/members?/invite', { email: uniqueEmail('x'), role: 'rep', teamId: teamA }],
				['/admin/members?/revoke', { invitationId: invitation.invitationId }],
				['/admin/members?/role', { userId: rep.userId, role: 'admin' }],
				['/admin/members?/move', { userId: other.userId, teamId: teamA }],
				['/admin/members?/deactivate', { userId: other.userId }],
				['/admin/members?/reactivate', { userId: other.userId }],
				['/admin/teams?/create', { name: 'Reps rule' }],
				['/admin/teams?/update', { teamId: teamA, name: 'Reps rule' }],
				['/admin/teams?/archive', { teamId: teamB }],
				['/admin/teams?/restore', { teamId: teamB }],
				['/admin/settings?/save', { name: 'Reps rule', timeZone: 'UTC', locale: 'en', weekStart: '1' }]
			];
			for (const [path, fields] of attempts) {
				const result = await rep.browser.action(path, fields);
				expect(result.status, path).toBe(403);
				expect(result.type, path).toBe('error');
			}
			expect((await rep.browser.get('/admin/members')).status).toBe(403);
			expect(await snapshotOrganization(app.runtime.db, admin.organizationId)).toEqual(before);
		});
	});
});
