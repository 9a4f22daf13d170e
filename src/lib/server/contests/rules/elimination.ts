// Elimination: at set intervals the last place of those remaining leaves, until one remains.
// Invariant: scores are cumulative from the contest's start; the one eliminated is the last of the
// remaining in the standings order, with one deterministic rule for every kind of tie at the bottom.

export interface EliminationRow {
	id: string;
	score: number;
	/** The event that last changed the score; null when the participant never scored. */
	tie: number | null;
	/** Optional seed (1 = best): among several who never scored, the worst seed goes first. */
	seed?: number | null;
}

/**
 * The elimination times: start + k·every for k = 1 .. n−1 (one fewer than the participants, so that one
 * remains). With an end, only the times strictly before the end are kept: at the end the contest
 * finishes and the remaining participants are ranked by their scores.
 */
export function eliminationTimes(startsAt: Date, endsAt: Date | null, everyMs: number, participants: number): Date[] {
	if (!(everyMs > 0) || participants < 2) return [];
	const times: Date[] = [];
	for (let k = 1; k < participants; k++) {
		const at = startsAt.getTime() + k * everyMs;
		if (endsAt !== null && at >= endsAt.getTime()) break;
		times.push(new Date(at));
	}
	return times;
}

/** When an elimination contest actually ends: at its last elimination when one then remains, else at its end. */
export function eliminationEnd(startsAt: Date, endsAt: Date | null, everyMs: number, participants: number): Date | null {
	const times = eliminationTimes(startsAt, endsAt, everyMs, participants);
	if (times.length === participants - 1 && times.length > 0) return times[times.length - 1];
	return endsAt;
}

/**
 * Whether `a` should leave before `b`: the lower score; on equal scores, who never scored; then who
 * reached the score last (larger tie); among those who never scored, the worse seed (larger number,
 * no seed counts as worst), then the larger id.
 */
export function leavesBefore(a: EliminationRow, b: EliminationRow): boolean {
	if (a.score !== b.score) return a.score < b.score;
	if (a.tie !== b.tie) {
		if (a.tie === null) return true;
		if (b.tie === null) return false;
		return a.tie > b.tie;
	}
	const sa = a.seed ?? Number.POSITIVE_INFINITY;
	const sb = b.seed ?? Number.POSITIVE_INFINITY;
	if (sa !== sb) return sa > sb;
	return a.id > b.id;
}

/** The participant eliminated now, among those remaining; null when one or none remains. */
export function whoIsEliminated<T extends EliminationRow>(remaining: readonly T[]): T | null {
	if (remaining.length < 2) return null;
	let out = remaining[0];
	for (const row of remaining) if (leavesBefore(row, out)) out = row;
	return out;
}

/**
 * Replays the eliminations: `standingsAt(time, remaining)` gives the remaining participants' standings
 * at each elimination time. Returns who left when, in order, and who remains.
 */
export function replayEliminations<T extends EliminationRow>(
	times: readonly Date[],
	participants: readonly string[],
	standingsAt: (at: Date, remaining: readonly string[]) => readonly T[]
): { eliminated: { id: string; at: Date }[]; remaining: string[] } {
	let remaining = [...participants];
	const eliminated: { id: string; at: Date }[] = [];
	for (const at of times) {
		const rows = standingsAt(at, remaining).filter((row) => remaining.includes(row.id));
		// Anyone remaining but absent from the standings never scored.
		for (const id of remaining) if (!rows.some((row) => row.id === id)) rows.push({ id, score: 0, tie: null } as T);
		const out = whoIsEliminated(rows);
		if (out === null) break;
		eliminated.push({ id: out.id, at });
		remaining = remaining.filter((id) => id !== out.id);
	}
	return { eliminated, remaining };
}
