// Kudos end to end on this mode's database and live store: giving within the monthly allowance under
// truly concurrent requests (two connection pools against real Postgres), refusals that write nothing,
// points on the points leaderboard (and live:verify clean), the API with token scopes, reactions,
// reports, hiding and spotlighting with their authorization, and the pushes of the live feed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'kysely';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { usingPostgres } from '../helpers/env';
import { addApiToken, addRep, addTeam, countEvents, createOrg, openTestDb, uniqueSuffix, type TestOrg, type TestRep } from '../helpers/scoring';
import { closeAllSockets, connectSocket, nextEvent } from '../helpers/sockets';
import { startReportingChild, until } from '../helpers/child';
import { signUpOrganization, addMember, type SignedUp } from '../helpers/fixtures';
import type { Actor } from '../../src/lib/server/org/actor';
import { giveKudos, hide, listFeed, payUnpaidKudos, react, report, spotlight, allowanceOf } from '../../src/lib/server/recognition/kudos.service';
import { createValue, setAllowances, archiveValue, deleteValue, listValues } from '../../src/lib/server/recognition/values.service';
import { seedDemoKudos } from '../../src/lib/server/recognition/kudos.demo';
import { verifyOrg } from '../../src/lib/server/scoring/live.service';
import { trophyCase } from '../../src/lib/server/recognition/badge.service';
import { AppError, ValidationError } from '../../src/lib/server/platform/errors';
import type { Db } from '../../src/lib/server/db';
import type { KudosView } from '../../src/lib/shared/kudos';

let app: App;
let org: TestOrg;
let admin: Actor;
let team: string;
let giver: TestRep;
let reps: TestRep[];
let valueId: string;

const actorOf = (rep: TestRep, role: Actor['role'] = 'rep'): Actor => ({ userId: rep.userId, organizationId: org.organizationId, role });

async function refusal(work: Promise<unknown>): Promise<{ status: number; field: string | undefined }> {
	try {
		await work;
	} catch (error) {
		if (error instanceof AppError) return { status: error.status, field: error.field };
		if (error instanceof ValidationError) return { status: 400, field: error.issues[0]?.field };
		throw error;
	}
	throw new Error('expected a refusal');
}

