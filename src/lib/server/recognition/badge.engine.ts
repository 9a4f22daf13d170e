// The badge rules engine: evaluates the organization's active badges as score events and achievement
// signals arrive, reading totals from Postgres (the truth) for each rule's window.
// Invariant: an award is one row per (badge, tier, member, period) inserted with "on conflict do
// nothing"; only the evaluation whose insert happened announces the moment, so concurrent events and
// several processes award (and celebrate) each badge once per period. The chat notification of an
// award is queued in the transaction that inserts it.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { DomainEventBus, DomainEvents } from '../platform/events';
import type { Clock } from '../platform/clock';
import { log } from '../platform/log';
import { localize } from '../../shared/localized';
import { coinRulesOf, creditBadgeCoins } from './coin.service';
import { badgeAwarded, queueMoments } from '../integrations/outbox';
import { cacheNow, processMap } from '../platform/process-cache';
import { coalescer } from '../platform/coalesce';
import { orgClock } from '../scoring/live.service';
import { periodOf, type OrgClock } from '../../shared/time-windows';
import type { ScoredEvent } from '../../shared/scoring';
import type { BadgeRule, BadgeStep, BadgeIcon } from '../../shared/badges';
import type { BadgeTier, RecognitionMoment } from '../../shared/recognition';
import type { LocalizedText } from '../../shared/localized';
import { badgesOfOrg, heldAwards, insertAwards, insertSignal, membersOf, metricTotalsOfUsers, signalCounts, type AwardValues } from './badge.repository';
import { dailyTotalsOfUsers, type DayTotal } from '../scoring/event.repository';
import { holidaysOf } from '../org/holiday.repository';
import { beatsPersonalBest, stepsReached, totalsOfDays } from './rules/tally';
import { streakEndingOn, type WorkingCalendar } from '../../shared/streaks';

export interface EngineDeps {
	db: Db;
	events: DomainEventBus;
	clock: Clock;
	/** Lifetime points come from its all-time points board when given (see level.service lifetimeOf). */
	live?: LiveStore;
}

export interface ActiveBadge {
	id: string;
	name: LocalizedText;
	icon: BadgeIcon;
	rule: BadgeRule;
	steps: BadgeStep[];
}

export const BADGES_TTL_MS = 2_000;
const badgeCache = processMap<string, { badges: ActiveBadge[]; holidays: Set<string>; at: number }>('badges-active');

/** The org's active badges and holidays, cached briefly (another process's change is seen within BADGES_TTL_MS). */
export async function activeBadges(db: Db, organizationId: string): Promise<{ badges: ActiveBadge[]; holidays: Set<string> }> {
	const cached = badgeCache.get(organizationId);
	if (cached && cacheNow() - cached.at < BADGES_TTL_MS) return cached;
	const [rows, holidays] = await Promise.all([badgesOfOrg(db, organizationId, { activeOnly: true }), holidaysOf(db, organizationId)]);
	const entry = {
		badges: rows.map((r) => ({ id: r.id, name: r.name, icon: r.icon as BadgeIcon, rule: r.rule as unknown as BadgeRule, steps: r.steps })),
		holidays: new Set(holidays.map((h) => h.day)),
		at: cacheNow()
	};
	badgeCache.set(organizationId, entry);
	return entry;
}

/** Forgets the org's cached badges and holidays at once (a change made in this process). */
export function forgetBadges(organizationId: string) {
	badgeCache.delete(organizationId);
}

const DAY_MS = 86_400_000;
/** 'All time' as Postgres timestamps can hold it (the time windows' own bounds are beyond its range). */
export const FOREVER_START = Date.UTC(1970, 0, 1);
export const FOREVER_END = Date.UTC(9999, 0, 1);
const tierOf = (step: BadgeStep): AwardValues['tier'] => step.tier ?? '';

