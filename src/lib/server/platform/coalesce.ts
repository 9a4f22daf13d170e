// Work per key (an organization) coalesced on a leading edge: after a quiet spell it runs at once (in a
// microtask, so that what the same tick adds joins it); during a burst, runs of one key stay everyMs
// apart and each takes everything added meanwhile. What a caller adds goes into the waiting batch's
// state; the promise it gets settles when that batch has run.
export function coalescer<S>(everyMs: number, fresh: () => S, run: (key: string, state: S) => Promise<unknown>) {
	const waiting = new Map<string, { state: S; done: Promise<unknown> }>();
	const lastRun = new Map<string, number>();
	return (key: string, add: (state: S) => void): Promise<unknown> => {
		let batch = waiting.get(key);
		if (!batch) {
			let start!: () => void;
			const started = new Promise<void>((resolve) => (start = resolve));
			const created = { state: fresh(), done: Promise.resolve() as Promise<unknown> };
			created.done = started.then(() => {
				waiting.delete(key);
				lastRun.set(key, Date.now());
				return run(key, created.state);
			});
			batch = created;
			waiting.set(key, batch);
			const wait = (lastRun.get(key) ?? 0) + everyMs - Date.now();
			if (wait > 0) setTimeout(start, wait);
			else queueMicrotask(start);
		}
		add(batch.state);
		return batch.done;
	};
}
