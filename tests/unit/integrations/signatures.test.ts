// Signatures against the published Standard Webhooks test vector, and against independent
// implementations written here from each service's documentation with WebCrypto (not node:crypto's
// HMAC that the product uses), so that a shared mistake cannot pass both.
import { describe, expect, test } from 'vitest';
import {
	dingtalkSign,
	dingtalkSignedUrl,
	feishuSign,
	hubspotSignatureV3,
	hubspotUri,
	standardSignature,
	verifyBasic,
	verifyHubspot,
	verifyStandard
} from '../../../src/lib/server/integrations/signatures';
import { openSecret, sealSecret } from '../../../src/lib/server/integrations/secrets';

const enc = new TextEncoder();
async function hmacBase64(key: Uint8Array<ArrayBuffer>, message: string): Promise<string> {
	const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
	return Buffer.from(await crypto.subtle.sign('HMAC', k, enc.encode(message))).toString('base64');
}

describe('Standard Webhooks', () => {
	// The test vector published with the specification and its reference libraries.
	const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
	const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
	const timestamp = '1614265330';
	const body = '{"test": 2432232314}';
	const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
	const at = new Date(1614265330 * 1000);

	test('signs the published example exactly', () => {
		expect(standardSignature(secret, id, timestamp, body)).toBe(expected);
	});

	test('agrees with an implementation from the spec text: HMAC-SHA256 keyed with base64-decoded secret over id.timestamp.body', async () => {
		const key = new Uint8Array(Buffer.from(secret.slice(6), 'base64'));
		const other = `v1,${await hmacBase64(key, `${id}.${timestamp}.${body}`)}`;
		expect(other).toBe(expected);
		expect(standardSignature(secret, 'msg_2', '1700000000', '{"a":1}')).toBe(`v1,${await hmacBase64(key, 'msg_2.1700000000.{"a":1}')}`);
	});

	test('verifies the example, several signatures (rotation), and refuses tampering, staleness and missing headers', () => {
		expect(verifyStandard([secret], { id, timestamp, signature: expected }, body, at)).toEqual({ ok: true });
		expect(verifyStandard(['whsec_c2VjcmV0LW9uZS1vbmUtb25l', secret], { id, timestamp, signature: `v1,bm9wZQ== ${expected}` }, body, at)).toEqual({ ok: true });
		expect(verifyStandard([secret], { id, timestamp, signature: expected }, body + ' ', at)).toEqual({ ok: false, reason: 'signature' });
		expect(verifyStandard([secret], { id: 'msg_other', timestamp, signature: expected }, body, at)).toEqual({ ok: false, reason: 'signature' });
		expect(verifyStandard([secret], { id, timestamp, signature: expected }, body, new Date(at.getTime() + 5 * 60_000 + 1000))).toEqual({ ok: false, reason: 'timestamp' });
		expect(verifyStandard([secret], { id, timestamp, signature: expected }, body, new Date(at.getTime() - 5 * 60_000 - 1000))).toEqual({ ok: false, reason: 'timestamp' });
		expect(verifyStandard([secret], { id, timestamp: 'yesterday', signature: expected }, body, at)).toEqual({ ok: false, reason: 'timestamp' });
		expect(verifyStandard([secret], { id, timestamp, signature: null }, body, at)).toEqual({ ok: false, reason: 'missing' });
		expect(verifyStandard([secret], { id, timestamp, signature: 'v2,' + expected.slice(3) }, body, at)).toEqual({ ok: false, reason: 'signature' });
	});
});

describe('HubSpot signature v3', () => {
	const secret = 'hubspot-app-secret-0001';
	const uri = 'https://podium.example.com/api/v1/hooks/0b6f9a4e-8f1c-4c5e-9d2a-3e4f5a6b7c8d';
	const body = '[{"objectId":1246965,"propertyName":"dealstage","propertyValue":"closedwon"}]';
	const ts = '1732960000000';

	test('is base64 HMAC-SHA256 with the app secret over method + uri + body + timestamp', async () => {
		expect(hubspotSignatureV3(secret, 'POST', uri, body, ts)).toBe(await hmacBase64(enc.encode(secret), `POST${uri}${body}${ts}`));
	});

	test('verifies within 5 minutes (milliseconds), refuses older and other secrets', () => {
		const sig = hubspotSignatureV3(secret, 'POST', uri, body, ts);
		const now = new Date(Number(ts) + 60_000);
		expect(verifyHubspot([secret], { signature: sig, timestamp: ts }, { method: 'POST', uri, body }, now)).toEqual({ ok: true });
		expect(verifyHubspot([secret], { signature: sig, timestamp: ts }, { method: 'POST', uri, body }, new Date(Number(ts) + 5 * 60_000 + 1))).toEqual({ ok: false, reason: 'timestamp' });
		expect(verifyHubspot(['other-secret-0002'], { signature: sig, timestamp: ts }, { method: 'POST', uri, body }, now)).toEqual({ ok: false, reason: 'signature' });
		expect(verifyHubspot([secret], { signature: null, timestamp: ts }, { method: 'POST', uri, body }, now)).toEqual({ ok: false, reason: 'missing' });
	});

	test('decodes the URL-encoded characters HubSpot lists before signing', () => {
		expect(hubspotUri('https://x.test/a%3Ab%2Fc?q=%40%21%24%27%28%29%2A%2C%3B')).toBe("https://x.test/a:b/c?q=@!$'()*,;");
	});
});

describe('Pipedrive Basic auth', () => {
	test('accepts the user and any current password, refuses the rest', () => {
		const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
		expect(verifyBasic('podium', ['s1', 's0'], header('podium', 's0'))).toEqual({ ok: true });
		expect(verifyBasic('podium', ['s1'], header('podium', 'nope'))).toEqual({ ok: false, reason: 'signature' });
		expect(verifyBasic('podium', ['s1'], header('other', 's1'))).toEqual({ ok: false, reason: 'signature' });
		expect(verifyBasic('podium', ['s1'], null)).toEqual({ ok: false, reason: 'missing' });
	});
});

describe('DingTalk robot signing', () => {
	test('is base64 HMAC-SHA256 keyed with the secret over timestamp + "\\n" + secret, URL-encoded into the query', async () => {
		const secret = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
		const ts = 1732960000123;
		const expected = await hmacBase64(enc.encode(secret), `${ts}\n${secret}`);
		expect(dingtalkSign(secret, ts)).toBe(expected);
		const url = new URL(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, ts));
		expect(url.searchParams.get('access_token')).toBe('abc');
		expect(url.searchParams.get('timestamp')).toBe(String(ts));
		expect(url.searchParams.get('sign')).toBe(expected);
		expect(url.search).toContain(`sign=${encodeURIComponent(expected)}`);
	});
});

describe('Feishu bot signing', () => {
	test('is base64 HMAC-SHA256 keyed with timestamp + "\\n" + secret over an empty message', async () => {
		const secret = 'feishu-secret-xyz';
		const ts = 1732960000;
		expect(feishuSign(secret, ts)).toBe(await hmacBase64(enc.encode(`${ts}\n${secret}`), ''));
	});
});

describe('secrets at rest', () => {
	test('open what was sealed with the same key only', () => {
		const sealed = sealSecret('key-one-0123456789', 'whsec_abc');
		expect(sealed).not.toContain('whsec');
		expect(openSecret('key-one-0123456789', sealed)).toBe('whsec_abc');
		expect(() => openSecret('key-two-0123456789', sealed)).toThrow();
	});
});