/** Where a rule's window starts for an instant ('all': the beginning of time). */
function windowOf(window: string, at: Date, clock: OrgClock) {
	return window === 'all' ? { key: 'all', start: new Date(FOREVER_START), end: new Date(FOREVER_END) } : periodOf(window as 'day', at, clock);
}

export interface Holding {
	step: BadgeStep;
	periodKey: string;
}

/** Badges judged together: one badge at one instant (an event's time, or now) for these members. */
export interface Judgement {
	badge: ActiveBadge;
	at: Date;
	userIds: readonly string[];
}

/** The history a streak or personal-best rule reads to judge instant `at`, and the window it is judged in. */
function historyOf(rule: Extract<BadgeRule, { kind: 'streak' | 'personal_best' }>, steps: readonly BadgeStep[], at: Date, clock: OrgClock) {
	if (rule.kind === 'streak') {
		const window = windowOf(rule.window, at, clock);
		const day = periodOf('day', at, clock);
		// Enough calendar days for the longest streak, its weekends and a few holidays.
		const lookback = Math.ceil(steps[steps.length - 1].threshold * 1.5) + 14;
		return { from: new Date(Math.max(window.start.getTime(), day.start.getTime() - lookback * DAY_MS)), to: day.end, window, day };
	}
	const period = periodOf(rule.window, at, clock);
	return { from: new Date(period.start.getTime() - 371 * DAY_MS), to: period.end, window: period, day: period };
}

/**
 * What members hold of badges, judged at an instant: each step reached and the period it is awarded for.
 * Reads the truth in as few queries as it can: one total per metric and period for counts, values and
 * first times; one per-day history per metric (over the widest range asked) for streaks and personal
 * bests; one count per signal kind and period. Shared by every badge that reads the same.
 */
export async function judge(db: Db, organizationId: string, judgements: readonly Judgement[], clock: OrgClock, calendar: WorkingCalendar): Promise<{ badge: ActiveBadge; userId: string; holding: Holding }[]> {
	const out: { badge: ActiveBadge; userId: string; holding: Holding }[] = [];
	const totals = new Map<string, Promise<Map<string, { value: number; count: number }>>>();
	const totalsOf = (metric: string, period: { key: string; start: Date; end: Date }, userIds: readonly string[]) => {
		const key = `${metric}|${period.key}|${[...userIds].sort().join(',')}`;
		let read = totals.get(key);
		if (!read) totals.set(key, (read = metricTotalsOfUsers(db, organizationId, [...userIds], metric, period.start, period.end)));
		return read;
	};
	// Per-day histories: the union of every streak and personal best's range and members, per metric.
	const histories = new Map<string, { from: number; to: number; users: Set<string> }>();
	for (const j of judgements) {
		const rule = j.badge.rule;
		if (rule.kind !== 'streak' && rule.kind !== 'personal_best') continue;
		const range = historyOf(rule, j.badge.steps, j.at, clock);
		const h = histories.get(rule.metric) ?? { from: Infinity, to: -Infinity, users: new Set<string>() };
		h.from = Math.min(h.from, range.from.getTime());
		h.to = Math.max(h.to, range.to.getTime());
		for (const u of j.userIds) h.users.add(u);
		histories.set(rule.metric, h);
	}
	// One query at a time: an evaluation never takes more than one of the database's connections.
	const days = new Map<string, Map<string, DayTotal[]>>();
	for (const [metric, h] of histories) days.set(metric, await dailyTotalsOfUsers(db, organizationId, [...h.users], metric, new Date(h.from), new Date(h.to), clock.timeZone));
	for (const { badge, at, userIds } of judgements) {
		const rule = badge.rule;
		const add = (userId: string, steps: readonly BadgeStep[], periodKey: string) => {
			for (const step of steps) out.push({ badge, userId, holding: { step, periodKey } });
		};
		switch (rule.kind) {
			case 'first_time':
			case 'window': {
				const period = rule.kind === 'window' ? windowOf(rule.window, at, clock) : windowOf('all', at, clock);
				const read = await totalsOf(rule.metric, period, userIds);
				for (const userId of userIds) {
					const total = read.get(userId) ?? { value: 0, count: 0 };
					if (rule.kind === 'first_time') add(userId, total.count >= 1 ? badge.steps : [], 'all');
					else add(userId, stepsReached(badge.steps, rule.measure === 'value' ? total.value : total.count), period.key);
				}
				break;
			}
			case 'streak':
			case 'personal_best': {
				const range = historyOf(rule, badge.steps, at, clock);
				const byUser = days.get(rule.metric)!;
				for (const userId of userIds) {
					const inRange = (byUser.get(userId) ?? []).filter((d) => d.at >= range.from && d.at < range.to);
					if (rule.kind === 'streak') {
						const windowFirstDay = rule.window === 'all' ? undefined : periodOf('day', range.window.start, clock).key;
						const streak = streakEndingOn(totalsOfDays(inRange, rule.measure, 'day', clock), range.day.key, rule.perDay, calendar, windowFirstDay);
						if (!streak.start) continue;
						add(userId, stepsReached(badge.steps, streak.length), rule.window === 'all' ? `streak:${streak.start}` : `${range.window.key}:streak:${streak.start}`);
					} else if (beatsPersonalBest(totalsOfDays(inRange, rule.measure, rule.window, clock), range.day.key)) {
						add(userId, badge.steps, range.day.key);
					}
				}
				break;
			}
			case 'signal': {
				const period = windowOf(rule.window, at, clock);
				const counts = new Map((await signalCounts(db, organizationId, rule.signal, period.start, period.end, userIds.length === 1 ? userIds[0] : undefined)).map((r) => [r.user_id, Number(r.n)]));
				for (const userId of userIds) add(userId, stepsReached(badge.steps, counts.get(userId) ?? 0), period.key);
				break;
			}
			case 'manual':
				break;
		}
	}
	return out;
}

