// Outbound notifications through the durable outbox. A moment (a contest started, a big deal…) becomes
// one outbox row per channel that wants it, keyed by (channel, dedupe key), so queueing it again queues
// nothing more (outbox.ts).
// What is transactional: big deals (the ingest transaction that writes the events), a contest going
// live and ending (the transaction that moves its status), badge awards (the awards' transaction) and
// kudos spotlights: the row commits with its cause or not at all.
// What is not: goal reached and a new contest leader are decided from the live store after the events
// were applied, by the process that applied them. Their row is committed, under a stable dedupe key,
// before the live store's once-mark is set, so a crash between the two queues it again (nothing new) at
// the goal's or contest's next event. A process killed between the events' commit and that check
// leaves it to that next event (unless the reconciler's periodic pass applies and announces the events
// again), and without one the notification is not sent. Digests and test messages are queued by their
// own jobs and actions.
// The sender claims due rows under a lease, posts them, and marks them sent; a sender that dies after
// its claim leaves the row to the next claim once the lease is over, and a sender renews a row's lease
// (if still its own) just before posting it, so a slow batch never posts twice. Between a post and its
// mark a crash can repeat that one post: generic webhooks carry a stable webhook-id for the receiver to
// drop it; chat robots offer no idempotency key.
import { z } from 'zod';
import type { Runtime } from '../platform/runtime';
import type { Actor } from '../org/actor';
import type { ChannelKind } from '../db/schema';
import { AppError, forbidden, notFound } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { recordAudit } from '../org/audit.repository';
import { systemClock, type Clock } from '../platform/clock';
import { isLocale, translate, type Locale, type MessageKey } from '$lib/i18n';
import { formatMoney } from '../../shared/money';
import { log } from '../platform/log';
import type { Scheduler } from '../platform/scheduler';
import { newWebhookSecret, openSecret, sealSecret } from './secrets';
import { TOLERANCE_MS } from './signatures';
import { buildRequest, checkDestination, CHANNEL_KINDS, judgeAnswer, RATE_PER_MINUTE, type Message } from './channels';
import { checkId } from './integration.service';
import { orgClock } from '../scoring/live.service';
import { boardQuerySchema, readBoard } from '../scoring/board.service';
import { periodOf } from '../../shared/time-windows';
import {
	claimMessages,
	deferMessage,
	forgetPreviousSecrets,
	forgetWebhookIds,
	pruneDeliveries,
	renewClaim,
	deleteChannel as deleteChannelRow,
	enqueueMessage,
	findChannel,
	findChannelById,
	updateChannel as updateChannelRow,
	insertChannel,
	listChannels,
	listDigestChannels,
	listMessages,
	markMessage,
	memberName,
	metricCurrency,
	orgLocale,
	resumeChannel,
	sentSince,
	setChannelHealth
} from './integration.repository';
import { MOMENTS, queueMoment, type Moment, type MomentMessage } from './outbox';

export { MOMENTS, type Moment, type MomentMessage };

declare module '$lib/server/platform/scheduler' {
	interface JobPayloads {
		/** Sends the outbox's due messages. A recurring system job. */
		'integrations.outbox': Record<string, never>;
		/** Queues the digests that are due (each channel's local time). A recurring system job. */
		'integrations.digest': Record<string, never>;
	}
}

/** Consecutive failed sends after which a channel is paused (and shown unhealthy). */
export const PAUSE_AFTER_FAILURES = 5;
export const MAX_ATTEMPTS = 8;
export const LEASE_MS = 30_000;
/** A post gives up after this long, well inside the lease it renews just before posting. */
export const REQUEST_TIMEOUT_MS = 10_000;
export const BACKOFF_MS = 2_000;
export const MAX_BACKOFF_MS = 30 * 60_000;
/** After a rotation, a signed webhook's messages carry the previous secret's signature too for this long. */
export const ROTATION_GRACE_MS = 24 * 60 * 60_000;

type Deps = Pick<Runtime, 'db' | 'config'>;
type DigestDeps = Pick<Runtime, 'db' | 'config' | 'live'>;

