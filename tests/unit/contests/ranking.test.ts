import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { averagePerMember, awardPlaces, percentOfTarget, rankStandings } from '$lib/server/contests/rules';

const row = (id: string, score: number, tie: number | null) => ({ id, score, tie });

describe('rankStandings', () => {
	test('the higher score ranks first', () => {
		const ranked = rankStandings([row('a', 5, 1), row('b', 9, 2), row('c', 7, 3)]);
		expect(ranked.map((r) => [r.id, r.rank])).toEqual([
			['b', 1],
			['c', 2],
			['a', 3]
		]);
	});

	test('on equal scores, who reached the score first (smaller tie) ranks first', () => {
		const ranked = rankStandings([row('late', 10, 42), row('early', 10, 7)]);
		expect(ranked.map((r) => [r.id, r.rank])).toEqual([
			['early', 1],
			['late', 2]
		]);
	});

	test('who never scored (null tie) ranks after everyone with the same score who did', () => {
		const ranked = rankStandings([row('never', 0, null), row('corrected', 0, 99)]);
		expect(ranked.map((r) => [r.id, r.rank])).toEqual([
			['corrected', 1],
			['never', 2]
		]);
	});

	test('equal score and equal tie share the rank, and the next rank is skipped', () => {
		const ranked = rankStandings([row('c', 3, 9), row('b', 5, 4), row('a', 5, 4)]);
		expect(ranked.map((r) => [r.id, r.rank])).toEqual([
			['a', 1],
			['b', 1],
			['c', 3]
		]);
	});

	test('everyone who never scored shares the last rank, ordered by id', () => {
		const ranked = rankStandings([row('z', 0, null), row('m', 0, null), row('top', 1, 1)]);
		expect(ranked.map((r) => [r.id, r.rank])).toEqual([
			['top', 1],
			['m', 2],
			['z', 2]
		]);
	});

	test('an absent tie counts as never scored (rows shaped like ContestStanding)', () => {
		const ranked = rankStandings([{ id: 'a', score: 0 }, { id: 'b', score: 0, tie: 5 }]);
		expect(ranked.map((r) => [r.id, r.rank])).toEqual([
			['b', 1],
			['a', 2]
		]);
	});

	test('keeps the rows’ other fields and does not touch the input', () => {
		const input = [{ id: 'a', score: 1, tie: 1, name: 'Ana' }];
		const ranked = rankStandings(input);
		expect(ranked[0]).toEqual({ id: 'a', score: 1, tie: 1, name: 'Ana', rank: 1 });
		expect(input[0]).not.toHaveProperty('rank');
	});

	const rows = fc.uniqueArray(
		fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), score: fc.integer({ min: -5, max: 5 }), tie: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }) }),
		{ selector: (r) => r.id, maxLength: 30 }
	);

	test('property: rank = 1 + the number of rows strictly ahead (higher score, or same score reached earlier)', () => {
		fc.assert(
			fc.property(rows, (input) => {
				const ahead = (a: (typeof input)[number], b: (typeof input)[number]) =>
					a.score > b.score || (a.score === b.score && a.tie !== null && (b.tie === null || a.tie < b.tie));
				for (const r of rankStandings(input)) {
					const me = input.find((x) => x.id === r.id)!;
					expect(r.rank).toBe(1 + input.filter((other) => ahead(other, me)).length);
				}
			})
		);
	});

	test('property: the output is the same whatever the input order, holds every row once, and ranks never decrease', () => {
		fc.assert(
			fc.property(rows, fc.integer(), (input, seed) => {
				const shuffled = [...input].sort((a, b) => ((a.id.charCodeAt(0) * seed) % 7) - ((b.id.charCodeAt(0) * seed) % 7));
				const one = rankStandings(input);
				expect(rankStandings(shuffled)).toEqual(one);
				expect(one.map((r) => r.id).sort()).toEqual(input.map((r) => r.id).sort());
				for (let i = 1; i < one.length; i++) expect(one[i].rank).toBeGreaterThanOrEqual(one[i - 1].rank);
			})
		);
	});
});

