// Screen-reader announcements of a busy feed: new items are counted and announced as one summary
// ("3 new activities") at most once per interval, so a live region never talks without pause.
export interface Announcer {
	/** Counts `n` new items; the summary is said now if the last one was an interval ago, else later. */
	add(n: number): void;
	stop(): void;
}

export interface AnnouncerClock {
	now(): number;
	setTimeout(fn: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

const systemClock: AnnouncerClock = {
	now: () => Date.now(),
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
};

export function createAnnouncer(say: (count: number) => void, intervalMs = 5000, clock: AnnouncerClock = systemClock): Announcer {
	let pending = 0;
	let last = -Infinity;
	let timer: unknown = null;
	const flush = () => {
		timer = null;
		if (pending === 0) return;
		const count = pending;
		pending = 0;
		last = clock.now();
		say(count);
	};
	return {
		add(n) {
			if (n <= 0) return;
			pending += n;
			if (timer !== null) return;
			const wait = last + intervalMs - clock.now();
			if (wait <= 0) flush();
			else timer = clock.setTimeout(flush, wait);
		},
		stop() {
			if (timer !== null) clock.clearTimeout(timer);
			timer = null;
			pending = 0;
		}
	};
}
