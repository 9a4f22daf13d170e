// Backtest figures: what the draft's rules would have produced over a past period's totals.
// Invariant: the winners follow exactly the live rules (rankStandings + awardPlaces), so a backtest
// never disagrees with what the same totals would give in a real contest.
import type { ContestBacktestFigures } from '$lib/shared/contests';
import { awardPlaces, percentOfTarget, rankStandings } from './ranking';

export interface BacktestTotal {
	id: string;
	name: string;
	score: number;
	/** The participant's own target (percent-of-target figures). */
	target?: number | null;
	/** The event that last changed the score, when known (the tie rule); otherwise equal scores go by id. */
	tie?: number | null;
}

/** The share of the total scored by the top 20% of participants (at least one); 0 when nothing was scored. Negative totals count as 0. */
export function topShare(scores: readonly number[]): number {
	const positive = scores.map((s) => (Number.isFinite(s) && s > 0 ? s : 0)).sort((a, b) => b - a);
	const total = positive.reduce((sum, s) => sum + s, 0);
	if (positive.length === 0 || total <= 0) return 0;
	const top = Math.ceil(positive.length * 0.2);
	const share = positive.slice(0, top).reduce((sum, s) => sum + s, 0) / total;
	return Math.min(1, Math.max(0, share));
}

/** Who would have won, how many took part and scored, and how concentrated the scores were. */
export function backtestFigures(totals: readonly BacktestTotal[], rules: { places: number }): ContestBacktestFigures {
	const ranked = rankStandings(totals.map((t) => ({ id: t.id, name: t.name, score: t.score, tie: t.tie ?? null })));
	const winners = awardPlaces(ranked, { places: rules.places })
		.filter((row) => row.place !== null)
		.map((row) => ({ place: row.place as number, id: row.id, name: row.name, score: row.score }));
	return {
		winners,
		participants: totals.length,
		scored: totals.filter((t) => t.score > 0).length,
		topShare: topShare(totals.map((t) => t.score))
	};
}

/**
 * The same figures ranked by percent of each participant's target (their own, else the shared one);
 * a participant without either counts 0%. Null when no participant has a target.
 */
export function backtestPercentOfTarget(totals: readonly BacktestTotal[], rules: { places: number; target?: number | null }): ContestBacktestFigures | null {
	const targetOf = (t: BacktestTotal) => (t.target !== undefined && t.target !== null && t.target > 0 ? t.target : rules.target !== undefined && rules.target !== null && rules.target > 0 ? rules.target : null);
	if (!totals.some((t) => targetOf(t) !== null)) return null;
	return backtestFigures(
		totals.map((t) => ({ id: t.id, name: t.name, tie: t.tie, score: percentOfTarget(t.score, targetOf(t)) })),
		rules
	);
}
