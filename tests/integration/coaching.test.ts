// Coaching against the real app (and real Postgres and Redis in CI's second pass): a member's
// analytics are theirs, their team leaders' and admins' to see, nobody else's (403 in the
// organization, 404 outside it), on the JSON view and on the profile page alike; bad filters are a
// 400 naming the field; figures come from the event log, a voided event drops out; a rep with no
// events gets empty series, never an error.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import type { RepAnalytics } from '../../src/lib/server/coaching/analytics.service';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let admin: SignedUp;
let otherAdmin: SignedUp;
let leader: Member;
let otherLeader: Member;
let rep: Member;
let rep2: Member;
let quiet: Member;
let eventsToken: string;

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	otherAdmin = await signUpOrganization(app);
	const east = await createTeam(app, admin, 'East');
	const west = await createTeam(app, admin, 'West');
	leader = await addMember(app, admin, 'leader', east);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: east, name: 'East', leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });
	otherLeader = await addMember(app, admin, 'leader', west);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: west, name: 'West', leaderIds: [otherLeader.userId] })).toMatchObject({ type: 'success' });
	rep = await addMember(app, admin, 'rep', east);
	rep2 = await addMember(app, admin, 'rep', east);
	quiet = await addMember(app, admin, 'rep', west);
	eventsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

async function log(user: string, metric: string, value: number) {
	const res = await app
		.browser()
		.request('POST', '/api/v1/events', { headers: { 'content-type': 'application/json', authorization: `Bearer ${eventsToken}` }, body: JSON.stringify({ events: [{ id: `c-${crypto.randomUUID()}`, metric, user, value }] }) });
	expect(res.status, res.body).toBeLessThan(300);
}

const analyticsOf = (who: { browser: App['browser'] extends () => infer B ? B : never }, userId: string, query = '') => who.browser.get(`/people/${userId}/analytics${query}`);

describe('rep analytics', () => {
	test('the rep, their leader and admins see them; another rep and another team’s leader get 403; another organization 404', async () => {
		await log(rep.email, 'call', 7);
		await log(rep.email, 'meeting', 2);
		await log(rep2.email, 'call', 3);
		for (const who of [rep, leader, admin]) {
			const res = await analyticsOf(who, rep.userId);
			expect(res.status, res.body).toBe(200);
		}
		for (const who of [rep2, otherLeader, quiet]) expect((await analyticsOf(who, rep.userId)).status).toBe(403);
		expect((await analyticsOf(otherAdmin, rep.userId)).status).toBe(404);
		expect((await app.browser().get(`/people/${rep.userId}/analytics`)).status).toBe(303);
	});

	test('the profile page shows the charts to those who may, and leaves them out (no data) for others', async () => {
		const own = await rep.browser.get(`/people/${rep.userId}`);
		expect(own.status).toBe(200);
		expect(own.body).toContain('data-testid="rep-analytics"');
		const peer = await rep2.browser.get(`/people/${rep.userId}`);
		expect(peer.status).toBe(200);
		expect(peer.body).not.toContain('data-testid="rep-analytics"');
		// Nor in the page's data (client-side navigation).
		const data = await rep2.browser.get(`/people/${rep.userId}/__data.json`);
		expect(data.status).toBe(200);
		expect(data.body).not.toContain('"calendar"');
		const theirs = await otherLeader.browser.get(`/people/${rep.userId}`);
		expect(theirs.body).not.toContain('data-testid="rep-analytics"');
		expect((await leader.browser.get(`/people/${rep.userId}`)).body).toContain('data-testid="rep-analytics"');
	});

	test('figures from the event log: points, one metric, rank within the team, the calendar', async () => {
		const res = await analyticsOf(leader, rep.userId, '?period=month&metric=call');
		const a: RepAnalytics = res.json();
		expect(a.metric.key).toBe('call');
		expect(a.totals.current).toBe(7);
		expect(a.line.current.at(-1)!.total).toBe(7);
		expect(a.line.current.length).toBe(a.period.days.indexOf(a.period.today) + 1);
		// East's reps ranked on calls this week: rep 7, rep2 3.
		const week = (id: string) => a.rank.rows.find((r) => r.id === id)!.ranks.at(-1);
		expect(week(rep.userId)).toBe(1);
		expect(week(rep2.userId)).toBe(2);
		expect(a.rank.scope).toBe('team');
		expect(Object.keys(a.rank.names)).not.toContain(quiet.userId);
		// Points: 7 calls × 1 + 2 meetings × 5.
		const points: RepAnalytics = (await analyticsOf(rep, rep.userId)).json();
		expect(points.metric.key).toBe('points');
		expect(points.totals.current).toBe(17);
		// The calendar counts events: 2 today.
		expect(points.calendar.cells.at(-1)).toMatchObject({ day: points.period.today, value: 2 });
		expect(points.calendar.activeDays).toBe(1);
	});

	test('a rep with no events: empty series, no rank, no error', async () => {
		const res = await analyticsOf(otherLeader, quiet.userId, '?period=year');
		expect(res.status, res.body).toBe(200);
		const a: RepAnalytics = res.json();
		expect(a.totals).toMatchObject({ current: 0, previous: 0, trend: null });
		expect(a.line.current.every((p) => p.total === 0)).toBe(true);
		expect(a.rank.rows.find((r) => r.id === quiet.userId)!.ranks.every((r) => r === null)).toBe(true);
		expect(a.calendar.activeDays).toBe(0);
		const page = await quiet.browser.get(`/people/${quiet.userId}`);
		expect(page.status).toBe(200);
		expect(page.body).toContain('data-testid="rep-analytics"');
	});

	test('bad filters are a 400 naming the field; the page falls back to its defaults', async () => {
		const period = await analyticsOf(rep, rep.userId, '?period=decade');
		expect(period.status).toBe(400);
		expect(period.json().fields).toHaveProperty('period');
		const metric = await analyticsOf(rep, rep.userId, '?metric=nope');
		expect(metric.status).toBe(400);
		expect(metric.json().fields).toHaveProperty('metric');
		const page = await rep.browser.get(`/people/${rep.userId}?period=decade&metric=nope`);
		expect(page.status).toBe(200);
		expect(page.body).toContain('data-testid="rep-analytics"');
		expect((await analyticsOf(admin, 'not-a-member')).status).toBe(404);
	});

	test('a voided event drops out of the figures', async () => {
		const before: RepAnalytics = (await analyticsOf(rep2, rep2.userId, '?metric=call')).json();
		const { id } = await app.runtime.db
			.selectFrom('score_events')
			.select('id')
			.where('user_id', '=', rep2.userId)
			.where('voids_event_id', 'is', null)
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		const voided = await leader.browser.action('/leaderboards?/void', { eventId: String(id), reason: 'Logged twice' });
		expect(voided.type, JSON.stringify(voided)).toBe('success');
		const after: RepAnalytics = (await analyticsOf(rep2, rep2.userId, '?metric=call')).json();
		expect(before.totals.current).toBe(3);
		expect(after.totals.current).toBe(0);
	});
});

