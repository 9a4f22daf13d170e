import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ContestBracketMatch } from '$lib/shared/contests';
import {
	bracketChampion,
	bracketEnd,
	bracketLosers,
	bracketRounds,
	bracketSize,
	decideRound,
	roundAt,
	seedBracket,
	seedOrder,
	seedsByPoints,
	type RoundScore
} from '$lib/server/contests/rules';

const startsAt = new Date('2026-04-01T09:00:00Z');
const roundMs = 3_600_000;
const people = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `p${String(i + 1).padStart(2, '0')}`, name: `Rep ${i + 1}`, seed: i + 1 }));
const byRound = (matches: ContestBracketMatch[], round: number) => matches.filter((m) => m.round === round).sort((a, b) => a.slot - b.slot);

/** Plays every round with the given per-round scores. */
function play(matches: ContestBracketMatch[], scoresFor: (round: number, id: string) => RoundScore): ContestBracketMatch[] {
	const rounds = Math.max(...matches.map((m) => m.round)) + 1;
	let out = matches;
	for (let round = 0; round < rounds; round++) {
		const ids = byRound(out, round).flatMap((m) => [m.a?.id, m.b?.id]).filter((id): id is string => id !== undefined);
		out = decideRound(out, round, new Map(ids.map((id) => [id, scoresFor(round, id)])));
	}
	return out;
}

describe('seeding', () => {
	test('standard seed order: 1 v 8, 4 v 5, 2 v 7, 3 v 6', () => {
		expect(seedOrder(8)).toEqual([1, 8, 4, 5, 2, 7, 3, 6]);
		expect(seedOrder(4)).toEqual([1, 4, 2, 3]);
	});

	test('sizes and rounds', () => {
		expect([4, 5, 8, 9, 33, 64].map(bracketSize)).toEqual([4, 8, 8, 16, 64, 64]);
		expect([4, 5, 8, 9, 33, 64].map(bracketRounds)).toEqual([2, 3, 3, 4, 6, 6]);
	});

	test('6 participants: the top two seeds get the byes and are already in round 1', () => {
		const matches = seedBracket(people(6), { startsAt, roundMs });
		const first = byRound(matches, 0);
		expect(first.map((m) => [m.a?.seed ?? null, m.b?.seed ?? null, m.winner])).toEqual([
			[1, null, 'p01'],
			[4, 5, null],
			[2, null, 'p02'],
			[3, 6, null]
		]);
		expect(byRound(matches, 1).map((m) => [m.a?.id ?? null, m.b?.id ?? null])).toEqual([
			['p01', null],
			['p02', null]
		]);
		expect(byRound(matches, 2)).toHaveLength(1);
	});

	test('seeds are renumbered 1..n by (seed, id), whatever numbers were given', () => {
		const matches = seedBracket(
			[
				{ id: 'd', name: 'D', seed: 40 },
				{ id: 'a', name: 'A', seed: 3 },
				{ id: 'c', name: 'C', seed: 7 },
				{ id: 'b', name: 'B', seed: 7 }
			],
			{ startsAt, roundMs }
		);
		expect(byRound(matches, 0).map((m) => [m.a?.id, m.a?.seed, m.b?.id, m.b?.seed])).toEqual([
			['a', 1, 'd', 4],
			['b', 2, 'c', 3]
		]);
	});

	test('round r spans [start + r·roundMs, start + (r+1)·roundMs), and the bracket ends after the last round', () => {
		const matches = seedBracket(people(8), { startsAt, roundMs });
		for (const m of matches) {
			expect(m.startsAt).toBe(new Date(startsAt.getTime() + m.round * roundMs).toISOString());
			expect(m.endsAt).toBe(new Date(startsAt.getTime() + (m.round + 1) * roundMs).toISOString());
		}
		expect(bracketEnd(startsAt, roundMs, 8).toISOString()).toBe('2026-04-01T12:00:00.000Z');
		expect(roundAt(new Date('2026-04-01T10:59:59Z'), startsAt, roundMs, 8)).toBe(1);
		expect(roundAt(new Date('2026-04-01T12:00:00Z'), startsAt, roundMs, 8)).toBeNull();
		expect(roundAt(new Date('2026-04-01T08:00:00Z'), startsAt, roundMs, 8)).toBeNull();
	});

	test('fewer than 4, more than 64 or duplicate participants are refused', () => {
		expect(() => seedBracket(people(3), { startsAt, roundMs })).toThrow(RangeError);
		expect(() => seedBracket(people(65), { startsAt, roundMs })).toThrow(RangeError);
		expect(() => seedBracket([...people(4), people(1)[0]], { startsAt, roundMs })).toThrow(RangeError);
	});

	test('seeding by points: most points is seed 1, equal points by who got there first', () => {
		const seeded = seedsByPoints([
			{ id: 'a', score: 5, tie: 9 },
			{ id: 'b', score: 7, tie: 1 },
			{ id: 'c', score: 5, tie: 2 },
			{ id: 'd', score: 0, tie: null }
		]);
		expect(seeded.map((s) => [s.id, s.seed])).toEqual([
			['b', 1],
			['c', 2],
			['a', 3],
			['d', 4]
		]);
	});
});

