// The pure scoring math: points and caps, board keys and increments, ranking, and the agreement between
// the two ways a window's period is found (periodsOf for live applies, periodKeysOfLocalDate for rebuilds).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeBoardKey, familyOfBoard, parseBoardKey, type Scope } from '../../src/lib/shared/boards/identity';
import { catalog } from '../../src/lib/server/scoring/boards/catalog';
import {
	capPoints,
	compareEntries,
	periodKeysOfLocalDate,
	pointsFor,
	rankSorted,
	type BoardEntry,
	type ScoredEvent
} from '../../src/lib/shared/scoring';
import { periodOf, periodsOf, WINDOWS, zonedParts, zonedTimeToInstant, type OrgClock } from '../../src/lib/shared/time-windows';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM = Date.UTC(1995, 0, 1);
const TO = Date.UTC(2045, 0, 1);
// Half-hour and 45-minute offsets, DST with midnight transitions (Santiago, Sao Paulo until 2019), a
// 30-minute DST (Lord Howe), and a zone that skipped a whole day (Apia, end of 2011).
const ZONES = [
	'UTC',
	'Asia/Shanghai',
	'America/New_York',
	'Europe/Berlin',
	'America/Santiago',
	'America/Sao_Paulo',
	'Australia/Lord_Howe',
	'Asia/Kathmandu',
	'Pacific/Chatham',
	'Pacific/Apia'
];
const clockArb = fc.record({ timeZone: fc.constantFrom(...ZONES), weekStart: fc.integer({ min: 1, max: 7 }) });
// Uniform instants, and instants within a few hours of a UTC midnight (where local days turn over).
const instantArb = fc.oneof(
	fc.integer({ min: FROM, max: TO - 1 }),
	fc.tuple(fc.integer({ min: FROM / DAY, max: TO / DAY - 1 }), fc.integer({ min: -14 * HOUR, max: 14 * HOUR })).map(([d, o]) => d * DAY + o)
);

