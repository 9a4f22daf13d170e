// Team challenge: one shared target, progress, milestones at 25/50/75/100 %, and the contributors.
// Invariant: a milestone is reached when total·100 >= m·target, compared without division, so that a
// total exactly on a milestone reaches it whatever the floating-point rounding.
import { CONTEST_LIMITS } from '$lib/shared/contests';
import { rankStandings } from './ranking';

export const MILESTONES: readonly number[] = CONTEST_LIMITS.milestones;

/** The milestones (percent) reached by a total. */
export function milestonesReached(total: number, target: number): number[] {
	if (!(target > 0)) return [];
	return MILESTONES.filter((m) => total * 100 >= m * target);
}

/**
 * The milestones newly reached going from `before` to `after`. Those in `alreadyReached` (celebrated
 * before, then lost to a correction) are not celebrated again.
 */
export function milestonesCrossed(before: number, after: number, target: number, alreadyReached: readonly number[] = []): number[] {
	const had = new Set([...milestonesReached(before, target), ...alreadyReached]);
	return milestonesReached(after, target).filter((m) => !had.has(m));
}

/** Progress toward the target, 0 to 1. */
export function challengeProgress(total: number, target: number): number {
	if (!(target > 0) || !Number.isFinite(total)) return 0;
	return Math.min(1, Math.max(0, total / target));
}

/**
 * The contributors list: those with a positive contribution, the largest first, equal ones by who
 * contributed first, then id; at most `limit`.
 */
export function orderContributors<T extends { id: string; score: number; tie?: number | null }>(rows: readonly T[], limit = Infinity): T[] {
	const ranked = rankStandings(rows.filter((row) => row.score > 0).map((row) => ({ row, id: row.id, score: row.score, tie: row.tie ?? null })));
	return ranked.slice(0, limit).map((r) => r.row);
}
