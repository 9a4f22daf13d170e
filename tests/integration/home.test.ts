// The home page against the real app (and real Postgres and Redis in CI's second pass): a rep's figures
// today against yesterday, their month rank and its change since yesterday worked out from the log,
// who to pass next, duels waiting, kudos received; a leader's team version shows their reps (and only
// theirs) behind pace and active today; anonymous visitors are sent to sign in.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { homeOf } from '../../src/lib/server/home/home.service';
import { createContest } from '../../src/lib/server/contests/contest.service';
import { giveKudos } from '../../src/lib/server/recognition/kudos.service';
import { createValue } from '../../src/lib/server/recognition/values.service';
import { orgClock } from '../../src/lib/server/scoring/live.service';
import { periodOf } from '../../src/lib/shared/time-windows';
import type { Actor } from '../../src/lib/server/org/actor';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let admin: SignedUp;
let east: string;
let west: string;
let leader: Member;
let westLeader: Member;
let rep: Member;
let rep2: Member;
let westRep: Member;
let eventsToken: string;
let goalsToken: string;
const repName = 'Rita Rapid';
const rep2Name = 'Sam Steady';

const actor = (m: { userId: string; organizationId: string }, role: Actor['role']): Actor => ({ userId: m.userId, organizationId: m.organizationId, role });
const DAY = 86_400_000;

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	east = await createTeam(app, admin, 'East');
	west = await createTeam(app, admin, 'West');
	leader = await addMember(app, admin, 'leader', east);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: east, name: 'East', leaderIds: [leader.userId] })).toMatchObject({ type: 'success' });
	westLeader = await addMember(app, admin, 'leader', west);
	expect(await admin.browser.action('/admin/teams?/update', { teamId: west, name: 'West', leaderIds: [westLeader.userId] })).toMatchObject({ type: 'success' });
	rep = await addMember(app, admin, 'rep', east, repName);
	rep2 = await addMember(app, admin, 'rep', east, rep2Name);
	westRep = await addMember(app, admin, 'rep', west);
	eventsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
	goalsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['goals:read', 'goals:write'], admin.userId)).token;
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const call = (method: string, path: string, token: string, body?: unknown) =>
	app.browser().request(method, path, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function log(user: string, metric: string, value: number, at: Date) {
	const res = await call('POST', '/api/v1/events', eventsToken, { events: [{ id: `h-${crypto.randomUUID()}`, metric, user, value, occurredAt: at.toISOString() }] });
	expect(res.status, res.body).toBeLessThan(300);
}

describe('home', () => {
	test('anonymous visitors are sent to sign in; members get their home', async () => {
		const anonymous = await app.browser().get('/');
		expect([anonymous.status, anonymous.headers.location]).toEqual([303, '/login']);
		const page = await rep.browser.get('/');
		expect(page.status).toBe(200);
		expect(page.body).toContain('Your rank this month');
		const leaderPage = await leader.browser.get('/');
		expect(leaderPage.status).toBe(200);
		expect(leaderPage.body).toContain('Behind pace');
	});

	test("a rep's figures, rank and its change since yesterday come from the log; a leader sees their own reps", async () => {
		const now = new Date();
		const yesterday = new Date(now.getTime() - DAY);
		// Yesterday Sam led (6 calls to 2); today Rita made 5 calls and Sam none: Rita passes Sam.
		await log(rep.email, 'call', 2, yesterday);
		await log(rep2.email, 'call', 6, yesterday);
		await log(rep.email, 'call', 5, now);
		await log(westRep.email, 'call', 1, now);

		const home = await homeOf(app.runtime, actor(rep, 'rep'), 'en', now);
		expect(home.kind).toBe('rep');
		const calls = home.figures.find((f) => f.key === 'call')!;
		expect([calls.today, calls.yesterday]).toEqual([5, 2]);
		const points = home.figures.find((f) => f.key === 'points')!;
		const perCall = points.today / 5;
		expect(perCall).toBeGreaterThan(0);
		expect(points.yesterday).toBe(2 * perCall);
		expect(home.trend).toHaveLength(14);
		expect(home.trend.at(-1)!.points).toBe(5 * perCall);

		const clock = await orgClock(app.runtime.db, admin.organizationId);
		const firstOfMonth = periodOf('day', now, clock).start.getTime() === periodOf('month', now, clock).start.getTime();
		// On the first of the month the month's board holds only today's calls (Rita 5, the West rep 1).
		expect(home.rank).toMatchObject({ rank: 1, of: firstOfMonth ? 2 : 3, score: (firstOfMonth ? 5 : 7) * perCall, next: null });
		// On the first of the month yesterday belongs to last month's board: no change to show.
		expect(home.rank!.yesterday).toBe(firstOfMonth ? null : 2);

		const second = await homeOf(app.runtime, actor(rep2, 'rep'), 'en', now);
		// On the first of the month Sam has not scored this month: not on the board yet.
		expect(second.rank).toMatchObject(firstOfMonth ? { rank: null, score: 0 } : { rank: 2, score: 6 * perCall });
		if (!firstOfMonth) {
			expect(second.rank!.yesterday).toBe(1);
			expect(second.rank!.next).toEqual({ name: repName, gap: perCall + 1 });
		}

		// The leader's team version: East's reps only, one of two active today.
		const team = await homeOf(app.runtime, actor(leader, 'leader'), 'en', now);
		expect(team.kind).toBe('team');
		expect(team.rank).toBeNull();
		expect(team.team).toMatchObject({ members: 2, activeToday: 1 });
		expect(team.team!.movers.map((m) => m.name)).toEqual([repName]);
		expect(team.figures.find((f) => f.key === 'call')).toMatchObject({ today: 5, yesterday: 8 });
		const west_ = await homeOf(app.runtime, actor(westLeader, 'leader'), 'en', now);
		expect(west_.figures.find((f) => f.key === 'call')).toMatchObject({ today: 1, yesterday: 0 });
		expect(west_.team!.movers.map((m) => m.id)).toEqual([westRep.userId]);
	});

	test("a leader's team version lists their reps behind pace, and no one else's", async () => {
		const res = await call('POST', '/api/v1/goals', goalsToken, { owner: { member: rep2.email }, metric: 'call', target: 5000, period: { window: 'month' } });
		expect(res.status, res.body).toBe(201);
		const westGoal = await call('POST', '/api/v1/goals', goalsToken, { owner: { member: westRep.email }, metric: 'call', target: 5000, period: { window: 'month' } });
		expect(westGoal.status, westGoal.body).toBe(201);
		const team = await homeOf(app.runtime, actor(leader, 'leader'), 'en');
		const behind = team.team!.behind.map((g) => (g.owner.kind === 'member' ? g.owner.id : null));
		expect(behind).toContain(rep2.userId);
		expect(behind).not.toContain(westRep.userId);
		// The rep sees their own goal with its pace, and what to do about it.
		const mine = await homeOf(app.runtime, actor(rep2, 'rep'), 'en');
		expect(mine.goals.map((g) => g.target)).toEqual([5000]);
		expect(mine.goals[0].needPerDay).toBeGreaterThan(0);
		const page = await leader.browser.get('/');
		expect(page.body).toContain(rep2Name);
	});

	test('duels waiting for an answer and kudos received show on the rep’s home', async () => {
		const start = new Date(Date.now() + 60_000);
		const { id } = await createContest(app.runtime, actor(rep2, 'rep'), {
			name: 'Call duel',
			format: 'duel',
			scoring: { metrics: [{ metric: 'call', weight: 1 }] },
			startsAt: start.toISOString(),
			endsAt: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
			participants: { members: [rep.email] }
		});
		const value = await createValue(app.runtime.db, actor(admin, 'admin'), { name: { en: 'Team first', 'zh-CN': '团队优先' }, emoji: '🤝' });
		await giveKudos(app.runtime, actor(rep2, 'rep'), { to: [rep.userId], value: value.id, message: 'Thanks for the intro call', points: 5 });
		const home = await homeOf(app.runtime, actor(rep, 'rep'), 'en');
		expect(home.duels).toEqual([{ id, name: 'Call duel', challenger: rep2Name }]);
		expect(home.kudos.map((k) => k.message)).toEqual(['Thanks for the intro call']);
		// Neither is the challenger's to answer or to have received.
		const challenger = await homeOf(app.runtime, actor(rep2, 'rep'), 'en');
		expect(challenger.duels).toEqual([]);
		expect(challenger.kudos).toEqual([]);
		const page = await rep.browser.get('/');
		expect(page.body).toContain('Thanks for the intro call');
	});
});
