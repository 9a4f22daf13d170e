// What a contest counts and how it ranks, shared by its live board (the family), the freeze (from
// Postgres) and reads. Invariants: an event counts when it occurred in [start, end) of a contest that
// has not been frozen; its contribution is whole (points, or round(value × weight) per event), so sums
// are exact whatever the order; equal values go to who reached them first (the smaller tie mark).
import { encodeBoardKey, type Scope } from '../../shared/boards/identity';
import type { ScoredEvent } from '../../shared/scoring';
import type { ContestFormat, ContestRankBy, ContestStatus } from '../../shared/contests';
import { TEAM_FORMATS } from '../../shared/contests';
import { readWhole } from '../live/store';

export const CONTEST_FAMILY = 'contest';
// A contest's boards hold its participants only and are always read in full (standings rank them), so
// the live store keeps them in its cheaper layout for boards read whole.
readWhole(`${CONTEST_FAMILY}:`);
export const CONTEST_PERIOD = 'range';
/** The metric prize points are paid on (archived, value 0): contests never count it. */
export const PRIZE_METRIC = 'contest_prize';
/** A board stays in the live store this long after its grace period (reads of a final contest use its results). */
export const CONTEST_BOARD_KEEP_MS = 24 * 3600_000;

export interface ContestDef {
	id: string;
	organizationId: string;
	format: ContestFormat;
	status: ContestStatus;
	hidden: boolean;
	rankBy: ContestRankBy;
	start: number;
	/** The effective end (ms): ended_at when it ended early, else ends_at; Infinity without an end. */
	end: number;
	graceMs: number;
	target: number | null;
	places: number;
	metrics: 'points' | Map<string, number>;
	team: boolean;
	/** Individual formats: the members taking part. Team formats: each contributor's team (ad-hoc teams). */
	users: Map<string, string>;
	/** Existing teams taking part (team formats). */
	teams: Set<string>;
	/** A team challenge for the whole organization: one participant, the organization. */
	wholeOrg: boolean;
}

export const contestBoard = (id: string) => `${CONTEST_FAMILY}:${id}`;
const contestKeys = new Map<string, string>();
/** A contest board's key (kept: the family computes it for every event and live contest). */
export const contestKey = (id: string, scope: Scope) => {
	const cacheKey = scope === 'users' ? id : `${id}|${scope}`;
	let key = contestKeys.get(cacheKey);
	if (key === undefined) {
		if (contestKeys.size > 10_000) contestKeys.clear();
		key = encodeBoardKey({ board: contestBoard(id), scope, window: 'all', period: CONTEST_PERIOD });
		contestKeys.set(cacheKey, key);
	}
	return key;
};
/** The scope ranked: teams for the team formats, users otherwise. */
export const rankedScope = (def: Pick<ContestDef, 'team'>): Scope => (def.team ? 'teams' : 'users');
export const isTeamFormat = (format: ContestFormat) => TEAM_FORMATS.includes(format);

/** What one event adds to a contest: 0 when it does not count. */
export function contestDelta(def: ContestDef, event: Pick<ScoredEvent, 'metricKey' | 'points' | 'value'>): number {
	if (event.metricKey === PRIZE_METRIC) return 0;
	if (def.metrics === 'points') return event.points;
	const weight = def.metrics.get(event.metricKey);
	return weight === undefined ? 0 : Math.round(event.value * weight);
}

/** Who an event counts for: the ranked participant, and (team formats) the contributor. */
export function contestMembers(def: ContestDef, event: Pick<ScoredEvent, 'userId' | 'teamId'>): { participant: string | null; contributor: string | null } {
	if (!def.team) return { participant: def.users.has(event.userId) ? event.userId : null, contributor: null };
	if (def.wholeOrg) return { participant: def.organizationId, contributor: event.userId };
	const adhoc = def.users.get(event.userId);
	if (adhoc) return { participant: adhoc, contributor: event.userId };
	if (event.teamId && def.teams.has(event.teamId)) return { participant: event.teamId, contributor: event.userId };
	return { participant: null, contributor: null };
}

/** Whether an event that occurred at `at` counts, judged at `now` (nothing counts past the grace period). */
export function countsAt(def: ContestDef, at: number, now: number): boolean {
	return at >= def.start && at < def.end && now < def.end + def.graceMs;
}

export interface ContestIncrement {
	key: string;
	member: string;
	delta: number;
}

