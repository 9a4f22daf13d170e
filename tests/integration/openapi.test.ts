// GET /api/v1/openapi.json serves the document, and what the real API answers matches the response
// schemas it describes (so a change to a route's answer that the document misses fails here).
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { uniqueSuffix } from '../helpers/env';
import { addApiToken, addRep, addTeam, createOrg } from '../helpers/scoring';
import { moveCoins } from '../../src/lib/server/recognition/coin.service';
import { assignCourse, createCourse, publishCourse, saveModule } from '../../src/lib/server/training/training.service';
import { ingestEvents, voidEvent } from '../../src/lib/server/scoring/event.service';
import { scanOrganization } from '../../src/lib/server/coaching/flags.service';
import { createNote } from '../../src/lib/server/coaching/note.service';
import { orgClock } from '../../src/lib/server/scoring/live.service';
import { periodOf, shiftPeriod } from '../../src/lib/shared/time-windows';

let app: App;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: object };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

beforeAll(async () => {
	app = await startApp();
	const res = await app.browser().get('/api/v1/openapi.json');
	expect(res.status).toBe(200);
	doc = res.json();
	ajv.addSchema({ $id: 'https://podium.test/doc', components: doc.components } as object);
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

/** Checks a real answer against the document's schema for that operation and status. */
function expectDescribed(method: string, path: string, status: number, body: unknown) {
	const response = doc.paths[path]?.[method]?.responses[String(status)];
	expect(response, `${method.toUpperCase()} ${path} ${status} is described`).toBeTruthy();
	const schema = response!.content?.['application/json']?.schema;
	expect(schema, `${method.toUpperCase()} ${path} ${status} has a JSON schema`).toBeTruthy();
	// Refs in the document point at #/components/…: resolve them against the document added as https://podium.test/doc.
	const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://podium.test/doc#/components/'));
	const validate = ajv.compile({ ...resolved, $id: `https://podium.test/check-${uniqueSuffix()}` });
	expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
}

describe('GET /api/v1/openapi.json', () => {
	test('is public, OpenAPI 3.1, and names this server', async () => {
		const res = await app.browser().get('/api/v1/openapi.json');
		expect(res.headers['content-type']).toMatch(/^application\/json/);
		const body = res.json();
		expect(body.openapi).toBe('3.1.0');
		expect(body.servers[0].url).toBe(app.url);
		expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/v1/events', '/api/v1/leaderboards', '/api/v1/members']));
	});

	test('real answers of the scoring API match their described schemas', async () => {
		const db = app.runtime.db;
		const org = await createOrg(db);
		const team = await addTeam(db, org.organizationId);
		const rep = await addRep(db, org.organizationId, { teamId: team, externalId: `crm-${uniqueSuffix()}` });
		const { token } = await addApiToken(db, org.organizationId);
		const auth = { authorization: `Bearer ${token}` };

		const posted = await app.browser().request('POST', '/api/v1/events', {
			headers: { 'content-type': 'application/json', ...auth },
			body: JSON.stringify({ events: [{ id: `d-${uniqueSuffix()}`, metric: 'deal', user: rep.email }, { id: `x-${uniqueSuffix()}`, metric: 'nope', user: rep.email }] })
		});
		expect(posted.status).toBe(200);
		expectDescribed('post', '/api/v1/events', 200, posted.json());

		const refused = await app.browser().request('POST', '/api/v1/events', { headers: { 'content-type': 'application/json', ...auth }, body: '{"events":[]}' });
		expect(refused.status).toBe(400);
		expectDescribed('post', '/api/v1/events', 400, refused.json());

		const board = await app.browser().get(`/api/v1/leaderboards?board=points&around=${encodeURIComponent(rep.email)}`, auth);
		expect(board.status).toBe(200);
		expect(board.json().entries.length).toBe(1);
		expectDescribed('get', '/api/v1/leaderboards', 200, board.json());

		const badBoard = await app.browser().get('/api/v1/leaderboards?limit=0', auth);
		expect(badBoard.status).toBe(400);
		expectDescribed('get', '/api/v1/leaderboards', 400, badBoard.json());

		const members = await app.browser().get('/api/v1/members', auth);
		expect(members.status).toBe(200);
		expectDescribed('get', '/api/v1/members', 200, members.json());

		const anonymous = await app.browser().get('/api/v1/members');
		expect(anonymous.status).toBe(401);
		expectDescribed('get', '/api/v1/members', 401, anonymous.json());

		const health = await app.browser().get('/api/health');
		expectDescribed('get', '/api/health', health.status, health.json());
	});

	test('real answers of the coins API match their described schemas', async () => {
		const db = app.runtime.db;
		const org = await createOrg(db);
		const rep = await addRep(db, org.organizationId);
		await db.transaction().execute((trx) => moveCoins(trx, { organizationId: org.organizationId, userId: rep.userId, amount: 25, reason: 'adjustment', ref: `test:${uniqueSuffix()}`, note: 'welcome' }));
		const { token } = await addApiToken(db, org.organizationId, ['coins:read']);
		const auth = { authorization: `Bearer ${token}` };
		const path = '/api/v1/coins/{user}';

		const account = await app.browser().get(`/api/v1/coins/${encodeURIComponent(rep.email)}`, auth);
		expect(account.status).toBe(200);
		expect(account.json()).toMatchObject({ balance: 25, entries: [{ amount: 25, reason: 'adjustment', note: 'welcome' }], next: null });
		expectDescribed('get', path, 200, account.json());
		for (const [url, status, headers] of [
			[`/api/v1/coins/${rep.userId}?limit=0`, 400, auth],
			[`/api/v1/coins/${rep.userId}`, 401, {}],
			['/api/v1/coins/nobody@example.test', 404, auth]
		] as const) {
			const res = await app.browser().get(url, headers);
			expect(res.status).toBe(status);
			expectDescribed('get', path, status, res.json());
		}
	});

	test('real answers of the badges API match their described schemas', async () => {
		const db = app.runtime.db;
		const org = await createOrg(db);
		const rep = await addRep(db, org.organizationId);
		const { token } = await addApiToken(db, org.organizationId, ['badges:read'], rep.userId);
		await db
			.insertInto('badges')
			.values({ organization_id: org.organizationId, name: JSON.stringify({ en: 'Dialer' }), icon: 'phone', rule: JSON.stringify({ kind: 'window', metric: 'call', measure: 'count', window: 'day' }), steps: JSON.stringify([{ tier: 'bronze', threshold: 3 }, { tier: 'silver', threshold: 6 }, { tier: 'gold', threshold: 9 }]), created_by: null })
			.execute();
		const badge = await db.selectFrom('badges').select('id').where('organization_id', '=', org.organizationId).executeTakeFirstOrThrow();
		await db.insertInto('badge_awards').values({ organization_id: org.organizationId, badge_id: badge.id, tier: 'bronze', user_id: rep.userId, period_key: '2026-11-30', awarded_at: new Date() }).execute();
		const auth = { authorization: `Bearer ${token}` };
		const list = await app.browser().get('/api/v1/badges', auth);
		expect(list.status).toBe(200);
		expect(list.json().badges[0].holders).toBe(1);
		expectDescribed('get', '/api/v1/badges', 200, list.json());
		const awards = await app.browser().get(`/api/v1/badges/awards?user=${encodeURIComponent(rep.email)}`, auth);
		expect(awards.status).toBe(200);
		expect(awards.json().awards[0]).toMatchObject({ tier: 'bronze', period: '2026-11-30' });
		expectDescribed('get', '/api/v1/badges/awards', 200, awards.json());
		const missing = await app.browser().get('/api/v1/badges/awards', auth);
		expect(missing.status).toBe(400);
		expectDescribed('get', '/api/v1/badges/awards', 400, missing.json());
		const unknown = await app.browser().get('/api/v1/badges/awards?user=nobody', auth);
		expect(unknown.status).toBe(404);
		expectDescribed('get', '/api/v1/badges/awards', 404, unknown.json());
		const anonymous = await app.browser().get('/api/v1/badges');
		expect(anonymous.status).toBe(401);
		expectDescribed('get', '/api/v1/badges', 401, anonymous.json());
	});

	test('real answers of the training API match their described schemas', async () => {
		const db = app.runtime.db;
		const org = await createOrg(db);
		const team = await addTeam(db, org.organizationId);
		const rep = await addRep(db, org.organizationId, { teamId: team });
		const admin = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' as const };
		const courseId = await createCourse(app.runtime, admin, { title: { en: 'Objections', 'zh-CN': '异议' }, points: 40 });
		await saveModule(app.runtime, admin, { courseId, title: 'Read', body: 'Text' });
		await publishCourse(app.runtime, admin, { courseId });
		await assignCourse(app.runtime, admin, { courseId, users: [rep.userId], dueOn: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) });
		const { token: read } = await addApiToken(db, org.organizationId, ['training:read']);
		const { token: write } = await addApiToken(db, org.organizationId, ['training:write']);
		const list = '/api/v1/training/assignments';
		const assignments = await app.browser().get(`${list}?user=${encodeURIComponent(rep.email)}`, { authorization: `Bearer ${read}` });
		expect(assignments.status).toBe(200);
		expect(assignments.json().assignments).toHaveLength(1);
		expectDescribed('get', list, 200, assignments.json());
		for (const [url, status, headers] of [
			[list, 400, { authorization: `Bearer ${read}` }],
			[`${list}?user=${rep.userId}`, 401, {}],
			[`${list}?user=${rep.userId}`, 403, { authorization: `Bearer ${write}` }],
			[`${list}?user=nobody@example.test`, 404, { authorization: `Bearer ${read}` }]
		] as const) {
			const res = await app.browser().get(url, headers);
			expect(res.status).toBe(status);
			expectDescribed('get', list, status, res.json());
		}
		const path = '/api/v1/training/completions';
		const post = (body: unknown, token = write) => app.browser().request('POST', path, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
		const body = { id: `lms-${uniqueSuffix()}`, user: rep.email, course: courseId };
		for (const [input, status, token] of [
			[body, 201, write],
			[body, 200, write],
			[{ ...body, id: '' }, 400, write],
			[body, 403, read],
			[{ ...body, id: `lms-${uniqueSuffix()}`, course: crypto.randomUUID() }, 404, write],
			[{ ...body, user: org.adminEmail }, 409, write]
		] as const) {
			const res = await post(input, token);
			expect(res.status, res.body).toBe(status);
			expectDescribed('post', path, status, res.json());
		}
	});

	test('real answers of the coaching API (analytics, flags) match their described schemas', async () => {
		const db = app.runtime.db;
		const org = await createOrg(db);
		const team = await addTeam(db, org.organizationId);
		const rep = await addRep(db, org.organizationId, { teamId: team });
		const quiet = await addRep(db, org.organizationId, { teamId: team });
		const { token: analytics } = await addApiToken(db, org.organizationId, ['analytics:read'], org.adminId);
		const { token: read } = await addApiToken(db, org.organizationId, ['flags:read'], org.adminId);
		const { token: write } = await addApiToken(db, org.organizationId, ['flags:write'], org.adminId);
		const auth = (token: string) => ({ authorization: `Bearer ${token}` });
		const results = await ingestEvents(app.runtime, { organizationId: org.organizationId, source: 'api', actorId: null }, Array.from({ length: 5 }, (_, i) => ({ id: `oa-${i}-${uniqueSuffix()}`, metric: 'call', user: rep.email, value: 1 })));
		for (const r of results.slice(0, 3)) await voidEvent(app.runtime, { organizationId: org.organizationId, actorId: org.adminId, canVoid: () => true }, { eventId: r.eventId!, reason: 'Duplicate' });
		expect(await scanOrganization(db, org.organizationId)).toBe(1);

		for (const [path, template] of [
			[`/api/v1/analytics/reps/${rep.userId}?metric=call`, '/api/v1/analytics/reps/{userId}'],
			[`/api/v1/analytics/reps/${quiet.userId}?period=year`, '/api/v1/analytics/reps/{userId}'],
			[`/api/v1/analytics/teams/${team}`, '/api/v1/analytics/teams/{teamId}']
		] as const) {
			const res = await app.browser().get(path, auth(analytics));
			expect(res.status, res.body).toBe(200);
			expectDescribed('get', template, 200, res.json());
		}
		for (const [path, template, status, headers] of [
			['/api/v1/analytics/reps/nope', '/api/v1/analytics/reps/{userId}', 400, auth(analytics)],
			[`/api/v1/analytics/reps/${rep.userId}`, '/api/v1/analytics/reps/{userId}', 401, {}],
			[`/api/v1/analytics/reps/${rep.userId}`, '/api/v1/analytics/reps/{userId}', 403, auth(read)],
			[`/api/v1/analytics/reps/${crypto.randomUUID()}`, '/api/v1/analytics/reps/{userId}', 404, auth(analytics)],
			[`/api/v1/analytics/teams/${team}?metric=nope`, '/api/v1/analytics/teams/{teamId}', 400, auth(analytics)],
			[`/api/v1/analytics/teams/${crypto.randomUUID()}`, '/api/v1/analytics/teams/{teamId}', 404, auth(analytics)],
			['/api/v1/flags?status=maybe', '/api/v1/flags', 400, auth(read)],
			['/api/v1/flags', '/api/v1/flags', 401, {}],
			['/api/v1/flags', '/api/v1/flags', 403, auth(analytics)],
			[`/api/v1/flags?team=${crypto.randomUUID()}`, '/api/v1/flags', 404, auth(read)]
		] as const) {
			const res = await app.browser().get(path, headers);
			expect(res.status, `${path}: ${res.body}`).toBe(status);
			expectDescribed('get', template, status, res.json());
		}
		const list = await app.browser().get('/api/v1/flags?status=all', auth(read));
		expect(list.status).toBe(200);
		expect(list.json().flags).toHaveLength(1);
		expectDescribed('get', '/api/v1/flags', 200, list.json());
		const id = list.json().flags[0].id;
		const dismiss = '/api/v1/flags/{flagId}/dismiss';
		const post = (flagId: string, body: unknown, token = write, type = 'application/json') =>
			app.browser().request('POST', `/api/v1/flags/${flagId}/dismiss`, { headers: { 'content-type': type, ...auth(token) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
		for (const [res, status] of [
			[await post(id, { reason: '' }), 400],
			[await post(id, { reason: 'Checked' }, read), 403],
			[await post(crypto.randomUUID(), { reason: 'Checked' }), 404],
			[await post(id, 'reason=Checked', write, 'text/plain'), 415],
			[await post(id, { reason: 'Checked in the CRM' }), 200],
			[await post(id, { reason: 'Again' }), 409]
		] as const) {
			expect(res.status, res.body).toBe(status);
			expectDescribed('post', dismiss, status, res.json());
		}
	});

	test('real answers of the reviews and notes API match their described schemas', async () => {
		const db = app.runtime.db;
		const org = await createOrg(db);
		const team = await addTeam(db, org.organizationId);
		const rep = await addRep(db, org.organizationId, { teamId: team });
		const admin = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' as const };
		const { token: read } = await addApiToken(db, org.organizationId, ['reviews:read'], org.adminId);
		const { token: write } = await addApiToken(db, org.organizationId, ['reviews:write'], org.adminId);
		const { token: repWrite } = await addApiToken(db, org.organizationId, ['reviews:write'], rep.userId);
		const call = (method: string, path: string, token: string, body?: unknown) =>
			app.browser().request(method, path, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
		const check = async (method: string, template: string, path: string, token: string, status: number, body?: unknown) => {
			const res = await call(method, path, token, body);
			expect(res.status, `${method} ${path}: ${res.body}`).toBe(status);
			expectDescribed(method.toLowerCase(), template, status, res.json());
			return res.json();
		};
		const clock = await orgClock(db, org.organizationId);
		const last = shiftPeriod(periodOf('month', new Date(), clock), -1, clock).key;
		const soon = periodOf('day', new Date(Date.now() + 3 * 86_400_000), clock).key;
		const created = await check('POST', '/api/v1/reviews', '/api/v1/reviews', write, 201, { subjectId: rep.userId, window: 'month', period: last });
		await check('POST', '/api/v1/reviews', '/api/v1/reviews', write, 400, { subjectId: rep.userId, window: 'month', period: 'last' });
		await check('POST', '/api/v1/reviews', '/api/v1/reviews', write, 409, { subjectId: rep.userId, window: 'month', period: last });
		await check('POST', '/api/v1/reviews', '/api/v1/reviews', read, 403, { subjectId: rep.userId, window: 'month', period: last });
		const one = '/api/v1/reviews/{reviewId}';
		const path = `/api/v1/reviews/${created.id}`;
		await check('PUT', one, path, write, 200, { strengths: 'Persistent', improvements: 'Discovery', feedback: 'A good base.' });
		await check('POST', `${one}/share`, `${path}/share`, write, 200, {});
		await check('POST', `${one}/plan`, `${path}/plan`, write, 200, { goal: 'Better discovery calls' });
		const action = await check('POST', `${one}/actions`, `${path}/actions`, write, 201, { text: 'Shadow two calls', owner: 'rep', dueOn: soon });
		await check('PUT', `${one}/actions`, `${path}/actions`, repWrite, 200, { actionId: action.id, done: true });
		await check('POST', `${one}/checkins`, `${path}/checkins`, write, 201, { onDay: soon, note: 'Listen to a call' });
		await check('POST', `${one}/comments`, `${path}/comments`, repWrite, 201, { body: 'Thanks!' });
		await check('POST', `${one}/acknowledgement`, `${path}/acknowledgement`, repWrite, 200, {});
		await check('POST', `${one}/acknowledgement`, `${path}/acknowledgement`, repWrite, 409, {});
		const view = await check('GET', one, path, read, 200);
		expect(view).toMatchObject({ status: 'shared', plan: { actions: [{ done: true }] }, comments: [{ body: 'Thanks!' }] });
		await check('GET', one, `/api/v1/reviews/${crypto.randomUUID()}`, read, 404);
		await check('GET', '/api/v1/reviews', '/api/v1/reviews', read, 200);
		await check('GET', '/api/v1/reviews', `/api/v1/reviews?member=${rep.userId}`, read, 200);

		const note = await check('POST', '/api/v1/notes', '/api/v1/notes', write, 201, { member: rep.userId, onDay: soon, body: 'Talked about pipeline', shared: true, items: ['Update the CRM'] });
		await check('POST', '/api/v1/notes', '/api/v1/notes', write, 400, { member: rep.userId, onDay: 'soon', body: 'x' });
		await check('POST', '/api/v1/notes', '/api/v1/notes', repWrite, 403, { member: rep.userId, onDay: soon, body: 'x' });
		const notes = await check('GET', '/api/v1/notes', `/api/v1/notes?member=${rep.userId}`, read, 200);
		await check('PUT', '/api/v1/notes/{noteId}', `/api/v1/notes/${note.id}`, write, 200, { body: 'Talked about the pipeline', shared: true });
		await check('PUT', '/api/v1/notes/{noteId}/items', `/api/v1/notes/${note.id}/items`, repWrite, 200, { itemId: notes.notes[0].items[0].id, done: true });
		const other = await createNote(db, admin, rep.userId, { onDay: soon, body: 'Private' });
		await check('PUT', '/api/v1/notes/{noteId}', `/api/v1/notes/${other.id}`, repWrite, 404, { body: 'Mine now' });
	});
});
