// Ranking and prize places, shared by every format.
// Invariant: the order is total and deterministic (score, then who reached it first, then id), so the
// same event log always yields the same standings, whatever order the rows arrive in.

export interface RankableRow {
	id: string;
	score: number;
	/** The event that last changed the score (smaller = reached it first); null (or absent) when it never changed. */
	tie?: number | null;
}

export type Ranked<T> = T & { rank: number };

export interface PrizeRule<Text = string> {
	place: number;
	text: Text;
	points: number;
}

export type Placed<T, Text = string> = T & { place: number | null; prize: { text: Text; points: number } | null };

/** Whether `a` is strictly ahead of `b`: a higher score, or the same score reached earlier. Never scored (null) comes last. */
export function isAhead(a: RankableRow, b: RankableRow): boolean {
	if (a.score !== b.score) return a.score > b.score;
	const ta = a.tie ?? null;
	const tb = b.tie ?? null;
	if (ta === tb) return false;
	if (ta === null) return false;
	if (tb === null) return true;
	return ta < tb;
}

/** The standings order: ahead first; rows neither ahead of the other are ordered by id. */
export function compareStandings(a: RankableRow, b: RankableRow): number {
	if (isAhead(a, b)) return -1;
	if (isAhead(b, a)) return 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Ranks rows: rank = 1 + the number of rows strictly ahead, so rows equal in score AND tie share a rank
 * (and the next rank is skipped, "1, 1, 3"). Returns new objects in standings order; the input is untouched.
 */
export function rankStandings<T extends RankableRow>(rows: readonly T[]): Ranked<T>[] {
	const sorted = [...rows].sort(compareStandings);
	const out: Ranked<T>[] = [];
	for (let i = 0; i < sorted.length; i++) {
		const row = sorted[i];
		const previous = out[i - 1];
		// Sorted, so the rows ahead of `row` are exactly those before it that are strictly ahead;
		// a row equal to the previous one shares its rank.
		const rank = previous !== undefined && !isAhead(previous, row) ? previous.rank : i + 1;
		out.push({ ...row, rank });
	}
	return out;
}

/**
 * Prize places. Only a row with a score above 0 can take a place; a row's place is its rank when that
 * rank is within 1..places. Rows sharing a rank share the place, and each gets that place's full prize
 * (the next place is then skipped, as the next rank is). A place without a prize rule gets prize null.
 */
export function awardPlaces<T extends { score: number; rank: number }, Text = string>(
	ranked: readonly T[],
	rules: { places: number; prizes?: readonly PrizeRule<Text>[] }
): Placed<T, Text>[] {
	const byPlace = new Map<number, PrizeRule<Text>>();
	for (const prize of rules.prizes ?? []) if (!byPlace.has(prize.place)) byPlace.set(prize.place, prize);
	return ranked.map((row) => {
		const place = row.score > 0 && row.rank >= 1 && row.rank <= rules.places ? row.rank : null;
		const rule = place === null ? undefined : byPlace.get(place);
		return { ...row, place, prize: rule === undefined ? null : { text: rule.text, points: rule.points } };
	});
}

/** Rounds to 2 decimals, so that equal ratios compare equal whatever their floating-point path. */
function round2(value: number): number {
	return Math.round(value * 100) / 100;
}

/**
 * Percent of a participant's target (100 = reached it), to 2 decimals. Without a positive target the
 * result is 0: a participant without a target cannot win a percent-of-target contest.
 */
export function percentOfTarget(score: number, target: number | null | undefined): number {
	if (target === null || target === undefined || !Number.isFinite(target) || target <= 0 || !Number.isFinite(score)) return 0;
	return round2((score * 100) / target);
}

/** A team's average per member, to 2 decimals; a team without members averages 0. */
export function averagePerMember(total: number, members: number): number {
	if (!Number.isFinite(members) || members <= 0 || !Number.isFinite(total)) return 0;
	return round2(total / members);
}

/**
 * The score a participant is ranked by: the total, the percent of their target, or (teams) the average
 * per member. Points stay whole; the other two have 2 decimals.
 */
export function rankingScore(by: 'total' | 'percent_of_target' | 'average_per_member', total: number, context: { target?: number | null; members?: number } = {}): number {
	if (by === 'percent_of_target') return percentOfTarget(total, context.target);
	if (by === 'average_per_member') return averagePerMember(total, context.members ?? 0);
	return total;
}
