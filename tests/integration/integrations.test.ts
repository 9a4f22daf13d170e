// Integrations against the real app (and real Postgres and Redis in CI's second pass). Inbound: local
// senders that sign as HubSpot, Standard Webhooks, Pipedrive, Salesforce and Zoho do; a closed-won deal
// appears on the board, a retry counts once, and every refusal (bad signature, stale timestamp, replayed
// id, oversize, malformed) writes nothing. Outbound: local WeCom-, DingTalk- and Feishu-like receivers
// check what the real services check; a 429 is retried when Retry-After says; a sender that crashes
// after its claim leaves the message to the next one, which sends it once.
// The outbox rows here are due an hour ahead (a clock of the test's own), so the app's own sender,
// on the real clock, never takes them first.
import http from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addRep, addTeam, countEvents, createOrg, type TestOrg, type TestRep } from '../helpers/scoring';
import { uniqueSuffix } from '../helpers/env';
import { readBoard } from '../../src/lib/server/scoring/board.service';
import { boardQuerySchema } from '../../src/lib/server/scoring/board.service';
import { createConnection, previewMapping, receiveHook, replayDelivery, saveRules } from '../../src/lib/server/integrations/integration.service';
import { announce, channelsForAdmin, createChannel, editChannel, queueDigests, rotateChannelSecret, sendDue } from '../../src/lib/server/integrations/notification.service';
import { hubspotSignatureV3, standardSignature } from '../../src/lib/server/integrations/signatures';
import { forgetPreviousSecrets } from '../../src/lib/server/integrations/integration.repository';
import { FakeClock } from '../../src/lib/server/platform/clock';
import type { Actor } from '../../src/lib/server/org/actor';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let org: TestOrg;
let admin: Actor;
let rep: TestRep & { externalId: string };

