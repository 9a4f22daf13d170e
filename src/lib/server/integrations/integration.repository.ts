// Integrations' SQL: connections, seen webhook ids, the delivery log, channels and the outbox. Every
// admin-facing query is scoped by organization; the hook endpoint finds a connection by its id alone
// (the id is the URL, the secret proves the sender).
import { sql, type Transaction } from 'kysely';
import type { ChannelKind, ConnectionKind, Database, DeliveryVerdict } from '../db/schema';
import type { Db } from '../db';

type Executor = Db | Transaction<Database>;

const connectionColumns = ['id', 'organization_id', 'kind', 'name', 'secret_enc', 'settings', 'rules', 'active', 'created_at', 'updated_at'] as const;

export async function insertConnection(
	db: Executor,
	row: { organizationId: string; kind: ConnectionKind; name: string; secretEnc: string; settings: Record<string, string>; rules: unknown[]; createdBy: string }
) {
	return db
		.insertInto('integration_connections')
		.values({
			organization_id: row.organizationId,
			kind: row.kind,
			name: row.name,
			secret_enc: row.secretEnc,
			settings: JSON.stringify(row.settings),
			rules: JSON.stringify(row.rules),
			created_by: row.createdBy
		})
		.returning(connectionColumns)
		.executeTakeFirstOrThrow();
}

export function listConnections(db: Executor, organizationId: string) {
	return db.selectFrom('integration_connections').select(connectionColumns).where('organization_id', '=', organizationId).orderBy('created_at').execute();
}

