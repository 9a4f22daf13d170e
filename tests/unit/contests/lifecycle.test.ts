import { describe, expect, test } from 'vitest';
import { nextTransition, rankingScore, statusAt, type ContestTimes } from '$lib/server/contests/rules';

const startsAt = new Date('2026-10-01T09:00:00Z');
const endsAt = new Date('2026-10-01T10:00:00Z');
const contest = (status: ContestTimes['status'], end: Date | null = endsAt): ContestTimes => ({ status, startsAt, endsAt: end, graceMs: 600_000 });
const at = (iso: string) => new Date(iso);

describe('lifecycle by time', () => {
	test('scheduled → live at the start → ended at the end → final after the grace period', () => {
		expect(statusAt(contest('scheduled'), at('2026-10-01T08:59:59Z'))).toBe('scheduled');
		expect(statusAt(contest('scheduled'), startsAt)).toBe('live');
		expect(statusAt(contest('live'), at('2026-10-01T09:59:59Z'))).toBe('live');
		expect(statusAt(contest('live'), endsAt)).toBe('ended');
		expect(statusAt(contest('ended'), at('2026-10-01T10:09:59Z'))).toBe('ended');
		expect(statusAt(contest('ended'), at('2026-10-01T10:10:00Z'))).toBe('final');
		// A process that was down through the whole contest catches up in one step.
		expect(statusAt(contest('scheduled'), at('2026-10-02T00:00:00Z'))).toBe('final');
	});

	test('drafts, cancelled and final contests never move by time', () => {
		for (const status of ['draft', 'cancelled', 'final'] as const) expect(statusAt(contest(status), at('2026-10-01T09:30:00Z'))).toBe(status);
		expect(nextTransition(contest('draft'))).toBeNull();
		expect(nextTransition(contest('cancelled'))).toBeNull();
	});

	test('an undecided race to target without an end stays live', () => {
		expect(statusAt(contest('live', null), at('2027-01-01T00:00:00Z'))).toBe('live');
		expect(nextTransition(contest('live', null))).toBeNull();
	});

	test('the next transition and its time', () => {
		expect(nextTransition(contest('scheduled'))).toEqual({ to: 'live', at: startsAt });
		expect(nextTransition(contest('live'))).toEqual({ to: 'ended', at: endsAt });
		expect(nextTransition(contest('ended'))).toEqual({ to: 'final', at: at('2026-10-01T10:10:00Z') });
		expect(nextTransition(contest('final'))).toBeNull();
	});
});

describe('rankingScore', () => {
	test('total, percent of target, average per member', () => {
		expect(rankingScore('total', 42)).toBe(42);
		expect(rankingScore('percent_of_target', 42, { target: 84 })).toBe(50);
		expect(rankingScore('percent_of_target', 42, {})).toBe(0);
		expect(rankingScore('average_per_member', 42, { members: 4 })).toBe(10.5);
		expect(rankingScore('average_per_member', 42)).toBe(0);
	});
});
