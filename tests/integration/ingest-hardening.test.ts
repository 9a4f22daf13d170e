// Ingest refusals found by an outside review, each through the boundary a user or an integration meets:
// text that cannot be stored as sent, keys Podium keeps for itself, the Content-Type of the API, value
// bounds and plain decimals, totals that must stay exact, and quick-log messages that name their field.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type ActionResult, type App } from '../helpers/app';
import { uniqueSuffix } from '../helpers/env';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken, addRep, countEvents, type TestRep } from '../helpers/scoring';
import { insertEvents } from '../../src/lib/server/scoring/event.repository';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';

let app: App;

vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

type Failure = { errors: Record<string, string>; message: string };

function failure(result: ActionResult, status: number): Failure {
	expect(result.type, JSON.stringify(result)).toBe('failure');
	expect(result.status).toBe(status);
	return (result as Extract<ActionResult, { type: 'failure' }>).data as Failure;
}

function success(result: ActionResult) {
	expect(result.type, JSON.stringify(result)).toBe('success');
	return (result as Extract<ActionResult, { type: 'success' }>).data;
}

function post(token: string, body: unknown, contentType = 'application/json') {
	return app.browser().request('POST', '/api/v1/events', {
		headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

interface Org {
	admin: SignedUp;
	leader: Member;
	rep: Member;
	other: TestRep;
	token: string;
}

async function newOrg(): Promise<Org> {
	const admin = await signUpOrganization(app);
	const team = await createTeam(app, admin);
	const leader = await addMember(app, admin, 'leader', team);
	success(await admin.browser.action('/admin/teams?/update', { teamId: team, name: `Led ${uniqueSuffix()}`, leaderIds: [leader.userId] }));
	const rep = await addMember(app, admin, 'rep', team);
	const other = await addRep(app.runtime.db, admin.organizationId, { teamId: team });
	const { token } = await addApiToken(app.runtime.db, admin.organizationId);
	return { admin, leader, rep, other, token };
}

describe('text that cannot be stored as sent', () => {
	let o: Org;
	beforeAll(async () => {
		o = await newOrg();
	});

	test('an id, user or note with an unpaired surrogate or U+0000 is rejected per event, naming the field; the rest count', async () => {
		const ok = `ok-${uniqueSuffix()}`;
		// Written by hand: JSON.stringify would escape the surrogate the same way, but this is what a client sends.
		const body = `{"events":[
			{"id":"lone-\\ud800-${uniqueSuffix()}","metric":"call","user":"${o.other.email}"},
			{"id":"low-\\udc00","metric":"call","user":"${o.other.email}"},
			{"id":"note-${uniqueSuffix()}","metric":"call","user":"${o.other.email}","note":"a\\u0000b"},
			{"id":"user-${uniqueSuffix()}","metric":"call","user":"x\\ud83d"},
			{"id":"pair-\\ud83d\\ude00-${uniqueSuffix()}","metric":"call","user":"${o.other.email}"},
			{"id":"${ok}","metric":"call","user":"${o.other.email}"}
		]}`;
		const before = await countEvents(app.runtime.db, o.admin.organizationId);
		const res = await post(o.token, body);
		expect(res.status).toBe(200);
		const results = res.json<{ results: { status: string; error?: string }[] }>().results;
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'accepted', 'accepted']);
		expect(results[0].error).toMatch(/^id must not contain U\+0000 or an unpaired surrogate/);
		expect(results[1].error).toMatch(/^id /);
		expect(results[2].error).toMatch(/^note /);
		expect(results[3].error).toMatch(/^user /);
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(before + 2);
		// A retry of the rejected one is rejected again (never stored, so never a "conflict").
		const again = await post(o.token, `{"events":[{"id":"low-\\udc00","metric":"call","user":"${o.other.email}"}]}`);
		expect(again.json<{ results: { status: string }[] }>().results[0].status).toBe('rejected');
	});

	test('a CSV cell with U+0000 is refused by its row and column; nothing is written', async () => {
		const before = await countEvents(app.runtime.db, o.admin.organizationId);
		const csv = `id,metric,user,value,occurredAt,note\nn-${uniqueSuffix()},call,${o.other.email},1,${hoursAgo(1)},a\u0000b\n`;
		const data = success(await o.admin.browser.action('/admin/import?/preview', { csv }));
		expect(data.preview.issues).toEqual([expect.objectContaining({ row: 2, column: 'note', message: expect.stringMatching(/^note contains a character that cannot be stored/) })]);
		const run = success(await o.admin.browser.action('/admin/import?/import', { csv }));
		expect(run.summary).toMatchObject({ accepted: 0, rejected: 1 });
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(before);
	});

	test('a form field with U+0000 is refused with a 400 naming the field', async () => {
		const before = await countEvents(app.runtime.db, o.admin.organizationId);
		const f = failure(await o.rep.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId: o.rep.userId, metric: 'call', value: '1', note: 'x\u0000' }), 400);
		expect(f.errors.note).toMatch(/^Note contains a character that cannot be stored/);
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(before);
	});
});

