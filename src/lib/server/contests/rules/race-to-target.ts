// Race to target: the first participants to reach the target take the places, in the order they got there.
// Invariant: a place, once taken, is kept. A later correction that takes the winner back below the
// target does not remove it (the moment was celebrated, and the race may already have ended); it is
// flagged (`below`) for a leader to look at, never acted on automatically.

export interface RaceEvent {
	participant: string;
	/** Points (or metric units) of the event; negative for a correction. */
	delta: number;
	/** The event's position in the log: a smaller id happened first. */
	eventId: number;
}

export interface RaceWinner {
	participant: string;
	place: number;
	/** The event that took the participant's total to the target or beyond. */
	eventId: number;
	/** The participant's total when the race was judged. */
	total: number;
	/** The total has since dropped back below the target (a correction): the place stands, flagged for a leader. */
	below: boolean;
}

/**
 * Who reached the target, in order. Crossing means the running total becomes >= target. Events are
 * taken in log order (by eventId; events with the same id are one event counted for several
 * participants). Participants who cross on the same event share the place, as equal rows do in a race,
 * and the next place is skipped. Only places 1..places are handed out; once they are all taken, later
 * crossings win nothing.
 */
export function raceToTargetWinners(events: readonly RaceEvent[], rules: { target: number; places: number }): RaceWinner[] {
	const ordered = events.map((event, index) => ({ event, index })).sort((x, y) => x.event.eventId - y.event.eventId || x.index - y.index);
	const totals = new Map<string, number>();
	const winners: RaceWinner[] = [];
	const placed = new Set<string>();
	let nextPlace = 1;
	let i = 0;
	while (i < ordered.length) {
		// One event at a time (all rows sharing an eventId), so that simultaneous crossings share a place.
		const eventId = ordered[i].event.eventId;
		const crossed: string[] = [];
		for (; i < ordered.length && ordered[i].event.eventId === eventId; i++) {
			const { participant, delta } = ordered[i].event;
			if (!Number.isFinite(delta)) continue;
			const before = totals.get(participant) ?? 0;
			const after = before + delta;
			totals.set(participant, after);
			if (!placed.has(participant) && after >= rules.target && !crossed.includes(participant)) crossed.push(participant);
		}
		if (crossed.length > 0 && nextPlace <= rules.places) {
			crossed.sort();
			for (const participant of crossed) {
				placed.add(participant);
				winners.push({ participant, place: nextPlace, eventId, total: 0, below: false });
			}
			nextPlace += crossed.length;
		}
	}
	for (const winner of winners) {
		winner.total = totals.get(winner.participant) ?? 0;
		winner.below = winner.total < rules.target;
	}
	return winners;
}

/**
 * Whether a race to target is decided: every place is taken, or every participant has one. An
 * open-ended race (no end date) is decided by its first winner.
 */
export function isDecided(winners: readonly { place: number }[], places: number, participantsCount: number, options: { openEnded?: boolean } = {}): boolean {
	if (winners.length === 0) return false;
	if (options.openEnded) return true;
	// Places are numbered 1 + the winners ahead, so `places` winners (shared places included) fill the podium.
	return winners.length >= Math.min(places, participantsCount);
}
