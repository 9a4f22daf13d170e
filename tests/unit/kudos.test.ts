// The kudos allowance's month window in several time zones (a DST zone, one ahead of UTC, one behind),
// the input schemas (messages, points, recipients, values' emoji or colour), and the feed store's merging.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { allowanceWindow, allowancesSchema, giveKudosSchema, KUDOS_MESSAGE_MAX, valueInputSchema, type KudosView } from '../../src/lib/shared/kudos';
import { merged, withNew, withReaction } from '../../src/lib/realtime/kudos.svelte';

describe('the allowance month window', () => {
	test.each([
		// [zone, an instant, its local month's first instant, the next month's first instant]
		['UTC', '2026-11-30T23:59:59Z', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
		// Shanghai is UTC+8: 16:00 UTC on 30 November is already 1 December there.
		['Asia/Shanghai', '2026-11-30T16:00:00Z', '2026-11-30T16:00:00Z', '2026-12-31T16:00:00Z'],
		['Asia/Shanghai', '2026-11-30T15:59:59Z', '2026-10-31T16:00:00Z', '2026-11-30T16:00:00Z'],
		// New York: EDT (UTC−4) in October, EST (UTC−5) from 1 November 2026 (DST ends that morning).
		['America/New_York', '2026-11-01T03:59:59Z', '2026-10-01T04:00:00Z', '2026-11-01T04:00:00Z'],
		['America/New_York', '2026-11-01T04:00:00Z', '2026-11-01T04:00:00Z', '2026-12-01T05:00:00Z'],
		// March 2027: the month starts in EST and the next one in EDT.
		['America/New_York', '2027-03-20T12:00:00Z', '2027-03-01T05:00:00Z', '2027-04-01T04:00:00Z'],
		// Lord Howe shifts by 30 minutes (UTC+11 in summer): its month still starts at local midnight.
		['Australia/Lord_Howe', '2026-12-15T00:00:00Z', '2026-11-30T13:00:00Z', '2026-12-31T13:00:00Z']
	])('in %s, %s counts from %s until %s', (zone, at, start, end) => {
		const w = allowanceWindow(new Date(at), zone);
		expect(w.start.toISOString()).toBe(new Date(start).toISOString());
		expect(w.end.toISOString()).toBe(new Date(end).toISOString());
	});

	test('every instant lies in its window, and the next window starts where it ends (any zone)', () => {
		const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Sao_Paulo'];
		fc.assert(
			fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
				const w = allowanceWindow(ms, zone);
				expect(w.start.getTime()).toBeLessThanOrEqual(ms);
				expect(w.end.getTime()).toBeGreaterThan(ms);
				expect(allowanceWindow(w.end, zone).start.getTime()).toBe(w.end.getTime());
				const local = new Intl.DateTimeFormat('en-CA', { timeZone: zone, day: 'numeric' }).format(w.start);
				expect(local).toBe('1');
			}),
			{ numRuns: 300 }
		);
	});
});

