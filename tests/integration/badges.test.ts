// Badges against the real app (PGlite and the memory store, or Postgres and Redis): admins define badges
// (a rule that can never fire is a 400 naming the field, writing nothing), an event stream through the
// API awards the right badges exactly once (also with concurrent requests and concurrent evaluations),
// the rep's socket hears each moment once, signals count once per ref, levels are reached once, manual
// awards are for leaders and admins with a reason in the audit log, and the API lists definitions and awards.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { uniqueSuffix } from '../helpers/env';
import { closeAllSockets, collect, connectSocket, settled } from '../helpers/sockets';
import { engineIdle, evaluateScores, evaluateSignal } from '../../src/lib/server/recognition/badge.engine';
import { createContest } from '../../src/lib/server/contests/contest.service';
import { finalizeContest } from '../../src/lib/server/contests/contest.lifecycle';
import type { RecognitionMoment } from '../../src/lib/shared/recognition';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let admin: SignedUp;
let rep: Member;
let other: Member;
let leader: Member;
let eventsToken: string;
let badgesToken: string;

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	const team = await createTeam(app, admin);
	const otherTeam = await createTeam(app, admin);
	rep = await addMember(app, admin, 'rep', team);
	other = await addMember(app, admin, 'rep', team);
	leader = await addMember(app, admin, 'leader', otherTeam);
	await sql`insert into team_leaders (team_id, user_id, organization_id) values (${otherTeam}, ${leader.userId}, ${admin.organizationId})`.execute(app.runtime.db);
	eventsToken = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
	badgesToken = (await addApiToken(app.runtime.db, admin.organizationId, ['badges:read'], admin.userId)).token;
}, APP_START_TIMEOUT);

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

const post = (events: unknown[]) =>
	app.browser().request('POST', '/api/v1/events', { headers: { 'content-type': 'application/json', authorization: `Bearer ${eventsToken}` }, body: JSON.stringify({ events }) });
const call = (user: string, at = new Date()) => ({ id: `call-${uniqueSuffix()}`, metric: 'call', user, value: 1, occurredAt: at.toISOString() });

async function awardsOf(userId: string, badgeId?: string) {
	let q = app.runtime.db.selectFrom('badge_awards').select(['badge_id', 'tier', 'period_key', 'user_id', 'id']).where('organization_id', '=', admin.organizationId).where('user_id', '=', userId);
	if (badgeId) q = q.where('badge_id', '=', badgeId);
	return q.orderBy('tier').execute();
}
const badgeCount = async () => Number((await sql<{ n: string }>`select count(*) as n from badges where organization_id = ${admin.organizationId}`.execute(app.runtime.db)).rows[0].n);

