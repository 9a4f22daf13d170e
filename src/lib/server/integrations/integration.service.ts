// Inbound CRM webhooks: connections, their verification, mapping into events, and the delivery log.
// Invariant: a delivery that fails its verification (signature, timestamp, credentials, organization)
// or cannot be read is answered 4xx before anything is written. A verified delivery is logged once with
// its verdict, and its events go through ingest with ids derived from record and transition, so that a
// retry or a replay counts once. A delivery is all or nothing: any rule problem, unknown owner or
// unknown metric rejects the whole delivery before any event is written.
import { z } from 'zod';
import type { Runtime } from '../platform/runtime';
import type { Actor } from '../org/actor';
import type { ConnectionKind, DeliveryVerdict } from '../db/schema';
import { AppError, ValidationError, forbidden, notFound } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { recordAudit } from '../org/audit.repository';
import { ingestEvents } from '../scoring/event.service';
import { orgMetrics, resolveMembers } from '../scoring/lookups';
import { systemClock, type Clock } from '../platform/clock';
import { newSharedSecret, newWebhookSecret, openSecret, sealSecret } from './secrets';
import { verifyBasic, verifyHubspot, verifyStandard, safeEqual, type SignatureCheck } from './signatures';
import { MAX_BODY_BYTES, MalformedBody, parseSalesforce, recordsOf, sameSalesforceOrg, SALESFORCE_ACK, zohoToken } from './payloads';
import { applyRules, defaultRules, rulesSchema, type MappingResult, type MappingRule } from './mapping';
import {
	deleteConnection as deleteConnectionRow,
	findConnection,
	findConnectionById,
	findDelivery,
	insertConnection,
	insertDelivery,
	listConnections,
	listDeliveries,
	rememberWebhookId,
	updateConnection
} from './integration.repository';

export const CONNECTION_KINDS = ['generic', 'hubspot', 'salesforce', 'pipedrive', 'zoho', 'fxiaoke'] as const satisfies readonly ConnectionKind[];
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Deps = Pick<Runtime, 'db' | 'live' | 'events' | 'config'>;

function requireAdmin(actor: Actor) {
	if (actor.role !== 'admin') throw forbidden();
}

export function checkId(value: unknown, field: string): string {
	if (typeof value !== 'string' || !UUID.test(value)) throw new AppError(400, 'validation.invalid', undefined, field);
	return value.toLowerCase();
}

const createSchema = z.object({
	kind: z.enum(CONNECTION_KINDS),
	name: z.string().trim().min(1).max(80),
	/** HubSpot: the app's client secret, from the app's settings (HubSpot makes it, not Podium). */
	secret: z.string().trim().max(200).optional(),
	/** Salesforce: the 15- or 18-character organization id. */
	organizationId: z.string().trim().max(18).optional(),
	/** Pipedrive: the HTTP Basic user name set on the webhook. */
	username: z.string().trim().max(80).optional()
});

export interface ConnectionView {
	id: string;
	kind: ConnectionKind;
	name: string;
	settings: Record<string, string>;
	rules: MappingRule[];
	active: boolean;
	createdAt: string;
	path: string;
}

const viewOf = (row: { id: string; kind: ConnectionKind; name: string; settings: Record<string, string>; rules: unknown[]; active: boolean; created_at: Date }): ConnectionView => ({
	id: row.id,
	kind: row.kind,
	name: row.name,
	settings: row.settings,
	rules: row.rules as MappingRule[],
	active: row.active,
	createdAt: row.created_at.toISOString(),
	path: `/api/v1/hooks/${row.id}`
});

function secretsOf(deps: Deps, sealed: string): string[] {
	return JSON.parse(openSecret(deps.config.secretKey, sealed)) as string[];
}

export async function createConnection(deps: Deps, actor: Actor, input: unknown): Promise<{ connection: ConnectionView; secret: string | null }> {
	requireAdmin(actor);
	const data = parseInput(createSchema, input);
	let secret: string | null;
	const settings: Record<string, string> = {};
	switch (data.kind) {
		case 'hubspot':
			if (!data.secret || data.secret.length < 8) throw new AppError(400, 'validation.required', undefined, 'secret');
			secret = data.secret;
			break;
		case 'salesforce':
			if (!data.organizationId || !/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(data.organizationId)) throw new AppError(400, 'validation.invalid', undefined, 'organizationId');
			settings.organizationId = data.organizationId;
			secret = null;
			break;
		case 'pipedrive':
			settings.username = data.username || 'podium';
			secret = newSharedSecret();
			break;
		case 'zoho':
			secret = newSharedSecret();
			break;
		default:
			secret = newWebhookSecret();
	}
	const row = await insertConnection(deps.db, {
		organizationId: actor.organizationId,
		kind: data.kind,
		name: data.name,
		secretEnc: sealSecret(deps.config.secretKey, JSON.stringify(secret ? [secret] : [])),
		settings,
		rules: defaultRules(data.kind),
		createdBy: actor.userId
	});
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'integration.connection_created', targetType: 'integration_connection', targetId: row.id, data: { kind: data.kind, name: data.name } });
	// A secret the admin typed (HubSpot's) is not shown back.
	return { connection: viewOf(row), secret: data.kind === 'hubspot' ? null : secret };
}

