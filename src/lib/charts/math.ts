// Chart math: pure functions the chart components and the server share. Each takes plain data and
// returns plain data, so every aggregation a chart shows is unit-tested by hand-computed fixtures.
// Numbers in are whole points or values; rates and z-scores come out as floats, never stored.
import { ticks as d3ticks, nice as d3nice } from 'd3';

/** A nice [0, max] domain (or [min, max] when values go below zero) and its ticks. */
export function valueDomain(values: readonly number[], tickCount = 5): { domain: [number, number]; ticks: number[] } {
	let lo = 0;
	let hi = 0;
	for (const v of values) {
		if (!Number.isFinite(v)) continue;
		if (v < lo) lo = v;
		if (v > hi) hi = v;
	}
	if (lo === hi) hi = lo + 1;
	const [a, b] = d3nice(lo, hi, tickCount);
	return { domain: [a, b], ticks: d3ticks(a, b, tickCount) };
}

export interface LinePoint {
	/** 0-based position of the day in its period. */
	index: number;
	day: string;
	value: number;
	/** Running total from the period's first day. */
	total: number;
}

export interface LineSeries {
	current: LinePoint[];
	/** The previous period, aligned by day position (day n of last month against day n of this one), cut to this period's length. */
	ghost: LinePoint[];
	/** Pro-rata path to the target: after day i, target × (i + 1) / days; null without a goal. */
	goal: { index: number; value: number }[] | null;
	length: number;
}

/**
 * A period's running total against its goal and the previous period. `days` are the period's days in
 * order; days after `through` (today) are not drawn for the current period; missing days count 0.
 */
export function lineSeries(
	days: readonly string[],
	values: ReadonlyMap<string, number>,
	previousDays: readonly string[],
	previous: ReadonlyMap<string, number>,
	options: { target?: number | null; through?: string } = {}
): LineSeries {
	const run = (list: readonly string[], map: ReadonlyMap<string, number>, through?: string) => {
		const out: LinePoint[] = [];
		let total = 0;
		for (let i = 0; i < list.length; i++) {
			if (through !== undefined && list[i] > through) break;
			const value = map.get(list[i]) ?? 0;
			total += value;
			out.push({ index: i, day: list[i], value, total });
		}
		return out;
	};
	const target = options.target ?? null;
	return {
		current: run(days, values, options.through),
		// The ghost stops where this period does: a 31-day month is not drawn past a 30-day one.
		ghost: run(days.length ? previousDays.slice(0, days.length) : previousDays, previous),
		goal: target === null || days.length === 0 ? null : days.map((_, i) => ({ index: i, value: (target * (i + 1)) / days.length })),
		length: days.length || previousDays.length
	};
}

export interface BumpRow {
	id: string;
	/** Rank per week (1 = top), null in a week the member had no points and nobody else ranked them. */
	ranks: (number | null)[];
	scores: number[];
}

/**
 * Rank by week: in each week members are ordered by that week's score, highest first; equal scores
 * share a rank and the next rank skips (1, 2, 2, 4). A week where every score is 0 has no ranks.
 */
export function bumpRanks(weeks: readonly string[], scores: ReadonlyMap<string, ReadonlyMap<string, number>>): BumpRow[] {
	const ids = [...scores.keys()].sort();
	const rows: BumpRow[] = ids.map((id) => ({ id, ranks: [], scores: [] }));
	weeks.forEach((week) => {
		const list = rows.map((r) => ({ r, score: scores.get(r.id)?.get(week) ?? 0 }));
		const any = list.some((x) => x.score !== 0);
		const sorted = [...list].sort((a, b) => b.score - a.score);
		for (const x of list) {
			x.r.scores.push(x.score);
			x.r.ranks.push(any ? 1 + sorted.filter((y) => y.score > x.score).length : null);
		}
	});
	return rows;
}

export interface CalendarCell {
	day: string;
	/** Column: weeks since the first column's week start. */
	week: number;
	/** Row: 0 = the organization's first day of the week. */
	weekday: number;
	value: number;
	/** 0 = nothing, 1..4 = quartiles of the active days' values. */
	level: 0 | 1 | 2 | 3 | 4;
}

/** The ISO weekday (1 = Monday … 7 = Sunday) of a "YYYY-MM-DD" day. */
export function isoWeekday(day: string): number {
	const d = new Date(`${day}T12:00:00Z`).getUTCDay();
	return d === 0 ? 7 : d;
}

