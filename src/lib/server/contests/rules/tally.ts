// Standings from an event log: the one recomputation that the live totals, the freeze and the backtest agree with.
// Invariant: the result depends only on the set of events (taken in log order, by eventId), never on the
// order they are given in; `tie` is the id of the last counted event that changed the participant's score.
import { judgeEvent, type ContestWindow } from './window';

export interface ContestEvent {
	participant: string;
	/** Points (or weighted metric units); negative for a correction. */
	delta: number;
	eventId: number;
	occurredAt: Date;
	receivedAt: Date;
	correction?: boolean;
}

export interface TallyRow {
	id: string;
	score: number;
	tie: number | null;
}

/**
 * Totals per participant of the events the contest counts, plus the corrections that arrived after the
 * freeze (to show as notes). Participants listed in `participants` without a counted event get score 0
 * and tie null; events of anyone not listed are ignored when a list is given.
 */
export function tallyContest(events: readonly ContestEvent[], window: ContestWindow, participants?: readonly string[]): { rows: TallyRow[]; notes: ContestEvent[] } {
	const allowed = participants === undefined ? null : new Set(participants);
	const rows = new Map<string, TallyRow>();
	for (const id of participants ?? []) rows.set(id, { id, score: 0, tie: null });
	const notes: ContestEvent[] = [];
	const ordered = [...events].sort((a, b) => a.eventId - b.eventId || (a.participant < b.participant ? -1 : a.participant > b.participant ? 1 : 0));
	for (const event of ordered) {
		if (allowed !== null && !allowed.has(event.participant)) continue;
		const verdict = judgeEvent(event, window);
		if (verdict === 'note') notes.push(event);
		if (verdict !== 'counts' || !Number.isFinite(event.delta)) continue;
		let row = rows.get(event.participant);
		if (row === undefined) {
			row = { id: event.participant, score: 0, tie: null };
			rows.set(event.participant, row);
		}
		if (event.delta !== 0) {
			row.score += event.delta;
			row.tie = event.eventId;
		}
	}
	return { rows: [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), notes };
}
