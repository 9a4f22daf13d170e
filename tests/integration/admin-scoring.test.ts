// Scoring administration over HTTP, as the browser meets it: metrics (create, edit, archive, with
// every refusal naming its field and changing nothing), API tokens (shown once, revocable), and CSV
// import (preview writes nothing, import is idempotent, leaders only for their reps, reps never).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type ActionResult, type App, type Browser } from '../helpers/app';
import { uniqueSuffix } from '../helpers/env';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addRep, countEvents, type TestRep } from '../helpers/scoring';
import { ensurePrizeMetric } from '../../src/lib/server/contests/contest.repository';
import { PRIZE_METRIC } from '../../src/lib/server/contests/contest.scoring';

let app: App;

vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

type Failure = { errors: Record<string, string>; message: string; values: Record<string, unknown> };

function failure(result: ActionResult, status: number): Failure {
	expect(result.type, JSON.stringify(result.type === 'success' ? result.data : result)).toBe('failure');
	expect(result.status).toBe(status);
	return (result as Extract<ActionResult, { type: 'failure' }>).data as Failure;
}

function success(result: ActionResult) {
	expect(result.type, JSON.stringify(result.type === 'failure' ? result.data : result)).toBe('success');
	return (result as Extract<ActionResult, { type: 'success' }>).data;
}

/** 403 as SvelteKit's error() from the role guard. */
function forbidden(result: ActionResult) {
	expect(result.type).toBe('error');
	expect(result.status).toBe(403);
}

const metricsOf = (orgId: string) =>
	app.runtime.db.selectFrom('metrics').selectAll().where('organization_id', '=', orgId).orderBy('key').execute();
const metric = (orgId: string, key: string) =>
	app.runtime.db.selectFrom('metrics').selectAll().where('organization_id', '=', orgId).where('key', '=', key).executeTakeFirstOrThrow();
const auditActions = async (orgId: string) =>
	(await app.runtime.db.selectFrom('audit_log').select('action').where('organization_id', '=', orgId).orderBy('id').execute()).map((r) => r.action);

/** What an admin change may touch: metrics and the audit log. */
async function snapshot(orgId: string) {
	return { metrics: await metricsOf(orgId), audit: await auditActions(orgId), events: await countEvents(app.runtime.db, orgId) };
}

function postEvents(token: string, events: unknown[]) {
	return app.browser().request('POST', '/api/v1/events', {
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
		body: JSON.stringify({ events })
	});
}

async function board(token: string, board = 'points') {
	const res = await app.browser().get(`/api/v1/leaderboards?board=${board}&scope=users&window=all&limit=100`, { authorization: `Bearer ${token}` });
	expect(res.status, res.body).toBe(200);
	return res.json<{ entries: { id: string; score: number; rank: number }[] }>().entries;
}

async function newToken(admin: SignedUp, scopes = ['events:write', 'leaderboards:read']) {
	const data = success(await admin.browser.action('/admin/tokens?/create', { name: `Token ${uniqueSuffix()}`, scopes }));
	return data.created as { id: string; name: string; token: string; scopes: string[] };
}