/** A new secret; the previous one keeps working until the next rotation (Standard Webhooks accepts several). */
export async function rotateConnectionSecret(deps: Deps, actor: Actor, id: unknown, typed?: unknown): Promise<{ secret: string | null }> {
	requireAdmin(actor);
	const connectionId = checkId(id, 'connectionId');
	const row = await findConnection(deps.db, actor.organizationId, connectionId);
	if (!row) throw notFound();
	if (row.kind === 'salesforce') throw new AppError(400, 'validation.invalid', undefined, 'connectionId');
	let secret: string;
	if (row.kind === 'hubspot') {
		if (typeof typed !== 'string' || typed.trim().length < 8) throw new AppError(400, 'validation.required', undefined, 'secret');
		secret = typed.trim();
	} else secret = row.kind === 'generic' || row.kind === 'fxiaoke' ? newWebhookSecret() : newSharedSecret();
	const previous = secretsOf(deps, row.secret_enc).slice(0, 1);
	await updateConnection(deps.db, actor.organizationId, connectionId, { secretEnc: sealSecret(deps.config.secretKey, JSON.stringify([secret, ...previous])) });
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'integration.secret_rotated', targetType: 'integration_connection', targetId: connectionId });
	return { secret: row.kind === 'hubspot' ? null : secret };
}

function parseRules(raw: unknown): MappingRule[] {
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			throw new AppError(400, 'integrations.errors.rulesJson', undefined, 'rules');
		}
	}
	const parsed = rulesSchema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new AppError(400, 'integrations.errors.rules', { path: issue.path.join('.'), message: issue.message }, 'rules');
	}
	return parsed.data;
}

export async function saveRules(deps: Deps, actor: Actor, id: unknown, rules: unknown): Promise<void> {
	requireAdmin(actor);
	const connectionId = checkId(id, 'connectionId');
	const parsed = parseRules(rules);
	if (!(await updateConnection(deps.db, actor.organizationId, connectionId, { rules: parsed }))) throw notFound();
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'integration.rules_saved', targetType: 'integration_connection', targetId: connectionId, data: { rules: parsed.length } });
}

export async function removeConnection(deps: Deps, actor: Actor, id: unknown): Promise<void> {
	requireAdmin(actor);
	const connectionId = checkId(id, 'connectionId');
	if (!(await deleteConnectionRow(deps.db, actor.organizationId, connectionId))) throw notFound();
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'integration.connection_deleted', targetType: 'integration_connection', targetId: connectionId });
}

export interface Preview extends MappingResult {
	records: number;
	unknownOwners: string[];
	unknownMetrics: string[];
}

/** What rules would make of a sample payload, without writing anything. */
export async function previewMapping(deps: Deps, actor: Actor, input: { connectionId: unknown; rules: unknown; sample: unknown }): Promise<Preview> {
	requireAdmin(actor);
	const connectionId = checkId(input.connectionId, 'connectionId');
	const row = await findConnection(deps.db, actor.organizationId, connectionId);
	if (!row) throw notFound();
	const rules = parseRules(input.rules);
	if (typeof input.sample !== 'string' || !input.sample.trim()) throw new AppError(400, 'validation.required', undefined, 'sample');
	if (Buffer.byteLength(input.sample) > MAX_BODY_BYTES) throw new AppError(400, 'integrations.errors.tooLarge', undefined, 'sample');
	let records;
	try {
		records = recordsOf(row.kind, input.sample);
	} catch (error) {
		if (error instanceof MalformedBody) throw new AppError(400, 'integrations.errors.sample', { message: error.message }, 'sample');
		throw error;
	}
	const mapped = applyRules(connectionId, rules, records);
	const { unknownOwners, unknownMetrics } = await unknownRefs(deps, actor.organizationId, mapped);
	return { ...mapped, records: records.length, unknownOwners, unknownMetrics };
}

