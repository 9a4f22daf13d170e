import { describe, expect, test } from 'vitest';
import { finalStretchAt, momentsBetween } from '$lib/server/contests/rules';

const ctx = { contestId: 'c1', contestName: 'Power hour', at: new Date('2026-06-01T10:00:00Z') };
const base = { contestId: 'c1', contestName: 'Power hour', at: '2026-06-01T10:00:00.000Z' };
const r = (id: string, score: number, tie: number | null = null) => ({ id, name: id.toUpperCase(), score, tie });

describe('momentsBetween', () => {
	test('a new leader is announced when the leader changes', () => {
		expect(momentsBetween([r('a', 5, 1), r('b', 3, 2)], [r('a', 5, 1), r('b', 6, 3)], ctx)).toEqual([
			{ ...base, type: 'new_leader', participant: { id: 'b', name: 'B' } }
		]);
	});

	test('the first score of the contest makes a new leader; nobody leads at 0', () => {
		expect(momentsBetween([r('a', 0), r('b', 0)], [r('a', 0), r('b', 0)], ctx)).toEqual([]);
		expect(momentsBetween([r('a', 0), r('b', 0)], [r('a', 0), r('b', 2, 1)], ctx)).toMatchObject([{ type: 'new_leader', participant: { id: 'b' } }]);
		expect(momentsBetween([], [r('a', 1, 1)], ctx)).toMatchObject([{ type: 'new_leader', participant: { id: 'a' } }]);
	});

	test('catching up with the leader is not leading: equal scores go to who got there first', () => {
		expect(momentsBetween([r('a', 5, 1), r('b', 3, 2)], [r('a', 5, 1), r('b', 5, 3)], ctx)).toEqual([]);
	});

	test('the same leader scoring more, or the rows reordered, is no moment', () => {
		expect(momentsBetween([r('a', 5, 1), r('b', 3, 2)], [r('b', 3, 2), r('a', 9, 4)], ctx)).toEqual([]);
	});

	test('a correction that drops the leader to 0 with nobody above announces nobody', () => {
		expect(momentsBetween([r('a', 5, 1), r('b', 0)], [r('a', 0, 2), r('b', 0)], ctx)).toEqual([]);
	});

	test('target reached: each one crossing the target, in standings order, once', () => {
		const moments = momentsBetween([r('a', 90, 1), r('b', 80, 2), r('c', 100, 3)], [r('a', 100, 5), r('b', 120, 4), r('c', 110, 6)], { ...ctx, target: 100 });
		expect(moments.filter((m) => m.type === 'target_reached').map((m) => m.participant?.id)).toEqual(['b', 'a']);
		const again = momentsBetween([r('a', 90, 1)], [r('a', 100, 2)], { ...ctx, target: 100, reached: new Set(['a']) });
		expect(again.filter((m) => m.type === 'target_reached')).toEqual([]);
	});

	test('per-participant targets (percent of target)', () => {
		const moments = momentsBetween([r('a', 40, 1), r('b', 40, 2)], [r('a', 50, 3), r('b', 50, 4)], { ...ctx, targets: { a: 50, b: 60 } });
		expect(moments.filter((m) => m.type === 'target_reached').map((m) => m.participant?.id)).toEqual(['a']);
	});

	test('milestones of a team challenge, from the sums or from given totals', () => {
		const moments = momentsBetween([r('a', 10, 1), r('b', 10, 2)], [r('a', 30, 3), r('b', 25, 4)], { ...ctx, challenge: { target: 100 } });
		expect(moments.filter((m) => m.type === 'milestone')).toEqual([
			{ ...base, type: 'milestone', milestone: 25 },
			{ ...base, type: 'milestone', milestone: 50 }
		]);
		const given = momentsBetween([], [], { ...ctx, challenge: { target: 100, before: 70, after: 100, reached: [25, 50] } });
		expect(given.map((m) => m.milestone)).toEqual([75, 100]);
	});
});

describe('finalStretchAt', () => {
	test('ten minutes before the end', () => {
		expect(finalStretchAt(new Date('2026-06-01T17:00:00Z'))?.toISOString()).toBe('2026-06-01T16:50:00.000Z');
	});

	test('none without an end, nor for a contest of ten minutes or less', () => {
		expect(finalStretchAt(null)).toBeNull();
		expect(finalStretchAt(new Date('2026-06-01T10:10:00Z'), new Date('2026-06-01T10:00:00Z'))).toBeNull();
		expect(finalStretchAt(new Date('2026-06-01T10:11:00Z'), new Date('2026-06-01T10:00:00Z'))?.toISOString()).toBe('2026-06-01T10:01:00.000Z');
	});
});
