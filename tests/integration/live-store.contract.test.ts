// One contract, two live stores: the in-process memory store and Redis. The Redis variant runs when
// REDIS_URL is set (CI's second pass); without it only the memory store is checked.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uniqueSuffix } from '../helpers/env';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import { readWhole, type LiveEventApply, type LiveStore, type RebuildSnapshot } from '../../src/lib/server/live/store';
import { compareEntries, type BoardEntry, type Increment } from '../../src/lib/shared/scoring';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REDIS_URL = process.env.REDIS_URL;

/**
 * Time as the store sees it, moved by the test instead of waited for. The memory store reads a clock the
 * test holds. Redis keeps its own time, so passing time brings every expiry under the test's prefix
 * that much closer (PEXPIRETIME, then PEXPIREAT; one in the past deletes the key), as waiting would.
 */
interface StoreTime {
	now(): Promise<number>;
	pass(ms: number): Promise<void>;
}

function memoryStore(): { store: LiveStore; time: StoreTime } {
	let now = Date.now();
	return {
		store: new MemoryLiveStore(() => now),
		time: {
			now: async () => now,
			pass: async (ms) => {
				now += ms;
			}
		}
	};
}

async function redisStore(url: string): Promise<{ store: LiveStore; time: StoreTime }> {
	const prefix = `podium:test:${uniqueSuffix()}:`;
	const store = await RedisLiveStore.connect(url, prefix);
	const redis = store.client;
	return {
		store,
		time: {
			async now() {
				const [seconds, micros] = (await redis.sendCommand(['TIME'])) as [string, string];
				return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
			},
			async pass(ms) {
				for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
					for (const key of batch) {
						const at = Number(await redis.sendCommand(['PEXPIRETIME', key]));
						if (at > 0) await redis.sendCommand(['PEXPIREAT', key, String(at - ms)]);
					}
				}
			}
		}
	};
}

