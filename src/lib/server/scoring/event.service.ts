// Ingest: every path (quick log, leader logging, the API, CSV import) comes through ingestEvents.
// An idempotency key is unique per organization: a known key with the same content is a duplicate and
// changes nothing; with different content it is a conflict. Events are committed to Postgres first and
// applied to the live store after; the reconciler covers a crash in between. A big deal's outbox rows
// (integrations/outbox.ts) commit in the same transaction as its event, never after it.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { wellFormed } from '../../shared/schemas';
import { capPoints, pointsFor, type ScoredEvent } from '../../shared/scoring';
import { periodOf, type OrgClock } from '../../shared/time-windows';
import type { Db } from '../db';
import type { EventFlag, EventSource, Metric } from '../db/schema';
import { AppError } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import type { LiveStore } from '../live/store';
import { log } from '../platform/log';
import { recordAudit } from '../org/audit.repository';
import { findEvent, findEventsByKeys, insertEvents, typicalValue, isVoided, lockRepMetrics, pointsInRanges, type NewScoreEvent } from './event.repository';
import { findMetricIdByKey } from './metric.repository';
import { safeParseWithInput } from '../platform/validation';
import { applyToLive, orgClock } from './live.service';
import { orgMetrics, resolveMembers } from './lookups';
import { overTotalBound, TOTAL_BOUND } from './total-bound';
import { bigDeal, bigDealsWanted, BIG_DEAL_METRIC, isBigDealCandidate, queueMoments } from '../integrations/outbox';

export const MAX_BATCH = 1000;
export const MAX_VALUE = 1_000_000_000_000;
/** The points column is a 32-bit integer: one event may earn at most this much. */
export const MAX_POINTS = 2_147_483_647;

// Refused per event, before anything is written: U+0000 would fail the whole INSERT, and an unpaired
// surrogate would be stored as U+FFFD, so a retry of the same id would never match it (see wellFormed).
const ILL_FORMED = 'must not contain U+0000 or an unpaired surrogate (text must be valid Unicode)';

export const ingestItemSchema = z.object({
	id: wellFormed(z.string().trim().min(1).max(128), ILL_FORMED),
	metric: wellFormed(z.string().trim().min(1).max(64), ILL_FORMED),
	user: wellFormed(z.string().trim().min(1).max(254), ILL_FORMED),
	value: z.number().int().min(0).max(MAX_VALUE).default(1),
	occurredAt: z.iso.datetime({ offset: true }).optional(),
	note: wellFormed(z.string().max(500), ILL_FORMED).optional()
});
export type IngestItem = z.input<typeof ingestItemSchema>;

/**
 * Idempotency keys Podium makes itself: a void's correction (void:<event id>), a CSV row without an id
 * (csv:<hash>), a quick-log entry (manual:<uuid>), the demo history (demo:<n>) and contest prizes
 * (contest:<contest>:<place>:<member>). Ids sent by a client
 * (the API, a CSV id column) must not start with these, or a client could claim a key first: claiming
 * void:10 made event 10 impossible to void.
 */
export const RESERVED_KEY_PREFIXES = ['void:', 'csv:', 'manual:', 'demo:', 'contest:', 'kudos:', 'badge:', 'idea:', 'reward:', 'training:', 'crm:', 'appeal:'] as const;
export const isReservedKey = (id: string) => RESERVED_KEY_PREFIXES.some((prefix) => id.startsWith(prefix));
const RESERVED_MESSAGE = `id must not start with ${RESERVED_KEY_PREFIXES.join(', ')} (kept for ids Podium makes itself)`;

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected' | 'conflict';
/** The field a rejection is about, so that a form can show it under the right input. */
export type IngestField = 'id' | 'metric' | 'user' | 'value' | 'occurredAt' | 'note' | 'event';
export interface IngestResult {
	id: string;
	status: IngestStatus;
	points?: number;
	eventId?: number;
	error?: string;
	/** For a rejection: the field it names. */
	field?: IngestField;
	/** For a rejection of the value: what was allowed (the metric's largest value, or the total bound). */
	limit?: { kind: 'maxValue' | 'points' | 'total'; max: number };
}

export interface IngestDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
}

export interface IngestContext {
	organizationId: string;
	source: EventSource;
	actorId: string | null;
	/** When set, only these user ids may be scored (a rep logs for themself, a leader for their teams). */
	allowedUserIds?: Set<string>;
	/** When set, only self-reportable metrics may be used. */
	selfReportOnly?: boolean;
	now?: Date;
}

