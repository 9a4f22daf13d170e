// Bracket: seeded single elimination with byes, one round per fixed time span.
// Invariants: the bracket size is the next power of two; byes go to the top seeds and only exist in
// round 0; seeds are placed in the standard order (1 v N, 2 v N-1, …) so that the top seeds can only
// meet late; each round's scores count only that round's span.
import type { ContestBracketMatch } from '$lib/shared/contests';
import { CONTEST_LIMITS } from '$lib/shared/contests';

export interface BracketParticipant {
	id: string;
	name: string;
	/** 1 = the best. Gaps and duplicates are allowed: seeds are renumbered 1..n by (seed, id). */
	seed: number;
}

export interface RoundScore {
	score: number;
	/** The event that last changed the score in that round (smaller = reached it first); null: never scored. */
	tie: number | null;
}

/** The bracket size for n participants: the next power of two. */
export function bracketSize(n: number): number {
	let size = 1;
	while (size < n) size *= 2;
	return size;
}

/** The number of rounds: log2 of the bracket size. */
export function bracketRounds(n: number): number {
	return Math.round(Math.log2(bracketSize(n)));
}

/** The standard seed order of a bracket of `size` (a power of two): [1, 8, 4, 5, 2, 7, 3, 6] for 8. */
export function seedOrder(size: number): number[] {
	let order = [1];
	while (order.length < size) {
		const next = order.length * 2;
		order = order.flatMap((seed) => [seed, next + 1 - seed]);
	}
	return order;
}

/** When round `round` (0-based) starts and ends: [start + round·roundMs, start + (round+1)·roundMs). */
export function roundSpan(startsAt: Date, roundMs: number, round: number): { startsAt: Date; endsAt: Date } {
	return { startsAt: new Date(startsAt.getTime() + round * roundMs), endsAt: new Date(startsAt.getTime() + (round + 1) * roundMs) };
}

/** When a bracket of n participants ends: after its last round. */
export function bracketEnd(startsAt: Date, roundMs: number, n: number): Date {
	return new Date(startsAt.getTime() + bracketRounds(n) * roundMs);
}

export function isBracketSizeAllowed(n: number): boolean {
	return Number.isInteger(n) && n >= CONTEST_LIMITS.bracketMin && n <= CONTEST_LIMITS.bracketMax;
}

/** Seeds by points (e.g. the last period's): the most points is seed 1; equal points go by who got there first, then id. */
export function seedsByPoints<T extends { id: string; score: number; tie?: number | null }>(rows: readonly T[]): (T & { seed: number })[] {
	const sorted = [...rows].sort((a, b) => {
		if (a.score !== b.score) return b.score - a.score;
		const ta = a.tie ?? null;
		const tb = b.tie ?? null;
		if (ta !== tb) {
			if (ta === null) return 1;
			if (tb === null) return -1;
			return ta - tb;
		}
		return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
	});
	return sorted.map((row, index) => ({ ...row, seed: index + 1 }));
}

type Slot = NonNullable<ContestBracketMatch['a']>;

/**
 * Every match of the bracket, round by round (round 0 first, slots 0-based). Round 0 holds the seeded
 * pairs and the byes (a bye's winner is set at once and already placed in round 1); later rounds start
 * empty and fill as rounds are decided. Throws RangeError outside 4..64 participants or on duplicate ids.
 */
