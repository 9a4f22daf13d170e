import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { awardPlaces, countsForContest, rankStandings, tallyContest, type ContestEvent } from '$lib/server/contests/rules';

const startsAt = new Date('2026-09-01T09:00:00Z');
const endsAt = new Date('2026-09-01T17:00:00Z');
const graceMs = 10 * 60_000;
const window = { startsAt, endsAt, graceMs };
const e = (eventId: number, participant: string, delta: number, occurred: string, received = occurred, correction = false): ContestEvent => ({
	eventId,
	participant,
	delta,
	occurredAt: new Date(occurred),
	receivedAt: new Date(received),
	correction
});
const podium = (events: ContestEvent[]) =>
	awardPlaces(rankStandings(tallyContest(events, window, ['ana', 'bo', 'cy']).rows), { places: 3 }).map((r) => [r.id, r.score, r.place]);

describe('a race end to end: late events and corrections', () => {
	const day = [e(1, 'ana', 10, '2026-09-01T10:00:00Z'), e(2, 'bo', 10, '2026-09-01T11:00:00Z'), e(3, 'cy', 4, '2026-09-01T12:00:00Z')];

	test('equal totals: who reached the score first wins', () => {
		expect(podium(day)).toEqual([
			['ana', 10, 1],
			['bo', 10, 2],
			['cy', 4, 3]
		]);
	});

	test('a late deal arriving within the grace period still changes the winner', () => {
		expect(podium([...day, e(4, 'bo', 1, '2026-09-01T16:58:00Z', '2026-09-01T17:09:00Z')])).toEqual([
			['bo', 11, 1],
			['ana', 10, 2],
			['cy', 4, 3]
		]);
	});

	test('a late deal arriving after the grace period does not', () => {
		expect(podium([...day, e(4, 'bo', 1, '2026-09-01T16:58:00Z', '2026-09-01T17:10:00Z')])).toEqual(podium(day));
	});

	test('an event after the end does not count, even received at once', () => {
		expect(podium([...day, e(4, 'cy', 50, '2026-09-01T17:00:00Z')])).toEqual(podium(day));
	});

	test('a correction after the freeze becomes a note and the podium stands', () => {
		const correction = e(5, 'ana', -10, '2026-09-01T10:00:00Z', '2026-09-02T08:00:00Z', true);
		const { notes } = tallyContest([...day, correction], window);
		expect(notes).toEqual([correction]);
		expect(podium([...day, correction])).toEqual(podium(day));
	});

	test('a correction within the grace period moves the standings, and the corrected one falls behind who got there first', () => {
		const correction = e(5, 'ana', -6, '2026-09-01T10:00:00Z', '2026-09-01T17:05:00Z', true);
		// ana drops to 4 with event 5; cy reached 4 with event 3, first, so cy is ahead.
		expect(podium([...day, correction])).toEqual([
			['bo', 10, 1],
			['cy', 4, 2],
			['ana', 4, 3]
		]);
	});

	test('participants who never scored are listed with 0 and no tie', () => {
		expect(tallyContest([], window, ['ana']).rows).toEqual([{ id: 'ana', score: 0, tie: null }]);
	});
});

describe('properties', () => {
	const events = fc.array(
		fc.record({
			participant: fc.constantFrom('ana', 'bo', 'cy', 'dee'),
			delta: fc.integer({ min: -5, max: 10 }),
			occurred: fc.integer({ min: -3_600_000, max: 9 * 3_600_000 }),
			delay: fc.integer({ min: 0, max: 3_600_000 }),
			correction: fc.boolean()
		}),
		{ maxLength: 50 }
	);
	const toLog = (rows: { participant: string; delta: number; occurred: number; delay: number; correction: boolean }[]) =>
		rows.map((r, i) => ({
			eventId: i + 1,
			participant: r.participant,
			delta: r.delta,
			occurredAt: new Date(startsAt.getTime() + r.occurred),
			receivedAt: new Date(startsAt.getTime() + r.occurred + r.delay),
			correction: r.correction
		}));

	test('property: the tally is the same whatever order the events are given in', () => {
		fc.assert(
			fc.property(events, (rows) => {
				const log = toLog(rows);
				expect(tallyContest([...log].reverse(), window)).toEqual(tallyContest(log, window));
			})
		);
	});

	test('property: totals are the sums of the counted events, and tie is the last counted event that changed the score', () => {
		fc.assert(
			fc.property(events, (rows) => {
				const log = toLog(rows);
				const { rows: tally } = tallyContest(log, window);
				for (const row of tally) {
					const counted = log.filter((x) => x.participant === row.id && countsForContest(x.occurredAt, x.receivedAt, startsAt, endsAt, graceMs));
					expect(row.score).toBe(counted.reduce((sum, x) => sum + x.delta, 0));
					const changing = counted.filter((x) => x.delta !== 0);
					expect(row.tie).toBe(changing.length === 0 ? null : changing[changing.length - 1].eventId);
				}
			})
		);
	});

	test('property: nothing received after the freeze changes the standings', () => {
		fc.assert(
			fc.property(events, events, (before, after) => {
				const log = toLog(before);
				const frozen = rankStandings(tallyContest(log, window).rows);
				const late = toLog(after).map((x, i) => ({ ...x, eventId: log.length + i + 1, receivedAt: new Date(endsAt.getTime() + graceMs + i) }));
				const again = rankStandings(tallyContest([...log, ...late], window).rows);
				expect(again).toEqual(frozen);
			})
		);
	});
});