/** What one member holds of one badge, judged at instant `at` (see judge). */
export async function holdingsAt(db: Db, organizationId: string, badge: ActiveBadge, userId: string, at: Date, clock: OrgClock, calendar: WorkingCalendar): Promise<Holding[]> {
	return (await judge(db, organizationId, [{ badge, at, userIds: [userId] }], clock, calendar)).map((h) => h.holding);
}

/**
 * Of awards made together, each (badge, member)'s highest tier: what one moment announces. `groupOf`
 * adds to the (badge, member) key what else sets them apart (the feed: when they were awarded).
 */
export function bestTiers<R extends { badge_id: string; user_id: string; tier: string }>(rows: readonly R[], groupOf: (row: R) => string = () => ''): R[] {
	const order = ['', 'bronze', 'silver', 'gold'];
	const best = new Map<string, R>();
	for (const row of rows) {
		const key = `${row.badge_id}|${row.user_id}|${groupOf(row)}`;
		const seen = best.get(key);
		if (!seen || order.indexOf(row.tier) > order.indexOf(seen.tier)) best.set(key, row);
	}
	return [...best.values()];
}

/**
 * Inserts the awards that are new and, unless silent, announces each (badge, member)'s highest new
 * tier as a 'badge_awarded' moment, after the insert committed. The coins a moment earns and its chat
 * notification are written in the awards' own transaction, so a process that stops between the two
 * never leaves an award unpaid or unannounced in the chat. Returns the awards inserted.
 */
