// Chat channels' formats and answers, each from its service's documentation, plus the SSRF guard.
//  - slack: incoming webhook, Block Kit (section + context), text as the fallback.
//  - teams: a Workflows webhook ("When a Teams webhook request is received"), one Adaptive Card 1.4.
//  - wecom: group robot, msgtype markdown, content at most 4096 bytes (UTF-8); errcode 45009 = too many.
//  - dingtalk: custom robot, msgtype markdown, signed URL (timestamp ms + sign), the keyword kept in
//    the text; errcode 130101 = too many (20 a minute).
//  - feishu: custom bot, msg_type interactive, signed in the body (timestamp in seconds + sign);
//    codes 9499 and 11232 = too many (100 a minute, 5 a second).
//  - webhook: Standard Webhooks, signed by Podium with the channel's whsec_ secret (and, for 24 hours
//    after a rotation, with the previous one too: two space-separated signatures).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ChannelKind } from '../db/schema';
import { dingtalkSignedUrl, feishuSign, standardSignature } from './signatures';

export const CHANNEL_KINDS = ['slack', 'teams', 'wecom', 'dingtalk', 'feishu', 'webhook'] as const satisfies readonly ChannelKind[];

/** Messages a channel may send per minute (the service's documented limit, or a polite one). */
export const RATE_PER_MINUTE: Record<ChannelKind, number> = { slack: 60, teams: 60, wecom: 20, dingtalk: 20, feishu: 100, webhook: 600 };

export interface Message {
	title: string;
	text: string;
	link?: string;
	linkLabel?: string;
}

export interface Request {
	url: string;
	headers: Record<string, string>;
	body: string;
}

/** Cuts UTF-8 text to at most `max` bytes without splitting a character. */
export function cutBytes(text: string, max: number): string {
	if (Buffer.byteLength(text) <= max) return text;
	let out = '';
	let size = 0;
	for (const ch of text) {
		const n = Buffer.byteLength(ch);
		if (size + n > max - 3) break;
		out += ch;
		size += n;
	}
	return `${out}...`;
}

export const WECOM_MAX_BYTES = 4096;