async function unknownRefs(deps: Deps, organizationId: string, mapped: MappingResult) {
	const [metrics, members] = await Promise.all([orgMetrics(deps.db, organizationId), resolveMembers(deps.db, organizationId, [...new Set(mapped.events.map((e) => e.user))])]);
	return {
		unknownOwners: [...new Set(mapped.events.filter((e) => !members.get(e.user)).map((e) => e.user))],
		unknownMetrics: [...new Set(mapped.events.filter((e) => metrics.get(e.metric)?.status !== 'active').map((e) => e.metric))]
	};
}

export interface HookRequest {
	method: string;
	/** The URL as the sender called it (HubSpot signs it). */
	url: string;
	headers: Headers;
	body: string;
}
export interface HookAnswer {
	status: number;
	body: string;
	contentType: string;
}

const jsonAnswer = (status: number, body: unknown): HookAnswer => ({ status, body: JSON.stringify(body), contentType: 'application/json' });

const REASONS: Record<Exclude<SignatureCheck, { ok: true }>['reason'], string> = {
	missing: 'the signature headers are missing',
	timestamp: 'the timestamp is missing, malformed or more than 5 minutes away',
	signature: 'no signature matches the connection’s secret'
};

/** POST /api/v1/hooks/{connectionId}: verify, then map, ingest and log. */
export async function receiveHook(deps: Deps, connectionIdRaw: string, request: HookRequest, clock: Clock = systemClock): Promise<HookAnswer> {
	if (!UUID.test(connectionIdRaw)) return jsonAnswer(404, { error: 'connectionId: no such connection' });
	const row = await findConnectionById(deps.db, connectionIdRaw.toLowerCase());
	if (!row || !row.active) return jsonAnswer(404, { error: 'connectionId: no such connection' });
	const now = clock.now();
	const secrets = secretsOf(deps, row.secret_enc);
	const h = request.headers;
	let check: SignatureCheck;
	let webhookId: string | null = null;
	try {
		switch (row.kind) {
			case 'hubspot':
				check = verifyHubspot(secrets, { signature: h.get('x-hubspot-signature-v3'), timestamp: h.get('x-hubspot-request-timestamp') }, { method: request.method, uri: request.url, body: request.body }, now);
				break;
			case 'pipedrive':
				check = verifyBasic(row.settings.username ?? 'podium', secrets, h.get('authorization'));
				break;
			case 'salesforce': {
				const message = parseSalesforce(request.body);
				check = sameSalesforceOrg(message.organizationId, row.settings.organizationId ?? '') ? { ok: true } : { ok: false, reason: 'signature' };
				if (!check.ok) return jsonAnswer(401, { error: 'OrganizationId does not match the connection' });
				break;
			}
			case 'zoho': {
				recordsOf('zoho', request.body);
				const token = zohoToken(request.body);
				check = token && secrets.some((s) => safeEqual(token, s)) ? { ok: true } : { ok: false, reason: token ? 'signature' : 'missing' };
				if (!check.ok) return jsonAnswer(401, { error: 'token does not match the channel token' });
				break;
			}
			default:
				webhookId = h.get('webhook-id');
				check = verifyStandard(secrets, { id: webhookId, timestamp: h.get('webhook-timestamp'), signature: h.get('webhook-signature') }, request.body, now);
		}
	} catch (error) {
		if (error instanceof MalformedBody) return jsonAnswer(400, { error: `${error.field}: ${error.message}` });
		throw error;
	}
	if (!check.ok) return jsonAnswer(401, { error: REASONS[check.reason] });
	let records;
	try {
		records = recordsOf(row.kind, request.body);
	} catch (error) {
		if (error instanceof MalformedBody) return jsonAnswer(400, { error: `${error.field}: ${error.message}` });
		throw error;
	}
	if (webhookId !== null) {
		if (webhookId.length > 200) return jsonAnswer(400, { error: 'webhook-id: at most 200 characters' });
		if (!(await rememberWebhookId(deps.db, row.id, webhookId))) return jsonAnswer(409, { error: 'webhook-id: this message was received already' });
	}
	const outcome = await processRecords(deps, { id: row.id, organizationId: row.organization_id, rules: row.rules as MappingRule[] }, records, request.body, null, now);
	if (row.kind === 'salesforce') return { status: 200, body: SALESFORCE_ACK, contentType: 'text/xml; charset=utf-8' };
	return jsonAnswer(200, { delivery: outcome.deliveryId, verdict: outcome.verdict, ...(outcome.reason ? { reason: outcome.reason } : {}), events: outcome.events.length });
}

