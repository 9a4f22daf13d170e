import { describe, expect, test } from 'vitest';
import { applyRules, defaultRules, toWhole } from '../../../src/lib/server/integrations/mapping';
import { MalformedBody, parseSalesforce, recordsOf } from '../../../src/lib/server/integrations/payloads';
import { buildRequest, checkDestination, cutBytes, isPrivateAddress, judgeAnswer } from '../../../src/lib/server/integrations/channels';
import { verifyStandard } from '../../../src/lib/server/integrations/signatures';

const conn = '0b6f9a4e-8f1c-4c5e-9d2a-3e4f5a6b7c8d';

describe('mapping rules', () => {
	test('a HubSpot deal moving to closed won gives a deal and its amount as revenue, with ids stable across retries', () => {
		const body = JSON.stringify([
			{ objectId: 42, propertyName: 'dealstage', propertyValue: 'closedwon', ownerEmail: 'ann@x.test', amount: '1500.5', occurredAt: 1732960000000 },
			{ objectId: 43, propertyName: 'dealstage', propertyValue: 'appointmentscheduled', ownerEmail: 'ann@x.test', amount: '10' }
		]);
		const first = applyRules(conn, defaultRules('hubspot'), recordsOf('hubspot', body));
		expect(first.problems).toEqual([]);
		expect(first.events.map((e) => [e.metric, e.value, e.user])).toEqual([
			['deal', 1, 'ann@x.test'],
			['revenue', 150050, 'ann@x.test']
		]);
		expect(first.events[0].occurredAt).toBe(new Date(1732960000000).toISOString());
		const again = applyRules(conn, defaultRules('hubspot'), recordsOf('hubspot', body));
		expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
		expect(first.events[0].id).toMatch(/^crm:[0-9a-f]{48}$/);
	});

	test('Pipedrive: won now and not before; a missing amount is a problem naming the field', () => {
		const rules = defaultRules('pipedrive');
		const won = { meta: { action: 'change', entity: 'deal' }, data: { id: 7, status: 'won', value: 900, owner_id: 123 }, previous: { status: 'open' } };
		expect(applyRules(conn, rules, recordsOf('pipedrive', JSON.stringify(won))).events).toHaveLength(2);
		expect(applyRules(conn, rules, recordsOf('pipedrive', JSON.stringify({ ...won, previous: { status: 'won' } }))).events).toHaveLength(0);
		const noValue = applyRules(conn, rules, recordsOf('pipedrive', JSON.stringify({ ...won, data: { ...won.data, value: null } })));
		expect(noValue.problems[0]).toMatchObject({ field: 'data.value' });
	});

	test('amounts are exact integers', () => {
		expect(toWhole('0.1', 'major')).toBe(10);
		expect(toWhole('19.999', 'major')).toBe(1999);
		expect(toWhole(3, 'count')).toBe(3);
		expect(toWhole('3.5', 'count')).toBeNull();
		expect(toWhole('-1', 'major')).toBeNull();
	});
});

describe('payloads', () => {
	const envelope = (notifications: string, org = '00D000000000062') =>
		`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${org}</OrganizationId><ActionId>04k000000000001</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>https://x.my.salesforce.com/services/Soap/c/60.0</EnterpriseUrl><PartnerUrl>https://x.my.salesforce.com/services/Soap/u/60.0</PartnerUrl>${notifications}</notifications></soapenv:Body></soapenv:Envelope>`;
	const notification = (id: string) =>
		`<Notification><Id>04l00000000000${id}</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>006000000000${id}</sf:Id><sf:Amount>2500.00</sf:Amount><sf:StageName>Closed Won</sf:StageName><sf:OwnerId>0055g00000AbCdE</sf:OwnerId><sf:Name>A &amp; B</sf:Name></sObject></Notification>`;

	test('Salesforce outbound messages: notifications and their sObject fields', () => {
		const message = parseSalesforce(envelope(notification('1') + notification('2')));
		expect(message.organizationId).toBe('00D000000000062');
		expect(message.records).toHaveLength(2);
		expect(message.records[0]).toMatchObject({ sObject: { Id: '0060000000001', Amount: '2500.00', StageName: 'Closed Won', Name: 'A & B' } });
		const mapped = applyRules(conn, defaultRules('salesforce'), message.records);
		expect(mapped.events.filter((e) => e.metric === 'revenue').map((e) => e.value)).toEqual([250000, 250000]);
	});

	test('malformed XML, a DOCTYPE, and more than 100 notifications are refused', () => {
		expect(() => parseSalesforce(envelope(notification('1')).replace('</notifications>', ''))).toThrow(MalformedBody);
		expect(() => parseSalesforce('<!DOCTYPE x [<!ENTITY a "b">]>' + envelope(notification('1')))).toThrow(MalformedBody);
		expect(() => parseSalesforce(envelope(Array.from({ length: 101 }, (_, i) => notification(String(i % 10))).join('')))).toThrow(MalformedBody);
		expect(() => parseSalesforce('{"json": true}')).toThrow(MalformedBody);
	});

	test('JSON kinds: malformed JSON and wrong shapes are refused', () => {
		expect(() => recordsOf('hubspot', '{"not":"an array"}')).toThrow(MalformedBody);
		expect(() => recordsOf('generic', '{oops')).toThrow(MalformedBody);
		expect(() => recordsOf('generic', '[1, 2]')).toThrow(MalformedBody);
		expect(recordsOf('zoho', JSON.stringify({ module: 'Deals', operation: 'update', ids: ['1', '2'], token: 't' }))).toHaveLength(2);
	});
});

