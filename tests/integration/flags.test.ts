// Anti-gaming flags and the analytics API against the real app (and real Postgres and Redis in CI's
// second pass): seeded events raise exactly the expected flags and none for a normal rep; a rerun (even
// three at once) stores nothing twice; of two dismissals at once exactly one wins, the other is a 409
// that says so, and the dismissal is audited; leaders see their teams' flags, admins the organization's,
// reps none; the CSV export is Excel-ready and safe; the analytics API answers what the pages show.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { ingestEvents, voidEvent } from '../../src/lib/server/scoring/event.service';
import { scanOrganization } from '../../src/lib/server/coaching/flags.service';
import { orgClock } from '../../src/lib/server/scoring/live.service';
import { periodOf, shiftPeriod } from '../../src/lib/shared/time-windows';

vi.setConfig({ testTimeout: 120_000 });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let app: App;
let admin: SignedUp;
let otherAdmin: SignedUp;
let leader: Member;
let otherLeader: Member;
let spiky: Member;
let steady: Member;
let voider: Member;
let noter: Member;
let buncher: Member;
let quiet: Member;
let westRep: Member;
let east: string;
let west: string;
const now = new Date();

const asRep = (m: Member) => ({ organizationId: admin.organizationId, source: 'manual' as const, actorId: m.userId });
const api = () => ({ organizationId: admin.organizationId, source: 'api' as const, actorId: null });
const item = (m: Member, value: number, at: Date, note?: string, metric = 'call') => ({ id: `t-${crypto.randomUUID()}`, metric, user: m.email, value, occurredAt: at.toISOString(), ...(note ? { note } : {}) });

async function ingest(ctx: Parameters<typeof ingestEvents>[1], items: unknown[]) {
	const results = await ingestEvents(app.runtime, ctx, items);
	for (const r of results) expect(r.status, JSON.stringify(r)).toBe('accepted');
	return results.map((r) => r.eventId!);
}

const flagRows = () => app.runtime.db.selectFrom('coaching_flags').selectAll().where('organization_id', '=', admin.organizationId).execute();

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	otherAdmin = await signUpOrganization(app);
	// A team name a spreadsheet would run as a formula, to prove the CSV defuses it.
	const names = { east: `=East ${crypto.randomUUID().slice(0, 6)}`, west: `West ${crypto.randomUUID().slice(0, 6)}` };
	east = await createTeam(app, admin, names.east);
	west = await createTeam(app, admin, names.west);
	leader = await addMember(app, admin, 'leader', east);
	otherLeader = await addMember(app, admin, 'leader', west);
	for (const [team, who] of [[east, leader], [west, otherLeader]] as const) {
		expect(await admin.browser.action('/admin/teams?/update', { teamId: team, name: team === east ? names.east : names.west, leaderIds: [who.userId] })).toMatchObject({ type: 'success' });
	}
	spiky = await addMember(app, admin, 'rep', east, '张伟');
	steady = await addMember(app, admin, 'rep', east);
	voider = await addMember(app, admin, 'rep', east);
	noter = await addMember(app, admin, 'rep', east);
	buncher = await addMember(app, admin, 'rep', east);
	quiet = await addMember(app, admin, 'rep', east);
	westRep = await addMember(app, admin, 'rep', west);

	// Ten days of 4–6 self-reported calls, then 40 yesterday (spiky) or 6 (steady).
	const usual = [4, 5, 6, 5, 5, 4, 6, 5, 5, 5];
	for (const m of [spiky, steady]) await ingest(asRep(m), usual.map((v, i) => item(m, v, new Date(now.getTime() - (10 + i) * DAY))));
	await ingest(asRep(spiky), [item(spiky, 40, new Date(now.getTime() - DAY))]);
	await ingest(asRep(steady), [item(steady, 6, new Date(now.getTime() - DAY), 'Called about the renewal')]);

	// Ten events from the CRM a minute ago, four of them voided by the leader.
	const crm = await ingest(api(), Array.from({ length: 10 }, () => item(voider, 1, new Date(now.getTime() - 60_000))));
	for (const id of crm.slice(0, 4)) await voidEvent(app.runtime, { organizationId: admin.organizationId, actorId: leader.userId, canVoid: () => true }, { eventId: id, reason: 'Duplicate from the CRM' });

	// Six self-reports with the same note (spelled a little differently), two with others.
	const same = ['Called the client about renewal', 'called the client about renewal.', 'Called  the client about RENEWAL', 'Called the client about renewal', 'Called the client about renewal!', 'Called the client about renewal'];
	await ingest(asRep(noter), [...same, 'Demo for the new prospect', 'Sent the quote'].map((note, i) => item(noter, 1, new Date(now.getTime() - (i + 1) * 60_000), note)));

	// Last month: two early events, eight in its last day.
	const clock = await orgClock(app.runtime.db, admin.organizationId);
	const lastMonth = shiftPeriod(periodOf('month', now, clock), -1, clock);
	await ingest(api(), [
		item(buncher, 1, new Date(lastMonth.start.getTime() + 2 * DAY)),
		item(buncher, 1, new Date(lastMonth.start.getTime() + 5 * DAY)),
		...Array.from({ length: 8 }, (_, i) => item(buncher, 1, new Date(lastMonth.end.getTime() - (i + 2) * HOUR)))
	]);
	// West: one rep, one event.
	await ingest(api(), [item(westRep, 2, new Date(now.getTime() - HOUR))]);
}, APP_START_TIMEOUT + 120_000);