export function seedBracket(participants: readonly BracketParticipant[], options: { startsAt: Date; roundMs: number }): ContestBracketMatch[] {
	const n = participants.length;
	if (!isBracketSizeAllowed(n)) throw new RangeError(`A bracket takes ${CONTEST_LIMITS.bracketMin} to ${CONTEST_LIMITS.bracketMax} participants, got ${n}`);
	if (new Set(participants.map((p) => p.id)).size !== n) throw new RangeError('A bracket participant appears twice');
	if (!(options.roundMs > 0)) throw new RangeError('A bracket round must last more than 0 ms');
	const seeded = [...participants]
		.sort((a, b) => a.seed - b.seed || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
		.map((p, index): Slot => ({ id: p.id, name: p.name, seed: index + 1, score: 0 }));
	const size = bracketSize(n);
	const rounds = bracketRounds(n);
	const order = seedOrder(size);
	const matches: ContestBracketMatch[] = [];
	for (let round = 0; round < rounds; round++) {
		const span = roundSpan(options.startsAt, options.roundMs, round);
		const count = size >> (round + 1);
		for (let slot = 0; slot < count; slot++) {
			let a: Slot | null = null;
			let b: Slot | null = null;
			if (round === 0) {
				a = seeded[order[2 * slot] - 1] ?? null;
				b = seeded[order[2 * slot + 1] - 1] ?? null;
			}
			matches.push({ round, slot, a, b, winner: null, startsAt: span.startsAt.toISOString(), endsAt: span.endsAt.toISOString() });
		}
	}
	// Byes: the one present advances at once.
	for (const match of matches) {
		if (match.round !== 0) continue;
		const present = match.a === null ? match.b : match.b === null ? match.a : null;
		if (present !== null) {
			match.winner = present.id;
			advance(matches, match, present);
		}
	}
	return matches;
}

function advance(matches: ContestBracketMatch[], from: ContestBracketMatch, who: Slot): void {
	const next = matches.find((m) => m.round === from.round + 1 && m.slot === from.slot >> 1);
	if (next === undefined) return;
	const entrant: Slot = { id: who.id, name: who.name, seed: who.seed, score: 0 };
	if (from.slot % 2 === 0) next.a = entrant;
	else next.b = entrant;
}

/**
 * The winner of a match: the higher score; on equal scores, who reached it first (smaller tie; never
 * scored loses to scored); then the better (lower) seed.
 */
export function matchWinner(a: Slot & { tie: number | null }, b: Slot & { tie: number | null }): Slot {
	if (a.score !== b.score) return a.score > b.score ? a : b;
	if (a.tie !== b.tie) {
		if (a.tie === null) return b;
		if (b.tie === null) return a;
		return a.tie < b.tie ? a : b;
	}
	return a.seed <= b.seed ? a : b;
}

/**
 * Decides one round: records each match's scores (missing from the map: 0, never scored), sets the
 * winners and moves them into the next round's slots. Returns a new array; matches already decided
 * (byes) keep their winner. A match still missing an entrant (an earlier round undecided) stays undecided.
 */
export function decideRound(matches: readonly ContestBracketMatch[], round: number, scores: ReadonlyMap<string, RoundScore>): ContestBracketMatch[] {
	const out = matches.map((m) => ({ ...m, a: m.a && { ...m.a }, b: m.b && { ...m.b } }));
	for (const match of out) {
		if (match.round !== round) continue;
		const { a, b } = match;
		if (a !== null && b !== null) {
			const sa = scores.get(a.id) ?? { score: 0, tie: null };
			const sb = scores.get(b.id) ?? { score: 0, tie: null };
			a.score = sa.score;
			b.score = sb.score;
			const winner = matchWinner({ ...a, tie: sa.tie }, { ...b, tie: sb.tie });
			match.winner = winner.id;
			advance(out, match, winner);
		} else if (match.winner !== null) {
			const present = (match.a ?? match.b) as Slot;
			advance(out, match, present);
		}
	}
	return out;
}

/** The champion: the winner of the final, or null while undecided. */
export function bracketChampion(matches: readonly ContestBracketMatch[]): string | null {
	if (matches.length === 0) return null;
	const last = Math.max(...matches.map((m) => m.round));
	const finals = matches.filter((m) => m.round === last);
	return finals.length === 1 ? finals[0].winner : null;
}

/** The round being played at `at` (0-based), or null before the start or after the last round. */
export function roundAt(at: Date, startsAt: Date, roundMs: number, n: number): number | null {
	const elapsed = at.getTime() - startsAt.getTime();
	if (elapsed < 0) return null;
	const round = Math.floor(elapsed / roundMs);
	return round < bracketRounds(n) ? round : null;
}

/** When each participant lost (the end of the round they lost in), for the standings' `eliminated`. */
export function bracketLosers(matches: readonly ContestBracketMatch[]): Map<string, string> {
	const lost = new Map<string, string>();
	for (const match of matches) {
		if (match.winner === null) continue;
		for (const side of [match.a, match.b]) if (side !== null && side.id !== match.winner) lost.set(side.id, match.endsAt);
	}
	return lost;
}
