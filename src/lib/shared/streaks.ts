// Streaks of working days, on local calendar days (keys "YYYY-MM-DD" from time-windows' day periods, so
// DST changes never split or merge a day). A weekend day or an organization holiday neither counts nor
// breaks a streak; any other day that misses the condition breaks it.

/** Days since 1970-01-01 of a "YYYY-MM-DD" key (pure calendar arithmetic, no time zone). */
export function dayNumber(key: string): number {
	const [y, m, d] = key.split('-').map(Number);
	return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function dayKey(day: number): string {
	return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** ISO weekday of a day key: 1 = Monday … 7 = Sunday. */
export function weekdayOf(key: string): number {
	const w = new Date(dayNumber(key) * 86_400_000).getUTCDay();
	return w === 0 ? 7 : w;
}

export interface WorkingCalendar {
	/** ISO weekdays that are not worked (default Saturday and Sunday). */
	weekend?: readonly number[];
	/** Holidays as day keys. */
	holidays?: ReadonlySet<string>;
}

export function isWorkingDay(key: string, calendar: WorkingCalendar): boolean {
	const weekend = calendar.weekend ?? [6, 7];
	return !weekend.includes(weekdayOf(key)) && !calendar.holidays?.has(key);
}

export interface Streak {
	/** Working days meeting the condition, in a row. */
	length: number;
	/** The first day of the streak (its key), or null when length is 0. */
	start: string | null;
}

/**
 * The streak that ends on `endDay` (included): walking back from it over working days, every one with
 * a total of at least `perDay`, never before `from` (a window's first day, included). An `endDay` that
 * is a weekend or holiday continues the streak of the working days before it.
 */
export function streakEndingOn(totals: ReadonlyMap<string, number>, endDay: string, perDay: number, calendar: WorkingCalendar, from?: string): Streak {
	let length = 0;
	let start: string | null = null;
	const floor = from ? dayNumber(from) : -Infinity;
	// A streak cannot outlast a few years of consecutive days; the bound keeps a bad calendar from looping.
	for (let day = dayNumber(endDay), steps = 0; day >= floor && steps < 3_000; day--, steps++) {
		const key = dayKey(day);
		if (!isWorkingDay(key, calendar)) continue;
		if ((totals.get(key) ?? 0) >= perDay) {
			length++;
			start = key;
		} else break;
	}
	return { length, start };
}

/**
 * The current streak as of `today`: today's day counts if it already meets the condition; if it does not
 * (yet), the streak ending on the working day before is still current, since the day is not over.
 */
export function currentStreak(totals: ReadonlyMap<string, number>, today: string, perDay: number, calendar: WorkingCalendar, from?: string): Streak {
	if (!isWorkingDay(today, calendar) || (totals.get(today) ?? 0) >= perDay) return streakEndingOn(totals, today, perDay, calendar, from);
	return streakEndingOn(totals, dayKey(dayNumber(today) - 1), perDay, calendar, from);
}
