import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { applyAfterFreeze, countsForContest, freezesAt, judgeEvent, rankStandings } from '$lib/server/contests/rules';

const start = new Date('2026-03-02T09:00:00Z');
const end = new Date('2026-03-02T17:00:00Z');
const grace = 10 * 60_000;
const at = (iso: string) => new Date(iso);

describe('which events count', () => {
	test('an event inside [start, end) received at once counts', () => {
		expect(countsForContest(at('2026-03-02T12:00:00Z'), at('2026-03-02T12:00:01Z'), start, end, grace)).toBe(true);
	});

	test('the start is included and the end is not', () => {
		expect(countsForContest(start, start, start, end, grace)).toBe(true);
		expect(countsForContest(end, end, start, end, grace)).toBe(false);
		expect(countsForContest(new Date(start.getTime() - 1), start, start, end, grace)).toBe(false);
	});

	test('a late event inside the grace period counts; one received after it does not', () => {
		const lastMinute = at('2026-03-02T16:59:00Z');
		expect(countsForContest(lastMinute, at('2026-03-02T17:09:59Z'), start, end, grace)).toBe(true);
		expect(countsForContest(lastMinute, at('2026-03-02T17:10:00Z'), start, end, grace)).toBe(false);
		expect(countsForContest(lastMinute, at('2026-03-02T17:00:00Z'), start, end, 0)).toBe(false);
	});

	test('without an end (race to target), everything from the start counts', () => {
		expect(countsForContest(at('2027-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), start, null, grace)).toBe(true);
		expect(countsForContest(at('2026-03-01T00:00:00Z'), at('2026-03-03T00:00:00Z'), start, null, grace)).toBe(false);
	});

	test('the results freeze at end + grace', () => {
		expect(freezesAt(end, grace).toISOString()).toBe('2026-03-02T17:10:00.000Z');
	});

	test('property: an event counts exactly when it occurred in [start, end) and arrived before the freeze', () => {
		fc.assert(
			fc.property(fc.integer({ min: -1e8, max: 1e8 }), fc.integer({ min: 0, max: 1e8 }), fc.integer({ min: 0, max: 3_600_000 }), (occurredOffset, delay, graceMs) => {
				const occurred = new Date(start.getTime() + occurredOffset);
				const received = new Date(occurred.getTime() + delay);
				const expected = occurred >= start && occurred < end && received < freezesAt(end, graceMs);
				expect(countsForContest(occurred, received, start, end, graceMs)).toBe(expected);
			})
		);
	});
});

describe('after the freeze', () => {
	const window = { startsAt: start, endsAt: end, graceMs: grace };

	test('a late event for the contest’s time, after the freeze, is ignored; a correction becomes a note', () => {
		const occurredAt = at('2026-03-02T15:00:00Z');
		const afterFreeze = at('2026-03-02T18:00:00Z');
		expect(judgeEvent({ occurredAt, receivedAt: afterFreeze }, window)).toBe('late');
		expect(judgeEvent({ occurredAt, receivedAt: afterFreeze, correction: true }, window)).toBe('note');
	});

	test('a correction inside the grace period still changes the standings', () => {
		expect(judgeEvent({ occurredAt: at('2026-03-02T15:00:00Z'), receivedAt: at('2026-03-02T17:05:00Z'), correction: true }, window)).toBe('counts');
	});

	test('an event outside the contest’s time is outside, whenever it arrives', () => {
		expect(judgeEvent({ occurredAt: at('2026-03-02T17:00:00Z'), receivedAt: at('2026-03-02T17:00:00Z') }, window)).toBe('outside');
		expect(judgeEvent({ occurredAt: at('2026-03-02T08:59:59Z'), receivedAt: at('2026-03-02T18:00:00Z'), correction: true }, window)).toBe('outside');
	});

	test('a correction after the freeze leaves the frozen results exactly as they were, and yields a note naming who and how much', () => {
		const frozen = rankStandings([
			{ id: 'ana', score: 10, tie: 3 },
			{ id: 'bo', score: 8, tie: 5 }
		]);
		const snapshot = structuredClone(frozen);
		const { results, note } = applyAfterFreeze(frozen, {
			eventId: 3,
			participant: { id: 'ana', name: 'Ana' },
			delta: -5,
			receivedAt: at('2026-03-02T18:00:00Z')
		});
		expect(results).toEqual(snapshot);
		expect(note).toEqual({
			key: 'contests.rules.note.correctionAfterFreeze',
			params: { name: 'Ana', delta: -5, eventId: 3, at: '2026-03-02T18:00:00.000Z' }
		});
	});
});