const channelSchema = z.object({
	kind: z.enum(CHANNEL_KINDS),
	name: z.string().trim().min(1).max(80),
	url: z.string().trim().min(1).max(2000),
	secret: z.string().trim().max(200).optional(),
	keyword: z.string().trim().max(40).optional(),
	moments: z.array(z.enum(MOMENTS)).max(MOMENTS.length).default([]),
	bigDeal: z.string().trim().regex(/^\d{1,12}$/, 'validation.invalid').optional().or(z.literal('')),
	digest: z.enum(['', 'daily', 'weekly']).optional(),
	digestAt: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'validation.invalid').optional().or(z.literal('')),
	allowPrivate: z.union([z.literal('on'), z.literal('true'), z.boolean()]).optional()
});

function requireAdmin(actor: Actor) {
	if (actor.role !== 'admin') throw forbidden();
}

export async function createChannel(deps: Deps, actor: Actor, input: unknown): Promise<{ id: string; signingSecret: string | null }> {
	requireAdmin(actor);
	const data = parseInput(channelSchema, input);
	const digest = data.digest || null;
	if (!data.moments.length && !digest) throw new AppError(400, 'integrations.errors.moments', undefined, 'moments');
	const allowPrivate = data.allowPrivate === true || data.allowPrivate === 'on' || data.allowPrivate === 'true';
	const destination = await checkDestination(data.url, allowPrivate, false);
	if (!destination.ok) throw new AppError(400, destination.reason === 'private' ? 'integrations.errors.privateUrl' : 'integrations.errors.url', undefined, 'url');
	// Podium makes the generic webhook's secret; the chat tools make theirs.
	const secret = data.kind === 'webhook' ? newWebhookSecret() : data.secret || null;
	const row = await insertChannel(deps.db, {
		organizationId: actor.organizationId,
		kind: data.kind,
		name: data.name,
		urlEnc: sealSecret(deps.config.secretKey, data.url),
		secretEnc: secret ? sealSecret(deps.config.secretKey, secret) : null,
		keyword: data.keyword || null,
		moments: data.moments,
		bigDealMinor: data.bigDeal ? Number(data.bigDeal) * 100 : null,
		digest,
		digestAt: digest ? data.digestAt || '18:00' : null,
		allowPrivate,
		createdBy: actor.userId
	});
	await recordAudit(deps.db, {
		organizationId: actor.organizationId,
		actorId: actor.userId,
		action: 'integration.channel_created',
		targetType: 'notification_channel',
		targetId: row.id,
		data: { kind: data.kind, name: data.name, moments: data.moments, allowPrivate }
	});
	return { id: row.id, signingSecret: data.kind === 'webhook' ? secret : null };
}

/** The editable part of a channel; its kind stays. An empty URL or secret keeps the stored one. */
const channelEditSchema = channelSchema.omit({ kind: true }).extend({ url: z.string().trim().max(2000).optional() });

/**
 * Edits a channel: name, moments, big-deal threshold, digest and its time, keyword (DingTalk), URL
 * (checked again against the SSRF guard) and, for DingTalk and Feishu, the secret their service made.
 * The URL and secret are never shown back, so the form leaves them empty to keep them.
 */
