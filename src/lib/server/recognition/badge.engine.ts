// The badge rules engine: evaluates the organization's active badges as score events and achievement
// signals arrive, reading totals from Postgres (the truth) for each rule's window.
// Invariant: an award is one row per (badge, tier, member, period) inserted with "on conflict do
// nothing"; only the evaluation whose insert happened announces the moment, so concurrent events and
// several processes award (and celebrate) each badge once per period.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { DomainEventBus, DomainEvents } from '../platform/events';
import type { Clock } from '../platform/clock';
import { log } from '../platform/log';
import { cacheNow, processMap } from '../platform/process-cache';
import { coalescer } from '../platform/coalesce';
import { orgClock } from '../scoring/live.service';
import { periodOf, type OrgClock } from '../../shared/time-windows';
import type { ScoredEvent } from '../../shared/scoring';
import type { BadgeRule, BadgeStep, BadgeIcon } from '../../shared/badges';
import type { BadgeTier, RecognitionMoment } from '../../shared/recognition';
import type { LocalizedText } from '../../shared/localized';
import { badgesOfOrg, holidaysOf, insertAwards, insertSignal, membersOf, metricEventsOfUser, metricTotal, metricTotalsOfUsers, signalCounts, type AwardValues } from './badge.repository';
import { beatsPersonalBest, stepsReached, totalsByPeriod } from './rules/tally';
import { streakEndingOn, type WorkingCalendar } from './rules/streak';

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

/**
 * What one member holds of one badge, judged at instant `at` (an event's time): each step reached and
 * the period it is awarded for. Reads the member's totals from the event log (or the signals table).
 */
export async function holdingsAt(db: Db, organizationId: string, badge: ActiveBadge, userId: string, at: Date, clock: OrgClock, calendar: WorkingCalendar): Promise<Holding[]> {
	const rule = badge.rule;
	switch (rule.kind) {
		case 'first_time': {
			const total = await metricTotal(db, organizationId, userId, rule.metric, new Date(FOREVER_START), new Date(FOREVER_END));
			return total.count >= 1 ? badge.steps.map((step) => ({ step, periodKey: 'all' })) : [];
		}
		case 'window': {
			const period = windowOf(rule.window, at, clock);
			const total = await metricTotal(db, organizationId, userId, rule.metric, period.start, period.end);
			return stepsReached(badge.steps, rule.measure === 'value' ? total.value : total.count).map((step) => ({ step, periodKey: period.key }));
		}
		case 'streak': {
			const window = windowOf(rule.window, at, clock);
			const day = periodOf('day', at, clock);
			const longest = badge.steps[badge.steps.length - 1].threshold;
			// Enough calendar days for the longest streak, its weekends and a few holidays.
			const lookback = Math.ceil(longest * 1.5) + 14;
			const from = new Date(Math.max(window.start.getTime(), day.start.getTime() - lookback * DAY_MS));
			const rows = await metricEventsOfUser(db, organizationId, userId, rule.metric, from, day.end);
			const totals = totalsByPeriod(
				rows.map((r) => ({ value: Number(r.value), occurredAt: new Date(r.occurred_at), correction: r.voids_event_id != null })),
				rule.measure,
				'day',
				clock
			);
			const windowFirstDay = rule.window === 'all' ? undefined : periodOf('day', window.start, clock).key;
			const streak = streakEndingOn(totals, day.key, rule.perDay, calendar, windowFirstDay);
			if (!streak.start) return [];
			const key = rule.window === 'all' ? `streak:${streak.start}` : `${window.key}:streak:${streak.start}`;
			return stepsReached(badge.steps, streak.length).map((step) => ({ step, periodKey: key }));
		}
		case 'personal_best': {
			const period = periodOf(rule.window, at, clock);
			const rows = await metricEventsOfUser(db, organizationId, userId, rule.metric, new Date(period.start.getTime() - 371 * DAY_MS), period.end);
			const totals = totalsByPeriod(
				rows.map((r) => ({ value: Number(r.value), occurredAt: new Date(r.occurred_at), correction: r.voids_event_id != null })),
				rule.measure,
				rule.window,
				clock
			);
			return beatsPersonalBest(totals, period.key) ? badge.steps.map((step) => ({ step, periodKey: period.key })) : [];
		}
		case 'signal': {
			const period = windowOf(rule.window, at, clock);
			const rows = await signalCounts(db, organizationId, rule.signal, period.start, period.end, userId);
			return stepsReached(badge.steps, Number(rows[0]?.n ?? 0)).map((step) => ({ step, periodKey: period.key }));
		}
		case 'manual':
			return [];
	}
}

