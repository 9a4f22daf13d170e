// Goal pace and cascades: what a goal expects by now (linear, or by working days with weekends and
// holidays carrying nothing), across a DST change measured in local days, with its status and the rate
// it needs; and targets split into whole shares that always add up to the parent.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { AT_RISK_FROM, cascadeOf, pace, paceAt, splitTarget, type PaceInput } from '../../../src/lib/shared/goals/pace';
import { dayKey, dayNumber } from '../../../src/lib/shared/streaks';

const base: PaceInput = { target: 100, actual: 0, firstDay: '2026-11-01', lastDay: '2026-11-30', today: '2026-11-01', dayFraction: 0, mode: 'linear' };

describe('pace, linear', () => {
	test('nothing expected before the first day, all of it after the last, and a share per day between', () => {
		expect(pace({ ...base, today: '2026-10-31', dayFraction: 0.9 }).expected).toBe(0);
		expect(pace({ ...base, today: '2026-12-01' }).expected).toBe(100);
		// November 16 at noon: 15.5 of 30 days.
		expect(pace({ ...base, today: '2026-11-16', dayFraction: 0.5 }).expected).toBeCloseTo((100 * 15.5) / 30);
	});

	test('status: done, on track at or above the expected amount, at risk within 10% of it, behind below', () => {
		const at = (actual: number) => pace({ ...base, actual, today: '2026-11-16', dayFraction: 0 });
		const expected = at(0).expected;
		expect(expected).toBeCloseTo(50);
		expect(at(100).status).toBe('done');
		expect(at(50).status).toBe('on_track');
		expect(at(Math.ceil(expected * AT_RISK_FROM)).status).toBe('at_risk');
		expect(at(44).status).toBe('behind');
		expect(at(100).needPerDay).toBeNull();
		// 40 done, 60 to go over 15 days left: 4 a day.
		expect(at(40).needPerDay).toBeCloseTo(4);
		expect(at(40).attainment).toBeCloseTo(0.4);
	});

	test('expected never goes down as time passes, and stays within 0 and the target', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b, fa, fb) => {
				const first = dayNumber('2026-11-01') - 5;
				const [d1, f1, d2, f2] = a < b || (a === b && fa <= fb) ? [a, fa, b, fb] : [b, fb, a, fa];
				const e1 = pace({ ...base, today: dayKey(first + d1), dayFraction: f1 }).expected;
				const e2 = pace({ ...base, today: dayKey(first + d2), dayFraction: f2 }).expected;
				return e1 <= e2 + 1e-9 && e1 >= 0 && e2 <= 100 + 1e-9;
			})
		);
	});
});

describe('pace, by working days', () => {
	const working: PaceInput = { ...base, mode: 'working_days', calendar: { holidays: new Set(['2026-11-26']) } };

	test('weekends and holidays carry nothing: the expected amount stands still over them', () => {
		// November 2026: 21 weekdays, less Thanksgiving (the 26th): 20 working days.
		expect(pace({ ...working, today: '2026-11-02' }).totalDays).toBe(20);
		const fridayEnd = pace({ ...working, today: '2026-11-06', dayFraction: 1 }).expected;
		expect(pace({ ...working, today: '2026-11-07', dayFraction: 0.5 }).expected).toBeCloseTo(fridayEnd);
		expect(pace({ ...working, today: '2026-11-08', dayFraction: 0.99 }).expected).toBeCloseTo(fridayEnd);
		expect(pace({ ...working, today: '2026-11-09', dayFraction: 0 }).expected).toBeCloseTo(fridayEnd);
		// Nov 2–6 and Nov 1 (a Sunday): five working days passed.
		expect(fridayEnd).toBeCloseTo((100 * 5) / 20);
		const beforeHoliday = pace({ ...working, today: '2026-11-25', dayFraction: 1 }).expected;
		expect(pace({ ...working, today: '2026-11-26', dayFraction: 0.7 }).expected).toBeCloseTo(beforeHoliday);
	});

	test('the rate needed is per working day left', () => {
		// Friday the 27th at the start: Nov 27 and 30 are the working days left.
		const p = pace({ ...working, actual: 80, today: '2026-11-27', dayFraction: 0 });
		expect(p.remainingDays).toBeCloseTo(2);
		expect(p.needPerDay).toBeCloseTo(10);
	});

	test('a period with no working day at all expects everything from its first day', () => {
		const p = pace({ ...working, firstDay: '2026-11-07', lastDay: '2026-11-08', today: '2026-11-07', dayFraction: 0.1, actual: 10 });
		expect(p.totalDays).toBe(0);
		expect(p.expected).toBe(100);
		expect(p.needPerDay).toBeNull();
	});
});

