import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { gapToNext, rankAmong, rankChange } from '../../../src/lib/shared/home';

describe('home ranks', () => {
	test('equal scores share a rank; the next rank skips them', () => {
		expect(rankAmong([50, 40, 40, 10], 40)).toBe(2);
		expect(rankAmong([50, 40, 40, 10], 10)).toBe(4);
		expect(rankAmong([50], 50)).toBe(1);
	});

	test("yesterday's rank takes today's part off every score (worked by hand)", () => {
		// Month so far: Ann 100, Bo 90, Cy 80, me 85. Today: me +40, Ann +30, Bo 0, Cy 0.
		// End of yesterday: Ann 70, Bo 90, Cy 80, me 45 -> me 4th. Now: Ann 100, Bo 90, me 85, Cy 80 -> me 3rd.
		const board = new Map([
			['ann', 100],
			['bo', 90],
			['cy', 80],
			['me', 85]
		]);
		const today = new Map([
			['me', 40],
			['ann', 30]
		]);
		expect(rankChange(board, today, 'me')).toEqual({ now: 3, yesterday: 4 });
		expect(rankChange(board, today, 'bo')).toEqual({ now: 2, yesterday: 1 });
	});

	test('a member whose every point came today was not on the board yesterday, and does not count above others', () => {
		const board = new Map([
			['new', 500],
			['me', 60],
			['old', 50]
		]);
		const today = new Map([
			['new', 500],
			['me', 10]
		]);
		expect(rankChange(board, today, 'new')).toEqual({ now: 1, yesterday: null });
		// Yesterday: me 50, old 50 -> both 1st; now me 2nd behind the newcomer.
		expect(rankChange(board, today, 'me')).toEqual({ now: 2, yesterday: 1 });
		expect(rankChange(board, today, 'nobody')).toBeNull();
	});

	test('the gap to pass the next member up is one more than the difference', () => {
		expect(gapToNext([300, 120, 100], 100)).toBe(21);
		expect(gapToNext([300, 120, 100], 300)).toBeNull();
		expect(gapToNext([120, 120, 100], 100)).toBe(21);
		expect(gapToNext([], 0)).toBeNull();
	});

	test('without anything scored today, the rank does not change (property)', () => {
		fc.assert(
			fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: -50, max: 500 }), { minKeys: 1 }), (scores) => {
				const board = new Map(Object.entries(scores));
				for (const id of board.keys()) {
					const change = rankChange(board, new Map(), id)!;
					expect(change.yesterday).toBe(change.now);
				}
			})
		);
	});
});