/** The days from `from` to `to` inclusive, as "YYYY-MM-DD" (calendar days, no time zone involved). */
export function dayRange(from: string, to: string): string[] {
	const out: string[] = [];
	let t = Date.parse(`${from}T12:00:00Z`);
	const end = Date.parse(`${to}T12:00:00Z`);
	while (t <= end) {
		out.push(new Date(t).toISOString().slice(0, 10));
		t += 86_400_000;
	}
	return out;
}

/** Quartile thresholds (by nearest rank) of the positive values: a value above the k-th is level k + 1. */
export function levelThresholds(values: readonly number[]): [number, number, number] {
	const pos = values.filter((v) => v > 0).sort((a, b) => a - b);
	if (pos.length === 0) return [0, 0, 0];
	const at = (q: number) => pos[Math.max(0, Math.ceil(q * pos.length) - 1)];
	return [at(0.25), at(0.5), at(0.75)];
}

/** A calendar heatmap: one cell per day, columns by week from the organization's week start. */
export function calendarBins(from: string, to: string, values: ReadonlyMap<string, number>, weekStart = 1): { cells: CalendarCell[]; weeks: number; thresholds: [number, number, number] } {
	const days = dayRange(from, to);
	const thresholds = levelThresholds(days.map((d) => values.get(d) ?? 0));
	const firstOffset = days.length ? (isoWeekday(days[0]) - weekStart + 7) % 7 : 0;
	const cells = days.map((day, i): CalendarCell => {
		const value = values.get(day) ?? 0;
		const slot = firstOffset + i;
		const level = value <= 0 ? 0 : value <= thresholds[0] ? 1 : value <= thresholds[1] ? 2 : value <= thresholds[2] ? 3 : 4;
		return { day, week: Math.floor(slot / 7), weekday: slot % 7, value, level };
	});
	return { cells, weeks: cells.length ? cells[cells.length - 1].week + 1 : 0, thresholds };
}

export interface AttainmentBin {
	/** Lower bound as a fraction of the goal (0.25 = 25%), inclusive. */
	from: number;
	/** Upper bound, exclusive; null for the last, open bin. */
	to: number | null;
	ids: string[];
}

/**
 * Goal attainment in bins of `step` (default 25%) from 0 up to `cap` (default 150%), the last bin open
 * ("150% and more"). Negative attainment counts in the first bin.
 */
export function attainmentBins(items: readonly { id: string; attainment: number }[], step = 0.25, cap = 1.5): AttainmentBin[] {
	const n = Math.round(cap / step);
	const bins: AttainmentBin[] = Array.from({ length: n + 1 }, (_, i) => ({ from: round(i * step), to: i === n ? null : round((i + 1) * step), ids: [] }));
	for (const it of items) {
		// A tiny epsilon: 0.75 / 0.25 must land in bin 3, not 2.999….
		const i = Math.min(n, Math.max(0, Math.floor(it.attainment / step + 1e-9)));
		bins[i].ids.push(it.id);
	}
	return bins;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export interface FunnelStage {
	key: string;
	value: number;
	/** This stage over the previous one; null for the first stage or after a zero. */
	stepRate: number | null;
	/** This stage over the first one; null when the first is zero. */
	overallRate: number | null;
}

/** Conversion through ordered stages (calls → meetings → deals). */
export function funnelRates(stages: readonly { key: string; value: number }[]): FunnelStage[] {
	const first = stages[0]?.value ?? 0;
	return stages.map((s, i) => ({
		key: s.key,
		value: s.value,
		stepRate: i === 0 || stages[i - 1].value <= 0 ? null : s.value / stages[i - 1].value,
		overallRate: first <= 0 ? null : s.value / first
	}));
}

export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const s = [...values].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median absolute deviation from the median. */
export function mad(values: readonly number[]): number | null {
	const m = median(values);
	if (m === null) return null;
	return median(values.map((v) => Math.abs(v - m)));
}

/**
 * How far x lies from a rep's own norm, robust to the outliers it looks for: 0.6745 × (x − median) / MAD
 * (Iglewicz & Hoaglin; above 3.5 is unusual). Null with fewer than 5 past values or no spread.
 */
export function robustZ(history: readonly number[], x: number): number | null {
	if (history.length < 5) return null;
	const m = median(history)!;
	const d = mad(history)!;
	if (d === 0) return null;
	return (0.6745 * (x - m)) / d;
}

/** Change against the previous period as a fraction (0.1 = +10%); null when there was nothing before. */
export function trend(current: number, previous: number): number | null {
	if (previous === 0) return null;
	return (current - previous) / Math.abs(previous);
}