const EXPECTED: Record<string, string> = { string: 'a string', number: 'a number', int: 'a whole number', object: 'an object', boolean: 'true or false' };

/** An item's first problem in words that name the field (parsed with safeParseWithInput, so a wrong type is not "required"). */
function describeIssue(issue: z.core.$ZodIssue): string {
	const field = String(issue.path[0] ?? 'event');
	switch (issue.code) {
		case 'invalid_type':
			return issue.input === undefined ? `${field} is required` : `${field} must be ${EXPECTED[issue.expected] ?? `of type ${issue.expected}`}`;
		case 'too_small':
			return issue.origin === 'string' ? `${field} must not be empty` : `${field} must be at least ${issue.minimum}`;
		case 'too_big':
			return issue.origin === 'string' ? `${field} must be at most ${issue.maximum} characters` : `${field} must be at most ${issue.maximum}`;
		case 'custom':
			return `${field} ${issue.message}`;
		case 'invalid_format':
			return field === 'occurredAt' ? 'occurredAt must be an ISO-8601 date-time with a time zone' : `${field} is not valid`;
		default:
			return `${field} is not valid`;
	}
}

/** Hex SHA-256 of the parts as JSON (node:crypto: every ingested event is hashed). */
const contentHash = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

type Candidate = { index: number; row: NewScoreEvent; metric: Metric; key: string };

/**
 * Daily caps, inside the ingest transaction: lock each capped (rep, metric), in a fixed order against
 * deadlocks, and count what that local day already earned. Keys known already (a retried batch) will
 * not be inserted, so they use up no room; new events take the room in the order they were sent.
 * One round trip each for the locks, the known keys and the days' sums, whatever the batch size.
 */
async function applyDailyCaps(trx: Db, organizationId: string, capped: Candidate[], clock: OrgClock) {
	const lockKeys = [...new Set(capped.map((c) => `${c.row.user_id}:${c.row.metric_id}`))].sort();
	await lockRepMetrics(
		trx,
		organizationId,
		lockKeys.map((lockKey) => {
			const [userId, metricId] = lockKey.split(':');
			return { userId, metricId };
		})
	);
	const known = new Set((await findEventsByKeys(trx, organizationId, capped.map((c) => c.key))).map((r) => r.idempotency_key));
	const fresh = capped.filter((c) => !known.has(c.key));
	const dayKeys = fresh.map((c) => {
		const day = periodOf('day', c.row.occurred_at, clock);
		return { key: `${c.row.user_id}:${c.row.metric_id}:${day.key}`, range: { userId: c.row.user_id, metricId: c.row.metric_id, start: day.start, end: day.end } };
	});
	const ranges = new Map(dayKeys.map((d) => [d.key, d.range]));
	const sums = await pointsInRanges(trx, organizationId, [...ranges.values()]);
	const earned = new Map([...ranges.keys()].map((key, i) => [key, sums[i]]));
	for (const [i, c] of fresh.entries()) {
		const dayKey = dayKeys[i].key;
		const have = earned.get(dayKey)!;
		c.row.points = capPoints(c.row.points, have, c.metric.daily_cap);
		earned.set(dayKey, have + c.row.points);
	}
}

