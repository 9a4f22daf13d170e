// Work per key (an organization) coalesced on a leading edge: after a quiet spell it runs at once (in a
// microtask, so that what the same tick adds joins it); during a burst, runs of one key stay everyMs
// apart and each takes everything added meanwhile. Runs of one key never overlap: a batch waits for the
// run before it to finish. With `busyFactor`, a key also rests busyFactor times as long as its last run
// took before the next one starts, so that expensive work (a badge evaluation reading the database)
// takes at most 1 / (1 + busyFactor) of the time under load, and the batches grow instead.
// What a caller adds goes into the waiting batch's state; the promise it gets settles when that batch has run.
export function coalescer<S>(everyMs: number, fresh: () => S, run: (key: string, state: S) => Promise<unknown>, options: { busyFactor?: number } = {}) {
	const busyFactor = options.busyFactor ?? 0;
	const waiting = new Map<string, { state: S; done: Promise<unknown> }>();
	const last = new Map<string, { start: number; end: number | null; done: Promise<unknown> }>();
	return (key: string, add: (state: S) => void): Promise<unknown> => {
		let batch = waiting.get(key);
		if (!batch) {
			let start!: () => void;
			const started = new Promise<void>((resolve) => (start = resolve));
			const created = { state: fresh(), done: Promise.resolve() as Promise<unknown> };
			const previous = last.get(key);
			created.done = started.then(async () => {
				waiting.delete(key);
				const entry = { start: Date.now(), end: null as number | null, done: created.done };
				last.set(key, entry);
				try {
					return await run(key, created.state);
				} finally {
					entry.end = Date.now();
				}
			});
			batch = created;
			waiting.set(key, batch);
			const schedule = () => {
				const p = last.get(key);
				const due = p ? Math.max(p.start + everyMs, (p.end ?? Date.now()) + busyFactor * ((p.end ?? Date.now()) - p.start)) : 0;
				const wait = due - Date.now();
				if (wait > 0) setTimeout(start, wait);
				else queueMicrotask(start);
			};
			if (previous && previous.end === null) previous.done.then(schedule, schedule);
			else schedule();
		}
		add(batch.state);
		return batch.done;
	};
}
