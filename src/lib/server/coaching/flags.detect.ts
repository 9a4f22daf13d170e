// The math of the anti-gaming flags: pure functions over plain numbers and strings, unit-tested with
// hand-computed fixtures (tests/unit/flags.test.ts). A flag asks a leader to look; it never changes a
// score, so every threshold here errs on the side of saying nothing (minimum history, minimum counts).
import { mad, median } from '../../charts/math';

export { mad, median };

/** Self-reports: the trailing window of a rep's own days, the days needed, and the robust z that flags. */
export const SPIKE = { historyDays: 28, minHistory: 7, z: 3.5, recentDays: 7 } as const;
/** Bunching: the last hours before a boundary, the events needed in them, the share and the lift over the rep's own rate. */
export const BUNCHING = { hours: 48, minEvents: 5, share: 0.4, lift: 3, minPeriodDays: 4, contestLookbackDays: 35 } as const;
/** Voids: the voided events needed, the rate, and how many times the rest of the organization's rate. */
export const VOIDS = { minVoided: 3, rate: 0.2, ratio: 2 } as const;
/** Notes: the events that must carry the same note, and how long a note must be to count. */
export const NOTES = { minRepeats: 5, minWeight: 12 } as const;

/**
 * How far x lies above a rep's own norm, robust to the outliers it looks for (Iglewicz & Hoaglin's
 * modified z): 0.6745 × (x − median) / MAD. When more than half the days are equal (MAD 0) the mean
 * absolute deviation stands in: (x − median) / (1.253314 × meanAD). Null with no spread at all or
 * too little history.
 */
export function robustZ(history: readonly number[], x: number, minHistory: number = SPIKE.minHistory): { z: number; median: number; mad: number } | null {
	if (history.length < minHistory || history.length === 0) return null;
	const m = median(history)!;
	const d = mad(history)!;
	if (d > 0) return { z: (0.6745 * (x - m)) / d, median: m, mad: d };
	const meanAd = history.reduce((s, v) => s + Math.abs(v - m), 0) / history.length;
	if (meanAd === 0) return null;
	return { z: (x - m) / (1.253314 * meanAd), median: m, mad: 0 };
}

/** A day's self-reported total against the rep's own trailing days: flagged above SPIKE.z. */
export function selfReportSpike(history: readonly number[], x: number, options: { minHistory?: number; z?: number } = {}) {
	const r = robustZ(history, x, options.minHistory ?? SPIKE.minHistory);
	if (!r) return { flagged: false as const, z: null, median: history.length ? median(history) : null, mad: history.length ? mad(history) : null };
	return { flagged: r.z > (options.z ?? SPIKE.z), z: r.z, median: r.median, mad: r.mad };
}

/**
 * Bunching before a boundary: `inWindow` of the rep's `total` events of a period fell in its last
 * `windowHours` of `periodHours`. The share is inWindow / total; evenly spread it would be
 * windowHours / periodHours (the rep's own rate), and the lift is how many times that it is.
 */
export function bunching(inWindow: number, total: number, windowHours: number, periodHours: number, t: { minEvents?: number; share?: number; lift?: number } = {}) {
	const share = total > 0 ? inWindow / total : 0;
	const expected = periodHours > 0 ? Math.min(1, windowHours / periodHours) : 1;
	const lift = expected > 0 ? share / expected : 0;
	const flagged = inWindow >= (t.minEvents ?? BUNCHING.minEvents) && share >= (t.share ?? BUNCHING.share) && lift >= (t.lift ?? BUNCHING.lift);
	return { share, expected, lift, flagged };
}

/**
 * Voids: the rep's voided events over their events, against the same rate of everyone else in the
 * organization over the window (their baseline; 0 when nobody else logged anything).
 */
export function voidRate(voided: number, total: number, othersVoided: number, othersTotal: number, t: { minVoided?: number; rate?: number; ratio?: number } = {}) {
	const rate = total > 0 ? voided / total : 0;
	const baseline = othersTotal > 0 ? othersVoided / othersTotal : 0;
	const flagged = voided >= (t.minVoided ?? VOIDS.minVoided) && rate >= (t.rate ?? VOIDS.rate) && (baseline === 0 || rate >= (t.ratio ?? VOIDS.ratio) * baseline);
	return { rate, baseline, flagged };
}

/** A note as compared: Unicode-normalized, lower case, spaces collapsed, trailing punctuation dropped. */
export function normalizeNote(note: string): string {
	return note
		.normalize('NFKC')
		.toLowerCase()
		.replace(/\s+/gu, ' ')
		.trim()
		.replace(/[\p{P}\s]+$/u, '');
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** How much a note says: letters and digits count 1, a CJK character 2 (a word on its own). */
export function noteWeight(normalized: string): number {
	let w = 0;
	for (const ch of normalized) {
		if (CJK.test(ch)) w += 2;
		else if (/[\p{L}\p{N}]/u.test(ch)) w += 1;
	}
	return w;
}

/** A note worth comparing: it says something (weight) and has a letter (not "12345" or "—"). */
export function isNonTrivialNote(normalized: string, minWeight: number = NOTES.minWeight): boolean {
	return /\p{L}/u.test(normalized) && noteWeight(normalized) >= minWeight;
}

/** The same non-trivial note on at least `minRepeats` events: each such note with its events, the most repeated first. */
export function duplicateNotes(events: readonly { id: number; note: string | null }[], minRepeats: number = NOTES.minRepeats, minWeight: number = NOTES.minWeight) {
	const groups = new Map<string, { note: string; ids: number[] }>();
	for (const e of events) {
		if (!e.note) continue;
		const key = normalizeNote(e.note);
		if (!isNonTrivialNote(key, minWeight)) continue;
		const g = groups.get(key);
		if (g) g.ids.push(e.id);
		else groups.set(key, { note: e.note.trim(), ids: [e.id] });
	}
	return [...groups.values()].filter((g) => g.ids.length >= minRepeats).sort((a, b) => b.ids.length - a.ids.length || a.note.localeCompare(b.note));
}
