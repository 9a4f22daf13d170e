import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { currentStreak, dayKey, dayNumber, isWorkingDay, streakEndingOn, weekdayOf } from '../../../src/lib/shared/streaks';
import { beatsPersonalBest, stepsReached, totalsByPeriod } from '../../../src/lib/server/recognition/rules/tally';
import { badgeInputSchema, badgeRuleOf, levelOf, DEFAULT_LEVELS } from '../../../src/lib/shared/badges';
import { periodOf, zonedTimeToInstant } from '../../../src/lib/shared/time-windows';

const totals = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('streaks of working days', () => {
	test('a weekend in the middle never breaks a streak, and is not counted', () => {
		// Wed 2026-03-04 .. Tue 2026-03-10: Sat 7 and Sun 8 have nothing.
		const t = totals({ '2026-03-04': 5, '2026-03-05': 6, '2026-03-06': 5, '2026-03-09': 7, '2026-03-10': 5 });
		expect(streakEndingOn(t, '2026-03-10', 5, {})).toEqual({ length: 5, start: '2026-03-04' });
	});

	test('a working day below the condition breaks it', () => {
		const t = totals({ '2026-03-04': 5, '2026-03-05': 4, '2026-03-06': 5, '2026-03-09': 5 });
		expect(streakEndingOn(t, '2026-03-09', 5, {})).toEqual({ length: 2, start: '2026-03-06' });
	});

	test('an organization holiday never breaks a streak; without it, the empty day would', () => {
		const t = totals({ '2026-12-23': 5, '2026-12-24': 5, '2026-12-28': 5 }); // Fri 25 is a holiday; 26-27 weekend
		expect(streakEndingOn(t, '2026-12-28', 5, { holidays: new Set(['2026-12-25']) }).length).toBe(3);
		expect(streakEndingOn(t, '2026-12-28', 5, {}).length).toBe(1);
	});

	test('work done on a weekend does not count, but does not hurt either', () => {
		const t = totals({ '2026-03-06': 5, '2026-03-07': 9, '2026-03-09': 5 });
		expect(streakEndingOn(t, '2026-03-09', 5, {}).length).toBe(2);
	});

	test('the streak stays within its window', () => {
		const t = totals({ '2026-02-26': 5, '2026-02-27': 5, '2026-03-02': 5, '2026-03-03': 5 });
		expect(streakEndingOn(t, '2026-03-03', 5, {}, '2026-03-01').length).toBe(2);
		expect(streakEndingOn(t, '2026-03-03', 5, {}).length).toBe(4);
	});

	test('today not met yet: the streak up to the last working day is still current', () => {
		const t = totals({ '2026-03-05': 5, '2026-03-06': 5 });
		expect(currentStreak(t, '2026-03-09', 5, {}).length).toBe(2);
		expect(currentStreak(totals({ ...Object.fromEntries(t), '2026-03-09': 5 }), '2026-03-09', 5, {}).length).toBe(3);
	});

	test('property: adding weekends and holidays without activity never shortens a streak', () => {
		fc.assert(
			fc.property(fc.integer({ min: 20_000, max: 22_000 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 5 }), (start, met, holidayOffsets) => {
				const t = new Map<string, number>();
				met.forEach((m, i) => t.set(dayKey(start + i), m ? 3 : 0));
				const end = dayKey(start + met.length - 1);
				const holidays = new Set(holidayOffsets.map((o) => dayKey(start + o)));
				const plain = streakEndingOn(t, end, 3, {});
				const withHolidays = streakEndingOn(t, end, 3, { holidays });
				expect(withHolidays.length).toBeGreaterThanOrEqual(plain.length - holidayOffsets.length);
				// Every day counted met the condition on a working day.
				let counted = 0;
				for (let d = dayNumber(end); withHolidays.start && d >= dayNumber(withHolidays.start); d--) {
					const key = dayKey(d);
					if (isWorkingDay(key, { holidays })) {
						expect(t.get(key) ?? 0).toBeGreaterThanOrEqual(3);
						counted++;
					}
				}
				expect(counted).toBe(withHolidays.length);
			})
		);
	});

	test('across DST changes, each local day is one day: a rep logging at local 00:30 and 23:30 every day', () => {
		for (const [timeZone, from] of [
			['America/New_York', '2026-03-02'], // clocks go forward on Sun 8 March
			['Europe/Berlin', '2026-10-19'], // clocks go back on Sun 25 October
			['Australia/Sydney', '2026-03-30'] // clocks go back on Sun 5 April
		] as const) {
			const clock = { timeZone, weekStart: 1 };
			const events = [];
			for (let i = 0; i < 14; i++) {
				const key = dayKey(dayNumber(from) + i);
				const [year, month, day] = key.split('-').map(Number);
				if (weekdayOf(key) >= 6) continue;
				events.push({ value: 1, occurredAt: zonedTimeToInstant({ year, month, day, hour: 0, minute: 30 }, timeZone), correction: false });
				events.push({ value: 1, occurredAt: zonedTimeToInstant({ year, month, day, hour: 23, minute: 30 }, timeZone), correction: false });
			}
			const byDay = totalsByPeriod(events, 'count', 'day', clock);
			expect([...byDay.values()].every((n) => n === 2), timeZone).toBe(true);
			const last = dayKey(dayNumber(from) + 11); // a Friday
			expect(streakEndingOn(byDay, last, 2, {}).length, timeZone).toBe(10);
		}
	});
});

