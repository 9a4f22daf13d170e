// What the leaderboard page shows besides the board: metrics, the activity feed, receipts, and who may
// log or void for whom.
import { z } from 'zod';
import { POINTS_BOARD, SCOPES } from '../../shared/scoring';
import { wellFormed } from '../../shared/schemas';
import type { ActivityPayload } from '../../shared/socket-events';
import { periodOf, WINDOWS } from '../../shared/time-windows';
import type { Db } from '../db';
import { translate, type Locale } from '../../i18n';
import { AppError } from '../platform/errors';
import { findMembership } from '../org/membership.repository';
import { activityByIds, activitySince, receiptLines, receiptSummary, scoresInRange, type ActivityRow } from './event.repository';
import { listActiveMetrics } from './metric.repository';
import { findTeam } from '../org/team.repository';
import { parseInput } from '../platform/validation';
import type { IngestResult } from './event.service';
import { orgClock } from './live.service';
import { currencyDigits, parseMoney } from '../../shared/money';
import { localize } from '../../shared/localized';

export async function activeMetrics(db: Db, organizationId: string) {
	const rows = await listActiveMetrics(db, organizationId);
	return rows.map((m) => ({
		key: m.key,
		name: m.name,
		unit: m.unit,
		currency: m.currency,
		step: Number(m.step),
		pointsPerStep: m.points_per_step,
		dailyCap: m.daily_cap,
		maxValue: Number(m.max_value),
		selfReport: m.self_report
	}));
}

type LoggableMetric = Awaited<ReturnType<typeof activeMetrics>>[number];

/** What the quick log allows for a metric's value, as the message params that say so. */
function allowedValue(locale: Locale, metric: LoggableMetric) {
	const field = translate(locale, 'lb.log.value');
	if (metric.unit !== 'currency') return new AppError(400, 'lb.log.err.whole', { field, max: metric.maxValue.toLocaleString('en') }, 'value');
	const digits = currencyDigits(metric.currency ?? 'CNY');
	const major = (minor: number) => new Intl.NumberFormat('en', { minimumFractionDigits: 0, maximumFractionDigits: digits }).format(minor / 10 ** digits);
	const currency = metric.currency ?? '';
	return digits === 0
		? new AppError(400, 'lb.log.err.amountWhole', { field, max: major(metric.maxValue), currency }, 'value')
		: new AppError(400, 'lb.log.err.amount', { field, min: major(1), max: major(metric.maxValue), currency, digits }, 'value');
}

/**
 * The quick log's value as stored: a plain decimal (digits; for money a decimal point and at most the
 * currency's minor digits), from 1 up to the metric's largest value. Anything else (-5, 0, 1.5 calls,
 * 0x10, 1e3, 1,200) is refused with a message that says what is allowed.
 */
export function parseLoggedValue(locale: Locale, metric: LoggableMetric, raw: string): number {
	const digits = metric.unit === 'currency' ? currencyDigits(metric.currency ?? 'CNY') : 0;
	const parsed = parseMoney(raw, digits, { max: metric.maxValue });
	if (!parsed.ok || parsed.minor < 1) throw allowedValue(locale, metric);
	return parsed.minor;
}

/** The quick log's refusal for an ingest rejection, under the field it is about. */
export function quickLogRefusal(locale: Locale, metric: LoggableMetric, result: IngestResult): AppError {
	if (result.status === 'conflict') return new AppError(409, 'lb.log.err.resent');
	const value = translate(locale, 'lb.log.value');
	switch (result.field) {
		case 'value':
			if (result.limit?.kind === 'points') return new AppError(400, 'lb.log.err.points', { field: value }, 'value');
			if (result.limit?.kind === 'total') return new AppError(400, 'lb.log.err.total', { field: value, max: result.limit.max.toLocaleString('en') }, 'value');
			return allowedValue(locale, metric);
		case 'metric':
			return new AppError(400, 'lb.log.err.selfReport', { field: localize(metric.name, locale) }, 'metric');
		case 'user':
			return new AppError(403, 'errors.forbidden');
		case 'note':
			return new AppError(400, 'validation.illFormed', { field: translate(locale, 'lb.log.note') }, 'note');
		default:
			return new AppError(400, 'validation.invalid', { field: translate(locale, 'lb.log.metric') }, 'metric');
	}
}

const toActivity = (r: ActivityRow): ActivityPayload => ({
	eventId: Number(r.id),
	userId: r.user_id,
	name: r.name,
	metric: { key: r.key, name: r.metric_name, unit: r.unit, currency: r.currency },
	value: Number(r.value),
	points: Number(r.points),
	occurredAt: r.occurred_at.toISOString(),
	correction: r.voids_event_id !== null,
	voids: r.voids_event_id === null ? null : Number(r.voids_event_id),
	flag: r.flag
});

