// Time as code sees it. Production uses the system clock; tests inject a FakeClock and move it.

export interface Clock {
	now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to advance; listeners (a scheduler's poll) run on each advance. */
export class FakeClock implements Clock {
	private current: number;
	private listeners = new Set<() => Promise<unknown> | unknown>();

	constructor(start: Date | string | number = '2026-01-05T09:00:00Z') {
		this.current = new Date(start).getTime();
	}

	now(): Date {
		return new Date(this.current);
	}

	/** Moves time forward and waits for every listener (for example a scheduler's poll) to finish. */
	async advance(ms: number): Promise<void> {
		this.current += ms;
		for (const listener of [...this.listeners]) await listener();
	}

	set(to: Date | string | number) {
		this.current = new Date(to).getTime();
	}

	onAdvance(listener: () => Promise<unknown> | unknown): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
