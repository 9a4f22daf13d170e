// Which slide a display shows at an instant. Pure: every screen of a display computes the same answer
// from the same inputs (the slides, the display's epoch and the server's time, which each TV learns as
// an offset over its socket), so screens change slides together without talking to each other.
import type { SlideSchedule } from './slides';
import { zonedParts } from '../time-windows';

export interface RotatingSlide {
	id: string;
	durationS: number;
	schedule: SlideSchedule | null;
}

/** Whether a slide's schedule allows it at `at`, in the organization's time zone. */
export function scheduledAt(schedule: SlideSchedule | null | undefined, at: number, timeZone: string): boolean {
	if (!schedule) return true;
	const p = zonedParts(at, timeZone);
	const day = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
	if (schedule.from && day < schedule.from) return false;
	if (schedule.to && day > schedule.to) return false;
	if (schedule.days?.length && !schedule.days.includes(p.weekday)) return false;
	if (schedule.hours && (p.hour < schedule.hours.from || p.hour >= schedule.hours.to)) return false;
	return true;
}

export interface Showing<T> {
	slide: T;
	index: number;
	/** When this slide started and ends (ms, server time); ends at Infinity when it is the only one or pinned. */
	startedAt: number;
	endsAt: number;
}

/**
 * The slide shown at `now` (server ms): slides run in order from `epoch`, each for its duration, round
 * and round. A pinned slide that is playable stays. Null when no slide is playable.
 */
export function slideAt<T extends RotatingSlide>(slides: T[], epoch: number, now: number, timeZone: string, pinned?: string | null): Showing<T> | null {
	const playable = slides.filter((s) => scheduledAt(s.schedule, now, timeZone));
	if (!playable.length) return null;
	const pin = pinned ? playable.findIndex((s) => s.id === pinned) : -1;
	if (pin >= 0) return { slide: playable[pin], index: pin, startedAt: now, endsAt: Infinity };
	if (playable.length === 1) return { slide: playable[0], index: 0, startedAt: epoch, endsAt: Infinity };
	const cycle = playable.reduce((sum, s) => sum + s.durationS * 1000, 0);
	const elapsed = (((now - epoch) % cycle) + cycle) % cycle;
	let start = 0;
	for (const [index, slide] of playable.entries()) {
		const end = start + slide.durationS * 1000;
		if (elapsed < end) return { slide, index, startedAt: now - (elapsed - start), endsAt: now + (end - elapsed) };
		start = end;
	}
	return { slide: playable[0], index: 0, startedAt: now, endsAt: now + playable[0].durationS * 1000 };
}

/**
 * The epoch that makes the slide `step` places from the current one start at `now` (the remote's next
 * and previous): every screen recomputes from the new epoch and moves together.
 */
export function epochForStep<T extends RotatingSlide>(slides: T[], epoch: number, now: number, timeZone: string, step: number): number {
	const playable = slides.filter((s) => scheduledAt(s.schedule, now, timeZone));
	if (playable.length < 2) return now;
	const current = slideAt(playable, epoch, now, timeZone);
	const target = (((current?.index ?? 0) + step) % playable.length + playable.length) % playable.length;
	const offset = playable.slice(0, target).reduce((sum, s) => sum + s.durationS * 1000, 0);
	return now - offset;
}
