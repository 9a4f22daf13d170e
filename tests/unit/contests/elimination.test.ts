import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { eliminationEnd, eliminationTimes, replayEliminations, whoIsEliminated, type EliminationRow } from '$lib/server/contests/rules';

const start = new Date('2026-05-04T09:00:00Z');
const hour = 3_600_000;
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('elimination times', () => {
	test('n − 1 eliminations, one every interval, and the contest ends when one remains', () => {
		expect(iso(eliminationTimes(start, null, hour, 4))).toEqual(['2026-05-04T10:00:00.000Z', '2026-05-04T11:00:00.000Z', '2026-05-04T12:00:00.000Z']);
		expect(eliminationEnd(start, null, hour, 4)?.toISOString()).toBe('2026-05-04T12:00:00.000Z');
		expect(eliminationEnd(start, new Date('2026-05-05T00:00:00Z'), hour, 4)?.toISOString()).toBe('2026-05-04T12:00:00.000Z');
	});

	test('with an end, only the eliminations before it happen; the end then ranks those remaining', () => {
		const end = new Date('2026-05-04T11:00:00Z');
		expect(iso(eliminationTimes(start, end, hour, 5))).toEqual(['2026-05-04T10:00:00.000Z']);
		expect(eliminationEnd(start, end, hour, 5)).toEqual(end);
	});

	test('fewer than two participants: nothing to eliminate', () => {
		expect(eliminationTimes(start, null, hour, 1)).toEqual([]);
		expect(eliminationTimes(start, null, 0, 5)).toEqual([]);
	});
});

describe('whoIsEliminated', () => {
	const r = (id: string, score: number, tie: number | null, seed?: number): EliminationRow => ({ id, score, tie, seed });

	test('the lowest score goes', () => {
		expect(whoIsEliminated([r('a', 5, 1), r('b', 2, 2), r('c', 9, 3)])?.id).toBe('b');
	});

	test('on a tie at the bottom, who reached that score last goes', () => {
		expect(whoIsEliminated([r('first', 2, 4), r('last', 2, 8), r('top', 9, 1)])?.id).toBe('last');
	});

	test('who never scored goes before who scored, on the same score', () => {
		expect(whoIsEliminated([r('corrected', 0, 3), r('never', 0, null)])?.id).toBe('never');
	});

	test('a lower score goes even if it was reached earlier', () => {
		expect(whoIsEliminated([r('a', 1, 1), r('b', 2, 99)])?.id).toBe('a');
	});

	test('among several who never scored: the worst seed goes; without seeds, the largest id', () => {
		expect(whoIsEliminated([r('a', 0, null, 3), r('b', 0, null, 7), r('c', 0, null, 5)])?.id).toBe('b');
		expect(whoIsEliminated([r('a', 0, null), r('c', 0, null), r('b', 0, null)])?.id).toBe('c');
		expect(whoIsEliminated([r('a', 0, null, 1), r('b', 0, null)])?.id).toBe('b');
	});

	test('with one or nobody remaining, nobody is eliminated', () => {
		expect(whoIsEliminated([r('a', 0, null)])).toBeNull();
		expect(whoIsEliminated([])).toBeNull();
	});

	test('property: the eliminated one is never ahead of anyone, and the result does not depend on the order', () => {
		const rows = fc.uniqueArray(
			fc.record({ id: fc.string({ minLength: 1, maxLength: 3 }), score: fc.integer({ min: 0, max: 4 }), tie: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }), seed: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) }),
			{ selector: (x) => x.id, minLength: 2, maxLength: 20 }
		);
		fc.assert(
			fc.property(rows, (input) => {
				const out = whoIsEliminated(input)!;
				expect(whoIsEliminated([...input].reverse())!.id).toBe(out.id);
				for (const other of input) {
					expect(other.score).toBeGreaterThanOrEqual(out.score);
					if (other.score === out.score && out.tie !== null) {
						expect(other.tie === null ? false : other.tie <= out.tie).toBe(true);
					}
				}
			})
		);
	});
});

describe('replayEliminations', () => {
	test('leaves one at a time on cumulative scores until one remains; absent from the standings means never scored', () => {
		const times = eliminationTimes(start, null, hour, 4);
		// Cumulative scores at each elimination time.
		const scores: Record<string, Record<string, [number, number]>> = {
			'2026-05-04T10:00:00.000Z': { ana: [3, 1], bo: [3, 2], cy: [5, 3] },
			'2026-05-04T11:00:00.000Z': { ana: [4, 5], bo: [3, 2], cy: [6, 6] },
			'2026-05-04T12:00:00.000Z': { ana: [7, 9], bo: [9, 8], cy: [7, 7] }
		};
		const result = replayEliminations(times, ['ana', 'bo', 'cy', 'dee'], (at, remaining) =>
			Object.entries(scores[at.toISOString()])
				.filter(([id]) => remaining.includes(id))
				.map(([id, [score, tie]]) => ({ id, score, tie }))
		);
		// dee never scored; then bo has the lowest score; then ana and cy tie at 7 and ana got there last.
		expect(result.eliminated.map((e) => [e.id, e.at.toISOString()])).toEqual([
			['dee', '2026-05-04T10:00:00.000Z'],
			['bo', '2026-05-04T11:00:00.000Z'],
			['ana', '2026-05-04T12:00:00.000Z']
		]);
		expect(result.remaining).toEqual(['cy']);
	});
});