export async function grant(deps: EngineDeps, organizationId: string, candidates: (AwardValues & { badge: ActiveBadge })[], options: { silent?: boolean } = {}) {
	const unique = new Map<string, AwardValues & { badge: ActiveBadge }>();
	for (const c of candidates) unique.set(`${c.badge_id}|${c.tier}|${c.user_id}|${c.period_key}`, c);
	const values = [...unique.values()];
	const rows = values.map(({ badge: _badge, ...v }) => v);
	// Silent awards (a backfill, a manual award inside its caller's transaction) earn nothing here.
	if (options.silent) return insertAwards(deps.db, rows);
	const badges = new Map(values.map((v) => [v.badge_id, v.badge]));
	const rules = await coinRulesOf(deps.db, organizationId);
	const { inserted, best, names } = await deps.db.transaction().execute(async (trx) => {
		const inserted = await insertAwards(trx, rows);
		const best = bestTiers(inserted);
		await creditBadgeCoins(
			trx,
			organizationId,
			rules.perBadge,
			best.map((row) => ({ userId: row.user_id, momentId: `badge:${row.id}`, note: localize(badges.get(row.badge_id)!.name, 'en') }))
		);
		if (inserted.length === 0) return { inserted, best, names: new Map<string, string>() };
		const names = new Map((await membersOf(trx, organizationId, [...new Set(inserted.map((r) => r.user_id))])).map((m) => [m.user_id, m.name]));
		await queueMoments(trx, organizationId, best.map((row) => badgeAwarded(`badge:${row.id}`, names.get(row.user_id) ?? '', badges.get(row.badge_id)!.name)), deps.clock.now());
		return { inserted, best, names };
	});
	if (inserted.length === 0) return inserted;
	for (const row of best) {
		const badge = badges.get(row.badge_id)!;
		const moment: RecognitionMoment = {
			id: `badge:${row.id}`,
			type: 'badge_awarded',
			organizationId,
			user: { id: row.user_id, name: names.get(row.user_id) ?? '' },
			at: new Date(row.awarded_at).toISOString(),
			badge: { id: badge.id, name: badge.name, icon: badge.icon, tier: (row.tier || null) as BadgeTier | null }
		};
		deps.events.emit('recognition.moment', { organizationId, moment });
	}
	return inserted;
}

/** How often, at most, an organization's score events are evaluated during a burst. */
export const SCORES_EVERY_MS = 250;
/** Under load an evaluation rests this many times as long as the last one took (see coalescer's busyFactor). */
export const SCORES_BUSY_FACTOR = 3;
const scoreChecks = coalescer<{ deps?: EngineDeps; events: ScoredEvent[] }>(
	SCORES_EVERY_MS,
	() => ({ events: [] }),
	(organizationId, batch) => evaluateScores(batch.deps!, organizationId, batch.events),
	{ busyFactor: SCORES_BUSY_FACTOR }
);

/**
 * evaluateScores for what scores.changed announces, coalesced per organization (platform/coalesce.ts):
 * after a quiet spell at once; during a burst, once per SCORES_EVERY_MS over every event announced
 * meanwhile, so that a stream of single events costs one evaluation (a few queries per rule) a quarter
 * second, not one per event. Under sustained load it rests SCORES_BUSY_FACTOR times as long as its last
 * evaluation took, so that badges take at most a quarter of the engine's time and awards arrive a little
 * later instead of ingest slowing down. Settles once these events were evaluated.
 */
export function queueScores(deps: EngineDeps, organizationId: string, events: readonly ScoredEvent[]): Promise<unknown> {
	return scoreChecks(organizationId, (batch) => {
		batch.deps = deps;
		for (const e of events) batch.events.push(e);
	});
}

