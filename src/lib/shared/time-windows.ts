// Leaderboard time windows (day, week, month, quarter, year, all) in an organization's IANA time zone.
//
// Pure and dependency-free: the only time-zone source is Intl.DateTimeFormat. Every period starts at the
// first instant of a local calendar day ("local midnight", or the end of the DST gap when midnight does
// not exist) and ends where the next period starts, so the periods of one window tile the time line.
//
// Performance: Intl formatting costs microseconds, so offsets are cached per zone in UTC-day buckets
// (one bucket records the offset at its start and, when the offset changes inside it, the transition
// instant, found once by bisection). Day starts and whole period sets are memoised too, and the last
// local day seen per clock is checked first, so the ingest hot path (events close to "now") does no Intl
// work at all. The bucket cache assumes at most one offset transition per UTC day, which holds for the
// IANA data (Temporal's reference polyfill makes a similar assumption); checked against raw Intl output
// for all 418 zones, 1970–2040, every ~5 hours, and every non-24-hour day start against a brute-force search.

export const WINDOWS = ['day', 'week', 'month', 'quarter', 'year', 'all'] as const;
export type WindowKind = (typeof WINDOWS)[number];

export interface OrgClock {
	timeZone: string;
	/** ISO weekday the week starts on: 1 = Monday … 7 = Sunday. */
	weekStart: number;
}

/** A half-open interval [start, end) of one window. For 'all': key 'all', start = epoch 0, end = max Date. */
export interface Period {
	window: WindowKind;
	key: string;
	start: Date;
	end: Date;
}

export interface ZonedParts {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	/** 1 = Monday … 7 = Sunday */
	weekday: number;
}

export interface WallTime {
	year: number;
	month: number;
	day: number;
	hour?: number;
	minute?: number;
	second?: number;
}

export const ALL_START = 0;
export const ALL_END = 8.64e15;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MAX_TIME = 8.64e15;
// Before 1800 every zone is on its constant initial (LMT) offset, so offsets are looked up at this
// instant instead; it also keeps Intl away from BC years. Near the end of the Date range, likewise.
const OFFSET_MIN = -5364662400000; // 1800-01-01T00:00:00Z
const OFFSET_MAX = MAX_TIME - 2 * DAY;
const MIN_KEY_YEAR = 1;
const MAX_KEY_YEAR = 9999;

const WINDOW_INDEX: Record<WindowKind, number> = { day: 0, week: 1, month: 2, quarter: 3, year: 4, all: 5 };

export function isWindowKind(value: unknown): value is WindowKind {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(WINDOW_INDEX, value);
}

// ---------------------------------------------------------------------------------------------------
// Proleptic Gregorian calendar arithmetic on "day numbers" (days since 1970-01-01), after Howard
// Hinnant's algorithms. Exact for all years, unlike Date.UTC (which maps years 0–99 to 1900–1999).

function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const mp = month > 2 ? month - 3 : month + 9;
	const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

interface Civil {
	year: number;
	month: number;
	day: number;
}