describe('periodKeysOfLocalDate (rebuild) agrees with periodsOf (live apply)', () => {
	test('for any instant, zone and week start: the local date of the instant gives the same six keys', () => {
		fc.assert(
			fc.property(instantArb, clockArb, (t, clock: OrgClock) => {
				const parts = zonedParts(t, clock.timeZone);
				const fromDate = periodKeysOfLocalDate(parts.year, parts.month, parts.day, clock.weekStart);
				const live = Object.fromEntries(periodsOf(t, clock).map((p) => [p.window, p.key]));
				expect(fromDate).toEqual(live);
			}),
			{ numRuns: 1500 }
		);
	});

	test('at the turn of a week, quarter and year, and across DST changes, in UTC+8 and New York', () => {
		const cases: [string, string, number, Record<string, string>][] = [
			// New Year's Eve 23:59:59 and New Year 00:00 in Shanghai (Monday weeks).
			['2026-12-31T15:59:59Z', 'Asia/Shanghai', 1, { day: '2026-12-31', week: 'W2026-12-28', month: '2026-12', quarter: '2026-Q4', year: '2026' }],
			['2026-12-31T16:00:00Z', 'Asia/Shanghai', 1, { day: '2027-01-01', week: 'W2026-12-28', month: '2027-01', quarter: '2027-Q1', year: '2027' }],
			// A Sunday-start week that begins on New Year's Eve, in New York.
			['2028-01-01T04:59:59Z', 'America/New_York', 7, { day: '2027-12-31', week: 'W2027-12-26', month: '2027-12', quarter: '2027-Q4', year: '2027' }],
			['2028-01-01T05:00:00Z', 'America/New_York', 7, { day: '2028-01-01', week: 'W2027-12-26', month: '2028-01', quarter: '2028-Q1', year: '2028' }],
			// New York springs forward on Sunday 2026-03-08 and falls back on Sunday 2026-11-01.
			['2026-03-08T06:59:59Z', 'America/New_York', 1, { day: '2026-03-08', week: 'W2026-03-02', month: '2026-03', quarter: '2026-Q1', year: '2026' }],
			['2026-03-08T07:00:00Z', 'America/New_York', 1, { day: '2026-03-08', week: 'W2026-03-02', month: '2026-03', quarter: '2026-Q1', year: '2026' }],
			['2026-03-09T03:59:59Z', 'America/New_York', 1, { day: '2026-03-08', week: 'W2026-03-02', month: '2026-03', quarter: '2026-Q1', year: '2026' }],
			['2026-03-09T04:00:00Z', 'America/New_York', 1, { day: '2026-03-09', week: 'W2026-03-09', month: '2026-03', quarter: '2026-Q1', year: '2026' }],
			['2026-11-01T05:30:00Z', 'America/New_York', 1, { day: '2026-11-01', week: 'W2026-10-26', month: '2026-11', quarter: '2026-Q4', year: '2026' }],
			['2026-11-01T06:30:00Z', 'America/New_York', 1, { day: '2026-11-01', week: 'W2026-10-26', month: '2026-11', quarter: '2026-Q4', year: '2026' }],
			['2026-11-02T04:59:59Z', 'America/New_York', 1, { day: '2026-11-01', week: 'W2026-10-26', month: '2026-11', quarter: '2026-Q4', year: '2026' }],
			['2026-11-02T05:00:00Z', 'America/New_York', 1, { day: '2026-11-02', week: 'W2026-11-02', month: '2026-11', quarter: '2026-Q4', year: '2026' }],
			// The turn of a quarter.
			['2026-06-30T15:59:59Z', 'Asia/Shanghai', 1, { day: '2026-06-30', week: 'W2026-06-29', month: '2026-06', quarter: '2026-Q2', year: '2026' }],
			['2026-06-30T16:00:00Z', 'Asia/Shanghai', 1, { day: '2026-07-01', week: 'W2026-06-29', month: '2026-07', quarter: '2026-Q3', year: '2026' }]
		];
		for (const [iso, timeZone, weekStart, expected] of cases) {
			const clock = { timeZone, weekStart };
			const live = Object.fromEntries(periodsOf(new Date(iso), clock).map((p) => [p.window, p.key]));
			expect(live, iso).toEqual({ ...expected, all: 'all' });
			const parts = zonedParts(new Date(iso), timeZone);
			expect(periodKeysOfLocalDate(parts.year, parts.month, parts.day, weekStart), iso).toEqual({ ...expected, all: 'all' });
		}
	});

	test('every local date of 2027–2028 (a leap year) starts its periods where periodsOf puts that day', () => {
		// Day by day through leap years and all week starts: the first instant of each local date.
		for (const timeZone of ['Asia/Shanghai', 'America/New_York']) {
			for (let t = Date.UTC(2027, 0, 1, 12); t < Date.UTC(2029, 0, 1); t += DAY) {
				const { year, month, day } = zonedParts(t, timeZone);
				const start = zonedTimeToInstant({ year, month, day }, timeZone);
				for (let weekStart = 1; weekStart <= 7; weekStart++) {
					const live = Object.fromEntries(periodsOf(start, { timeZone, weekStart }).map((p) => [p.window, p.key]));
					expect(periodKeysOfLocalDate(year, month, day, weekStart)).toEqual(live);
				}
			}
		}
	});
});

describe('points and caps', () => {
	test('points are whole steps of the value times the points per step, never negative', () => {
		expect(pointsFor({ step: 1, pointsPerStep: 50 }, 1)).toBe(50);
		expect(pointsFor({ step: 100_000, pointsPerStep: 1 }, 12_000_000)).toBe(120);
		expect(pointsFor({ step: 100_000, pointsPerStep: 1 }, 99_999)).toBe(0);
		expect(pointsFor({ step: 30, pointsPerStep: 2 }, 95)).toBe(6);
		expect(pointsFor({ step: 1, pointsPerStep: 5 }, 0)).toBe(0);
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1e9 }), (step, per, value) => {
				const points = pointsFor({ step, pointsPerStep: per }, value);
				expect(Number.isInteger(points)).toBe(true);
				expect(points).toBeGreaterThanOrEqual(0);
				expect(points).toBe(Math.floor(value / step) * per);
			})
		);
	});

	test('under a daily cap, a day earns min(total, cap) whatever the split and order of its events', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 40 }), fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), (points, cap) => {
				let earned = 0;
				for (const p of points) {
					const got = capPoints(p, earned, cap);
					expect(got).toBeGreaterThanOrEqual(0);
					expect(got).toBeLessThanOrEqual(p);
					earned += got;
				}
				const total = points.reduce((a, b) => a + b, 0);
				expect(earned).toBe(cap === null ? total : Math.min(total, cap));
			})
		);
		// A void earlier that day freed room: negative earnings never raise the cap.
		expect(capPoints(10, -5, 60)).toBe(10);
		expect(capPoints(10, 55, 60)).toBe(5);
		expect(capPoints(10, 70, 60)).toBe(0);
	});
});