describe('deciding rounds', () => {
	test('the higher score advances into the next round’s slot', () => {
		let matches = seedBracket(people(4), { startsAt, roundMs });
		matches = decideRound(matches, 0, new Map([
			['p01', { score: 3, tie: 5 }],
			['p04', { score: 9, tie: 6 }],
			['p02', { score: 4, tie: 1 }],
			['p03', { score: 2, tie: 2 }]
		]));
		expect(byRound(matches, 0).map((m) => [m.winner, m.a?.score, m.b?.score])).toEqual([
			['p04', 3, 9],
			['p02', 4, 2]
		]);
		expect(byRound(matches, 1).map((m) => [m.a?.id, m.b?.id, m.winner])).toEqual([['p04', 'p02', null]]);
		expect(bracketChampion(matches)).toBeNull();
	});

	test('tie rule: equal scores go to who reached the score first, then to the better seed', () => {
		let matches = seedBracket(people(4), { startsAt, roundMs });
		matches = decideRound(matches, 0, new Map([
			['p01', { score: 5, tie: 20 }],
			['p04', { score: 5, tie: 10 }], // reached 5 first
			['p02', { score: 0, tie: null }],
			['p03', { score: 0, tie: null }] // nobody scored: the better seed (2) goes through
		]));
		expect(byRound(matches, 0).map((m) => m.winner)).toEqual(['p04', 'p02']);
	});

	test('someone who scored beats someone who never did, on equal scores (a correction back to 0)', () => {
		let matches = seedBracket(people(4), { startsAt, roundMs });
		matches = decideRound(matches, 0, new Map([
			['p01', { score: 0, tie: null }],
			['p04', { score: 0, tie: 3 }]
		]));
		expect(byRound(matches, 0)[0].winner).toBe('p04');
	});

	test('missing scores count as 0, never scored; the input matches are left as they were', () => {
		const matches = seedBracket(people(4), { startsAt, roundMs });
		const before = structuredClone(matches);
		const after = decideRound(matches, 0, new Map());
		expect(byRound(after, 0).map((m) => m.winner)).toEqual(['p01', 'p02']);
		expect(matches).toEqual(before);
	});

	test('a full bracket of 5 produces a champion and records when each one lost', () => {
		const matches = play(seedBracket(people(5), { startsAt, roundMs }), (_round, id) => ({ score: Number(id.slice(1)), tie: 1 }));
		// The highest number scores most every round: seed 5 beats 4, then 1, then whoever.
		expect(bracketChampion(matches)).toBe('p05');
		const losers = bracketLosers(matches);
		expect(losers.size).toBe(4);
		expect(losers.get('p04')).toBe('2026-04-01T10:00:00.000Z');
	});

	test('property: for every size 4..64, byes only in round 0 and only to the top seeds, log2(size) rounds, one champion', () => {
		for (let n = 4; n <= 64; n++) fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 64 * 7, maxLength: 64 * 7 }), (noise) => {
				const matches = seedBracket(people(n), { startsAt, roundMs });
				const size = bracketSize(n);
				const rounds = Math.log2(size);
				expect(Number.isInteger(rounds)).toBe(true);
				expect(new Set(matches.map((m) => m.round)).size).toBe(rounds);
				expect(matches).toHaveLength(size - 1);
				const byes = matches.filter((m) => m.round === 0 && (m.a === null || m.b === null));
				expect(byes).toHaveLength(size - n);
				// The byes belong to seeds 1 .. size − n.
				expect(byes.map((m) => (m.a ?? m.b)!.seed).sort((x, y) => x - y)).toEqual(Array.from({ length: size - n }, (_, i) => i + 1));
				for (const m of byRound(matches, 0)) expect(m.a !== null || m.b !== null).toBe(true);
				// Everyone plays round 0 exactly once.
				expect(byRound(matches, 0).flatMap((m) => [m.a?.id, m.b?.id]).filter(Boolean).sort()).toEqual(people(n).map((p) => p.id));

				let k = 0;
				const played = play(matches, () => ({ score: noise[k++ % noise.length], tie: (k * 7919) % 13 === 0 ? null : k }));
				const champion = bracketChampion(played);
				expect(champion).not.toBeNull();
				expect(played.every((m) => m.winner !== null)).toBe(true);
				// No byes after round 0: every later match had two entrants.
				for (const m of played) if (m.round > 0) expect(m.a !== null && m.b !== null).toBe(true);
				// Everyone but the champion lost exactly once.
				const losers = bracketLosers(played);
				expect(losers.size).toBe(n - 1);
				expect(losers.has(champion!)).toBe(false);
			}),
			{ numRuns: 3 }
		);
	});

	test('every size 4..64: the top seeds, when always winning, meet only in the final (1 v 2)', () => {
		for (let n = 4; n <= 64; n++) {
			const played = play(seedBracket(people(n), { startsAt, roundMs }), (_round, id) => ({ score: 100 - Number(id.slice(1)), tie: 1 }));
			const final = played.find((m) => m.round === bracketRounds(n) - 1)!;
			expect([final.a?.seed, final.b?.seed]).toEqual([1, 2]);
			expect(bracketChampion(played)).toBe('p01');
		}
	});
});
