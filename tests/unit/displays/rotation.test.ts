// The rotation every screen of a display computes alike from the server's time, and slide schedules in
// the organization's time zone.
import { describe, expect, test } from 'vitest';
import { epochForStep, scheduledAt, slideAt } from '../../../src/lib/shared/displays/rotation';
import { SLIDE_TYPES, slideScheduleSchema } from '../../../src/lib/shared/displays/slides';
import { displayName, initialsOf, pairInputSchema } from '../../../src/lib/shared/displays/displays';

const slides = [
	{ id: 'a', durationS: 10, schedule: null },
	{ id: 'b', durationS: 20, schedule: null },
	{ id: 'c', durationS: 5, schedule: null }
];
const epoch = Date.UTC(2026, 10, 30, 9, 0, 0);

describe('slideAt', () => {
	test('slides run in order from the epoch, round and round', () => {
		expect(slideAt(slides, epoch, epoch, 'UTC')).toMatchObject({ index: 0, startedAt: epoch, endsAt: epoch + 10_000 });
		expect(slideAt(slides, epoch, epoch + 9_999, 'UTC')?.slide.id).toBe('a');
		expect(slideAt(slides, epoch, epoch + 10_000, 'UTC')).toMatchObject({ index: 1, startedAt: epoch + 10_000, endsAt: epoch + 30_000 });
		expect(slideAt(slides, epoch, epoch + 33_000, 'UTC')?.slide.id).toBe('c');
		expect(slideAt(slides, epoch, epoch + 35_000 * 1000 + 12_000, 'UTC')?.slide.id).toBe('b');
		// Before the epoch too (a clock slightly behind).
		expect(slideAt(slides, epoch, epoch - 1_000, 'UTC')?.slide.id).toBe('c');
	});

	test('two screens with different local clocks agree once they use the server time', () => {
		const server = epoch + 123_456;
		const screenA = { offset: 2_500, local: server - 2_500 };
		const screenB = { offset: -40_000, local: server + 40_000 };
		expect(slideAt(slides, epoch, screenA.local + screenA.offset, 'UTC')).toEqual(slideAt(slides, epoch, screenB.local + screenB.offset, 'UTC'));
	});

	test('a pinned slide stays; one slide never ends; none playable is null', () => {
		expect(slideAt(slides, epoch, epoch + 1_000, 'UTC', 'c')).toMatchObject({ index: 2, endsAt: Infinity });
		expect(slideAt([slides[0]], epoch, epoch + 99_000, 'UTC')).toMatchObject({ index: 0, endsAt: Infinity });
		expect(slideAt([], epoch, epoch, 'UTC')).toBeNull();
		expect(slideAt([{ id: 'x', durationS: 5, schedule: { days: [7] } }], epoch, epoch, 'UTC')).toBeNull(); // a Monday
	});

	test('next and previous start the neighbouring slide now', () => {
		const now = epoch + 12_000; // b is showing
		const next = epochForStep(slides, epoch, now, 'UTC', 1);
		expect(slideAt(slides, next, now, 'UTC')).toMatchObject({ index: 2, startedAt: now });
		const previous = epochForStep(slides, epoch, now, 'UTC', -1);
		expect(slideAt(slides, previous, now, 'UTC')).toMatchObject({ index: 0, startedAt: now });
		expect(slideAt(slides, epochForStep(slides, epoch, epoch + 33_000, 'UTC', 1), epoch + 33_000, 'UTC')?.slide.id).toBe('a');
	});
});

describe('schedules', () => {
	test('date range, week days and hours, in the organization’s time zone', () => {
		const mondayNineUtc = Date.UTC(2026, 10, 30, 9, 0); // 17:00 in Shanghai, Monday
		expect(scheduledAt({ days: [1] }, mondayNineUtc, 'Asia/Shanghai')).toBe(true);
		expect(scheduledAt({ days: [2, 3] }, mondayNineUtc, 'Asia/Shanghai')).toBe(false);
		expect(scheduledAt({ hours: { from: 8, to: 17 } }, mondayNineUtc, 'Asia/Shanghai')).toBe(false);
		expect(scheduledAt({ hours: { from: 8, to: 17 } }, mondayNineUtc, 'UTC')).toBe(true);
		expect(scheduledAt({ from: '2026-12-01' }, mondayNineUtc, 'UTC')).toBe(false);
		expect(scheduledAt({ from: '2026-11-30', to: '2026-11-30' }, mondayNineUtc, 'UTC')).toBe(true);
		expect(scheduledAt({ to: '2026-11-29' }, mondayNineUtc, 'UTC')).toBe(false);
	});

	test('a schedule that ends before it starts is refused, naming the field', () => {
		expect(slideScheduleSchema.safeParse({ from: '2026-12-02', to: '2026-12-01' }).error?.issues[0].path).toEqual(['from']);
		expect(slideScheduleSchema.safeParse({ hours: { from: 18, to: 9 } }).error?.issues[0].path).toEqual(['hours']);
	});
});

describe('slide settings and names', () => {
	test('each type validates its settings', () => {
		expect(SLIDE_TYPES.leaderboard.parse({})).toEqual({ board: 'points', scope: 'users', window: 'week' });
		expect(SLIDE_TYPES.announcement.safeParse({ title: '' }).success).toBe(false);
		expect(SLIDE_TYPES.announcement.safeParse({ title: 'Hi', imageUrl: 'javascript:alert(1)' }).success).toBe(false);
		expect(SLIDE_TYPES.countdown.safeParse({ title: 'Launch', at: 'tomorrow' }).success).toBe(false);
		expect(SLIDE_TYPES.countdown.safeParse({ title: 'Launch', at: '2026-12-01T09:00:00Z' }).success).toBe(true);
		expect(SLIDE_TYPES.badges.parse({ days: '7' })).toEqual({ days: 7 });
		expect(SLIDE_TYPES.badges.safeParse({ days: 400 }).success).toBe(false);
	});

	test('pairing codes are normalized and checked', () => {
		expect(pairInputSchema.parse({ code: ' ab-c2 3d ' })).toEqual({ code: 'ABC23D' });
		expect(pairInputSchema.safeParse({ code: 'ABCDE0' }).success).toBe(false);
		expect(pairInputSchema.safeParse({ code: 'ABCDEI' }).success).toBe(false);
	});

	test('members appear as they chose', () => {
		expect(displayName({ name: 'Grace Hopper' })).toEqual({ name: 'Grace Hopper', initials: 'GH' });
		expect(displayName({ name: 'Grace Hopper', display_as: 'initials' })).toEqual({ name: 'GH', initials: 'GH' });
		expect(displayName({ name: 'Grace Hopper', display_as: 'alias', display_alias: 'Admiral' })).toEqual({ name: 'Admiral', initials: 'AD' });
		expect(initialsOf('陈静')).toBe('陈静');
	});
});