afterAll(async () => {
	await app?.close();
});

describe('detection', () => {
	test('the seeded events raise exactly the expected flags, and none for a normal rep', async () => {
		expect(await scanOrganization(app.runtime.db, admin.organizationId, now)).toBe(4);
		const rows = await flagRows();
		const byRep = (m: Member) => rows.filter((r) => r.user_id === m.userId).map((r) => r.kind);
		expect(byRep(spiky)).toEqual(['self_report_spike']);
		expect(byRep(voider)).toEqual(['voids']);
		expect(byRep(noter)).toEqual(['duplicate_notes']);
		expect(byRep(buncher)).toEqual(['bunching']);
		for (const m of [steady, quiet, westRep]) expect(byRep(m)).toEqual([]);
		const spike = rows.find((r) => r.kind === 'self_report_spike')!;
		expect((spike.details as { metrics: { key: string; value: number; median: number }[] }).metrics).toMatchObject([{ key: 'call', value: 40, median: 5 }]);
		expect(spike.event_ids).toHaveLength(1);
		const notes = rows.find((r) => r.kind === 'duplicate_notes')!;
		expect(notes.event_ids).toHaveLength(6);
		expect((notes.details as { notes: { count: number }[] }).notes).toMatchObject([{ count: 6 }]);
		const voids = rows.find((r) => r.kind === 'voids')!;
		expect(voids.details).toMatchObject({ voided: 4, total: 10, rate: 0.4 });
		expect(voids.event_ids).toHaveLength(4);
		const bunch = rows.find((r) => r.kind === 'bunching')!;
		expect(bunch.details).toMatchObject({ inWindow: 8, total: 10, share: 0.8 });
	});

	test('a rerun, even three at once, stores nothing twice', async () => {
		const before = await flagRows();
		const again = await Promise.all([0, 1, 2].map(() => scanOrganization(app.runtime.db, admin.organizationId, now)));
		expect(again).toEqual([0, 0, 0]);
		expect((await flagRows()).map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
		// "Scan now" on the page does the same.
		const scanned = await leader.browser.action('/team/flags?/scan');
		expect(scanned).toMatchObject({ type: 'success', data: { done: 'Scan done: nothing new.' } });
		expect(await flagRows()).toHaveLength(4);
	});

	test('an organization with no events scans to nothing', async () => {
		expect(await scanOrganization(app.runtime.db, otherAdmin.organizationId, now)).toBe(0);
	});
});

describe('bunching before a contest end', () => {
	test('most of a rep’s events in the last 48 hours of a contest raise one flag for that contest', async () => {
		const sprinter = await addMember(app, admin, 'rep', east);
		const start = new Date(now.getTime() - 10 * DAY);
		const end = new Date(now.getTime() - 2 * DAY);
		const contest = await app.runtime.db
			.insertInto('contests')
			.values({ organization_id: admin.organizationId, name: JSON.stringify({ en: 'November sprint' }), format: 'race', scoring: JSON.stringify('points'), rank_by: 'total', starts_at: start, ends_at: end, status: 'final', frozen_at: end, updated_at: end })
			.returning('id')
			.executeTakeFirstOrThrow();
		await ingest(api(), [item(sprinter, 1, new Date(start.getTime() + DAY)), item(sprinter, 1, new Date(start.getTime() + 2 * DAY)), ...Array.from({ length: 6 }, (_, i) => item(sprinter, 1, new Date(end.getTime() - (i + 1) * 3 * HOUR)))]);
		const before = new Set((await flagRows()).map((r) => r.id));
		expect(await scanOrganization(app.runtime.db, admin.organizationId, now)).toBeGreaterThanOrEqual(1);
		const added = (await flagRows()).filter((r) => !before.has(r.id));
		expect(added.every((r) => r.user_id === sprinter.userId)).toBe(true);
		const flag = added.find((r) => r.window_key === `contest:${contest.id}`)!;
		expect(flag.kind).toBe('bunching');
		expect(flag.details).toMatchObject({ boundary: 'contest', inWindow: 6, total: 8, share: 0.75, contest: { id: contest.id, name: { en: 'November sprint' } } });
		expect(flag.event_ids).toHaveLength(6);
		expect(await scanOrganization(app.runtime.db, admin.organizationId, now)).toBe(0);
		// Out of the way of the counts below.
		await app.runtime.db.deleteFrom('coaching_flags').where('id', 'in', added.map((r) => r.id)).execute();
		expect(await admin.browser.action('/admin/members?/deactivate', { userId: sprinter.userId })).toMatchObject({ type: 'success' });
	});
});

describe('who sees flags', () => {
	test('the page: leaders their teams, admins everyone, reps never', async () => {
		const mine = await leader.browser.get('/team/flags?status=all');
		expect(mine.status).toBe(200);
		expect(mine.body.match(/data-testid="flag"/g)).toHaveLength(4);
		expect(mine.body).toContain('张伟');
		const theirs = await otherLeader.browser.get('/team/flags');
		expect(theirs.status).toBe(200);
		expect(theirs.body).toContain('data-testid="flags-empty"');
		expect((await admin.browser.get('/team/flags')).body.match(/data-testid="flag"/g)).toHaveLength(4);
		expect((await spiky.browser.get('/team/flags')).status).toBe(403);
		expect((await otherAdmin.browser.get('/team/flags')).body).toContain('data-testid="flags-empty"');
		expect((await app.browser().get('/team/flags')).status).toBe(303);
		// A team the other leader does not lead, and a malformed one.
		expect((await otherLeader.browser.get(`/team/flags?team=${east}`)).status).toBe(403);
		expect((await leader.browser.get('/team/flags?team=nope')).status).toBe(400);
	});

	test('a flag links to its events; others find nothing', async () => {
		const flag = (await flagRows()).find((r) => r.kind === 'duplicate_notes')!;
		const page = await leader.browser.get(`/team/flags/${flag.id}`);
		expect(page.status).toBe(200);
		expect(page.body.match(/Called the client about renewal/gi)!.length).toBeGreaterThanOrEqual(6);
		expect((await otherLeader.browser.get(`/team/flags/${flag.id}`)).status).toBe(404);
		expect((await otherAdmin.browser.get(`/team/flags/${flag.id}`)).status).toBe(404);
		expect((await noter.browser.get(`/team/flags/${flag.id}`)).status).toBe(403);
		expect((await leader.browser.get('/team/flags/not-a-flag')).status).toBe(400);
	});

	test('the API: flags:read, flags:write, analytics:read', async () => {
		const read = (await addApiToken(app.runtime.db, admin.organizationId, ['flags:read'], admin.userId)).token;
		const none = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
		const get = (token?: string) => app.browser().request('GET', '/api/v1/flags?status=all', { headers: token ? { authorization: `Bearer ${token}` } : {} });
		const res = await get(read);
		expect(res.status, res.body).toBe(200);
		expect(res.json().flags).toHaveLength(4);
		expect(res.json().counts).toEqual({ open: 4, dismissed: 0 });
		expect((await get(none)).status).toBe(403);
		expect((await get()).status).toBe(401);
		expect((await spiky.browser.get('/api/v1/flags')).status).toBe(403);
		expect((await app.browser().request('GET', '/api/v1/flags?status=maybe', { headers: { authorization: `Bearer ${read}` } })).json()).toMatchObject({ fields: { status: expect.any(String) } });
		const flag = (await flagRows())[0];
		const dismiss = (who: { browser: App['browser'] extends () => infer B ? B : never }, id: string, body: unknown) =>
			who.browser.request('POST', `/api/v1/flags/${id}/dismiss`, { headers: { 'content-type': 'application/json', origin: app.url }, body: JSON.stringify(body) });
		const blank = await dismiss(leader, flag.id, { reason: '  ' });
		expect(blank.status).toBe(400);
		expect(blank.json().fields).toHaveProperty('reason');
		const malformed = await dismiss(leader, 'nope', { reason: 'x' });
		expect(malformed.status).toBe(400);
		expect(malformed.json().fields).toHaveProperty('flagId');
		expect((await dismiss(spiky, flag.id, { reason: 'Mine' })).status).toBe(403);
		expect((await dismiss(otherLeader, flag.id, { reason: 'Not mine' })).status).toBe(404);
		expect((await flagRows()).every((r) => r.status === 'open')).toBe(true);
	});
});

describe('dismissal', () => {
	test('two at once: exactly one succeeds, the other is a 409 saying so, and one audit row', async () => {
		const flag = (await flagRows()).find((r) => r.kind === 'voids')!;
		const send = (m: { browser: App['browser'] extends () => infer B ? B : never }, reason: string) =>
			m.browser.request('POST', `/api/v1/flags/${flag.id}/dismiss`, { headers: { 'content-type': 'application/json', origin: app.url }, body: JSON.stringify({ reason }) });
		const answers = await Promise.all([send(leader, 'The CRM sync sent duplicates'), send(admin, 'Known CRM issue')]);
		expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
		const refused = answers.find((a) => a.status === 409)!;
		expect(refused.json().error).toMatch(/already dismissed by/);
		const audit = await app.runtime.db.selectFrom('audit_log').selectAll().where('organization_id', '=', admin.organizationId).where('action', '=', 'flag.dismissed').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0].target_id).toBe(flag.id);
		// Once more through the page: a clear message, nothing changed.
		const again = await leader.browser.action(`/team/flags/${flag.id}?/dismiss`, { reason: 'Again' });
		expect(again).toMatchObject({ type: 'failure', status: 409 });
		expect((again as { data: { message: string } }).data.message).toMatch(/already dismissed/);
		const row = (await flagRows()).find((r) => r.id === flag.id)!;
		expect(row.status).toBe('dismissed');
		const list = await leader.browser.get('/team/flags?status=dismissed');
		expect(list.body.match(/data-testid="flag"/g)).toHaveLength(1);
		// The leader's home counts the open ones left.
		expect((await leader.browser.get('/')).body).toContain('Flags to review in your reps’ events: 3');
		expect((await spiky.browser.get('/')).body).not.toContain('Flags to review');
	});

	test('a rerun after a dismissal does not raise the flag again', async () => {
		expect(await scanOrganization(app.runtime.db, admin.organizationId, now)).toBe(0);
		expect((await flagRows()).filter((r) => r.status === 'dismissed')).toHaveLength(1);
	});
});