beforeAll(async () => {
	app = await startApp();
	org = await createOrg(app.runtime.db, { timeZone: 'UTC' });
	admin = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' };
	const team = await addTeam(app.runtime.db, org.organizationId);
	const externalId = `crm-${uniqueSuffix()}`;
	rep = { ...(await addRep(app.runtime.db, org.organizationId, { teamId: team, externalId })), externalId };
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const post = (path: string, body: string, headers: Record<string, string>) => app.browser().request('POST', path, { headers: { 'content-type': 'application/json', ...headers }, body });

async function deliveries(connectionId: string) {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from integration_deliveries where connection_id = ${connectionId}`.execute(app.runtime.db);
	return Number(rows[0].n);
}

async function board(metric: string) {
	return readBoard(app.runtime, org.organizationId, boardQuerySchema.parse({ board: metric, scope: 'users', window: 'all' }));
}

describe('inbound: HubSpot', () => {
	let connectionId: string;
	const appSecret = `hubspot-secret-${uniqueSuffix()}`;
	const hubspotSend = (body: string, opts: { secret?: string; timestamp?: number } = {}) => {
		const path = `/api/v1/hooks/${connectionId}`;
		const timestamp = String(opts.timestamp ?? Date.now());
		const signature = hubspotSignatureV3(opts.secret ?? appSecret, 'POST', `${app.url}${path}`, body, timestamp);
		return post(path, body, { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp });
	};

	beforeAll(async () => {
		const created = await createConnection(app.runtime, admin, { kind: 'hubspot', name: 'HubSpot', secret: appSecret });
		connectionId = created.connection.id;
		expect(created.secret).toBeNull();
	});

	test('a closed-won deal appears on the board; a retry counts once', async () => {
		const before = await countEvents(app.runtime.db, org.organizationId);
		const deal = JSON.stringify([
			{ eventId: 1, subscriptionType: 'deal.propertyChange', objectId: 9001, propertyName: 'dealstage', propertyValue: 'closedwon', ownerEmail: rep.email, amount: '1500.50', occurredAt: Date.now() - 1000 }
		]);
		const first = await hubspotSend(deal);
		expect(first.status).toBe(200);
		expect(first.json()).toMatchObject({ verdict: 'accepted', events: 2 });
		expect((await board('revenue')).entries.find((e) => e.id === rep.userId)?.score).toBe(150050);
		expect((await board('deal')).entries.find((e) => e.id === rep.userId)?.score).toBe(1);

		// HubSpot retries with a fresh timestamp and signature: the same deal and transition count once.
		const retry = await hubspotSend(deal);
		expect(retry.json()).toMatchObject({ verdict: 'duplicate' });
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(before + 2);
		expect((await board('revenue')).entries.find((e) => e.id === rep.userId)?.score).toBe(150050);
	});

	test('a bad signature, a stale timestamp, a body over 1 MB or not JSON are refused and write nothing', async () => {
		const events = await countEvents(app.runtime.db, org.organizationId);
		const logged = await deliveries(connectionId);
		const deal = JSON.stringify([{ objectId: 9002, propertyName: 'dealstage', propertyValue: 'closedwon', ownerEmail: rep.email, amount: '10' }]);
		expect((await hubspotSend(deal, { secret: 'not-the-secret' })).status).toBe(401);
		expect((await hubspotSend(deal, { timestamp: Date.now() - 6 * 60_000 })).status).toBe(401);
		const noHeaders = await post(`/api/v1/hooks/${connectionId}`, deal, {});
		expect(noHeaders.status).toBe(401);
		expect((await hubspotSend('[' + ' '.repeat(1024 * 1024) + ']')).status).toBe(413);
		const malformed = await hubspotSend('[{"objectId": 1,');
		expect(malformed.status).toBe(400);
		expect(malformed.json().error).toMatch(/JSON/);
		expect((await hubspotSend('{"objectId": 1}')).status).toBe(400);
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(events);
		expect(await deliveries(connectionId)).toBe(logged);
	});

	test('an unknown owner is logged as rejected, with nothing scored; an admin replays a delivery', async () => {
		const events = await countEvents(app.runtime.db, org.organizationId);
		const res = await hubspotSend(JSON.stringify([{ objectId: 9003, propertyName: 'dealstage', propertyValue: 'closedwon', ownerEmail: 'nobody@example.test', amount: '10' }]));
		expect(res.json()).toMatchObject({ verdict: 'rejected' });
		expect(res.json().reason).toContain('nobody@example.test');
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(events);
		const unmapped = await hubspotSend(JSON.stringify([{ objectId: 9004, propertyName: 'dealstage', propertyValue: 'qualifiedtobuy' }]));
		expect(unmapped.json()).toMatchObject({ verdict: 'unmapped' });

		const replayed = await replayDelivery(app.runtime, admin, String((await hubspotSend(JSON.stringify([{ objectId: 9001, propertyName: 'dealstage', propertyValue: 'closedwon', ownerEmail: rep.email, amount: '1500.50' }]))).json().delivery));
		expect(replayed.verdict).toBe('duplicate');
		await expect(replayDelivery(app.runtime, { ...admin, role: 'rep' }, '1')).rejects.toMatchObject({ status: 403 });
		await expect(replayDelivery(app.runtime, admin, 'abc')).rejects.toThrow();
	});

	test('preview shows what rules make of a sample without writing, and names unknown owners and bad rules', async () => {
		const events = await countEvents(app.runtime.db, org.organizationId);
		const sample = JSON.stringify([{ objectId: 77, propertyName: 'dealstage', propertyValue: 'closedwon', ownerEmail: 'ghost@example.test', amount: '5' }]);
		const rules = JSON.stringify([{ name: 'Won', recordId: 'objectId', when: [{ path: 'propertyValue', op: 'equals', value: 'closedwon' }], owner: 'ownerEmail', events: [{ metric: 'deal' }] }]);
		const preview = await previewMapping(app.runtime, admin, { connectionId, rules, sample });
		expect(preview).toMatchObject({ records: 1, unknownOwners: ['ghost@example.test'] });
		expect(preview.events).toHaveLength(1);
		await expect(previewMapping(app.runtime, admin, { connectionId, rules: '[{', sample })).rejects.toMatchObject({ status: 400, field: 'rules' });
		await expect(previewMapping(app.runtime, admin, { connectionId, rules, sample: '{nope' })).rejects.toMatchObject({ status: 400, field: 'sample' });
		await expect(saveRules(app.runtime, admin, connectionId, '[{"name":""}]')).rejects.toMatchObject({ status: 400, field: 'rules' });
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(events);
	});
});

describe('inbound: Standard Webhooks (generic), Pipedrive, Salesforce, Zoho', () => {
	test('generic: signed deliveries count; a replayed webhook-id, a wrong signature and a stale timestamp are refused', async () => {
		const created = await createConnection(app.runtime, admin, { kind: 'generic', name: 'Custom CRM' });
		const secret = created.secret!;
		expect(secret).toMatch(/^whsec_/);
		const path = `/api/v1/hooks/${created.connection.id}`;
		const send = (id: string, body: string, opts: { ts?: number; secret?: string } = {}) => {
			const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
			return post(path, body, { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,bm9wZQ== ${standardSignature(opts.secret ?? secret, id, ts, body)}` });
		};
		const body = JSON.stringify({ deal: { id: 'D-1', stage: 'won', owner: rep.email, amount: '99.99', closedAt: new Date().toISOString() } });
		const events = await countEvents(app.runtime.db, org.organizationId);
		expect((await send('msg_1', body)).json()).toMatchObject({ verdict: 'accepted' });
		expect((await send('msg_1', body)).status).toBe(409);
		expect((await send('msg_2', body, { secret: 'whsec_c2VjcmV0LW9uZS1vbmUtb25l' })).status).toBe(401);
		expect((await send('msg_3', body, { ts: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
		expect((await send('msg_4', '{"deal":')).status).toBe(400);
		// Another id of the same deal and transition (the CRM sent it twice): counted once.
		expect((await send('msg_5', body)).json()).toMatchObject({ verdict: 'duplicate' });
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(events + 2);
	});

	test('pipedrive: Basic credentials; a wrong password is 401', async () => {
		const created = await createConnection(app.runtime, admin, { kind: 'pipedrive', name: 'Pipedrive', username: 'podium-hook' });
		const path = `/api/v1/hooks/${created.connection.id}`;
		const body = JSON.stringify({ meta: { action: 'change', entity: 'deal', version: '2.0' }, data: { id: 55, status: 'won', value: 1200, owner_id: rep.externalId }, previous: { status: 'open' } });
		const auth = (p: string) => `Basic ${Buffer.from(`podium-hook:${p}`).toString('base64')}`;
		expect((await post(path, body, { authorization: auth('wrong') })).status).toBe(401);
		expect((await post(path, body, { authorization: auth(created.secret!) })).json()).toMatchObject({ verdict: 'accepted', events: 2 });
	});

	test('salesforce: an outbound message is acknowledged; another organization id is 401', async () => {
		const created = await createConnection(app.runtime, admin, { kind: 'salesforce', name: 'Salesforce', organizationId: '00D5g000004ABCDEAA' });
		const path = `/api/v1/hooks/${created.connection.id}`;
		const soap = (orgId: string) =>
			`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${orgId}</OrganizationId><ActionId>04k5g000000001</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>https://x.my.salesforce.com/services/Soap/c/60.0/00D5g000004ABCD</EnterpriseUrl><PartnerUrl>https://x.my.salesforce.com/services/Soap/u/60.0/00D5g000004ABCD</PartnerUrl><Notification><Id>04l5g00000AAAAA</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0065g00000XYZ12</sf:Id><sf:Amount>3000.00</sf:Amount><sf:CloseDate>2026-11-30</sf:CloseDate><sf:OwnerId>${rep.externalId}</sf:OwnerId><sf:StageName>Closed Won</sf:StageName></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`;
		const ok = await post(path, soap('00D5g000004ABCD'), { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' });
		expect(ok.status).toBe(200);
		expect(ok.body).toContain('<Ack>true</Ack>');
		expect((await post(path, soap('00D5g000009ZZZZ'), { 'content-type': 'text/xml' })).status).toBe(401);
		expect((await post(path, '<soapenv:Envelope><oops>', { 'content-type': 'text/xml' })).status).toBe(400);
	});

	test('zoho: the channel token must match', async () => {
		const created = await createConnection(app.runtime, admin, { kind: 'zoho', name: 'Zoho' });
		const path = `/api/v1/hooks/${created.connection.id}`;
		const body = (token: string) => JSON.stringify({ channel_id: '1000000068001', token, module: 'Deals', operation: 'update', ids: ['4150868000000225013'] });
		expect((await post(path, body('wrong-token'), {})).status).toBe(401);
		expect((await post(path, body(created.secret!), {})).json()).toMatchObject({ verdict: 'unmapped' });
	});

	test('an unknown or malformed connection id is 404', async () => {
		expect((await post('/api/v1/hooks/00000000-0000-4000-8000-000000000000', '[]', {})).status).toBe(404);
		expect((await post('/api/v1/hooks/not-a-uuid', '[]', {})).status).toBe(404);
		const answer = await receiveHook(app.runtime, 'nope', { method: 'POST', url: 'x', headers: new Headers(), body: '' });
		expect(answer.status).toBe(404);
	});
});

/** HH:MM of an instant in UTC (the test organization's time zone). */
const localTime = (at: Date) => at.toISOString().slice(11, 16);

/** Calls logged for a member through ingest (a digest needs points on today's board). */
async function addEventsFor(user: string, calls: number, at: FakeClock) {
	const { ingestEvents } = await import('../../src/lib/server/scoring/event.service');
	const now = at.now();
	const results = await ingestEvents(app.runtime, { organizationId: org.organizationId, source: 'api', actorId: null, now }, [{ id: `digest-${uniqueSuffix()}`, metric: 'call', user, value: calls, occurredAt: now.toISOString() }]);
	expect(results[0].status).toBe('accepted');
}

// Local receivers that check what the real services check.
interface Received {
	path: string;
	headers: http.IncomingHttpHeaders;
	body: string;
	at: number;
}
async function receiver(handle: (r: Received) => { status: number; body: unknown; headers?: Record<string, string> }) {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
			received.push(r);
			const answer = handle(r);
			res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
			res.end(JSON.stringify(answer.body));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('outbound through the outbox', () => {
	const clock = new FakeClock(Date.now() + 60 * 60_000);

	test('a channel on a loopback address needs the admin’s allowance', async () => {
		await expect(createChannel(app.runtime, admin, { kind: 'wecom', name: 'x', url: 'https://127.0.0.1/cgi-bin/webhook/send?key=k', moments: ['big_deal'] })).rejects.toMatchObject({ status: 400, field: 'url' });
		await expect(createChannel(app.runtime, admin, { kind: 'wecom', name: 'x', url: 'http://10.0.0.8/send', moments: ['big_deal'] })).rejects.toMatchObject({ status: 400, field: 'url' });
		await expect(createChannel(app.runtime, admin, { kind: 'wecom', name: 'x', url: 'https://qyapi.weixin.qq.com/x', moments: [] })).rejects.toMatchObject({ status: 400, field: 'moments' });
	});

	test('WeCom-, DingTalk- and Feishu-like receivers verify what they receive, in the organization’s language', async () => {
		const wecomKey = `key-${uniqueSuffix()}`;
		const wecom = await receiver((r) => {
			const url = new URL(r.path, 'http://x');
			const body = JSON.parse(r.body);
			const ok = url.pathname === '/cgi-bin/webhook/send' && url.searchParams.get('key') === wecomKey && r.headers['content-type']?.startsWith('application/json') && body.msgtype === 'markdown' && typeof body.markdown?.content === 'string' && Buffer.byteLength(body.markdown.content) <= 4096;
			return { status: 200, body: ok ? { errcode: 0, errmsg: 'ok' } : { errcode: 40008, errmsg: 'invalid message type' } };
		});
		const dingSecret = `SEC${uniqueSuffix()}`;
		const ding = await receiver((r) => {
			const url = new URL(r.path, 'http://x');
			const ts = Number(url.searchParams.get('timestamp'));
			const sign = url.searchParams.get('sign') ?? '';
			const expected = createHmac('sha256', dingSecret).update(`${ts}\n${dingSecret}`).digest('base64');
			const body = JSON.parse(r.body);
			if (url.searchParams.get('access_token') !== 'tok' || Math.abs(clock.now().getTime() - ts) > 60 * 60_000 || sign !== expected) return { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } };
			if (body.msgtype !== 'markdown' || !body.markdown?.title || !String(body.markdown?.text).includes('Podium')) return { status: 200, body: { errcode: 310000, errmsg: 'keywords not in content' } };
			return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
		});
		const feishuSecret = `fs-${uniqueSuffix()}`;
		const feishu = await receiver((r) => {
			const body = JSON.parse(r.body);
			const ts = Number(body.timestamp);
			const expected = createHmac('sha256', `${ts}\n${feishuSecret}`).update('').digest('base64');
			if (Math.abs(clock.now().getTime() / 1000 - ts) > 3600 || body.sign !== expected) return { status: 200, body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' } };
			if (body.msg_type !== 'interactive' || !body.card?.header?.title?.content || body.card.elements?.[0]?.text?.tag !== 'lark_md') return { status: 200, body: { code: 9499, msg: 'Bad Request' } };
			return { status: 200, body: { code: 0, msg: 'success', data: {} } };
		});
		try {
			await sql`update organizations set locale = 'zh-CN' where id = ${org.organizationId}`.execute(app.runtime.db);
			await createChannel(app.runtime, admin, { kind: 'wecom', name: 'WeCom', url: `${wecom.url}/cgi-bin/webhook/send?key=${wecomKey}`, moments: ['contest_started'], allowPrivate: 'on' });
			await createChannel(app.runtime, admin, { kind: 'dingtalk', name: 'DingTalk', url: `${ding.url}/robot/send?access_token=tok`, secret: dingSecret, keyword: 'Podium', moments: ['contest_started'], allowPrivate: 'on' });
			await createChannel(app.runtime, admin, { kind: 'feishu', name: 'Feishu', url: `${feishu.url}/open-apis/bot/v2/hook/abc`, secret: feishuSecret, moments: ['contest_started'], allowPrivate: 'on' });
			const dedupe = `contest:${uniqueSuffix()}:started`;
			expect(await announce(app.runtime, org.organizationId, 'contest_started', dedupe, { key: 'contest_started', params: { name: '季度冲刺' } }, clock)).toBe(3);
			// Heard twice (another process, a restart): queued once.
			expect(await announce(app.runtime, org.organizationId, 'contest_started', dedupe, { key: 'contest_started', params: { name: '季度冲刺' } }, clock)).toBe(0);
			expect(await sendDue(app.runtime, { clock })).toBe(3);
			expect([wecom.received.length, ding.received.length, feishu.received.length]).toEqual([1, 1, 1]);
			expect(JSON.parse(wecom.received[0].body).markdown.content).toContain('竞赛“季度冲刺”已开始');
			const { rows } = await sql<{ status: string; last_error: string | null }>`select status, last_error from notification_outbox where dedupe_key = ${dedupe}`.execute(app.runtime.db);
			expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
			expect(await sendDue(app.runtime, { clock })).toBe(0);
		} finally {
			await sql`update organizations set locale = 'en' where id = ${org.organizationId}`.execute(app.runtime.db);
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await Promise.all([wecom.close(), ding.close(), feishu.close()]);
		}
	});

	test('a 429 is retried when Retry-After says, not before', async () => {
		let calls = 0;
		const slack = await receiver(() => (++calls === 1 ? { status: 429, body: { ok: false }, headers: { 'retry-after': '120' } } : { status: 200, body: 'ok' }));
		try {
			await createChannel(app.runtime, admin, { kind: 'slack', name: 'Slack', url: `${slack.url}/services/T/B/X`, moments: ['badge'], allowPrivate: 'on' });
			await announce(app.runtime, org.organizationId, 'badge', `badge:${uniqueSuffix()}`, { key: 'badge', params: { who: 'Ann', name: 'Closer' } }, clock);
			expect(await sendDue(app.runtime, { clock })).toBe(0);
			expect(slack.received).toHaveLength(1);
			const { rows } = await sql<{ next_attempt_at: Date; status: string }>`select next_attempt_at, status from notification_outbox where organization_id = ${org.organizationId} and moment = 'badge'`.execute(app.runtime.db);
			expect(rows[0].status).toBe('pending');
			expect(new Date(rows[0].next_attempt_at).getTime()).toBe(clock.now().getTime() + 120_000);
			await clock.advance(119_000);
			expect(await sendDue(app.runtime, { clock })).toBe(0);
			expect(slack.received).toHaveLength(1);
			await clock.advance(1_000);
			expect(await sendDue(app.runtime, { clock })).toBe(1);
			expect(slack.received).toHaveLength(2);
			expect(JSON.parse(slack.received[1].body).blocks[1].text.text).toContain('Ann earned the badge “Closer”');
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await slack.close();
		}
	});

	test('a sender that crashes after its claim: after the restart the receiver gets the message once', async () => {
		const seen = new Set<string>();
		let secret = '';
		const hook = await receiver((r) => {
			const id = String(r.headers['webhook-id']);
			const expected = standardSignature(secret, id, String(r.headers['webhook-timestamp']), r.body);
			if (!String(r.headers['webhook-signature']).split(' ').includes(expected)) return { status: 401, body: { error: 'bad signature' } };
			seen.add(id);
			return { status: 204, body: '' };
		});
		try {
			const channel = await createChannel(app.runtime, admin, { kind: 'webhook', name: 'Ops', url: `${hook.url}/podium`, moments: ['goal_reached'], allowPrivate: 'on' });
			secret = channel.signingSecret!;
			await announce(app.runtime, org.organizationId, 'goal_reached', `goal:${uniqueSuffix()}`, { key: 'goal_reached', params: { who: 'Ann' } }, clock);
			// The first sender claims, then dies before posting (kill -9 between commit and send).
			await expect(sendDue(app.runtime, { clock, afterClaim: () => Promise.reject(new Error('killed')) })).rejects.toThrow('killed');
			expect(hook.received).toHaveLength(0);
			// A restarted sender within the lease leaves it alone; after the lease it sends it, once.
			expect(await sendDue(app.runtime, { clock })).toBe(0);
			await clock.advance(31_000);
			expect(await sendDue(app.runtime, { clock })).toBe(1);
			expect(await sendDue(app.runtime, { clock })).toBe(0);
			expect(hook.received).toHaveLength(1);
			expect(seen.size).toBe(1);
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await hook.close();
		}
	});

	test('a sender slower than its lease does not post what another sender has taken over since', async () => {
		const hook = await receiver(() => ({ status: 204, body: '' }));
		try {
			await createChannel(app.runtime, admin, { kind: 'webhook', name: 'Slow', url: `${hook.url}/podium`, moments: ['goal_reached'], allowPrivate: 'on' });
			await announce(app.runtime, org.organizationId, 'goal_reached', `goal:${uniqueSuffix()}`, { key: 'goal_reached', params: { who: 'Ann' } }, clock);
			// The first sender claims, then stalls past its lease (earlier posts of its batch were slow);
			// meanwhile a second sender claims the message and sends it.
			let second = -1;
			const first = await sendDue(app.runtime, {
				clock,
				afterClaim: async () => {
					await clock.advance(31_000);
					second = await sendDue(app.runtime, { clock });
				}
			});
			expect(second).toBe(1);
			expect(first).toBe(0);
			expect(hook.received).toHaveLength(1);
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await hook.close();
		}
	});

	test('a channel is edited (moments, digest, keyword, URL through the SSRF guard) and a webhook’s secret rotated, each change audited', async () => {
		let secret = '';
		const signedWith: string[] = [];
		const hook = await receiver((r) => {
			const id = String(r.headers['webhook-id']);
			const ok = String(r.headers['webhook-signature']).split(' ').includes(standardSignature(secret, id, String(r.headers['webhook-timestamp']), r.body));
			signedWith.push(ok ? secret : 'bad');
			return ok ? { status: 204, body: '' } : { status: 401, body: {} };
		});
		const other = await receiver(() => ({ status: 204, body: '' }));
		const rep2: Actor = { userId: rep.userId, organizationId: org.organizationId, role: 'rep' };
		try {
			const ding = await createChannel(app.runtime, admin, { kind: 'dingtalk', name: 'Ding', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SEC-first', keyword: 'Podium', moments: ['badge'] });
			await editChannel(app.runtime, admin, ding.id, { name: 'Ding sales', url: '', moments: ['kudos', 'big_deal'], bigDeal: '5000', digest: 'weekly', digestAt: '17:30', keyword: 'Sales', secret: 'SEC-second' });
			const edited = (await channelsForAdmin(app.runtime, admin)).channels.find((c) => c.id === ding.id)!;
			expect(edited).toMatchObject({ name: 'Ding sales', moments: ['kudos', 'big_deal'], bigDeal: '5000', digest: 'weekly', digestAt: '17:30', keyword: 'Sales', host: 'oapi.dingtalk.com', hasSecret: true });
			// Bad input: a 400 naming the field; nothing changes.
			await expect(editChannel(app.runtime, admin, ding.id, { name: 'x', url: 'https://127.0.0.1/robot', moments: ['kudos'] })).rejects.toMatchObject({ status: 400, field: 'url' });
			await expect(editChannel(app.runtime, admin, ding.id, { name: 'x', url: 'ftp://example.com/x', moments: ['kudos'] })).rejects.toMatchObject({ status: 400, field: 'url' });
			await expect(editChannel(app.runtime, admin, ding.id, { name: 'x', moments: [] })).rejects.toMatchObject({ status: 400, field: 'moments' });
			await expect(editChannel(app.runtime, admin, ding.id, { name: '', moments: ['kudos'] })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'name' })] });
			await expect(editChannel(app.runtime, admin, ding.id, { name: 'x', moments: ['kudos'], digest: 'daily', digestAt: '25:00' })).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'digestAt' })] });
			await expect(editChannel(app.runtime, admin, 'nope', { name: 'x', moments: ['kudos'] })).rejects.toMatchObject({ status: 400, field: 'channelId' });
			await expect(editChannel(app.runtime, rep2, ding.id, { name: 'x', moments: ['kudos'] })).rejects.toMatchObject({ status: 403 });
			expect((await channelsForAdmin(app.runtime, admin)).channels.find((c) => c.id === ding.id)!.name).toBe('Ding sales');
			await expect(rotateChannelSecret(app.runtime, admin, ding.id)).rejects.toMatchObject({ status: 400, field: 'channelId' });

			// A signed webhook: its URL moves to a private receiver (allowed), then its secret is rotated.
			const web = await createChannel(app.runtime, admin, { kind: 'webhook', name: 'Ops', url: `${other.url}/old`, moments: ['goal_reached'], allowPrivate: 'on' });
			secret = web.signingSecret!;
			await expect(editChannel(app.runtime, admin, web.id, { name: 'Ops', url: `${hook.url}/podium`, moments: ['goal_reached'] })).rejects.toMatchObject({ status: 400, field: 'url' });
			await editChannel(app.runtime, admin, web.id, { name: 'Ops', url: `${hook.url}/podium`, moments: ['goal_reached'], allowPrivate: 'on' });
			await announce(app.runtime, org.organizationId, 'goal_reached', `goal:${uniqueSuffix()}`, { key: 'goal_reached', params: { who: 'Ann' } }, clock);
			expect(await sendDue(app.runtime, { clock })).toBe(1);
			const rotated = await rotateChannelSecret(app.runtime, admin, web.id);
			expect(rotated.signingSecret).toMatch(/^whsec_/);
			expect(rotated.signingSecret).not.toBe(secret);
			secret = rotated.signingSecret;
			await announce(app.runtime, org.organizationId, 'goal_reached', `goal:${uniqueSuffix()}`, { key: 'goal_reached', params: { who: 'Ann' } }, clock);
			expect(await sendDue(app.runtime, { clock })).toBe(1);
			expect(signedWith).toEqual([web.signingSecret, rotated.signingSecret]);
			expect(other.received).toHaveLength(0);
			// Stored encrypted: neither secret nor URL in clear in the row.
			const row = await sql<{ secret_enc: string; url_enc: string }>`select secret_enc, url_enc from notification_channels where id = ${web.id}`.execute(app.runtime.db);
			expect(row.rows[0].secret_enc).not.toContain(rotated.signingSecret);
			expect(row.rows[0].url_enc).not.toContain('127.0.0.1');

			const audit = await sql<{ action: string; data: { changed?: string[] } | null }>`select action, data from audit_log where target_id in (${ding.id}, ${web.id}) order by id`.execute(app.runtime.db);
			expect(audit.rows.map((r) => r.action)).toEqual([
				'integration.channel_created',
				'integration.channel_updated',
				'integration.channel_created',
				'integration.channel_updated',
				'integration.channel_secret_rotated'
			]);
			expect(audit.rows[1].data?.changed).toEqual(expect.arrayContaining(['name', 'moments', 'keyword', 'bigDealMinor', 'digest', 'digestAt', 'secret']));
			expect(JSON.stringify(audit.rows)).not.toContain('SEC-second');
			expect(audit.rows[3].data?.changed).toEqual(['url']);
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await hook.close();
			await other.close();
		}
	});

	test('a rotated signing secret: for 24 hours each message carries both signatures, then only the new one', async () => {
		const at = new FakeClock(clock.now().getTime());
		let oldSecret = '';
		let newSecret = '';
		// Two receivers, each knowing one secret only, as a Standard Webhooks library checks: any signature of the header.
		const knowing = (secret: () => string) => {
			const verdicts: { ok: boolean; signatures: number }[] = [];
			return receiver((r) => {
				const offered = String(r.headers['webhook-signature']).split(' ');
				const ok = offered.includes(standardSignature(secret(), String(r.headers['webhook-id']), String(r.headers['webhook-timestamp']), r.body));
				verdicts.push({ ok, signatures: offered.length });
				return ok ? { status: 204, body: '' } : { status: 401, body: { error: 'bad signature' } };
			}).then((server) => ({ ...server, verdicts }));
		};
		const oldOnly = await knowing(() => oldSecret);
		const newOnly = await knowing(() => newSecret);
		try {
			const channel = await createChannel(app.runtime, admin, { kind: 'webhook', name: 'Rotating', url: `${oldOnly.url}/podium`, moments: ['goal_reached'], allowPrivate: 'on' });
			oldSecret = channel.signingSecret!;
			const queue = () => announce(app.runtime, org.organizationId, 'goal_reached', `goal:${uniqueSuffix()}`, { key: 'goal_reached', params: { who: 'Ann' } }, at);
			const pointTo = (url: string) => editChannel(app.runtime, admin, channel.id, { name: 'Rotating', url: `${url}/podium`, moments: ['goal_reached'], allowPrivate: 'on' });
			const shown = async () => (await channelsForAdmin(app.runtime, admin, at)).channels.find((c) => c.id === channel.id)!;

			await queue();
			expect(await sendDue(app.runtime, { clock: at })).toBe(1);
			expect((await shown()).previousSecretUntil).toBeNull();

			const rotated = await rotateChannelSecret(app.runtime, admin, channel.id, at);
			newSecret = rotated.signingSecret;
			expect(rotated.previousUntil).toBe(new Date(at.now().getTime() + 24 * 60 * 60_000).toISOString());
			expect((await shown()).previousSecretUntil).toBe(rotated.previousUntil);
			const stored = await sql<{ previous_secret_enc: string }>`select previous_secret_enc from notification_channels where id = ${channel.id}`.execute(app.runtime.db);
			expect(stored.rows[0].previous_secret_enc).not.toContain(oldSecret.slice('whsec_'.length));

			// 23 hours on: the receiver still on the old secret accepts, and so does one already on the new.
			await at.advance(23 * 60 * 60_000);
			await queue();
			expect(await sendDue(app.runtime, { clock: at })).toBe(1);
			await pointTo(newOnly.url);
			await queue();
			expect(await sendDue(app.runtime, { clock: at })).toBe(1);

			// Past the 24 hours: only the new signature; the old receiver refuses, the new one accepts.
			await at.advance(60 * 60_000 + 1_000);
			expect((await shown()).previousSecretUntil).toBeNull();
			await queue();
			expect(await sendDue(app.runtime, { clock: at })).toBe(1);
			await pointTo(oldOnly.url);
			await queue();
			expect(await sendDue(app.runtime, { clock: at })).toBe(0);

			expect(oldOnly.verdicts).toEqual([
				{ ok: true, signatures: 1 },
				{ ok: true, signatures: 2 },
				{ ok: false, signatures: 1 }
			]);
			expect(newOnly.verdicts).toEqual([
				{ ok: true, signatures: 2 },
				{ ok: true, signatures: 1 }
			]);
			const { rows } = await sql<{ status: string; last_error: string | null }>`select status, last_error from notification_outbox where channel_id = ${channel.id} order by id`.execute(app.runtime.db);
			// A 401 is the receiver's final word: the last message is not retried.
			expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'failed']);
			expect(rows[4].last_error).toContain('401');

			// The once-a-minute housekeeping forgets the rotated-out secret once its grace is over.
			await forgetPreviousSecrets(app.runtime.db, at.now());
			const forgotten = await sql<{ previous_secret_enc: string | null; previous_secret_until: Date | null }>`select previous_secret_enc, previous_secret_until from notification_channels where id = ${channel.id}`.execute(app.runtime.db);
			expect(forgotten.rows[0]).toEqual({ previous_secret_enc: null, previous_secret_until: null });
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await Promise.all([oldOnly.close(), newOnly.close()]);
		}
	});

	test('a daily digest is queued once per day at the local time set, with the day’s top reps', async () => {
		const hook = await receiver(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
		try {
			await addEventsFor(rep.email, 3, clock);
			const at = localTime(clock.now());
			await createChannel(app.runtime, admin, { kind: 'wecom', name: 'Digest', url: `${hook.url}/cgi-bin/webhook/send?key=k`, digest: 'daily', digestAt: at, allowPrivate: 'on' });
			const later = new FakeClock(clock.now().getTime() - 60_000);
			expect(await queueDigests(app.runtime, later)).toBe(0);
			expect(await queueDigests(app.runtime, clock)).toBe(1);
			expect(await queueDigests(app.runtime, clock)).toBe(0);
			expect(await sendDue(app.runtime, { clock })).toBe(1);
			const content = JSON.parse(hook.received[0].body).markdown.content;
			expect(content).toContain('Daily digest');
			expect(content).toContain(`1. ${rep.name}`);
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await hook.close();
		}
	});

	test('a deal won in the CRM over a channel’s threshold is announced there as a big deal, by the app’s own sender', async () => {
		const key = `key-${uniqueSuffix()}`;
		const wecom = await receiver((r) => {
			const body = JSON.parse(r.body);
			return { status: 200, body: new URL(r.path, 'http://x').searchParams.get('key') === key && body.msgtype === 'markdown' ? { errcode: 0, errmsg: 'ok' } : { errcode: 93000, errmsg: 'invalid webhook url' } };
		});
		try {
			await createChannel(app.runtime, admin, { kind: 'wecom', name: 'Deals', url: `${wecom.url}/cgi-bin/webhook/send?key=${key}`, moments: ['big_deal'], bigDeal: '1000', allowPrivate: 'on' });
			const { connection } = await createConnection(app.runtime, admin, { kind: 'generic', name: 'Deals CRM' });
			const row = await app.runtime.db.selectFrom('integration_connections').select('secret_enc').where('id', '=', connection.id).executeTakeFirstOrThrow();
			const { openSecret } = await import('../../src/lib/server/integrations/secrets');
			const secret = (JSON.parse(openSecret(app.runtime.config.secretKey, row.secret_enc)) as string[])[0];
			const send = (amount: string, id: string) => {
				const body = JSON.stringify({ deal: { id, stage: 'won', owner: rep.email, amount } });
				const ts = String(Math.floor(Date.now() / 1000));
				return post(`/api/v1/hooks/${connection.id}`, body, { 'webhook-id': `msg_${id}`, 'webhook-timestamp': ts, 'webhook-signature': standardSignature(secret, `msg_${id}`, ts, body) });
			};
			expect((await send('999.99', `small-${uniqueSuffix()}`)).json()).toMatchObject({ verdict: 'accepted' });
			expect((await send('2500.00', `big-${uniqueSuffix()}`)).json()).toMatchObject({ verdict: 'accepted' });
			await vi.waitFor(() => expect(wecom.received).toHaveLength(1), { timeout: 20_000, interval: 250 });
			const content = JSON.parse(wecom.received[0].body).markdown.content;
			expect(content).toContain(`${rep.name} closed a big deal`);
			expect(content).toContain('2,500.00');
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await wecom.close();
		}
	});

	test('a WeCom robot gets at most 20 messages a minute; the rest wait without spending an attempt', async () => {
		const wecom = await receiver(() => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } }));
		try {
			await createChannel(app.runtime, admin, { kind: 'wecom', name: 'Busy', url: `${wecom.url}/cgi-bin/webhook/send?key=k`, moments: ['kudos'], allowPrivate: 'on' });
			for (let i = 0; i < 21; i++) await announce(app.runtime, org.organizationId, 'kudos', `kudos:${uniqueSuffix()}:${i}`, { key: 'kudos', params: { text: `#${i}` } }, clock);
			expect(await sendDue(app.runtime, { clock, limit: 25 })).toBe(20);
			const { rows } = await sql<{ attempts: number; status: string }>`select attempts, status from notification_outbox where organization_id = ${org.organizationId} and status = 'pending'`.execute(app.runtime.db);
			expect(rows).toEqual([{ attempts: 0, status: 'pending' }]);
			await clock.advance(5_000);
			expect(await sendDue(app.runtime, { clock })).toBe(0);
			await clock.advance(60_000);
			expect(await sendDue(app.runtime, { clock })).toBe(1);
			expect(wecom.received).toHaveLength(21);
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await wecom.close();
		}
	});

	test('a channel that keeps failing is paused (unhealthy)', async () => {
		const down = await receiver(() => ({ status: 500, body: { error: 'down' } }));
		try {
			const { id } = await createChannel(app.runtime, admin, { kind: 'teams', name: 'Teams', url: `${down.url}/workflows/1`, moments: ['kudos'], allowPrivate: 'on' });
			for (let i = 0; i < 5; i++) await announce(app.runtime, org.organizationId, 'kudos', `kudos:${uniqueSuffix()}`, { key: 'kudos', params: { text: 'x' } }, clock);
			await sendDue(app.runtime, { clock });
			const { rows } = await sql<{ paused: boolean; failures: number }>`select paused, failures from notification_channels where id = ${id}`.execute(app.runtime.db);
			expect(rows[0]).toEqual({ paused: true, failures: 5 });
			await clock.advance(60 * 60_000);
			expect(await sendDue(app.runtime, { clock })).toBe(0);
			expect(down.received).toHaveLength(5);
		} finally {
			await sql`delete from notification_channels where organization_id = ${org.organizationId}`.execute(app.runtime.db);
			await down.close();
		}
	});
});
