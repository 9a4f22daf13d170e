// Chart math against fixtures whose answers were worked out by hand (in the comments).
import { describe, expect, test } from 'vitest';
import { attainmentBins, bumpRanks, calendarBins, dayRange, funnelRates, isoWeekday, levelThresholds, lineSeries, mad, median, robustZ, trend, valueDomain } from '../../src/lib/charts/math';
import { csvCell, toCsv } from '../../src/lib/charts/csv';

describe('valueDomain', () => {
	test('a nice domain from zero and round ticks', () => {
		// 0..42 in about 5 ticks: a step of 10, so 0..50.
		expect(valueDomain([3, 17, 42])).toEqual({ domain: [0, 50], ticks: [0, 10, 20, 30, 40, 50] });
	});
	test('no data still gives a drawable axis', () => {
		expect(valueDomain([]).domain).toEqual([0, 1]);
	});
	test('negative values (corrections) extend below zero', () => {
		// -7..12: step 5, so -10..15.
		expect(valueDomain([-7, 12]).domain).toEqual([-10, 15]);
	});
});

describe('lineSeries', () => {
	const days = ['d1', 'd2', 'd3', 'd4'];
	test('running totals, the previous period as a ghost and the pro-rata goal', () => {
		const s = lineSeries(days, new Map([['d1', 2], ['d3', 5]]), ['p1', 'p2', 'p3'], new Map([['p2', 4]]), { target: 8, through: 'd3' });
		expect(s.current).toEqual([
			{ index: 0, day: 'd1', value: 2, total: 2 },
			{ index: 1, day: 'd2', value: 0, total: 2 },
			{ index: 2, day: 'd3', value: 5, total: 7 }
		]);
		expect(s.ghost.map((p) => p.total)).toEqual([0, 4, 4]);
		// 8 over 4 days: 2, 4, 6, 8.
		expect(s.goal).toEqual([0, 1, 2, 3].map((i) => ({ index: i, value: (i + 1) * 2 })));
		expect(s.length).toBe(4);
	});
	test('no goal, no events: flat zeros and no goal line', () => {
		const s = lineSeries(days, new Map(), [], new Map());
		expect(s.goal).toBeNull();
		expect(s.current.map((p) => p.total)).toEqual([0, 0, 0, 0]);
		expect(s.ghost).toEqual([]);
	});
});

describe('bumpRanks', () => {
	test('each week ranks by that week; ties share a rank and the next skips; an empty week has none', () => {
		// w1: a 10, b 10, c 3 -> 1, 1, 3. w2: a 5, b 7, c 0 -> 2, 1, 3. w3: nobody scored.
		const scores = new Map([
			['a', new Map([['w1', 10], ['w2', 5]])],
			['b', new Map([['w1', 10], ['w2', 7]])],
			['c', new Map([['w1', 3]])]
		]);
		expect(bumpRanks(['w1', 'w2', 'w3'], scores)).toEqual([
			{ id: 'a', ranks: [1, 2, null], scores: [10, 5, 0] },
			{ id: 'b', ranks: [1, 1, null], scores: [10, 7, 0] },
			{ id: 'c', ranks: [3, 3, null], scores: [3, 0, 0] }
		]);
	});
	test('a team of one is always first when it scores', () => {
		expect(bumpRanks(['w1', 'w2'], new Map([['solo', new Map([['w2', 1]])]]))).toEqual([{ id: 'solo', ranks: [null, 1], scores: [0, 1] }]);
	});
});

