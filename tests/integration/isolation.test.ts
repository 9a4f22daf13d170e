// Organizations are isolated: an admin of org A who sends org B's ids to any admin action gets 404,
// exactly as for an id that does not exist, and nothing in B changes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APP_START_TIMEOUT, describeResult, startApp, type ActionResult, type App } from '../helpers/app';
import { uniqueEmail, uniqueSuffix } from '../helpers/env';
import {
	addMember,
	createTeam,
	invite,
	signUpOrganization,
	snapshotOrganization,
	type Invitation,
	type Member,
	type SignedUp
} from '../helpers/fixtures';

let app: App;
let a: SignedUp;
let b: SignedUp;
let aTeam: string;
let aRep: Member;
let bTeam: string;
let bArchivedTeam: string;
let bLeader: Member;
let bRep: Member;
let bDeactivated: Member;
let bInvitation: Invitation;

beforeAll(async () => {
	app = await startApp();
	[a, b] = await Promise.all([signUpOrganization(app), signUpOrganization(app)]);
	aTeam = await createTeam(app, a);
	aRep = await addMember(app, a, 'rep', aTeam);

	bTeam = await createTeam(app, b);
	bArchivedTeam = await createTeam(app, b);
	expect(await b.browser.action('/admin/teams?/archive', { teamId: bArchivedTeam })).toMatchObject({ type: 'success' });
	bLeader = await addMember(app, b, 'leader');
	expect(
		await b.browser.action('/admin/teams?/update', { teamId: bTeam, name: `B team ${uniqueSuffix()}`, leaderIds: [bLeader.userId] })
	).toMatchObject({ type: 'success' });
	bRep = await addMember(app, b, 'rep', bTeam);
	bDeactivated = await addMember(app, b, 'rep', bTeam);
	expect(await b.browser.action('/admin/members?/deactivate', { userId: bDeactivated.userId })).toMatchObject({ type: 'success' });
	bInvitation = await invite(app, b, { role: 'rep', teamId: bTeam });
}, APP_START_TIMEOUT + 60_000);

afterAll(async () => {
	await app?.close();
});

function notFound(result: ActionResult, field: string) {
	expect(result.type, describeResult(result)).toBe('failure');
	expect(result.status).toBe(404);
	if (result.type === 'failure') {
		expect(result.data.errors[field]).toMatch(/ was not found\.$/);
		expect(result.data.message).toBe(result.data.errors[field]);
	}
}

const RANDOM_UUID = '6f1c2b9e-8d7a-4c3b-9e2f-1a2b3c4d5e6f';