async function createBadge(fields: Record<string, string>) {
	const result = await admin.browser.action('/admin/badges?/create', { 'name.en': `Badge ${uniqueSuffix()}`, icon: 'phone', ...fields });
	expect(result.type, JSON.stringify(result.type === 'failure' ? result.data : '')).toBe('success');
	const row = await app.runtime.db.selectFrom('badges').select('id').where('organization_id', '=', admin.organizationId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
	return row.id;
}

describe('badge definitions', () => {
	test('rules that can never fire, or read what does not exist, are 400 naming the field, and nothing is written', async () => {
		const before = await badgeCount();
		const cases: [Record<string, string>, string][] = [
			[{ kind: 'window', metric: 'call', window: 'day', threshold: '0' }, 'threshold'],
			[{ kind: 'window', metric: 'call', window: 'day', tiered: 'on', bronze: '5', silver: '3', gold: '9' }, 'silver'],
			[{ kind: 'streak', metric: 'call', perDay: '5', window: 'week', threshold: '6' }, 'window'],
			[{ kind: 'window', metric: 'telepathy', window: 'day', threshold: '3' }, 'metric'],
			[{ kind: 'window', metric: 'call', window: 'day', threshold: '3', icon: 'unicorn' }, 'icon'],
			[{ kind: 'window', metric: 'call', window: 'day', threshold: '3', 'name.en': '' }, 'name']
		];
		for (const [fields, field] of cases) {
			const result = await admin.browser.action('/admin/badges?/create', { 'name.en': 'Bad', icon: 'phone', ...fields });
			expect(result.type, field).toBe('failure');
			expect(result.status, field).toBe(400);
			expect(Object.keys((result as { data: { errors: object } }).data.errors), field).toEqual([field]);
		}
		expect(await badgeCount()).toBe(before);
	});

	test('reps and leaders cannot define badges', async () => {
		for (const who of [rep, leader]) {
			const result = await who.browser.action('/admin/badges?/create', { 'name.en': 'Mine', icon: 'star', kind: 'manual' });
			expect(result.status).toBe(403);
		}
	});
});

describe('an event stream through the API', () => {
	test('awards the right tiers exactly once, and the rep hears each moment once', async () => {
		const badgeId = await createBadge({ kind: 'window', metric: 'call', window: 'day', measure: 'count', tiered: 'on', bronze: '2', silver: '4', gold: '50' });
		const socket = await connectSocket(app.url, `podium_session=${rep.token}`);
		const moments = collect<RecognitionMoment>(socket, 'recognition:moment');
		expect((await post([call(rep.email)])).status).toBe(200);
		await engineIdle();
		expect(await awardsOf(rep.userId, badgeId)).toEqual([]);
		await post([call(rep.email), call(other.email)]);
		await engineIdle();
		expect((await awardsOf(rep.userId, badgeId)).map((a) => a.tier)).toEqual(['bronze']);
		// Ten concurrent requests, each a call: silver once, bronze still once, gold not yet.
		await Promise.all(Array.from({ length: 10 }, () => post([call(rep.email)])));
		await engineIdle();
		const held = await awardsOf(rep.userId, badgeId);
		expect(held.map((a) => a.tier).sort()).toEqual(['bronze', 'silver']);
		expect(new Set(held.map((a) => a.period_key)).size).toBe(1);
		await settled(socket);
		const mine = moments.filter((m) => m.badge?.id === badgeId && m.user.id === rep.userId);
		expect(mine.map((m) => m.badge?.tier)).toEqual(['bronze', 'silver']);
		expect(new Set(mine.map((m) => m.id)).size).toBe(mine.length);
		expect(mine.every((m) => held.some((a) => `badge:${a.id}` === m.id))).toBe(true);
		// A colleague with one call holds nothing.
		expect(await awardsOf(other.userId, badgeId)).toEqual([]);
	});

	test('the first deal is awarded once, whatever the number of deals', async () => {
		const badgeId = await createBadge({ kind: 'first_time', metric: 'deal', icon: 'handshake' });
		await post([{ ...call(other.email), metric: 'deal' }]);
		await post([{ ...call(other.email), metric: 'deal' }, { ...call(other.email), metric: 'deal' }]);
		await engineIdle();
		expect(await awardsOf(other.userId, badgeId)).toHaveLength(1);
	});

	test('concurrent evaluations of the same events award once and announce once', async () => {
		const badgeId = await createBadge({ kind: 'window', metric: 'meeting', window: 'week', threshold: '1', icon: 'coffee' });
		await post([{ ...call(other.email), metric: 'meeting' }]);
		await engineIdle();
		await sql`delete from badge_awards where badge_id = ${badgeId}`.execute(app.runtime.db);
		const heard: RecognitionMoment[] = [];
		const stop = app.runtime.events.on('recognition.moment', ({ moment }) => moment.badge?.id === badgeId && heard.push(moment));
		const event = { id: 1, orgSeq: 1, metricKey: 'meeting', userId: other.userId, teamId: null, value: 1, points: 0, occurredAt: new Date() };
		const deps = { db: app.runtime.db, events: app.runtime.events, clock: app.runtime.scheduler.clock };
		const results = await Promise.all(Array.from({ length: 8 }, () => evaluateScores(deps, admin.organizationId, [event])));
		stop();
		expect(results.map((r) => r.length).reduce((a, b) => a + b, 0)).toBe(1);
		expect(await awardsOf(other.userId, badgeId)).toHaveLength(1);
		expect(heard).toHaveLength(1);
	});

	test('a streak of working days: a weekend in between does not break it', async () => {
		const badgeId = await createBadge({ kind: 'streak', metric: 'call', perDay: '2', window: 'all', threshold: '3', icon: 'flame' });
		// Thursday, Friday and Monday in Berlin, two calls each: a three-day streak across the weekend.
		const days = ['2026-11-19T10:00:00Z', '2026-11-20T10:00:00Z', '2026-11-23T10:00:00Z'];
		const streaker = await addMember(app, admin, 'rep');
		for (const day of days) await post([call(streaker.email, new Date(day)), call(streaker.email, new Date(day))]);
		await engineIdle();
		expect((await awardsOf(streaker.userId, badgeId)).map((a) => a.period_key)).toEqual(['streak:2026-11-19']);
	});
	test('a personal best day is awarded when a rep beats their best earlier day, once that day', async () => {
		const badgeId = await createBadge({ kind: 'personal_best', metric: 'meeting', measure: 'count', window: 'day', icon: 'rocket' });
		const runner = await addMember(app, admin, 'rep');
		const day = (d: string) => new Date(`${d}T09:00:00Z`);
		await post([{ ...call(runner.email, day('2026-11-23')), metric: 'meeting' }, { ...call(runner.email, day('2026-11-23')), metric: 'meeting' }]);
		await post([{ ...call(runner.email, day('2026-11-24')), metric: 'meeting' }]);
		await engineIdle();
		expect(await awardsOf(runner.userId, badgeId)).toEqual([]);
		for (let i = 0; i < 4; i++) await post([{ ...call(runner.email, day('2026-11-25')), metric: 'meeting' }]);
		await engineIdle();
		expect((await awardsOf(runner.userId, badgeId)).map((a) => a.period_key)).toEqual(['2026-11-25']);
	});

	test('a new badge evaluated over the past awards silently what members already did', async () => {
		const silent: RecognitionMoment[] = [];
		const stop = app.runtime.events.on('recognition.moment', ({ moment }) => moment.type === 'badge_awarded' && silent.push(moment));
		const result = await admin.browser.action('/admin/badges?/create', { 'name.en': 'Caller of the past', icon: 'clock', kind: 'window', metric: 'call', window: 'day', threshold: '2', backfill: 'on' });
		stop();
		expect(result.type).toBe('success');
		expect((result as { data: { done: string } }).data.done).toMatch(/^Badge created and awarded \d+ times? for past activity\.$|^Badge created and awarded once/);
		const badge = await app.runtime.db.selectFrom('badges').select('id').where('organization_id', '=', admin.organizationId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
		const held = await app.runtime.db.selectFrom('badge_awards').select(['user_id', 'period_key']).where('badge_id', '=', badge.id).execute();
		// The rep's busy day and the streaker's three days of two calls each.
		expect(held.some((a) => a.user_id === rep.userId)).toBe(true);
		expect(held.filter((a) => a.period_key.startsWith('2026-11-'))).not.toHaveLength(0);
		expect(silent).toEqual([]);
	});

	test('holidays: a bad date is a 400 naming the day, and nothing is written', async () => {
		const bad = await admin.browser.action('/admin/badges?/addHoliday', { day: '2026-02-30', name: 'Nope' });
		expect([bad.status, Object.keys((bad as { data: { errors: object } }).data.errors)]).toEqual([400, ['day']]);
		expect((await admin.browser.action('/admin/badges?/addHoliday', { day: '2026-12-24', name: 'Christmas Eve' })).type).toBe('success');
		const days = await app.runtime.db.selectFrom('org_holidays').select('day').where('organization_id', '=', admin.organizationId).execute();
		expect(days.map((d) => d.day)).toEqual(['2026-12-24']);
	});
});

describe('achievement signals and levels', () => {
	test('a signal heard twice counts once; the badge comes with the second distinct one', async () => {
		const badgeId = await createBadge({ kind: 'signal', signal: 'kudos_received', window: 'all', threshold: '2', icon: 'heart' });
		const deps = { db: app.runtime.db, events: app.runtime.events, clock: app.runtime.scheduler.clock };
		const signal = { organizationId: admin.organizationId, userId: rep.userId, kind: 'kudos_received' as const, ref: `kudos:${uniqueSuffix()}`, at: new Date() };
		await Promise.all([evaluateSignal(deps, signal), evaluateSignal(deps, signal), evaluateSignal(deps, signal)]);
		expect(await awardsOf(rep.userId, badgeId)).toEqual([]);
		app.runtime.events.emit('achievement.signal', { ...signal, ref: `kudos:${uniqueSuffix()}` });
		await engineIdle();
		expect(await awardsOf(rep.userId, badgeId)).toHaveLength(1);
		const rows = await sql<{ n: string }>`select count(*) as n from achievement_signals where organization_id = ${admin.organizationId} and user_id = ${rep.userId}`.execute(app.runtime.db);
		expect(Number(rows.rows[0].n)).toBe(2);
	});

	test('crossing 500 lifetime points reaches Closer once', async () => {
		const climber = await addMember(app, admin, 'rep');
		const socket = await connectSocket(app.url, `podium_session=${climber.token}`);
		const moments = collect<RecognitionMoment>(socket, 'recognition:moment');
		// A deal is worth 50 points: ten of them, concurrently, make 500.
		await Promise.all(Array.from({ length: 10 }, () => post([{ ...call(climber.email), metric: 'deal' }])));
		await post([{ ...call(climber.email), metric: 'deal' }]);
		await engineIdle();
		await settled(socket);
		const ups = () => moments.filter((m) => m.type === 'level_up' && m.user.id === climber.userId).map((m) => m.level?.name.en);
		// The push may trail the engine's last write by a moment: wait for it, then make sure it came once.
		await vi.waitFor(() => expect(ups()).toContain('Closer'), { timeout: 5000, interval: 50 });
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(ups()).toEqual(['Closer']);
		const page = await climber.browser.get(`/people/${climber.userId}`);
		expect(page.status).toBe(200);
		expect(page.body).toContain('Closer');
	});
	test('a contest that freezes signals its winner, who earns the champion badge once', async () => {
		const badgeId = await createBadge({ kind: 'signal', signal: 'contest_won', window: 'all', threshold: '1', icon: 'trophy' });
		const placedId = await createBadge({ kind: 'signal', signal: 'contest_placed', window: 'all', threshold: '1', icon: 'medal' });
		const actor = { userId: admin.userId, organizationId: admin.organizationId, role: 'admin' as const };
		const { id } = await createContest(app.runtime, actor, {
			name: 'Quick race',
			format: 'race',
			scoring: { metrics: [{ metric: 'call', weight: 1 }] },
			startsAt: new Date(Date.now() + 60_000).toISOString(),
			endsAt: new Date(Date.now() + 120_000).toISOString(),
			participants: { members: [rep.email, other.email] },
			places: 2
		});
		const start = new Date(Date.now() - 60_000);
		const end = new Date(Date.now() - 1_000);
		await sql`update contests set starts_at = ${start}, ends_at = ${end}, grace_minutes = 0, status = 'ended' where id = ${id}`.execute(app.runtime.db);
		await post([call(rep.email, new Date(start.getTime() + 10_000)), call(rep.email, new Date(start.getTime() + 20_000)), call(other.email, new Date(start.getTime() + 30_000))]);
		await engineIdle();
		const [first, second] = await Promise.all([finalizeContest(app.runtime, id), finalizeContest(app.runtime, id)]);
		expect([first, second].filter(Boolean)).toHaveLength(1);
		await engineIdle();
		expect(await awardsOf(rep.userId, badgeId)).toHaveLength(1);
		expect(await awardsOf(other.userId, badgeId)).toHaveLength(0);
		expect(await awardsOf(other.userId, placedId)).toHaveLength(1);
		expect(await awardsOf(rep.userId, placedId)).toHaveLength(1);
	});
});

describe('manual awards', () => {
	test('leaders of the rep’s teams and admins award with a reason; others are refused; twice a day is once', async () => {
		const badgeId = await createBadge({ kind: 'manual', icon: 'crown' });
		const path = `/people/${rep.userId}?/award`;
		expect((await rep.browser.action(`/people/${other.userId}?/award`, { badgeId, reason: 'Great' })).status).toBe(403);
		expect((await leader.browser.action(path, { badgeId, reason: 'Great' })).status).toBe(403);
		const noReason = await admin.browser.action(path, { badgeId, reason: '' });
		expect([noReason.status, Object.keys((noReason as { data: { errors: object } }).data.errors)]).toEqual([400, ['reason']]);
		expect(await awardsOf(rep.userId, badgeId)).toEqual([]);
		const [first, second] = await Promise.all([admin.browser.action(path, { badgeId, reason: 'Saved the Acme deal' }), admin.browser.action(path, { badgeId, reason: 'Saved the Acme deal' })]);
		expect([first.status, second.status].sort()).toEqual([200, 409]);
		expect(await awardsOf(rep.userId, badgeId)).toHaveLength(1);
		const audit = await app.runtime.db.selectFrom('audit_log').select(['action', 'data']).where('organization_id', '=', admin.organizationId).where('action', '=', 'badge.award').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0].data).toMatchObject({ badgeId, reason: 'Saved the Acme deal' });
		const ruled = (await app.runtime.db.selectFrom('badges').select('id').where('organization_id', '=', admin.organizationId).where(sql`rule->>'kind'`, '=', 'first_time').executeTakeFirstOrThrow()).id;
		expect((await admin.browser.action(path, { badgeId: ruled, reason: 'x' })).status).toBe(409);
	});

	test('an award shows in the leaderboard’s activity feed for colleagues, with the badge’s name', async () => {
		const name = `Deal saver ${uniqueSuffix()}`;
		const created = await admin.browser.action('/admin/badges?/create', { 'name.en': name, icon: 'shield', kind: 'manual' });
		expect(created.type).toBe('success');
		const badge = await app.runtime.db.selectFrom('badges').select('id').where('organization_id', '=', admin.organizationId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
		const who = await app.runtime.db.selectFrom('users').select('name').where('id', '=', other.userId).executeTakeFirstOrThrow();
		expect((await admin.browser.action(`/people/${other.userId}?/award`, { badgeId: badge.id, reason: 'Rescued the renewal' })).status).toBe(200);
		// A colleague's page: the feed weaves the award in among the events.
		const page = await rep.browser.get('/leaderboards');
		expect(page.status).toBe(200);
		const row = page.body.match(/data-testid="feed-moment"[^]*?<\/li>/g)?.find((li) => li.includes(name));
		expect(row).toBeDefined();
		expect(row).toContain(`${who.name} earned ${name}`);
	});
});

describe('the badges API', () => {
	test('lists definitions and a member’s awards with a badges:read token', async () => {
		const get = (path: string, token?: string) => app.browser().get(path, token ? { authorization: `Bearer ${token}` } : {});
		expect((await get('/api/v1/badges')).status).toBe(401);
		expect((await get('/api/v1/badges', eventsToken)).status).toBe(403);
		const list = await get('/api/v1/badges', badgesToken);
		expect(list.status).toBe(200);
		const badges = list.json().badges;
		expect(badges.length).toBeGreaterThanOrEqual(5);
		expect(badges.find((b: { rule: { kind: string } }) => b.rule.kind === 'window')).toMatchObject({ icon: 'phone', steps: [{ tier: 'bronze', threshold: 2 }, { tier: 'silver', threshold: 4 }, { tier: 'gold', threshold: 50 }] });
		for (const ref of [rep.email.toUpperCase(), rep.userId]) {
			const awards = await get(`/api/v1/badges/awards?user=${encodeURIComponent(ref)}`, badgesToken);
			expect(awards.status).toBe(200);
			expect(awards.json().user.id).toBe(rep.userId);
			expect(awards.json().awards.map((a: { tier: string | null }) => a.tier)).toEqual(expect.arrayContaining(['bronze', 'silver', null]));
		}
		const missing = await get('/api/v1/badges/awards', badgesToken);
		expect([missing.status, Object.keys(missing.json().fields)]).toEqual([400, ['user']]);
		expect((await get('/api/v1/badges/awards?user=nobody@example.test', badgesToken)).status).toBe(404);
	});

	test('the preview shows who would hold a badge today, before it is saved', async () => {
		const before = await badgeCount();
		const result = await admin.browser.action('/admin/badges?/preview', { 'name.en': 'Dialer', icon: 'phone', kind: 'window', metric: 'call', window: 'day', threshold: '5' });
		expect(result.type).toBe('success');
		const names = (result as { data: { preview: { name: string }[] } }).data.preview.map((h) => h.name);
		const repName = (await app.runtime.db.selectFrom('users').select('name').where('id', '=', rep.userId).executeTakeFirstOrThrow()).name;
		expect(names).toEqual([repName]);
		expect(await badgeCount()).toBe(before);
	});
});