export function contestIncrements(def: ContestDef, event: ScoredEvent, now: number): ContestIncrement[] {
	if (!countsAt(def, event.occurredAt.getTime(), now)) return [];
	const delta = contestDelta(def, event);
	if (delta === 0) return [];
	const { participant, contributor } = contestMembers(def, event);
	if (!participant) return [];
	const out: ContestIncrement[] = [{ key: contestKey(def.id, rankedScope(def)), member: participant, delta }];
	if (contributor) out.push({ key: contestKey(def.id, 'users'), member: contributor, delta });
	return out;
}

export interface ScoreEntry {
	id: string;
	score: number;
	/** The event that last changed the score; Infinity for a participant who has not scored. */
	tie: number;
	/** Race to target: the id of the event that took the participant to the target. */
	reached?: number | null;
	/** Elimination: when the participant was eliminated (ms), null while in. */
	out?: number | null;
}

export interface RankedEntry extends ScoreEntry {
	rank: number;
	/** What the contest ranks by: the total, the share of the target, the average per member. */
	value: number;
	progress: number | null;
	place: number | null;
}

/**
 * Ranks entries. Race to target: those who reached the target first, by the event that took them there;
 * then the others. Otherwise by value, then who reached it first (the smaller tie mark), then id. Equal
 * values share a rank; places go down the order to participants who scored, one each (the tie rule).
 */
export function rankEntries(
	def: Pick<ContestDef, 'format' | 'rankBy' | 'target' | 'places'>,
	entries: ScoreEntry[],
	opts: { targetOf(id: string): number | null; sizeOf(id: string): number }
): RankedEntry[] {
	const valued = entries.map((e) => {
		const target = opts.targetOf(e.id) ?? def.target;
		const value =
			def.rankBy === 'percent_of_target'
				? target
					? e.score / target
					: 0
				: def.rankBy === 'average_per_member'
					? e.score / Math.max(1, opts.sizeOf(e.id))
					: e.score;
		return { ...e, value, progress: target ? Math.max(0, Math.min(1, e.score / target)) : null };
	});
	const racing = def.format === 'race_to_target';
	valued.sort((a, b) => {
		// Elimination: those still in first, then the later eliminated before the earlier.
		const oa = a.out ?? Infinity;
		const ob = b.out ?? Infinity;
		if (oa !== ob) return ob - oa;
		if (racing) {
			const ra = a.reached ?? Infinity;
			const rb = b.reached ?? Infinity;
			if (ra !== rb) return ra - rb;
		}
		return b.value - a.value || a.tie - b.tie || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
	});
	let rank = 1;
	let place = 0;
	return valued.map((e, i) => {
		const prev = valued[i - 1];
		if (i > 0) {
			const same =
				(racing && (e.reached ?? null) !== null) || (e.out ?? null) !== (prev.out ?? null) ? false : e.value === prev.value && (prev.reached ?? null) === (e.reached ?? null);
			if (!same) rank = i + 1;
		}
		const wins = racing ? (e.reached ?? null) !== null : def.format === 'elimination' ? true : e.score > 0;
		const p = wins && place < def.places ? ++place : null;
		return { ...e, rank, place: p };
	});
}

/** For each participant, the id of the event that first took its running total to `target`. */
export function crossings(def: ContestDef, events: ScoredEvent[], target: (id: string) => number | null): Map<string, number> {
	const totals = new Map<string, number>();
	const out = new Map<string, number>();
	for (const event of events) {
		if (!countsAt(def, event.occurredAt.getTime(), Number.NEGATIVE_INFINITY)) continue;
		const delta = contestDelta(def, event);
		if (delta === 0) continue;
		const { participant } = contestMembers(def, event);
		if (!participant || out.has(participant)) continue;
		const total = (totals.get(participant) ?? 0) + delta;
		totals.set(participant, total);
		const t = target(participant) ?? def.target;
		if (t && total >= t) out.set(participant, event.id);
	}
	return out;
}

/** Totals and tie marks replayed from events (the truth the freeze uses). */
export function replay(def: ContestDef, events: ScoredEvent[], scope: Scope): Map<string, { score: number; tie: number }> {
	const out = new Map<string, { score: number; tie: number }>();
	for (const event of events) {
		if (!countsAt(def, event.occurredAt.getTime(), Number.NEGATIVE_INFINITY)) continue;
		const delta = contestDelta(def, event);
		if (delta === 0) continue;
		const m = contestMembers(def, event);
		const member = scope === rankedScope(def) ? m.participant : m.contributor;
		if (!member) continue;
		const entry = out.get(member);
		if (entry) {
			entry.score += delta;
			if (event.id > entry.tie) entry.tie = event.id;
		} else out.set(member, { score: delta, tie: event.id });
	}
	return out;
}