export async function editChannel(deps: Deps, actor: Actor, id: unknown, input: unknown) {
	requireAdmin(actor);
	const channelId = checkId(id, 'channelId');
	const data = parseInput(channelEditSchema, input);
	const channel = await findChannel(deps.db, actor.organizationId, channelId);
	if (!channel) throw notFound();
	const digest = data.digest || null;
	if (!data.moments.length && !digest) throw new AppError(400, 'integrations.errors.moments', undefined, 'moments');
	const allowPrivate = data.allowPrivate === true || data.allowPrivate === 'on' || data.allowPrivate === 'true';
	// A URL kept as stored is checked again too: allowing a private address may have been unticked.
	const url = data.url || openSecret(deps.config.secretKey, channel.url_enc);
	const destination = await checkDestination(url, allowPrivate, false);
	if (!destination.ok) throw new AppError(400, destination.reason === 'private' ? 'integrations.errors.privateUrl' : 'integrations.errors.url', undefined, 'url');
	const typedSecret = channel.kind === 'dingtalk' || channel.kind === 'feishu' ? data.secret || undefined : undefined;
	const set = {
		name: data.name,
		moments: data.moments,
		keyword: channel.kind === 'dingtalk' ? data.keyword || null : null,
		bigDealMinor: data.bigDeal ? Number(data.bigDeal) * 100 : null,
		digest,
		digestAt: digest ? data.digestAt || channel.digest_at || '18:00' : null,
		allowPrivate
	};
	await updateChannelRow(deps.db, actor.organizationId, channelId, {
		...set,
		...(data.url ? { urlEnc: sealSecret(deps.config.secretKey, data.url) } : {}),
		...(typedSecret ? { secretEnc: sealSecret(deps.config.secretKey, typedSecret) } : {})
	});
	const before = { name: channel.name, moments: channel.moments, keyword: channel.keyword, bigDealMinor: channel.big_deal_minor === null ? null : Number(channel.big_deal_minor), digest: channel.digest, digestAt: channel.digest_at, allowPrivate: channel.allow_private };
	const changed = (Object.keys(set) as (keyof typeof set)[]).filter((k) => JSON.stringify(set[k]) !== JSON.stringify(before[k]));
	await recordAudit(deps.db, {
		organizationId: actor.organizationId,
		actorId: actor.userId,
		action: 'integration.channel_updated',
		targetType: 'notification_channel',
		targetId: channelId,
		// What changed, never the URL's or the secret's value.
		data: { changed: [...changed, ...(data.url ? ['url'] : []), ...(typedSecret ? ['secret'] : [])], ...Object.fromEntries(changed.map((k) => [k, set[k]])) }
	});
}

/**
 * A new signing secret for a signed webhook channel (Podium makes it), shown once and stored encrypted.
 * For ROTATION_GRACE_MS after it, messages carry two signatures (the new secret's and the previous
 * one's, space-separated as Standard Webhooks allows), so a receiver still on the previous secret keeps
 * accepting them while it is updated; then only the new one. Rotating again within the grace keeps only
 * the secret current at that rotation as the previous one. DingTalk and Feishu make their own secrets:
 * type the new one into the channel's edit form instead.
 */
export async function rotateChannelSecret(deps: Deps, actor: Actor, id: unknown, clock: Clock = systemClock): Promise<{ signingSecret: string; previousUntil: string | null }> {
	requireAdmin(actor);
	const channelId = checkId(id, 'channelId');
	const channel = await findChannel(deps.db, actor.organizationId, channelId);
	if (!channel) throw notFound();
	if (channel.kind !== 'webhook') throw new AppError(400, 'integrations.errors.rotateKind', undefined, 'channelId');
	const secret = newWebhookSecret();
	const previousUntil = channel.secret_enc ? new Date(clock.now().getTime() + ROTATION_GRACE_MS) : null;
	await updateChannelRow(deps.db, actor.organizationId, channelId, {
		secretEnc: sealSecret(deps.config.secretKey, secret),
		previousSecretEnc: channel.secret_enc,
		previousSecretUntil: previousUntil
	});
	await recordAudit(deps.db, {
		organizationId: actor.organizationId,
		actorId: actor.userId,
		action: 'integration.channel_secret_rotated',
		targetType: 'notification_channel',
		targetId: channelId,
		...(previousUntil ? { data: { previousUntil: previousUntil.toISOString() } } : {})
	});
	return { signingSecret: secret, previousUntil: previousUntil?.toISOString() ?? null };
}

export async function removeChannel(deps: Deps, actor: Actor, id: unknown) {
	requireAdmin(actor);
	const channelId = checkId(id, 'channelId');
	if (!(await deleteChannelRow(deps.db, actor.organizationId, channelId))) throw notFound();
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'integration.channel_deleted', targetType: 'notification_channel', targetId: channelId });
}

