// Pure scoring math shared by ingest, the live store, rebuild, verify and tests.
// A board is `points` or a metric key, by scope `users` or `teams`, over one window's period.
// Every event adds its points to the points board and its value to its metric's board, for the rep
// and (when the rep had one) the team, in each of the six periods that contain its occurred_at.
import { WINDOWS, periodFromKey, periodKeysOf, periodRetention, type OrgClock, type WindowKind } from './time-windows';

export const SCOPES = ['users', 'teams'] as const;
export type Scope = (typeof SCOPES)[number];
export const POINTS_BOARD = 'points';

export interface MetricRule {
	step: number;
	pointsPerStep: number;
	dailyCap: number | null;
}

/** Whole points for a value: floor(value / step) * pointsPerStep. Values are non-negative integers. */
export function pointsFor(rule: Pick<MetricRule, 'step' | 'pointsPerStep'>, value: number): number {
	if (value <= 0) return 0;
	return Math.floor(value / rule.step) * rule.pointsPerStep;
}

/** Points left after a daily cap, given the points this rep already earned on this metric that day. */
export function capPoints(points: number, earnedToday: number, cap: number | null): number {
	if (cap === null) return points;
	return Math.max(0, Math.min(points, cap - Math.max(0, earnedToday)));
}

/** The key of one board's period, as used by the live store. */
export function boardKey(board: string, scope: Scope, window: WindowKind, period: string): string {
	return `${board}|${scope}|${window}|${period}`;
}

export interface ScoredEvent {
	id: number;
	metricKey: string;
	userId: string;
	teamId: string | null;
	value: number;
	points: number;
	occurredAt: Date;
	/** Set on a correction: the event it voids. */
	voidsEventId?: number | null;
}

export interface Increment {
	key: string;
	member: string;
	delta: number;
	/** When the board may go from the live store (ms since epoch; absent: kept forever). See periodRetention. */
	expiresAt?: number;
}

/**
 * The board changes of one event. Boards of a period the live store no longer keeps at `now` (see
 * periodRetention) get none: a late event for an old day changes its week, month, year and all-time
 * boards while they are kept, and never brings back an old day's board with only itself on it.
 */
export function incrementsFor(event: ScoredEvent, clock: OrgClock, now: Date | number = Date.now()): Increment[] {
	const out: Increment[] = [];
	const boards: [string, number][] = [
		[POINTS_BOARD, event.points],
		[event.metricKey, event.value]
	];
	const keys = periodKeysOf(event.occurredAt, clock);
	const { keptUntil } = periodRetention(event.occurredAt, clock);
	const { keptFrom } = periodRetention(now, clock);
	WINDOWS.forEach((window, i) => {
		if (keys[i] < keptFrom[i]) return;
		const expiresAt = keptUntil[i] === Infinity ? undefined : keptUntil[i];
		for (const [board, delta] of boards) {
			// A zero change (a call past the daily cap) moves nothing, not even who reached a score first.
			if (delta === 0) continue;
			out.push({ key: boardKey(board, 'users', window, keys[i]), member: event.userId, delta, expiresAt });
			if (event.teamId) out.push({ key: boardKey(board, 'teams', window, keys[i]), member: event.teamId, delta, expiresAt });
		}
	});
	return out;
}

/** When the board with this key may go from the live store (ms since epoch), undefined for 'all' boards. */
export function boardExpiry(key: string, clock: OrgClock): number | undefined {
	const [, , window, period] = key.split('|');
	if (window === 'all') return undefined;
	return periodRetention(periodFromKey(window as WindowKind, period, clock).start, clock).keptUntil[WINDOWS.indexOf(window as WindowKind)];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Period keys of every window for a local calendar date (year, month 1-12, day), with the org's
 * week start (1 = Monday … 7 = Sunday). Rebuild aggregates by local day in SQL and rolls up with this;
 * it must agree with periodsOf() for any instant on that local day (a property test checks it).
 */
export function periodKeysOfLocalDate(year: number, month: number, day: number, weekStart: number): Record<WindowKind, string> {
	const utc = Date.UTC(year, month - 1, day);
	const isoWeekday = ((new Date(utc).getUTCDay() + 6) % 7) + 1;
	const back = (isoWeekday - weekStart + 7) % 7;
	const first = new Date(utc - back * 86_400_000);
	return {
		day: `${year}-${pad(month)}-${pad(day)}`,
		week: `W${first.getUTCFullYear()}-${pad(first.getUTCMonth() + 1)}-${pad(first.getUTCDate())}`,
		month: `${year}-${pad(month)}`,
		quarter: `${year}-Q${Math.floor((month - 1) / 3) + 1}`,
		year: String(year),
		all: 'all'
	};
}

export interface BoardEntry {
	member: string;
	score: number;
	/** The id of the last event that changed this member's score: smaller reached it first. */
	tie: number;
}

/** Ties share a rank and are ordered by who reached the score first (the smaller last-change id). */
export function compareEntries(a: BoardEntry, b: BoardEntry): number {
	return b.score - a.score || a.tie - b.tie || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0);
}

/** Standard competition ranks (1, 2, 2, 4) over entries already sorted with compareEntries. */
export function rankSorted<T extends BoardEntry>(sorted: T[], firstRank = 1): (T & { rank: number })[] {
	let rank = firstRank;
	return sorted.map((entry, index) => {
		if (index > 0 && entry.score !== sorted[index - 1].score) rank = firstRank + index;
		return { ...entry, rank };
	});
}

export { WINDOWS };