describe('keys Podium makes itself', () => {
	let o: Org;
	beforeAll(async () => {
		o = await newOrg();
	});

	async function logged(id: string) {
		const res = await post(o.token, { events: [{ id, metric: 'deal', user: o.other.email, occurredAt: hoursAgo(1) }] });
		const [result] = res.json<{ results: { status: string }[] }>().results;
		expect(result.status).toBe('accepted');
		return Number((await app.runtime.db.selectFrom('score_events').select('id').where('organization_id', '=', o.admin.organizationId).where('idempotency_key', '=', id).executeTakeFirstOrThrow()).id);
	}

	test('the API and CSV import refuse ids in the reserved namespaces, and the event can still be voided', async () => {
		const eventId = await logged(`deal-${uniqueSuffix()}`);
		const before = await countEvents(app.runtime.db, o.admin.organizationId);
		const res = await post(o.token, {
			events: ['void:', 'csv:', 'manual:', 'demo:'].map((prefix) => ({ id: `${prefix}${eventId}`, metric: 'call', user: o.other.email }))
		});
		const results = res.json<{ rejected: number; results: { status: string; error?: string }[] }>();
		expect(results.rejected).toBe(4);
		for (const r of results.results) expect(r.error).toMatch(/^id must not start with void:, csv:, manual:, demo:/);
		// Future ids cannot be claimed ahead either.
		expect((await post(o.token, { events: [{ id: `void:${eventId + 1000}`, metric: 'call', user: o.other.email }] })).json().rejected).toBe(1);

		const csv = `id,metric,user,value,occurredAt\nvoid:${eventId},call,${o.other.email},1,${hoursAgo(1)}\n`;
		const preview = success(await o.admin.browser.action('/admin/import?/preview', { csv }));
		expect(preview.preview.issues).toEqual([expect.objectContaining({ row: 2, column: 'id', message: expect.stringMatching(/^id must not start with void:/) })]);
		expect(success(await o.admin.browser.action('/admin/import?/import', { csv })).summary).toMatchObject({ accepted: 0, rejected: 1 });
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(before);

		success(await o.leader.browser.action('/leaderboards?/void', { eventId: String(eventId), reason: 'Entered twice' }));
		const correction = await app.runtime.db.selectFrom('score_events').select(['idempotency_key', 'value']).where('voids_event_id', '=', eventId).executeTakeFirstOrThrow();
		expect(correction).toMatchObject({ idempotency_key: `void:${eventId}`, value: -1 });
	});

	test('an event whose void key a client claimed before the namespace was reserved can still be voided, once', async () => {
		const eventId = await logged(`deal-${uniqueSuffix()}`);
		// As an old API client could: an ordinary event stored under void:<id>.
		await insertEvents(app.runtime.db, [
			{
				organization_id: o.admin.organizationId,
				metric_id: (await app.runtime.db.selectFrom('metrics').select('id').where('organization_id', '=', o.admin.organizationId).where('key', '=', 'call').executeTakeFirstOrThrow()).id,
				user_id: o.other.userId,
				team_id: null,
				value: 1,
				points: 1,
				occurred_at: new Date(),
				source: 'api',
				actor_id: null,
				note: null,
				idempotency_key: `void:${eventId}`,
				content_hash: 'claimed'
			}
		]);
		success(await o.leader.browser.action('/leaderboards?/void', { eventId: String(eventId), reason: 'Wrong rep' }));
		const corrections = await app.runtime.db.selectFrom('score_events').select(['idempotency_key', 'value']).where('voids_event_id', '=', eventId).execute();
		expect(corrections).toHaveLength(1);
		expect(corrections[0].idempotency_key.startsWith(`void:${eventId}:`)).toBe(true);
		expect(corrections[0].idempotency_key.length).toBeGreaterThan(128);
		const twice = failure(await o.leader.browser.action('/leaderboards?/void', { eventId: String(eventId), reason: 'Wrong rep' }), 409);
		expect(twice.errors.eventId).toBeTruthy();
	});
});

