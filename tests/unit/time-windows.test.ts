import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	WINDOWS,
	isWindowKind,
	periodFromKey,
	periodKeysOf,
	periodOf,
	periodsOf,
	shiftPeriod,
	zonedParts,
	zonedTimeToInstant,
	type OrgClock,
	type Period,
	type WindowKind
} from '../../src/lib/shared/time-windows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);
const clock = (timeZone: string, weekStart = 1): OrgClock => ({ timeZone, weekStart });
const utc = clock('UTC');
const shanghai = clock('Asia/Shanghai');
const newYork = clock('America/New_York');
const sydney = clock('Australia/Sydney');

function interval(period: Period) {
	return { key: period.key, start: period.start.toISOString(), end: period.end.toISOString() };
}
function hours(period: Period) {
	return (period.end.getTime() - period.start.getTime()) / HOUR;
}
function keysAt(instant: Date | number, orgClock: OrgClock) {
	return Object.fromEntries(periodsOf(instant, orgClock).map((p) => [p.window, p.key]));
}
/** Day number (days since 1970-01-01) of a local calendar date. */
function dayNumber(year: number, month: number, day: number) {
	const d = new Date(0);
	d.setUTCFullYear(year, month - 1, day);
	return Math.round(d.getTime() / DAY);
}
function localDayNumber(instant: Date | number, timeZone: string) {
	const p = zonedParts(instant, timeZone);
	return dayNumber(p.year, p.month, p.day);
}
function keyDayNumber(key: string) {
	const [y, m, d] = key.replace(/^W/, '').split('-').map(Number);
	return dayNumber(y, m, d);
}