export function buildRequest(
	channel: { kind: ChannelKind; url: string; secret: string | null; keyword: string | null; previousSecret?: string | null },
	message: Message,
	meta: { id: string; moment: string; now: Date }
): Request {
	const json = { 'content-type': 'application/json' };
	const markdown = `**${message.title}**\n\n${message.text}${message.link ? `\n\n[${message.linkLabel ?? message.link}](${message.link})` : ''}`;
	switch (channel.kind) {
		case 'slack':
			return {
				url: channel.url,
				headers: json,
				body: JSON.stringify({
					text: `${message.title}: ${message.text}`,
					blocks: [
						{ type: 'header', text: { type: 'plain_text', text: message.title.slice(0, 150), emoji: true } },
						{ type: 'section', text: { type: 'mrkdwn', text: message.text.slice(0, 3000) } },
						...(message.link ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${message.link}|${message.linkLabel ?? message.link}>` }] }] : [])
					]
				})
			};
		case 'teams':
			return {
				url: channel.url,
				headers: json,
				body: JSON.stringify({
					type: 'message',
					attachments: [
						{
							contentType: 'application/vnd.microsoft.card.adaptive',
							contentUrl: null,
							content: {
								$schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
								type: 'AdaptiveCard',
								version: '1.4',
								body: [
									{ type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', wrap: true },
									{ type: 'TextBlock', text: message.text, wrap: true }
								],
								...(message.link ? { actions: [{ type: 'Action.OpenUrl', title: message.linkLabel ?? message.link, url: message.link }] } : {})
							}
						}
					]
				})
			};
		case 'wecom':
			return { url: channel.url, headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { content: cutBytes(markdown, WECOM_MAX_BYTES) } }) };
		case 'dingtalk': {
			// A robot with a keyword drops messages without it: keep it in the text.
			const text = channel.keyword && !markdown.includes(channel.keyword) ? `${markdown}\n\n${channel.keyword}` : markdown;
			const url = channel.secret ? dingtalkSignedUrl(channel.url, channel.secret, meta.now.getTime()) : channel.url;
			return { url, headers: json, body: JSON.stringify({ msgtype: 'markdown', markdown: { title: message.title, text } }) };
		}
		case 'feishu': {
			const timestamp = Math.floor(meta.now.getTime() / 1000);
			const card = {
				header: { title: { tag: 'plain_text', content: message.title } },
				elements: [
					{ tag: 'div', text: { tag: 'lark_md', content: message.text } },
					...(message.link ? [{ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: message.linkLabel ?? message.link }, url: message.link, type: 'primary' }] }] : [])
				]
			};
			return {
				url: channel.url,
				headers: json,
				body: JSON.stringify({ ...(channel.secret ? { timestamp: String(timestamp), sign: feishuSign(channel.secret, timestamp) } : {}), msg_type: 'interactive', card })
			};
		}
		case 'webhook': {
			const body = JSON.stringify({ type: `podium.${meta.moment}`, timestamp: meta.now.toISOString(), data: message });
			const timestamp = String(Math.floor(meta.now.getTime() / 1000));
			// During a rotation's grace the previous secret signs too: Standard Webhooks receivers accept a
			// header of space-separated signatures when any one of them verifies.
			const secrets = channel.secret ? [channel.secret, ...(channel.previousSecret ? [channel.previousSecret] : [])] : [];
			return {
				url: channel.url,
				headers: { ...json, 'webhook-id': meta.id, 'webhook-timestamp': timestamp, ...(secrets.length ? { 'webhook-signature': secrets.map((s) => standardSignature(s, meta.id, timestamp, body)).join(' ') } : {}) },
				body
			};
		}
	}
}

export type SendVerdict = { ok: true } | { ok: false; retryAfterMs?: number; permanent: boolean; error: string };

/** Reads the service's answer: HTTP status, Retry-After, and the error codes in the body. */
export function judgeAnswer(kind: ChannelKind, status: number, headers: Headers, body: string, now: Date): SendVerdict {
	const retryAfter = (() => {
		const value = headers.get('retry-after');
		if (!value) return undefined;
		if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
		const at = Date.parse(value);
		return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
	})();
	if (status === 429) return { ok: false, retryAfterMs: retryAfter ?? 60_000, permanent: false, error: 'HTTP 429' };
	if (status >= 500) return { ok: false, retryAfterMs: retryAfter, permanent: false, error: `HTTP ${status}` };
	if (status < 200 || status >= 300) return { ok: false, permanent: true, error: `HTTP ${status}: ${body.slice(0, 200)}` };
	let json: Record<string, unknown> = {};
	try {
		json = body ? JSON.parse(body) : {};
	} catch {
		json = {};
	}
	if (kind === 'wecom' || kind === 'dingtalk') {
		const code = Number(json.errcode ?? 0);
		if (code === 0) return { ok: true };
		if ((kind === 'wecom' && code === 45009) || (kind === 'dingtalk' && code === 130101)) return { ok: false, retryAfterMs: 60_000, permanent: false, error: `errcode ${code}: too many messages` };
		return { ok: false, permanent: false, error: `errcode ${code}: ${String(json.errmsg ?? '')}` };
	}
	if (kind === 'feishu') {
		const code = Number(json.code ?? json.StatusCode ?? 0);
		if (code === 0) return { ok: true };
		if (code === 9499 || code === 11232) return { ok: false, retryAfterMs: 1_000, permanent: false, error: `code ${code}: too many messages` };
		return { ok: false, permanent: false, error: `code ${code}: ${String(json.msg ?? json.StatusMessage ?? '')}` };
	}
	return { ok: true };
}

/** True for loopback, private, link-local, CGNAT, multicast and unspecified addresses (IPv4 and IPv6). */
export function isPrivateAddress(address: string): boolean {
	const mapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
	if (isIP(mapped) === 4) {
		const [a, b] = mapped.split('.').map(Number);
		return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 198 && (b === 18 || b === 19)) || a >= 224;
	}
	const v6 = mapped.toLowerCase();
	return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe8') || v6.startsWith('fe9') || v6.startsWith('fea') || v6.startsWith('feb') || v6.startsWith('ff');
}

/** Refuses a URL whose host is, or resolves to, a private address, unless the admin allowed it. */
export async function checkDestination(raw: string, allowPrivate: boolean, resolve = true): Promise<{ ok: true } | { ok: false; reason: 'url' | 'private' }> {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { ok: false, reason: 'url' };
	}
	if (url.username || url.password) return { ok: false, reason: 'url' };
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivate)) return { ok: false, reason: 'url' };
	if (allowPrivate) return { ok: true };
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (host === 'localhost' || host.endsWith('.localhost')) return { ok: false, reason: 'private' };
	if (isIP(host)) return isPrivateAddress(host) ? { ok: false, reason: 'private' } : { ok: true };
	if (!resolve) return { ok: true };
	try {
		const addresses = await lookup(host, { all: true });
		return addresses.some((a) => isPrivateAddress(a.address)) ? { ok: false, reason: 'private' } : { ok: true };
	} catch {
		// Unresolvable now: the send fails and retries like any network error.
		return { ok: true };
	}
}
