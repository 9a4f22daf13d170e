// Pure scoring math shared by ingest, the live store, rebuild, verify and tests. Which boards an event
// changes is the board catalog's business (server/scoring/boards); the calendar-window arithmetic that
// its families share lives here, next to the time windows it depends on.
import { WINDOWS, periodFromKey, periodKeysOf, periodRetention, type OrgClock, type WindowKind } from './time-windows';
import { encodeBoardKey, POINTS_BOARD, SCOPES, type Scope } from './boards/identity';

export { POINTS_BOARD, SCOPES, type Scope };

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

export interface ScoredEvent {
	id: number;
	/** The event's number within its organization (score_events.org_seq): its applied mark in the live store. */
	orgSeq: number;
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

/** One calendar board an event counts on: its name, the change, and the scopes and windows it has. */
export interface CalendarTarget {
	board: string;
	delta: number;
	scopes: readonly Scope[];
	windows: readonly WindowKind[];
}

/**
 * The calendar boards' changes of one event. Boards of a period the live store no longer keeps at `now`
 * (see periodRetention) get none: a late event for an old day changes its week, month, year and all-time
 * boards while they are kept, and never brings back an old day's board with only itself on it. A member
 * who does not compete (see the catalog) gets no users-board change; the team keeps its total.
 */
export function calendarIncrements(
	event: ScoredEvent,
	targets: readonly CalendarTarget[],
	clock: OrgClock,
	now: Date | number = Date.now(),
	userCompetes = true
): Increment[] {
	const out: Increment[] = [];
	if (targets.length === 0) return out;
	const keys = periodKeysOf(event.occurredAt, clock);
	const { keptUntil } = periodRetention(event.occurredAt, clock);
	const { keptFrom } = periodRetention(now, clock);
	WINDOWS.forEach((window, i) => {
		if (keys[i] < keptFrom[i]) return;
		const expiresAt = keptUntil[i] === Infinity ? undefined : keptUntil[i];
		for (const t of targets) {
			// A zero change (a call past the daily cap) moves nothing, not even who reached a score first.
			if (t.delta === 0 || !t.windows.includes(window)) continue;
			const period = keys[i];
			if (userCompetes && t.scopes.includes('users')) {
				out.push({ key: encodeBoardKey({ board: t.board, scope: 'users', window, period }), member: event.userId, delta: t.delta, expiresAt });
			}
			if (event.teamId && t.scopes.includes('teams')) {
				out.push({ key: encodeBoardKey({ board: t.board, scope: 'teams', window, period }), member: event.teamId, delta: t.delta, expiresAt });
			}
		}
	});
	return out;
}

/** When a calendar board of this window and period may go from the live store (ms since epoch), undefined for 'all'. */
export function calendarExpiry(window: WindowKind, period: string, clock: OrgClock): number | undefined {
	if (window === 'all') return undefined;
	return periodRetention(periodFromKey(window, period, clock).start, clock).keptUntil[WINDOWS.indexOf(window)];
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

/** Members' form on a board as of the start of today (see scoring/form.service.ts). */
export interface BoardForm {
	/** Whether today is a working day: a score today then adds one to a streak. */
	todayCounts: boolean;
	/** Members with a streak or an earlier best; others have neither. */
	members: Record<string, { streak: number; best: number | null }>;
}

/** A flame is shown from this many working days in a row. */
export const STREAK_FLAME_FROM = 2;

/**
 * What a row shows, live: the streak including today once the member scored today, and whether the
 * current period's score beats their best earlier period.
 */
export function formNow(form: BoardForm | null | undefined, id: string, todayScore: number, score: number): { streak: number; personalBest: number | null } {
	const member = form?.members[id];
	const streak = (member?.streak ?? 0) + (form?.todayCounts && todayScore > 0 ? 1 : 0);
	const best = member?.best ?? null;
	return { streak, personalBest: best !== null && score > best ? best : null };
}
