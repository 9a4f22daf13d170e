// The transparency lens: who is limited and how, and what a limited viewer receives of a row.
import { describe, expect, test } from 'vitest';
import { DEFAULT_TRANSPARENCY, gapBefore, lensOf, maskActivity, maskPair, maskRow, restrictsReps, transparencySettingsSchema, viewStandings, type BoardLens } from '../../src/lib/shared/transparency';

const ranksTop = { ...DEFAULT_TRANSPARENCY, view: 'top' as const, topN: 3, neighbours: 1, values: 'ranks' as const };

describe('lensOf', () => {
	test('the defaults limit nobody', () => {
		expect(restrictsReps(DEFAULT_TRANSPARENCY)).toBe(false);
		expect(lensOf(DEFAULT_TRANSPARENCY, { role: 'rep', userId: 'r' })).toEqual({ kind: 'full' });
	});
	test('only reps are limited: leaders, admins, tokens and sockets without a member see everything', () => {
		for (const role of ['leader', 'admin', 'token', 'display']) expect(lensOf(ranksTop, { role, userId: role === 'token' ? null : 'u' })).toEqual({ kind: 'full' });
		expect(lensOf(ranksTop, { role: 'rep', userId: null })).toEqual({ kind: 'full' });
		expect(lensOf(ranksTop, { role: 'rep', userId: 'r' })).toEqual({ kind: 'limited', self: 'r', topN: 3, neighbours: 1, values: false });
	});
	test('ranks only on the whole board keeps every row', () => {
		expect(lensOf({ ...DEFAULT_TRANSPARENCY, values: 'ranks' }, { role: 'rep', userId: 'r' })).toEqual({ kind: 'limited', self: 'r', topN: null, neighbours: 0, values: false });
	});
});

describe('masking', () => {
	const lens = lensOf(ranksTop, { role: 'rep', userId: 'me' });
	test('others’ values become null, the viewer’s own stays', () => {
		expect(maskRow({ id: 'x', score: 40 }, lens)).toEqual({ id: 'x', score: null });
		expect(maskRow({ id: 'me', score: 30 }, lens)).toEqual({ id: 'me', score: 30 });
		expect(maskActivity({ userId: 'x', value: 5, points: 5 }, lens)).toEqual({ userId: 'x', value: null, points: null });
		expect(maskActivity({ userId: 'me', value: 5, points: 5 }, lens)).toEqual({ userId: 'me', value: 5, points: 5 });
	});
	test('with values shown, nothing is masked', () => {
		const values = lensOf({ ...ranksTop, values: 'all' }, { role: 'rep', userId: 'me' });
		expect(maskRow({ id: 'x', score: 40 }, values)).toEqual({ id: 'x', score: 40 });
	});
});

describe('the settings schema', () => {
	test('form fields parse; a missing checkbox is false; bad values name their field', () => {
		expect(transparencySettingsSchema.parse({ view: 'top', topN: '3', neighbours: '0', values: 'ranks' })).toEqual({ view: 'top', topN: 3, neighbours: 0, values: 'ranks', allowHiding: false });
		expect(transparencySettingsSchema.parse({ view: 'full', topN: '10', neighbours: '2', values: 'all', allowHiding: 'on' }).allowHiding).toBe(true);
		for (const [input, field] of [
			[{ view: 'top', topN: '0', neighbours: '1', values: 'all' }, 'topN'],
			[{ view: 'top', topN: '3.5', neighbours: '1', values: 'all' }, 'topN'],
			[{ view: 'top', topN: '3', neighbours: '99', values: 'all' }, 'neighbours'],
			[{ view: 'nope', topN: '3', neighbours: '1', values: 'all' }, 'view']
		] as const) {
			const parsed = transparencySettingsSchema.safeParse(input);
			expect(parsed.success).toBe(false);
			expect(parsed.error?.issues.map((i) => i.path[0])).toContain(field);
		}
	});
});

describe('contest standings for a limited viewer', () => {
	// Ten people in rank order, the reader seventh; ranks 3 and 4 share a place.
	const rows = [1, 2, 3, 3, 5, 6, 7, 8, 9, 10].map((rank, i) => ({ id: `p${i + 1}`, rank, score: 100 - i * 10, tie: i + 1, progress: (100 - i * 10) / 100 }));
	const limited = (over: Partial<Extract<BoardLens, { kind: 'limited' }>>): BoardLens => ({ kind: 'limited', self: 'p7', topN: null, neighbours: 0, values: true, ...over });

	test('the full lens changes nothing', () => {
		expect(viewStandings(rows, { kind: 'full' })).toBe(rows);
	});
	test('top 3 with one row either side of the reader', () => {
		expect(viewStandings(rows, limited({ topN: 3, neighbours: 1 })).map((r) => r.id)).toEqual(['p1', 'p2', 'p3', 'p6', 'p7', 'p8']);
	});
	test('a neighbourhood that overlaps the top lists each row once', () => {
		expect(viewStandings(rows, limited({ self: 'p4', topN: 3, neighbours: 2 })).map((r) => r.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
	});
	test('a reader who takes no part sees the top N only', () => {
		expect(viewStandings(rows, limited({ self: 'nobody', topN: 2, neighbours: 3 })).map((r) => r.id)).toEqual(['p1', 'p2']);
	});
	test('ranks only: others lose score, tie-break and progress; the reader keeps theirs', () => {
		const seen = viewStandings(rows, limited({ values: false }));
		expect(seen).toHaveLength(10);
		expect(seen[0]).toEqual({ id: 'p1', rank: 1, score: null });
		expect(seen[6]).toEqual(rows[6]);
	});
	test('a head-to-head side is masked unless it is the reader', () => {
		const lens = limited({ values: false });
		expect(maskPair({ id: 'p1', score: 12 }, lens)).toEqual({ id: 'p1', score: null });
		expect(maskPair({ id: 'p7', score: 9 }, lens)).toEqual({ id: 'p7', score: 9 });
		expect(maskPair(null, lens)).toBeNull();
		expect(maskPair({ id: 'p1', score: 12 }, limited({}))).toEqual({ id: 'p1', score: 12 });
	});
});

describe('gaps in a limited view', () => {
	test('marked where rows are left out, not where a rank is shared', () => {
		const ranks = [1, 2, 3, 3, 6, 7, 9].map((rank) => ({ rank }));
		expect(ranks.map((_, i) => gapBefore(ranks, i))).toEqual([false, false, false, false, true, false, true]);
		expect(gapBefore([{ rank: 4 }], 0)).toBe(true);
	});
});