export async function ingestEvents(deps: IngestDeps, ctx: IngestContext, items: unknown[]): Promise<IngestResult[]> {
	const now = ctx.now ?? new Date();
	const results: IngestResult[] = new Array(items.length);
	const parsed: { index: number; item: z.output<typeof ingestItemSchema> }[] = [];
	items.forEach((raw, index) => {
		const r = safeParseWithInput(ingestItemSchema, raw);
		if (r.success) parsed.push({ index, item: r.data });
		else {
			const id = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : '';
			const issue = r.error.issues[0];
			results[index] = { id, status: 'rejected', error: describeIssue(issue), field: String(issue.path[0] ?? 'event') as IngestField };
		}
	});

	// Big deals are queued in the transaction that commits them. Whether a channel could want one of this
	// batch's is asked beside the lookups, and only for a batch with a revenue value: a batch without one
	// costs no query, and one that no channel wants opens no transaction for it.
	const largestDeal = parsed.reduce((max, p) => (p.item.metric === BIG_DEAL_METRIC && p.item.value > max ? p.item.value : max), 0);
	const [metrics, users, clock, dealsWanted] = await Promise.all([
		orgMetrics(deps.db, ctx.organizationId),
		resolveMembers(deps.db, ctx.organizationId, parsed.map((p) => p.item.user)),
		orgClock(deps.db, ctx.organizationId),
		bigDealsWanted(deps.db, ctx.organizationId, largestDeal)
	]);

	const candidates: Candidate[] = [];
	const seenInBatch = new Map<string, { hash: string; index: number }>();
	// Ids repeated in the batch take their status from the first occurrence once it is known.
	const repeats: { index: number; first: number; same: boolean }[] = [];
	for (const { index, item } of parsed) {
		const metric = metrics.get(item.metric);
		const user = users.get(item.user);
		const occurredAt = item.occurredAt ? new Date(item.occurredAt) : now;
		const reject = (field: IngestField, error: string, limit?: IngestResult['limit']) =>
			(results[index] = { id: item.id, status: 'rejected', error, field, ...(limit ? { limit } : {}) });
		// API ids are the client's own; every other source makes its keys (CSV ids are checked by the import plan).
		if (ctx.source === 'api' && isReservedKey(item.id)) {
			reject('id', RESERVED_MESSAGE);
			continue;
		}
		if (!metric || metric.status !== 'active') {
			reject('metric', `metric "${item.metric}" is not an active metric of this organization`);
			continue;
		}
		if (!user) {
			reject('user', `user "${item.user}" is not an active member of this organization`);
			continue;
		}
		if (ctx.selfReportOnly && !metric.self_report) {
			reject('metric', `metric "${item.metric}" cannot be self-reported`);
			continue;
		}
		if (ctx.allowedUserIds && !ctx.allowedUserIds.has(user.userId)) {
			reject('user', `user "${item.user}" is not someone you may log for`);
			continue;
		}
		if (occurredAt.getTime() > now.getTime() + 5 * 60_000) {
			reject('occurredAt', 'occurredAt must not be in the future');
			continue;
		}
		// The 'all' window starts at the epoch: an earlier event could be stored but never applied live.
		if (occurredAt.getTime() < 0) {
			reject('occurredAt', 'occurredAt must not be before 1970-01-01T00:00:00Z');
			continue;
		}
		const maxValue = Number(metric.max_value);
		if (item.value > maxValue) {
			reject('value', `value must be at most ${maxValue} for metric "${metric.key}" (its largest value per event)`, { kind: 'maxValue', max: maxValue });
			continue;
		}
		const points = pointsFor({ step: Number(metric.step), pointsPerStep: metric.points_per_step }, item.value);
		if (points > MAX_POINTS) {
			reject('value', `value is too large: it would earn more than ${MAX_POINTS} points`, { kind: 'points', max: MAX_POINTS });
			continue;
		}
		// The hash covers what the caller said, not defaults, so a retry without occurredAt is a duplicate.
		const hash = contentHash([metric.key, user.userId, item.value, item.occurredAt ? occurredAt.toISOString() : null, item.note ?? null]);
		const earlier = seenInBatch.get(item.id);
		if (earlier !== undefined) {
			repeats.push({ index, first: earlier.index, same: earlier.hash === hash });
			continue;
		}
		seenInBatch.set(item.id, { hash, index });
		candidates.push({
			index,
			metric,
			key: item.id,
			row: {
				organization_id: ctx.organizationId,
				metric_id: metric.id,
				user_id: user.userId,
				team_id: user.teamId,
				value: item.value,
				points,
				occurred_at: occurredAt,
				source: ctx.source,
				actor_id: ctx.actorId,
				note: item.note?.trim() || null,
				idempotency_key: item.id,
				content_hash: hash
			}
		});
	}

	// Totals stay exact (see total-bound.ts): an event that would take an all-time total past the bound
	// is rejected, unless it is a retry of one stored already (answered as before, below).
	if (candidates.length) {
		const over = await overTotalBound(
			deps.live,
			ctx.organizationId,
			candidates.map((c) => ({ metricKey: c.metric.key, userId: c.row.user_id, teamId: c.row.team_id, value: c.row.value, points: c.row.points }))
		);
		if (over.some(Boolean)) {
			const known = new Set((await findEventsByKeys(deps.db, ctx.organizationId, candidates.filter((_, i) => over[i]).map((c) => c.key))).map((r) => r.idempotency_key));
			const kept: Candidate[] = [];
			candidates.forEach((c, i) => {
				if (!over[i] || known.has(c.key)) return void kept.push(c);
				results[c.index] = {
					id: c.key,
					status: 'rejected',
					error: `value would take an all-time total past ${TOTAL_BOUND}, the largest total Podium keeps exact`,
					field: 'value',
					limit: { kind: 'total', max: TOTAL_BOUND }
				};
			});
			candidates.splice(0, candidates.length, ...kept);
		}
	}

	// Unusual self-reports are flagged for the leader; they count as any other event.
	if (ctx.source === 'manual' && ctx.actorId) {
		for (const c of candidates) if (c.row.user_id === ctx.actorId) c.row.flag = await selfReportFlag(deps.db, c);
	}

	const accepted: ScoredEvent[] = [];
	if (candidates.length) {
		const capped = candidates.filter((c) => c.metric.daily_cap !== null);
		const deals = dealsWanted && candidates.some((c) => isBigDealCandidate({ metricKey: c.metric.key, value: c.row.value }));
		// Without a capped metric or a big deal in the batch, the INSERT alone is atomic: no transaction, no locks.
		const write = async (trx: Db) => {
			if (capped.length) await applyDailyCaps(trx, ctx.organizationId, capped, clock);
			const inserted = await insertEvents(trx, candidates.map((c) => c.row));
			const insertedByKey = new Map(inserted.map((r) => [r.idempotency_key, r]));
			const existing = await findEventsByKeys(
				trx,
				ctx.organizationId,
				candidates.filter((c) => !insertedByKey.has(c.key)).map((c) => c.key)
			);
			const existingByKey = new Map(existing.map((r) => [r.idempotency_key, r]));
			for (const c of candidates) {
				const row = insertedByKey.get(c.key);
				if (row !== undefined) {
					const id = Number(row.id);
					results[c.index] = { id: c.key, status: 'accepted', points: c.row.points, eventId: id };
					accepted.push({
						id,
						orgSeq: Number(row.org_seq),
						metricKey: c.metric.key,
						userId: c.row.user_id,
						teamId: c.row.team_id,
						value: c.row.value,
						points: c.row.points,
						occurredAt: c.row.occurred_at
					});
				} else {
					const prior = existingByKey.get(c.key);
					results[c.index] =
						prior && prior.content_hash === c.row.content_hash
							? { id: c.key, status: 'duplicate', points: Number(prior.points), eventId: Number(prior.id) }
							: { id: c.key, status: 'conflict', error: 'id was already used for different content' };
				}
			}
			// Only events inserted now: a duplicate's big deal was queued with it the first time.
			if (deals) await queueMoments(trx, ctx.organizationId, accepted.filter(isBigDealCandidate).map(bigDeal), now);
		};
		if (capped.length || deals) await deps.db.transaction().execute(write);
		else await write(deps.db);
	}

	for (const r of repeats) {
		const first = results[r.first];
		results[r.index] =
			r.same && first.status === 'rejected'
				? { ...first }
				: r.same && (first.status === 'accepted' || first.status === 'duplicate')
					? { id: first.id, status: 'duplicate', points: first.points, eventId: first.eventId }
					: { id: first.id, status: 'conflict', error: 'id was used for different content' };
	}

	if (accepted.length) await publish(deps, ctx.organizationId, accepted);
	return results;
}

