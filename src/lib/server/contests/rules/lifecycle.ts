// The time-driven part of a contest's lifecycle: draft → scheduled → live → ended (grace) → final.
// Invariant: the status at an instant is a function of the stored status and the times alone, so the
// scheduler, a page load and a restart after a crash all agree on it; draft and cancelled never move.
import type { ContestStatus } from '$lib/shared/contests';
import { freezesAt } from './window';

export interface ContestTimes {
	status: ContestStatus;
	startsAt: Date;
	/** The end, or, for a race to target without an end, the moment it was decided (null while undecided). */
	endsAt: Date | null;
	graceMs: number;
}

/** The status a contest should have at `now`. */
export function statusAt(contest: ContestTimes, now: Date): ContestStatus {
	if (contest.status === 'draft' || contest.status === 'cancelled' || contest.status === 'final') return contest.status;
	const t = now.getTime();
	if (t < contest.startsAt.getTime()) return contest.status === 'scheduled' ? 'scheduled' : contest.status;
	if (contest.endsAt === null || t < contest.endsAt.getTime()) return 'live';
	if (t < freezesAt(contest.endsAt, contest.graceMs).getTime()) return 'ended';
	return 'final';
}

/** The next time-driven transition after the current status, or null when none is due by time alone. */
export function nextTransition(contest: ContestTimes): { to: 'live' | 'ended' | 'final'; at: Date } | null {
	switch (contest.status) {
		case 'scheduled':
			return { to: 'live', at: contest.startsAt };
		case 'live':
			return contest.endsAt === null ? null : { to: 'ended', at: contest.endsAt };
		case 'ended':
			return contest.endsAt === null ? null : { to: 'final', at: freezesAt(contest.endsAt, contest.graceMs) };
		default:
			return null;
	}
}
