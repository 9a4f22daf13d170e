// The TV's slide math: countdown parts, sparkline paths, percent change, bracket columns, triggers,
// and the KPI tiles' sums per period from local days.
import { describe, expect, test } from 'vitest';
import { changePercent, sparkPath, splitDuration, tvRounds } from '../../../src/lib/components/displays/format';
import { seriesOfPeriods } from '../../../src/lib/server/displays/display.slides';
import { triggerMatches, triggersOf } from '../../../src/lib/shared/displays/displays';
import { kpisSlideSchema } from '../../../src/lib/shared/displays/slides';
import { periodOf, shiftPeriod } from '../../../src/lib/shared/time-windows';

describe('countdown parts', () => {
	test('days, hours, minutes and seconds, never negative', () => {
		expect(splitDuration(((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000 + 999)).toEqual({ days: 2, hours: 3, minutes: 4, seconds: 5 });
		expect(splitDuration(-5000)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0 });
	});
});

describe('sparklines', () => {
	test('scale from zero (or the lowest value below it) to the highest, left to right', () => {
		// 0, 5, 10 in a 100 × 50 box: x at 0, 50, 100; y at 50 (0), 25 (5), 0 (10).
		expect(sparkPath([0, 5, 10], 100, 50)).toEqual({ line: 'M0,50L50,25L100,0', area: 'M0,50L50,25L100,0L100,50L0,50Z' });
		// A negative day (a correction): zero sits above the bottom.
		expect(sparkPath([-5, 5], 10, 10).line).toBe('M0,10L10,0');
		expect(sparkPath([-5, 5], 10, 10).area).toBe('M0,10L10,0L10,5L0,5Z');
		// All zero: a flat line at the bottom, no division by zero.
		expect(sparkPath([0, 0], 10, 10).line).toBe('M0,10L10,10');
		expect(sparkPath([], 10, 10)).toEqual({ line: '', area: '' });
		expect(sparkPath([3], 10, 10).line).toBe('M5,0');
	});
});

describe('percent change', () => {
	test('whole percent against the previous value; nothing to compare with when it was zero', () => {
		expect(changePercent(12, 10)).toBe(20);
		expect(changePercent(5, 10)).toBe(-50);
		expect(changePercent(0, 7)).toBe(-100);
		expect(changePercent(3, 0)).toBeNull();
		expect(changePercent(-2, -4)).toBe(50);
	});
});

describe('bracket columns', () => {
	const m = (round: number, slot: number) => ({ round, slot });
	test('every later round halves the one before; undrawn matches are empty slots', () => {
		const rounds = tvRounds([m(0, 0), m(0, 1), m(0, 2), m(0, 3), m(1, 0)]);
		expect(rounds.map((r) => r.matches.map((x) => (x ? `${x.round}.${x.slot}` : null)))).toEqual([['0.0', '0.1', '0.2', '0.3'], ['1.0', null], [null]]);
		expect(rounds.map((r) => [r.index, r.total])).toEqual([
			[0, 3],
			[1, 3],
			[2, 3]
		]);
	});
	test('a big bracket shows its last rounds, eight matches a column at most', () => {
		const first = Array.from({ length: 16 }, (_, i) => m(0, i));
		const rounds = tvRounds(first);
		expect(rounds.map((r) => r.matches.length)).toEqual([8, 4, 2, 1]);
		expect(rounds[0].index).toBe(1);
		expect(tvRounds([])).toEqual([]);
	});
});

describe('celebration triggers', () => {
	const triggers = triggersOf({ metric: 'deal', threshold: 5000, triggers: [{ metric: 'call', threshold: 50, per: 'day' }] });
	test('the deal threshold is the first trigger, per event', () => {
		expect(triggers[0]).toEqual({ metric: 'deal', threshold: 5000, per: 'event' });
	});
	test('an event at or above its trigger; a day total crossing exactly a day trigger', () => {
		expect(triggerMatches(triggers, { metric: 'deal', value: 5000, per: 'event' })).toBe(true);
		expect(triggerMatches(triggers, { metric: 'deal', value: 4999, per: 'event' })).toBe(false);
		expect(triggerMatches(triggers, { metric: 'call', value: 60, per: 'event' })).toBe(false);
		expect(triggerMatches(triggers, { metric: 'call', value: 50, per: 'day', threshold: 50 })).toBe(true);
		expect(triggerMatches(triggers, { metric: 'call', value: 50, per: 'day', threshold: 40 })).toBe(false);
	});
});

describe('KPI tiles', () => {
	test('settings take a list or a comma-separated field, at most six', () => {
		expect(kpisSlideSchema.parse({ metrics: 'call, deal,,points' }).metrics).toEqual(['call', 'deal', 'points']);
		expect(kpisSlideSchema.parse({}).compare).toBe('day');
		expect(kpisSlideSchema.safeParse({ metrics: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }).success).toBe(false);
		expect(kpisSlideSchema.safeParse({ compare: 'month' }).success).toBe(false);
	});

	test('local days summed into the periods that contain them, in the organization’s time zone', () => {
		const clock = { timeZone: 'Asia/Shanghai', weekStart: 1 };
		// Wednesday 2026-06-10, 10:00 in Shanghai.
		const now = new Date('2026-06-10T02:00:00Z');
		const weeks = [shiftPeriod(periodOf('week', now, clock), -1, clock), periodOf('week', now, clock)];
		const byDay = new Map([
			['2026-06-01', 4], // Monday of last week
			['2026-06-07', 1], // Sunday of last week
			['2026-06-08', 10], // Monday of this week
			['2026-06-10', 5],
			['2026-05-20', 99] // before both
		]);
		expect(seriesOfPeriods(weeks, byDay, clock)).toEqual([5, 15]);
		const days = [shiftPeriod(periodOf('day', now, clock), -1, clock), periodOf('day', now, clock)];
		expect(seriesOfPeriods(days, byDay, clock)).toEqual([0, 5]);
		// Far from UTC on both sides, a local day still lands in its own day.
		const west = { timeZone: 'Pacific/Honolulu', weekStart: 1 };
		const honolulu = [periodOf('day', new Date('2026-06-10T20:00:00Z'), west)];
		expect(seriesOfPeriods(honolulu, new Map([['2026-06-10', 3], ['2026-06-11', 8]]), west)).toEqual([3]);
		const east = { timeZone: 'Pacific/Kiritimati', weekStart: 1 };
		const kiritimati = [periodOf('day', new Date('2026-06-10T12:00:00Z'), east)];
		expect(seriesOfPeriods(kiritimati, new Map([['2026-06-10', 3], ['2026-06-11', 8]]), east)).toEqual([8]);
	});
});