/** A self-report at or above this share of its metric's largest value is flagged (near_max). */
export const FLAG_SHARE_OF_MAX = 0.5;
/** A self-report above this multiple of the rep's typical value of the metric is flagged (above_usual)… */
export const FLAG_TIMES_USUAL = 3;
/** …once the rep has at least this many events of it to compare with. */
export const FLAG_MIN_HISTORY = 5;

async function selfReportFlag(db: Db, c: Candidate): Promise<EventFlag | null> {
	if (c.row.value >= FLAG_SHARE_OF_MAX * Number(c.metric.max_value)) return 'near_max';
	const typical = await typicalValue(db, c.row.organization_id, c.row.user_id, c.row.metric_id);
	if (typical.count >= FLAG_MIN_HISTORY && typical.average !== null && c.row.value > FLAG_TIMES_USUAL * typical.average) return 'above_usual';
	return null;
}

/** After commit: apply live (the reconciler retries if this fails) and tell the gateway. */
async function publish(deps: IngestDeps, organizationId: string, events: ScoredEvent[]) {
	try {
		await applyToLive(deps, organizationId, events);
	} catch (error) {
		log.warn(`live store apply failed; the reconciler will apply ${events.length} events`, error);
	}
	deps.events.emit('scores.changed', { organizationId, events });
}

export interface Award {
	/** The idempotency key (one of Podium's own prefixes): paying twice inserts nothing the second time. */
	key: string;
	userId: string;
	teamId: string | null;
	points: number;
	occurredAt: Date;
	note: string | null;
}

/**
 * Points Podium awards itself (contest prizes): events of a system metric carrying their points and a
 * value of 0, written once per key, then applied and announced like every ingested event. Returns the
 * events newly written.
 */
