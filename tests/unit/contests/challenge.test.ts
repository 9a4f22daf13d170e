import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { challengeProgress, milestonesCrossed, milestonesReached, orderContributors } from '$lib/server/contests/rules';

describe('team challenge', () => {
	test('milestones newly reached going from one total to the next', () => {
		expect(milestonesCrossed(0, 24, 100)).toEqual([]);
		expect(milestonesCrossed(0, 25, 100)).toEqual([25]);
		expect(milestonesCrossed(24, 80, 100)).toEqual([25, 50, 75]);
		expect(milestonesCrossed(80, 250, 100)).toEqual([100]);
		expect(milestonesCrossed(100, 150, 100)).toEqual([]);
	});

	test('a total exactly on a milestone reaches it, even with awkward targets', () => {
		expect(milestonesReached(1, 3)).toEqual([25]); // 33.3 %
		expect(milestonesCrossed(0, 0.75, 3)).toEqual([25]);
		expect(milestonesCrossed(0, 2.25, 9)).toEqual([25]);
	});

	test('a milestone lost to a correction and reached again is not celebrated twice', () => {
		expect(milestonesCrossed(40, 60, 100, [25, 50])).toEqual([]);
		expect(milestonesCrossed(40, 60, 100)).toEqual([50]);
	});

	test('a negative change crosses nothing', () => {
		expect(milestonesCrossed(80, 20, 100)).toEqual([]);
	});

	test('progress is clamped to 0..1', () => {
		expect(challengeProgress(50, 200)).toBe(0.25);
		expect(challengeProgress(500, 200)).toBe(1);
		expect(challengeProgress(-5, 200)).toBe(0);
		expect(challengeProgress(5, 0)).toBe(0);
	});

	test('contributors: positive contributions only, largest first, equal ones by who contributed first', () => {
		const list = orderContributors([
			{ id: 'a', name: 'A', score: 5, tie: 9 },
			{ id: 'b', name: 'B', score: 0, tie: null },
			{ id: 'c', name: 'C', score: 5, tie: 2 },
			{ id: 'd', name: 'D', score: 8, tie: 1 },
			{ id: 'e', name: 'E', score: -3, tie: 4 }
		]);
		expect(list.map((c) => c.id)).toEqual(['d', 'c', 'a']);
		expect(list[0]).toEqual({ id: 'd', name: 'D', score: 8, tie: 1 });
		expect(orderContributors([{ id: 'a', score: 1 }, { id: 'b', score: 2 }], 1).map((c) => c.id)).toEqual(['b']);
	});

	test('property: crossing in steps celebrates each milestone exactly once, in order', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }), fc.integer({ min: 1, max: 300 }), (steps, target) => {
				let total = 0;
				const seen: number[] = [];
				for (const step of steps) {
					seen.push(...milestonesCrossed(total, total + step, target));
					total += step;
				}
				expect(seen).toEqual(milestonesReached(total, target));
			})
		);
	});
});
