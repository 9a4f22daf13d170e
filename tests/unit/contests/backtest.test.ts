import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { backtestFigures, backtestPercentOfTarget, topShare } from '$lib/server/contests/rules';

const t = (id: string, score: number, target?: number, tie?: number) => ({ id, name: id.toUpperCase(), score, target, tie });

describe('backtest figures', () => {
	test('winners by place, participants, who scored and the top 20% share', () => {
		const totals = [t('a', 50), t('b', 20), t('c', 10), t('d', 10), t('e', 10), t('f', 0), t('g', 0), t('h', 0), t('i', 0), t('j', 0)];
		const figures = backtestFigures(totals, { places: 3 });
		expect(figures.winners).toEqual([
			{ place: 1, id: 'a', name: 'A', score: 50 },
			{ place: 2, id: 'b', name: 'B', score: 20 },
			// c, d and e are equal, with no tie information: they share third place.
			{ place: 3, id: 'c', name: 'C', score: 10 },
			{ place: 3, id: 'd', name: 'D', score: 10 },
			{ place: 3, id: 'e', name: 'E', score: 10 }
		]);
		expect(figures.participants).toBe(10);
		expect(figures.scored).toBe(5);
		// Top 20% of 10 = 2 participants: (50 + 20) / 100.
		expect(figures.topShare).toBeCloseTo(0.7, 10);
	});

	test('equal totals follow the tie rule: who got there first, else they share the place', () => {
		expect(backtestFigures([t('a', 5, undefined, 9), t('b', 5, undefined, 2)], { places: 1 }).winners.map((w) => w.id)).toEqual(['b']);
		expect(backtestFigures([t('a', 5), t('b', 5), t('c', 4)], { places: 2 }).winners).toEqual([
			{ place: 1, id: 'a', name: 'A', score: 5 },
			{ place: 1, id: 'b', name: 'B', score: 5 }
		]);
	});

	test('the top 20% is at least one participant (ceil), and 0 when nobody scored', () => {
		expect(topShare([10, 10, 10])).toBeCloseTo(1 / 3, 10);
		expect(topShare([0, 0])).toBe(0);
		expect(topShare([])).toBe(0);
		expect(topShare([6, 2, 2, -4])).toBeCloseTo(0.6, 10);
	});

	test('nobody scoring: no winners, nobody scored, share 0', () => {
		expect(backtestFigures([t('a', 0), t('b', 0)], { places: 3 })).toEqual({ winners: [], participants: 2, scored: 0, topShare: 0 });
	});

	test('percent of target: ranks by each one’s own target, else the shared one, else 0%', () => {
		const figures = backtestPercentOfTarget([t('big', 150, 300), t('small', 90, 100), t('shared', 30), t('top', 900, 2000)], { places: 3, target: 40 })!;
		expect(figures.winners).toEqual([
			{ place: 1, id: 'small', name: 'SMALL', score: 90 },
			{ place: 2, id: 'shared', name: 'SHARED', score: 75 },
			{ place: 3, id: 'big', name: 'BIG', score: 50 }
		]);
		expect(figures.participants).toBe(4);
		expect(backtestPercentOfTarget([t('none', 500)], { places: 3 })).toBeNull();
		const own = backtestPercentOfTarget([t('a', 10, 20), t('b', 500)], { places: 3 })!;
		expect(own.winners.map((w) => w.id)).toEqual(['a']);
		expect(own.scored).toBe(1);
	});

	test('property: topShare is within 0..1, at least the fair share, and 1 when one participant scored everything', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 50 }), (scores) => {
				const share = topShare(scores);
				const total = scores.reduce((a, b) => a + b, 0);
				expect(share).toBeGreaterThanOrEqual(0);
				expect(share).toBeLessThanOrEqual(1);
				if (total === 0) expect(share).toBe(0);
				else {
					expect(share).toBeGreaterThanOrEqual(Math.ceil(scores.length * 0.2) / scores.length - 1e-9);
					if (scores.filter((s) => s > 0).length === 1) expect(share).toBe(1);
				}
			})
		);
	});

	test('property: the winners are the top-ranked positive scores, with at most `places` places', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (scores, places) => {
				const figures = backtestFigures(scores.map((score, i) => t(`p${i}`, score)), { places });
				const sorted = [...scores].filter((s) => s > 0).sort((a, b) => b - a);
				for (const w of figures.winners) {
					expect(w.place).toBe(1 + scores.filter((s) => s > w.score).length);
					expect(w.place).toBeLessThanOrEqual(places);
				}
				expect(figures.winners.length).toBe(sorted.filter((s) => 1 + sorted.filter((x) => x > s).length <= places).length);
				expect(figures.scored).toBe(sorted.length);
			})
		);
	});
});