async function kudosCount(db: Db, organizationId: string) {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from kudos where organization_id = ${organizationId}`.execute(db);
	return rows[0].n;
}

beforeAll(async () => {
	app = await startApp();
	const db = app.runtime.db;
	org = await createOrg(db, { timeZone: 'America/New_York' });
	admin = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' };
	team = await addTeam(db, org.organizationId);
	giver = await addRep(db, org.organizationId, { teamId: team, name: 'Gina Giver' });
	reps = [];
	for (let i = 0; i < 4; i++) reps.push(await addRep(db, org.organizationId, { teamId: team, name: `Rita ${i}`, externalId: `crm-${uniqueSuffix()}` }));
	({ id: valueId } = await createValue(db, admin, { name: { en: 'Win together', 'zh-CN': '共同赢' }, emoji: '🤝' }));
}, APP_START_TIMEOUT);

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

describe('giving kudos', () => {
	test('concurrent gives never take the allowance below zero, and the number accepted is exact', { timeout: 60_000 }, async () => {
		const db = app.runtime.db;
		const rich = await addRep(db, org.organizationId, { teamId: team });
		await setAllowances(db, admin, { rep: 100, leader: 200, admin: 200 });
		// A second pool stands in for a second process: the lock lives in Postgres, not in the process.
		const second = usingPostgres ? await openTestDb() : null;
		try {
			const deps = [app.runtime, second ? { ...app.runtime, db: second.db } : app.runtime];
			// 10 gives of 15 points to one person: 150 asked, 100 allowed, so exactly 6 (90 points) pass.
			const results = await Promise.allSettled(
				Array.from({ length: 10 }, (_, i) => giveKudos(deps[i % 2], actorOf(rich), { to: [reps[0].userId], value: valueId, message: `Thanks #${i}`, points: 15 }))
			);
			const accepted = results.filter((r) => r.status === 'fulfilled');
			const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
			expect(accepted).toHaveLength(6);
			for (const r of refused) {
				expect(r.reason).toBeInstanceOf(AppError);
				expect((r.reason as AppError).field).toBe('points');
			}
			const allowance = await allowanceOf(db, actorOf(rich));
			expect(allowance).toMatchObject({ allowance: 100, spent: 90, remaining: 10 });
			const { rows } = await sql<{ n: number }>`select coalesce(sum(points), 0)::int as n from score_events where organization_id = ${org.organizationId} and user_id = ${reps[0].userId} and idempotency_key like ${'kudos:%'} and idempotency_key in (select 'kudos:' || id || ':' || ${reps[0].userId} from kudos where giver_id = ${rich.userId})`.execute(db);
			expect(rows[0].n).toBe(90);
		} finally {
			await second?.close();
		}
	});

	test.runIf(usingPostgres)('two processes giving at once never take the allowance below zero', { timeout: 150_000 }, async () => {
		const db = app.runtime.db;
		const g = await addRep(db, org.organizationId, { teamId: team });
		await setAllowances(db, admin, { rep: 100, leader: 200, admin: 200 });
		const child = await startReportingChild<{ event: string; accepted?: number; refused?: string[] }>('kudos child', 'tests/helpers/kudos-child.ts', {
			env: { ...process.env, LOG_LEVEL: 'error', PODIUM_DEMO_SEED: 'off' },
			stdin: true
		});
		try {
			// 8 gives of 12 points in each process: 192 asked, 100 allowed, so exactly 8 (96 points) pass in all.
			const input = { to: [reps[1].userId], value: valueId, message: 'Across processes', points: 12 };
			child.process.stdin!.write(`${JSON.stringify({ actor: actorOf(g), input, n: 8 })}\n`);
			const here = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => giveKudos(app.runtime, actorOf(g), { ...input, message: `Here #${i}` })));
			await until(() => child.lines.some((l) => l.event === 'results'), 60_000, 'the child to give');
			const there = child.lines.find((l) => l.event === 'results')!;
			const acceptedHere = here.filter((r) => r.status === 'fulfilled').length;
			expect(acceptedHere + there.accepted!).toBe(8);
			expect(new Set(there.refused)).toEqual(there.refused!.length ? new Set(['points']) : new Set());
			expect(await allowanceOf(db, actorOf(g))).toMatchObject({ spent: 96, remaining: 4 });
		} finally {
			await child.stop();
		}
	});

	test('points × recipients is what a kudos spends; beyond the allowance is a 400 on points that writes nothing', async () => {
		const db = app.runtime.db;
		const g = await addRep(db, org.organizationId, { teamId: team });
		const given = await giveKudos(app.runtime, actorOf(g), { to: [reps[1].userId, reps[2].userId], value: valueId, message: 'Great demo', points: 30 });
		expect(given.allowance).toMatchObject({ spent: 60, remaining: 40 });
		expect(given.kudos.points).toBe(30);
		const [kudosBefore, eventsBefore] = [await kudosCount(db, org.organizationId), await countEvents(db, org.organizationId)];
		expect(await refusal(giveKudos(app.runtime, actorOf(g), { to: [reps[1].userId, reps[2].userId], value: valueId, message: 'Again', points: 21 }))).toEqual({ status: 400, field: 'points' });
		expect([await kudosCount(db, org.organizationId), await countEvents(db, org.organizationId)]).toEqual([kudosBefore, eventsBefore]);
	});

	test('refuses kudos to oneself, to a deactivated member, to another organization, and bad messages, writing nothing', async () => {
		const db = app.runtime.db;
		const other = await createOrg(db);
		const stranger = await addRep(db, other.organizationId);
		const gone = await addRep(db, org.organizationId, { teamId: team });
		await db.updateTable('memberships').set({ status: 'deactivated' }).where('organization_id', '=', org.organizationId).where('user_id', '=', gone.userId).execute();
		const before = [await kudosCount(db, org.organizationId), await countEvents(db, org.organizationId)];
		const base = { value: valueId, message: 'Nice', points: 1 };
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [giver.userId] }))).toEqual({ status: 400, field: 'to' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [reps[0].userId, giver.userId] }))).toEqual({ status: 400, field: 'to' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [gone.userId] }))).toEqual({ status: 400, field: 'to' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [stranger.userId] }))).toEqual({ status: 400, field: 'to' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [] }))).toEqual({ status: 400, field: 'to' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [reps[0].userId], message: '   ' }))).toEqual({ status: 400, field: 'message' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [reps[0].userId], message: 'x'.repeat(501) }))).toEqual({ status: 400, field: 'message' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [reps[0].userId], points: -1 }))).toEqual({ status: 400, field: 'points' });
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { ...base, to: [reps[0].userId], value: crypto.randomUUID() }))).toEqual({ status: 400, field: 'value' });
		expect([await kudosCount(db, org.organizationId), await countEvents(db, org.organizationId)]).toEqual(before);
		// 500 characters is fine, and is stored as sent (text, never HTML).
		const html = '<img src=x onerror=alert(1)>'.padEnd(500, '!');
		const ok = await giveKudos(app.runtime, actorOf(giver), { ...base, to: [reps[0].userId], message: html, points: 0 });
		expect(ok.kudos.message).toBe(html);
	});

	test('a double submit with one request id gives one kudos and pays once, even concurrently', async () => {
		const db = app.runtime.db;
		const g = await addRep(db, org.organizationId, { teamId: team });
		const requestId = crypto.randomUUID();
		const input = { to: [reps[3].userId], value: valueId, message: 'Closing the quarter strong', points: 10, requestId };
		const results = await Promise.all([giveKudos(app.runtime, actorOf(g), input), giveKudos(app.runtime, actorOf(g), input), giveKudos(app.runtime, actorOf(g), input)]);
		expect(new Set(results.map((r) => r.kudos.id)).size).toBe(1);
		expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
		expect((await allowanceOf(db, actorOf(g))).spent).toBe(10);
		const events = await db.selectFrom('score_events').select(['points', 'source']).where('organization_id', '=', org.organizationId).where('idempotency_key', '=', `kudos:${results[0].kudos.id}:${reps[3].userId}`).execute();
		expect(events).toEqual([{ points: 10, source: 'kudos' }]);
	});

	test('points reach the points leaderboard, live:verify stays clean, and the sweep pays what a stopped process left', async () => {
		const db = app.runtime.db;
		const g = await addRep(db, org.organizationId, { teamId: team });
		const star = await addRep(db, org.organizationId, { teamId: team, name: 'Star Receiver' });
		await giveKudos(app.runtime, actorOf(g), { to: [star.userId], value: valueId, message: 'You rock', points: 25 });
		const { token } = await addApiToken(db, org.organizationId, ['leaderboards:read']);
		const res = await app.browser().request('GET', '/api/v1/leaderboards?board=points&scope=users&window=month', { headers: { authorization: `Bearer ${token}` } });
		expect(res.status).toBe(200);
		const row = res.json().entries.find((e: { id: string }) => e.id === star.userId);
		expect(row?.score).toBe(25);
		// A kudos whose process stopped before paying: the sweep pays it once.
		const stranded = await db
			.insertInto('kudos')
			.values({ organization_id: org.organizationId, giver_id: g.userId, value_id: valueId, message: 'stranded', points: 5, spent: 5, created_at: new Date(Date.now() - 120_000) })
			.returning('id')
			.executeTakeFirstOrThrow();
		await db.insertInto('kudos_recipients').values({ kudos_id: stranded.id, organization_id: org.organizationId, user_id: star.userId }).execute();
		expect(await payUnpaidKudos(app.runtime)).toBeGreaterThanOrEqual(1);
		expect(await payUnpaidKudos(app.runtime)).toBe(0);
		const after = await app.browser().request('GET', '/api/v1/leaderboards?board=points&scope=users&window=month', { headers: { authorization: `Bearer ${token}` } });
		expect(after.json().entries.find((e: { id: string }) => e.id === star.userId)?.score).toBe(30);
		expect((await verifyOrg(app.runtime, org.organizationId)).drift).toEqual([]);
	});
});

