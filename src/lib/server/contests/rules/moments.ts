// Moments worth celebrating, derived by comparing the standings before and after a change.
// Invariant: moments depend only on the two standings and the context, never on row order or on
// the `rank` fields the rows carry (ranks are recomputed), so replays produce the same moments.
import { CONTEST_LIMITS, type ContestMoment } from '$lib/shared/contests';
import { milestonesCrossed } from './challenge';
import { rankStandings } from './ranking';

export interface MomentRow {
	id: string;
	name: string;
	score: number;
	tie?: number | null;
}

export interface MomentContext {
	contestId: string;
	contestName: string;
	at: Date;
	/** A shared target: whoever's score goes from below it to at least it gets a target_reached moment. */
	target?: number | null;
	/** Per-participant targets (percent of target), used where no shared target is given. */
	targets?: Readonly<Record<string, number>>;
	/** Participants who already reached the target (celebrated once, even after a correction and a new crossing). */
	reached?: ReadonlySet<string>;
	/** Team challenge: the shared target and the milestones already celebrated. Totals default to the sums of the scores. */
	challenge?: { target: number; before?: number; after?: number; reached?: readonly number[] };
}

function leaderOf(rows: readonly MomentRow[]): MomentRow | null {
	const ranked = rankStandings(rows.map((row) => ({ ...row, tie: row.tie ?? null })));
	return ranked[0] ?? null;
}

/**
 * The moments between two standings: new_leader (the leader changed and the new one has scored above
 * 0), target_reached (each participant whose score crossed the target, in the new standings' order),
 * and milestone (each team-challenge milestone newly reached, in increasing order).
 */
export function momentsBetween(before: readonly MomentRow[], after: readonly MomentRow[], ctx: MomentContext): ContestMoment[] {
	const base = { contestId: ctx.contestId, contestName: ctx.contestName, at: ctx.at.toISOString() };
	const moments: ContestMoment[] = [];

	const oldLeader = leaderOf(before);
	const newLeader = leaderOf(after);
	if (newLeader !== null && newLeader.score > 0 && (oldLeader === null || oldLeader.id !== newLeader.id || oldLeader.score <= 0)) {
		moments.push({ ...base, type: 'new_leader', participant: { id: newLeader.id, name: newLeader.name } });
	}

	const previous = new Map(before.map((row) => [row.id, row.score]));
	const ordered = rankStandings(after.map((row) => ({ ...row, tie: row.tie ?? null })));
	for (const row of ordered) {
		const target = ctx.target ?? ctx.targets?.[row.id];
		if (target === undefined || target === null || !(target > 0)) continue;
		if (ctx.reached?.has(row.id)) continue;
		const was = previous.get(row.id) ?? 0;
		if (was < target && row.score >= target) moments.push({ ...base, type: 'target_reached', participant: { id: row.id, name: row.name } });
	}

	if (ctx.challenge !== undefined) {
		const sum = (rows: readonly MomentRow[]) => rows.reduce((total, row) => total + row.score, 0);
		const totalBefore = ctx.challenge.before ?? sum(before);
		const totalAfter = ctx.challenge.after ?? sum(after);
		for (const milestone of milestonesCrossed(totalBefore, totalAfter, ctx.challenge.target, ctx.challenge.reached)) {
			moments.push({ ...base, type: 'milestone', milestone });
		}
	}
	return moments;
}

/**
 * When the "final ten minutes" moment fires: ten minutes before the end. None without an end, nor
 * when the contest is not longer than ten minutes (it would fire at or before the start).
 */
export function finalStretchAt(endsAt: Date | null, startsAt?: Date): Date | null {
	if (endsAt === null) return null;
	const at = endsAt.getTime() - CONTEST_LIMITS.finalStretchMs;
	if (startsAt !== undefined && at <= startsAt.getTime()) return null;
	return new Date(at);
}