interface Outcome {
	deliveryId: number;
	verdict: DeliveryVerdict;
	reason: string | null;
	events: { id: string; metric: string; user: string; value: number; status: string }[];
}

async function processRecords(
	deps: Deps,
	connection: { id: string; organizationId: string; rules: MappingRule[] },
	records: ReturnType<typeof recordsOf>,
	body: string,
	replayOf: number | null,
	now: Date
): Promise<Outcome> {
	const mapped = applyRules(connection.id, connection.rules, records);
	let verdict: DeliveryVerdict;
	let reason: string | null = null;
	let events: Outcome['events'] = mapped.events.map((e) => ({ id: e.id, metric: e.metric, user: e.user, value: e.value, status: 'skipped' }));
	if (mapped.problems.length) {
		const p = mapped.problems[0];
		verdict = 'rejected';
		reason = `${p.rule}: ${p.reason}`;
	} else if (!mapped.events.length) {
		verdict = 'unmapped';
		reason = records.length ? 'no rule matched' : 'no records';
	} else {
		const { unknownOwners, unknownMetrics } = await unknownRefs(deps, connection.organizationId, mapped);
		if (unknownOwners.length) {
			verdict = 'rejected';
			reason = `owner "${unknownOwners[0]}" is not an active member (by e-mail, external id or id)`;
		} else if (unknownMetrics.length) {
			verdict = 'rejected';
			reason = `metric "${unknownMetrics[0]}" is not an active metric`;
		} else {
			const results = await ingestEvents(
				{ db: deps.db, live: deps.live, events: deps.events },
				{ organizationId: connection.organizationId, source: 'integration', actorId: null, now },
				mapped.events.map((e) => ({ id: e.id, metric: e.metric, user: e.user, value: e.value, ...(e.occurredAt ? { occurredAt: e.occurredAt } : {}) }))
			);
			events = mapped.events.map((e, i) => ({ id: e.id, metric: e.metric, user: e.user, value: e.value, status: results[i].status }));
			// A conflict is the same record and transition counted before with other content (the CRM
			// changed the amount or date since): it stays counted once, as it was.
			const refused = results.find((r) => r.status === 'rejected');
			if (refused) {
				verdict = 'rejected';
				reason = refused.error ?? refused.status;
			} else if (results.every((r) => r.status === 'duplicate' || r.status === 'conflict')) {
				verdict = 'duplicate';
				if (results.some((r) => r.status === 'conflict')) reason = 'counted before with other content (amount or date); kept as first counted';
			} else verdict = 'accepted';
		}
	}
	const deliveryId = await insertDelivery(deps.db, { organizationId: connection.organizationId, connectionId: connection.id, verdict, reason, body, events, replayOf });
	return { deliveryId, verdict, reason, events };
}

/** Runs a logged delivery again through the connection's current rules (its events keep their ids: what counted stays counted once). */
export async function replayDelivery(deps: Deps, actor: Actor, id: unknown): Promise<Outcome> {
	requireAdmin(actor);
	const deliveryId = typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : typeof id === 'number' && Number.isSafeInteger(id) ? id : NaN;
	if (!Number.isSafeInteger(deliveryId)) throw new ValidationError([{ field: 'deliveryId', key: 'validation.invalid' }]);
	const delivery = await findDelivery(deps.db, actor.organizationId, deliveryId);
	if (!delivery) throw notFound();
	const row = await findConnection(deps.db, actor.organizationId, delivery.connection_id);
	if (!row) throw notFound();
	const records = recordsOf(row.kind, delivery.body);
	const outcome = await processRecords(deps, { id: row.id, organizationId: row.organization_id, rules: row.rules as MappingRule[] }, records, delivery.body, deliveryId, new Date());
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'integration.delivery_replayed', targetType: 'integration_delivery', targetId: String(deliveryId), data: { verdict: outcome.verdict } });
	return outcome;
}

export async function connectionsForAdmin(deps: Deps, actor: Actor) {
	requireAdmin(actor);
	const [connections, deliveries] = await Promise.all([listConnections(deps.db, actor.organizationId), listDeliveries(deps.db, actor.organizationId, 100)]);
	return {
		connections: connections.map(viewOf),
		deliveries: deliveries.map((d) => ({
			id: Number(d.id),
			connectionId: d.connection_id,
			verdict: d.verdict,
			reason: d.reason,
			events: (d.events as Outcome['events']).length,
			replayOf: d.replay_of === null ? null : Number(d.replay_of),
			receivedAt: d.received_at.toISOString(),
			size: Number(d.size)
		}))
	};
}