describe('window totals', () => {
	test('counts and values per period in the organization’s time zone; a correction takes one back', () => {
		const clock = { timeZone: 'Asia/Shanghai', weekStart: 1 };
		const events = [
			{ value: 100, occurredAt: new Date('2026-03-31T15:30:00Z'), correction: false }, // 23:30 on 31 March in Shanghai
			{ value: 50, occurredAt: new Date('2026-03-31T16:30:00Z'), correction: false }, // 00:30 on 1 April
			{ value: -50, occurredAt: new Date('2026-03-31T16:30:00Z'), correction: true }
		];
		expect(totalsByPeriod(events, 'value', 'month', clock)).toEqual(new Map([['2026-03', 100], ['2026-04', 0]]));
		expect(totalsByPeriod(events, 'count', 'month', clock)).toEqual(new Map([['2026-03', 1], ['2026-04', 0]]));
	});

	test('property: the total of the periods equals the total of the events, whatever the window', () => {
		fc.assert(
			fc.property(fc.array(fc.record({ value: fc.integer({ min: -1000, max: 1000 }), t: fc.integer({ min: 1.7e12, max: 1.9e12 }) }), { maxLength: 50 }), fc.constantFrom('day', 'week', 'month', 'quarter', 'year'), (rows, window) => {
				const events = rows.map((r) => ({ value: r.value, occurredAt: new Date(r.t), correction: false }));
				const sum = [...totalsByPeriod(events, 'value', window as 'day', { timeZone: 'America/New_York', weekStart: 1 }).values()].reduce((a, b) => a + b, 0);
				expect(sum).toBe(rows.reduce((a, r) => a + r.value, 0));
			})
		);
	});

	test('steps reached and personal bests', () => {
		const steps = [{ tier: 'bronze', threshold: 5 }, { tier: 'silver', threshold: 10 }, { tier: 'gold', threshold: 20 }];
		expect(stepsReached(steps, 12).map((s) => s.tier)).toEqual(['bronze', 'silver']);
		expect(stepsReached(steps, 4)).toEqual([]);
		expect(beatsPersonalBest(totals({ '2026-03-02': 4, '2026-03-03': 6 }), '2026-03-03')).toBe(true);
		expect(beatsPersonalBest(totals({ '2026-03-02': 6, '2026-03-03': 6 }), '2026-03-03')).toBe(false);
		expect(beatsPersonalBest(totals({ '2026-03-03': 6 }), '2026-03-03')).toBe(false);
		expect(periodOf('day', new Date('2026-03-03T12:00:00Z'), { timeZone: 'UTC', weekStart: 1 }).key).toBe('2026-03-03');
	});
});

describe('badge rules that can never fire are refused, naming the field', () => {
	const base = { name: 'Caller', icon: 'phone', kind: 'window', metric: 'call', window: 'day', measure: 'count' };
	const check = (input: Record<string, unknown>) => {
		const parsed = badgeInputSchema.safeParse(input);
		if (!parsed.success) return { field: String(parsed.error.issues[0].path[0]), message: parsed.error.issues[0].message };
		const rule = badgeRuleOf(parsed.data);
		return rule.ok ? 'ok' : { field: rule.issue.field, message: rule.issue.key };
	};
	test('a threshold of zero', () => {
		expect(check({ ...base, threshold: '0' })).toEqual({ field: 'threshold', message: 'validation.badgeThreshold' });
		expect(check({ ...base, tiered: 'on', bronze: '0', silver: '5', gold: '10' })).toEqual({ field: 'bronze', message: 'validation.badgeThreshold' });
	});
	test('tiers out of order', () => {
		expect(check({ ...base, tiered: 'on', bronze: '5', silver: '5', gold: '10' })).toEqual({ field: 'silver', message: 'validation.badgeTiersOrder' });
	});
	test('a window shorter than its streak', () => {
		expect(check({ ...base, kind: 'streak', perDay: '5', window: 'week', threshold: '6' })).toEqual({ field: 'window', message: 'validation.badgeStreakWindow' });
		expect(check({ ...base, kind: 'streak', perDay: '5', window: 'week', threshold: '5' })).toBe('ok');
		expect(check({ ...base, kind: 'streak', perDay: '5', window: 'month', tiered: 'on', bronze: '3', silver: '10', gold: '30' })).toEqual({ field: 'window', message: 'validation.badgeStreakWindow' });
	});
	test('a missing metric, an unknown icon', () => {
		expect(check({ ...base, metric: '', threshold: '3' })).toEqual({ field: 'metric', message: 'validation.required' });
		expect(check({ ...base, icon: 'unicorn', threshold: '3' })).toMatchObject({ field: 'icon' });
	});
});

test('levels: thresholds and the progress to the next one', () => {
	expect(levelOf(DEFAULT_LEVELS, 0).level.number).toBe(1);
	expect(levelOf(DEFAULT_LEVELS, 499).level.number).toBe(1);
	const closer = levelOf(DEFAULT_LEVELS, 1250);
	expect(closer.level.name.en).toBe('Closer');
	expect(closer.next?.name.en).toBe('Rainmaker');
	expect(closer.progress).toBeCloseTo(0.5);
	expect(levelOf(DEFAULT_LEVELS, 50_000)).toMatchObject({ next: null, progress: 1 });
});