/** Evaluates the badges that read these events' metrics, for the members concerned. */
export async function evaluateScores(deps: EngineDeps, organizationId: string, events: readonly ScoredEvent[]) {
	const { badges, holidays } = await activeBadges(deps.db, organizationId);
	const relevant = badges.filter((b) => 'metric' in b.rule);
	if (relevant.length === 0 || events.length === 0) return [];
	const clock = await orgClock(deps.db, organizationId);
	const calendar: WorkingCalendar = { holidays };
	const now = deps.clock.now();
	// One judgement per badge and day the events fall on (every window holds whole days), for the members concerned.
	const groups = new Map<string, { badge: ActiveBadge; at: Date; users: Set<string> }>();
	const dayKeys = events.map((e) => periodOf('day', e.occurredAt, clock).key);
	for (const badge of relevant) {
		const metric = (badge.rule as { metric: string }).metric;
		for (let i = 0; i < events.length; i++) {
			const e = events[i];
			if (e.metricKey !== metric) continue;
			const key = `${badge.id}|${dayKeys[i]}`;
			const group = groups.get(key) ?? { badge, at: new Date(e.occurredAt), users: new Set<string>() };
			group.users.add(e.userId);
			groups.set(key, group);
		}
	}
	// A first time, or a window's top tier, already held for its period needs no totals: skip those members.
	const periodOfGroup = (g: { badge: ActiveBadge; at: Date }) => {
		const rule = g.badge.rule;
		return rule.kind === 'first_time' ? 'all' : rule.kind === 'window' ? windowOf(rule.window, g.at, clock).key : null;
	};
	const tops = [...groups.values()].flatMap((g) => {
		const periodKey = periodOfGroup(g);
		return periodKey === null ? [] : [{ badgeId: g.badge.id, tier: tierOf(g.badge.steps[g.badge.steps.length - 1]), periodKey }];
	});
	const done = await heldAwards(deps.db, organizationId, tops, [...new Set([...groups.values()].flatMap((g) => [...g.users]))]);
	const judgements: Judgement[] = [];
	for (const g of groups.values()) {
		const periodKey = periodOfGroup(g);
		const userIds = periodKey === null ? [...g.users] : [...g.users].filter((u) => !done.has(`${g.badge.id}|${periodKey}|${u}`));
		if (userIds.length) judgements.push({ badge: g.badge, at: g.at, userIds });
	}
	const held = await judge(deps.db, organizationId, judgements, clock, calendar);
	const candidates = held.map(({ badge, userId, holding }) => ({ organization_id: organizationId, badge_id: badge.id, tier: tierOf(holding.step), user_id: userId, period_key: holding.periodKey, awarded_at: now, badge }));
	return grant(deps, organizationId, candidates);
}

/** Records a signal once, then evaluates the badges counting its kind for its member. */
export async function evaluateSignal(deps: EngineDeps, signal: DomainEvents['achievement.signal']) {
	const org = signal.organizationId;
	await insertSignal(deps.db, { organization_id: org, user_id: signal.userId, kind: signal.kind, ref: signal.ref, at: new Date(signal.at), value: signal.value ?? null });
	const { badges } = await activeBadges(deps.db, org);
	const relevant = badges.filter((b) => b.rule.kind === 'signal' && b.rule.signal === signal.kind);
	if (relevant.length === 0) return [];
	const clock = await orgClock(deps.db, org);
	const now = deps.clock.now();
	const candidates: (AwardValues & { badge: ActiveBadge })[] = [];
	for (const badge of relevant) {
		for (const h of await holdingsAt(deps.db, org, badge, signal.userId, new Date(signal.at), clock, {})) {
			candidates.push({ organization_id: org, badge_id: badge.id, tier: tierOf(h.step), user_id: signal.userId, period_key: h.periodKey, awarded_at: now, badge });
		}
	}
	return grant(deps, org, candidates);
}

// Evaluations run after the events' commit, off the request's path; tests wait for them with engineIdle().
// One set per process (shared by every copy of this module, like the caches).
const pendingHolder = processMap<'all', Set<Promise<unknown>>>('badges-pending');
const pending = pendingHolder.get('all') ?? new Set<Promise<unknown>>();
pendingHolder.set('all', pending);

export function track(work: Promise<unknown>, what: string) {
	const p = work.catch((error) => log.warn(`badges: ${what} failed`, error)).finally(() => pending.delete(p));
	pending.add(p);
}

/** Resolves once every evaluation started in this process so far has finished. */
export async function engineIdle(): Promise<void> {
	while (pending.size) await Promise.allSettled([...pending]);
}