export async function awardPoints(deps: IngestDeps, ctx: { organizationId: string; source: EventSource; metricId: string; metricKey: string }, awards: Award[]): Promise<ScoredEvent[]> {
	if (awards.length === 0) return [];
	const rows: NewScoreEvent[] = awards.map((a) => ({
		organization_id: ctx.organizationId,
		metric_id: ctx.metricId,
		user_id: a.userId,
		team_id: a.teamId,
		value: 0,
		points: a.points,
		occurred_at: a.occurredAt,
		source: ctx.source,
		actor_id: null,
		note: a.note,
		idempotency_key: a.key,
		content_hash: contentHash(['award', a.key, a.userId, a.points])
	}));
	const inserted = await insertEvents(deps.db, rows);
	const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
	const events: ScoredEvent[] = inserted.map((r) => {
		const row = byKey.get(r.idempotency_key)!;
		return { id: Number(r.id), orgSeq: Number(r.org_seq), metricKey: ctx.metricKey, userId: row.user_id, teamId: row.team_id, value: 0, points: row.points, occurredAt: row.occurred_at };
	});
	if (events.length) await publish(deps, ctx.organizationId, events);
	return events;
}

/** Voids an event with a new correction event; the original row is never touched. */
export async function voidEvent(
	deps: IngestDeps,
	ctx: { organizationId: string; actorId: string; canVoid: (userId: string) => boolean },
	input: { eventId: number; reason: string }
) {
	const original = await findEvent(deps.db, ctx.organizationId, input.eventId);
	if (!original) throw new AppError(404, 'validation.notFound', undefined, 'eventId');
	if (original.voids_event_id !== null) throw new AppError(409, 'scoring.void.isCorrection', undefined, 'eventId');
	if (!ctx.canVoid(original.user_id)) throw new AppError(403, 'errors.forbidden');
	const reason = input.reason.trim();
	if (!reason) throw new AppError(400, 'validation.required', undefined, 'reason');
	if (reason.length > 500) throw new AppError(400, 'validation.tooLong', { max: 500 }, 'reason');
	if (await isVoided(deps.db, original.id)) throw new AppError(409, 'scoring.void.already', undefined, 'eventId');
	const correction = await deps.db.transaction().execute(async (trx) => {
		// Metrics are archived, never deleted: the event's metric is always there.
		const metric = await findMetricIdByKey(trx, ctx.organizationId, original.metric_key);
		if (!metric) throw new Error(`metric ${original.metric_key} of event ${original.id} is missing`);
		const insertCorrection = (key: string) =>
			insertEvents(trx, [
				{
					organization_id: ctx.organizationId,
					metric_id: metric.id,
					user_id: original.user_id,
					team_id: original.team_id,
					value: -Number(original.value),
					points: -Number(original.points),
					occurred_at: original.occurred_at,
					source: 'correction',
					actor_id: ctx.actorId,
					note: null,
					idempotency_key: key,
					content_hash: contentHash(['void', original.id]),
					voids_event_id: original.id,
					void_reason: reason
				}
			]);
		let [row] = await insertCorrection(`void:${original.id}`);
		if (!row) {
			// The key is taken. By a correction: voided meanwhile. Otherwise a client claimed void:<id>
			// before that prefix was reserved: the correction takes a key longer than any client id may be
			// (128 characters), which nobody can have claimed. The unique voids_event_id still allows one void.
			const [holder] = await findEventsByKeys(trx, ctx.organizationId, [`void:${original.id}`]);
			if (holder && holder.content_hash !== contentHash(['void', original.id])) [row] = await insertCorrection(`void:${original.id}:${contentHash(['void', ctx.organizationId, original.id])}${contentHash(['void', original.id])}`);
		}
		if (!row) throw new AppError(409, 'scoring.void.already', undefined, 'eventId');
		await recordAudit(trx, {
			organizationId: ctx.organizationId,
			actorId: ctx.actorId,
			action: 'event.voided',
			targetType: 'event',
			targetId: String(original.id),
			data: { reason, metric: original.metric_key, value: Number(original.value), points: Number(original.points) }
		});
		return {
			id: Number(row.id),
			orgSeq: Number(row.org_seq),
			metricKey: original.metric_key,
			userId: original.user_id,
			teamId: original.team_id,
			value: -Number(original.value),
			points: -Number(original.points),
			occurredAt: original.occurred_at,
			voidsEventId: original.id
		} satisfies ScoredEvent;
	});
	await publish(deps, ctx.organizationId, [correction]);
	return correction;
}