describe('the media type of the ingest API', () => {
	let o: Org;
	beforeAll(async () => {
		o = await newOrg();
	});

	test('only application/json (any case, with parameters) is taken; look-alikes get 415 and write nothing', async () => {
		const events = () => ({ events: [{ id: `m-${uniqueSuffix()}`, metric: 'call', user: o.other.email }] });
		const before = await countEvents(app.runtime.db, o.admin.organizationId);
		for (const type of ['application/json-patch+json', 'application/jsonx', 'application/json-seq', 'application/json/x', 'application', '; application/json']) {
			const res = await post(o.token, events(), type);
			expect(res.status, type).toBe(415);
			expect(res.json().error).toMatch(/application\/json/);
		}
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(before);
		for (const type of ['application/json', 'Application/JSON', 'application/json; charset=utf-8', ' application/json ;charset="UTF-8"']) {
			expect((await post(o.token, events(), type)).status, type).toBe(200);
		}
	});
});

const metricRow = (orgId: string, key: string) =>
	app.runtime.db.selectFrom('metrics').selectAll().where('organization_id', '=', orgId).where('key', '=', key).executeTakeFirstOrThrow();

/** The edit form of a metric as the page sends it, with some fields changed. */
async function editMetric(admin: SignedUp, key: string, changes: Record<string, string>) {
	const m = await metricRow(admin.organizationId, key);
	const digits = m.unit === 'currency' ? 2 : 0;
	return admin.browser.action('/admin/metrics?/update', {
		metricId: m.id,
		'name.en': m.name.en ?? '',
		'name.zh-CN': m.name['zh-CN'] ?? '',
		step: String(Number(m.step) / 10 ** digits),
		pointsPerStep: String(m.points_per_step),
		dailyCap: m.daily_cap === null ? '' : String(m.daily_cap),
		...(m.self_report ? { selfReport: 'on' } : {}),
		...changes
	});
}

