// The home page's figures, for a rep ("how am I doing, what next") and for a leader (their team's
// version). The ranking arithmetic is here, pure, so the page and its tests agree on it: a rank is
// 1 + the number of members strictly above (equal scores share a rank), and yesterday's rank is the
// same count over each member's score less what they scored today.
import type { ReviewNextUp } from './reviews';
import type { LocalizedText } from './localized';
import type { GoalView } from './goals/goals';
import type { AssignmentView, ReportRow } from './training/training';
import type { RecognitionMoment } from './recognition';
import type { KudosView } from './kudos';

/** 1 + how many scores are strictly above `mine`. */
export function rankAmong(scores: Iterable<number>, mine: number): number {
	let above = 0;
	for (const s of scores) if (s > mine) above++;
	return above + 1;
}

/**
 * A member's rank now and at the end of yesterday on a board of a longer window, from the board's
 * scores and the day board's: yesterday, each score less today's part. Members with nothing before
 * today were not on yesterday's board. Null where the member is not on the board.
 */
export function rankChange(board: ReadonlyMap<string, number>, today: ReadonlyMap<string, number>, member: string): { now: number; yesterday: number | null } | null {
	const mine = board.get(member);
	if (mine === undefined) return null;
	const now = rankAmong(board.values(), mine);
	const yesterday = new Map<string, number>();
	for (const [id, score] of board) {
		const part = today.get(id);
		if (part !== undefined && part === score) continue;
		yesterday.set(id, score - (part ?? 0));
	}
	const mineBefore = yesterday.get(member);
	return { now, yesterday: mineBefore === undefined ? null : rankAmong(yesterday.values(), mineBefore) };
}

/** What it takes to pass the member just above: the gap in points (1 more than the difference). */
export function gapToNext(sortedScores: readonly number[], mine: number): number | null {
	let next: number | null = null;
	for (const s of sortedScores) if (s > mine && (next === null || s < next)) next = s;
	return next === null ? null : next - mine + 1;
}

export interface HomeFigure {
	/** 'points' or a metric key. */
	key: string;
	name: LocalizedText | null;
	unit: 'points' | 'count' | 'currency' | 'minutes';
	currency: string | null;
	today: number;
	yesterday: number;
}

export interface HomeRank {
	board: string;
	window: 'month';
	rank: number | null;
	of: number;
	score: number;
	/** The rank at the end of yesterday (null on the first day of the month, or when not on the board). */
	yesterday: number | null;
	/** The member just above: their name and the points it takes to pass them. */
	/** Who is just above and by how many points (gap null: the organization shows reps only ranks). */
	next: { name: string; gap: number | null } | null;
}

export interface HomeContest {
	id: string;
	name: string;
	format: string;
	endsAt: string | null;
	participantCount: number;
	/** score: null for a rep shown only ranks (transparency). */
	leader: { id: string; name: string; score: number | null } | null;
	/** The reader's (or their team's) place, when they take part. */
	you: { rank: number; score: number; progress: number | null; gap: number | null } | null;
}

export interface HomeDuel {
	id: string;
	name: string;
	challenger: string;
}

export interface HomeTeamMember {
	id: string;
	name: string;
	today: number;
}

export interface HomeView {
	kind: 'rep' | 'team';
	/** The organization's holidays (YYYY-MM-DD), for pace by working days recomputed live. */
	holidays: string[];
	/** Today's figures, points first: the reader's, or summed over the team. */
	figures: HomeFigure[];
	/** Points per day over the last 14 days, oldest first (the reader's, or the team's). */
	trend: { day: string; points: number }[];
	rank: HomeRank | null;
	goals: GoalView[];
	contests: HomeContest[];
	duels: HomeDuel[];
	training: AssignmentView[];
	/** Reviews to acknowledge, improvement-plan actions due and check-ins coming (within a week). */
	reviews: ReviewNextUp[];
	kudos: KudosView[];
	badges: RecognitionMoment[];
	kudosLeft: number | null;
	team: {
		members: number;
		/** The reps counted (their pushes and moments reload the page). */
		memberIds: string[];
		activeToday: number;
		/** Reps' goals behind or at risk, the furthest behind first. */
		behind: GoalView[];
		overdue: ReportRow[];
		proposals: number;
		/** Open appeals of the reps the actor may resolve for. */
		appeals: number;
		/** Open anti-gaming flags of the reps the actor may review. */
		flags: number;
		/** Today's top movers of the team. */
		movers: HomeTeamMember[];
	} | null;
}