export async function resumeChannelFor(deps: Deps, actor: Actor, id: unknown) {
	requireAdmin(actor);
	const channelId = checkId(id, 'channelId');
	if (!(await resumeChannel(deps.db, actor.organizationId, channelId))) throw notFound();
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'integration.channel_resumed', targetType: 'notification_channel', targetId: channelId });
}

/** Queues a test message for one channel (each click is its own message). */
export async function sendTest(deps: Deps, actor: Actor, id: unknown, clock: Clock = systemClock) {
	requireAdmin(actor);
	const channelId = checkId(id, 'channelId');
	const channel = await findChannel(deps.db, actor.organizationId, channelId);
	if (!channel) throw notFound();
	const now = clock.now();
	await enqueueMessage(deps.db, { organizationId: actor.organizationId, channelId, dedupeKey: `test:${now.getTime()}:${Math.random().toString(36).slice(2)}`, moment: 'test', message: { key: 'test', params: {} }, at: now });
}

export async function channelsForAdmin(deps: Deps, actor: Actor, clock: Clock = systemClock) {
	requireAdmin(actor);
	const now = clock.now().getTime();
	const [channels, messages] = await Promise.all([listChannels(deps.db, actor.organizationId), listMessages(deps.db, actor.organizationId, 50)]);
	return {
		channels: channels.map((c) => ({
			id: c.id,
			kind: c.kind,
			name: c.name,
			moments: c.moments,
			keyword: c.keyword,
			digest: c.digest,
			digestAt: c.digest_at,
			bigDeal: c.big_deal_minor === null ? null : String(Math.floor(Number(c.big_deal_minor) / 100)),
			hasSecret: c.secret_enc !== null,
			/** Until when the previous signing secret signs too (a rotation's grace), while it does. */
			previousSecretUntil: c.previous_secret_until && c.previous_secret_until.getTime() > now ? c.previous_secret_until.toISOString() : null,
			allowPrivate: c.allow_private,
			paused: c.paused,
			failures: c.failures,
			lastError: c.last_error,
			lastSentAt: c.last_sent_at?.toISOString() ?? null,
			host: hostOf(openSecret(deps.config.secretKey, c.url_enc))
		})),
		messages: messages.map((m) => ({ id: Number(m.id), channelId: m.channel_id, moment: m.moment, status: m.status, attempts: m.attempts, lastError: m.last_error, createdAt: m.created_at.toISOString(), sentAt: m.sent_at?.toISOString() ?? null }))
	};
}

const hostOf = (url: string) => {
	try {
		return new URL(url).host;
	} catch {
		return '';
	}
};

/**
 * Queues a moment for every channel of the organization that wants it, on its own (outside any cause's
 * transaction): once per dedupe key and channel, in one statement. A cause that commits in a
 * transaction queues with outbox.ts inside that transaction instead.
 */
export async function announce(deps: Deps, organizationId: string, moment: Exclude<Moment, 'test'>, dedupeKey: string, message: MomentMessage, clock: Clock = systemClock): Promise<number> {
	return queueMoment(deps.db, organizationId, moment, dedupeKey, message, clock.now());
}

async function render(deps: Deps, organizationId: string, stored: Record<string, unknown>): Promise<Message> {
	const org = await orgLocale(deps.db, organizationId);
	const locale: Locale = isLocale(org?.locale) ? org.locale : 'en';
	const m = stored as unknown as MomentMessage;
	const params = { ...m.params };
	if ((m.key === 'digest_daily' || m.key === 'digest_weekly') && !params.leaders) params.leaders = translate(locale, 'integrations.msg.digestEmpty');
	if (m.key === 'big_deal' && m.amountMinor !== undefined) {
		params.who = (await memberName(deps.db, params.who)) ?? params.who;
		params.amount = formatMoney(m.amountMinor, (await metricCurrency(deps.db, organizationId, 'revenue')) ?? 'USD', locale);
	}
	const titleKey = (m.key === 'test' ? 'integrations.moment.test' : `integrations.moment.${m.key === 'kudos' ? 'kudos' : m.key}`) as MessageKey;
	const origin = deps.config.origin;
	return {
		title: `${translate(locale, titleKey)} · ${org?.name ?? 'Podium'}`,
		text: translate(locale, `integrations.msg.${m.key}` as MessageKey, params),
		...(origin ? { link: origin, linkLabel: translate(locale, 'integrations.msg.open') } : {})
	};
}