describe("org A's admin using org B's ids", () => {
	// Every admin action, each with one of B's ids where A's would go.
	const attempts: [string, string, () => Record<string, string | string[]>, string][] = [
		['create a sub-team under B’s team', '/admin/teams?/create', () => ({ name: `Spy ${uniqueSuffix()}`, parentId: bTeam }), 'parentId'],
		['rename B’s team', '/admin/teams?/update', () => ({ teamId: bTeam, name: 'Owned' }), 'teamId'],
		['move A’s team under B’s team', '/admin/teams?/update', () => ({ teamId: aTeam, name: 'A team', parentId: bTeam }), 'parentId'],
		['make B’s leader lead A’s team', '/admin/teams?/update', () => ({ teamId: aTeam, name: 'A team', leaderIds: [bLeader.userId] }), 'leaderIds'],
		['archive B’s team', '/admin/teams?/archive', () => ({ teamId: bTeam }), 'teamId'],
		['restore B’s archived team', '/admin/teams?/restore', () => ({ teamId: bArchivedTeam }), 'teamId'],
		['invite into B’s team', '/admin/members?/invite', () => ({ email: uniqueEmail('spy'), role: 'rep', teamId: bTeam }), 'teamId'],
		['revoke B’s invitation', '/admin/members?/revoke', () => ({ invitationId: bInvitation.invitationId }), 'invitationId'],
		['promote B’s rep', '/admin/members?/role', () => ({ userId: bRep.userId, role: 'admin' }), 'userId'],
		['demote B’s admin', '/admin/members?/role', () => ({ userId: b.userId, role: 'rep' }), 'userId'],
		['move B’s rep into A’s team', '/admin/members?/move', () => ({ userId: bRep.userId, teamId: aTeam }), 'userId'],
		['move A’s rep into B’s team', '/admin/members?/move', () => ({ userId: aRep.userId, teamId: bTeam }), 'teamId'],
		['deactivate B’s rep', '/admin/members?/deactivate', () => ({ userId: bRep.userId }), 'userId'],
		['deactivate B’s admin', '/admin/members?/deactivate', () => ({ userId: b.userId }), 'userId'],
		['reactivate B’s deactivated rep', '/admin/members?/reactivate', () => ({ userId: bDeactivated.userId }), 'userId']
	];

	test.each(attempts)('%s → 404, B unchanged', async (_label, path, fields, field) => {
		const beforeB = await snapshotOrganization(app.runtime.db, b.organizationId);
		const result = await a.browser.action(path, fields());
		notFound(result, field);
		expect(await snapshotOrganization(app.runtime.db, b.organizationId)).toEqual(beforeB);
	});

	test("B's ids answer exactly like ids that exist nowhere", async () => {
		const foreign = await a.browser.action('/admin/teams?/archive', { teamId: bTeam });
		const missing = await a.browser.action('/admin/teams?/archive', { teamId: RANDOM_UUID });
		expect(foreign.status).toBe(404);
		expect(missing.status).toBe(404);
		if (foreign.type === 'failure' && missing.type === 'failure') {
			expect(foreign.data.errors).toEqual(missing.data.errors);
			expect(foreign.data.message).toBe(missing.data.message);
		}
		const foreignUser = await a.browser.action('/admin/members?/role', { userId: bRep.userId, role: 'leader' });
		const missingUser = await a.browser.action('/admin/members?/role', { userId: RANDOM_UUID, role: 'leader' });
		expect([foreignUser.status, missingUser.status]).toEqual([404, 404]);
		if (foreignUser.type === 'failure' && missingUser.type === 'failure') expect(foreignUser.data.errors).toEqual(missingUser.data.errors);
	});

	test("saving A's settings changes only A", async () => {
		const beforeB = await snapshotOrganization(app.runtime.db, b.organizationId);
		const name = `A renamed ${uniqueSuffix()}`;
		expect(await a.browser.action('/admin/settings?/save', { name, timeZone: 'Asia/Tokyo', locale: 'en', weekStart: 1 })).toMatchObject({
			type: 'success'
		});
		const org = await app.runtime.db.selectFrom('organizations').select('name').where('id', '=', a.organizationId).executeTakeFirstOrThrow();
		expect(org.name).toBe(name);
		expect(await snapshotOrganization(app.runtime.db, b.organizationId)).toEqual(beforeB);
	});

	test("B's people and teams do not appear on A's pages", async () => {
		const bUser = await app.runtime.db.selectFrom('users').select(['name', 'email']).where('id', '=', bRep.userId).executeTakeFirstOrThrow();
		const bTeamRow = await app.runtime.db.selectFrom('teams').select('name').where('id', '=', bTeam).executeTakeFirstOrThrow();
		for (const path of ['/admin/members', '/admin/teams', '/team']) {
			const page = await a.browser.get(path);
			expect(page.status, path).toBe(200);
			expect(page.body, path).not.toContain(bUser.email);
			expect(page.body, path).not.toContain(bUser.name);
			expect(page.body, path).not.toContain(bRep.userId);
			expect(page.body, path).not.toContain(bTeamRow.name);
			expect(page.body, path).not.toContain(bTeam);
		}
		const own = await a.browser.get('/admin/members');
		expect(own.body).toContain(aRep.email);
	});

	test("B's leader and rep are just as isolated from A", async () => {
		const beforeA = await snapshotOrganization(app.runtime.db, a.organizationId);
		const results = await Promise.all([
			bLeader.browser.action('/admin/members?/move', { userId: aRep.userId, teamId: bTeam }),
			bLeader.browser.action('/admin/teams?/create', { name: `Spy ${uniqueSuffix()}`, parentId: aTeam })
		]);
		for (const result of results) expect([403, 404]).toContain(result.status);
		expect((await bRep.browser.action('/admin/members?/deactivate', { userId: aRep.userId })).status).toBe(403);
		expect(await snapshotOrganization(app.runtime.db, a.organizationId)).toEqual(beforeA);
	});
});

describe('malformed ids', () => {
	// A malformed id is input the schema refuses: 400 naming the field (docs/architecture.md), never a 500.
	const attempts: [string, Record<string, string>, string][] = [
		['/admin/teams?/archive', { teamId: 'not-a-uuid' }, 'teamId'],
		['/admin/teams?/restore', { teamId: "1' or '1'='1" }, 'teamId'],
		['/admin/teams?/update', { teamId: '123', name: 'X' }, 'teamId'],
		['/admin/teams?/create', { name: `T ${uniqueSuffix()}`, parentId: 'zzz' }, 'parentId'],
		['/admin/members?/revoke', { invitationId: 'nope' }, 'invitationId'],
		['/admin/members?/role', { userId: '../../etc/passwd', role: 'rep' }, 'userId'],
		['/admin/members?/move', { userId: 'x', teamId: '' }, 'userId'],
		['/admin/members?/deactivate', { userId: '' }, 'userId'],
		['/admin/members?/reactivate', { userId: '00000000-0000-0000-0000-00000000000g' }, 'userId']
	];

	test.each(attempts)('%s with %j → 400 naming %s', async (path, fields, field) => {
		const beforeA = await snapshotOrganization(app.runtime.db, a.organizationId);
		const result = await a.browser.action(path, fields);
		expect(result.type, describeResult(result)).toBe('failure');
		expect(result.status).toBe(400);
		if (result.type === 'failure') expect(Object.keys(result.data.errors)).toContain(field);
		expect(await snapshotOrganization(app.runtime.db, a.organizationId)).toEqual(beforeA);
	});
});