describe('concrete periods', () => {
	test('UTC: all six windows, in WINDOWS order', () => {
		const periods = periodsOf(at('2026-11-28T12:34:56.789Z'), utc);
		expect(periods.map((p) => p.window)).toEqual([...WINDOWS]);
		expect(periods.map(interval)).toEqual([
			{ key: '2026-11-28', start: '2026-11-28T00:00:00.000Z', end: '2026-11-29T00:00:00.000Z' },
			{ key: 'W2026-11-23', start: '2026-11-23T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z' },
			{ key: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
			{ key: '2026-Q4', start: '2026-10-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
			{ key: '2026', start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
			{ key: 'all', start: '1970-01-01T00:00:00.000Z', end: new Date(8.64e15).toISOString() }
		]);
		for (const p of periods) expect(periodOf(p.window, at('2026-11-28T12:34:56.789Z'), utc)).toEqual(p);
		const keys = periodKeysOf(at('2026-11-28T12:34:56.789Z'), utc);
		expect(keys).toEqual(periods.map((p) => p.key));
		expect(Object.isFrozen(keys)).toBe(true);
	});

	test('accepts epoch milliseconds as well as Dates, and hands out fresh Date objects', () => {
		const instant = Date.UTC(2026, 10, 28, 12);
		expect(periodsOf(instant, utc)).toEqual(periodsOf(new Date(instant), utc));
		const first = periodOf('day', instant, utc);
		first.start.setTime(0);
		expect(periodOf('day', instant, utc).start.toISOString()).toBe('2026-11-28T00:00:00.000Z');
	});

	test('Asia/Shanghai (UTC+8): year, quarter and month turn at 16:00Z the day before', () => {
		expect(keysAt(at('2026-12-31T15:59:59.999Z'), shanghai)).toEqual({
			day: '2026-12-31',
			week: 'W2026-12-28',
			month: '2026-12',
			quarter: '2026-Q4',
			year: '2026',
			all: 'all'
		});
		expect(keysAt(at('2026-12-31T16:00:00.000Z'), shanghai)).toEqual({
			day: '2027-01-01',
			week: 'W2026-12-28',
			month: '2027-01',
			quarter: '2027-Q1',
			year: '2027',
			all: 'all'
		});
		const year = periodOf('year', at('2026-12-31T16:00:00Z'), shanghai);
		expect(interval(year)).toEqual({ key: '2027', start: '2026-12-31T16:00:00.000Z', end: '2027-12-31T16:00:00.000Z' });
		expect(interval(periodOf('quarter', at('2026-12-31T16:00:00Z'), shanghai))).toEqual({
			key: '2027-Q1',
			start: '2026-12-31T16:00:00.000Z',
			end: '2027-03-31T16:00:00.000Z'
		});
		// quarter turn Q1 → Q2
		expect(periodOf('quarter', at('2026-03-31T15:59:59.999Z'), shanghai).key).toBe('2026-Q1');
		expect(periodOf('quarter', at('2026-03-31T16:00:00Z'), shanghai).key).toBe('2026-Q2');
		expect(periodOf('month', at('2026-03-31T16:00:00Z'), shanghai).key).toBe('2026-04');
		// the same instant is still 2026 in UTC and New York
		expect(periodOf('year', at('2026-12-31T16:00:00Z'), utc).key).toBe('2026');
		expect(periodOf('year', at('2026-12-31T16:00:00Z'), newYork).key).toBe('2026');
	});

	test('America/New_York, 2026-03-08 (spring forward) is 23 hours long', () => {
		const day = periodOf('day', at('2026-03-08T12:00:00Z'), newYork);
		expect(interval(day)).toEqual({ key: '2026-03-08', start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z' });
		expect(hours(day)).toBe(23);
		expect(periodOf('day', at('2026-03-08T04:59:59.999Z'), newYork).key).toBe('2026-03-07');
		expect(periodOf('day', at('2026-03-08T05:00:00.000Z'), newYork).key).toBe('2026-03-08');
		// 01:59:59.999 EST is followed by 03:00 EDT
		expect(zonedParts(at('2026-03-08T06:59:59.999Z'), 'America/New_York')).toMatchObject({ hour: 1, minute: 59, second: 59 });
		expect(zonedParts(at('2026-03-08T07:00:00.000Z'), 'America/New_York')).toMatchObject({ day: 8, hour: 3, minute: 0 });
		expect(periodOf('day', at('2026-03-08T06:59:59.999Z'), newYork).key).toBe('2026-03-08');
		expect(periodOf('day', at('2026-03-08T07:00:00.000Z'), newYork).key).toBe('2026-03-08');
		expect(periodOf('day', at('2026-03-09T03:59:59.999Z'), newYork).key).toBe('2026-03-08');
		expect(periodOf('day', at('2026-03-09T04:00:00.000Z'), newYork).key).toBe('2026-03-09');
		// 02:30 does not exist: moved forward by the gap, to 03:30 EDT
		expect(zonedTimeToInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York').toISOString()).toBe(
			'2026-03-08T07:30:00.000Z'
		);
		expect(hours(periodOf('week', at('2026-03-08T12:00:00Z'), newYork))).toBe(167);
		expect(hours(periodOf('month', at('2026-03-08T12:00:00Z'), newYork))).toBe(31 * 24 - 1);
	});

	test('America/New_York, 2026-11-01 (fall back) is 25 hours long', () => {
		const day = periodOf('day', at('2026-11-01T12:00:00Z'), newYork);
		expect(interval(day)).toEqual({ key: '2026-11-01', start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z' });
		expect(hours(day)).toBe(25);
		expect(periodOf('day', at('2026-11-01T03:59:59.999Z'), newYork).key).toBe('2026-10-31');
		expect(periodOf('day', at('2026-11-01T04:00:00.000Z'), newYork).key).toBe('2026-11-01');
		// 01:30 happens twice (EDT, then EST); both are on 2026-11-01; the earlier one is chosen
		expect(zonedParts(at('2026-11-01T05:30:00Z'), 'America/New_York')).toMatchObject({ day: 1, hour: 1, minute: 30 });
		expect(zonedParts(at('2026-11-01T06:30:00Z'), 'America/New_York')).toMatchObject({ day: 1, hour: 1, minute: 30 });
		expect(periodOf('day', at('2026-11-01T06:30:00Z'), newYork).key).toBe('2026-11-01');
		expect(zonedTimeToInstant({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe(
			'2026-11-01T05:30:00.000Z'
		);
		expect(periodOf('day', at('2026-11-02T04:59:59.999Z'), newYork).key).toBe('2026-11-01');
		expect(periodOf('day', at('2026-11-02T05:00:00.000Z'), newYork).key).toBe('2026-11-02');
		expect(hours(periodOf('week', at('2026-11-01T12:00:00Z'), clock('America/New_York', 7)))).toBe(169);
	});

	test('Australia/Sydney (southern hemisphere): DST ends in April and starts in October', () => {
		const april = periodOf('day', at('2026-04-05T06:00:00Z'), sydney);
		expect(interval(april)).toEqual({ key: '2026-04-05', start: '2026-04-04T13:00:00.000Z', end: '2026-04-05T14:00:00.000Z' });
		expect(hours(april)).toBe(25);
		const october = periodOf('day', at('2026-10-04T06:00:00Z'), sydney);
		expect(interval(october)).toEqual({ key: '2026-10-04', start: '2026-10-03T14:00:00.000Z', end: '2026-10-04T13:00:00.000Z' });
		expect(hours(october)).toBe(23);
		// summer time at the year turn: 2027 starts at 13:00Z (UTC+11)
		expect(keysAt(at('2026-12-31T12:59:59.999Z'), sydney)).toMatchObject({ day: '2026-12-31', year: '2026' });
		expect(keysAt(at('2026-12-31T13:00:00Z'), sydney)).toMatchObject({ day: '2027-01-01', month: '2027-01', quarter: '2027-Q1', year: '2027' });
		// 02:30 on 2026-10-04 does not exist: moved forward to 03:30 AEDT
		expect(zonedTimeToInstant({ year: 2026, month: 10, day: 4, hour: 2, minute: 30 }, 'Australia/Sydney').toISOString()).toBe(
			'2026-10-03T16:30:00.000Z'
		);
	});

	test('weeks around a year turn: the key is the date of the week’s first day, even in the old year', () => {
		// 2026-12-31 is a Thursday, 2027-01-01 a Friday
		for (const instant of ['2026-12-31T12:00:00Z', '2027-01-01T12:00:00Z', '2027-01-03T12:00:00Z']) {
			expect(interval(periodOf('week', at(instant), utc))).toEqual({
				key: 'W2026-12-28',
				start: '2026-12-28T00:00:00.000Z',
				end: '2027-01-04T00:00:00.000Z'
			});
		}
		const sundays = clock('UTC', 7);
		for (const instant of ['2026-12-27T00:00:00Z', '2026-12-31T12:00:00Z', '2027-01-02T23:59:59.999Z']) {
			expect(periodOf('week', at(instant), sundays).key).toBe('W2026-12-27');
		}
		expect(periodOf('week', at('2027-01-03T00:00:00Z'), sundays).key).toBe('W2027-01-03');
		expect(periodOf('week', at('2027-01-04T00:00:00Z'), utc).key).toBe('W2027-01-04');
		const fridays = clock('UTC', 5);
		expect(periodOf('week', at('2026-12-31T12:00:00Z'), fridays).key).toBe('W2026-12-25');
		expect(periodOf('week', at('2027-01-01T00:00:00Z'), fridays).key).toBe('W2027-01-01');
		// in New York, Monday 2026-12-28 starts at 05:00Z
		expect(interval(periodOf('week', at('2027-01-01T04:00:00Z'), newYork))).toEqual({
			key: 'W2026-12-28',
			start: '2026-12-28T05:00:00.000Z',
			end: '2027-01-04T05:00:00.000Z'
		});
		// in Shanghai, Sunday-start weeks: Sunday 2027-01-03 starts at 2027-01-02T16:00Z
		expect(periodOf('week', at('2027-01-02T15:59:59.999Z'), clock('Asia/Shanghai', 7)).key).toBe('W2026-12-27');
		expect(periodOf('week', at('2027-01-02T16:00:00Z'), clock('Asia/Shanghai', 7)).key).toBe('W2027-01-03');
	});

	test('days that start after 00:00 because midnight does not exist', () => {
		// Chile: Saturday 24:00 → Sunday 01:00
		const santiago = periodOf('day', at('2026-09-06T12:00:00Z'), clock('America/Santiago'));
		expect(interval(santiago)).toEqual({ key: '2026-09-06', start: '2026-09-06T04:00:00.000Z', end: '2026-09-07T03:00:00.000Z' });
		expect(zonedParts(santiago.start, 'America/Santiago')).toMatchObject({ day: 6, hour: 1, minute: 0 });
		// Lebanon: Sunday 00:00 → 01:00 in March
		const beirut = periodOf('day', at('2026-03-29T12:00:00Z'), clock('Asia/Beirut'));
		expect(interval(beirut)).toEqual({ key: '2026-03-29', start: '2026-03-28T22:00:00.000Z', end: '2026-03-29T21:00:00.000Z' });
		expect(zonedParts(beirut.start, 'Asia/Beirut')).toMatchObject({ day: 29, hour: 1 });
		// Brazil (until 2019): Sunday 00:00 → 01:00
		expect(hours(periodFromKey('day', '2018-11-04', clock('America/Sao_Paulo')))).toBe(23);
		// The week (starting on that Sunday) starts at 01:00 too
		const week = periodOf('week', at('2026-09-08T12:00:00Z'), clock('America/Santiago', 7));
		expect(interval(week)).toMatchObject({ key: 'W2026-09-06', start: '2026-09-06T04:00:00.000Z' });
	});

	test('days whose midnight happens twice start at the first one', () => {
		// Cuba: 01:00 CDT → 00:00 CST on Sunday 2026-11-01
		const havana = periodFromKey('day', '2026-11-01', clock('America/Havana'));
		expect(interval(havana)).toEqual({ key: '2026-11-01', start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z' });
		expect(hours(havana)).toBe(25);
	});

	test('a wall clock that goes back across midnight: the day boundaries win over the repeated date', () => {
		// St. John's (until 2011): at 00:01 NDT on Sunday 2010-11-07 clocks went back to 23:01 NST on Saturday
		const stJohns = clock('America/St_Johns');
		const sunday = periodFromKey('day', '2010-11-07', stJohns);
		expect(interval(sunday)).toEqual({ key: '2010-11-07', start: '2010-11-07T02:30:00.000Z', end: '2010-11-08T03:30:00.000Z' });
		// 03:00Z reads "Saturday 23:30" on the wall a second time, but lies after Sunday's (first) midnight
		expect(zonedParts(at('2010-11-07T03:00:00Z'), 'America/St_Johns')).toMatchObject({ day: 6, hour: 23, minute: 30 });
		expect(periodOf('day', at('2010-11-07T03:00:00Z'), stJohns).key).toBe('2010-11-07');
		expect(periodOf('day', at('2010-11-07T02:29:59.999Z'), stJohns).key).toBe('2010-11-06');
	});

	test('a local date that never happened (Samoa skipped 2011-12-30) is an empty period', () => {
		const apia = clock('Pacific/Apia');
		expect(interval(periodOf('day', at('2011-12-30T10:00:00Z'), apia))).toEqual({
			key: '2011-12-31',
			start: '2011-12-30T10:00:00.000Z',
			end: '2011-12-31T10:00:00.000Z'
		});
		expect(interval(periodOf('day', at('2011-12-30T09:59:59.999Z'), apia))).toMatchObject({ key: '2011-12-29', end: '2011-12-30T10:00:00.000Z' });
		const skipped = periodFromKey('day', '2011-12-30', apia);
		expect(skipped.start.getTime()).toBe(skipped.end.getTime());
		expect(shiftPeriod(skipped, 1, apia).key).toBe('2011-12-31');
		expect(hours(periodOf('week', at('2011-12-30T12:00:00Z'), apia))).toBe(6 * 24);
	});

	test('New York, 1990–2059 day by day: exactly one 23-hour and one 25-hour day a year, no gaps or overlaps', () => {
		// ~25,500 consecutive days: also runs the per-zone caches past their size limits
		const lengths = new Map<number, number>();
		const mismatches: string[] = [];
		let day = periodOf('day', at('1990-01-01T12:00:00Z'), newYork);
		let count = 0;
		while (day.key < '2060') {
			const next = periodOf('day', day.end, newYork);
			const shifted = shiftPeriod(day, 1, newYork);
			if (next.start.getTime() !== day.end.getTime() || shifted.key !== next.key || shifted.end.getTime() !== next.end.getTime()) {
				mismatches.push(day.key);
			}
			lengths.set(hours(day), (lengths.get(hours(day)) ?? 0) + 1);
			day = next;
			count++;
		}
		expect(mismatches).toEqual([]);
		expect(count).toBe(dayNumber(2060, 1, 1) - dayNumber(1990, 1, 1));
		expect(Object.fromEntries(lengths)).toEqual({ 23: 70, 24: count - 140, 25: 70 });
	});

	test('zone aliases and clocks share results', () => {
		const instant = at('2026-07-04T03:00:00Z');
		expect(periodsOf(instant, clock('US/Eastern'))).toEqual(periodsOf(instant, newYork));
		expect(periodsOf(instant, clock('Etc/UTC'))).toEqual(periodsOf(instant, utc));
	});
});

describe('keys and shifting', () => {
	test('periodFromKey parses every window', () => {
		expect(interval(periodFromKey('day', '2026-11-28', newYork))).toEqual({
			key: '2026-11-28',
			start: '2026-11-28T05:00:00.000Z',
			end: '2026-11-29T05:00:00.000Z'
		});
		expect(interval(periodFromKey('week', 'W2026-11-23', newYork))).toMatchObject({ start: '2026-11-23T05:00:00.000Z', end: '2026-11-30T05:00:00.000Z' });
		expect(interval(periodFromKey('month', '2026-11', shanghai))).toMatchObject({ start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' });
		expect(interval(periodFromKey('quarter', '2026-Q4', utc))).toMatchObject({ start: '2026-10-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' });
		expect(interval(periodFromKey('year', '2027', shanghai))).toMatchObject({ start: '2026-12-31T16:00:00.000Z', end: '2027-12-31T16:00:00.000Z' });
		expect(periodFromKey('all', 'all', utc)).toEqual(periodOf('all', Date.now(), utc));
	});

	test('periodFromKey rejects bad keys with RangeError', () => {
		const bad: [WindowKind, string, OrgClock][] = [
			['day', '2026-02-30', utc],
			['day', '2026-2-3', utc],
			['day', '2026-11-28T00:00', utc],
			['day', 'W2026-11-23', utc],
			['week', 'W2026-11-24', utc], // a Tuesday; weeks start on Monday
			['week', 'W2026-11-23', clock('UTC', 7)], // a Monday; weeks start on Sunday
			['week', '2026-11-23', utc],
			['month', '2026-13', utc],
			['month', '2026-00', utc],
			['quarter', '2026-Q5', utc],
			['quarter', '2026-Q0', utc],
			['year', '26', utc],
			['year', '0000', utc],
			['year', ' 2026', utc],
			['all', 'everything', utc],
			['decade' as WindowKind, '2020', utc]
		];
		for (const [window, key, orgClock] of bad) {
			expect(() => periodFromKey(window, key, orgClock), `${window} ${key}`).toThrow(RangeError);
		}
	});

	test('shiftPeriod walks across DST, month lengths and year turns', () => {
		const nov = periodFromKey('day', '2026-11-01', newYork);
		expect(interval(shiftPeriod(nov, -1, newYork))).toEqual({ key: '2026-10-31', start: '2026-10-31T04:00:00.000Z', end: '2026-11-01T04:00:00.000Z' });
		expect(shiftPeriod(nov, 1, newYork).key).toBe('2026-11-02');
		expect(shiftPeriod(nov, 61, newYork).key).toBe('2027-01-01');
		expect(shiftPeriod(periodFromKey('week', 'W2026-12-28', utc), 1, utc).key).toBe('W2027-01-04');
		expect(shiftPeriod(periodFromKey('week', 'W2026-12-28', utc), -52, utc).key).toBe('W2025-12-29');
		expect(shiftPeriod(periodFromKey('month', '2026-11', utc), 2, utc).key).toBe('2027-01');
		expect(shiftPeriod(periodFromKey('month', '2026-01', utc), -1, utc).key).toBe('2025-12');
		expect(shiftPeriod(periodFromKey('quarter', '2026-Q4', utc), 1, utc).key).toBe('2027-Q1');
		expect(shiftPeriod(periodFromKey('quarter', '2026-Q1', utc), -5, utc).key).toBe('2024-Q4');
		expect(shiftPeriod(periodFromKey('year', '2026', utc), -1, utc).key).toBe('2025');
		expect(shiftPeriod(nov, 0, newYork)).toEqual(nov);
	});

	test("shiftPeriod: the 'all' window has no neighbours; deltas must be integers; years stay 0001–9999", () => {
		const all = periodOf('all', 0, utc);
		expect(shiftPeriod(all, 0, utc)).toEqual(all);
		expect(() => shiftPeriod(all, 1, utc)).toThrow(RangeError);
		expect(() => shiftPeriod(periodFromKey('day', '2026-11-28', utc), 0.5, utc)).toThrow(RangeError);
		expect(() => shiftPeriod(periodFromKey('year', '9999', utc), 1, utc)).toThrow(RangeError);
		expect(() => shiftPeriod({ ...periodFromKey('day', '2026-11-28', utc), key: 'nope' }, 1, utc)).toThrow(RangeError);
	});
});

describe('validation', () => {
	test('unknown time zones are a RangeError naming the zone', () => {
		expect(() => periodsOf(0, clock('Mars/Olympus_Mons'))).toThrow(RangeError);
		expect(() => periodsOf(0, clock('Mars/Olympus_Mons'))).toThrow(/Mars\/Olympus_Mons/);
		expect(() => zonedParts(0, '')).toThrow(RangeError);
		expect(() => zonedTimeToInstant({ year: 2026, month: 1, day: 1 }, 'Nowhere')).toThrow(RangeError);
	});

	test('weekStart must be an ISO weekday 1..7', () => {
		for (const weekStart of [0, 8, 1.5, Number.NaN, -1]) {
			expect(() => periodsOf(0, clock('UTC', weekStart)), String(weekStart)).toThrow(RangeError);
		}
		for (let weekStart = 1; weekStart <= 7; weekStart++) expect(periodsOf(0, clock('UTC', weekStart))).toHaveLength(6);
	});

	test('instants must be valid and not before 1970 (where the all window starts)', () => {
		expect(() => periodsOf(new Date(Number.NaN), utc)).toThrow(RangeError);
		expect(() => periodsOf(-1, utc)).toThrow(RangeError);
		expect(() => periodsOf(Number.POSITIVE_INFINITY, utc)).toThrow(RangeError);
		expect(() => periodsOf(Date.UTC(10000, 0, 1), utc)).toThrow(RangeError);
		expect(() => periodOf('hour' as WindowKind, 0, utc)).toThrow(RangeError);
		// epoch 0 is still 1969-12-31 in New York
		expect(keysAt(0, newYork)).toMatchObject({ day: '1969-12-31', year: '1969', all: 'all' });
	});

	test('zonedTimeToInstant rejects impossible wall times', () => {
		expect(() => zonedTimeToInstant({ year: 2026, month: 2, day: 29 }, 'UTC')).toThrow(RangeError);
		expect(() => zonedTimeToInstant({ year: 2026, month: 13, day: 1 }, 'UTC')).toThrow(RangeError);
		expect(() => zonedTimeToInstant({ year: 2026, month: 1, day: 1, hour: 24 }, 'UTC')).toThrow(RangeError);
		expect(() => zonedTimeToInstant({ year: 2026.5, month: 1, day: 1 }, 'UTC')).toThrow(RangeError);
		expect(zonedTimeToInstant({ year: 2028, month: 2, day: 29, hour: 23, minute: 59, second: 59 }, 'UTC').toISOString()).toBe(
			'2028-02-29T23:59:59.000Z'
		);
	});

	test('isWindowKind', () => {
		for (const w of WINDOWS) expect(isWindowKind(w)).toBe(true);
		for (const w of ['hour', 'toString', '', 1, null]) expect(isWindowKind(w)).toBe(false);
	});
});

// ---------------------------------------------------------------------------------------------------
// Properties

/** Ordinary zones: at most a one-hour DST shift and no skipped dates. */
const ORDINARY_ZONES = [
	'UTC',
	'Asia/Shanghai',
	'America/New_York',
	'Australia/Sydney',
	'Europe/London',
	'Europe/Berlin',
	'America/Los_Angeles',
	'America/Santiago',
	'America/Sao_Paulo',
	'Asia/Beirut',
	'America/Havana',
	'America/St_Johns',
	'Africa/Casablanca',
	'Europe/Dublin',
	'Asia/Tehran',
	'Asia/Kathmandu',
	'Australia/Lord_Howe',
	'Pacific/Chatham',
	'Pacific/Auckland',
	'Pacific/Pago_Pago'
];
/** Zones with a two-hour DST shift or a skipped calendar date (1990–2100). */
const ODD_ZONES = ['Antarctica/Troll', 'Pacific/Apia', 'Pacific/Kiritimati'];
const ZONES = [...ORDINARY_ZONES, ...ODD_ZONES];
const MAX_SHIFT_HOURS: Record<string, number> = { 'Antarctica/Troll': 2, 'Pacific/Apia': 24, 'Pacific/Kiritimati': 24 };

const FROM = Date.UTC(1990, 0, 1);
const TO = Date.UTC(2100, 0, 1);
const RUNS = { numRuns: 500 };

const zoneArb = fc.constantFrom(...ZONES);
const weekStartArb = fc.integer({ min: 1, max: 7 });
const clockArb = fc.record({ timeZone: zoneArb, weekStart: weekStartArb });
const uniformInstant = fc.integer({ min: FROM, max: TO - 1 });
/** Instants from the whole range, half of them within three hours of a UTC midnight (where DST changes and local midnights cluster). */
const instantArb = fc.oneof(
	uniformInstant,
	fc.tuple(fc.integer({ min: FROM / DAY, max: TO / DAY - 1 }), fc.integer({ min: -15 * HOUR, max: 15 * HOUR })).map(([day, offset]) => day * DAY + offset)
);
const windowArb = fc.constantFrom(...WINDOWS.filter((w) => w !== 'all'));

describe('properties (fast-check)', () => {
	test('every period contains the instant: start <= at < end; periodOf agrees with periodsOf', () => {
		fc.assert(
			fc.property(instantArb, clockArb, (t, c) => {
				const periods = periodsOf(t, c);
				expect(periods.map((p) => p.window)).toEqual([...WINDOWS]);
				expect(periodKeysOf(t, c)).toEqual(periods.map((p) => p.key));
				for (const p of periods) {
					expect(p.start.getTime()).toBeLessThanOrEqual(t);
					expect(t).toBeLessThan(p.end.getTime());
					expect(periodOf(p.window, new Date(t), c)).toEqual(p);
				}
			}),
			RUNS
		);
	});

	test("a period's start lies in the same period", () => {
		fc.assert(
			fc.property(instantArb, clockArb, (t, c) => {
				for (const p of periodsOf(t, c)) expect(periodOf(p.window, p.start, c)).toEqual(p);
			}),
			RUNS
		);
	});

	test('periods tile the time line: the next starts at end, the previous ends at start', () => {
		fc.assert(
			fc.property(instantArb, clockArb, windowArb, fc.integer({ min: -30, max: 30 }), (t, c, window, n) => {
				const p = periodOf(window, t, c);
				const next = shiftPeriod(p, 1, c);
				const previous = shiftPeriod(p, -1, c);
				expect(next.start.getTime()).toBe(p.end.getTime());
				expect(previous.end.getTime()).toBe(p.start.getTime());
				expect(next.key > p.key && p.key > previous.key).toBe(true);
				// (a neighbour can be empty only where a whole local date was skipped, like Samoa's 2011-12-30)
				if (next.end > next.start) expect(periodOf(window, p.end, c)).toEqual(next);
				if (previous.end > previous.start) expect(periodOf(window, p.start.getTime() - 1, c)).toEqual(previous);
				expect(shiftPeriod(next, -1, c)).toEqual(p);
				expect(shiftPeriod(shiftPeriod(p, n, c), -n, c)).toEqual(p);
			}),
			RUNS
		);
	});

	test('periods nest: day ⊂ week, day ⊂ month ⊂ quarter ⊂ year ⊂ all', () => {
		const within = (inner: Period, outer: Period) => {
			expect(outer.start.getTime()).toBeLessThanOrEqual(inner.start.getTime());
			expect(inner.end.getTime()).toBeLessThanOrEqual(outer.end.getTime());
		};
		fc.assert(
			fc.property(instantArb, clockArb, (t, c) => {
				const [day, week, month, quarter, year, all] = periodsOf(t, c);
				within(day, week);
				within(day, month);
				within(month, quarter);
				within(quarter, year);
				within(year, all);
				expect(day.key.startsWith(`${month.key}-`)).toBe(true);
				expect(month.key.startsWith(`${year.key}-`)).toBe(true);
				expect(quarter.key).toBe(`${year.key}-Q${Math.ceil(Number(month.key.slice(5)) / 3)}`);
				const weekDays = keyDayNumber(day.key) - keyDayNumber(week.key);
				expect(weekDays >= 0 && weekDays < 7).toBe(true);
			}),
			RUNS
		);
	});

	test('periodFromKey(key) round-trips', () => {
		fc.assert(
			fc.property(instantArb, clockArb, (t, c) => {
				for (const p of periodsOf(t, c)) expect(periodFromKey(p.window, p.key, c)).toEqual(p);
			}),
			RUNS
		);
	});

	test("a week starts on the clock's weekStart at local 00:00 (or the first instant of that day) and spans 7 local days", () => {
		fc.assert(
			fc.property(instantArb, fc.constantFrom(...ORDINARY_ZONES), weekStartArb, (t, timeZone, weekStart) => {
				const week = periodOf('week', t, { timeZone, weekStart });
				const first = zonedParts(week.start, timeZone);
				expect(first.weekday).toBe(weekStart);
				expect(`W${first.year}-${String(first.month).padStart(2, '0')}-${String(first.day).padStart(2, '0')}`).toBe(week.key);
				// Usually local 00:00:00; where midnight does not exist, 01:00 or so. Either way the first instant of that date.
				expect(localDayNumber(week.start.getTime() - 1, timeZone)).toBeLessThan(keyDayNumber(week.key));
				if (first.hour !== 0 || first.minute !== 0 || first.second !== 0) expect(first.hour).toBeLessThanOrEqual(1);
				expect(localDayNumber(week.end, timeZone) - keyDayNumber(week.key)).toBe(7);
				const h = hours(week);
				expect(h).toBeGreaterThanOrEqual(167);
				expect(h).toBeLessThanOrEqual(169);
			}),
			RUNS
		);
	});

	test('days are 24 hours give or take the DST shift; weeks 168 give or take', () => {
		fc.assert(
			fc.property(instantArb, clockArb, (t, c) => {
				const shift = MAX_SHIFT_HOURS[c.timeZone] ?? 1;
				const [day, week] = periodsOf(t, c);
				expect(Math.abs(hours(day) - 24)).toBeLessThanOrEqual(shift);
				expect(Math.abs(hours(week) - 168)).toBeLessThanOrEqual(shift);
				if (!(c.timeZone in MAX_SHIFT_HOURS)) expect([23, 23.5, 24, 24.5, 25]).toContain(hours(day));
			}),
			RUNS
		);
	});

	test('zonedParts agrees with Intl.DateTimeFormat#formatToParts', () => {
		const formats = new Map<string, Intl.DateTimeFormat>();
		const reference = (t: number, timeZone: string) => {
			let format = formats.get(timeZone);
			if (!format) {
				format = new Intl.DateTimeFormat('en-US', {
					timeZone,
					hourCycle: 'h23',
					weekday: 'short',
					year: 'numeric',
					month: 'numeric',
					day: 'numeric',
					hour: 'numeric',
					minute: 'numeric',
					second: 'numeric'
				});
				formats.set(timeZone, format);
			}
			const parts = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
			return {
				year: Number(parts.year),
				month: Number(parts.month),
				day: Number(parts.day),
				hour: Number(parts.hour),
				minute: Number(parts.minute),
				second: Number(parts.second),
				weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1
			};
		};
		fc.assert(
			fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), zoneArb, (t, timeZone) => {
				expect(zonedParts(t, timeZone)).toEqual(reference(t, timeZone));
			}),
			{ numRuns: 1000 }
		);
	});

	test('zonedTimeToInstant inverts zonedParts (the earlier instant when the wall time repeats)', () => {
		fc.assert(
			fc.property(instantArb, zoneArb, (t, timeZone) => {
				const parts = zonedParts(t, timeZone);
				const instant = zonedTimeToInstant(parts, timeZone);
				expect(zonedParts(instant, timeZone)).toEqual(parts);
				expect(instant.getTime()).toBeLessThanOrEqual(Math.floor(t / 1000) * 1000);
			}),
			RUNS
		);
	});

	test('nonexistent wall times move forward by the length of the gap', () => {
		fc.assert(
			fc.property(uniformInstant, zoneArb, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (t, timeZone, hour, minute) => {
				const { year, month, day } = zonedParts(t, timeZone);
				const wall = { year, month, day, hour, minute, second: 0 };
				const instant = zonedTimeToInstant(wall, timeZone);
				const back = zonedParts(instant, timeZone);
				const asUtc = (p: typeof wall) => Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
				if (back.year === year && back.month === month && back.day === day && back.hour === hour && back.minute === minute) return;
				// Not representable: the result is one gap length later on the wall clock, just after the transition
				const gap = asUtc(back) - asUtc(wall);
				expect(gap).toBeGreaterThan(0);
				expect(gap).toBeLessThanOrEqual((MAX_SHIFT_HOURS[timeZone] ?? 1) * HOUR);
				const before = zonedParts(instant.getTime() - gap, timeZone);
				expect(asUtc(before)).toBeLessThan(asUtc(wall));
			}),
			RUNS
		);
	});
});
