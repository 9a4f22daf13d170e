// Which events a contest counts, and what happens to those that arrive after the results froze.
// Invariant: the results freeze at end + grace; nothing received after that changes them (a correction
// becomes a note instead), so a final contest's standings and prizes never move.

/** Whether an event counts: it occurred in [start, end) and was received before end + grace. Without an end, every event from the start counts. */
export function countsForContest(occurredAt: Date, receivedAt: Date, startsAt: Date, endsAt: Date | null, graceMs: number): boolean {
	const occurred = occurredAt.getTime();
	if (occurred < startsAt.getTime()) return false;
	if (endsAt === null) return true;
	const end = endsAt.getTime();
	return occurred < end && receivedAt.getTime() < end + Math.max(0, graceMs);
}

/** When the results freeze: the end plus the grace period for late events. */
export function freezesAt(endsAt: Date, graceMs: number): Date {
	return new Date(endsAt.getTime() + Math.max(0, graceMs));
}

export type ContestEventVerdict =
	/** Changes the standings. */
	| 'counts'
	/** Occurred before the start or at/after the end: not part of this contest. */
	| 'outside'
	/** A new event for the contest's time, received after the freeze: ignored. */
	| 'late'
	/** A correction received after the freeze: shown as a note, never changes the frozen results. */
	| 'note';

export interface ContestWindow {
	startsAt: Date;
	endsAt: Date | null;
	graceMs: number;
}

/**
 * What a contest does with one event. A correction is judged by when its original occurred (it
 * belongs to the original's contest) and by when the correction itself was received.
 */
export function judgeEvent(event: { occurredAt: Date; receivedAt: Date; correction?: boolean }, contest: ContestWindow): ContestEventVerdict {
	const occurred = event.occurredAt.getTime();
	const inside = occurred >= contest.startsAt.getTime() && (contest.endsAt === null || occurred < contest.endsAt.getTime());
	if (!inside) return 'outside';
	if (countsForContest(event.occurredAt, event.receivedAt, contest.startsAt, contest.endsAt, contest.graceMs)) return 'counts';
	return event.correction ? 'note' : 'late';
}

export interface FrozenCorrection {
	eventId: number;
	participant: { id: string; name: string };
	delta: number;
	receivedAt: Date;
}

/** The note shown on a final contest for a correction that arrived after the freeze (a catalog key and its parameters). */
export function correctionNote(correction: FrozenCorrection): { key: 'contests.rules.note.correctionAfterFreeze'; params: { name: string; delta: number; eventId: number; at: string } } {
	return {
		key: 'contests.rules.note.correctionAfterFreeze',
		params: { name: correction.participant.name, delta: correction.delta, eventId: correction.eventId, at: correction.receivedAt.toISOString() }
	};
}

/**
 * Applies a correction to frozen results: they are returned unchanged (the same array), with the note
 * to add. Kept as a function so that the rule has one place and one test.
 */
export function applyAfterFreeze<R>(frozen: readonly R[], correction: FrozenCorrection): { results: readonly R[]; note: ReturnType<typeof correctionNote> } {
	return { results: frozen, note: correctionNote(correction) };
}