describe('paceAt: local days in the organization’s time zone', () => {
	const clock = { timeZone: 'America/New_York', weekStart: 1 };
	// November 2026 in New York: [Nov 1 00:00 EDT, Dec 1 00:00 EST); Nov 1 is 25 hours long (DST ends).
	const goal = { target: 300, actual: 0, start: new Date('2026-11-01T04:00:00Z'), end: new Date('2026-12-01T05:00:00Z') };

	test('the DST day counts as one day, and its fraction is of its real 25 hours', () => {
		// 12:30 UTC on Nov 1 is 07:30 EST, 8.5 hours into a 25-hour day.
		const p = paceAt(goal, new Date('2026-11-01T12:30:00Z'), clock, 'linear');
		expect(p.totalDays).toBe(30);
		expect(p.elapsedDays).toBeCloseTo(8.5 / 25);
		// The last local day is Nov 30, though the period ends at 05:00 UTC on Dec 1.
		expect(paceAt(goal, new Date('2026-12-01T04:59:00Z'), clock, 'linear').elapsedDays).toBeCloseTo(29 + (23 + 59 / 60) / 24);
		expect(paceAt(goal, new Date('2026-12-01T05:00:00Z'), clock, 'linear').expected).toBe(300);
	});

	test('the fraction of today is always between 0 and 1, whatever the instant', () => {
		fc.assert(
			fc.property(fc.integer({ min: Date.parse('2026-03-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }), (t) => {
				const p = paceAt({ ...goal, start: new Date('2026-01-01T05:00:00Z'), end: new Date('2027-01-01T05:00:00Z') }, new Date(t), clock, 'linear');
				const frac = p.elapsedDays - Math.floor(p.elapsedDays);
				return frac >= 0 && frac < 1 && p.expected >= 0 && p.expected <= 300;
			})
		);
	});
});

describe('cascades', () => {
	test('split evenly or by share, the parts are whole and add up to the parent exactly', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 40 }), fc.option(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 })), (target, parts, weights) => {
				const w = weights && weights.length === parts ? weights : undefined;
				const out = splitTarget(target, parts, w);
				return out.length === parts && out.every(Number.isInteger) && out.reduce((a, b) => a + b, 0) === target;
			})
		);
	});

	test('shares follow the weights within one unit; no weights, all-zero weights or bad ones split evenly', () => {
		expect(splitTarget(100, 3)).toEqual([34, 33, 33]);
		expect(splitTarget(100, 3, [0, 0, 0])).toEqual([34, 33, 33]);
		expect(splitTarget(100, 3, [1, -1, 1])).toEqual([34, 33, 33]);
		expect(splitTarget(1000, 3, [50, 30, 20])).toEqual([500, 300, 200]);
		expect(splitTarget(10, 3, [1, 1, 2])).toEqual([3, 2, 5]);
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 12 }), (target, weights) => {
				const sum = weights.reduce((a, b) => a + b, 0);
				return splitTarget(target, weights.length, weights).every((part, i) => Math.abs(part - (target * weights[i]) / sum) < 1);
			})
		);
	});

	test('children that add up, fall short or exceed their parent are told apart', () => {
		expect(cascadeOf(100, [50, 50])).toEqual({ sum: 100, difference: 0, status: 'exact' });
		expect(cascadeOf(100, [40, 50])).toEqual({ sum: 90, difference: -10, status: 'short' });
		expect(cascadeOf(100, [60, 50])).toEqual({ sum: 110, difference: 10, status: 'over' });
	});
});