describe('channels', () => {
	const now = new Date('2026-11-30T12:00:00Z');
	const message = { title: 'Big deal', text: 'Ann closed ¥12,000.' };

	test('WeCom markdown is cut to 4096 bytes without splitting a character', () => {
		const long = { title: 'x', text: '成交'.repeat(3000) };
		const body = JSON.parse(buildRequest({ kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', secret: null, keyword: null }, long, { id: 'msg_1', moment: 'big_deal', now }).body);
		expect(body.msgtype).toBe('markdown');
		expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
		expect(cutBytes('ab', 4096)).toBe('ab');
	});

	test('DingTalk keeps the keyword; Feishu signs in the body; Teams sends an Adaptive Card; Slack Block Kit', () => {
		const ding = buildRequest({ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', secret: 'SECx', keyword: 'Podium' }, message, { id: 'm', moment: 'big_deal', now });
		expect(JSON.parse(ding.body).markdown.text).toContain('Podium');
		expect(ding.url).toContain(`timestamp=${now.getTime()}`);
		const feishu = JSON.parse(buildRequest({ kind: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', secret: 's', keyword: null }, message, { id: 'm', moment: 'big_deal', now }).body);
		expect(feishu).toMatchObject({ timestamp: String(now.getTime() / 1000), msg_type: 'interactive' });
		const teams = JSON.parse(buildRequest({ kind: 'teams', url: 'https://x.logic.azure.com/workflows/1', secret: null, keyword: null }, message, { id: 'm', moment: 'big_deal', now }).body);
		expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
		expect(teams.attachments[0].content.type).toBe('AdaptiveCard');
		const slack = JSON.parse(buildRequest({ kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X', secret: null, keyword: null }, message, { id: 'm', moment: 'big_deal', now }).body);
		expect(slack.blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
	});

	test('a signed webhook carries one signature, or two (new secret first) while a rotated-out secret is in its grace', () => {
		const [fresh, previous, stranger] = ['whsec_' + Buffer.from('new-secret-32-bytes-long-xxxxxxx').toString('base64'), 'whsec_' + Buffer.from('old-secret-32-bytes-long-xxxxxxx').toString('base64'), 'whsec_' + Buffer.from('someone-else-32-bytes-long-xxxxx').toString('base64')];
		const check = (r: ReturnType<typeof buildRequest>, secret: string) =>
			verifyStandard([secret], { id: r.headers['webhook-id'], timestamp: r.headers['webhook-timestamp'], signature: r.headers['webhook-signature'] ?? null }, r.body, now).ok;
		const one = buildRequest({ kind: 'webhook', url: 'https://hooks.example.com/podium', secret: fresh, keyword: null }, message, { id: 'msg_7', moment: 'badge', now });
		expect(one.headers['webhook-signature'].split(' ')).toHaveLength(1);
		expect([check(one, fresh), check(one, previous)]).toEqual([true, false]);
		const two = buildRequest({ kind: 'webhook', url: 'https://hooks.example.com/podium', secret: fresh, previousSecret: previous, keyword: null }, message, { id: 'msg_7', moment: 'badge', now });
		expect(two.headers['webhook-signature'].split(' ')).toHaveLength(2);
		expect(two.headers['webhook-signature'].split(' ')[0]).toBe(one.headers['webhook-signature']);
		expect([check(two, fresh), check(two, previous), check(two, stranger)]).toEqual([true, true, false]);
	});

	test('answers: 429 with Retry-After, WeCom 45009, DingTalk 130101', () => {
		expect(judgeAnswer('slack', 429, new Headers({ 'retry-after': '30' }), '', now)).toMatchObject({ ok: false, retryAfterMs: 30_000 });
		expect(judgeAnswer('wecom', 200, new Headers(), '{"errcode":45009,"errmsg":"api freq out of limit"}', now)).toMatchObject({ ok: false, retryAfterMs: 60_000 });
		expect(judgeAnswer('dingtalk', 200, new Headers(), '{"errcode":130101,"errmsg":"send too fast"}', now)).toMatchObject({ ok: false, retryAfterMs: 60_000 });
		expect(judgeAnswer('wecom', 200, new Headers(), '{"errcode":0,"errmsg":"ok"}', now)).toEqual({ ok: true });
		expect(judgeAnswer('feishu', 200, new Headers(), '{"code":19021,"msg":"sign match fail"}', now)).toMatchObject({ ok: false });
	});

	test('SSRF guard: loopback and private ranges are refused unless allowed', async () => {
		for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0']) expect(isPrivateAddress(a), a).toBe(true);
		for (const a of ['8.8.8.8', '172.32.0.1', '2606:4700::1111']) expect(isPrivateAddress(a), a).toBe(false);
		expect(await checkDestination('http://127.0.0.1:9/x', false)).toEqual({ ok: false, reason: 'url' });
		expect(await checkDestination('https://127.0.0.1/x', false)).toEqual({ ok: false, reason: 'private' });
		expect(await checkDestination('https://localhost/x', false)).toEqual({ ok: false, reason: 'private' });
		expect(await checkDestination('https://[::1]/x', false)).toEqual({ ok: false, reason: 'private' });
		expect(await checkDestination('http://127.0.0.1:9/x', true)).toEqual({ ok: true });
		expect(await checkDestination('https://8.8.8.8/x', false)).toEqual({ ok: true });
	});
});