describe('CSV export', () => {
	test('UTF-8 with a BOM, Chinese names intact, formulas defused', async () => {
		const res = await leader.browser.get('/team/flags/export.csv?status=all');
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/text\/csv; charset=utf-8/);
		expect(res.body.charCodeAt(0)).toBe(0xfeff);
		const lines = res.body.slice(1).trimEnd().split('\r\n');
		expect(lines[0]).toBe('Rep,Team,Kind,Period,What was seen,Status,Raised,Events,Dismissal reason');
		expect(lines).toHaveLength(5);
		const spikeLine = lines.find((l) => l.startsWith('张伟,'))!;
		expect(spikeLine).toContain("'=East");
		expect(spikeLine).toContain('Self-reports far above usual');
		expect(lines.some((l) => l.includes('Known CRM issue') || l.includes('The CRM sync sent duplicates'))).toBe(true);
		expect((await spiky.browser.get('/team/flags/export.csv')).status).toBe(403);
		const zh = await leader.browser.request('GET', '/team/flags/export.csv?status=all', { headers: { cookie: `${leader.browser.cookieHeader()}; podium_locale=zh-CN`, 'accept-language': 'zh-CN' } });
		expect(zh.status).toBe(200);
	});
});

describe('analytics API', () => {
	test('reps: the same data as the profile’s JSON view, for those who may', async () => {
		const token = (await addApiToken(app.runtime.db, admin.organizationId, ['analytics:read'], admin.userId)).token;
		const viaApi = await app.browser().request('GET', `/api/v1/analytics/reps/${spiky.userId}?period=month&metric=call`, { headers: { authorization: `Bearer ${token}` } });
		expect(viaApi.status, viaApi.body).toBe(200);
		const viaPage = await admin.browser.get(`/people/${spiky.userId}/analytics?period=month&metric=call`);
		expect(viaApi.json()).toEqual(viaPage.json());
		expect((await leader.browser.get(`/api/v1/analytics/reps/${spiky.userId}`)).status).toBe(200);
		expect((await steady.browser.get(`/api/v1/analytics/reps/${spiky.userId}`)).status).toBe(403);
		expect((await otherLeader.browser.get(`/api/v1/analytics/reps/${spiky.userId}`)).status).toBe(403);
		expect((await otherAdmin.browser.get(`/api/v1/analytics/reps/${spiky.userId}`)).status).toBe(404);
		expect((await app.browser().get(`/api/v1/analytics/reps/${spiky.userId}`)).status).toBe(401);
		const bad = await leader.browser.get('/api/v1/analytics/reps/nope');
		expect(bad.status).toBe(400);
		expect(bad.json().fields).toHaveProperty('userId');
		const metric = await leader.browser.get(`/api/v1/analytics/reps/${spiky.userId}?metric=nope`);
		expect(metric.status).toBe(400);
		expect(metric.json().fields).toHaveProperty('metric');
		// A rep with no events: empty figures, never an error.
		const empty = await leader.browser.get(`/api/v1/analytics/reps/${quiet.userId}?period=year`);
		expect(empty.status).toBe(200);
		expect(empty.json().totals).toMatchObject({ current: 0, previous: 0 });
		expect(empty.json().calendar.activeDays).toBe(0);
	});

	test('teams: leaders of the team and admins; a team of one; bad ids', async () => {
		const res = await leader.browser.get(`/api/v1/analytics/teams/${east}?metric=call`);
		expect(res.status, res.body).toBe(200);
		expect(res.json().team.id).toBe(east);
		expect(res.json().reps).toHaveLength(6);
		const one = await admin.browser.get(`/api/v1/analytics/teams/${west}`);
		expect(one.status).toBe(200);
		expect(one.json().reps).toHaveLength(1);
		expect((await otherLeader.browser.get(`/api/v1/analytics/teams/${east}`)).status).toBe(403);
		expect((await spiky.browser.get(`/api/v1/analytics/teams/${east}`)).status).toBe(403);
		expect((await otherAdmin.browser.get(`/api/v1/analytics/teams/${east}`)).status).toBe(404);
		expect((await leader.browser.get(`/api/v1/analytics/teams/${crypto.randomUUID()}`)).status).toBe(404);
		const bad = await leader.browser.get('/api/v1/analytics/teams/nope');
		expect(bad.status).toBe(400);
		expect(bad.json().fields).toHaveProperty('teamId');
		const period = await leader.browser.get(`/api/v1/analytics/teams/${east}?period=decade`);
		expect(period.status).toBe(400);
		expect(period.json().fields).toHaveProperty('period');
	});
});

