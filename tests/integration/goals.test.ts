// Goals against the real app (and real Postgres and Redis in CI's second pass): bad input is a 4xx
// naming the field with nothing written; a cascade of organization, team and rep goals counts the
// events of the log, live, matching a recomputation from the log; a rep's proposal waits for a leader;
// a split adds up to the parent; concurrent duplicates make one goal; a goal's end keeps its final
// actual and signals the attainment once.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { verifyOrg } from '../../src/lib/server/scoring/live.service';
import { readBoard } from '../../src/lib/server/scoring/board.service';
import { catalog } from '../../src/lib/server/scoring/boards/catalog';
import { finalizeGoalJob } from '../../src/lib/server/goals/goal.service';
import { GOAL_GRACE_MS } from '../../src/lib/server/goals/goal.family';
import { GOAL_SCALE } from '../../src/lib/shared/goals/boards';
import type { GoalView } from '../../src/lib/shared/goals/goals';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let admin: SignedUp;
let east: string;
let west: string;
let leader: Member;
let otherLeader: Member;
let rep: Member;
let rep2: Member;
let westRep: Member;
let eventsToken: string;
let goalsToken: string;

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	east = await createTeam(app, admin, 'East');
	west = await createTeam(app, admin, 'West');
	leader = await addMember(app, admin, 'leader', east);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: east, name: 'East', leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });
	otherLeader = await addMember(app, admin, 'leader', west);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: west, name: 'West', leaderIds: [otherLeader.userId] })).toMatchObject({ type: 'success' });
	rep = await addMember(app, admin, 'rep', east);
	rep2 = await addMember(app, admin, 'rep', east);
	westRep = await addMember(app, admin, 'rep', west);
	eventsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
	goalsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['goals:read', 'goals:write'], admin.userId)).token;
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const call = (method: string, path: string, token: string | null, body?: unknown) =>
	app
		.browser()
		.request(method, path, { headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

const as = (who: { browser: ReturnType<App['browser']> }, method: string, path: string, body?: unknown) =>
	who.browser.request(method, path, { headers: { 'content-type': 'application/json', origin: app.url }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function goalCount() {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from goals where organization_id = ${admin.organizationId}`.execute(app.runtime.db);
	return Number(rows[0].n);
}

async function log(user: string, metric: string, value: number) {
	const res = await call('POST', '/api/v1/events', eventsToken, { events: [{ id: `g-${crypto.randomUUID()}`, metric, user, value }] });
	expect(res.status, res.body).toBeLessThan(300);
}

async function listGoals(query = ''): Promise<GoalView[]> {
	const res = await call('GET', `/api/v1/goals${query}`, goalsToken);
	expect(res.status, res.body).toBe(200);
	return res.json().goals;
}

describe('goals', () => {
	test('bad input is a 4xx naming the field, and nothing is written', async () => {
		const before = await goalCount();
		const month = { window: 'month' };
		const cases: [unknown, number, string][] = [
			[{ owner: { org: true }, metric: 'deal', target: 0, period: month }, 400, 'target'],
			[{ owner: { org: true }, metric: 'deal', target: -5, period: month }, 400, 'target'],
			[{ owner: { org: true }, metric: 'deal', target: 2.5, period: month }, 400, 'target'],
			[{ owner: { org: true }, metric: 'deal', target: 10, period: { start: '2027-02-01T00:00:00Z', end: '2027-01-01T00:00:00Z' } }, 400, 'period'],
			[{ owner: { org: true }, metric: 'deal', target: 10, period: { window: 'fortnight' } }, 400, 'period'],
			[{ owner: { team: crypto.randomUUID() }, metric: 'deal', target: 10, period: month }, 404, 'owner'],
			[{ owner: { member: 'nobody@example.test' }, metric: 'deal', target: 10, period: month }, 404, 'owner'],
			[{ owner: { org: true }, metric: 'no-such-metric', target: 10, period: month }, 404, 'metric'],
			[{ owner: { org: true }, metric: 'deal', target: 10, period: { window: 'month', at: '2020-01-15T00:00:00Z' } }, 400, 'period'],
			[{ owner: { org: true }, metric: 'deal', target: 10, period: month, parent: crypto.randomUUID() }, 404, 'parent']
		];
		for (const [body, status, field] of cases) {
			const res = await call('POST', '/api/v1/goals', goalsToken, body);
			expect(res.status, `${JSON.stringify(body)} → ${res.body}`).toBe(status);
			expect(res.body).toContain(field);
		}
		// A team of another organization is missing, like any unknown one.
		const other = await signUpOrganization(app);
		const foreignTeam = await createTeam(app, other, 'Elsewhere');
		const foreign = await call('POST', '/api/v1/goals', goalsToken, { owner: { team: foreignTeam }, metric: 'deal', target: 5, period: month });
		expect(foreign.status).toBe(404);
		expect(await goalCount()).toBe(before);
	});

	test('a cascade counts the log live: org, team and rep goals, the % of goal board, and verify is clean', async () => {
		await log(rep.email, 'deal', 2);
		const org = await call('POST', '/api/v1/goals', goalsToken, { owner: { org: true }, metric: 'deal', target: 40, period: { window: 'month' }, description: { en: 'Record month', 'zh-CN': '创纪录的一个月' } });
		expect(org.status, org.body).toBe(201);
		const orgId = org.json().id;
		const team = await call('POST', '/api/v1/goals', goalsToken, { owner: { team: east }, metric: 'deal', target: 20, period: { window: 'month' }, parent: orgId });
		expect(team.status, team.body).toBe(201);
		// The leader sets goals for the reps of the team they lead.
		const mine = await as(leader, 'POST', '/api/v1/goals', { owner: { member: rep.email }, metric: 'deal', target: 10, period: { window: 'month' }, parent: team.json().id });
		expect(mine.status, mine.body).toBe(201);
		expect(mine.json().status).toBe('active');
		// ...but not for another leader's reps.
		const foreignRep = await as(leader, 'POST', '/api/v1/goals', { owner: { member: westRep.email }, metric: 'deal', target: 10, period: { window: 'month' } });
		expect(foreignRep.status).toBe(403);

		await log(rep.email, 'deal', 3);
		await log(rep2.email, 'deal', 1);
		await log(westRep.email, 'deal', 4);
		await log(rep.email, 'call', 9);

		const goals = await listGoals('?period=month');
		const byOwner = (kind: string) => goals.find((g) => g.owner.kind === kind && g.measure.key === 'deal')!;
		expect(byOwner('org').actual).toBe(10);
		expect(byOwner('team').actual).toBe(6);
		expect(byOwner('member').actual).toBe(5);
		expect(byOwner('member').attainment).toBeCloseTo(0.5);
		for (const g of goals) {
			expect(['on_track', 'at_risk', 'behind']).toContain(g.pace);
			expect(g.expected).toBeGreaterThanOrEqual(0);
			expect(g.expected).toBeLessThanOrEqual(g.target);
		}
		// The live boards hold the same attainment (millionths of the target).
		const rt = app.runtime;
		const board = await readBoard(rt, admin.organizationId, { board: 'goal:deal', scope: 'users', window: 'month', limit: 10 });
		expect(board.entries.map((e) => [e.id, e.score])).toEqual([[rep.userId, 0.5 * GOAL_SCALE]]);
		const teams = await readBoard(rt, admin.organizationId, { board: 'goal:deal', scope: 'teams', window: 'month', limit: 10 });
		expect(teams.entries.map((e) => [e.id, e.score])).toEqual([[east, 0.3 * GOAL_SCALE]]);
		// The board list offers the % of goal board.
		const boards = await catalog.boardsOf(rt.db, admin.organizationId);
		expect(boards.find((b) => b.board === 'goal:deal')).toMatchObject({ listed: true, unit: 'attainment' });
		// The cascade: children against the parent.
		const detail = await call('GET', `/api/v1/goals/${orgId}`, goalsToken);
		expect(detail.status).toBe(200);
		expect(detail.json().cascade).toMatchObject({ sum: 20, difference: -20, status: 'short', children: 1 });
		// Children may exceed their parent: allowed, with a warning that says by how much.
		const over = await call('POST', '/api/v1/goals', goalsToken, { owner: { team: west }, metric: 'deal', target: 30, period: { window: 'month' }, parent: orgId });
		expect(over.status, over.body).toBe(201);
		expect(over.json().warning).toMatchObject({ status: 'over', difference: 10, children: 2 });
		expect((await verifyOrg(rt, admin.organizationId)).drift).toEqual([]);
	});

	test('a new target rescales the live progress; a deleted goal leaves the board', async () => {
		const [goal] = await listGoals(`?owner=${encodeURIComponent(rep.email)}&period=month`);
		const res = await call('PUT', `/api/v1/goals/${goal.id}`, goalsToken, { target: 20 });
		expect(res.status, res.body).toBe(200);
		const board = await readBoard(app.runtime, admin.organizationId, { board: 'goal:deal', scope: 'users', window: 'month', limit: 10 });
		expect(board.entries.map((e) => e.score)).toEqual([0.25 * GOAL_SCALE]);
		const [after] = await listGoals(`?owner=${encodeURIComponent(rep.email)}&period=month`);
		expect(after.attainment).toBeCloseTo(0.25);
		expect((await verifyOrg(app.runtime, admin.organizationId)).drift).toEqual([]);
	});

	test('a rep proposes their own goal; only a leader who manages them (or an admin) decides', async () => {
		const res = await as(rep2, 'POST', '/api/v1/goals', { owner: { member: rep2.email }, metric: 'call', target: 100, period: { window: 'month' } });
		expect(res.status, res.body).toBe(201);
		expect(res.json().status).toBe('proposed');
		const id = res.json().id;
		// A rep cannot set a goal for a colleague.
		expect((await as(rep2, 'POST', '/api/v1/goals', { owner: { member: rep.email }, metric: 'call', target: 5, period: { window: 'month' } })).status).toBe(403);
		// A proposal is not counted yet.
		expect((await listGoals('?status=active')).some((g) => g.id === id)).toBe(false);
		expect((await as(otherLeader, 'POST', `/api/v1/goals/${id}/decision`, { decision: 'approve' })).status).toBe(403);
		expect((await as(rep2, 'POST', `/api/v1/goals/${id}/decision`, { decision: 'approve' })).status).toBe(403);
		expect((await as(leader, 'POST', `/api/v1/goals/${id}/decision`, { decision: 'maybe' })).status).toBe(400);
		// Two leaders' answers at once: one wins, the other is told it is no longer proposed.
		const answers = await Promise.all([as(leader, 'POST', `/api/v1/goals/${id}/decision`, { decision: 'approve' }), as(admin, 'POST', `/api/v1/goals/${id}/decision`, { decision: 'decline' })]);
		expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
		const status = answers.find((a) => a.status === 200)!.json().status;
		const listed = await listGoals('?status=all');
		expect(listed.find((g) => g.id === id)?.status).toBe(status);
	});

	test('concurrent identical goals make one; the other is a 409 naming owner', async () => {
		const body = { owner: { member: westRep.email }, metric: 'meeting', target: 12, period: { window: 'quarter' } };
		const results = await Promise.all([call('POST', '/api/v1/goals', goalsToken, body), call('POST', '/api/v1/goals', goalsToken, body), call('POST', '/api/v1/goals', goalsToken, body)]);
		expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
		expect(results.find((r) => r.status === 409)!.body).toContain('owner');
	});

	test('a split gives whole targets that add up to the parent, evenly or by last period’s share', async () => {
		const parent = await call('POST', '/api/v1/goals', goalsToken, { owner: { team: east }, metric: 'points', target: 1001, period: { window: 'year' } });
		expect(parent.status, parent.body).toBe(201);
		const id = parent.json().id;
		expect((await as(otherLeader, 'POST', `/api/v1/goals/${id}/split`, { into: 'members', by: 'even' })).status).toBe(403);
		const split = await as(leader, 'POST', `/api/v1/goals/${id}/split`, { into: 'members', by: 'even' });
		expect(split.status, split.body).toBe(200);
		expect(split.json().created).toBe(2);
		const detail = (await call('GET', `/api/v1/goals/${id}`, goalsToken)).json();
		expect(detail.children.map((c: GoalView) => c.target).sort()).toEqual([500, 501]);
		expect(detail.cascade).toMatchObject({ sum: 1001, status: 'exact' });
		// Splitting again by share updates the same children (none created), still adding up.
		const again = await as(leader, 'POST', `/api/v1/goals/${id}/split`, { into: 'members', by: 'last_period' });
		expect(again.json()).toMatchObject({ created: 0, updated: 2 });
		expect((await call('GET', `/api/v1/goals/${id}`, goalsToken)).json().cascade.sum).toBe(1001);
		// A rep goal cannot be split.
		const child = detail.children[0].id;
		expect((await call('POST', `/api/v1/goals/${child}/split`, goalsToken, { into: 'members', by: 'even' })).status).toBe(400);
	});

	test('copy to the next period makes the same goal once', async () => {
		const [goal] = await listGoals(`?owner=${encodeURIComponent(rep.email)}&period=month`);
		const first = await call('POST', `/api/v1/goals/${goal.id}/copy`, goalsToken, {});
		expect(first.status, first.body).toBe(200);
		const second = await call('POST', `/api/v1/goals/${goal.id}/copy`, goalsToken, {});
		expect(second.status).toBe(409);
		const next = await call('GET', `/api/v1/goals/${first.json().id}`, goalsToken);
		expect(Date.parse(next.json().goal.period.start)).toBe(Date.parse(goal.period.end));
		expect(next.json().goal.target).toBe(goal.target);
	});

	test('at the end (and its grace) a goal keeps its final actual and signals the attainment once', async () => {
		const created = await call('POST', '/api/v1/goals', goalsToken, { owner: { member: rep2.email }, metric: 'deal', target: 1, period: { window: 'month' } });
		expect(created.status, created.body).toBe(201);
		const id = created.json().id;
		const [goal] = (await listGoals(`?owner=${encodeURIComponent(rep2.email)}&period=month`)).filter((g) => g.id === id);
		expect(goal.actual).toBe(1);
		const signals: unknown[] = [];
		const stop = app.runtime.events.on('achievement.signal', (s) => signals.push(s));
		const later = { ...app.runtime, now: () => new Date(Date.parse(goal.period.end) + GOAL_GRACE_MS + 1000) };
		await Promise.all([finalizeGoalJob(later, id, admin.organizationId), finalizeGoalJob(later, id, admin.organizationId)]);
		stop();
		expect(signals).toEqual([expect.objectContaining({ kind: 'goal_attained', userId: rep2.userId, ref: `goal:${id}` })]);
		const row = await app.runtime.db.selectFrom('goals').select(['final_actual', 'finalized_at']).where('id', '=', id).executeTakeFirstOrThrow();
		expect(Number(row.final_actual)).toBe(1);
		// An event logged after the freeze does not change the final actual.
		await log(rep2.email, 'deal', 5);
		const detail = (await call('GET', `/api/v1/goals/${id}`, goalsToken)).json();
		expect(detail.goal.actual).toBe(1);
		expect(detail.goal.final).toBe(true);
	});

	test('reaching a rep goal live is celebrated once', async () => {
		const created = await call('POST', '/api/v1/goals', goalsToken, { owner: { member: westRep.email }, metric: 'call', target: 2, period: { window: 'month' } });
		expect(created.status, created.body).toBe(201);
		const moments: { type: string; user: { id: string }; goal?: { id: string } }[] = [];
		const stop = app.runtime.events.on('recognition.moment', ({ moment }) => moments.push(moment));
		const settle = () => new Promise((r) => setTimeout(r, 300));
		await log(westRep.email, 'call', 1);
		await settle();
		expect(moments.filter((m) => m.type === 'goal_reached')).toEqual([]);
		await Promise.all([log(westRep.email, 'call', 1), log(westRep.email, 'call', 1)]);
		await log(westRep.email, 'call', 1);
		await settle();
		stop();
		const reached = moments.filter((m) => m.type === 'goal_reached');
		expect(reached).toHaveLength(1);
		expect(reached[0]).toMatchObject({ user: { id: westRep.userId }, goal: { id: created.json().id } });
	});

	test('the goals page takes money in major units and answers a bad amount under the field', async () => {
		const bad = await admin.browser.action('/goals?/create', { ownerKind: 'team', team: west, metric: 'revenue', target: '12,000', window: 'month', offset: '0' });
		expect(bad.type).toBe('failure');
		expect(bad.type === 'failure' && bad.data.errors.target).toBeTruthy();
		const ok = await admin.browser.action('/goals?/create', { ownerKind: 'team', team: west, metric: 'revenue', target: '12000.50', window: 'month', offset: '0' });
		expect(ok.type, JSON.stringify(ok.type === 'failure' ? ok.data : '')).toBe('success');
		const [goal] = (await listGoals(`?owner=team:${west}&period=month`)).filter((g) => g.measure.key === 'revenue');
		expect(goal.target).toBe(1_200_050);
	});

	test('reading needs a session or the scope', async () => {
		const readOnly = (await addApiToken(app.runtime.db, admin.organizationId, ['leaderboards:read'], admin.userId)).token;
		expect((await call('GET', '/api/v1/goals', null)).status).toBe(401);
		expect((await call('GET', '/api/v1/goals', readOnly)).status).toBe(403);
		expect((await call('GET', '/api/v1/goals?period=someday', goalsToken)).status).toBe(400);
		expect((await as(rep, 'GET', '/api/v1/goals')).status).toBe(200);
	});
});
