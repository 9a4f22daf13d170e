// Repeating contests: each occurrence is its own contest, at the same local wall-clock times as the first.
// Invariant: occurrences keep the first one's local start and end times in the organization's time zone
// across DST changes (so a 9:00–17:00 contest stays 9:00–17:00, and lasts 7 or 9 hours on change days).
// A wall time that does not exist (DST gap) moves forward by the gap; an ambiguous one takes the earlier instant.
import type { ContestInput } from '$lib/shared/contests';
import { zonedParts, zonedTimeToInstant } from '$lib/shared/time-windows';

export type RepeatRule = ContestInput['repeat'];

export interface Occurrence {
	startsAt: Date;
	endsAt: Date;
}

const DAY = 86_400_000;

interface LocalDate {
	year: number;
	month: number;
	day: number;
}

function addDays(date: LocalDate, days: number): LocalDate {
	const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY);
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function dayNumber(date: LocalDate): number {
	return Math.round(Date.UTC(date.year, date.month - 1, date.day) / DAY);
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
function weekday(date: LocalDate): number {
	return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * The occurrence on local date `date` of a contest whose first occurrence is `first`: the same local
 * start time that day, and the same local end time the same number of days later.
 */
export function occurrenceOn(first: Occurrence, timeZone: string, date: LocalDate): Occurrence {
	const start = zonedParts(first.startsAt, timeZone);
	const end = zonedParts(first.endsAt, timeZone);
	const spanDays = dayNumber(end) - dayNumber(start);
	const endDate = addDays(date, spanDays);
	const startsAt = zonedTimeToInstant({ ...date, hour: start.hour, minute: start.minute, second: start.second }, timeZone);
	let endsAt = zonedTimeToInstant({ ...endDate, hour: end.hour, minute: end.minute, second: end.second }, timeZone);
	// A short contest inside a DST change could end up empty or reversed: keep its length instead.
	if (endsAt.getTime() <= startsAt.getTime()) endsAt = new Date(startsAt.getTime() + (first.endsAt.getTime() - first.startsAt.getTime()));
	return { startsAt, endsAt };
}

/**
 * The first occurrence that starts strictly after `after` (the first occurrence itself included), or
 * null for a contest that does not repeat. Weekly: on the chosen ISO weekdays (1 = Monday … 7 = Sunday)
 * of the organization's calendar.
 */
export function nextOccurrence(first: Occurrence, repeat: RepeatRule, timeZone: string, after: Date): Occurrence | null {
	if (first.startsAt.getTime() > after.getTime()) return { startsAt: first.startsAt, endsAt: first.endsAt };
	if (repeat.every === 'none') return null;
	if (repeat.every === 'week' && repeat.days.length === 0) return null;
	const firstDate = zonedParts(first.startsAt, timeZone);
	const afterDate = zonedParts(after, timeZone);
	// Start the search the day before `after`'s local date (a wall time moved by a DST gap can land
	// on the previous date's occurrence), and never before the day after the first occurrence.
	let date: LocalDate = dayNumber(afterDate) - 1 > dayNumber(firstDate) ? addDays(afterDate, -1) : addDays(firstDate, 1);
	for (let i = 0; i < 16; i++, date = addDays(date, 1)) {
		if (repeat.every === 'week' && !repeat.days.includes(weekday(date))) continue;
		const occurrence = occurrenceOn(first, timeZone, date);
		if (occurrence.startsAt.getTime() > after.getTime()) return occurrence;
	}
	return null;
}

/** The occurrences starting in (after, until], in order, at most `limit`. */
export function occurrencesBetween(first: Occurrence, repeat: RepeatRule, timeZone: string, after: Date, until: Date, limit = 1000): Occurrence[] {
	const out: Occurrence[] = [];
	let cursor = after;
	while (out.length < limit) {
		const next = nextOccurrence(first, repeat, timeZone, cursor);
		if (next === null || next.startsAt.getTime() > until.getTime()) break;
		out.push(next);
		cursor = next.startsAt;
	}
	return out;
}

/** The schedule of a repeating contest, for callers that keep it around: `schedule.nextOccurrence(after)`. */
export function repeatingSchedule(first: Occurrence, repeat: RepeatRule, timeZone: string): { nextOccurrence(after: Date): Occurrence | null } {
	return { nextOccurrence: (after: Date) => nextOccurrence(first, repeat, timeZone, after) };
}
