// Ingest: every path (quick log, leader logging, the API, CSV import) comes through ingestEvents.
// An idempotency key is unique per organization: a known key with the same content is a duplicate and
// changes nothing; with different content it is a conflict. Events are committed to Postgres first and
// applied to the live store after; the reconciler covers a crash in between.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { capPoints, pointsFor, type ScoredEvent } from '../../shared/scoring';
import { periodOf, type OrgClock } from '../../shared/time-windows';
import type { Db } from '../db';
import type { EventSource, Metric } from '../db/schema';
import { AppError } from '../errors';
import type { DomainEventBus } from '../events';
import type { LiveStore } from '../live/store';
import { log } from '../log';
import { recordAudit } from '../repositories/audit.repository';
import { findEvent, findEventsByKeys, insertEvents, isVoided, lockRepMetrics, pointsInRanges, type NewScoreEvent } from '../repositories/event.repository';
import { safeParseWithInput } from '../validation';
import { applyToLive, orgClock } from './live.service';
import { orgMetrics, resolveMembers } from './lookups';

export const MAX_BATCH = 1000;
export const MAX_VALUE = 1_000_000_000_000;
/** The points column is a 32-bit integer: one event may earn at most this much. */
export const MAX_POINTS = 2_147_483_647;

// Postgres text cannot hold U+0000: refused here, per event, instead of failing the whole INSERT.
const noNul = (s: string) => !s.includes('\u0000');
const NUL_MESSAGE = 'must not contain the character U+0000';

export const ingestItemSchema = z.object({
	id: z.string().trim().min(1).max(128).refine(noNul, NUL_MESSAGE),
	metric: z.string().trim().min(1).max(64).refine(noNul, NUL_MESSAGE),
	user: z.string().trim().min(1).max(254).refine(noNul, NUL_MESSAGE),
	value: z.number().int().min(0).max(MAX_VALUE).default(1),
	occurredAt: z.iso.datetime({ offset: true }).optional(),
	note: z.string().max(500).refine(noNul, NUL_MESSAGE).optional()
});
export type IngestItem = z.input<typeof ingestItemSchema>;

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected' | 'conflict';
export interface IngestResult {
	id: string;
	status: IngestStatus;
	points?: number;
	eventId?: number;
	error?: string;
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
			results[index] = { id, status: 'rejected', error: describeIssue(r.error.issues[0]) };
		}
	});

	const [metrics, users, clock] = await Promise.all([
		orgMetrics(deps.db, ctx.organizationId),
		resolveMembers(deps.db, ctx.organizationId, parsed.map((p) => p.item.user)),
		orgClock(deps.db, ctx.organizationId)
	]);

	const candidates: Candidate[] = [];
	const seenInBatch = new Map<string, { hash: string; index: number }>();
	// Ids repeated in the batch take their status from the first occurrence once it is known.
	const repeats: { index: number; first: number; same: boolean }[] = [];
	for (const { index, item } of parsed) {
		const metric = metrics.get(item.metric);
		const user = users.get(item.user);
		const occurredAt = item.occurredAt ? new Date(item.occurredAt) : now;
		const reject = (error: string) => (results[index] = { id: item.id, status: 'rejected', error });
		if (!metric || metric.status !== 'active') {
			reject(`metric "${item.metric}" is not an active metric of this organization`);
			continue;
		}
		if (!user) {
			reject(`user "${item.user}" is not an active member of this organization`);
			continue;
		}
		if (ctx.selfReportOnly && !metric.self_report) {
			reject(`metric "${item.metric}" cannot be self-reported`);
			continue;
		}
		if (ctx.allowedUserIds && !ctx.allowedUserIds.has(user.userId)) {
			reject(`user "${item.user}" is not someone you may log for`);
			continue;
		}
		if (occurredAt.getTime() > now.getTime() + 5 * 60_000) {
			reject('occurredAt must not be in the future');
			continue;
		}
		// The 'all' window starts at the epoch: an earlier event could be stored but never applied live.
		if (occurredAt.getTime() < 0) {
			reject('occurredAt must not be before 1970-01-01T00:00:00Z');
			continue;
		}
		const points = pointsFor({ step: Number(metric.step), pointsPerStep: metric.points_per_step }, item.value);
		if (points > MAX_POINTS) {
			reject(`value is too large: it would earn more than ${MAX_POINTS} points`);
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

	const accepted: ScoredEvent[] = [];
	if (candidates.length) {
		const capped = candidates.filter((c) => c.metric.daily_cap !== null);
		// Without a capped metric in the batch, the INSERT alone is atomic: no transaction, no locks.
		const write = async (trx: Db) => {
			if (capped.length) await applyDailyCaps(trx, ctx.organizationId, capped, clock);
			const inserted = await insertEvents(trx, candidates.map((c) => c.row));
			const insertedByKey = new Map(inserted.map((r) => [r.idempotency_key, Number(r.id)]));
			const existing = await findEventsByKeys(
				trx,
				ctx.organizationId,
				candidates.filter((c) => !insertedByKey.has(c.key)).map((c) => c.key)
			);
			const existingByKey = new Map(existing.map((r) => [r.idempotency_key, r]));
			for (const c of candidates) {
				const id = insertedByKey.get(c.key);
				if (id !== undefined) {
					results[c.index] = { id: c.key, status: 'accepted', points: c.row.points, eventId: id };
					accepted.push({
						id,
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
		};
		if (capped.length) await deps.db.transaction().execute(write);
		else await write(deps.db);
	}

	for (const r of repeats) {
		const first = results[r.first];
		results[r.index] =
			r.same && (first.status === 'accepted' || first.status === 'duplicate')
				? { id: first.id, status: 'duplicate', points: first.points, eventId: first.eventId }
				: { id: first.id, status: 'conflict', error: 'id was used for different content' };
	}

	if (accepted.length) await publish(deps, ctx.organizationId, accepted);
	return results;
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
		const metric = await trx.selectFrom('metrics').select(['id']).where('key', '=', original.metric_key).where('organization_id', '=', ctx.organizationId).executeTakeFirstOrThrow();
		const [row] = await insertEvents(trx, [
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
				idempotency_key: `void:${original.id}`,
				content_hash: contentHash(['void', original.id]),
				voids_event_id: original.id,
				void_reason: reason
			}
		]);
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