export interface SenderOptions {
	clock?: Clock;
	fetch?: typeof fetch;
	/** Claims at most this many messages per run. */
	limit?: number;
	/** Test hook: called after the claim, before any post (a crash here leaves the claim to its lease). */
	afterClaim?: () => void | Promise<void>;
}

/** One run of the sender: claims due messages, posts them, marks them. Returns how many were sent. */
export async function sendDue(deps: Deps, options: SenderOptions = {}): Promise<number> {
	const clock = options.clock ?? systemClock;
	const doFetch = options.fetch ?? fetch;
	const now = clock.now();
	const claimed = await claimMessages(deps.db, now, new Date(now.getTime() + LEASE_MS), options.limit ?? 20);
	await options.afterClaim?.();
	let sent = 0;
	const held = new Map(claimed.map((row) => [row.id, new Date(now.getTime() + LEASE_MS)]));
	for (const row of claimed) {
		const channel = await findChannelById(deps.db, row.channel_id);
		if (!channel) continue;
		const at = clock.now();
		// The batch's lease was taken at the claim; earlier posts (each up to REQUEST_TIMEOUT_MS) may have
		// used it up. Renew this row's lease for its own post, and leave it if another sender has it now.
		const until = new Date(Math.max(at.getTime(), now.getTime()) + LEASE_MS + 1);
		if (!(await renewClaim(deps.db, row.id, held.get(row.id)!, until))) continue;
		held.set(row.id, until);
		// Per-channel rate limit: over it, the message waits without spending an attempt's failure.
		const perMinute = RATE_PER_MINUTE[channel.kind as ChannelKind];
		if ((await sentSince(deps.db, channel.id, new Date(at.getTime() - 60_000))) >= perMinute || (channel.kind === 'feishu' && (await sentSince(deps.db, channel.id, new Date(at.getTime() - 1_000))) >= 5)) {
			await deferMessage(deps.db, row.id, new Date(at.getTime() + (channel.kind === 'feishu' ? 1_000 : 5_000)));
			continue;
		}
		const url = openSecret(deps.config.secretKey, channel.url_enc);
		const secret = channel.secret_enc ? openSecret(deps.config.secretKey, channel.secret_enc) : null;
		// A rotation's previous secret signs too until its grace ends (signed webhooks only).
		const previousSecret = channel.previous_secret_enc && channel.previous_secret_until && channel.previous_secret_until.getTime() > at.getTime() ? openSecret(deps.config.secretKey, channel.previous_secret_enc) : null;
		let verdict;
		try {
			const destination = await checkDestination(url, channel.allow_private);
			if (!destination.ok) throw new Error(`refused destination (${destination.reason})`);
			const message = await render(deps, row.organization_id, row.message);
			const request = buildRequest({ kind: channel.kind as ChannelKind, url, secret, previousSecret, keyword: channel.keyword }, message, { id: `msg_${row.id}`, moment: row.moment, now: at });
			const response = await doFetch(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
			verdict = judgeAnswer(channel.kind as ChannelKind, response.status, response.headers, await response.text(), at);
		} catch (error) {
			verdict = { ok: false as const, permanent: false, error: error instanceof Error ? error.message : String(error) };
		}
		if (verdict.ok) {
			await markMessage(deps.db, row.id, { status: 'sent', sentAt: at, error: null });
			await setChannelHealth(deps.db, channel.id, { failures: 0, lastError: null, sentAt: at });
			sent++;
			continue;
		}
		const failures = channel.failures + 1;
		const giveUp = verdict.permanent || row.attempts >= MAX_ATTEMPTS;
		const backoff = Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** Math.max(0, row.attempts - 1));
		await markMessage(deps.db, row.id, giveUp ? { status: 'failed', error: verdict.error } : { status: 'pending', nextAttemptAt: new Date(at.getTime() + (verdict.retryAfterMs ?? backoff)), error: verdict.error });
		await setChannelHealth(deps.db, channel.id, { failures, lastError: verdict.error, ...(failures >= PAUSE_AFTER_FAILURES ? { paused: true } : {}) });
		if (failures === PAUSE_AFTER_FAILURES) log.warn(`integrations: channel ${channel.id} paused after ${failures} failures: ${verdict.error}`);
	}
	return sent;
}