describe('the kudos API', () => {
	test('POST with kudos:write gives on behalf of a member by e-mail or external id; GET with kudos:read lists the feed', async () => {
		const db = app.runtime.db;
		const { token: write } = await addApiToken(db, org.organizationId, ['kudos:write'], org.adminId);
		const { token: read } = await addApiToken(db, org.organizationId, ['kudos:read'], org.adminId);
		const requestId = `chat-${uniqueSuffix()}`;
		const post = (body: unknown, token = write) =>
			app.browser().request('POST', '/api/v1/kudos', { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
		const body = { from: giver.email, to: [reps[1].email.toUpperCase(), (await externalIdOf(db, reps[2]))!], message: 'From Slack: thanks!', value: 'win together', points: 2, requestId };
		const created = await post(body);
		expect(created.status).toBe(201);
		expect(created.json().kudos.to.map((p: { id: string }) => p.id).sort()).toEqual([reps[1].userId, reps[2].userId].sort());
		const again = await post(body);
		expect(again.status).toBe(200);
		expect(again.json()).toMatchObject({ duplicate: true, kudos: { id: created.json().kudos.id } });
		// Refusals name their field.
		for (const [bad, field] of [
			[{ ...body, requestId: undefined, to: [giver.email] }, 'to'],
			[{ ...body, requestId: undefined, from: 'nobody@example.test' }, 'from'],
			[{ ...body, requestId: undefined, to: ['nobody@example.test'] }, 'to'],
			[{ ...body, requestId: undefined, message: '' }, 'message'],
			[{ ...body, requestId: undefined, value: 'No such value' }, 'value'],
			[{ ...body, requestId: undefined, points: 100000 }, 'points']
		] as const) {
			const res = await post(bad);
			expect(res.status, JSON.stringify(bad)).toBe(400);
			expect(Object.keys(res.json().fields)).toEqual([field]);
		}
		// Scopes: a read token cannot give; a write token cannot read.
		expect((await post(body, read)).status).toBe(403);
		expect((await app.browser().request('GET', '/api/v1/kudos', { headers: { authorization: `Bearer ${write}` } })).status).toBe(403);
		expect((await app.browser().get('/api/v1/kudos')).status).toBe(401);
		const list = await app.browser().request('GET', '/api/v1/kudos?limit=2', { headers: { authorization: `Bearer ${read}` } });
		expect(list.status).toBe(200);
		expect(list.json().items).toHaveLength(2);
		expect(list.json().next).toEqual(expect.any(String));
		const page2 = await app.browser().request('GET', `/api/v1/kudos?limit=2&before=${encodeURIComponent(list.json().next)}`, { headers: { authorization: `Bearer ${read}` } });
		expect(page2.json().items[0].id).not.toBe(list.json().items[1].id);
		const since = await app.browser().request('GET', `/api/v1/kudos?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&limit=100`, { headers: { authorization: `Bearer ${read}` } });
		expect(since.json().items.map((k: KudosView) => k.id)).toContain(created.json().kudos.id);
		expect((await app.browser().request('GET', '/api/v1/kudos?since=yesterday', { headers: { authorization: `Bearer ${read}` } })).status).toBe(400);
		// The answers match the OpenAPI document.
		const doc = (await app.browser().get('/api/v1/openapi.json')).json();
		const ajv = new Ajv2020({ strict: false, allErrors: true });
		addFormats(ajv);
		ajv.addSchema({ $id: 'https://podium.test/kudos-doc', components: doc.components } as object);
		for (const [method, status, answer] of [
			['post', 201, created.json()],
			['post', 200, again.json()],
			['get', 200, list.json()]
		] as const) {
			const schema = doc.paths['/api/v1/kudos'][method].responses[String(status)].content['application/json'].schema;
			const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"https://podium.test/kudos-doc#/components/')));
			expect(validate(answer), JSON.stringify(validate.errors)).toBe(true);
		}
	});
});

describe('paging the feed', () => {
	test('kudos created at one instant are neither skipped nor repeated, paging with since or before', async () => {
		const db = app.runtime.db;
		const own = await createOrg(db);
		const ownAdmin: Actor = { userId: own.adminId, organizationId: own.organizationId, role: 'admin' };
		const people = [await addRep(db, own.organizationId), await addRep(db, own.organizationId)];
		const { id: value } = await createValue(db, ownAdmin, { name: 'Own it', emoji: '🚀' });
		const at = new Date(Date.now() - 60_000);
		const given = [];
		for (let i = 0; i < 5; i++) given.push((await giveKudos(app.runtime, ownAdmin, { to: [people[i % 2].userId], value, message: `Same instant ${i}`, points: 0 }, { now: at })).kudos.id);
		for (const mode of ['since', 'before'] as const) {
			const seen: string[] = [];
			let cursor: string | null = mode === 'since' ? new Date(at.getTime() - 1).toISOString() : null;
			for (let page = 0; page < 5; page++) {
				const query: Record<string, unknown> = { limit: 2 };
				if (cursor) query[mode] = cursor;
				const { items, next } = await listFeed(db, own.organizationId, ownAdmin, query);
				seen.push(...items.map((k) => k.id));
				if (!next) break;
				cursor = next;
			}
			expect(seen.sort(), mode).toEqual([...given].sort());
		}
	});
});

async function externalIdOf(db: Db, rep: TestRep) {
	const row = await db.selectFrom('memberships').select('external_id').where('organization_id', '=', org.organizationId).where('user_id', '=', rep.userId).executeTakeFirstOrThrow();
	return row.external_id;
}

describe('the feed: reactions, reports, hiding and spotlighting', () => {
	test('reactions toggle per person; hiding needs an admin or a leader of the team, writes the reason to the audit log and leaves the feed', async () => {
		const db = app.runtime.db;
		const otherTeam = await addTeam(db, org.organizationId);
		const leader = await addRep(db, org.organizationId, { role: 'leader' });
		const otherLeader = await addRep(db, org.organizationId, { role: 'leader' });
		await db.insertInto('team_leaders').values({ organization_id: org.organizationId, team_id: team, user_id: leader.userId }).execute();
		await db.insertInto('team_leaders').values({ organization_id: org.organizationId, team_id: otherTeam, user_id: otherLeader.userId }).execute();
		const { kudos } = await giveKudos(app.runtime, actorOf(giver), { to: [reps[0].userId], value: valueId, message: 'Hide me maybe', points: 0 });
		expect((await react(app.runtime, actorOf(reps[1]), { kudosId: kudos.id, emoji: '🔥' })).reactions).toEqual({ '🔥': 1 });
		expect((await react(app.runtime, actorOf(reps[2]), { kudosId: kudos.id, emoji: '🔥' })).reactions).toEqual({ '🔥': 2 });
		expect(await react(app.runtime, actorOf(reps[1]), { kudosId: kudos.id, emoji: '🔥' })).toEqual({ on: false, reactions: { '🔥': 1 } });
		expect(await refusal(react(app.runtime, actorOf(reps[1]), { kudosId: kudos.id, emoji: '💩' }))).toEqual({ status: 400, field: 'emoji' });
		expect(await report(app.runtime, actorOf(reps[1]), { kudosId: kudos.id, reason: 'Inside joke' })).toEqual({ reported: true });
		expect(await report(app.runtime, actorOf(reps[1]), { kudosId: kudos.id })).toEqual({ reported: false });
		// A rep, and a leader of an unrelated team, may not hide or spotlight it.
		const leaderActor = actorOf(leader, 'leader');
		expect(await refusal(hide(app.runtime, actorOf(reps[1]), { kudosId: kudos.id, reason: 'no' }))).toMatchObject({ status: 403 });
		expect(await refusal(hide(app.runtime, actorOf(otherLeader, 'leader'), { kudosId: kudos.id, reason: 'no' }))).toMatchObject({ status: 403 });
		expect(await refusal(spotlight(app.runtime, actorOf(otherLeader, 'leader'), { kudosId: kudos.id }))).toMatchObject({ status: 403 });
		expect(await refusal(hide(app.runtime, leaderActor, { kudosId: kudos.id, reason: '' }))).toEqual({ status: 400, field: 'reason' });
		// The leader sees the report count, a rep does not.
		const asLeader = (await listFeed(db, org.organizationId, leaderActor, { limit: 50 })).items.find((k) => k.id === kudos.id)!;
		expect(asLeader).toMatchObject({ reports: 1, canModerate: true });
		const asRep = (await listFeed(db, org.organizationId, actorOf(reps[2]), { limit: 50 })).items.find((k) => k.id === kudos.id)!;
		expect(asRep.reports).toBeUndefined();
		expect(asRep.mine).toEqual(['🔥']);
		expect(await spotlight(app.runtime, leaderActor, { kudosId: kudos.id })).toEqual({ spotlight: true });
		await hide(app.runtime, leaderActor, { kudosId: kudos.id, reason: 'Reported as an inside joke' });
		expect((await listFeed(db, org.organizationId, actorOf(reps[2]), { limit: 100 })).items.map((k) => k.id)).not.toContain(kudos.id);
		const audit = await db.selectFrom('audit_log').select(['action', 'data', 'actor_id']).where('organization_id', '=', org.organizationId).where('target_id', '=', kudos.id).orderBy('id').execute();
		expect(audit.map((a) => a.action)).toEqual(['kudos.spotlighted', 'kudos.hidden']);
		expect(audit[1]).toMatchObject({ actor_id: leader.userId, data: { reason: 'Reported as an inside joke' } });
		// Hidden: no more reactions or hides.
		expect(await refusal(react(app.runtime, actorOf(reps[1]), { kudosId: kudos.id, emoji: '🎉' }))).toMatchObject({ status: 404 });
		expect(await refusal(hide(app.runtime, admin, { kudosId: kudos.id, reason: 'again' }))).toMatchObject({ status: 404 });
	});

	test('values in use are archived, not deleted; an archived value cannot be given', async () => {
		const db = app.runtime.db;
		const { id } = await createValue(db, admin, { name: 'Own it', color: '#0ea5e9' });
		await giveKudos(app.runtime, actorOf(giver), { to: [reps[0].userId], value: id, message: 'Owned it', points: 0 });
		expect(await refusal(deleteValue(db, admin, { valueId: id }))).toEqual({ status: 409, field: 'valueId' });
		await archiveValue(db, admin, { valueId: id }, true);
		expect(await refusal(giveKudos(app.runtime, actorOf(giver), { to: [reps[0].userId], value: id, message: 'x', points: 0 }))).toEqual({ status: 400, field: 'value' });
		expect(await refusal(createValue(db, admin, { name: 'No look' }))).toEqual({ status: 400, field: 'emoji' });
		expect(await refusal(createValue(db, actorOf(giver), { name: 'Rep value', emoji: '⭐' }))).toMatchObject({ status: 403 });
		const { id: unused } = await createValue(db, admin, { name: 'Unused', emoji: '⭐' });
		await deleteValue(db, admin, { valueId: unused });
	});
});

describe('the live feed over Socket.IO', () => {
	let owner: SignedUp;
	test('a colleague following the feed sees a new kudos, reaction counts and a hide live', { timeout: 60_000 }, async () => {
		owner = await signUpOrganization(app);
		const colleague = await addMember(app, owner, 'rep');
		const ownerActor: Actor = { userId: owner.userId, organizationId: owner.organizationId, role: 'admin' };
		const { id: value } = await createValue(app.runtime.db, ownerActor, { name: 'Customer first', emoji: '💙' });
		const socket = await connectSocket(app.url, colleague.browser.cookieHeader());
		const first = await new Promise<{ data?: { items: KudosView[] } }>((resolve) => socket.emit('kudos:subscribe', resolve as never));
		expect(first.data?.items).toEqual([]);
		const arriving = nextEvent<KudosView>(socket, 'kudos:new');
		const { kudos } = await giveKudos(app.runtime, ownerActor, { to: [colleague.userId], value, message: 'Welcome aboard', points: 5 });
		expect(await arriving).toMatchObject({ id: kudos.id, message: 'Welcome aboard', to: [{ id: colleague.userId }], points: 5 });
		const reacted = nextEvent(socket, 'kudos:reaction');
		await react(app.runtime, ownerActor, { kudosId: kudos.id, emoji: '🎉' });
		expect(await reacted).toMatchObject({ id: kudos.id, reactions: { '🎉': 1 }, userId: owner.userId, on: true });
		const hidden = nextEvent(socket, 'kudos:hidden');
		await hide(app.runtime, ownerActor, { kudosId: kudos.id, reason: 'Test' });
		expect(await hidden).toEqual({ id: kudos.id });
	});
});

describe('the demo', () => {
	test('seeds company values and weeks of kudos whose points are kudos events on the boards, within every allowance', async () => {
		const db = app.runtime.db;
		const demo = await createOrg(db);
		const demoTeam = await addTeam(db, demo.organizationId);
		for (let i = 0; i < 8; i++) await addRep(db, demo.organizationId, { teamId: demoTeam });
		const now = new Date();
		const seeded = await db.transaction().execute((trx) => seedDemoKudos(trx, demo.organizationId, now));
		expect(seeded).toBeGreaterThan(20);
		const demoAdmin: Actor = { userId: demo.adminId, organizationId: demo.organizationId, role: 'admin' };
		const values = await listValues(db, demoAdmin);
		expect(values.map((v) => v.name.en)).toEqual(['Customer first', 'Win together', 'Own it', 'Always learning']);
		const feed = await listFeed(db, demo.organizationId, demoAdmin, { limit: 100 });
		expect(feed.items).toHaveLength(seeded);
		expect(feed.items.some((k) => Object.keys(k.reactions).length > 0)).toBe(true);
		expect(feed.items.filter((k) => k.spotlight)).toHaveLength(1);
		const { rows } = await sql<{ kudos: number; events: number }>`select
			(select coalesce(sum(k.points), 0)::int from kudos k join kudos_recipients r on r.kudos_id = k.id where k.organization_id = ${demo.organizationId}) as kudos,
			(select coalesce(sum(points), 0)::int from score_events where organization_id = ${demo.organizationId} and source = 'kudos') as events`.execute(db);
		expect(rows[0].events).toBeGreaterThan(0);
		expect(rows[0].events).toBe(rows[0].kudos);
		const { rows: spent } = await sql<{ n: number }>`select max(s)::int as n from (select sum(spent) as s from kudos where organization_id = ${demo.organizationId} group by giver_id, date_trunc('month', created_at)) x`.execute(db);
		expect(spent[0].n).toBeLessThanOrEqual(100);
		expect((await verifyOrg(app.runtime, demo.organizationId)).drift).toEqual([]);
	});
	test('the trophy case shows the kudos a member received grouped by value, without hidden ones', async () => {
		const db = app.runtime.db;
		const [g, r] = await Promise.all([addRep(db, org.organizationId, { teamId: team, name: 'Tess Thanks' }), addRep(db, org.organizationId, { teamId: team, name: 'Ray Receiver' })]);
		const { id: learning } = await createValue(db, admin, { name: { en: `Always learning ${uniqueSuffix()}` }, color: '#0ea5e9' });
		await giveKudos(app.runtime, actorOf(g), { to: [r.userId], value: valueId, message: 'Great close', points: 10 });
		await giveKudos(app.runtime, actorOf(g), { to: [r.userId], value: valueId, message: 'And again', points: 5 });
		await giveKudos(app.runtime, actorOf(g), { to: [r.userId], value: learning, message: 'Thanks for the demo', points: 0 });
		const { kudos: hidden } = await giveKudos(app.runtime, actorOf(g), { to: [r.userId], value: learning, message: 'Hidden one', points: 0 });
		await hide(app.runtime, admin, { kudosId: hidden.id, reason: 'reported' });
		const deps = { db, live: app.runtime.live, events: app.runtime.events, clock: app.runtime.scheduler.clock };
		const { kudos } = await trophyCase(deps, actorOf(g), r.userId);
		expect(kudos.map((k) => [k.value.id, k.count, k.points])).toEqual([
			[valueId, 2, 15],
			[learning, 1, 0]
		]);
	});
});