describe('awardPlaces', () => {
	const prizes = [
		{ place: 1, text: 'Dinner', points: 100 },
		{ place: 2, text: 'Lunch', points: 50 },
		{ place: 3, text: 'Coffee', points: 10 }
	];

	test('places follow the ranks, with each place’s prize', () => {
		const placed = awardPlaces(rankStandings([row('a', 9, 1), row('b', 8, 2), row('c', 7, 3), row('d', 6, 4)]), { places: 3, prizes });
		expect(placed.map((r) => [r.id, r.place, r.prize?.text ?? null])).toEqual([
			['a', 1, 'Dinner'],
			['b', 2, 'Lunch'],
			['c', 3, 'Coffee'],
			['d', null, null]
		]);
	});

	test('only a score above 0 takes a place', () => {
		const placed = awardPlaces(rankStandings([row('a', 3, 1), row('b', 0, 2), row('c', -1, 3), row('d', 0, null)]), { places: 3, prizes });
		expect(placed.map((r) => [r.id, r.place])).toEqual([
			['a', 1],
			['b', null],
			['d', null],
			['c', null]
		]);
	});

	test('a shared rank shares the place, each gets the full prize, and the next place is skipped', () => {
		const placed = awardPlaces(rankStandings([row('a', 5, 4), row('b', 5, 4), row('c', 4, 1)]), { places: 2, prizes });
		expect(placed.map((r) => [r.id, r.place, r.prize])).toEqual([
			['a', 1, { text: 'Dinner', points: 100 }],
			['b', 1, { text: 'Dinner', points: 100 }],
			['c', null, null]
		]);
	});

	test('a place without a prize rule gets a place and no prize', () => {
		const placed = awardPlaces(rankStandings([row('a', 2, 1), row('b', 1, 2)]), { places: 2, prizes: [{ place: 1, text: 'Cup', points: 0 }] });
		expect(placed.map((r) => [r.place, r.prize])).toEqual([
			[1, { text: 'Cup', points: 0 }],
			[2, null]
		]);
	});

	test('property: at most `places` distinct places, all for positive scores, and a better rank never gets a worse place', () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ score: fc.integer({ min: -3, max: 6 }), tie: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }) }), { maxLength: 25 }),
				fc.integer({ min: 1, max: 10 }),
				(input, places) => {
					const placed = awardPlaces(rankStandings(input.map((r, i) => ({ ...r, id: `p${i}` }))), { places });
					const withPlace = placed.filter((r) => r.place !== null);
					expect(new Set(withPlace.map((r) => r.place)).size).toBeLessThanOrEqual(places);
					for (const r of withPlace) {
						expect(r.score).toBeGreaterThan(0);
						expect(r.place).toBe(r.rank);
					}
					for (const r of placed) if (r.score > 0 && r.rank <= places) expect(r.place).toBe(r.rank);
				}
			)
		);
	});
});

describe('percent of target and average per member', () => {
	test('percent of target, to 2 decimals, and 0 without a positive target', () => {
		expect(percentOfTarget(50, 200)).toBe(25);
		expect(percentOfTarget(300, 200)).toBe(150);
		expect(percentOfTarget(1, 3)).toBe(33.33);
		expect(percentOfTarget(50, 0)).toBe(0);
		expect(percentOfTarget(50, null)).toBe(0);
		expect(percentOfTarget(50, undefined)).toBe(0);
		expect(percentOfTarget(50, -10)).toBe(0);
	});

	test('the handicap works: a smaller target with less output can beat a larger one', () => {
		const ranked = rankStandings([
			{ id: 'veteran', score: percentOfTarget(120, 200), tie: 1 },
			{ id: 'newcomer', score: percentOfTarget(80, 100), tie: 2 }
		]);
		expect(ranked[0].id).toBe('newcomer');
	});

	test('average per member, and 0 for a team without members', () => {
		expect(averagePerMember(100, 4)).toBe(25);
		expect(averagePerMember(10, 3)).toBe(3.33);
		expect(averagePerMember(100, 0)).toBe(0);
	});

	test('property: equal ratios give equal percents (ties resolve by the tie rule, not by float noise)', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 1e5 }), fc.integer({ min: 2, max: 50 }), (score, target, k) => {
				expect(percentOfTarget(score * k, target * k)).toBe(percentOfTarget(score, target));
			})
		);
	});
});
