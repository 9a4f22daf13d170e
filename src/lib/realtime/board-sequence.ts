// What a live board does with a pushed update, given what it shows. Invariant: a board's pushes are
// ordered by (epoch, seq); seq grows by one per push within an epoch, and a new epoch (the server's
// counters were lost and restarted) says nothing about order, so only a fresh snapshot is safe.
import type { BoardUpdatePayload } from '$lib/shared/socket-events';

export type UpdateDecision = 'apply' | 'refetch' | 'ignore';

export interface BoardPosition {
	epoch: string;
	seq: number;
	period: string;
	/** A team view: its ranks are relative to the team, so every push means a refetch. */
	teamView: boolean;
}

export function decideUpdate(current: BoardPosition, update: Pick<BoardUpdatePayload, 'epoch' | 'seq' | 'period'>): UpdateDecision {
	// Another epoch: the counters restarted (or the snapshot came from before the restart).
	if (update.epoch !== current.epoch) return 'refetch';
	// Already in what the board shows (a push that raced the snapshot, or a duplicate).
	if (update.seq <= current.seq) return 'ignore';
	// A gap (missed pushes), a new period, or a team view: take a fresh snapshot.
	if (update.seq !== current.seq + 1 || update.period !== current.period || current.teamView) return 'refetch';
	return 'apply';
}