function liveStoreContract(name: string, open: () => Promise<{ store: LiveStore; time: StoreTime }>) {
	describe(`${name} live store`, () => {
		let store: LiveStore;
		let time: StoreTime;
		let n = 0;
		// Unique keys: in the Redis pass several files and runs share one server.
		const key = (label: string) => `contract:${uniqueSuffix()}:${label}:${n++}`;

		beforeAll(async () => {
			({ store, time } = await open());
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

		test('release takes one hit back, never below zero, and keeps the window', async () => {
			const k = key('release');
			await store.release(k); // absent: nothing to take back, and nothing created
			expect(await store.count(k)).toBe(0);
			expect(await store.ttl(k)).toBe(0);
			await store.hit(k, 60_000);
			await store.hit(k, 60_000);
			await store.release(k);
			expect(await store.count(k)).toBe(1);
			expect(await store.ttl(k)).toBeGreaterThan(50_000);
			await store.release(k);
			await store.release(k);
			expect(await store.count(k)).toBe(0);
			expect(await store.hit(k, 60_000)).toBe(1);
			await store.reset(k);
		});

		test('swap returns what the mark held before, once per change even when swapped concurrently', async () => {
			const k = key('swap');
			expect(await store.swap(k, 'ana', 60_000)).toBeNull();
			expect(await store.swap(k, 'ana', 60_000)).toBe('ana');
			// Ten concurrent swaps to the same new value: exactly one of them saw the old one.
			const before = await Promise.all(Array.from({ length: 10 }, () => store.swap(k, 'bo', 60_000)));
			expect(before.filter((v) => v === 'ana')).toHaveLength(1);
			expect(before.filter((v) => v === 'bo')).toHaveLength(9);
			await store.swap(k, 'cy', 1_000);
			await time.pass(1_100);
			expect(await store.swap(k, 'cy', 60_000)).toBeNull();
		});

		test('peek reads a mark without changing it, null when absent or expired', async () => {
			const k = key('peek');
			expect(await store.peek(k)).toBeNull();
			await store.swap(k, 'ana|1', 1_000);
			expect(await store.peek(k)).toBe('ana|1');
			expect(await store.peek(k)).toBe('ana|1');
			expect(await store.swap(k, 'bo|2', 1_000)).toBe('ana|1');
			expect(await store.peek(k)).toBe('bo|2');
			await time.pass(1_100);
			expect(await store.peek(k)).toBeNull();
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
			await time.pass(300);
			await store.hit(k, 10_000);
			const later = await store.ttl(k);
			expect(later).toBeLessThanOrEqual(first - 300);
			expect(later).toBeGreaterThan(0);
			// Nor does a later hit with a longer window.
			await store.hit(k, 60_000);
			expect(await store.ttl(k)).toBeLessThanOrEqual(later);
			await store.reset(k);
		});

		test('a counter expires after its window and starts again from 1', async () => {
			const k = key('expiry');
			expect(await store.hit(k, 60_000)).toBe(1);
			expect(await store.hit(k, 60_000)).toBe(2);
			expect(await store.count(k)).toBe(2);
			await time.pass(59_000);
			expect(await store.count(k)).toBe(2);
			await time.pass(1_000);
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

		boardContract(() => store, () => time);
		// The same contract for boards read whole (contests): the Redis store keeps them in another layout.
		describe('boards read whole', () => {
			boardContract(() => readingWhole(store), () => time);
		});
	});
}

/** One event scoring `delta` for each member on one board (and nothing else); its applied mark is its id unless given. */
const ev = (org: string, id: number, board: string, pairs: [string, number][], orgSeq = id): LiveEventApply => ({
	id,
	orgSeq,
	org,
	increments: pairs.map(([member, delta]): Increment => ({ key: board, member, delta }))
});

const BOARD = 'points|users|week|W2026-11-23';

/** The reference order: score descending, then the smaller tie mark (reached first), then member. */
const reference = (entries: BoardEntry[]) => [...entries].sort(compareEntries);

/** Applies each [member, score, tie] as one event with id = tie, so the store's tie marks are known. */
async function seedBoard(store: LiveStore, org: string, rows: [string, number, number][], board = BOARD) {
	const outcomes = await store.applyEvents(rows.map(([member, score, tie]) => ev(org, tie, board, [[member, score]])));
	expect(outcomes).toEqual(rows.map(() => 'applied'));
	return reference(rows.map(([member, score, tie]) => ({ member, score, tie })));
}

const WHOLE = 'whole-contract:';
readWhole(WHOLE);

/** The store with every board key's board name prefixed so that its boards are read whole. */
function readingWhole(store: LiveStore): LiveStore {
	const to = (key: string) => WHOLE + key;
	const from = (key: string) => (key.startsWith(WHOLE) ? key.slice(WHOLE.length) : key);
	return new Proxy(store, {
		get(target, prop, receiver) {
			const t = target as unknown as Record<string | symbol, unknown>;
			switch (prop) {
				case 'applyEvents':
					return (events: LiveEventApply[]) => target.applyEvents(events.map((e) => ({ ...e, increments: e.increments.map((i) => ({ ...i, key: to(i.key) })) })));
				case 'top':
				case 'entries':
				case 'countAbove':
				case 'around':
				case 'size':
					return (org: string, key: string, ...rest: unknown[]) => (t[prop] as (...a: unknown[]) => unknown).call(target, org, to(key), ...rest);
				case 'boardKeys':
					return async (org: string) => (await target.boardKeys(org)).map(from);
				case 'removeMembers':
					return (org: string, keys: string[], members: string[]) => target.removeMembers(org, keys.map(to), members);
				case 'replaceOrg':
					return async (org: string, snapshot: RebuildSnapshot) => {
						const boards = snapshot.boards;
						async function* renamed() {
							for await (const [key, entries] of boards) yield [to(key), entries] as [string, BoardEntry[]];
						}
						return target.replaceOrg(org, { ...snapshot, boards: renamed(), expiresAt: snapshot.expiresAt ? (key: string) => snapshot.expiresAt!(from(key)) : undefined });
					};
				default: {
					const value = Reflect.get(target, prop, receiver);
					return typeof value === 'function' ? value.bind(target) : value;
				}
			}
		}
	});
}

function boardContract(get: () => LiveStore, getTime: () => StoreTime) {
	// Organization ids are unique per test: the Redis pass shares one server between files and runs.
	const newOrg = () => `org-${uniqueSuffix()}`;

	describe('boards', () => {
		test('applying the same event twice counts it once; the second answer is "duplicate"', async () => {
			const store = get();
			const org = newOrg();
			const event = ev(org, 41, BOARD, [['ann', 5]]);
			expect(await store.applyEvents([event])).toEqual(['applied']);
			expect(await store.applyEvents([event])).toEqual(['duplicate']);
			// Twice in one batch, and once more with different increments under the same id: still once.
			expect(await store.applyEvents([event, event, ev(org, 41, BOARD, [['ann', 100]])])).toEqual(['duplicate', 'duplicate', 'duplicate']);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 5, tie: 41 }]);
			expect(await store.applied(org, [41, 42])).toEqual([true, false]);

			const fresh = ev(org, 42, BOARD, [['ann', 2]]);
			expect(await store.applyEvents([fresh, fresh])).toEqual(['applied', 'duplicate']);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 7, tie: 42 }]);
		});

		test('the applied mark is the event\'s org_seq, not its id: the same org_seq is a duplicate, a huge id costs nothing', async () => {
			const store = get();
			const org = newOrg();
			// Event ids are global and may be far along; an org's marks are its own 1, 2, 3, …
			expect(await store.applyEvents([ev(org, 4_000_000_000_123, BOARD, [['ann', 5]], 1)])).toEqual(['applied']);
			expect(await store.applyEvents([ev(org, 4_000_000_000_124, BOARD, [['ann', 5]], 1)])).toEqual(['duplicate']);
			expect(await store.applyEvents([ev(org, 4_000_000_000_125, BOARD, [['ann', 2]], 2)])).toEqual(['applied']);
			expect(await store.applied(org, [1, 2, 3])).toEqual([true, true, false]);
			// The tie mark is still the event id.
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 7, tie: 4_000_000_000_125 }]);
			if (store instanceof RedisLiveStore) {
				const [bitmap] = await store.client.keys(`*{${org}}:applied`);
				expect(await store.client.strLen(bitmap)).toBe(1);
			}
		});

		test('an event applies all its increments together, across boards', async () => {
			const store = get();
			const org = newOrg();
			const teams = 'points|teams|week|W2026-11-23';
			const event: LiveEventApply = {
				id: 7,
				orgSeq: 7,
				org,
				increments: [
					{ key: BOARD, member: 'ann', delta: 50 },
					{ key: teams, member: 'team-1', delta: 50 },
					{ key: 'deal|users|week|W2026-11-23', member: 'ann', delta: 1 }
				]
			};
			expect(await store.applyEvents([event])).toEqual(['applied']);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 50, tie: 7 }]);
			expect(await store.entries(org, teams, ['team-1'])).toEqual([{ member: 'team-1', score: 50, tie: 7 }]);
			expect(await store.entries(org, 'deal|users|week|W2026-11-23', ['ann'])).toEqual([{ member: 'ann', score: 1, tie: 7 }]);
			expect((await store.boardKeys(org)).sort()).toEqual(['deal|users|week|W2026-11-23', BOARD, teams].sort());
		});

		test('removeMembers takes members off the given boards only, keeps their applied marks, and a board left empty is gone', async () => {
			const store = get();
			const org = newOrg();
			const other = newOrg();
			const day = 'points|users|day|2026-11-28';
			const teams = 'points|teams|week|W2026-11-23';
			expect(
				await store.applyEvents([
					ev(org, 1, BOARD, [['ann', 5], ['bob', 5], ['cy', 1]]),
					ev(org, 2, day, [['ann', 3]]),
					ev(org, 3, teams, [['ann', 9]]),
					ev(other, 1, BOARD, [['ann', 5]])
				])
			).toEqual(['applied', 'applied', 'applied', 'applied']);
			expect(await store.removeMembers(org, [BOARD, day, 'points|users|month|2026-11'], ['ann', 'nobody'])).toBe(2);
			expect(await store.top(org, BOARD, 10)).toEqual([
				{ member: 'bob', score: 5, tie: 1 },
				{ member: 'cy', score: 1, tie: 1 }
			]);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([null]);
			expect(await store.around(org, BOARD, 'ann', 2)).toEqual([]);
			expect([await store.size(org, BOARD), await store.countAbove(org, BOARD, 0)]).toEqual([2, 2]);
			// Boards not named, and other orgs, keep the member.
			expect(await store.entries(org, teams, ['ann'])).toEqual([{ member: 'ann', score: 9, tie: 3 }]);
			expect(await store.entries(other, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 5, tie: 1 }]);
			expect((await store.boardKeys(org)).sort()).toEqual([BOARD, teams].sort());
			// The events stay applied: applying one again changes nothing.
			expect(await store.applied(org, [1, 2])).toEqual([true, true]);
			expect(await store.applyEvents([ev(org, 2, day, [['ann', 3]])])).toEqual(['duplicate']);
			expect(await store.size(org, day)).toBe(0);
			// A later event starts the member afresh.
			expect(await store.applyEvents([ev(org, 4, BOARD, [['ann', 1]])])).toEqual(['applied']);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 1, tie: 4 }]);
			expect(await store.removeMembers(org, [], ['ann'])).toBe(0);
		});

		test('a tie mark is the largest id that changed the member, whatever the order of application', async () => {
			const store = get();
			const org = newOrg();
			// The reconciler may apply an older event after a newer one.
			expect(await store.applyEvents([ev(org, 20, BOARD, [['ann', 3]]), ev(org, 15, BOARD, [['ann', 2]])])).toEqual(['applied', 'applied']);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 5, tie: 20 }]);
			// A correction lowers the score and is the member's latest change.
			expect(await store.applyEvents([ev(org, 21, BOARD, [['ann', -3]])])).toEqual(['applied']);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 2, tie: 21 }]);
		});

		test('while the org is locked for a rebuild, applies are "deferred" and change nothing', async () => {
			const store = get();
			const org = newOrg();
			const other = newOrg();
			expect(await store.isLocked(org)).toBe(false);
			expect(await store.lockForRebuild(org, 60_000)).toBe(true);
			expect(await store.lockForRebuild(org, 60_000)).toBe(false);
			expect([await store.isLocked(org), await store.isLocked(other)]).toEqual([true, false]);
			expect(await store.applyEvents([ev(org, 1, BOARD, [['ann', 5]]), ev(other, 1, BOARD, [['ann', 5]])])).toEqual(['deferred', 'applied']);
			expect(await store.size(org, BOARD)).toBe(0);
			expect(await store.applied(org, [1])).toEqual([false]);
			expect(await store.boardKeys(org)).toEqual([]);
			await store.unlock(org);
			expect(await store.isLocked(org)).toBe(false);
			expect(await store.applyEvents([ev(org, 1, BOARD, [['ann', 5]])])).toEqual(['applied']);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 5, tie: 1 }]);
			// The lock expires on its own, too.
			expect(await store.lockForRebuild(org, 60_000)).toBe(true);
			await getTime().pass(59_000);
			expect(await store.applyEvents([ev(org, 2, BOARD, [['ann', 1]])])).toEqual(['deferred']);
			await getTime().pass(1_000);
			expect(await store.applyEvents([ev(org, 2, BOARD, [['ann', 1]])])).toEqual(['applied']);
		});

		test('top, entries, countAbove and size: score first, then who reached it first', async () => {
			const store = get();
			const org = newOrg();
			// Names run against the tie order both ways, so neither lexical order can pass for it.
			const sorted = await seedBoard(store, org, [
				['mia', 5, 13],
				['zoe', 5, 10],
				['amy', 7, 12],
				['bob', 5, 11],
				['cat', 2, 14],
				['dan', 0, 15]
			]);
			expect(sorted.map((e) => e.member)).toEqual(['amy', 'zoe', 'bob', 'mia', 'cat', 'dan']);
			expect(await store.top(org, BOARD, 100)).toEqual(sorted);
			expect(await store.top(org, BOARD, 2)).toEqual(sorted.slice(0, 2));
			expect(await store.top(org, BOARD, 0)).toEqual([]);
			expect(await store.size(org, BOARD)).toBe(6);
			expect(await store.size(org, 'deal|users|week|W2026-11-23')).toBe(0);
			expect(await store.top(org, 'deal|users|week|W2026-11-23', 10)).toEqual([]);
			expect(await store.entries(org, BOARD, ['bob', 'nobody', 'amy'])).toEqual([{ member: 'bob', score: 5, tie: 11 }, null, { member: 'amy', score: 7, tie: 12 }]);
			expect(await store.entries(org, BOARD, [])).toEqual([]);
			expect(await store.countAbove(org, BOARD, 7)).toBe(0);
			expect(await store.countAbove(org, BOARD, 5)).toBe(1);
			expect(await store.countAbove(org, BOARD, 4)).toBe(4);
			expect(await store.countAbove(org, BOARD, 2)).toBe(4);
			expect(await store.countAbove(org, BOARD, -1)).toBe(6);
		});

		test('a tie group cut by the limit is resolved by tie mark, at every limit', async () => {
			const store = get();
			const org = newOrg();
			// One leader, ten members tied on 3 (tie marks in an order unrelated to their names), two below.
			const names = ['t-j', 't-c', 't-h', 't-a', 't-e', 't-i', 't-b', 't-g', 't-d', 't-f'];
			const rows: [string, number, number][] = names.map((name, i) => [name, 3, 100 + ((i * 7) % 10)]);
			rows.push(['leader', 9, 150], ['low-z', 1, 90], ['low-a', 1, 91]);
			const sorted = await seedBoard(store, org, rows);
			expect(sorted[1]).toEqual({ member: 't-j', score: 3, tie: 100 });
			for (let limit = 1; limit <= sorted.length + 1; limit++) {
				expect(await store.top(org, BOARD, limit), `top ${limit}`).toEqual(sorted.slice(0, limit));
			}
			expect((await store.top(org, BOARD, 3)).map((e) => e.member)).toEqual(['leader', 't-j', 't-a']);
		});

		test('around a member: radius entries either side in board order, ties resolved, at every position', async () => {
			const store = get();
			const org = newOrg();
			// Tie groups between distinct scores, in tie order by names' order (group g, Redis's reverse
			// order for equal scores) and against it (group h).
			const sorted = await seedBoard(store, org, [
				['zz-top', 20, 1],
				['g-a', 10, 2],
				['g-b', 10, 3],
				['g-c', 10, 4],
				['g-d', 10, 5],
				['g-e', 10, 6],
				['mid', 8, 7],
				['h-c', 4, 8],
				['h-b', 4, 9],
				['h-a', 4, 10],
				['last', 1, 11]
			]);
			for (const radius of [0, 1, 2, 3]) {
				for (let i = 0; i < sorted.length; i++) {
					const expected = sorted.slice(Math.max(0, i - radius), i + radius + 1);
					expect(await store.around(org, BOARD, sorted[i].member, radius), `around ${sorted[i].member} radius ${radius}`).toEqual(expected);
				}
			}
			expect(await store.around(org, BOARD, 'nobody', 2)).toEqual([]);
		});

		test('equal scores rank by who reached them first, whichever way the names sort', async () => {
			const store = get();
			const org = newOrg();
			// "zed" reached 6 before "abe"; "amy" reached 4 before "zoe": names against tie order, then with it.
			expect(
				await store.applyEvents([ev(org, 1, BOARD, [['zed', 6]]), ev(org, 2, BOARD, [['amy', 4]]), ev(org, 3, BOARD, [['abe', 6]]), ev(org, 4, BOARD, [['zoe', 4]])])
			).toEqual(['applied', 'applied', 'applied', 'applied']);
			const expected = [
				{ member: 'zed', score: 6, tie: 1 },
				{ member: 'abe', score: 6, tie: 3 },
				{ member: 'amy', score: 4, tie: 2 },
				{ member: 'zoe', score: 4, tie: 4 }
			];
			expect(await store.top(org, BOARD, 10)).toEqual(expected);
			expect(await store.around(org, BOARD, 'abe', 1)).toEqual(expected.slice(0, 3));
			// "zed" reaches 8 last: it now trails "abe" once "abe" gets there too, earlier.
			await store.applyEvents([ev(org, 5, BOARD, [['abe', 2]]), ev(org, 6, BOARD, [['zed', 2]])]);
			expect((await store.top(org, BOARD, 2)).map((e) => [e.member, e.score, e.tie])).toEqual([
				['abe', 8, 5],
				['zed', 8, 6]
			]);
		});

		test('around a member inside a large tie group returns exactly its neighbours', async () => {
			const store = get();
			const org = newOrg();
			// 3,000 members on one score, tie marks in an order unrelated to their names, one member above
			// and one below the group.
			const rows: [string, number, number][] = [];
			for (let i = 0; i < 3000; i++) rows.push([`m-${String(i).padStart(4, '0')}`, 7, 10 + ((i * 7919) % 3000)]);
			rows.push(['leader', 9, 5000], ['trailer', 1, 5001]);
			const sorted = await seedBoard(store, org, rows);
			expect(await store.size(org, BOARD)).toBe(3002);
			expect(await store.top(org, BOARD, 50)).toEqual(sorted.slice(0, 50));
			for (const i of [0, 1, 2, 3, 17, 1500, 1501, 2998, 2999, 3000, 3001]) {
				for (const radius of [0, 2, 5]) {
					expect(await store.around(org, BOARD, sorted[i].member, radius), `around #${i} radius ${radius}`).toEqual(
						sorted.slice(Math.max(0, i - radius), i + radius + 1)
					);
				}
			}
			expect(await store.countAbove(org, BOARD, 7)).toBe(1);
			expect(await store.countAbove(org, BOARD, 6)).toBe(3001);
		});

		test('an older event applied after a newer one adds its delta and keeps the newer tie mark', async () => {
			const store = get();
			const org = newOrg();
			expect(await store.applyEvents([ev(org, 20, BOARD, [['ann', 3]]), ev(org, 18, BOARD, [['bob', 5]])])).toEqual(['applied', 'applied']);
			// Event 15 (ann, +2) arrives late, in a call of its own, as the reconciler would apply it.
			expect(await store.applyEvents([ev(org, 15, BOARD, [['ann', 2]])])).toEqual(['applied']);
			const expected = [
				{ member: 'bob', score: 5, tie: 18 },
				{ member: 'ann', score: 5, tie: 20 }
			];
			expect(await store.entries(org, BOARD, ['ann', 'bob'])).toEqual([expected[1], expected[0]]);
			expect(await store.top(org, BOARD, 10)).toEqual(expected);
			expect(await store.around(org, BOARD, 'ann', 1)).toEqual(expected);
			expect(await store.size(org, BOARD)).toBe(2);
			// A late event for a member absent so far adds it with that event's mark.
			expect(await store.applyEvents([ev(org, 16, BOARD, [['cy', 5]])])).toEqual(['applied']);
			expect(await store.top(org, BOARD, 10)).toEqual([{ member: 'cy', score: 5, tie: 16 }, ...expected]);
		});

		test('one batch whose events hit the same member leaves one entry with the sum and the largest mark', async () => {
			const store = get();
			const org = newOrg();
			const teams = 'points|teams|week|W2026-11-23';
			const both = (id: number, delta: number): LiveEventApply => ({
				id,
				orgSeq: id,
				org,
				increments: [
					{ key: BOARD, member: 'ann', delta },
					{ key: teams, member: 'team-1', delta }
				]
			});
			expect(await store.applyEvents([both(30, 1), both(31, 2), both(29, 4), both(31, 50), ev(org, 32, BOARD, [['bob', 7]]), both(33, 0)])).toEqual([
				'applied',
				'applied',
				'applied',
				'duplicate',
				'applied',
				'applied'
			]);
			expect(await store.size(org, BOARD)).toBe(2);
			expect(await store.size(org, teams)).toBe(1);
			// ann reached 7 with event 33 (a zero change still counts as a change here), after bob (32).
			expect(await store.top(org, BOARD, 10)).toEqual([
				{ member: 'bob', score: 7, tie: 32 },
				{ member: 'ann', score: 7, tie: 33 }
			]);
			expect(await store.top(org, teams, 10)).toEqual([{ member: 'team-1', score: 7, tie: 33 }]);
			expect(await store.applied(org, [29, 30, 31, 32, 33, 34])).toEqual([true, true, true, true, true, false]);
		});

		test('any batches of events, repeats included, end where applying them one at a time would', async () => {
			const store = get();
			const boards = [BOARD, 'points|teams|week|W2026-11-23', 'call|users|all|all'];
			// As in real events: on each board an event changes one member (its rep, or the rep's team),
			// possibly by several increments. (Two members sharing one tie mark never happens.)
			const onBoard = (key: string) =>
				fc.option(
					fc.tuple(fc.constantFrom('ann', 'bob', 'cy', 'team-1'), fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 2 })).map(([member, deltas]) =>
						deltas.map((delta) => ({ key, member, delta }))
					),
					{ nil: [] }
				);
			const event = fc.record({
				id: fc.integer({ min: 1, max: 60 }),
				increments: fc.tuple(...boards.map(onBoard)).map((parts) => parts.flat()).filter((increments) => increments.length > 0)
			});
			await fc.assert(
				fc.asyncProperty(fc.array(fc.array(event, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }), async (batches) => {
					const org = newOrg();
					// The model: events one by one; an id seen before changes nothing; a member's mark is the
					// largest id that changed it.
					const model = new Map<string, Map<string, BoardEntry>>(boards.map((b) => [b, new Map()]));
					const seen = new Set<number>();
					for (const batch of batches) {
						const expected = batch.map((e) => {
							if (seen.has(e.id)) return 'duplicate';
							seen.add(e.id);
							for (const inc of e.increments) {
								const board = model.get(inc.key)!;
								const entry = board.get(inc.member);
								if (entry) {
									entry.score += inc.delta;
									entry.tie = Math.max(entry.tie, e.id);
								} else board.set(inc.member, { member: inc.member, score: inc.delta, tie: e.id });
							}
							return 'applied';
						});
						expect(await store.applyEvents(batch.map((e) => ({ ...e, orgSeq: e.id, org })))).toEqual(expected);
					}
					for (const key of boards) {
						expect(await store.top(org, key, 10), key).toEqual(reference([...model.get(key)!.values()]));
					}
				}),
				{ numRuns: 40 }
			);
		});

		test('a mixed batch: several orgs, duplicates inside and across calls, a locked org, more events than one call holds', async () => {
			const store = get();
			const org = newOrg();
			const locked = newOrg();
			const other = newOrg();
			expect(await store.applyEvents([ev(org, 1, BOARD, [['ann', 1]])])).toEqual(['applied']);
			expect(await store.lockForRebuild(locked, 60_000)).toBe(true);
			const batch: LiveEventApply[] = [];
			const expected: string[] = [];
			for (let i = 0; i < 260; i++) {
				// Each of three orgs in turn; org's ids 2..87 each once, then some again.
				const which = i % 3;
				if (which === 0) {
					batch.push(ev(org, 2 + Math.floor(i / 3), BOARD, [[`r${i % 7}`, 1]]));
					expected.push('applied');
				} else if (which === 1) {
					batch.push(ev(locked, 2 + Math.floor(i / 3), BOARD, [['ann', 1]]));
					expected.push('deferred');
				} else {
					batch.push(ev(other, 2 + Math.floor(i / 3), BOARD, [['ann', 1]]));
					expected.push('applied');
				}
			}
			// Duplicates: an id applied by an earlier call, ids repeated within this batch, far apart.
			batch.push(ev(org, 1, BOARD, [['ann', 100]]), ev(org, 2, BOARD, [['ann', 100]]), ev(other, 2, BOARD, [['ann', 100]]), ev(locked, 2, BOARD, [['ann', 100]]));
			expected.push('duplicate', 'duplicate', 'duplicate', 'deferred');
			batch.splice(10, 0, ev(org, 500, BOARD, [['ann', 1]]), ev(org, 500, BOARD, [['ann', 1]]));
			expected.splice(10, 0, 'applied', 'duplicate');
			expect(await store.applyEvents(batch)).toEqual(expected);
			expect(await store.size(locked, BOARD)).toBe(0);
			expect(await store.entries(other, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 86, tie: 87 }]);
			expect(await store.entries(org, BOARD, ['ann'])).toEqual([{ member: 'ann', score: 2, tie: 500 }]);
			const reps = (await store.top(org, BOARD, 100)).filter((e) => e.member !== 'ann');
			expect(reps.reduce((sum, e) => sum + e.score, 0)).toBe(87);
			expect(reps).toEqual(reference(reps));
		});

		test('tie marks of any size up to 16 digits order and resolve the same after a rebuild and after applies', async () => {
			const store = get();
			const org = newOrg();
			expect(await store.lockForRebuild(org, 60_000)).toBe(true);
			const ties = [99_999_999, 100_000_000, 100_000_001, 4_000_000_000_123, 9_007_199_254_740_991, 1, 0];
			const snapshot = ties.map((tie, i) => ({ member: `m${ties.length - i}`, score: 10, tie }));
			await store.replaceOrg(org, { boards: new Map([[BOARD, snapshot]]), appliedOrgSeqs: [1] });
			const sorted = reference(snapshot);
			expect(await store.top(org, BOARD, 10)).toEqual(sorted);
			for (let i = 0; i < sorted.length; i++) expect(await store.around(org, BOARD, sorted[i].member, 1)).toEqual(sorted.slice(Math.max(0, i - 1), i + 2));
			expect(await store.entries(org, BOARD, snapshot.map((e) => e.member))).toEqual(snapshot);
			// Older events add to the members' current entries (found by their encoded names).
			expect(await store.applyEvents(snapshot.map((e, i) => ev(org, 2 + i, BOARD, [[e.member, 1]])))).toEqual(snapshot.map(() => 'applied'));
			const after = reference(snapshot.map((e, i) => ({ ...e, score: 11, tie: Math.max(e.tie, 2 + i) })));
			expect(await store.top(org, BOARD, 10)).toEqual(after);
			expect(await store.size(org, BOARD)).toBe(snapshot.length);
		});

		test('replaceOrg takes a board in parts from an async source, with the applied ids still to come', async () => {
			const store = get();
			const org = newOrg();
			const other = 'deal|users|week|W2026-11-23';
			// 2,600 members on one board, in parts of different sizes between parts of another board.
			const all: BoardEntry[] = Array.from({ length: 2600 }, (_, i) => ({ member: `u-${String(i).padStart(4, '0')}`, score: i % 50, tie: 10_000 - i }));
			const small: BoardEntry[] = [
				{ member: 'ann', score: 1, tie: 5 },
				{ member: 'bob', score: 1, tie: 4 }
			];
			async function* parts(): AsyncGenerator<[string, BoardEntry[]]> {
				for (const [from, to] of [
					[0, 700],
					[700, 1900],
					[1900, 1901],
					[1901, 2600]
				]) {
					yield [BOARD, all.slice(from, to)];
					await sleep(5);
					if (from === 700) yield [other, small.slice(0, 1)];
				}
				yield [other, small.slice(1)];
			}
			expect(await store.lockForRebuild(org, 60_000)).toBe(true);
			await store.replaceOrg(org, { boards: parts(), appliedOrgSeqs: sleep(20).then(() => [4, 5]) });
			const sorted = reference(all);
			expect(await store.size(org, BOARD)).toBe(2600);
			expect(await store.top(org, BOARD, 2600)).toEqual(sorted);
			expect(await store.around(org, BOARD, sorted[1234].member, 2)).toEqual(sorted.slice(1232, 1237));
			expect(await store.top(org, other, 10)).toEqual(reference(small));
			expect(await store.applied(org, [3, 4, 5, 6])).toEqual([false, true, true, false]);
			expect(await store.applyEvents([ev(org, 5, other, [['ann', 1]])])).toEqual(['duplicate']);
		});

		test('replaceOrg swaps in a snapshot: old boards go, marks are the snapshot ids, and the org is built', async () => {
			const store = get();
			const org = newOrg();
			const other = newOrg();
			await seedBoard(store, org, [['old', 4, 2]], 'deal|users|day|2026-11-27');
			await seedBoard(store, other, [['kept', 4, 2]]);
			expect(await store.isBuilt(org)).toBe(false);
			expect(await store.lockForRebuild(org, 60_000)).toBe(true);

			const week: BoardEntry[] = [
				{ member: 'bob', score: 10, tie: 1000 },
				{ member: 'ann', score: 10, tie: 17 },
				{ member: 'cy', score: 3, tie: 3 }
			];
			await store.replaceOrg(org, { boards: new Map([[BOARD, week]]), appliedOrgSeqs: [3, 17, 1000] });
			expect(await store.isBuilt(org)).toBe(true);
			expect(await store.isBuilt(other)).toBe(false);
			expect(await store.boardKeys(org)).toEqual([BOARD]);
			expect(await store.size(org, 'deal|users|day|2026-11-27')).toBe(0);
			expect(await store.top(org, BOARD, 10)).toEqual(reference(week));
			expect(await store.applied(org, [3, 17, 1000, 2, 4, 999, 1001])).toEqual([true, true, true, false, false, false, false]);
			// The other org is untouched.
			expect(await store.top(other, BOARD, 10)).toEqual([{ member: 'kept', score: 4, tie: 2 }]);

			// replaceOrg released the lock; marked events are duplicates, new ones apply on top.
			expect(await store.applyEvents([ev(org, 17, BOARD, [['ann', 10]]), ev(org, 1001, BOARD, [['cy', 7]])])).toEqual(['duplicate', 'applied']);
			expect(await store.top(org, BOARD, 10)).toEqual([
				{ member: 'ann', score: 10, tie: 17 },
				{ member: 'cy', score: 10, tie: 1001 },
				{ member: 'bob', score: 10, tie: 1000 }
			].sort(compareEntries));

			// An empty snapshot empties the org but leaves it built.
			await store.replaceOrg(org, { boards: new Map(), appliedOrgSeqs: [] });
			expect(await store.isBuilt(org)).toBe(true);
			expect(await store.boardKeys(org)).toEqual([]);
			expect(await store.applied(org, [3, 17])).toEqual([false, false]);
		});

		test('a board goes when its expiry passes: reads find nothing, boardKeys omits it, and the next event starts it afresh', async () => {
			const store = get();
			const org = newOrg();
			const time = getTime();
			const day = 'points|users|day|2026-11-27';
			const soon = (await time.now()) + 60_000;
			const expiring = (id: number, member: string, delta: number, expiresAt: number): LiveEventApply => ({
				id,
				orgSeq: id,
				org,
				increments: [
					{ key: day, member, delta, expiresAt },
					{ key: BOARD, member, delta }
				]
			});
			expect(await store.applyEvents([expiring(1, 'ann', 5, soon), expiring(2, 'bob', 3, soon)])).toEqual(['applied', 'applied']);
			expect(await store.top(org, day, 10)).toEqual([
				{ member: 'ann', score: 5, tie: 1 },
				{ member: 'bob', score: 3, tie: 2 }
			]);
			expect((await store.boardKeys(org)).sort()).toEqual([day, BOARD].sort());
			await time.pass(60_000);
			expect(await store.top(org, day, 10)).toEqual([]);
			expect(await store.size(org, day)).toBe(0);
			expect(await store.entries(org, day, ['ann'])).toEqual([null]);
			expect(await store.around(org, day, 'ann', 2)).toEqual([]);
			expect(await store.boardKeys(org)).toEqual([BOARD]);
			// The board without an expiry is untouched, and so are the applied marks.
			expect(await store.top(org, BOARD, 10)).toEqual([
				{ member: 'ann', score: 5, tie: 1 },
				{ member: 'bob', score: 3, tie: 2 }
			]);
			expect(await store.applyEvents([expiring(1, 'ann', 5, (await time.now()) + 60_000)])).toEqual(['duplicate']);
			// A later event on the same key starts a new board (no leftovers of the old tie marks).
			expect(await store.applyEvents([expiring(3, 'bob', 1, (await time.now()) + 60_000)])).toEqual(['applied']);
			expect(await store.top(org, day, 10)).toEqual([{ member: 'bob', score: 1, tie: 3 }]);
		});

		test('replaceOrg gives each board the expiry the snapshot names', async () => {
			const store = get();
			const org = newOrg();
			const day = 'points|users|day|2026-11-27';
			const week: BoardEntry[] = [{ member: 'ann', score: 10, tie: 4 }];
			expect(await store.lockForRebuild(org, 60_000)).toBe(true);
			const time = getTime();
			const soon = (await time.now()) + 60_000;
			await store.replaceOrg(org, {
				boards: new Map([
					[BOARD, week],
					[day, week]
				]),
				appliedOrgSeqs: [4],
				expiresAt: (key) => (key === day ? soon : undefined)
			});
			expect(await store.top(org, day, 10)).toEqual(week);
			await time.pass(60_000);
			expect(await store.top(org, day, 10)).toEqual([]);
			expect(await store.boardKeys(org)).toEqual([BOARD]);
			expect(await store.top(org, BOARD, 10)).toEqual(week);
		});

		test('sequence numbers count up by one per board and org, from 0, in one epoch', async () => {
			const store = get();
			const org = newOrg();
			const other = newOrg();
			const seq = async (at: Promise<{ epoch: string; seq: number }>) => (await at).seq;
			const { epoch } = await store.currentSeq(org, 'points|users|week');
			expect(epoch).toEqual(expect.any(String));
			expect(await seq(store.currentSeq(org, 'points|users|week'))).toBe(0);
			expect(await store.nextSeq(org, 'points|users|week')).toEqual({ epoch, seq: 1 });
			expect(await store.nextSeq(org, 'points|users|week')).toEqual({ epoch, seq: 2 });
			expect(await store.currentSeq(org, 'points|users|week')).toEqual({ epoch, seq: 2 });
			expect(await store.currentSeq(org, 'points|users|day')).toEqual({ epoch, seq: 0 });
			expect(await store.nextSeq(org, 'points|users|day')).toEqual({ epoch, seq: 1 });
			expect(await seq(store.currentSeq(other, 'points|users|week'))).toBe(0);
			const concurrent = await Promise.all(Array.from({ length: 20 }, () => seq(store.nextSeq(other, 'points|users|week'))));
			expect([...concurrent].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
			expect(await seq(store.currentSeq(other, 'points|users|week'))).toBe(20);
		});
	});
}

liveStoreContract('memory', async () => memoryStore());

describe.runIf(!!REDIS_URL)('redis live store', () => {
	liveStoreContract('redis', () => redisStore(REDIS_URL!));

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