/** A POST with a binary body (the Browser helper sends text), with the browser's cookies and address. */
function postBytes(browser: Browser, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
	const target = new URL(path, app.url);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: target.hostname,
				port: target.port,
				path: target.pathname + target.search,
				method: 'POST',
				headers: { origin: app.url, cookie: browser.cookieHeader(), 'content-length': String(body.length), ...headers },
				localAddress: browser.ip,
				agent: false
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

const VALID_METRIC = { key: 'demo_booked', 'name.en': 'Demos booked', 'name.zh-CN': '预约演示', unit: 'count', step: '1', pointsPerStep: '20', dailyCap: '', selfReport: 'on' };

describe('metrics', () => {
	let admin: SignedUp;
	let leader: Member;
	let rep: Member;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
		leader = await addMember(app, admin, 'leader');
		rep = await addMember(app, admin, 'rep');
	});

	test('the page lists the starting metrics with their rules in words', async () => {
		const page = await admin.browser.get('/admin/metrics');
		expect(page.status).toBe(200);
		for (const text of ['50 points per deal', '1 point per ¥1,000.00', '1 point per call', 'At most 60 points a day', 'new_customer']) {
			expect(page.body).toContain(text);
		}
		expect(page.body).toContain('Changing a rule scores only events recorded from then on');
	});

	test('an admin creates a count metric and a currency metric with its step in major units', async () => {
		const created = success(await admin.browser.action('/admin/metrics?/create', VALID_METRIC));
		expect(created.done).toBe('Metric “demo_booked” created.');
		expect(await metric(admin.organizationId, 'demo_booked')).toMatchObject({
			name: { en: 'Demos booked', 'zh-CN': '预约演示' },
			unit: 'count',
			currency: null,
			points_per_step: 20,
			daily_cap: null,
			self_report: true,
			status: 'active'
		});
		success(
			await admin.browser.action('/admin/metrics?/create', {
				key: 'upsell',
				'name.en': 'Upsell',
				'name.zh-CN': '追加销售',
				unit: 'currency',
				currency: 'usd',
				step: '2,500.50',
				pointsPerStep: '3',
				dailyCap: '300'
			})
		);
		const upsell = await metric(admin.organizationId, 'upsell');
		expect(upsell).toMatchObject({ unit: 'currency', currency: 'USD', points_per_step: 3, daily_cap: 300, self_report: false });
		expect(Number(upsell.step)).toBe(250_050);
		const page = await admin.browser.get('/admin/metrics');
		expect(page.body).toContain('20 points per demo booked');
		expect(page.body).toContain('3 points per $2,500.50');
		expect(page.body).toContain('At most 300 points a day');
		expect(await auditActions(admin.organizationId)).toContain('metric.created');
	});

	test.each([
		['key', { key: 'Demo Booked' }, /^Key must start with a lower-case letter/, 400],
		['key', { key: '' }, /^Key is required/, 400],
		['key', { key: 'points' }, /^Key cannot be “points”/, 400],
		['key', { key: 'deal' }, /^Key “deal” is already used/, 409],
		['unit', { unit: 'kg' }, /^Unit must be one of/, 400],
		['currency', { unit: 'currency', currency: '' }, /^Currency is required/, 400],
		['currency', { unit: 'currency', currency: 'XQZ' }, /^Currency must be a three-letter ISO 4217 code/, 400],
		['step', { step: '0' }, /^Step must be a whole number from 1 to/, 400],
		['step', { step: '1.5' }, /^Step must be a whole number/, 400],
		['step', { unit: 'currency', currency: 'CNY', step: '10.005' }, /^Step must be an amount above 0 with at most 2 decimals/, 400],
		['step', { unit: 'currency', currency: 'JPY', step: '10.5' }, /^Step must be an amount above 0 with at most 0 decimals/, 400],
		['pointsPerStep', { pointsPerStep: '-1' }, /^Points per step must be a whole number from 0 to/, 400],
		['pointsPerStep', { pointsPerStep: '' }, /^Points per step is required/, 400],
		['dailyCap', { dailyCap: 'lots' }, /^Daily cap must be a whole number/, 400],
		['name.en', { 'name.en': '   ', 'name.zh-CN': '' }, /^Name is required: give it in English, in Chinese or in both/, 400],
		['name.en', { 'name.en': 'x'.repeat(81) }, /^Name \(English\) must be at most 80 characters/, 400],
		['name.zh-CN', { 'name.zh-CN': 'x'.repeat(81) }, /^Name \(Chinese\) must be at most 80 characters/, 400],
		['name.zh-CN', { 'name.en': '', 'name.zh-CN': 'a\u0000b' }, /^Name \(Chinese\) contains a character that cannot be stored/, 400]
	])('create refuses a bad %s, naming it, and changes nothing', async (field, change, message, status) => {
		const before = await snapshot(admin.organizationId);
		const data = failure(await admin.browser.action('/admin/metrics?/create', { ...VALID_METRIC, key: `m_${uniqueSuffix()}`, ...change }), status);
		expect(Object.keys(data.errors)).toEqual([field]);
		expect(data.errors[field]).toMatch(message);
		expect(await snapshot(admin.organizationId)).toEqual(before);
	});

	test('messages are translated for a Chinese session, naming the field in Chinese', async () => {
		// The user's own language wins over the cookie: switch it for this request and back.
		const { locale } = await app.runtime.db.selectFrom('users').select('locale').where('id', '=', admin.userId).executeTakeFirstOrThrow();
		await app.runtime.db.updateTable('users').set({ locale: 'zh-CN' }).where('id', '=', admin.userId).execute();
		try {
			const data = failure(await admin.browser.action('/admin/metrics?/create', { ...VALID_METRIC, key: `m_${uniqueSuffix()}`, pointsPerStep: 'x' }), 400);
			expect(data.errors.pointsPerStep).toMatch(/^每步积分必须是 0 到 1,000,000 之间的整数/);
		} finally {
			await app.runtime.db.updateTable('users').set({ locale }).where('id', '=', admin.userId).execute();
		}
	});

	test('an edit changes names and the rule; the key and unit stay; only later events score by the new rule', async () => {
		const { token } = await newToken(admin);
		const target = await addRep(app.runtime.db, admin.organizationId);
		const first = await postEvents(token, [{ id: `e-${uniqueSuffix()}`, metric: 'deal', user: target.email, value: 1, occurredAt: hoursAgo(2) }]);
		expect(first.json().results[0]).toMatchObject({ status: 'accepted', points: 50 });

		const deal = await metric(admin.organizationId, 'deal');
		const saved = success(
			await admin.browser.action('/admin/metrics?/update', {
				metricId: deal.id,
				key: 'hacked',
				unit: 'minutes',
				'name.en': 'Deals closed',
				'name.zh-CN': '签单',
				step: '1',
				pointsPerStep: '80',
				dailyCap: '400',
				selfReport: 'on'
			})
		);
		expect(saved.done).toContain('Metric “deal” saved');
		expect(await metric(admin.organizationId, 'deal')).toMatchObject({
			id: deal.id,
			key: 'deal',
			unit: 'count',
			name: { en: 'Deals closed', 'zh-CN': '签单' },
			points_per_step: 80,
			daily_cap: 400,
			self_report: true
		});
		const second = await postEvents(token, [{ id: `e-${uniqueSuffix()}`, metric: 'deal', user: target.email, value: 1, occurredAt: hoursAgo(1) }]);
		expect(second.json().results[0]).toMatchObject({ status: 'accepted', points: 80 });
		const points = await app.runtime.db
			.selectFrom('score_events')
			.select('points')
			.where('organization_id', '=', admin.organizationId)
			.where('user_id', '=', target.userId)
			.orderBy('id')
			.execute();
		expect(points.map((p) => Number(p.points))).toEqual([50, 80]);
		const entry = (await board(token)).find((e) => e.id === target.userId);
		expect(entry?.score).toBe(130);
		expect(await auditActions(admin.organizationId)).toContain('metric.updated');
	});

	test('a metric named in one language only reads in that language on every page, in either interface language', async () => {
		const key = `referral_${uniqueSuffix()}`;
		success(await admin.browser.action('/admin/metrics?/create', { ...VALID_METRIC, key, 'name.en': ' ', 'name.zh-CN': '转介绍' }));
		const created = await metric(admin.organizationId, key);
		expect(created.name).toEqual({ 'zh-CN': '转介绍' });
		expect((await admin.browser.get('/admin/metrics')).body).toMatch(/<strong[^>]*>转介绍<\/strong>/);
		expect((await admin.browser.get(`/leaderboards?board=${key}`)).body).toMatch(/<option value="referral_[^"]+"[^>]*>转介绍<\/option>/);

		// Clearing the Chinese name while giving an English one keeps only the English one.
		success(await admin.browser.action('/admin/metrics?/update', { metricId: created.id, 'name.en': 'Referrals', 'name.zh-CN': '', step: '1', pointsPerStep: '20' }));
		expect((await metric(admin.organizationId, key)).name).toEqual({ en: 'Referrals' });
		const { locale } = await app.runtime.db.selectFrom('users').select('locale').where('id', '=', admin.userId).executeTakeFirstOrThrow();
		await app.runtime.db.updateTable('users').set({ locale: 'zh-CN' }).where('id', '=', admin.userId).execute();
		try {
			const page = (await admin.browser.get('/admin/metrics')).body;
			expect(page).toMatch(/<strong[^>]*>Referrals<\/strong>/);
			// The rule counts the metric by the name it has.
			expect(page).toContain('每个「Referrals」得 20 分');
			expect((await admin.browser.get(`/leaderboards?board=${key}`)).body).toMatch(/<option value="referral_[^"]+"[^>]*>Referrals<\/option>/);
		} finally {
			await app.runtime.db.updateTable('users').set({ locale }).where('id', '=', admin.userId).execute();
		}
	});

	test('an edit with a bad field is refused, naming it, and changes nothing', async () => {
		const call = await metric(admin.organizationId, 'call');
		const before = await snapshot(admin.organizationId);
		const data = failure(
			await admin.browser.action('/admin/metrics?/update', { metricId: call.id, 'name.en': 'Calls', 'name.zh-CN': '通话', step: '1', pointsPerStep: '2', dailyCap: '-5' }),
			400
		);
		expect(data.errors).toEqual({ dailyCap: expect.stringMatching(/^Daily cap must be a whole number/) });
		expect(await snapshot(admin.organizationId)).toEqual(before);
	});

	test('ids of another organization, or no metric at all, are not found', async () => {
		const other = await signUpOrganization(app);
		const foreign = await metric(other.organizationId, 'call');
		const before = await snapshot(other.organizationId);
		const fields = { 'name.en': 'Mine now', 'name.zh-CN': '我的', step: '1', pointsPerStep: '1000' };
		for (const action of ['update', 'archive', 'restore']) {
			const data = failure(await admin.browser.action(`/admin/metrics?/${action}`, { metricId: foreign.id, ...fields }), 404);
			expect(data.errors.metricId).toBe('Metric was not found.');
		}
		failure(await admin.browser.action('/admin/metrics?/archive', { metricId: 'not-a-uuid' }), 404);
		expect(failure(await admin.browser.action('/admin/metrics?/archive', {}), 400).errors.metricId).toBe('Metric is required.');
		expect(await snapshot(other.organizationId)).toEqual(before);
	});

	test('an archived metric accepts no events until it is restored', async () => {
		const { token } = await newToken(admin);
		const target = await addRep(app.runtime.db, admin.organizationId);
		const meeting = await metric(admin.organizationId, 'meeting');
		expect(success(await admin.browser.action('/admin/metrics?/archive', { metricId: meeting.id })).done).toContain('archived');
		expect((await metric(admin.organizationId, 'meeting')).status).toBe('archived');
		const refused = await postEvents(token, [{ id: `m-${uniqueSuffix()}`, metric: 'meeting', user: target.email, value: 1 }]);
		expect(refused.json().results[0].status).toBe('rejected');
		const page = await admin.browser.get('/admin/metrics');
		expect(page.body).toContain('Archived metrics');
		success(await admin.browser.action('/admin/metrics?/restore', { metricId: meeting.id }));
		const accepted = await postEvents(token, [{ id: `m-${uniqueSuffix()}`, metric: 'meeting', user: target.email, value: 1 }]);
		expect(accepted.json().results[0].status).toBe('accepted');
		const actions = await auditActions(admin.organizationId);
		expect(actions).toContain('metric.archived');
		expect(actions).toContain('metric.restored');
	});

	test('the contest prize metric is left off the page and can be neither restored, archived nor edited', async () => {
		const other = await signUpOrganization(app);
		// As a contest's freeze makes it, to pay prize points.
		await ensurePrizeMetric(app.runtime.db, other.organizationId, PRIZE_METRIC);
		const prize = await metric(other.organizationId, PRIZE_METRIC);
		expect(prize).toMatchObject({ status: 'archived', system: true });
		const page = await other.browser.get('/admin/metrics');
		expect(page.status).toBe(200);
		expect(page.body).toContain('new_customer');
		expect(page.body).not.toContain(PRIZE_METRIC);
		expect(page.body).not.toContain('Contest prize');
		const before = await snapshot(other.organizationId);
		const fields = { 'name.en': 'Free points', 'name.zh-CN': '免费积分', step: '1', pointsPerStep: '1000' };
		for (const action of ['restore', 'archive', 'update']) {
			const data = failure(await other.browser.action(`/admin/metrics?/${action}`, { metricId: prize.id, ...fields }), 409);
			expect(data.errors.metricId).toMatch(/^Metric: this metric is kept by Podium/);
		}
		expect(await snapshot(other.organizationId)).toEqual(before);
	});

	test('leaders and reps can neither see nor change metrics', async () => {
		const deal = await metric(admin.organizationId, 'deal');
		const before = await snapshot(admin.organizationId);
		for (const who of [leader, rep]) {
			expect((await who.browser.get('/admin/metrics')).status).toBe(403);
			forbidden(await who.browser.action('/admin/metrics?/create', { ...VALID_METRIC, key: `x_${uniqueSuffix()}` }));
			forbidden(await who.browser.action('/admin/metrics?/update', { metricId: deal.id, 'name.en': 'x', 'name.zh-CN': 'x', step: '1', pointsPerStep: '999' }));
			forbidden(await who.browser.action('/admin/metrics?/archive', { metricId: deal.id }));
		}
		expect(await snapshot(admin.organizationId)).toEqual(before);
	});
});

