// Formatting for the TV: scores in their unit, in the display's language.
import type { Locale } from '$lib/i18n';

export function formatScore(score: number, unit: 'points' | 'count' | 'currency' | 'minutes', currency: string | null, locale: Locale): string {
	if (unit === 'currency' && currency) return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: score >= 1e8 ? 2 : 0, notation: score >= 1e8 ? 'compact' : 'standard' }).format(score / 100);
	if (unit === 'minutes') return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(score / 60)} h`;
	return new Intl.NumberFormat(locale, { notation: score >= 1e7 ? 'compact' : 'standard', maximumFractionDigits: 1 }).format(score);
}

/** A stable hue per person for their avatar. */
export function hueOf(id: string): number {
	let h = 0;
	for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
	return h;
}

/** Days, hours, minutes and seconds left until `at` (never negative). */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number; seconds: number } {
	const left = Math.max(0, Math.floor(ms / 1000));
	return { days: Math.floor(left / 86400), hours: Math.floor((left % 86400) / 3600), minutes: Math.floor((left % 3600) / 60), seconds: left % 60 };
}

/** A sparkline's SVG path through the values, in a width × height box (the lowest value at the bottom, 0 included). */
export function sparkPath(values: number[], width: number, height: number): { line: string; area: string } {
	if (values.length === 0) return { line: '', area: '' };
	const max = Math.max(0, ...values);
	const min = Math.min(0, ...values);
	const span = max - min || 1;
	const step = values.length > 1 ? width / (values.length - 1) : 0;
	const points = values.map((v, i) => [values.length > 1 ? i * step : width / 2, height - ((v - min) / span) * height] as const);
	const line = points.map(([x, y], i) => `${i ? 'L' : 'M'}${round(x)},${round(y)}`).join('');
	const base = height - ((0 - min) / span) * height;
	const area = `${line}L${round(points[points.length - 1][0])},${round(base)}L${round(points[0][0])},${round(base)}Z`;
	return { line, area };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The change from `previous` to `current` in whole percent; null when there is nothing to compare with. */
export function changePercent(current: number, previous: number): number | null {
	if (previous === 0) return null;
	return Math.round(((current - previous) / Math.abs(previous)) * 100);
}

/**
 * A bracket's rounds for the TV: each round's slots in order (null where a match is not drawn yet),
 * every later round half the one before. Rounds with more than `maxMatches` matches are left out, so
 * a big bracket shows its last rounds legibly.
 */
export function tvRounds<M extends { round: number; slot: number }>(matches: M[], maxMatches = 8): { round: number; index: number; total: number; matches: (M | null)[] }[] {
	if (matches.length === 0) return [];
	const first = Math.min(...matches.map((m) => m.round));
	const firstCount = matches.filter((m) => m.round === first).reduce((n, m) => Math.max(n, m.slot + 1), 0);
	let size = 1;
	while (size < firstCount) size *= 2;
	const rounds: { round: number; index: number; total: number; matches: (M | null)[] }[] = [];
	let index = 0;
	for (let r = first, count = size; count >= 1; r++, count /= 2, index++) {
		const drawn = new Map(matches.filter((m) => m.round === r).map((m) => [m.slot, m]));
		rounds.push({ round: r, index, total: 0, matches: Array.from({ length: count }, (_, slot) => drawn.get(slot) ?? null) });
		if (count === 1) break;
	}
	for (const r of rounds) r.total = rounds.length;
	return rounds.filter((r) => r.matches.length <= maxMatches);
}
