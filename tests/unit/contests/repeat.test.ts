import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { zonedParts, zonedTimeToInstant } from '$lib/shared/time-windows';
import { nextOccurrence, occurrencesBetween, repeatingSchedule } from '$lib/server/contests/rules';

const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);
const pair = (o: { startsAt: Date; endsAt: Date } | null) => (o === null ? null : [o.startsAt.toISOString(), o.endsAt.toISOString()]);

describe('daily repetition across the March DST change (America/New_York, 8 March 2026)', () => {
	// Friday 6 March, 9:00–17:00 EST.
	const first = { startsAt: at('2026-03-06T14:00:00Z'), endsAt: at('2026-03-06T22:00:00Z') };

	test('keeps 9:00–17:00 local: 14:00Z in winter time, 13:00Z in summer time', () => {
		const list = occurrencesBetween(first, { every: 'day' }, NY, first.startsAt, at('2026-03-10T00:00:00Z'));
		expect(list.map(pair)).toEqual([
			['2026-03-07T14:00:00.000Z', '2026-03-07T22:00:00.000Z'],
			['2026-03-08T13:00:00.000Z', '2026-03-08T21:00:00.000Z'],
			['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z']
		]);
	});

	test('the first occurrence itself is next while it has not started; a contest that does not repeat has no other', () => {
		expect(pair(nextOccurrence(first, { every: 'day' }, NY, at('2026-03-01T00:00:00Z')))).toEqual(pair(first));
		expect(nextOccurrence(first, { every: 'none' }, NY, first.startsAt)).toBeNull();
	});

	test('asked in the middle of an occurrence, the next one is the next day’s', () => {
		expect(pair(nextOccurrence(first, { every: 'day' }, NY, at('2026-03-08T15:00:00Z')))).toEqual(['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z']);
	});

	test('a start in the DST gap (2:30 on 8 March) moves forward to 3:30 that day only', () => {
		const early = { startsAt: at('2026-03-07T07:30:00Z'), endsAt: at('2026-03-07T08:00:00Z') }; // 2:30–3:00 EST
		const list = occurrencesBetween(early, { every: 'day' }, NY, early.startsAt, at('2026-03-10T00:00:00Z'));
		expect(list.map((o) => o.startsAt.toISOString())).toEqual(['2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
		expect(list.every((o) => o.endsAt > o.startsAt)).toBe(true);
	});

	test('an overnight contest spanning the change keeps its wall times and is an hour shorter that night', () => {
		const night = { startsAt: at('2026-03-06T03:00:00Z'), endsAt: at('2026-03-06T11:00:00Z') }; // Thu 22:00 → Fri 6:00 EST
		const list = occurrencesBetween(night, { every: 'day' }, NY, night.startsAt, at('2026-03-09T12:00:00Z'));
		expect(list.map(pair)).toEqual([
			['2026-03-07T03:00:00.000Z', '2026-03-07T11:00:00.000Z'],
			['2026-03-08T03:00:00.000Z', '2026-03-08T10:00:00.000Z'], // Sat 22:00 EST → Sun 6:00 EDT: 7 hours
			['2026-03-09T02:00:00.000Z', '2026-03-09T10:00:00.000Z']
		]);
	});

	test('November: an ambiguous 1:30 takes the first (daylight) one', () => {
		const late = { startsAt: at('2026-10-31T05:30:00Z'), endsAt: at('2026-10-31T06:00:00Z') }; // 1:30 EDT
		expect(nextOccurrence(late, { every: 'day' }, NY, late.startsAt)?.startsAt.toISOString()).toBe('2026-11-01T05:30:00.000Z');
		expect(occurrencesBetween(late, { every: 'day' }, NY, late.startsAt, at('2026-11-03T00:00:00Z'))[1].startsAt.toISOString()).toBe('2026-11-02T06:30:00.000Z');
	});
});

describe('weekly repetition', () => {
	// Monday 2 March 2026, 9:00–10:00 EST; repeats Monday and Wednesday.
	const first = { startsAt: at('2026-03-02T14:00:00Z'), endsAt: at('2026-03-02T15:00:00Z') };

	test('on the chosen ISO weekdays, across the DST change', () => {
		const list = occurrencesBetween(first, { every: 'week', days: [1, 3] }, NY, first.startsAt, at('2026-03-12T00:00:00Z'));
		expect(list.map((o) => o.startsAt.toISOString())).toEqual(['2026-03-04T14:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-11T13:00:00.000Z']);
	});

	test('Sunday is day 7', () => {
		expect(nextOccurrence(first, { every: 'week', days: [7] }, NY, first.startsAt)?.startsAt.toISOString()).toBe('2026-03-08T13:00:00.000Z');
	});

	test('as a schedule object', () => {
		const schedule = repeatingSchedule(first, { every: 'week', days: [3] }, NY);
		expect(schedule.nextOccurrence(first.startsAt)?.startsAt.toISOString()).toBe('2026-03-04T14:00:00.000Z');
	});

	test('no chosen days: no further occurrence', () => {
		expect(nextOccurrence(first, { every: 'week', days: [] }, NY, first.startsAt)).toBeNull();
	});
});

describe('properties', () => {
	const zones = fc.constantFrom('America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Shanghai', 'America/Sao_Paulo', 'UTC');
	// Local start 4:00–21:59 and end 4:00–23:59 avoid every zone's DST gap, so wall times are kept exactly.
	const firstIn = (zone: string, day: number, hour: number, minute: number, durationMinutes: number) => {
		const d = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
		const startsAt = zonedTimeToInstant({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour, minute }, zone);
		return { startsAt, endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000) };
	};

	test('property: daily occurrences fall on consecutive local days at the first one’s wall times', () => {
		fc.assert(
			fc.property(zones, fc.integer({ min: 0, max: 364 }), fc.integer({ min: 4, max: 21 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 120 }), (zone, day, hour, minute, duration) => {
				const first = firstIn(zone, day, hour, minute, duration);
				const startWall = zonedParts(first.startsAt, zone);
				const endWall = zonedParts(first.endsAt, zone);
				let previous = first;
				for (let i = 0; i < 40; i++) {
					const next = nextOccurrence(first, { every: 'day' }, zone, previous.startsAt)!;
					const s = zonedParts(next.startsAt, zone);
					const e = zonedParts(next.endsAt, zone);
					expect([s.hour, s.minute]).toEqual([startWall.hour, startWall.minute]);
					expect([e.hour, e.minute]).toEqual([endWall.hour, endWall.minute]);
					const p = zonedParts(previous.startsAt, zone);
					expect(Date.UTC(s.year, s.month - 1, s.day) - Date.UTC(p.year, p.month - 1, p.day)).toBe(86_400_000);
					previous = next;
				}
			}),
			{ numRuns: 60 }
		);
	});

	test('property: weekly occurrences hit exactly the chosen weekdays after the first', () => {
		fc.assert(
			fc.property(
				zones,
				fc.integer({ min: 0, max: 364 }),
				fc.integer({ min: 4, max: 21 }),
				fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
				(zone, day, hour, days) => {
					const first = firstIn(zone, day, hour, 0, 30);
					const until = new Date(first.startsAt.getTime() + 35 * 86_400_000 - 3_600_000 * 3);
					const list = occurrencesBetween(first, { every: 'week', days }, zone, first.startsAt, until);
					for (const o of list) expect(days).toContain(zonedParts(o.startsAt, zone).weekday);
					// Five weeks minus the first day: each chosen weekday 4 or 5 times.
					const expected = Array.from({ length: 34 }, (_, i) => zonedParts(new Date(first.startsAt.getTime() + (i + 1) * 86_400_000), zone).weekday).filter((w) =>
						days.includes(w)
					).length;
					expect(list.length).toBe(expected);
					for (let i = 1; i < list.length; i++) expect(list[i].startsAt > list[i - 1].startsAt).toBe(true);
				}
			),
			{ numRuns: 60 }
		);
	});
});