function civilFromDays(days: number): Civil {
	const z = days + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday. */
function weekdayOf(days: number): number {
	return ((((days + 3) % 7) + 7) % 7) + 1;
}

function daysInMonth(year: number, month: number): number {
	return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

function addMonths(days: number, months: number): number {
	const { year, month } = civilFromDays(days);
	const index = year * 12 + (month - 1) + months;
	return daysFromCivil(Math.floor(index / 12), (((index % 12) + 12) % 12) + 1, 1);
}

// ---------------------------------------------------------------------------------------------------
// Zones: a cached formatter, UTC offsets by UTC-day bucket, and memoised day starts.

interface Bucket {
	/** Offset (local − UTC, ms) from the bucket's start … */
	before: number;
	/** … until this instant (Infinity when the offset does not change inside the bucket) … */
	transition: number;
	/** … and from then on (also the offset at the start of the next bucket). */
	after: number;
}

interface Zone {
	name: string;
	format: Intl.DateTimeFormat;
	buckets: Map<number, Bucket>;
	dayStarts: Map<number, number>;
	/** Per-clock caches, indexed by weekStart (1..7). */
	clocks: (ClockState | undefined)[];
}

const BUCKET_CACHE_LIMIT = 20_000;
const DAY_START_CACHE_LIMIT = 20_000;
const PERIOD_SET_CACHE_LIMIT = 4_096;

const zonesByName = new Map<string, Zone>();
const zonesByCanonicalName = new Map<string, Zone>();

function zoneFor(timeZone: string): Zone {
	const cached = zonesByName.get(timeZone);
	if (cached !== undefined) return cached;
	if (typeof timeZone !== 'string' || timeZone.trim() === '') {
		throw new RangeError(`Invalid time zone: expected an IANA time zone name such as "Europe/Paris", got ${JSON.stringify(timeZone)}`);
	}
	let format: Intl.DateTimeFormat;
	try {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			calendar: 'gregory',
			numberingSystem: 'latn',
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
	} catch {
		throw new RangeError(`Unknown time zone "${timeZone}": expected an IANA time zone name such as "Europe/Paris"`);
	}
	const canonical = format.resolvedOptions().timeZone;
	let zone = zonesByCanonicalName.get(canonical);
	if (zone === undefined) {
		zone = { name: canonical, format, buckets: new Map(), dayStarts: new Map(), clocks: [] };
		zonesByCanonicalName.set(canonical, zone);
	}
	if (zonesByName.size >= 1_000) zonesByName.clear(); // spellings (case, aliases); the zones themselves stay
	zonesByName.set(timeZone, zone);
	return zone;
}

const FORMATTED = /^(\d{2})\/(\d{2})\/(\d+),? (\d{2}):(\d{2}):(\d{2})$/;

/** Offset (local − UTC, in ms) at instant `t`, straight from Intl. Second precision, like the tz data. */
function intlOffset(zone: Zone, t: number): number {
	const text = zone.format.format(t);
	const m = FORMATTED.exec(text);
	if (m === null) throw new Error(`time-windows: unexpected Intl.DateTimeFormat output ${JSON.stringify(text)}`);
	const hour = Number(m[4]) % 24; // guard against a "24" hour from older ICU versions
	const local = daysFromCivil(Number(m[3]), Number(m[1]), Number(m[2])) * DAY + hour * HOUR + Number(m[5]) * MINUTE + Number(m[6]) * SECOND;
	return local - Math.floor(t / SECOND) * SECOND;
}

function loadBucket(zone: Zone, index: number): Bucket {
	const start = index * DAY;
	const end = start + DAY;
	const previous = zone.buckets.get(index - 1);
	const next = zone.buckets.get(index + 1);
	const before = previous !== undefined ? previous.after : intlOffset(zone, start);
	const after = next !== undefined ? next.before : intlOffset(zone, end);
	let transition = Infinity;
	if (before !== after) {
		// Bisect on whole seconds (tz transitions fall on whole seconds): offset(lo) = before, offset(hi) = after.
		let lo = start / SECOND;
		let hi = end / SECOND;
		while (hi - lo > 1) {
			const mid = Math.floor((lo + hi) / 2);
			if (intlOffset(zone, mid * SECOND) === before) lo = mid;
			else hi = mid;
		}
		transition = hi * SECOND;
	}
	if (zone.buckets.size >= BUCKET_CACHE_LIMIT) zone.buckets.clear();
	const bucket: Bucket = { before, transition, after };
	zone.buckets.set(index, bucket);
	return bucket;
}

function bucketAt(zone: Zone, t: number): Bucket {
	const index = Math.floor(t / DAY);
	return zone.buckets.get(index) ?? loadBucket(zone, index);
}

/** Offset (local − UTC, in ms) in effect at instant `t`. */
function offsetAt(zone: Zone, t: number): number {
	const clamped = t < OFFSET_MIN ? OFFSET_MIN : t > OFFSET_MAX ? OFFSET_MAX : t;
	const bucket = bucketAt(zone, clamped);
	return clamped < bucket.transition ? bucket.before : bucket.after;
}

/** The first offset transition in (lo, hi], or undefined. */
function transitionIn(zone: Zone, lo: number, hi: number): number | undefined {
	for (let index = Math.floor(lo / DAY); index <= Math.floor(hi / DAY); index++) {
		const bucket = zone.buckets.get(index) ?? loadBucket(zone, index);
		if (bucket.transition > lo && bucket.transition <= hi) return bucket.transition;
	}
	return undefined;
}

/**
 * Resolves a wall-clock time (given as ms since 1970-01-01T00:00 local, "as if UTC") to an instant.
 * Ambiguous (repeated) times take the earlier instant. Nonexistent times (DST gaps) follow Temporal's
 * 'compatible' disambiguation: shifted forward by the length of the gap. With `firstInstantOfGap`, a
 * nonexistent time instead resolves to the first instant after the gap (the transition itself), which is
 * the same thing for the usual gap that starts exactly at midnight and is Temporal's startOfDay() rule.
 */
function wallToInstant(zone: Zone, wall: number, firstInstantOfGap: boolean): number {
	const before = offsetAt(zone, wall - DAY);
	const after = offsetAt(zone, wall + DAY);
	const early = wall - before;
	const late = wall - after;
	const earlyValid = offsetAt(zone, early) === before;
	const lateValid = before !== after && offsetAt(zone, late) === after;
	if (earlyValid && lateValid) return Math.min(early, late);
	if (earlyValid) return early;
	if (lateValid) return late;
	// In a gap: the wall time lies in [T + before, T + after) for the transition instant T.
	if (firstInstantOfGap) return transitionIn(zone, late, early) ?? early;
	return early;
}

/** The first instant of local day `days` (or of the first later day that exists). */
function dayStart(zone: Zone, days: number): number {
	const cached = zone.dayStarts.get(days);
	if (cached !== undefined) return cached;
	const instant = wallToInstant(zone, days * DAY, true);
	if (zone.dayStarts.size >= DAY_START_CACHE_LIMIT) zone.dayStarts.clear();
	zone.dayStarts.set(days, instant);
	return instant;
}

/** Local day number of an instant (days since 1970-01-01 on the zone's calendar). */
function localDay(zone: Zone, t: number): number {
	return Math.floor((t + offsetAt(zone, t)) / DAY);
}

// ---------------------------------------------------------------------------------------------------
// Periods as (window, first local day); keys.

function pad(value: number, width: number): string {
	return String(value).padStart(width, '0');
}

function firstDayOf(window: WindowKind, days: number, weekStart: number): number {
	switch (window) {
		case 'day':
			return days;
		case 'week':
			return days - ((weekdayOf(days) - weekStart + 7) % 7);
		case 'month': {
			const { year, month } = civilFromDays(days);
			return daysFromCivil(year, month, 1);
		}
		case 'quarter': {
			const { year, month } = civilFromDays(days);
			return daysFromCivil(year, month - ((month - 1) % 3), 1);
		}
		case 'year':
			return daysFromCivil(civilFromDays(days).year, 1, 1);
		case 'all':
			return 0;
	}
}

/** First local day of the period `delta` periods after the one starting on `first`. */
function shiftFirstDay(window: Exclude<WindowKind, 'all'>, first: number, delta: number): number {
	switch (window) {
		case 'day':
			return first + delta;
		case 'week':
			return first + 7 * delta;
		case 'month':
			return addMonths(first, delta);
		case 'quarter':
			return addMonths(first, 3 * delta);
		case 'year':
			return addMonths(first, 12 * delta);
	}
}

function keyOf(window: WindowKind, first: number): string {
	if (window === 'all') return 'all';
	const { year, month, day } = civilFromDays(first);
	const y = pad(year, 4);
	switch (window) {
		case 'day':
			return `${y}-${pad(month, 2)}-${pad(day, 2)}`;
		case 'week':
			return `W${y}-${pad(month, 2)}-${pad(day, 2)}`;
		case 'month':
			return `${y}-${pad(month, 2)}`;
		case 'quarter':
			return `${y}-Q${(month + 2) / 3}`;
		case 'year':
			return y;
	}
}

function checkKeyYear(window: WindowKind, first: number): void {
	const { year } = civilFromDays(first);
	if (year < MIN_KEY_YEAR || year > MAX_KEY_YEAR) {
		throw new RangeError(`The ${window} period starting in year ${year} is outside the supported years ${MIN_KEY_YEAR}–${MAX_KEY_YEAR}`);
	}
}

const KEY_PATTERNS: Record<Exclude<WindowKind, 'all'>, RegExp> = {
	day: /^(\d{4})-(\d{2})-(\d{2})$/,
	week: /^W(\d{4})-(\d{2})-(\d{2})$/,
	month: /^(\d{4})-(\d{2})$/,
	quarter: /^(\d{4})-Q([1-4])$/,
	year: /^(\d{4})$/
};

/** First local day of the period a key names; throws RangeError on a malformed or impossible key. */
function firstDayFromKey(window: WindowKind, key: string, weekStart: number): number {
	if (!isWindowKind(window)) throw new RangeError(`Unknown window ${JSON.stringify(window)}: expected one of ${WINDOWS.join(', ')}`);
	const bad = (why: string) => new RangeError(`Invalid ${window} period key ${JSON.stringify(key)}: ${why}`);
	if (typeof key !== 'string') throw bad('not a string');
	if (window === 'all') {
		if (key !== 'all') throw bad('expected "all"');
		return 0;
	}
	const m = KEY_PATTERNS[window].exec(key);
	if (m === null) throw bad(`expected the form ${{ day: 'YYYY-MM-DD', week: 'WYYYY-MM-DD', month: 'YYYY-MM', quarter: 'YYYY-Qn', year: 'YYYY' }[window]}`);
	const year = Number(m[1]);
	if (year < MIN_KEY_YEAR) throw bad(`year must be between ${MIN_KEY_YEAR} and ${MAX_KEY_YEAR}`);
	if (window === 'year') return daysFromCivil(year, 1, 1);
	if (window === 'quarter') return daysFromCivil(year, Number(m[2]) * 3 - 2, 1);
	const month = Number(m[2]);
	if (month < 1 || month > 12) throw bad('no such month');
	if (window === 'month') return daysFromCivil(year, month, 1);
	const day = Number(m[3]);
	if (day < 1 || day > daysInMonth(year, month)) throw bad('no such date');
	const days = daysFromCivil(year, month, day);
	if (window === 'week' && weekdayOf(days) !== weekStart) throw bad(`weeks of this organization start on ISO weekday ${weekStart}`);
	return days;
}

function allPeriod(): Period {
	return { window: 'all', key: 'all', start: new Date(ALL_START), end: new Date(ALL_END) };
}

function buildPeriod(window: WindowKind, first: number, zone: Zone): Period {
	if (window === 'all') return allPeriod();
	return {
		window,
		key: keyOf(window, first),
		start: new Date(dayStart(zone, first)),
		end: new Date(dayStart(zone, shiftFirstDay(window, first, 1)))
	};
}

// ---------------------------------------------------------------------------------------------------
// Per-clock period sets: the six periods containing every instant of one local day.

interface PeriodSet {
	/** Frozen: handed out as is by periodKeysOf. */
	keys: readonly string[];
	starts: number[];
	ends: number[];
	/** The local day the set is for (see periodRetention). */
	days: number;
	retention?: PeriodRetention;
}

interface ClockState {
	zone: Zone;
	weekStart: number;
	/** The day interval and set of the last lookup: the hot path for a stream of recent events. */
	lastStart: number;
	lastEnd: number;
	lastSet: PeriodSet | undefined;
	sets: Map<number, PeriodSet>;
}

function checkWeekStart(weekStart: number): void {
	if (!Number.isInteger(weekStart) || weekStart < 1 || weekStart > 7) {
		throw new RangeError(`Invalid weekStart ${JSON.stringify(weekStart)}: expected an ISO weekday 1 (Monday) … 7 (Sunday)`);
	}
}

function clockState(clock: OrgClock): ClockState {
	if (clock === null || typeof clock !== 'object') throw new TypeError('Expected an OrgClock { timeZone, weekStart }');
	const weekStart = clock.weekStart;
	checkWeekStart(weekStart);
	const zone = zoneFor(clock.timeZone);
	let state = zone.clocks[weekStart];
	if (state === undefined) {
		state = { zone, weekStart, lastStart: 0, lastEnd: 0, lastSet: undefined, sets: new Map() };
		zone.clocks[weekStart] = state;
	}
	return state;
}

function periodSet(state: ClockState, days: number): PeriodSet {
	const cached = state.sets.get(days);
	if (cached !== undefined) return cached;
	const keys: string[] = [];
	const starts: number[] = [];
	const ends: number[] = [];
	for (const window of WINDOWS) {
		if (window === 'all') {
			keys.push('all');
			starts.push(ALL_START);
			ends.push(ALL_END);
			continue;
		}
		const first = firstDayOf(window, days, state.weekStart);
		keys.push(keyOf(window, first));
		starts.push(dayStart(state.zone, first));
		ends.push(dayStart(state.zone, shiftFirstDay(window, first, 1)));
	}
	const set: PeriodSet = { keys: Object.freeze(keys), starts, ends, days };
	if (state.sets.size >= PERIOD_SET_CACHE_LIMIT) state.sets.clear();
	state.sets.set(days, set);
	return set;
}

function toEpochMs(at: Date | number): number {
	const t = typeof at === 'number' ? at : at instanceof Date ? at.getTime() : NaN;
	if (!Number.isFinite(t) || Math.abs(t) > MAX_TIME) throw new RangeError(`Invalid instant ${String(at)}`);
	return t;
}

const MAX_PERIOD_DAY = daysFromCivil(MAX_KEY_YEAR + 1, 1, 1);

function periodSetAt(at: Date | number, clock: OrgClock): PeriodSet {
	const t = toEpochMs(at);
	const state = clockState(clock);
	if (t < ALL_START) throw new RangeError(`Instant ${new Date(t).toISOString()} is before 1970-01-01T00:00:00Z, where the 'all' window starts`);
	if (t >= state.lastStart && t < state.lastEnd && state.lastSet !== undefined) return state.lastSet;
	let days = localDay(state.zone, t);
	if (days >= MAX_PERIOD_DAY) throw new RangeError(`Instant ${new Date(t).toISOString()} is after the year ${MAX_KEY_YEAR} in ${state.zone.name}`);
	let set = periodSet(state, days);
	// Where a fall-back transition re-enters the previous local date (00:01 → 23:01 in St. John's,
	// Goose Bay and Moncton before 2011), the wall-clock date disagrees with the day boundaries for that
	// repeated stretch; the boundaries win, so that periods stay intervals.
	while (t >= set.ends[0]) set = periodSet(state, ++days);
	while (t < set.starts[0]) set = periodSet(state, --days);
	if (days >= MAX_PERIOD_DAY) throw new RangeError(`Instant ${new Date(t).toISOString()} is after the year ${MAX_KEY_YEAR} in ${state.zone.name}`);
	state.lastStart = set.starts[0];
	state.lastEnd = set.ends[0];
	state.lastSet = set;
	return set;
}

// ---------------------------------------------------------------------------------------------------
// Public API

/** The period of `window` containing instant `at`, in the org's zone. */
export function periodOf(window: WindowKind, at: Date | number, clock: OrgClock): Period {
	if (!isWindowKind(window)) throw new RangeError(`Unknown window ${JSON.stringify(window)}: expected one of ${WINDOWS.join(', ')}`);
	const i = WINDOW_INDEX[window];
	const set = periodSetAt(at, clock);
	return { window, key: set.keys[i], start: new Date(set.starts[i]), end: new Date(set.ends[i]) };
}

/** All six periods containing `at` (one per window), in WINDOWS order. */
export function periodsOf(at: Date | number, clock: OrgClock): Period[] {
	const set = periodSetAt(at, clock);
	const out: Period[] = new Array(WINDOWS.length);
	for (let i = 0; i < WINDOWS.length; i++) {
		out[i] = { window: WINDOWS[i], key: set.keys[i], start: new Date(set.starts[i]), end: new Date(set.ends[i]) };
	}
	return out;
}

/**
 * How long the live store keeps a period's boards: while the period is current or the one just before,
 * so until the end of the period after it ('all' forever). Nothing reads older periods from the live
 * store (boards and pushes show current periods; receipts and history come from the event log), and
 * without a limit it would grow by every day, week and month's boards for as long as Podium runs.
 */
export interface PeriodRetention {
	/** For the periods containing the instant, in WINDOWS order: when their boards go (ms since epoch; Infinity for 'all'). */
	keptUntil: readonly number[];
	/** For "now" = the instant, in WINDOWS order: the oldest period key whose boards are kept. */
	keptFrom: readonly string[];
}

export function periodRetention(at: Date | number, clock: OrgClock): PeriodRetention {
	const set = periodSetAt(at, clock);
	if (set.retention) return set.retention;
	const state = clockState(clock);
	const keptUntil: number[] = [];
	const keptFrom: string[] = [];
	for (const window of WINDOWS) {
		if (window === 'all') {
			keptUntil.push(Infinity);
			keptFrom.push('all');
			continue;
		}
		const first = firstDayOf(window, set.days, state.weekStart);
		const afterNext = shiftFirstDay(window, first, 2);
		keptUntil.push(afterNext >= MAX_PERIOD_DAY ? ALL_END : dayStart(state.zone, afterNext));
		keptFrom.push(keyOf(window, shiftFirstDay(window, first, -1)));
	}
	set.retention = { keptUntil: Object.freeze(keptUntil), keptFrom: Object.freeze(keptFrom) };
	return set.retention;
}

/**
 * The keys of the six periods containing `at`, in WINDOWS order: periodsOf(at, clock).map((p) => p.key)
 * without allocating anything (a shared, frozen array), for the per-event ingest path.
 */
export function periodKeysOf(at: Date | number, clock: OrgClock): readonly string[] {
	return periodSetAt(at, clock).keys;
}

/** Parse a period key back (for API 'window' params and Redis keys). Throws RangeError on a bad key. */
export function periodFromKey(window: WindowKind, key: string, clock: OrgClock): Period {
	const state = clockState(clock);
	const first = firstDayFromKey(window, key, state.weekStart);
	return buildPeriod(window, first, state.zone);
}

/**
 * The period `delta` periods after (negative: before) `period`, e.g. -1 for "change since last week".
 * The 'all' window has no neighbours: delta 0 returns it, anything else throws RangeError.
 */
export function shiftPeriod(period: Period, delta: number, clock: OrgClock): Period {
	if (!Number.isSafeInteger(delta)) throw new RangeError(`Invalid delta ${JSON.stringify(delta)}: expected an integer`);
	const state = clockState(clock);
	const window = period?.window;
	const first = firstDayFromKey(window, period?.key, state.weekStart);
	if (window === 'all') {
		if (delta !== 0) throw new RangeError("The 'all' window has no previous or next period");
		return allPeriod();
	}
	if (Math.abs(delta) > 4_000_000) throw new RangeError(`Invalid delta ${delta}: out of range`);
	const shifted = shiftFirstDay(window, first, delta);
	checkKeyYear(window, shifted);
	return buildPeriod(window, shifted, state.zone);
}

/** Local calendar parts of an instant in a zone (seconds truncated; weekday 1 = Monday … 7 = Sunday). */
export function zonedParts(at: Date | number, timeZone: string): ZonedParts {
	const t = toEpochMs(at);
	const zone = zoneFor(timeZone);
	const local = t + offsetAt(zone, t);
	const days = Math.floor(local / DAY);
	const { year, month, day } = civilFromDays(days);
	const msOfDay = local - days * DAY;
	return {
		year,
		month,
		day,
		hour: Math.floor(msOfDay / HOUR),
		minute: Math.floor((msOfDay % HOUR) / MINUTE),
		second: Math.floor((msOfDay % MINUTE) / SECOND),
		weekday: weekdayOf(days)
	};
}

/**
 * The instant of a local wall-clock time in a zone. Nonexistent times (DST gaps) move forward by the
 * length of the gap, like Temporal's 'compatible' disambiguation; ambiguous (fall-back) times take the
 * earlier instant. Throws RangeError on out-of-range fields.
 */
export function zonedTimeToInstant(parts: WallTime, timeZone: string): Date {
	const zone = zoneFor(timeZone);
	const { year, month, day, hour = 0, minute = 0, second = 0 } = parts;
	const field = (name: string, value: number, min: number, max: number) => {
		if (!Number.isInteger(value) || value < min || value > max) {
			throw new RangeError(`Invalid ${name} ${JSON.stringify(value)}: expected an integer from ${min} to ${max}`);
		}
	};
	field('year', year, -271820, 275760);
	field('month', month, 1, 12);
	field('day', day, 1, daysInMonth(year, month));
	field('hour', hour, 0, 23);
	field('minute', minute, 0, 59);
	field('second', second, 0, 59);
	const wall = daysFromCivil(year, month, day) * DAY + hour * HOUR + minute * MINUTE + second * SECOND;
	const instant = wallToInstant(zone, wall, false);
	if (Math.abs(instant) > MAX_TIME) throw new RangeError('The resulting instant is outside the range of Date');
	return new Date(instant);
}