describe('a largest value per event, plain decimals, and flags for the leader', () => {
	let o: Org;
	beforeAll(async () => {
		o = await newOrg();
	});

	test('each metric starts with a largest value per unit; the API rejects more, naming value', async () => {
		expect([(await metricRow(o.admin.organizationId, 'call')).max_value, (await metricRow(o.admin.organizationId, 'revenue')).max_value].map(Number)).toEqual([
			1_000, 100_000_000_000
		]);
		const res = await post(o.token, {
			events: [
				{ id: `big-${uniqueSuffix()}`, metric: 'call', user: o.other.email, value: 99_999_999 },
				{ id: `max-${uniqueSuffix()}`, metric: 'call', user: o.other.email, value: 1_000 },
				{ id: `rev-${uniqueSuffix()}`, metric: 'revenue', user: o.other.email, value: 100_000_000_001 }
			]
		});
		const results = res.json<{ results: { status: string; error?: string }[] }>().results;
		expect(results.map((r) => r.status)).toEqual(['rejected', 'accepted', 'rejected']);
		expect(results[0].error).toBe('value must be at most 1000 for metric "call" (its largest value per event)');
		expect(results[2].error).toMatch(/^value must be at most 100000000000 for metric "revenue"/);
	});

	test('an admin edits the largest value on the metrics page, in the unit as typed; a bad one is refused naming the field', async () => {
		expect(success(await editMetric(o.admin, 'meeting', { maxValue: '20' })).done).toBeTruthy();
		expect(Number((await metricRow(o.admin.organizationId, 'meeting')).max_value)).toBe(20);
		success(await editMetric(o.admin, 'revenue', { maxValue: '5000000.50' }));
		expect(Number((await metricRow(o.admin.organizationId, 'revenue')).max_value)).toBe(500_000_050);
		const page = await o.admin.browser.get('/admin/metrics');
		expect(page.body).toContain('Largest value per entry');
		expect(page.body).toContain('¥5,000,000.50');
		for (const bad of ['0x10', '1e3', '0', '-5']) {
			const f = failure(await editMetric(o.admin, 'meeting', { maxValue: bad }), 400);
			expect(f.errors, bad).toEqual({ maxValue: 'Largest value per entry must be a whole number from 1 to 1,000,000,000,000.' });
		}
		expect(failure(await editMetric(o.admin, 'revenue', { maxValue: '10.005' }), 400).errors.maxValue).toMatch(/^Largest value per entry must be an amount/);
		expect(Number((await metricRow(o.admin.organizationId, 'meeting')).max_value)).toBe(20);
		const res = await post(o.token, { events: [{ id: `m-${uniqueSuffix()}`, metric: 'meeting', user: o.other.email, value: 21 }] });
		expect(res.json().results[0].error).toMatch(/^value must be at most 20 for metric "meeting"/);
	});

	test('a CSV row above its metric\'s largest value is refused by its row and column', async () => {
		const before = await countEvents(app.runtime.db, o.admin.organizationId);
		const csv = `id,metric,user,value,occurredAt\nc-${uniqueSuffix()},call,${o.other.email},1001,${hoursAgo(1)}\nh-${uniqueSuffix()},call,${o.other.email},0x10,${hoursAgo(1)}\n`;
		const data = success(await o.admin.browser.action('/admin/import?/preview', { csv }));
		expect(data.preview.issues.map((i: { row: number; column: string; message: string }) => [i.row, i.column, i.message])).toEqual([
			[2, 'value', 'value must be at most 1,000, the largest value per entry of “call”.'],
			[3, 'value', 'value must be a whole number from 0 to 1,000,000,000,000.']
		]);
		expect(success(await o.admin.browser.action('/admin/import?/import', { csv })).summary).toMatchObject({ accepted: 0, rejected: 2 });
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(before);
	});

	test('the quick log takes only plain decimals within the bounds, and says under Amount what is allowed', async () => {
		const before = await countEvents(app.runtime.db, o.admin.organizationId);
		const log = (who: Member | SignedUp, userId: string, metric: string, value: string) =>
			who.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId, metric, value });
		for (const value of ['-5', '0', '1.5', '0x10', '1e3', '1,200', '1001', '99999999', 'NaN', '١٢']) {
			const f = failure(await log(o.rep, o.rep.userId, 'call', value), 400);
			expect(f.errors, value).toEqual({ value: 'Amount must be a whole number from 1 to 1,000, written with digits only.' });
		}
		// Money: at most the currency's decimals, up to the metric's largest value (¥5,000,000.50 above).
		for (const value of ['1200.505', '1e3', '0.00', '5000000.51']) {
			const f = failure(await log(o.leader, o.rep.userId, 'revenue', value), 400);
			expect(f.errors, value).toEqual({
				value: 'Amount must be from 0.01 to 5,000,000.5 CNY, written with digits and at most 2 decimals, e.g. 1200.50.'
			});
		}
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(before);
		success(await log(o.leader, o.rep.userId, 'revenue', '1200.5'));
		success(await log(o.rep, o.rep.userId, 'call', ' 12 '));
		const values = await app.runtime.db.selectFrom('score_events').select('value').where('organization_id', '=', o.admin.organizationId).orderBy('id', 'desc').limit(2).execute();
		expect(values.map((v) => Number(v.value))).toEqual([12, 120_050]);
		// A metric a rep may not self-report is named under Activity.
		expect(failure(await log(o.rep, o.rep.userId, 'deal', '1'), 400).errors).toEqual({ metric: 'Deals won cannot be logged for yourself; your leader logs it.' });
	});

	test('the quick log speaks Chinese to a Chinese session, naming the field', async () => {
		const zh = await signUpOrganization(app, { locale: 'zh-CN' });
		const f = failure(await zh.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId: zh.userId, metric: 'call', value: '1.5' }), 400);
		expect(f.errors).toEqual({ value: '数值必须是 1 到 1,000 之间的整数，只能用数字书写。' });
	});

	test('unusual self-reports are flagged for the leader in the activity feed; they count as usual', async () => {
		const log = (value: string) => o.rep.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId: o.rep.userId, metric: 'meeting', value });
		// Meetings allow 20 per entry now: 10 is half of it.
		success(await log('10'));
		for (let i = 0; i < 5; i++) success(await log('1'));
		success(await log('4'));
		success(await log('2'));
		const flags = await app.runtime.db
			.selectFrom('score_events as e')
			.innerJoin('metrics as m', 'm.id', 'e.metric_id')
			.select(['e.value', 'e.flag'])
			.where('e.organization_id', '=', o.admin.organizationId)
			.where('m.key', '=', 'meeting')
			.where('e.user_id', '=', o.rep.userId)
			.orderBy('e.id')
			.execute();
		// 10 is near the largest value; after 10 and five 1s (typical 2.5), 4 is not above 3x, 2 neither.
		expect(flags.map((f) => [Number(f.value), f.flag])).toEqual([
			[10, 'near_max'],
			[1, null],
			[1, null],
			[1, null],
			[1, null],
			[1, null],
			[4, null],
			[2, null]
		]);
		success(await o.rep.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId: o.rep.userId, metric: 'call', value: '3' }));
		for (let i = 0; i < 4; i++) success(await o.rep.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId: o.rep.userId, metric: 'call', value: '3' }));
		// Calls so far: 12 (above) and five 3s, typical 4.5: 20 is more than 3x that.
		success(await o.rep.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId: o.rep.userId, metric: 'call', value: '20' }));
		const last = await app.runtime.db.selectFrom('score_events').select(['flag', 'points']).where('organization_id', '=', o.admin.organizationId).orderBy('id', 'desc').executeTakeFirstOrThrow();
		expect(last).toEqual({ flag: 'above_usual', points: 20 });
		// A leader logging for the rep is not a self-report.
		success(await o.leader.browser.action('/leaderboards?/log', { key: crypto.randomUUID(), userId: o.rep.userId, metric: 'call', value: '500' }));
		expect((await app.runtime.db.selectFrom('score_events').select('flag').where('organization_id', '=', o.admin.organizationId).orderBy('id', 'desc').executeTakeFirstOrThrow()).flag).toBeNull();

		const leaderPage = (await o.leader.browser.get('/leaderboards')).body;
		expect(leaderPage.match(/data-flag="near_max"/g)).toHaveLength(1);
		expect(leaderPage.match(/data-flag="above_usual"/g)).toHaveLength(1);
		expect((await o.rep.browser.get('/leaderboards')).body).not.toContain('data-flag=');
	});
});