export function findConnection(db: Executor, organizationId: string, id: string) {
	return db.selectFrom('integration_connections').select(connectionColumns).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export function findConnectionById(db: Executor, id: string) {
	return db.selectFrom('integration_connections').select(connectionColumns).where('id', '=', id).executeTakeFirst();
}

export async function updateConnection(db: Executor, organizationId: string, id: string, set: { rules?: unknown[]; secretEnc?: string; settings?: Record<string, string>; active?: boolean }) {
	const result = await db
		.updateTable('integration_connections')
		.set({
			...(set.rules ? { rules: JSON.stringify(set.rules) } : {}),
			...(set.secretEnc ? { secret_enc: set.secretEnc } : {}),
			...(set.settings ? { settings: JSON.stringify(set.settings) } : {}),
			...(set.active === undefined ? {} : { active: set.active }),
			updated_at: sql<Date>`now()`
		})
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

export async function deleteConnection(db: Executor, organizationId: string, id: string) {
	const result = await db.deleteFrom('integration_connections').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
	return Number(result.numDeletedRows) === 1;
}

/** True when the id is new for the connection (and is now remembered). */
export async function rememberWebhookId(db: Executor, connectionId: string, webhookId: string): Promise<boolean> {
	const row = await db
		.insertInto('integration_webhook_ids')
		.values({ connection_id: connectionId, webhook_id: webhookId })
		.onConflict((oc) => oc.columns(['connection_id', 'webhook_id']).doNothing())
		.returning('webhook_id')
		.executeTakeFirst();
	return !!row;
}

/** Webhook ids older than the timestamp tolerance can no longer be replayed (the timestamp check refuses them). */
export function forgetWebhookIds(db: Executor, before: Date) {
	return db.deleteFrom('integration_webhook_ids').where('received_at', '<', before).execute();
}

export async function insertDelivery(
	db: Executor,
	row: { organizationId: string; connectionId: string; verdict: DeliveryVerdict; reason: string | null; body: string; events: unknown[]; replayOf: number | null }
) {
	const inserted = await db
		.insertInto('integration_deliveries')
		.values({
			organization_id: row.organizationId,
			connection_id: row.connectionId,
			verdict: row.verdict,
			reason: row.reason,
			body: row.body,
			events: JSON.stringify(row.events),
			replay_of: row.replayOf
		})
		.returning(['id'])
		.executeTakeFirstOrThrow();
	return Number(inserted.id);
}

export function listDeliveries(db: Executor, organizationId: string, limit = 100) {
	return db
		.selectFrom('integration_deliveries')
		.select(['id', 'connection_id', 'verdict', 'reason', 'events', 'replay_of', 'received_at', sql<number>`length(body)`.as('size')])
		.where('organization_id', '=', organizationId)
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
}

export function findDelivery(db: Executor, organizationId: string, id: number) {
	return db
		.selectFrom('integration_deliveries')
		.select(['id', 'connection_id', 'verdict', 'reason', 'body', 'events', 'received_at'])
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
}

const channelColumns = [
	'id',
	'organization_id',
	'kind',
	'name',
	'url_enc',
	'secret_enc',
	'previous_secret_enc',
	'previous_secret_until',
	'keyword',
	'moments',
	'big_deal_minor',
	'digest',
	'digest_at',
	'allow_private',
	'paused',
	'failures',
	'last_error',
	'last_sent_at',
	'created_at'
] as const;

export function insertChannel(
	db: Executor,
	row: { organizationId: string; kind: ChannelKind; name: string; urlEnc: string; secretEnc: string | null; keyword: string | null; moments: string[]; bigDealMinor: number | null; digest: 'daily' | 'weekly' | null; digestAt: string | null; allowPrivate: boolean; createdBy: string }
) {
	return db
		.insertInto('notification_channels')
		.values({
			organization_id: row.organizationId,
			kind: row.kind,
			name: row.name,
			url_enc: row.urlEnc,
			secret_enc: row.secretEnc,
			keyword: row.keyword,
			moments: JSON.stringify(row.moments),
			big_deal_minor: row.bigDealMinor,
			digest: row.digest,
			digest_at: row.digestAt,
			allow_private: row.allowPrivate,
			created_by: row.createdBy
		})
		.returning(channelColumns)
		.executeTakeFirstOrThrow();
}

export function listChannels(db: Executor, organizationId: string) {
	return db.selectFrom('notification_channels').select(channelColumns).where('organization_id', '=', organizationId).orderBy('created_at').execute();
}

/** Channels with a digest, in every organization (the digest job looks at each once a minute). */
export function listDigestChannels(db: Executor) {
	return db.selectFrom('notification_channels').select(['id', 'organization_id', 'digest', 'digest_at']).where('digest', 'is not', null).where('paused', '=', false).execute();
}

export function findChannel(db: Executor, organizationId: string, id: string) {
	return db.selectFrom('notification_channels').select(channelColumns).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export function findChannelById(db: Executor, id: string) {
	return db.selectFrom('notification_channels').select(channelColumns).where('id', '=', id).executeTakeFirst();
}

export function updateChannel(
	db: Executor,
	organizationId: string,
	id: string,
	set: Partial<{ name: string; urlEnc: string; secretEnc: string | null; previousSecretEnc: string | null; previousSecretUntil: Date | null; keyword: string | null; moments: string[]; bigDealMinor: number | null; digest: 'daily' | 'weekly' | null; digestAt: string | null; allowPrivate: boolean }>
) {
	return db
		.updateTable('notification_channels')
		.set({
			...(set.name === undefined ? {} : { name: set.name }),
			...(set.urlEnc === undefined ? {} : { url_enc: set.urlEnc }),
			...(set.secretEnc === undefined ? {} : { secret_enc: set.secretEnc }),
			...(set.previousSecretEnc === undefined ? {} : { previous_secret_enc: set.previousSecretEnc }),
			...(set.previousSecretUntil === undefined ? {} : { previous_secret_until: set.previousSecretUntil }),
			...(set.keyword === undefined ? {} : { keyword: set.keyword }),
			...(set.moments === undefined ? {} : { moments: JSON.stringify(set.moments) }),
			...(set.bigDealMinor === undefined ? {} : { big_deal_minor: set.bigDealMinor }),
			...(set.digest === undefined ? {} : { digest: set.digest }),
			...(set.digestAt === undefined ? {} : { digest_at: set.digestAt }),
			...(set.allowPrivate === undefined ? {} : { allow_private: set.allowPrivate })
		})
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.returning(channelColumns)
		.executeTakeFirst();
}

/** A rotated-out signing secret whose grace ended by `now` is forgotten (it signs nothing any more). */
export function forgetPreviousSecrets(db: Executor, now: Date) {
	return db
		.updateTable('notification_channels')
		.set({ previous_secret_enc: null, previous_secret_until: null })
		.where('previous_secret_until', '<=', now)
		.execute();
}

export async function deleteChannel(db: Executor, organizationId: string, id: string) {
	const result = await db.deleteFrom('notification_channels').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
	return Number(result.numDeletedRows) === 1;
}

export function setChannelHealth(db: Executor, id: string, set: { failures: number; lastError: string | null; paused?: boolean; sentAt?: Date }) {
	return db
		.updateTable('notification_channels')
		.set({
			failures: set.failures,
			last_error: set.lastError,
			...(set.paused === undefined ? {} : { paused: set.paused }),
			...(set.sentAt ? { last_sent_at: set.sentAt } : {})
		})
		.where('id', '=', id)
		.execute();
}

export async function resumeChannel(db: Executor, organizationId: string, id: string) {
	const result = await db
		.updateTable('notification_channels')
		.set({ paused: false, failures: 0 })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

/** The organization's channels that want `moment` (with their big-deal threshold), read with the caller's executor. */
export function channelsWanting(db: Executor, organizationId: string, moment: string) {
	return db
		.selectFrom('notification_channels')
		.select(['id', 'big_deal_minor'])
		.where('organization_id', '=', organizationId)
		.where(sql<boolean>`moments @> ${JSON.stringify([moment])}::jsonb`)
		.execute();
}

/**
 * Whether the organization has a channel whose big-deal threshold is at or below `amountMinor`: ingest
 * asks this (outside any transaction) before it opens a transaction for a batch's big deals.
 */
export async function hasBigDealChannel(db: Executor, organizationId: string, amountMinor: number): Promise<boolean> {
	const row = await db
		.selectFrom('notification_channels')
		.select('id')
		.where('organization_id', '=', organizationId)
		.where(sql<boolean>`moments @> '["big_deal"]'::jsonb`)
		.where('big_deal_minor', '<=', amountMinor)
		.limit(1)
		.executeTakeFirst();
	return !!row;
}

export interface NewOutboxRow {
	organizationId: string;
	channelId: string;
	dedupeKey: string;
	moment: string;
	message: Record<string, unknown>;
	at: Date;
}

/** Queues messages in one statement, each once per (channel, dedupe key): returns how many were new. */
export async function enqueueMessages(db: Executor, rows: NewOutboxRow[]): Promise<number> {
	if (rows.length === 0) return 0;
	const inserted = await db
		.insertInto('notification_outbox')
		.values(
			rows.map((row) => ({
				organization_id: row.organizationId,
				channel_id: row.channelId,
				dedupe_key: row.dedupeKey,
				moment: row.moment,
				message: JSON.stringify(row.message),
				next_attempt_at: row.at,
				created_at: row.at
			}))
		)
		.onConflict((oc) => oc.columns(['channel_id', 'dedupe_key']).doNothing())
		.returning('id')
		.execute();
	return inserted.length;
}

/** Queues a message once per (channel, dedupe key): true when it is new. */
export async function enqueueMessage(db: Executor, row: NewOutboxRow): Promise<boolean> {
	return (await enqueueMessages(db, [row])) === 1;
}

export type OutboxRow = { id: number; organization_id: string; channel_id: string; dedupe_key: string; moment: string; message: Record<string, unknown>; attempts: number };

/**
 * Claims due messages of channels that are not paused, under a lease: a sender that dies after its
 * claim leaves the row to the next claim after `until`. FOR UPDATE SKIP LOCKED keeps two senders apart.
 */
export async function claimMessages(db: Db, now: Date, until: Date, limit: number): Promise<OutboxRow[]> {
	const rows = await sql<OutboxRow>`
		update notification_outbox o set claimed_until = ${until}, attempts = o.attempts + 1
		where o.id in (
			select m.id from notification_outbox m join notification_channels c on c.id = m.channel_id
			where m.status = 'pending' and m.next_attempt_at <= ${now} and (m.claimed_until is null or m.claimed_until <= ${now}) and not c.paused
			order by m.next_attempt_at, m.id
			limit ${limit}
			for update of m skip locked
		)
		returning o.id, o.organization_id, o.channel_id, o.dedupe_key, o.moment, o.message, o.attempts`.execute(db);
	return rows.rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/**
 * Extends the lease on one claimed message, only if the claim is still the caller's (its lease ends at
 * `heldUntil`, the value the caller's claim set). A sender that took longer than its lease over earlier
 * messages of its batch finds the row claimed by another sender, or sent, and must not post it.
 */
export async function renewClaim(db: Executor, id: number, heldUntil: Date, until: Date): Promise<boolean> {
	const row = await db
		.updateTable('notification_outbox')
		.set({ claimed_until: until })
		.where('id', '=', id)
		.where('status', '=', 'pending')
		.where('claimed_until', '=', heldUntil)
		.returning('id')
		.executeTakeFirst();
	return !!row;
}

export function markMessage(db: Executor, id: number, set: { status: 'pending' | 'sent' | 'failed'; nextAttemptAt?: Date; error?: string | null; sentAt?: Date }) {
	return db
		.updateTable('notification_outbox')
		.set({
			status: set.status,
			claimed_until: null,
			...(set.nextAttemptAt ? { next_attempt_at: set.nextAttemptAt } : {}),
			...(set.error === undefined ? {} : { last_error: set.error }),
			...(set.sentAt ? { sent_at: set.sentAt } : {})
		})
		.where('id', '=', id)
		.execute();
}

/** Puts a claimed message back without spending its attempt (its channel was over its rate limit). */
export function deferMessage(db: Executor, id: number, nextAttemptAt: Date) {
	return db
		.updateTable('notification_outbox')
		.set((eb) => ({ claimed_until: null, next_attempt_at: nextAttemptAt, attempts: eb('attempts', '-', 1) }))
		.where('id', '=', id)
		.execute();
}

/** Deliveries older than `before` leave the log (the page shows the last 100). */
export function pruneDeliveries(db: Executor, before: Date) {
	return db.deleteFrom('integration_deliveries').where('received_at', '<', before).execute();
}

export function listMessages(db: Executor, organizationId: string, limit = 50) {
	return db
		.selectFrom('notification_outbox')
		.select(['id', 'channel_id', 'moment', 'status', 'attempts', 'last_error', 'created_at', 'sent_at', 'next_attempt_at'])
		.where('organization_id', '=', organizationId)
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
}

/** Messages sent by a channel since `since` (its rate limit counts them). */
export async function sentSince(db: Executor, channelId: string, since: Date): Promise<number> {
	const row = await db
		.selectFrom('notification_outbox')
		.select((eb) => eb.fn.countAll<string>().as('n'))
		.where('channel_id', '=', channelId)
		.where('status', '=', 'sent')
		.where('sent_at', '>', since)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export function orgLocale(db: Executor, organizationId: string) {
	return db.selectFrom('organizations').select(['locale', 'name']).where('id', '=', organizationId).executeTakeFirst();
}

export async function memberName(db: Executor, userId: string): Promise<string | null> {
	const row = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
	return row?.name ?? null;
}

export async function metricCurrency(db: Executor, organizationId: string, key: string): Promise<string | null> {
	const row = await db.selectFrom('metrics').select('currency').where('organization_id', '=', organizationId).where('key', '=', key).executeTakeFirst();
	return row?.currency ?? null;
}