/** Local date (YYYY-MM-DD) and time (HH:MM) of an instant in a time zone. */
function localParts(at: Date, timeZone: string) {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
			.formatToParts(at)
			.map((p) => [p.type, p.value])
	);
	return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/**
 * Queues each digest that is due: a daily one once the organization's local time passes the channel's
 * time, a weekly one on the week's last day (the organization's week start) likewise. Keyed by the
 * period, so it is queued once per channel and period however often this runs. Returns how many.
 */
export async function queueDigests(deps: DigestDeps, clock: Clock = systemClock): Promise<number> {
	const now = clock.now();
	let queued = 0;
	for (const channel of await listDigestChannels(deps.db)) {
		const org = await orgClock(deps.db, channel.organization_id);
		const here = localParts(now, org.timeZone);
		if (here.time < (channel.digest_at ?? '18:00')) continue;
		const window = channel.digest === 'weekly' ? 'week' : 'day';
		const period = periodOf(window, now, org);
		if (window === 'week' && localParts(new Date(period.end.getTime() - 1), org.timeZone).day !== here.day) continue;
		const board = await readBoard(deps, channel.organization_id, boardQuerySchema.parse({ board: 'points', scope: 'users', window, limit: 3 }), now);
		const leaders = board.entries.filter((e) => e.score > 0).map((e) => `${e.rank}. ${e.name} (${e.score})`).join(', ');
		const key = channel.digest === 'weekly' ? 'digest_weekly' : 'digest_daily';
		if (await enqueueMessage(deps.db, { organizationId: channel.organization_id, channelId: channel.id, dedupeKey: `digest:${window}:${period.key}`, moment: key, message: { key, params: leaders ? { leaders } : {} }, at: now })) queued++;
	}
	return queued;
}

const OUTBOX_KEY = 'system:integrations.outbox';
const DIGEST_KEY = 'system:integrations.digest';
export const OUTBOX_EVERY_MS = 2_000;

/**
 * The sender and the digests as recurring scheduler jobs (each once across processes). Moments are
 * queued by their causes (outbox.ts), not by listeners here: a listener runs after the cause's commit,
 * and a process killed in between lost the notification.
 */
export async function installNotifications(deps: DigestDeps & { scheduler: Scheduler }): Promise<() => void> {
	deps.scheduler.register('integrations.outbox', async () => {
		await sendDue(deps);
	});
	deps.scheduler.register('integrations.digest', async () => {
		await queueDigests(deps, deps.scheduler.clock);
		// Housekeeping, once a minute: webhook ids past the timestamp tolerance can no longer be replayed
		// (the timestamp check refuses them first), the delivery log keeps 30 days, and a rotated-out
		// signing secret is forgotten once its grace is over.
		const now = deps.scheduler.clock.now().getTime();
		await forgetWebhookIds(deps.db, new Date(now - 3 * TOLERANCE_MS));
		await pruneDeliveries(deps.db, new Date(now - 30 * 24 * 60 * 60_000));
		await forgetPreviousSecrets(deps.db, new Date(now));
	});
	await deps.scheduler.every('integrations.outbox', {}, { key: OUTBOX_KEY, everyMs: OUTBOX_EVERY_MS });
	await deps.scheduler.every('integrations.digest', {}, { key: DIGEST_KEY, everyMs: 60_000 });
	return () => {};
}
