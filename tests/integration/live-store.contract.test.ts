// One contract, two live stores: the in-process memory store and Redis. The Redis variant runs when
// REDIS_URL is set (CI's second pass); without it only the memory store is checked.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uniqueSuffix } from '../helpers/env';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import type { LiveStore } from '../../src/lib/server/live/store';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REDIS_URL = process.env.REDIS_URL;

function liveStoreContract(name: string, open: () => Promise<LiveStore>) {
	describe(`${name} live store`, () => {
		let store: LiveStore;
		let n = 0;
		// Unique keys: in the Redis pass several files and runs share one server.
		const key = (label: string) => `contract:${uniqueSuffix()}:${label}:${n++}`;

		beforeAll(async () => {
			store = await open();
		});
		afterAll(async () => {
			await store?.close();
		});

		test('answers ping', async () => {
			expect(await store.ping()).toBe(true);
		});

		test('an absent counter counts 0 and has no ttl', async () => {
			const k = key('absent');
			expect(await store.count(k)).toBe(0);
			expect(await store.ttl(k)).toBe(0);
		});

		test('hit counts up from 1 and count reads without adding', async () => {
			const k = key('counts');
			expect(await store.hit(k, 60_000)).toBe(1);
			expect(await store.hit(k, 60_000)).toBe(2);
			expect(await store.hit(k, 60_000)).toBe(3);
			expect(await store.count(k)).toBe(3);
			expect(await store.count(k)).toBe(3);
			await store.reset(k);
		});

		test('counters are independent', async () => {
			const a = key('a');
			const b = key('b');
			await store.hit(a, 60_000);
			await store.hit(a, 60_000);
			await store.hit(b, 60_000);
			expect(await store.count(a)).toBe(2);
			expect(await store.count(b)).toBe(1);
			await store.reset(a);
			expect(await store.count(a)).toBe(0);
			expect(await store.count(b)).toBe(1);
			await store.reset(b);
		});

		test('ttl runs from the first hit; later hits do not extend the window', async () => {
			const k = key('ttl');
			await store.hit(k, 10_000);
			const first = await store.ttl(k);
			expect(first).toBeGreaterThan(9_000);
			expect(first).toBeLessThanOrEqual(10_000);
			await sleep(300);
			await store.hit(k, 10_000);
			const later = await store.ttl(k);
			expect(later).toBeLessThanOrEqual(first - 250);
			expect(later).toBeGreaterThan(0);
			await store.reset(k);
		});

		test('a counter expires after its window and starts again from 1', async () => {
			const k = key('expiry');
			expect(await store.hit(k, 150)).toBe(1);
			expect(await store.hit(k, 150)).toBe(2);
			expect(await store.count(k)).toBe(2);
			await sleep(400);
			expect(await store.count(k)).toBe(0);
			expect(await store.ttl(k)).toBe(0);
			expect(await store.hit(k, 60_000)).toBe(1);
			expect(await store.ttl(k)).toBeGreaterThan(59_000);
			await store.reset(k);
		});

		test('reset removes a counter; resetting an absent one is harmless', async () => {
			const k = key('reset');
			await store.hit(k, 60_000);
			await store.hit(k, 60_000);
			await store.reset(k);
			expect(await store.count(k)).toBe(0);
			expect(await store.ttl(k)).toBe(0);
			expect(await store.hit(k, 60_000)).toBe(1);
			await store.reset(k);
			await expect(store.reset(key('never-set'))).resolves.toBeUndefined();
		});

		test('concurrent hits are all counted, each seeing a distinct number', async () => {
			const k = key('concurrent');
			const results = await Promise.all(Array.from({ length: 25 }, () => store.hit(k, 60_000)));
			expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
			expect(await store.count(k)).toBe(25);
			await store.reset(k);
		});
	});
}

liveStoreContract('memory', async () => new MemoryLiveStore());

describe.runIf(!!REDIS_URL)('redis live store', () => {
	liveStoreContract('redis', () => RedisLiveStore.connect(REDIS_URL!, `podium:test:${uniqueSuffix()}:`));

	test('keys live under the prefix, and ping is false (not an exception) once closed', async () => {
		const prefix = `podium:test:${uniqueSuffix()}:`;
		const store = await RedisLiveStore.connect(REDIS_URL!, prefix);
		try {
			expect(store.kind).toBe('redis');
			await store.hit('login:account:someone@example.test', 60_000);
			expect(await store.client.get(`${prefix}login:account:someone@example.test`)).toBe('1');
			expect(await store.client.pTTL(`${prefix}login:account:someone@example.test`)).toBeGreaterThan(59_000);
			await store.reset('login:account:someone@example.test');
		} finally {
			await store.close();
		}
		expect(await store.ping()).toBe(false);
	});
});

describe('memory live store with a clock', () => {
	test('expires exactly at the window boundary', async () => {
		let now = 1_000_000;
		const store = new MemoryLiveStore(() => now);
		expect(store.kind).toBe('memory');
		await store.hit('k', 1000);
		now += 999;
		expect(await store.count('k')).toBe(1);
		expect(await store.ttl('k')).toBe(1);
		now += 1;
		expect(await store.count('k')).toBe(0);
		expect(await store.ttl('k')).toBe(0);
		expect(await store.hit('k', 1000)).toBe(1);
	});
});
