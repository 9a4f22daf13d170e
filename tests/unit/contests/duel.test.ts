import { describe, expect, test } from 'vitest';
import { answerDuel, duelLapsesAt, duelStateAt, validateDuel } from '$lib/server/contests/rules';

const hour = 3_600_000;
const proposedAt = new Date('2026-07-01T09:00:00Z');
const duel = { state: 'proposed' as const, opponent: 'bo', proposedAt, durationMs: 2 * hour };

describe('duel', () => {
	test('a duel with yourself is refused, naming the opponent field', () => {
		expect(validateDuel({ challenger: 'ana', opponent: 'ana', durationMs: hour })).toEqual([{ path: 'participants.members', message: 'contests.rules.duelSelf' }]);
	});

	test('a duel lasts 1 hour to 7 days', () => {
		expect(validateDuel({ challenger: 'ana', opponent: 'bo', durationMs: hour })).toEqual([]);
		expect(validateDuel({ challenger: 'ana', opponent: 'bo', durationMs: 7 * 24 * hour })).toEqual([]);
		expect(validateDuel({ challenger: 'ana', opponent: 'bo', durationMs: hour - 1 })).toEqual([{ path: 'endsAt', message: 'contests.rules.duelDuration' }]);
		expect(validateDuel({ challenger: 'ana', opponent: 'bo', durationMs: 7 * 24 * hour + 1 })).toEqual([{ path: 'endsAt', message: 'contests.rules.duelDuration' }]);
	});

	test('an unanswered proposal lapses 24 hours later', () => {
		expect(duelLapsesAt(proposedAt).toISOString()).toBe('2026-07-02T09:00:00.000Z');
		expect(duelStateAt('proposed', proposedAt, new Date('2026-07-02T08:59:59Z'))).toBe('proposed');
		expect(duelStateAt('proposed', proposedAt, new Date('2026-07-02T09:00:00Z'))).toBe('lapsed');
		expect(duelStateAt('live', proposedAt, new Date('2026-07-09T09:00:00Z'))).toBe('live');
	});

	test('accepting starts the duel at once, for its duration', () => {
		const at = new Date('2026-07-01T15:00:00Z');
		expect(answerDuel(duel, { by: 'bo', answer: 'accept', at })).toEqual({ ok: true, state: 'live', startsAt: at, endsAt: new Date('2026-07-01T17:00:00Z') });
	});

	test('declining ends it', () => {
		expect(answerDuel(duel, { by: 'bo', answer: 'decline', at: new Date('2026-07-01T15:00:00Z') })).toEqual({ ok: true, state: 'declined' });
	});

	test('only the opponent answers, only once, and only before it lapses', () => {
		const at = new Date('2026-07-01T15:00:00Z');
		expect(answerDuel(duel, { by: 'ana', answer: 'accept', at })).toEqual({ ok: false, message: 'contests.rules.duelNotOpponent' });
		expect(answerDuel({ ...duel, state: 'declined' }, { by: 'bo', answer: 'accept', at })).toEqual({ ok: false, message: 'contests.rules.duelNotProposed' });
		expect(answerDuel({ ...duel, state: 'live' }, { by: 'bo', answer: 'decline', at })).toEqual({ ok: false, message: 'contests.rules.duelNotProposed' });
		expect(answerDuel(duel, { by: 'bo', answer: 'accept', at: new Date('2026-07-02T09:00:00Z') })).toEqual({ ok: false, message: 'contests.rules.duelLapsed' });
	});
});