describe('calendarBins', () => {
	test('days, weekdays and weeks', () => {
		// 1 June 2026 is a Monday (1 Jan 2026 was a Thursday, 151 days before: 151 mod 7 = 4).
		expect(isoWeekday('2026-06-01')).toBe(1);
		expect(isoWeekday('2026-06-07')).toBe(7);
		expect(dayRange('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
	});
	test('quartile thresholds by nearest rank of the active days', () => {
		// Positives sorted 1 2 3 4 8 (n = 5): ranks ceil(1.25) = 2, ceil(2.5) = 3, ceil(3.75) = 4 -> 2, 3, 4.
		expect(levelThresholds([0, 1, 4, 2, 0, 8, 3])).toEqual([2, 3, 4]);
		expect(levelThresholds([0, 0])).toEqual([0, 0, 0]);
	});
	test('cells from a Wednesday, weeks starting Monday', () => {
		const values = new Map([['2026-06-03', 1], ['2026-06-04', 4], ['2026-06-05', 2], ['2026-06-08', 8], ['2026-06-09', 3]]);
		const { cells, weeks, thresholds } = calendarBins('2026-06-03', '2026-06-10', values, 1);
		expect(thresholds).toEqual([2, 3, 4]);
		expect(weeks).toBe(2);
		// Wednesday is row 2 of week 0; Sunday 7 June row 6; Monday 8 June opens week 1.
		expect(cells.map((c) => [c.day.slice(8), c.week, c.weekday, c.level])).toEqual([
			['03', 0, 2, 1],
			['04', 0, 3, 3],
			['05', 0, 4, 1],
			['06', 0, 5, 0],
			['07', 0, 6, 0],
			['08', 1, 0, 4],
			['09', 1, 1, 2],
			['10', 1, 2, 0]
		]);
	});
	test('weeks starting Sunday', () => {
		const { cells } = calendarBins('2026-06-03', '2026-06-07', new Map(), 7);
		// Wednesday is row 3 after Sunday; Sunday 7 June opens week 1.
		expect(cells[0]).toMatchObject({ week: 0, weekday: 3, level: 0 });
		expect(cells[4]).toMatchObject({ day: '2026-06-07', week: 1, weekday: 0 });
	});
	test('an empty range has no cells', () => {
		expect(calendarBins('2026-06-03', '2026-06-02', new Map()).cells).toEqual([]);
	});
});

describe('attainmentBins', () => {
	test('25% bins up to an open 150%+ bin; below zero counts in the first', () => {
		const bins = attainmentBins([
			{ id: 'a', attainment: 0.1 },
			{ id: 'b', attainment: 0.75 },
			{ id: 'c', attainment: 1 },
			{ id: 'd', attainment: 2 },
			{ id: 'e', attainment: -0.2 },
			{ id: 'f', attainment: 0.5 }
		]);
		expect(bins.map((b) => [b.from, b.to, b.ids])).toEqual([
			[0, 0.25, ['a', 'e']],
			[0.25, 0.5, []],
			[0.5, 0.75, ['f']],
			[0.75, 1, ['b']],
			[1, 1.25, ['c']],
			[1.25, 1.5, []],
			[1.5, null, ['d']]
		]);
	});
	test('nobody: every bin is empty', () => {
		expect(attainmentBins([]).every((b) => b.ids.length === 0)).toBe(true);
	});
});

describe('funnelRates', () => {
	test('step and overall conversion', () => {
		// 200 calls -> 30 meetings (15%) -> 6 deals (20% of meetings, 3% of calls).
		const f = funnelRates([{ key: 'call', value: 200 }, { key: 'meeting', value: 30 }, { key: 'deal', value: 6 }]);
		expect(f.map((s) => s.stepRate)).toEqual([null, 0.15, 0.2]);
		expect(f.map((s) => s.overallRate)).toEqual([1, 0.15, 0.03]);
	});
	test('zeros give no rate, never NaN or Infinity', () => {
		const f = funnelRates([{ key: 'call', value: 0 }, { key: 'meeting', value: 2 }, { key: 'deal', value: 0 }]);
		expect(f.map((s) => [s.stepRate, s.overallRate])).toEqual([[null, null], [null, null], [0, null]]);
	});
});

describe('robust z-score', () => {
	test('median and MAD', () => {
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([])).toBeNull();
		// |x - 3| of 1 2 3 4 100: 2 1 0 1 97 -> median 1.
		expect(mad([1, 2, 3, 4, 100])).toBe(1);
	});
	test('far above the norm', () => {
		// History 2 3 3 4 5 100: median 3.5; deviations .5 .5 .5 1.5 1.5 96.5 -> MAD 1; x = 12: 0.6745 × 8.5 = 5.73325.
		expect(robustZ([2, 3, 3, 4, 5, 100], 12)).toBeCloseTo(5.73325, 10);
	});
	test('too little history or no spread gives no score', () => {
		expect(robustZ([1, 2, 3, 4], 50)).toBeNull();
		expect(robustZ([3, 3, 3, 3, 3], 50)).toBeNull();
	});
	test('trend against the previous period', () => {
		expect(trend(120, 100)).toBeCloseTo(0.2);
		expect(trend(50, 100)).toBeCloseTo(-0.5);
		expect(trend(5, 0)).toBeNull();
	});
});

describe('csv', () => {
	test('quotes, escapes and defuses formulas', () => {
		expect(toCsv(['name', 'value'], [['Ada, L', 3], ['=SUM(A1)', -2], ['say "hi"', null]])).toBe('name,value\r\n"Ada, L",3\r\n\'=SUM(A1),-2\r\n"say ""hi""",\r\n');
		expect(csvCell('-5')).toBe('-5');
		expect(csvCell('@me')).toBe("'@me");
		expect(csvCell(Number.NaN)).toBe('');
	});
});
