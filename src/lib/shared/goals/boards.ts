// The goal board family's names and units, shared by the server (increments, reads) and the pages
// (live progress from board:update rows).
//
// - `goal:<measure>`: the "percent of goal" board of a metric (its key) or of points, for reps (users)
//   and teams, over the calendar windows goals use (month, quarter, year). Listed in the board list.
// - `goal:org.<measure>`: the organization's own goals of that measure, scope teams, one member (the
//   organization's id). Read by the goal pages only.
// - `goal:range.<goal id>`: a goal over custom dates, window `range`, one member (its owner).
//
// A member's score is its attainment in millionths of its target (1,000,000 = 100%), each event adding
// round(delta × 1,000,000 / target): integer sums, so that a replay of the log gives the same totals.
export const GOAL_FAMILY = 'goal';
export const GOAL_SCALE = 1_000_000;
export const GOAL_WINDOWS = ['month', 'quarter', 'year'] as const;
export type GoalCalendarWindow = (typeof GOAL_WINDOWS)[number];
export const GOAL_RANGE = 'range';
export const POINTS_MEASURE = 'points';

export type GoalOwner = { kind: 'org' } | { kind: 'team'; teamId: string } | { kind: 'member'; userId: string };

export function percentBoard(measure: string): string {
	return `${GOAL_FAMILY}:${measure}`;
}

export function orgBoard(measure: string): string {
	return `${GOAL_FAMILY}:org.${measure}`;
}

export function rangeBoard(goalId: string): string {
	return `${GOAL_FAMILY}:range.${goalId}`;
}

/** What a goal board name says: a measure's percent board, an org board, or one custom goal's. */
export function parseGoalBoard(board: string): { kind: 'percent' | 'org'; measure: string } | { kind: 'range'; goalId: string } | null {
	if (!board.startsWith(`${GOAL_FAMILY}:`)) return null;
	const name = board.slice(GOAL_FAMILY.length + 1);
	if (name.startsWith('org.')) return name.length > 4 ? { kind: 'org', measure: name.slice(4) } : null;
	if (name.startsWith('range.')) return name.length > 6 ? { kind: 'range', goalId: name.slice(6) } : null;
	return name && !name.includes('.') ? { kind: 'percent', measure: name } : null;
}

/** One event's share of a target, in the boards' unit. */
export function attainmentDelta(delta: number, target: number): number {
	return Math.round((delta * GOAL_SCALE) / target);
}

/** A board score back to the actual it stands for (whole units, as event values are). */
export function actualOfScore(score: number, target: number): number {
	return Math.round((score * target) / GOAL_SCALE);
}