describe('the daily scan', () => {
	test('is one recurring system job that, when due, raises what is missing', async () => {
		const db = app.runtime.db;
		const jobs = await db.selectFrom('jobs').selectAll().where('kind', '=', 'coaching.flags').execute();
		expect(jobs).toHaveLength(1);
		expect(jobs[0]).toMatchObject({ organization_id: null, every_ms: 24 * 60 * 60_000, dedupe_key: 'system:coaching.flags' });
		// Forget one flag, make the job due, and it comes back (the scan runs with the real clock: the
		// spike was yesterday, still in the days it checks).
		const spike = (await flagRows()).find((r) => r.kind === 'self_report_spike')!;
		await db.deleteFrom('coaching_flags').where('id', '=', spike.id).execute();
		await db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('id', '=', jobs[0].id).execute();
		await vi.waitFor(
			async () => {
				const back = (await flagRows()).filter((r) => r.kind === 'self_report_spike');
				expect(back).toHaveLength(1);
				expect(back[0].user_id).toBe(spiky.userId);
			},
			{ timeout: 20_000, interval: 250 }
		);
		// Due again later (a day on, or sooner as a retry when another test file's app, sharing this
		// database, claimed it while closing), and still one recurring job.
		const after = await db.selectFrom('jobs').selectAll().where('id', '=', jobs[0].id).executeTakeFirstOrThrow();
		expect(after.run_at.getTime()).toBeGreaterThan(Date.now());
		expect(after.every_ms).toBe(24 * 60 * 60_000);
		expect(await flagRows()).toHaveLength(4);
	});
});
