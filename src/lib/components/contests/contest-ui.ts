// Pure helpers of the contest components: the countdown's target and parts, and the bracket's
// rounds with the matches the server has not drawn yet filled in as placeholders.
import type { ContestBracketView, ContestFormat, ContestStatus } from '$lib/shared/contests';

export const FINAL_STRETCH_MS = 10 * 60_000;

export interface CountdownState {
	/** What it counts to: the start (scheduled), the end (live), or nothing. */
	mode: 'start' | 'end' | 'none';
	ms: number;
	/** Live, with ten minutes or less to go. */
	finalStretch: boolean;
}

export function countdownState(status: ContestStatus, startsAt: string, endsAt: string | null, now: number): CountdownState {
	if (status === 'scheduled') return { mode: 'start', ms: Math.max(0, Date.parse(startsAt) - now), finalStretch: false };
	if (status === 'live' && endsAt) {
		const ms = Math.max(0, Date.parse(endsAt) - now);
		return { mode: 'end', ms, finalStretch: ms <= FINAL_STRETCH_MS };
	}
	return { mode: 'none', ms: 0, finalStretch: false };
}

export function countdownParts(ms: number): { d: number; h: number; m: number; s: number } {
	const total = Math.max(0, Math.floor(ms / 1000));
	return { d: Math.floor(total / 86_400), h: Math.floor((total % 86_400) / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** A format's accent colour (a hue), so a card says its format at a glance. */
export const FORMAT_HUE: Record<ContestFormat, number> = {
	race: 262,
	race_to_target: 199,
	team_vs_team: 12,
	duel: 330,
	bracket: 38,
	elimination: 350,
	team_challenge: 152
};

export interface BracketRound {
	round: number;
	matches: (ContestBracketView & { placeholder?: boolean })[];
}

/**
 * The bracket's rounds, first to final. The first round sets the size (its match count, rounded up to a
 * power of two); every later round has half the matches of the one before, and a match not drawn yet
 * (its players still playing) is a placeholder.
 */
export function bracketRounds(matches: ContestBracketView[]): BracketRound[] {
	if (matches.length === 0) return [];
	const first = Math.min(...matches.map((m) => m.round));
	const firstCount = matches.filter((m) => m.round === first).reduce((n, m) => Math.max(n, m.slot + 1), 0);
	let size = 1;
	while (size < firstCount) size *= 2;
	const rounds: BracketRound[] = [];
	for (let r = first, count = size; count >= 1; r++, count /= 2) {
		const drawn = new Map(matches.filter((m) => m.round === r).map((m) => [m.slot, m]));
		const list: BracketRound['matches'] = [];
		for (let slot = 0; slot < count; slot++) {
			list.push(drawn.get(slot) ?? { round: r, slot, a: null, b: null, winner: null, startsAt: '', endsAt: '', placeholder: true });
		}
		rounds.push({ round: r, matches: list });
		if (count === 1) break;
	}
	return rounds;
}

/** A match with one side only is a bye: the one present advances without playing. */
export function isBye(match: ContestBracketView & { placeholder?: boolean }): boolean {
	return !match.placeholder && (match.a === null) !== (match.b === null);
}

/** Percent for display, whole numbers up to 100 and beyond. */
export function percent(progress: number): number {
	return Math.round(progress * 100);
}

/** One step of a podium: a place with who holds it, and their prize once final. */
export interface PodiumEntry {
	place: number;
	id: string;
	name: string;
	/** null: masked (transparency). */
	score: number | null;
	team?: { id: string; name: string } | null;
	prize?: { text: string; points: number } | null;
}
