// Small numeric helpers for the benchmark: percentiles, a latency histogram that merges across
// processes, wall-clock time with sub-millisecond resolution, and formatting.
import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond resolution; comparable across processes on one host. */
export const wallMs = () => performance.timeOrigin + performance.now();

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[i];
}

export function summarize(samples: number[]) {
	const sorted = [...samples].sort((a, b) => a - b);
	return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Latencies in 0.1 ms buckets up to 60 s (longer ones count as 60 s); sparse, so it crosses IPC cheaply. */
export class Histogram {
	static readonly RES = 0.1;
	static readonly CAP_MS = 60_000;
	counts = new Map<number, number>();
	n = 0;

	add(ms: number) {
		const bucket = Math.max(0, Math.min(Histogram.CAP_MS / Histogram.RES, Math.round(ms / Histogram.RES)));
		this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
		this.n++;
	}

	toJSON(): [number, number][] {
		return [...this.counts];
	}

	merge(pairs: [number, number][]) {
		for (const [bucket, count] of pairs) {
			this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
			this.n += count;
		}
	}

	percentile(p: number): number {
		if (this.n === 0) return NaN;
		const rank = Math.ceil((p / 100) * this.n);
		let seen = 0;
		for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
			seen += this.counts.get(bucket)!;
			if (seen >= rank) return bucket * Histogram.RES;
		}
		return NaN;
	}
}

export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const fmtMs = (ms: number) =>
	!Number.isFinite(ms)
		? 'n/a'
		: ms >= Histogram.CAP_MS
			? `≥ ${Histogram.CAP_MS / 1000} s`
			: ms >= 10_000
				? `${(ms / 1000).toFixed(1)} s`
				: ms >= 100
					? `${Math.round(ms)} ms`
					: ms >= 10
						? `${ms.toFixed(1)} ms`
						: `${ms.toFixed(2)} ms`;
export const fmtS = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
