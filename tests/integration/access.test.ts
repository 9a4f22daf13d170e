// The one access policy (src/lib/server/org/access.ts): who may view, log for and manage whom, read
// from a real organization with a tree of teams. Logging, voiding and the quick log's list agree,
// because they are one rule.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessOf, type Access } from '../../src/lib/server/org/access';
import type { Actor } from '../../src/lib/server/org/actor';
import { APP_START_TIMEOUT, describeResult, startApp, type App } from '../helpers/app';
import { uniqueSuffix } from '../helpers/env';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';

let app: App;
let org: SignedUp;
let top: string;
let sub: string;
let other: string;
let leader: Member;
let subLeader: Member;
let topRep: Member;
let subRep: Member;
let otherRep: Member;
let gone: Member;

const actor = (userId: string, role: Actor['role']): Actor => ({ userId, organizationId: org.organizationId, role });
const access = (userId: string, role: Actor['role']) => accessOf(app.runtime.db, actor(userId, role));
const ids = (a: Access) => {
	const s = a.loggableMemberIds();
	return s === 'all' ? 'all' : [...s].sort();
};

beforeAll(async () => {
	app = await startApp();
	org = await signUpOrganization(app);
	top = await createTeam(app, org);
	sub = await createTeam(app, org, `Sub ${uniqueSuffix()}`, top);
	other = await createTeam(app, org);
	leader = await addMember(app, org, 'leader', top);
	expect(await org.browser.action('/admin/teams?/update', { teamId: top, name: `Top ${uniqueSuffix()}`, leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });
	// A leader who is on a team below the first leader's, leading nothing.
	subLeader = await addMember(app, org, 'leader', sub);
	topRep = await addMember(app, org, 'rep', top);
	subRep = await addMember(app, org, 'rep', sub);
	otherRep = await addMember(app, org, 'rep', other);
	gone = await addMember(app, org, 'rep', sub);
	expect(await org.browser.action('/admin/members?/deactivate', { userId: gone.userId })).toMatchObject({ type: 'success' });
}, APP_START_TIMEOUT + 60_000);

afterAll(async () => {
	await app?.close();
});

describe('access policy', () => {
	test('a leader manages the teams they lead and every team below, and the reps on them', async () => {
		const a = await access(leader.userId, 'leader');
		expect([...(a.managedTeamIds() as Set<string>)].sort()).toEqual([top, sub].sort());
		expect([top, sub, other, null].map((t) => a.canManageTeam(t))).toEqual([true, true, false, false]);
		expect([topRep, subRep, otherRep, subLeader].map((m) => a.canManageMember(m.userId))).toEqual([true, true, false, false]);
		expect(a.canManageMember(leader.userId)).toBe(false);
		expect(a.canInvite('rep', sub)).toBe(true);
		expect(a.canInvite('leader', sub)).toBe(false);
		expect(a.canInvite('rep', other)).toBe(false);
		expect(a.canMoveMember(subRep.userId, top)).toBe(true);
		expect(a.canMoveMember(subRep.userId, other)).toBe(false);
		expect(a.canMoveMember(otherRep.userId, top)).toBe(false);
		expect(a.isAdmin).toBe(false);
		expect(a.canView({ teamId: other })).toBe(true);
	});

	test('a leader logs and voids for themself and the active reps they manage, and imports for those reps only', async () => {
		const a = await access(leader.userId, 'leader');
		expect(ids(a)).toEqual([leader.userId, topRep.userId, subRep.userId].sort());
		expect(a.loggableMembers().map((m) => m.id).sort()).toEqual([leader.userId, topRep.userId, subRep.userId].sort());
		for (const m of [leader, subLeader, topRep, subRep, otherRep, gone, org]) {
			const loggable = (a.loggableMemberIds() as Set<string>).has(m.userId);
			expect(a.canLogFor(m.userId), m.email).toBe(loggable);
			expect(a.canVoidFor(m.userId), m.email).toBe(loggable);
		}
		expect(a.canImportFor(topRep.userId)).toBe(true);
		expect(a.canImportFor(leader.userId)).toBe(false);
		expect(a.canImportFor(subLeader.userId)).toBe(false);
	});

	test('an admin may do everything in the organization; a rep logs for themself and manages nothing', async () => {
		const admin = await access(org.userId, 'admin');
		expect(admin.managedTeamIds()).toBe('all');
		expect(ids(admin)).toBe('all');
		expect([otherRep, subLeader, gone].every((m) => admin.canLogFor(m.userId) && admin.canManageMember(m.userId))).toBe(true);
		expect(admin.loggableMembers().some((m) => m.id === gone.userId)).toBe(false);

		const rep = await access(subRep.userId, 'rep');
		expect([...(rep.managedTeamIds() as Set<string>)]).toEqual([]);
		expect(ids(rep)).toEqual([subRep.userId]);
		expect(rep.canLogFor(subRep.userId)).toBe(true);
		expect(rep.canLogFor(topRep.userId)).toBe(false);
		expect(rep.canVoidFor(subRep.userId)).toBe(false);
		expect([sub, top].some((t) => rep.canManageTeam(t))).toBe(false);
		expect(rep.canManageMember(subRep.userId)).toBe(false);
	});

	test('the quick log follows the same rule: a leader may not log for another leader on a team they manage', async () => {
		const count = async (userId: string) =>
			Number(
				(
					await app.runtime.db
						.selectFrom('score_events')
						.select((eb) => eb.fn.countAll<number>().as('n'))
						.where('user_id', '=', userId)
						.executeTakeFirstOrThrow()
				).n
			);
		const refused = await leader.browser.action('/leaderboards?/log', { userId: subLeader.userId, metric: 'call', value: '1', key: crypto.randomUUID() });
		expect(refused.type, describeResult(refused)).toBe('failure');
		if (refused.type === 'failure') expect(refused.status).toBe(403);
		expect(await count(subLeader.userId)).toBe(0);

		const logged = await leader.browser.action('/leaderboards?/log', { userId: subRep.userId, metric: 'call', value: '1', key: crypto.randomUUID() });
		expect(logged.type, describeResult(logged)).toBe('success');
		expect(await count(subRep.userId)).toBe(1);
	});
});
