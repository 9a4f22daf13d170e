// The review scorecard's arithmetic against hand-computed fixtures: totals of a period and the previous
// one (cut to the days elapsed while the period runs), trend, goal attainment, shared ranks, active days
// and the empty state.
import { describe, expect, test } from 'vitest';
import { assembleScorecard, attainment, sharedRank, type ScorecardInput } from '../../src/lib/server/coaching/scorecard';

const days = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'];
const previousDays = ['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04'];

function input(over: Partial<ScorecardInput> = {}): ScorecardInput {
	return {
		period: { window: 'month', key: '2026-10', start: '2026-09-30T22:00:00.000Z', end: '2026-10-31T23:00:00.000Z', previousKey: '2026-09' },
		days,
		previousDays,
		today: '2026-11-15',
		measures: [
			// Points: 10 + 0 + 30 + 5 = 45 this period; 20 + 10 + 0 + 0 = 30 before → +50%.
			{ key: 'points', name: null, unit: 'points', currency: null, byDay: new Map([['2026-10-01', 10], ['2026-10-03', 30], ['2026-10-04', 5], ['2026-09-01', 20], ['2026-09-02', 10]]) },
			// Revenue in cents: 12,500 now, 50,000 before → −75%.
			{ key: 'revenue', name: { en: 'Revenue' }, unit: 'currency', currency: 'EUR', byDay: new Map([['2026-10-02', 12_500], ['2026-09-04', 50_000]]) },
			// Calls: 3 now, nothing before → no trend.
			{ key: 'call', name: { en: 'Calls' }, unit: 'count', currency: null, byDay: new Map([['2026-10-01', 3]]) }
		],
		counts: new Map([['2026-10-01', 2], ['2026-10-02', 1], ['2026-10-03', 1], ['2026-10-04', 1], ['2026-09-01', 4]]),
		goals: new Map([['points', { target: 60, actual: 45 }], ['revenue', { target: 10_000, actual: 12_500 }]]),
		subjectId: 'me',
		cohort: new Map([['a', 80], ['me', 45], ['b', 45], ['c', 10], ['d', 0]]),
		cohortScope: 'team',
		training: { assigned: 4, completed: 3, completedInPeriod: 1, overdue: 1 },
		takenAt: '2026-11-15T10:00:00.000Z',
		...over
	};
}

describe('review scorecard', () => {
	test('a finished period: totals, trend against the whole previous period, attainment, rank', () => {
		const s = assembleScorecard(input());
		const [points, revenue, calls] = s.measures;
		expect(points).toMatchObject({ current: 45, previous: 30, trend: 0.5, goal: { target: 60, actual: 45, attainment: 0.75 } });
		expect(revenue).toMatchObject({ current: 12_500, previous: 50_000, trend: -0.75, goal: { attainment: 1.25 } });
		expect(calls).toMatchObject({ current: 3, previous: 0, trend: null, goal: null });
		// 80 is above; 45 shared with b: rank 2 of 5.
		expect(s.rank).toEqual({ rank: 2, of: 5, scope: 'team' });
		expect(s.activeDays).toBe(4);
		expect(s.empty).toBe(false);
		expect(s.period).toMatchObject({ key: '2026-10', previousKey: '2026-09', days: 4, elapsedDays: 4 });
		expect(s.training).toEqual({ assigned: 4, completed: 3, completedInPeriod: 1, overdue: 1 });
	});

	test('a running period compares with as many days of the previous one', () => {
		// Today is the 2nd: this period 10 (day 1) + 0 (day 2) = 10; before, the first two days: 20 + 10 = 30 → −66.7%.
		const s = assembleScorecard(input({ today: '2026-10-02' }));
		expect(s.period.elapsedDays).toBe(2);
		expect(s.measures[0]).toMatchObject({ current: 45, previous: 30 });
		// The current total counts every day of the period that has data (days to come have none in practice).
		const running = assembleScorecard(input({ today: '2026-10-02', measures: [{ key: 'points', name: null, unit: 'points', currency: null, byDay: new Map([['2026-10-01', 10], ['2026-09-01', 20], ['2026-09-02', 10], ['2026-09-03', 99]]) }] }));
		expect(running.measures[0]).toMatchObject({ current: 10, previous: 30 });
		expect(running.measures[0].trend).toBeCloseTo(-2 / 3, 10);
	});

	test('an empty period: the empty state, no rank, zeros and no trend', () => {
		const s = assembleScorecard(
			input({
				measures: [{ key: 'points', name: null, unit: 'points', currency: null, byDay: new Map() }],
				counts: new Map(),
				goals: new Map(),
				cohort: new Map([['me', 0], ['a', 12]]),
				training: { assigned: 0, completed: 0, completedInPeriod: 0, overdue: 0 }
			})
		);
		expect(s.empty).toBe(true);
		expect(s.activeDays).toBe(0);
		expect(s.rank).toEqual({ rank: null, of: 2, scope: 'team' });
		expect(s.measures[0]).toEqual({ key: 'points', name: null, unit: 'points', currency: null, current: 0, previous: 0, trend: null, goal: null });
	});

	test('a day with only a correction (events less corrections = 0) is not an active day', () => {
		const s = assembleScorecard(input({ counts: new Map([['2026-10-01', 1], ['2026-10-02', 0]]) }));
		expect(s.activeDays).toBe(1);
	});

	test('shared ranks and attainment', () => {
		expect(sharedRank(new Map([['x', 5], ['y', 5], ['z', 9]]), 'y')).toBe(2);
		expect(sharedRank(new Map([['x', 5], ['y', 5], ['z', 9]]), 'x')).toBe(2);
		expect(sharedRank(new Map([['x', 5]]), 'missing')).toBeNull();
		expect(sharedRank(new Map([['x', -3], ['y', 4]]), 'x')).toBeNull();
		expect(attainment(30, 120)).toBe(0.25);
		expect(attainment(5, 0)).toBe(0);
	});
});
