// Totals of one rep's events on one metric per period, as badge rules read them. Corrections carry
// negated values, so a value total is the plain sum; a count counts an event +1 and its correction −1.
import { periodOf, type OrgClock, type WindowKind } from '../../../shared/time-windows';
import type { BadgeMeasure } from '../../../shared/badges';

export interface TallyEvent {
	value: number;
	occurredAt: Date;
	/** True for a correction (it voids an earlier event). */
	correction: boolean;
}

export function contribution(event: TallyEvent, measure: BadgeMeasure): number {
	return measure === 'value' ? event.value : event.correction ? -1 : 1;
}

/** Totals per period key of `window`, in the organization's time zone. */
export function totalsByPeriod(events: readonly TallyEvent[], measure: BadgeMeasure, window: WindowKind, clock: OrgClock): Map<string, number> {
	const out = new Map<string, number>();
	for (const e of events) {
		const key = periodOf(window, e.occurredAt, clock).key;
		out.set(key, (out.get(key) ?? 0) + contribution(e, measure));
	}
	return out;
}

/** A day's pre-summed totals (as Postgres sums them per local day), with an instant inside the day. */
export interface DayTally {
	day: string;
	at: Date;
	value: number;
	count: number;
}

/** totalsByPeriod over totals already summed per local day: days keep their key, longer windows add up their days. */
export function totalsOfDays(days: readonly DayTally[], measure: BadgeMeasure, window: WindowKind, clock: OrgClock): Map<string, number> {
	const out = new Map<string, number>();
	for (const d of days) {
		const key = window === 'day' ? d.day : periodOf(window, d.at, clock).key;
		out.set(key, (out.get(key) ?? 0) + (measure === 'value' ? d.value : d.count));
	}
	return out;
}

/** The steps reached by a total: every threshold at or below it. */
export function stepsReached<S extends { threshold: number }>(steps: readonly S[], total: number): S[] {
	return steps.filter((s) => total >= s.threshold);
}

/**
 * Personal best: whether `current` (the total of the period `currentKey`) beats every earlier period's
 * total. A first period beats nothing (there must be an earlier best above zero to beat).
 */
export function beatsPersonalBest(totals: ReadonlyMap<string, number>, currentKey: string): boolean {
	const current = totals.get(currentKey) ?? 0;
	let best = 0;
	for (const [key, total] of totals) if (key < currentKey && total > best) best = total;
	return best > 0 && current > best;
}
