// Group commit for the public API. Under load many requests each carry a few events for the same
// organization; written one request at a time, every one pays the same round trips (the cap locks,
// the INSERT, the commit, the live apply). While earlier writes of an organization are in flight, the
// requests that arrive are queued and then written together as one batch, and each request gets back
// exactly its own results. A lone request is written at once, so an idle server adds no delay.
import { log } from '../platform/log';
import { ingestEvents, MAX_BATCH, type IngestContext, type IngestDeps, type IngestResult } from './event.service';

/** Batches of one organization written at the same time; more requests wait and are merged. */
const MAX_IN_FLIGHT = 2;
/** A merged batch stops growing at this many events (a single request may be larger). */
const MAX_MERGED = MAX_BATCH;

interface Job {
	items: unknown[];
	resolve: (results: IngestResult[]) => void;
	reject: (error: unknown) => void;
}

interface Queue {
	inFlight: number;
	waiting: Job[];
}

type MergeableContext = Pick<IngestContext, 'organizationId' | 'source' | 'actorId'>;

export interface IngestQueue {
	/** Same answer as ingestEvents for this request alone. */
	ingest(ctx: MergeableContext, items: unknown[]): Promise<IngestResult[]>;
}

export function createIngestQueue(deps: IngestDeps): IngestQueue {
	const queues = new Map<string, Queue>();

	async function write(ctx: MergeableContext, jobs: Job[]) {
		const items = jobs.length === 1 ? jobs[0].items : jobs.flatMap((j) => j.items);
		let results: IngestResult[];
		try {
			results = await ingestEvents(deps, ctx, items);
		} catch (error) {
			if (jobs.length === 1) return jobs[0].reject(error);
			// One request must not fail the others it was merged with: write each alone, so only the
			// request that caused the failure (or all of them, when the database is down) gets the error.
			log.warn(`ingest: a merged batch of ${jobs.length} requests failed; writing them one by one`, error);
			for (const job of jobs) await ingestEvents(deps, ctx, job.items).then(job.resolve, job.reject);
			return;
		}
		let offset = 0;
		for (const job of jobs) {
			job.resolve(results.slice(offset, offset + job.items.length));
			offset += job.items.length;
		}
	}

	function pump(key: string, ctx: MergeableContext) {
		const queue = queues.get(key);
		if (!queue) return;
		while (queue.inFlight < MAX_IN_FLIGHT && queue.waiting.length) {
			const jobs: Job[] = [queue.waiting.shift()!];
			let size = jobs[0].items.length;
			while (queue.waiting.length && size + queue.waiting[0].items.length <= MAX_MERGED) {
				const job = queue.waiting.shift()!;
				size += job.items.length;
				jobs.push(job);
			}
			queue.inFlight++;
			void write(ctx, jobs).finally(() => {
				queue.inFlight--;
				if (queue.inFlight === 0 && queue.waiting.length === 0) queues.delete(key);
				else pump(key, ctx);
			});
		}
	}

	return {
		ingest(ctx, items) {
			const key = `${ctx.organizationId}|${ctx.source}|${ctx.actorId ?? ''}`;
			let queue = queues.get(key);
			if (!queue) queues.set(key, (queue = { inFlight: 0, waiting: [] }));
			const done = new Promise<IngestResult[]>((resolve, reject) => queue.waiting.push({ items, resolve, reject }));
			pump(key, ctx);
			return done;
		}
	};
}

const perRuntime = new WeakMap<IngestDeps, IngestQueue>();

/** The queue of a runtime (one per process; tests may run several runtimes). */
export function ingestQueueOf(deps: IngestDeps): IngestQueue {
	let queue = perRuntime.get(deps);
	if (!queue) perRuntime.set(deps, (queue = createIngestQueue(deps)));
	return queue;
}