const boardKey = (board: string, scope: Scope, window: string, period: string) => encodeBoardKey({ board, scope, window, period });
const windowOf = (key: string) => parseBoardKey(key)!.window;

describe('board identity', () => {
	test('one encoder and one parser: keys written before the catalog parse to the points and metric families', () => {
		expect(parseBoardKey('points|users|week|W2026-11-23')).toEqual({ family: 'points', board: 'points', scope: 'users', window: 'week', period: 'W2026-11-23' });
		expect(parseBoardKey('deal|teams|all|all')).toEqual({ family: 'metric', board: 'deal', scope: 'teams', window: 'all', period: 'all' });
		expect(parseBoardKey('deals:quarter|teams|quarter|2026-Q4')?.family).toBe('deals');
		expect(familyOfBoard('new_customer')).toBe('metric');
		for (const bad of ['points|users|week', 'points|people|week|W1', '|users|day|x', 'a|users|day|x|y']) expect(parseBoardKey(bad)).toBeUndefined();
	});

	test('for any identity, parse(encode(id)) is id', () => {
		const part = fc.stringMatching(/^[a-z0-9:_-]{1,12}$/);
		fc.assert(
			fc.property(part, fc.constantFrom<Scope>('users', 'teams'), part, part, (board, scope, window, period) => {
				const id = parseBoardKey(encodeBoardKey({ board, scope, window, period }));
				expect(id).toEqual({ family: familyOfBoard(board), board, scope, window, period });
			})
		);
	});
});