/** How far back the activity feed reaches; its empty text says so. */
export const FEED_DAYS = 7;

/**
 * The feed: events that happened in the last FEED_DAYS days, latest first by when they happened
 * (occurred_at, not arrival, so an import of last week's calls does not top it), each marked when it
 * was voided since.
 */
export async function recentActivity(db: Db, organizationId: string, limit = 25, now = new Date()) {
	const since = new Date(now.getTime() - FEED_DAYS * 86_400_000);
	const rows = await activitySince(db, organizationId, since, limit);
	return rows.map((r) => ({ ...toActivity(r), voided: r.voided_by !== null }));
}

/** The feed items of just-committed events (what activity:new carries), oldest first. */
export async function activityOf(db: Db, organizationId: string, eventIds: number[]): Promise<ActivityPayload[]> {
	if (eventIds.length === 0) return [];
	const rows = await activityByIds(db, organizationId, eventIds);
	return rows.map(toActivity);
}

export const RECEIPT_PAGE = 100;

export const receiptQuerySchema = z.object({
	member: z.uuid(),
	board: wellFormed(z.string().trim().min(1).max(64)).default(POINTS_BOARD),
	scope: z.enum(SCOPES).default('users'),
	window: z.enum(WINDOWS).default('week'),
	/** Where the previous page ended: "<occurred_at in µs since the epoch>.<event id>", as `next` gave it. */
	cursor: z
		.string()
		.regex(/^-?\d{1,18}\.\d{1,18}$/)
		.optional()
});

/**
 * The events that make up one member's score on a board in the current period, a page at a time
 * (newest first), with the score and the number of lines over the whole period computed in SQL.
 * A member of another organization is a missing one: 404.
 */
export async function receipt(db: Db, organizationId: string, input: unknown, now = new Date()) {
	const q = parseInput(receiptQuerySchema, input);
	const name =
		q.scope === 'users'
			? (await findMembership(db, organizationId, q.member))?.name
			: (await findTeam(db, organizationId, q.member))?.name;
	if (!name) throw new AppError(404, 'validation.notFound', undefined, 'member');
	const clock = await orgClock(db, organizationId);
	const period = periodOf(q.window, now, clock);
	const filter = {
		organizationId,
		member: q.member,
		scope: q.scope,
		metricKey: q.board === POINTS_BOARD ? undefined : q.board,
		period: q.window === 'all' ? undefined : { start: period.start, end: period.end }
	};
	const [occurredAtUs, id] = q.cursor?.split('.') ?? [];
	const before = q.cursor ? { occurredAtUs, id } : undefined;
	const [summary, rows] = await Promise.all([
		receiptSummary(db, filter),
		receiptLines(db, filter, { limit: RECEIPT_PAGE + 1, before })
	]);
	const more = rows.length > RECEIPT_PAGE;
	const page = more ? rows.slice(0, RECEIPT_PAGE) : rows;
	const lines = page.map((r) => ({
		eventId: Number(r.id),
		rep: r.rep_name,
		metric: { key: r.key, name: r.metric_name, unit: r.unit, currency: r.currency },
		rule: { step: Number(r.step), pointsPerStep: r.points_per_step, dailyCap: r.daily_cap },
		value: Number(r.value),
		points: Number(r.points),
		occurredAt: r.occurred_at.toISOString(),
		source: r.source,
		actor: r.actor_name,
		note: r.note,
		voided: r.voided_by !== null,
		voidReason: r.void_reason
	}));
	const last = page.at(-1);
	return {
		name,
		board: q.board,
		scope: q.scope,
		window: { kind: q.window, key: period.key, start: period.start.toISOString(), end: period.end.toISOString() },
		total: q.board === POINTS_BOARD ? summary.points : summary.value,
		count: summary.lines,
		lines,
		next: more && last ? `${last.occurred_us}.${last.id}` : null
	};
}

/** Today's score of each member on a board: the "today" column. */
export async function todayScores(db: Db, organizationId: string, board: string, scope: 'users' | 'teams', members: string[], now = new Date()) {
	if (members.length === 0) return new Map<string, number>();
	const clock = await orgClock(db, organizationId);
	const day = periodOf('day', now, clock);
	const rows = await scoresInRange(db, organizationId, board === POINTS_BOARD ? undefined : board, scope, members, day);
	return new Map(rows.map((r) => [r.member, Number(r.score)]));
}
