import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isDecided, raceToTargetWinners, type RaceEvent } from '$lib/server/contests/rules';

const ev = (eventId: number, participant: string, delta: number): RaceEvent => ({ eventId, participant, delta });

describe('raceToTargetWinners', () => {
	test('places go in the order participants reached the target, with the crossing event', () => {
		const winners = raceToTargetWinners([ev(1, 'a', 60), ev(2, 'b', 100), ev(3, 'a', 40), ev(4, 'c', 30)], { target: 100, places: 3 });
		expect(winners.map((w) => [w.participant, w.place, w.eventId])).toEqual([
			['b', 1, 2],
			['a', 2, 3]
		]);
	});

	test('exactly reaching the target crosses it', () => {
		expect(raceToTargetWinners([ev(1, 'a', 99), ev(2, 'a', 1)], { target: 100, places: 1 })).toMatchObject([{ participant: 'a', eventId: 2 }]);
	});

	test('log order decides, not the order the rows are given in', () => {
		const winners = raceToTargetWinners([ev(9, 'late', 100), ev(3, 'early', 100)], { target: 100, places: 2 });
		expect(winners.map((w) => w.participant)).toEqual(['early', 'late']);
	});

	test('no more winners than places', () => {
		const winners = raceToTargetWinners([ev(1, 'a', 5), ev(2, 'b', 5), ev(3, 'c', 5)], { target: 5, places: 2 });
		expect(winners.map((w) => w.participant)).toEqual(['a', 'b']);
	});

	test('two participants crossing on the same event share the place; the next place is skipped', () => {
		const winners = raceToTargetWinners([ev(1, 'y', 10), ev(1, 'x', 10), ev(2, 'z', 10)], { target: 10, places: 3 });
		expect(winners.map((w) => [w.participant, w.place])).toEqual([
			['x', 1],
			['y', 1],
			['z', 3]
		]);
	});

	test('a correction that takes a winner back below the target keeps the place, flagged for a leader', () => {
		const winners = raceToTargetWinners([ev(1, 'a', 100), ev(2, 'a', -30), ev(3, 'b', 100)], { target: 100, places: 1 });
		expect(winners).toEqual([{ participant: 'a', place: 1, eventId: 1, total: 70, below: true }]);
	});

	test('crossing again after a correction does not give a second place', () => {
		const winners = raceToTargetWinners([ev(1, 'a', 100), ev(2, 'a', -30), ev(3, 'a', 50), ev(4, 'b', 100)], { target: 100, places: 2 });
		expect(winners.map((w) => [w.participant, w.place, w.below])).toEqual([
			['a', 1, false],
			['b', 2, false]
		]);
	});

	test('a correction before crossing delays the crossing', () => {
		const winners = raceToTargetWinners([ev(1, 'a', 90), ev(2, 'a', -50), ev(3, 'b', 100), ev(4, 'a', 60)], { target: 100, places: 2 });
		expect(winners.map((w) => [w.participant, w.eventId])).toEqual([
			['b', 3],
			['a', 4]
		]);
	});

	test('property: winners are exactly the first to reach the target, each once, in crossing order', () => {
		const events = fc.array(fc.record({ participant: fc.constantFrom('a', 'b', 'c', 'd', 'e'), delta: fc.integer({ min: -20, max: 40 }) }), { maxLength: 60 });
		fc.assert(
			fc.property(events, fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 5 }), (rows, target, places) => {
				const log = rows.map((r, i) => ev(i + 1, r.participant, r.delta));
				const winners = raceToTargetWinners(log, { target, places });
				// Brute force: the first event at which each participant's running total is >= target.
				const totals = new Map<string, number>();
				const firstCross: { participant: string; eventId: number }[] = [];
				for (const e of log) {
					const t = (totals.get(e.participant) ?? 0) + e.delta;
					totals.set(e.participant, t);
					if (t >= target && !firstCross.some((c) => c.participant === e.participant)) firstCross.push({ participant: e.participant, eventId: e.eventId });
				}
				expect(winners.map((w) => ({ participant: w.participant, eventId: w.eventId }))).toEqual(firstCross.slice(0, places));
				expect(winners.map((w) => w.place)).toEqual(winners.map((_, i) => i + 1));
				for (const w of winners) expect(w.below).toBe((totals.get(w.participant) ?? 0) < target);
			})
		);
	});
});

describe('isDecided', () => {
	test('decided once every place is taken', () => {
		expect(isDecided([{ place: 1 }, { place: 2 }], 3, 10)).toBe(false);
		expect(isDecided([{ place: 1 }, { place: 2 }, { place: 3 }], 3, 10)).toBe(true);
	});

	test('decided when every participant has a place, even with places left', () => {
		expect(isDecided([{ place: 1 }, { place: 2 }], 3, 2)).toBe(true);
	});

	test('shared places count every winner', () => {
		expect(isDecided([{ place: 1 }, { place: 1 }], 2, 5)).toBe(true);
	});

	test('nobody yet: not decided; an open-ended race is decided by its first winner', () => {
		expect(isDecided([], 1, 5)).toBe(false);
		expect(isDecided([], 3, 5, { openEnded: true })).toBe(false);
		expect(isDecided([{ place: 1 }], 3, 5, { openEnded: true })).toBe(true);
	});
});