describe('kudos input', () => {
	const uuid = () => crypto.randomUUID();
	const valid = () => ({ to: [uuid()], value: uuid(), message: 'Thanks!', points: '10' });
	const fieldsOf = (input: unknown) => {
		const r = giveKudosSchema.safeParse(input);
		return r.success ? [] : r.error.issues.map((i) => i.path[0]);
	};

	test('accepts 1..500 characters, trims, and turns form strings into numbers', () => {
		const r = giveKudosSchema.parse({ ...valid(), message: '  hello  ', to: uuid() });
		expect(r).toMatchObject({ message: 'hello', points: 10 });
		expect(r.to).toHaveLength(1);
		expect(fieldsOf({ ...valid(), message: 'x'.repeat(KUDOS_MESSAGE_MAX) })).toEqual([]);
		expect(giveKudosSchema.parse({ ...valid(), points: '' }).points).toBe(0);
	});

	test('refuses an empty or over-long message, bad points, no recipients, and unstorable text, naming the field', () => {
		expect(fieldsOf({ ...valid(), message: '   ' })).toEqual(['message']);
		expect(fieldsOf({ ...valid(), message: 'x'.repeat(KUDOS_MESSAGE_MAX + 1) })).toEqual(['message']);
		expect(fieldsOf({ ...valid(), message: 'a\u0000b' })).toEqual(['message']);
		expect(fieldsOf({ ...valid(), points: '-1' })).toEqual(['points']);
		expect(fieldsOf({ ...valid(), points: '2.5' })).toEqual(['points']);
		expect(fieldsOf({ ...valid(), points: '1001' })).toEqual(['points']);
		expect(fieldsOf({ ...valid(), to: [] })).toEqual(['to']);
		expect(fieldsOf({ ...valid(), to: ['not-an-id'] })).toEqual(['to']);
		expect(fieldsOf({ ...valid(), to: Array.from({ length: 21 }, uuid) })).toEqual(['to']);
		expect(fieldsOf({ ...valid(), value: 'x' })).toEqual(['value']);
	});

	test('a value needs a name and an emoji or a colour', () => {
		expect(valueInputSchema.parse({ name: { en: 'Own it', 'zh-CN': '' }, emoji: '🚀', color: '' })).toEqual({ name: { en: 'Own it' }, description: {}, emoji: '🚀', color: null });
		expect(valueInputSchema.parse({ name: 'Own it', color: '#0EA5E9' }).color).toBe('#0ea5e9');
		const issues = (input: unknown) => valueInputSchema.safeParse(input).error?.issues.map((i) => i.path[0]);
		expect(issues({ name: 'Own it' })).toEqual(['emoji']);
		expect(issues({ name: 'Own it', emoji: 'abc' })).toEqual(['emoji']);
		expect(issues({ name: 'Own it', color: 'red' })).toEqual(['color']);
		expect(issues({ name: { en: ' ', 'zh-CN': '' }, emoji: '⭐' })).toEqual(['name']);
	});

	test('allowances are whole, non-negative points per role', () => {
		expect(allowancesSchema.parse({ rep: '100', leader: '200', admin: '0' })).toEqual({ rep: 100, leader: 200, admin: 0 });
		expect(allowancesSchema.safeParse({ rep: '-5', leader: '200', admin: '0' }).success).toBe(false);
	});
});

describe('the live feed store', () => {
	const k = (id: string, createdAt: string, extra: Partial<KudosView> = {}): KudosView => ({
		id,
		from: { id: 'g', name: 'Gina' },
		to: [{ id: 'r', name: 'Rita' }],
		message: 'Thanks',
		value: { id: 'v', name: { en: 'Own it' }, emoji: '🚀', color: null },
		points: 0,
		createdAt,
		spotlight: false,
		reactions: {},
		mine: [],
		...extra
	});

	test('a kudos heard twice shows once, on top', () => {
		const a = k('a', '2026-11-30T10:00:00Z');
		const b = k('b', '2026-11-30T11:00:00Z');
		expect(withNew(withNew([a], b), b).map((x) => x.id)).toEqual(['b', 'a']);
	});

	test('reaction counts change for everyone; "mine" only for the one who reacted', () => {
		const items = [k('a', '2026-11-30T10:00:00Z', { mine: ['👏'], reactions: { '👏': 1 } })];
		const theirs = withReaction(items, { id: 'a', reactions: { '👏': 1, '🔥': 1 }, userId: 'someone', emoji: '🔥', on: true }, 'me');
		expect(theirs[0]).toMatchObject({ reactions: { '👏': 1, '🔥': 1 }, mine: ['👏'] });
		const mine = withReaction(theirs, { id: 'a', reactions: { '🔥': 1 }, userId: 'me', emoji: '👏', on: false }, 'me');
		expect(mine[0]).toMatchObject({ reactions: { '🔥': 1 }, mine: [] });
	});

	test('a fresh first page replaces its rows, keeps older ones loaded, and drops what it no longer lists', () => {
		const old = [k('c', '2026-11-30T12:00:00Z'), k('hidden', '2026-11-30T11:00:00Z'), k('a', '2026-11-29T10:00:00Z')];
		const fresh = [k('d', '2026-11-30T13:00:00Z'), k('c', '2026-11-30T12:00:00Z', { spotlight: true }), k('b', '2026-11-30T10:00:00Z')];
		const out = merged(old, fresh);
		expect(out.map((x) => x.id)).toEqual(['d', 'c', 'b', 'a']);
		expect(out[1].spotlight).toBe(true);
	});
});
