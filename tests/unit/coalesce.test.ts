// The coalescer behind badge evaluations, level checks and contest moments: a quiet key runs at once,
// a burst becomes one batch per interval, runs of a key never overlap, and busyFactor rests a key in
// proportion to how long its last run took.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { coalescer } from '../../src/lib/server/platform/coalesce';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A coalescer whose runs record their batch and start time, each taking `takes` ms of fake time. */
function recorder(everyMs: number, takes: number, busyFactor?: number) {
	const runs: { at: number; items: number[]; key: string }[] = [];
	let running = 0;
	let overlapped = false;
	const add = coalescer<number[]>(
		everyMs,
		() => [],
		async (key, items) => {
			if (running++ > 0) overlapped = true;
			runs.push({ at: Date.now(), items, key });
			await new Promise((resolve) => setTimeout(resolve, takes));
			running--;
		},
		{ busyFactor }
	);
	return { runs, overlapped: () => overlapped, push: (key: string, item: number) => add(key, (items) => items.push(item)) };
}

describe('coalescer', () => {
	test('a quiet key runs at once with what the same tick added; a burst waits out the interval as one batch', async () => {
		const c = recorder(250, 0);
		const t0 = Date.now();
		c.push('org', 1);
		c.push('org', 2);
		await vi.advanceTimersByTimeAsync(0);
		expect(c.runs).toEqual([{ at: t0, items: [1, 2], key: 'org' }]);
		for (let i = 3; i <= 6; i++) {
			c.push('org', i);
			await vi.advanceTimersByTimeAsync(50);
		}
		await vi.advanceTimersByTimeAsync(250);
		expect(c.runs.map((r) => r.items)).toEqual([[1, 2], [3, 4, 5, 6]]);
		expect(c.runs[1].at - t0).toBe(250);
	});

	test('keys do not wait for each other', async () => {
		const c = recorder(250, 0);
		c.push('a', 1);
		c.push('b', 2);
		await vi.advanceTimersByTimeAsync(0);
		expect(c.runs.map((r) => r.key)).toEqual(['a', 'b']);
	});

	test('a run slower than the interval is never overlapped: the next batch starts when it ends', async () => {
		const c = recorder(100, 400);
		const t0 = Date.now();
		c.push('org', 1);
		await vi.advanceTimersByTimeAsync(0);
		c.push('org', 2);
		await vi.advanceTimersByTimeAsync(150);
		c.push('org', 3);
		await vi.advanceTimersByTimeAsync(1_000);
		expect(c.overlapped()).toBe(false);
		expect(c.runs.map((r) => [r.at - t0, r.items])).toEqual([
			[0, [1]],
			[400, [2, 3]]
		]);
	});

	test('busyFactor rests a key that many times its last run before the next', async () => {
		const c = recorder(100, 200, 3);
		const t0 = Date.now();
		const done = c.push('org', 1);
		await vi.advanceTimersByTimeAsync(0);
		c.push('org', 2);
		await vi.advanceTimersByTimeAsync(2_000);
		await done;
		// The first run took 200 ms and ended at 200: the next starts 3 × 200 ms later.
		expect(c.runs.map((r) => r.at - t0)).toEqual([0, 800]);
	});
});
