// The transparency lens: who is limited and how, and what a limited viewer receives of a row.
import { describe, expect, test } from 'vitest';
import { DEFAULT_TRANSPARENCY, lensOf, maskActivity, maskRow, restrictsReps, transparencySettingsSchema } from '../../src/lib/shared/transparency';

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