describe('team analytics', () => {
	test('leaders see the teams they manage, admins every team; reps get 403, another team 403, another organization 404', async () => {
		expect((await rep.browser.get('/team/analytics')).status).toBe(403);
		expect((await app.browser().get('/team/analytics')).status).toBe(303);
		const own = await leader.browser.get('/team/analytics');
		expect(own.status).toBe(200);
		expect(own.body).toContain('data-testid="team-reps"');
		const eastId = (await app.runtime.db.selectFrom('teams').select('id').where('organization_id', '=', admin.organizationId).where('name', '=', 'East').executeTakeFirstOrThrow()).id;
		expect((await otherLeader.browser.get(`/team/analytics?team=${eastId}`)).status).toBe(403);
		expect((await admin.browser.get(`/team/analytics?team=${eastId}`)).status).toBe(200);
		expect((await otherAdmin.browser.get(`/team/analytics?team=${eastId}`)).status).toBe(404);
		// The other leader's own page lists only their team, never East's reps.
		const west = await otherLeader.browser.get('/team/analytics');
		expect(west.status).toBe(200);
		expect(west.body).not.toContain(`/people/${rep.userId}`);
	});

	test('figures on real services: totals, funnel and activity of the team’s reps', async () => {
		const { teamAnalytics } = await import('../../src/lib/server/coaching/team-analytics.service');
		const actor = { userId: leader.userId, organizationId: admin.organizationId, role: 'leader' as const };
		const a = await teamAnalytics(app.runtime, actor, { metric: 'call' }, 'en');
		expect(a.team?.name).toBe('East');
		expect(a.reps.map((r) => r.id).sort()).toEqual([rep.userId, rep2.userId].sort());
		// rep logged 7 calls; rep2's 3 were voided above.
		expect(a.totals.current).toBe(7);
		expect(a.funnel.stages.map((s) => [s.key, s.value])).toEqual([['call', 7], ['meeting', 2], ['deal', 0]]);
		expect(a.funnel.stages[1].stepRate).toBeCloseTo(2 / 7);
		// rep2's only event was voided: not active.
		expect(a.engagement.activeReps).toBe(1);
		expect(a.attainment.withGoal).toBe(0);
		// A team without reps is an empty state, not an error.
		const quietTeam = await createTeam(app, admin, 'Empty');
		const empty = await teamAnalytics(app.runtime, { userId: admin.userId, organizationId: admin.organizationId, role: 'admin' as const }, { team: quietTeam }, 'en');
		expect(empty.reps).toEqual([]);
		expect(empty.line.current.every((p) => p.total === 0)).toBe(true);
		const page = await admin.browser.get(`/team/analytics?team=${quietTeam}&period=year`);
		expect(page.status).toBe(200);
		expect(page.body).toContain('no active reps yet');
	});
});
