// Goal pace: how much of a target should be done by now, and whether the actual keeps up. Pure calendar
// arithmetic on the organization's local days ("YYYY-MM-DD" keys, as time-windows names them), so a DST
// change never stretches or shrinks a day: a day counts as one whatever its length, and the part of
// today that has passed is measured against today's real length (23 or 25 hours on a DST day).
//
// Two ways to spread a target over a period:
// - linear: every calendar day carries the same share;
// - working_days: only working days carry a share (weekends and the organization's holidays carry none,
//   so the expected amount stands still over a weekend).
import { dayKey, dayNumber, isWorkingDay, type WorkingCalendar } from '../streaks';
import { periodOf, type OrgClock } from '../time-windows';

export const PACE_MODES = ['linear', 'working_days'] as const;
export type PaceMode = (typeof PACE_MODES)[number];
export const PACE_STATUSES = ['done', 'on_track', 'at_risk', 'behind'] as const;
export type PaceStatus = (typeof PACE_STATUSES)[number];

/** Within this share of the expected amount (90%), a goal is at risk rather than behind. */
export const AT_RISK_FROM = 0.9;

export interface PaceInput {
	target: number;
	actual: number;
	/** The period's first and last local days, both included. */
	firstDay: string;
	lastDay: string;
	/** Today's local day. Before firstDay nothing is expected yet; after lastDay the whole target. */
	today: string;
	/** How much of today has passed, 0 to 1. */
	dayFraction: number;
	mode: PaceMode;
	calendar?: WorkingCalendar;
}

export interface Pace {
	/** actual / target (1 = 100%). */
	attainment: number;
	/** What should be done by now. */
	expected: number;
	status: PaceStatus;
	/** What each remaining day (working day, by working days) needs to finish on time; null once the period is over or the target met. */
	needPerDay: number | null;
	/** Days (working days, by working days) that carry a share: in the period, passed so far (fractional), left. */
	totalDays: number;
	elapsedDays: number;
	remainingDays: number;
}

/** Whether a day carries a share of the target. */
function counts(day: number, mode: PaceMode, calendar: WorkingCalendar): boolean {
	return mode === 'linear' || isWorkingDay(dayKey(day), calendar);
}

/** Days carrying a share in [from, to], both included. */
function countDays(from: number, to: number, mode: PaceMode, calendar: WorkingCalendar): number {
	if (to < from) return 0;
	if (mode === 'linear') return to - from + 1;
	let n = 0;
	for (let d = from; d <= to; d++) if (counts(d, mode, calendar)) n++;
	return n;
}

export function pace(input: PaceInput): Pace {
	const calendar = input.calendar ?? {};
	const first = dayNumber(input.firstDay);
	const last = dayNumber(input.lastDay);
	const today = dayNumber(input.today);
	const fraction = Math.min(1, Math.max(0, Number.isFinite(input.dayFraction) ? input.dayFraction : 0));
	const total = countDays(first, last, input.mode, calendar);
	let elapsed: number;
	if (today < first) elapsed = 0;
	else if (today > last) elapsed = total;
	else elapsed = countDays(first, today - 1, input.mode, calendar) + (counts(today, input.mode, calendar) ? fraction : 0);
	// A period without a single day that counts (a week of holidays, by working days) expects it all at once.
	const share = total === 0 ? (today >= first ? 1 : 0) : elapsed / total;
	const expected = input.target * share;
	const attainment = input.target > 0 ? input.actual / input.target : 0;
	const remaining = Math.max(0, total - elapsed);
	let status: PaceStatus;
	if (input.actual >= input.target) status = 'done';
	else if (input.actual >= expected) status = 'on_track';
	else if (input.actual >= expected * AT_RISK_FROM) status = 'at_risk';
	else status = 'behind';
	const needPerDay = status === 'done' || remaining <= 0 ? null : (input.target - input.actual) / remaining;
	return { attainment, expected, status, needPerDay, totalDays: total, elapsedDays: elapsed, remainingDays: remaining };
}

/**
 * pace() for a goal over [start, end) at instant `now`, in the organization's time zone: its first and
 * last local days, today's key and how much of today has passed (against today's real length).
 */
export function paceAt(goal: { target: number; actual: number; start: Date; end: Date }, now: Date, clock: OrgClock, mode: PaceMode, calendar?: WorkingCalendar): Pace {
	const first = periodOf('day', goal.start, clock);
	const last = periodOf('day', new Date(goal.end.getTime() - 1), clock);
	const today = periodOf('day', now, clock);
	const length = today.end.getTime() - today.start.getTime();
	return pace({
		target: goal.target,
		actual: goal.actual,
		firstDay: first.key,
		lastDay: last.key,
		today: today.key,
		dayFraction: length > 0 ? (now.getTime() - today.start.getTime()) / length : 0,
		mode,
		calendar
	});
}

/**
 * A parent's target split into `parts` whole shares that add up to it exactly: in proportion to
 * `weights` (last period's share, say), or evenly without them or when they are all zero. The units
 * left by rounding down go to the largest remainders, earlier parts first on a tie.
 */
export function splitTarget(target: number, parts: number, weights?: readonly number[]): number[] {
	if (!Number.isInteger(parts) || parts <= 0) return [];
	const whole = Math.max(0, Math.round(target));
	const w = weights && weights.length === parts && weights.every((x) => Number.isFinite(x) && x >= 0) ? weights : undefined;
	const sum = w ? w.reduce((a, b) => a + b, 0) : 0;
	const exact = Array.from({ length: parts }, (_, i) => (w && sum > 0 ? (whole * w[i]) / sum : whole / parts));
	const out = exact.map(Math.floor);
	let left = whole - out.reduce((a, b) => a + b, 0);
	const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
	for (let k = 0; left > 0; k = (k + 1) % parts, left--) out[order[k].i]++;
	return out;
}

/** How children's targets compare with their parent's: their sum, and by how much they miss or exceed it. */
export function cascadeOf(parentTarget: number, childTargets: readonly number[]): { sum: number; difference: number; status: 'exact' | 'short' | 'over' } {
	const sum = childTargets.reduce((a, b) => a + b, 0);
	const difference = sum - parentTarget;
	return { sum, difference, status: difference === 0 ? 'exact' : difference < 0 ? 'short' : 'over' };
}