describe('totals stay exact', () => {
	test('an event that would take a rep’s or a team’s all-time total past 2^52 is rejected naming value; the live board equals the log', async () => {
		const o = await newOrg();
		success(await editMetric(o.admin, 'revenue', { maxValue: '10000000000' })); // 1e12 minor units
		const teamId = (await app.runtime.db.selectFrom('team_members').select('team_id').where('user_id', '=', o.other.userId).executeTakeFirstOrThrow()).team_id;
		const mate = await addRep(app.runtime.db, o.admin.organizationId, { teamId });
		const batches = Array.from({ length: 5 }, (_, b) =>
			Array.from({ length: 1000 }, (_, i) => ({ id: `big-${b}-${i}`, metric: 'revenue', user: o.other.email, value: 1e12, occurredAt: hoursAgo(2) }))
		);
		const answers = [];
		for (const events of batches) answers.push((await post(o.token, { events })).json<{ accepted: number; rejected: number; results: { status: string; error?: string }[] }>());
		// 4,503 × 10^12 ≤ 2^52 = 4,503,599,627,370,496 < 4,504 × 10^12.
		expect(answers.map((a) => a.accepted)).toEqual([1000, 1000, 1000, 1000, 503]);
		expect(answers[4].rejected).toBe(497);
		expect(answers[4].results[503].error).toBe('value would take an all-time total past 4503599627370496, the largest total Podium keeps exact');
		// A retry of stored events is still a duplicate.
		expect((await post(o.token, { events: batches[0] })).json().duplicates).toBe(1000);
		// The team's total counts too: the teammate's own total is 0, the team's is at the bound.
		const mateAnswer = await post(o.token, {
			events: [
				{ id: `mate-1-${uniqueSuffix()}`, metric: 'revenue', user: mate.email, value: 1e12 },
				{ id: `mate-2-${uniqueSuffix()}`, metric: 'revenue', user: mate.email, value: 5e11 }
			]
		});
		expect(mateAnswer.json<{ results: { status: string }[] }>().results.map((r) => r.status)).toEqual(['rejected', 'accepted']);

		const sum = async (column: 'user_id' | 'team_id', id: string) =>
			(
				await app.runtime.db
					.selectFrom('score_events as e')
					.innerJoin('metrics as m', 'm.id', 'e.metric_id')
					.select((eb) => eb.fn.sum<string>('e.value').as('total'))
					.where('e.organization_id', '=', o.admin.organizationId)
					.where('m.key', '=', 'revenue')
					.where(`e.${column}`, '=', id)
					.executeTakeFirstOrThrow()
			).total;
		expect(await sum('user_id', o.other.userId)).toBe('4503000000000000');
		expect(await sum('team_id', teamId)).toBe('4503500000000000');
		const [rep] = await app.runtime.live.entries(o.admin.organizationId, 'revenue|users|all|all', [o.other.userId]);
		const [team] = await app.runtime.live.entries(o.admin.organizationId, 'revenue|teams|all|all', [teamId]);
		expect([rep?.score, team?.score]).toEqual([4_503_000_000_000_000, 4_503_500_000_000_000]);
	});

	test('concurrent requests near the bound leave every total exact (below 2^53) and the live board equal to the log', async () => {
		const o = await newOrg();
		success(await editMetric(o.admin, 'revenue', { maxValue: '10000000000' }));
		const requests = Array.from({ length: 6 }, (_, b) =>
			post(o.token, { events: Array.from({ length: 1000 }, (_, i) => ({ id: `c-${b}-${i}`, metric: 'revenue', user: o.other.email, value: 1e12 })) })
		);
		const answers = (await Promise.all(requests)).map((r) => r.json<{ accepted: number; rejected: number }>());
		const accepted = answers.reduce((n, a) => n + a.accepted, 0);
		expect(answers.reduce((n, a) => n + a.accepted + a.rejected, 0)).toBe(6000);
		expect(accepted).toBeGreaterThanOrEqual(4503);
		expect(accepted * 1e12).toBeLessThan(2 ** 53);
		const { total } = await app.runtime.db
			.selectFrom('score_events')
			.select((eb) => eb.fn.sum<string>('value').as('total'))
			.where('organization_id', '=', o.admin.organizationId)
			.executeTakeFirstOrThrow();
		expect(total).toBe(`${accepted}000000000000`);
		const [rep] = await app.runtime.live.entries(o.admin.organizationId, 'revenue|users|all|all', [o.other.userId]);
		expect(String(rep?.score)).toBe(total);
	});

	test('with the live store down, ingest still stores events (the reconciler applies them later)', async () => {
		const o = await newOrg();
		const down = new Proxy(app.runtime.live, {
			get(target, prop, receiver) {
				if (prop === 'top' || prop === 'entries' || prop === 'applyEvents') return async () => Promise.reject(new Error('live store down'));
				return Reflect.get(target, prop, receiver);
			}
		});
		const results = await ingestEvents({ db: app.runtime.db, live: down, events: app.runtime.events }, { organizationId: o.admin.organizationId, source: 'api', actorId: null }, [
			{ id: `down-${uniqueSuffix()}`, metric: 'revenue', user: o.other.email, value: 1_000_000 }
		]);
		expect(results.map((r) => r.status)).toEqual(['accepted']);
		expect(await countEvents(app.runtime.db, o.admin.organizationId)).toBe(1);
	});
});