describe('API tokens', () => {
	let admin: SignedUp;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
	});

	test('a token is shown once, stored hashed, works until it is revoked, then gets 401', async () => {
		const rep = await addRep(app.runtime.db, admin.organizationId);
		const created = success(await admin.browser.action('/admin/tokens?/create', { name: 'CRM sync', scopes: ['events:write'] }));
		expect(created.done).toBe('Token “CRM sync” created.');
		const token: string = created.created.token;
		expect(token).toMatch(/^pod_[a-z0-9]{32}$/);
		expect(created.created.scopes).toEqual(['events:write']);

		const row = await app.runtime.db.selectFrom('api_tokens').selectAll().where('id', '=', created.created.id).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ organization_id: admin.organizationId, name: 'CRM sync', scopes: ['events:write'], created_by: admin.userId, revoked_at: null });
		expect(Buffer.from(row.token_hash).toString('utf8')).not.toContain(token);
		const page = await admin.browser.get('/admin/tokens');
		expect(page.status).toBe(200);
		expect(page.body).toContain('CRM sync');
		expect(page.body).not.toContain(token);

		const ok = await postEvents(token, [{ id: `t-${uniqueSuffix()}`, metric: 'call', user: rep.email, value: 1 }]);
		expect(ok.status).toBe(200);
		expect(ok.json().accepted).toBe(1);

		const revoked = success(await admin.browser.action('/admin/tokens?/revoke', { tokenId: row.id }));
		expect(revoked.done).toContain('Token revoked');
		expect((await app.runtime.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', row.id).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
		const events = await countEvents(app.runtime.db, admin.organizationId);
		const refused = await postEvents(token, [{ id: `t-${uniqueSuffix()}`, metric: 'call', user: rep.email, value: 1 }]);
		expect(refused.status).toBe(401);
		expect(await countEvents(app.runtime.db, admin.organizationId)).toBe(events);
		expect((await admin.browser.get('/admin/tokens')).body).toContain('Revoked tokens (1)');
		const actions = await auditActions(admin.organizationId);
		expect(actions).toContain('token.created');
		expect(actions).toContain('token.revoked');
	});

	test.each([
		['name', { name: '  ', scopes: ['events:write'] }, /^Token name is required/],
		['name', { name: 'x'.repeat(81), scopes: ['events:write'] }, /^Token name must be at most 80 characters/],
		['scopes', { name: 'No scopes' }, /^Choose at least one scope\.$/],
		['scopes', { name: 'No scopes', scopes: [] }, /^Choose at least one scope\.$/],
		['scopes', { name: 'Bad scope', scopes: ['admin:all'] }, /^Scopes /]
	])('create refuses a bad %s, naming it, and creates nothing', async (field, fields, message) => {
		const count = async () => (await app.runtime.db.selectFrom('api_tokens').select('id').where('organization_id', '=', admin.organizationId).execute()).length;
		const before = await count();
		const data = failure(await admin.browser.action('/admin/tokens?/create', fields), 400);
		expect(Object.keys(data.errors)).toEqual([field]);
		expect(data.errors[field]).toMatch(message);
		expect(await count()).toBe(before);
	});

	test('revoking a token of another organization is not found and leaves it working', async () => {
		const other = await signUpOrganization(app);
		const theirs = await newToken(other);
		const data = failure(await admin.browser.action('/admin/tokens?/revoke', { tokenId: theirs.id }), 404);
		expect(data.message).toBe('Token was not found.');
		expect((await app.runtime.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', theirs.id).executeTakeFirstOrThrow()).revoked_at).toBeNull();
	});

	test('leaders and reps can neither list, create nor revoke tokens', async () => {
		const mine = await newToken(admin);
		for (const role of ['leader', 'rep'] as const) {
			const who = await addMember(app, admin, role);
			expect((await who.browser.get('/admin/tokens')).status).toBe(403);
			forbidden(await who.browser.action('/admin/tokens?/create', { name: 'Sneaky', scopes: ['events:write'] }));
			forbidden(await who.browser.action('/admin/tokens?/revoke', { tokenId: mine.id }));
		}
		expect((await app.runtime.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', mine.id).executeTakeFirstOrThrow()).revoked_at).toBeNull();
	});
});

describe('CSV import', () => {
	let admin: SignedUp;
	let leader: Member;
	let rep: Member;
	let mine: TestRep;
	let theirs: TestRep;
	let token: string;

	beforeAll(async () => {
		admin = await signUpOrganization(app);
		const led = await createTeam(app, admin);
		const other = await createTeam(app, admin);
		leader = await addMember(app, admin, 'leader', led);
		success(await admin.browser.action('/admin/teams?/update', { teamId: led, name: `Led ${uniqueSuffix()}`, leaderIds: [leader.userId] }));
		rep = await addMember(app, admin, 'rep', led);
		mine = await addRep(app.runtime.db, admin.organizationId, { teamId: led, externalId: `ext-${uniqueSuffix()}` });
		theirs = await addRep(app.runtime.db, admin.organizationId, { teamId: other });
		token = (await newToken(admin, ['leaderboards:read'])).token;
	});

	const preview = (who: { browser: Browser }, csv: string) => who.browser.action('/admin/import?/preview', { csv });
	const runImport = (who: { browser: Browser }, csv: string) => who.browser.action('/admin/import?/import', { csv });

	test('a preview checks every row, names the row and column of each problem, and writes nothing', async () => {
		const when = hoursAgo(3);
		const csv = [
			'id,metric,user,value,occurredAt,note',
			`p-1,deal,${mine.email},1,${when},ok`,
			`p-2,deal,${mine.email},-3,${when},`,
			`p-3,dael,${mine.email},1,${when},`,
			`p-4,call,nobody@example.test,1,${when},`,
			`,call,${mine.email},2,,`,
			`p-6,call,${mine.email},1,yesterday,`,
			`p-7,revenue,${mine.email},1200.50,${when},`,
			`p-8,call,${mine.email},1,${new Date(Date.now() + 86_400_000).toISOString()},`,
			`p-9,call,${mine.email},1,${when},x,extra`
		].join('\n');
		const before = await snapshot(admin.organizationId);
		const data = success(await preview(admin, csv));
		expect(data.preview).toMatchObject({ total: 9, valid: 1, invalid: 8, known: 0, columns: ['id', 'metric', 'user', 'value', 'occurredAt', 'note'] });
		const issues = data.preview.issues.map((i: { row: number; column: string | null; message: string }) => [i.row, i.column, i.message]);
		expect(issues).toEqual([
			[3, 'value', 'value must be a whole number from 0 to 1,000,000,000,000.'],
			[4, 'metric', 'metric “dael” is not an active metric of this organization.'],
			[5, 'user', 'user “nobody@example.test” is not an active member of this organization.'],
			[6, 'occurredAt', expect.stringMatching(/^occurredAt is required when the row has no id/)],
			[7, 'occurredAt', expect.stringMatching(/^occurredAt must be a date and time/)],
			[8, 'value', 'value must be a whole number of minor units of CNY: 1200.00 is written 120000.'],
			[9, 'occurredAt', 'occurredAt must not be in the future.'],
			[10, null, 'The row has 7 fields, but the header has 6.']
		]);
		expect(data.preview.rows[0]).toMatchObject({ row: 2, id: 'p-1', ok: true, userName: mine.name, metricName: { en: 'Deals won', 'zh-CN': '成交' } });
		expect(data.csv).toBe(csv);
		expect(await snapshot(admin.organizationId)).toEqual(before);
	});

	test('a file that cannot be read at all is refused with a 4xx naming the problem', async () => {
		const before = await snapshot(admin.organizationId);
		expect(failure(await preview(admin, ''), 400).errors.csv).toBe('CSV is required.');
		expect(failure(await preview(admin, 'who,what\nx,y'), 400).message).toBe('CSV lacks the columns metric, user, value. The first row must name the columns.');
		expect(failure(await preview(admin, 'metric,user,value\n'), 400).message).toBe('CSV has a header but no rows.');
		expect(failure(await preview(admin, 'metric,user,value,note\ncall,a@b.test,1,"never closed\n'), 400).message).toBe(
			'CSV has a quoted field that never closes, starting in row 2.'
		);
		const rows = ['metric,user,value,id', ...Array.from({ length: 5001 }, (_, i) => `call,${mine.email},1,r-${i}`)].join('\n');
		expect(failure(await preview(admin, rows), 413).message).toBe('CSV has 5,001 rows; at most 5,000 can be imported at once. Split it into smaller files.');
		const big = `metric,user,value,id,note\n` + `call,${mine.email},1,big,${'x'.repeat(2 * 1024 * 1024)}\n`;
		expect(failure(await runImport(admin, big), 413).message).toBe('CSV is larger than 2 MB. Split it into smaller files.');
		expect(await snapshot(admin.organizationId)).toEqual(before);
	});

	test('import, then the same file again: the second run is all duplicates and the boards do not move', async () => {
		// Quoted commas, doubled quotes, a line break inside quotes, a BOM and CRLF line ends; rows without
		// an id are keyed by their content; a local time is read in the organization's time zone.
		const csv =
			'\uFEFFmetric,user,value,occurredAt,note,id\r\n' +
			`deal,${mine.email},1,${hoursAgo(5)},"Acme, Inc. ""Gold"" renewal\r\nsecond line",crm-${uniqueSuffix()}\r\n` +
			`revenue,${mine.email},12000000,${hoursAgo(5)},,\r\n` +
			`call,${theirs.email},4,${hoursAgo(4)},,\r\n` +
			`call,${mine.email},2,${hoursAgo(4)},,\r\n` +
			`meeting,${(await app.runtime.db.selectFrom('memberships').select('external_id').where('user_id', '=', mine.userId).executeTakeFirstOrThrow()).external_id},1,2020-01-06 10:00,,\r\n`;
		const before = await board(token);
		const first = success(await runImport(admin, csv));
		expect(first.summary).toMatchObject({ total: 5, accepted: 5, duplicates: 0, rejected: 0, conflicts: 0, points: 50 + 120 + 4 + 2 + 5 });
		expect(first.done).toBe('Imported 5, duplicates 0, rejected 0, conflicts 0.');
		const events = await app.runtime.db
			.selectFrom('score_events')
			.select(['source', 'actor_id', 'note', 'occurred_at', 'idempotency_key'])
			.where('organization_id', '=', admin.organizationId)
			.orderBy('id')
			.execute();
		expect(events.every((e) => e.source === 'import' && e.actor_id === admin.userId)).toBe(true);
		expect(events[0].note).toBe('Acme, Inc. "Gold" renewal\nsecond line');
		expect(events[4].occurred_at.toISOString()).toBe('2020-01-06T09:00:00.000Z'); // Europe/Berlin, winter
		expect(events.slice(1).every((e) => e.idempotency_key.startsWith('csv:'))).toBe(true);
		const after = await board(token);
		expect(after.find((e) => e.id === mine.userId)?.score).toBe(50 + 120 + 2 + 5);
		expect(after).not.toEqual(before);

		const again = success(await preview(admin, csv));
		expect(again.preview).toMatchObject({ total: 5, valid: 5, known: 5 });
		const second = success(await runImport(admin, csv));
		expect(second.summary).toMatchObject({ total: 5, accepted: 0, duplicates: 5, rejected: 0, conflicts: 0, points: 0 });
		expect(await countEvents(app.runtime.db, admin.organizationId)).toBe(5);
		expect(await board(token)).toEqual(after);
		const audit = await app.runtime.db
			.selectFrom('audit_log')
			.select(['action', 'data'])
			.where('organization_id', '=', admin.organizationId)
			.where('action', '=', 'events.imported')
			.orderBy('id')
			.execute();
		expect(audit.map((a) => a.data)).toEqual([
			expect.objectContaining({ rows: 5, accepted: 5, duplicates: 0 }),
			expect.objectContaining({ rows: 5, accepted: 0, duplicates: 5 })
		]);
	});

	test('a known id with different content is a conflict; invalid rows are rejected; valid rows still go in', async () => {
		const id = `c-${uniqueSuffix()}`;
		success(await runImport(admin, `id,metric,user,value,occurredAt\n${id},call,${mine.email},1,${hoursAgo(2)}\n`));
		const result = success(
			await runImport(admin, `id,metric,user,value,occurredAt\n${id},call,${mine.email},3,${hoursAgo(2)}\nn-${id},call,${mine.email},1,${hoursAgo(2)}\nb-${id},call,${mine.email},x,${hoursAgo(2)}\n`)
		);
		expect(result.summary).toMatchObject({ total: 3, accepted: 1, duplicates: 0, rejected: 1, conflicts: 1 });
		expect(result.summary.issues.map((i: { row: number; column: string | null }) => [i.row, i.column])).toEqual([
			[2, 'id'],
			[4, 'value']
		]);
	});

	test('a leader imports only for reps in the teams they lead', async () => {
		const csv = `id,metric,user,value,occurredAt\nl1-${uniqueSuffix()},call,${mine.email},1,${hoursAgo(1)}\nl2-${uniqueSuffix()},call,${theirs.email},1,${hoursAgo(1)}\nl3-${uniqueSuffix()},call,${admin.email},1,${hoursAgo(1)}\n`;
		expect((await leader.browser.get('/admin/import')).status).toBe(200);
		const checked = success(await preview(leader, csv));
		expect(checked.preview).toMatchObject({ total: 3, valid: 1, invalid: 2 });
		expect(checked.preview.issues.map((i: { row: number; message: string }) => [i.row, i.message])).toEqual([
			[3, `user “${theirs.email}” is not a rep in a team you manage.`],
			[4, `user “${admin.email}” is not a rep in a team you manage.`]
		]);
		const before = {
			theirs: await app.runtime.db.selectFrom('score_events').select('id').where('user_id', '=', theirs.userId).execute(),
			admin: await app.runtime.db.selectFrom('score_events').select('id').where('user_id', '=', admin.userId).execute()
		};
		const done = success(await runImport(leader, csv));
		expect(done.summary).toMatchObject({ accepted: 1, rejected: 2 });
		expect(await app.runtime.db.selectFrom('score_events').select('id').where('user_id', '=', theirs.userId).execute()).toEqual(before.theirs);
		expect(await app.runtime.db.selectFrom('score_events').select('id').where('user_id', '=', admin.userId).execute()).toEqual(before.admin);
		const last = await app.runtime.db
			.selectFrom('score_events')
			.select(['user_id', 'actor_id', 'source'])
			.where('organization_id', '=', admin.organizationId)
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(last).toEqual({ user_id: mine.userId, actor_id: leader.userId, source: 'import' });
	});

	test('a rep gets 403 for the page and both steps, and nothing is written', async () => {
		const csv = `id,metric,user,value,occurredAt\nr-${uniqueSuffix()},call,${rep.email},1,${hoursAgo(1)}\n`;
		const before = await snapshot(admin.organizationId);
		expect((await rep.browser.get('/admin/import')).status).toBe(403);
		forbidden(await preview(rep, csv));
		forbidden(await runImport(rep, csv));
		expect(await snapshot(admin.organizationId)).toEqual(before);
	});

	test('an uploaded file works like a paste, in GB18030 too', async () => {
		const id = `f-${uniqueSuffix()}`;
		const text = `id,metric,user,value,occurredAt,note\n${id},call,${mine.email},1,${hoursAgo(1)},客户回访\n`;
		// GB18030 bytes of the note, as Excel in Chinese saves it.
		const gbk = Buffer.concat([Buffer.from(text.split('客户回访')[0]), Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0xbb, 0xd8, 0xb7, 0xc3]), Buffer.from('\n')]);
		const boundary = `----podium${uniqueSuffix()}`;
		const body = Buffer.concat([
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="calls.csv"\r\nContent-Type: text/csv\r\n\r\n`),
			gbk,
			Buffer.from(`\r\n--${boundary}--\r\n`)
		]);
		const res = await postBytes(admin.browser, '/admin/import?/import', body, {
			'content-type': `multipart/form-data; boundary=${boundary}`,
			'x-sveltekit-action': 'true',
			accept: 'application/json'
		});
		expect(res.status, res.body).toBe(200);
		expect(JSON.parse(res.body).type, res.body).toBe('success');
		const row = await app.runtime.db.selectFrom('score_events').select('note').where('idempotency_key', '=', id).executeTakeFirstOrThrow();
		expect(row.note).toBe('客户回访');
		const audit = await app.runtime.db
			.selectFrom('audit_log')
			.select('data')
			.where('organization_id', '=', admin.organizationId)
			.where('action', '=', 'events.imported')
			.orderBy('id', 'desc')
			.executeTakeFirstOrThrow();
		expect(audit.data).toMatchObject({ name: 'calls.csv', accepted: 1 });
	});
});
