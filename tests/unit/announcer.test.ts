import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createAnnouncer } from '../../src/lib/components/leaderboard/announcer';

describe('feed announcer', () => {
	beforeEach(() => vi.useFakeTimers({ now: 0 }));
	afterEach(() => vi.useRealTimers());

	test('says the first item at once, then one summary per 5 s however many arrive', () => {
		const said: number[] = [];
		const announcer = createAnnouncer((n) => said.push(n));
		announcer.add(1);
		expect(said).toEqual([1]);
		for (let i = 0; i < 50; i++) {
			vi.advanceTimersByTime(90);
			announcer.add(1);
		}
		expect(said).toEqual([1]);
		vi.advanceTimersByTime(499);
		expect(said).toEqual([1]);
		vi.advanceTimersByTime(1);
		expect(said).toEqual([1, 50]);
		announcer.add(3);
		expect(said).toEqual([1, 50]);
		vi.advanceTimersByTime(4999);
		expect(said).toEqual([1, 50]);
		vi.advanceTimersByTime(1);
		expect(said).toEqual([1, 50, 3]);
	});

	test('after a quiet spell the next item is said at once; stop drops what is pending', () => {
		const said: number[] = [];
		const announcer = createAnnouncer((n) => said.push(n));
		announcer.add(2);
		vi.advanceTimersByTime(60_000);
		announcer.add(1);
		expect(said).toEqual([2, 1]);
		announcer.add(4);
		announcer.stop();
		vi.advanceTimersByTime(10_000);
		expect(said).toEqual([2, 1]);
	});
});