describe('increments', () => {
	const clock = { timeZone: 'Asia/Shanghai', weekStart: 1 };
	const incrementsFor = (e: ScoredEvent, c: OrgClock, at: Date, competes = true) =>
		catalog.incrementsOf(e, { clock: c, now: at.getTime(), competes: () => competes });
	const boardExpiry = (key: string, c: OrgClock) => catalog.expiry(key, c);
	const event = (teamId: string | null): ScoredEvent => ({
		id: 9,
		orgSeq: 9,
		metricKey: 'deal',
		userId: 'u1',
		teamId,
		value: 1,
		points: 50,
		occurredAt: new Date('2026-11-28T03:00:00Z')
	});

	const now = new Date('2026-11-28T05:00:00Z');

	test('an event adds its points and its value to the rep and the team, in every window, each board kept until the end of the next period', () => {
		const incs = incrementsFor(event('t1'), clock, now);
		expect(incs).toHaveLength(WINDOWS.length * 4);
		const periods = periodsOf(event('t1').occurredAt, clock);
		for (const p of periods) {
			const expiresAt = p.window === 'all' ? undefined : periodOf(p.window, p.end, clock).end.getTime();
			expect(incs).toContainEqual({ key: boardKey('points', 'users', p.window, p.key), member: 'u1', delta: 50, expiresAt });
			expect(incs).toContainEqual({ key: boardKey('points', 'teams', p.window, p.key), member: 't1', delta: 50, expiresAt });
			expect(incs).toContainEqual({ key: boardKey('deal', 'users', p.window, p.key), member: 'u1', delta: 1, expiresAt });
			expect(incs).toContainEqual({ key: boardKey('deal', 'teams', p.window, p.key), member: 't1', delta: 1, expiresAt });
		}
		expect(incs.map((i) => i.key)).toContain('points|users|week|W2026-11-23');
		expect(incs.map((i) => i.key)).toContain('deal|teams|all|all');
		// Shanghai is UTC+8: the day board of 28 November goes at the end of 29 November, local time.
		expect(incs.find((i) => i.key === 'points|users|day|2026-11-28')?.expiresAt).toBe(Date.parse('2026-11-29T16:00:00Z'));
		expect(incs.find((i) => i.key === 'points|users|month|2026-11')?.expiresAt).toBe(Date.parse('2026-12-31T16:00:00Z'));
		expect(incs.find((i) => i.key === 'points|users|all|all')?.expiresAt).toBeUndefined();
	});

	test('a late event changes only the boards the live store still keeps: current and previous periods, and all time', () => {
		const at = (iso: string) => ({ ...event('t1'), occurredAt: new Date(iso) });
		const windowsOf = (iso: string) => [...new Set(incrementsFor(at(iso), clock, now).map((i) => windowOf(i.key)))];
		// 27 November (yesterday in Shanghai): every window. 26 November: not its day board any more.
		expect(windowsOf('2026-11-27T03:00:00Z')).toEqual([...WINDOWS]);
		expect(windowsOf('2026-11-26T03:00:00Z')).toEqual(['week', 'month', 'quarter', 'year', 'all']);
		// 10 November: its week (9–15 November) is two weeks back; its month is still current.
		expect(windowsOf('2026-11-10T03:00:00Z')).toEqual(['month', 'quarter', 'year', 'all']);
		// A year before last: only all time.
		expect(windowsOf('2024-06-01T03:00:00Z')).toEqual(['all']);
		// The day before yesterday's board, had it been written, would already have gone.
		expect(boardExpiry('points|users|day|2026-11-26', clock)).toBe(Date.parse('2026-11-27T16:00:00Z'));
		expect(boardExpiry('points|users|all|all', clock)).toBeUndefined();
	});

	test('a rep without a team changes no team board', () => {
		const incs = incrementsFor(event(null), clock, now);
		expect(incs).toHaveLength(WINDOWS.length * 2);
		expect(incs.every((i) => parseBoardKey(i.key)!.scope === 'users' && i.member === 'u1')).toBe(true);
	});

	test('a member who does not compete changes no users board; the team keeps the points', () => {
		const incs = incrementsFor(event('t1'), clock, now, false);
		expect(incs).toHaveLength(WINDOWS.length * 2);
		expect(incs.every((i) => parseBoardKey(i.key)!.scope === 'teams' && i.member === 't1')).toBe(true);
	});
});

describe('ranking', () => {
	test('ties share a rank (1, 2, 2, 4) and the one who reached the score first is listed first', () => {
		const entries: BoardEntry[] = [
			{ member: 'c', score: 5, tie: 30 },
			{ member: 'a', score: 9, tie: 50 },
			{ member: 'b', score: 5, tie: 20 },
			{ member: 'd', score: 1, tie: 10 }
		];
		const ranked = rankSorted([...entries].sort(compareEntries));
		expect(ranked.map((e) => [e.member, e.rank])).toEqual([
			['a', 1],
			['b', 2],
			['c', 2],
			['d', 4]
		]);
		expect(rankSorted([{ member: 'x', score: 3, tie: 1 }], 11)).toEqual([{ member: 'x', score: 3, tie: 1, rank: 11 }]);
	});

	test('for any board, ranks are standard competition ranks of the scores', () => {
		const entryArb = fc.record({ member: fc.string({ minLength: 1, maxLength: 4 }), score: fc.integer({ min: -5, max: 5 }), tie: fc.nat(50) });
		fc.assert(
			fc.property(fc.uniqueArray(entryArb, { selector: (e) => e.member, maxLength: 30 }), (entries) => {
				const ranked = rankSorted([...entries].sort(compareEntries));
				for (let i = 0; i < ranked.length; i++) {
					expect(ranked[i].rank).toBe(1 + entries.filter((e) => e.score > ranked[i].score).length);
					if (i > 0 && ranked[i - 1].score === ranked[i].score) expect(ranked[i - 1].tie).toBeLessThanOrEqual(ranked[i].tie);
				}
			})
		);
	});
});
