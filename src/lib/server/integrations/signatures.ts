// Signatures in and out, each from its service's documentation. Pure functions of their inputs (the
// clock is passed in), compared in constant time.
//  - Standard Webhooks: v1,<base64 HMAC-SHA256 over "id.timestamp.body" keyed with the base64 after whsec_>.
//  - HubSpot v3: base64 HMAC-SHA256 keyed with the app secret over method + uri + body + timestamp (ms).
//  - DingTalk: base64 HMAC-SHA256 keyed with the secret over timestamp(ms) + "\n" + secret, URL-encoded.
//  - Feishu: base64 HMAC-SHA256 keyed with timestamp(s) + "\n" + secret over an empty message.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOLERANCE_MS = 5 * 60_000;

export function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

function webhookKey(secret: string): Buffer {
	return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
	return `v1,${createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'timestamp' | 'signature' };

/** Checks Standard Webhooks headers against any of `secrets` (several during a rotation); the header may carry several signatures. */
export function verifyStandard(
	secrets: string[],
	headers: { id: string | null; timestamp: string | null; signature: string | null },
	body: string,
	now: Date
): SignatureCheck {
	if (!headers.id || !headers.timestamp || !headers.signature) return { ok: false, reason: 'missing' };
	if (!/^\d{1,12}$/.test(headers.timestamp)) return { ok: false, reason: 'timestamp' };
	if (Math.abs(now.getTime() - Number(headers.timestamp) * 1000) > TOLERANCE_MS) return { ok: false, reason: 'timestamp' };
	const offered = headers.signature.split(' ').filter((s) => s.startsWith('v1,'));
	for (const secret of secrets) {
		const expected = standardSignature(secret, headers.id, headers.timestamp, body);
		if (offered.some((s) => safeEqual(s, expected))) return { ok: true };
	}
	return { ok: false, reason: 'signature' };
}

export function hubspotSignatureV3(secret: string, method: string, uri: string, body: string, timestamp: string): string {
	return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`).digest('base64');
}

/** HubSpot decodes these in the URI before signing (its v3 documentation lists them). */
export function hubspotUri(uri: string): string {
	const map: Record<string, string> = { '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';' };
	return uri.replace(/%3A|%2F|%3F|%40|%21|%24|%27|%28|%29|%2A|%2C|%3B/gi, (m) => map[m.toUpperCase()]);
}

export function verifyHubspot(
	secrets: string[],
	headers: { signature: string | null; timestamp: string | null },
	request: { method: string; uri: string; body: string },
	now: Date
): SignatureCheck {
	if (!headers.signature || !headers.timestamp) return { ok: false, reason: 'missing' };
	if (!/^\d{1,15}$/.test(headers.timestamp) || Math.abs(now.getTime() - Number(headers.timestamp)) > TOLERANCE_MS) return { ok: false, reason: 'timestamp' };
	for (const secret of secrets) {
		const expected = hubspotSignatureV3(secret, request.method, hubspotUri(request.uri), request.body, headers.timestamp);
		if (safeEqual(headers.signature, expected)) return { ok: true };
	}
	return { ok: false, reason: 'signature' };
}

/** HTTP Basic credentials (Pipedrive webhooks v2 send the user name and password set on the webhook). */
export function verifyBasic(expectedUser: string, secrets: string[], authorization: string | null): SignatureCheck {
	if (!authorization?.startsWith('Basic ')) return { ok: false, reason: 'missing' };
	const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return { ok: false, reason: 'signature' };
	const user = decoded.slice(0, colon);
	const password = decoded.slice(colon + 1);
	const userOk = safeEqual(user, expectedUser);
	return userOk && secrets.some((s) => safeEqual(password, s)) ? { ok: true } : { ok: false, reason: 'signature' };
}

export function dingtalkSign(secret: string, timestampMs: number): string {
	return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The robot URL with timestamp and sign in its query (the sign URL-encoded). */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
	const sep = url.includes('?') ? '&' : '?';
	return `${url}${sep}timestamp=${timestampMs}&sign=${encodeURIComponent(dingtalkSign(secret, timestampMs))}`;
}

export function feishuSign(secret: string, timestampSeconds: number): string {
	return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