/**
 * Inserts the awards that are new and, unless silent, announces each (badge, member)'s highest new
 * tier as a 'badge_awarded' moment, after the insert committed. Returns the awards inserted.
 */
export async function grant(deps: EngineDeps, organizationId: string, candidates: (AwardValues & { badge: ActiveBadge })[], options: { silent?: boolean } = {}) {
	const unique = new Map<string, AwardValues & { badge: ActiveBadge }>();
	for (const c of candidates) unique.set(`${c.badge_id}|${c.tier}|${c.user_id}|${c.period_key}`, c);
	const values = [...unique.values()];
	const inserted = await insertAwards(
		deps.db,
		values.map(({ badge: _badge, ...v }) => v)
	);
	if (inserted.length === 0 || options.silent) return inserted;
	const order = ['', 'bronze', 'silver', 'gold'];
	const best = new Map<string, (typeof inserted)[number]>();
	for (const row of inserted) {
		const key = `${row.badge_id}|${row.user_id}`;
		const seen = best.get(key);
		if (!seen || order.indexOf(row.tier) > order.indexOf(seen.tier)) best.set(key, row);
	}
	const names = new Map((await membersOf(deps.db, organizationId, [...new Set(inserted.map((r) => r.user_id))])).map((m) => [m.user_id, m.name]));
	const badges = new Map(values.map((v) => [v.badge_id, v.badge]));
	for (const row of best.values()) {
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
const scoreChecks = coalescer<{ deps?: EngineDeps; events: ScoredEvent[] }>(SCORES_EVERY_MS, () => ({ events: [] }), (organizationId, batch) =>
	evaluateScores(batch.deps!, organizationId, batch.events)
);

/**
 * evaluateScores for what scores.changed announces, coalesced per organization (platform/coalesce.ts):
 * after a quiet spell at once; during a burst, once per SCORES_EVERY_MS over every event announced
 * meanwhile, so that a stream of single events costs one evaluation (a few queries per rule) a quarter
 * second, not one per event. Settles once these events were evaluated.
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
	const candidates: (AwardValues & { badge: ActiveBadge })[] = [];
	// One evaluation per badge, member and day the events fall on (every window holds whole days).
	const jobs = new Map<string, { badge: ActiveBadge; userId: string; at: Date }>();
	for (const badge of relevant) {
		const metric = (badge.rule as { metric: string }).metric;
		for (const e of events) {
			if (e.metricKey !== metric) continue;
			const key = `${badge.id}|${e.userId}|${periodOf('day', e.occurredAt, clock).key}`;
			if (!jobs.has(key)) jobs.set(key, { badge, userId: e.userId, at: new Date(e.occurredAt) });
		}
	}
	// Window and first-time rules read one total per metric and period for all the members at once, shared
	// by every badge that counts the same; streaks and personal bests read each member's days or weeks.
	const batched = new Map<string, { metric: string; period: { key: string; start: Date; end: Date }; users: Set<string>; badges: Set<ActiveBadge> }>();
	for (const job of jobs.values()) {
		const rule = job.badge.rule;
		if (rule.kind === 'window' || rule.kind === 'first_time') {
			const period = rule.kind === 'window' ? windowOf(rule.window, job.at, clock) : windowOf('all', job.at, clock);
			const key = `${rule.metric}|${period.key}`;
			const entry = batched.get(key) ?? { metric: rule.metric, period, users: new Set<string>(), badges: new Set<ActiveBadge>() };
			entry.users.add(job.userId);
			entry.badges.add(job.badge);
			batched.set(key, entry);
			continue;
		}
		for (const h of await holdingsAt(deps.db, organizationId, job.badge, job.userId, job.at, clock, calendar)) {
			candidates.push({ organization_id: organizationId, badge_id: job.badge.id, tier: tierOf(h.step), user_id: job.userId, period_key: h.periodKey, awarded_at: now, badge: job.badge });
		}
	}
	for (const { metric, period, users, badges: group } of batched.values()) {
		const totals = await metricTotalsOfUsers(deps.db, organizationId, [...users], metric, period.start, period.end);
		for (const badge of group) {
			const rule = badge.rule as Extract<BadgeRule, { kind: 'window' | 'first_time' }>;
			for (const userId of users) {
				const total = totals.get(userId) ?? { value: 0, count: 0 };
				const reached = rule.kind === 'first_time' ? (total.count >= 1 ? badge.steps : []) : stepsReached(badge.steps, rule.measure === 'value' ? total.value : total.count);
				for (const step of reached) candidates.push({ organization_id: organizationId, badge_id: badge.id, tier: tierOf(step), user_id: userId, period_key: period.key, awarded_at: now, badge });
			}
		}
	}
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

