// Redis live store. Keys of one organization share the hash tag {org} so that one event's keys live
// in one slot. Layout: b:<board key> sorted set of totals, t:<board key> hash of tie marks (the id of
// each member's last change), applied bitmap of event ids, built marker, lock, seq hash.
// One Lua script applies an event's increments together with its idempotency bit.
import { createClient, RESP_TYPES, type RedisClientType } from 'redis';
import { compareEntries, type BoardEntry } from '../../shared/scoring';
import { log } from '../log';
import type { ApplyOutcome, LiveEventApply, LiveStore, RebuildSnapshot } from './store';

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

// KEYS: applied, lock, n board keys, n tie keys. ARGV: id, n, member1, delta1, ...
const APPLY_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local id = tonumber(ARGV[1])
if redis.call('GETBIT', KEYS[1], id) == 1 then return 0 end
local n = tonumber(ARGV[2])
for i = 1, n do
  local member = ARGV[1 + 2 * i]
  redis.call('ZINCRBY', KEYS[2 + i], ARGV[2 + 2 * i], member)
  local tk = KEYS[2 + n + i]
  local cur = redis.call('HGET', tk, member)
  if (not cur) or tonumber(cur) < id then redis.call('HSET', tk, member, id) end
end
redis.call('SETBIT', KEYS[1], id, 1)
return 1
`;

const MAX_TIE_GROUP = 10_000;
const CONNECT_TIMEOUT_MS = 15_000;
const REPLACE_IN_FLIGHT = 20_000;

export class RedisLiveStore implements LiveStore {
	readonly kind = 'redis' as const;
	private shas = new Map<string, string>();

	private constructor(
		readonly client: RedisClientType,
		private readonly prefix: string
	) {}

	static async connect(url: string, prefix = 'podium:'): Promise<RedisLiveStore> {
		const client = createClient({
			url,
			socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 3000) }
		}) as RedisClientType;
		// Without an error listener node-redis would crash the process on a Redis outage.
		client.on('error', (error) => log.warn(`redis live store: ${error?.message ?? error}`));
		// Reconnects are endless once running, but start-up fails clearly rather than waiting forever.
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`Redis at REDIS_URL did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
		});
		try {
			await Promise.race([client.connect(), timeout]);
		} catch (error) {
			client.destroy();
			throw error;
		} finally {
			clearTimeout(timer);
		}
		return new RedisLiveStore(client, prefix);
	}

	private k(org: string, suffix: string) {
		return `${this.prefix}{${org}}:${suffix}`;
	}

	private async script(source: string, keys: string[], args: string[]): Promise<unknown> {
		let sha = this.shas.get(source);
		if (!sha) {
			sha = await this.client.scriptLoad(source);
			this.shas.set(source, sha);
		}
		try {
			return await this.client.evalSha(sha, { keys, arguments: args });
		} catch (error) {
			// After a flush or restart the script cache is empty: load it again once.
			if (error instanceof Error && error.message.includes('NOSCRIPT')) {
				this.shas.delete(source);
				return this.script(source, keys, args);
			}
			throw error;
		}
	}

	async ping() {
		if (!this.client.isReady) return false;
		try {
			return (await this.client.ping()) === 'PONG';
		} catch {
			return false;
		}
	}

	async hit(key: string, windowMs: number) {
		return Number(await this.script(HIT_SCRIPT, [this.prefix + key], [String(windowMs)]));
	}

	async count(key: string) {
		const value = await this.client.get(this.prefix + key);
		return value ? Number(value) : 0;
	}

	async ttl(key: string) {
		const ms = await this.client.pTTL(this.prefix + key);
		return ms > 0 ? ms : 0;
	}

	async reset(key: string) {
		await this.client.del(this.prefix + key);
	}

	async applyEvents(events: LiveEventApply[]): Promise<ApplyOutcome[]> {
		// Issued together, node-redis pipelines them; each script is atomic on its own.
		const results = await Promise.all(
			events.map((event) => {
				const n = event.increments.length;
				const keys = [this.k(event.org, 'applied'), this.k(event.org, 'lock')];
				for (const inc of event.increments) keys.push(this.k(event.org, `b:${inc.key}`));
				for (const inc of event.increments) keys.push(this.k(event.org, `t:${inc.key}`));
				const args = [String(event.id), String(n)];
				for (const inc of event.increments) args.push(inc.member, String(inc.delta));
				return this.script(APPLY_SCRIPT, keys, args);
			})
		);
		return results.map((r) => (Number(r) === 1 ? 'applied' : Number(r) === 0 ? 'duplicate' : 'deferred'));
	}

	async applied(org: string, ids: number[]) {
		if (ids.length === 0) return [];
		// One GETRANGE over the ids' span instead of one GETBIT per id: the reconciler asks about every
		// event of the last minutes (tens of thousands after a burst) on each pass. Bit id is bit
		// 7 - id % 8 of byte id / 8, as SETBIT numbers them.
		let min = ids[0];
		let max = ids[0];
		for (const id of ids) {
			if (id < min) min = id;
			if (id > max) max = id;
		}
		const from = Math.floor(min / 8);
		const bytes =
			(await this.client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).getRange(this.k(org, 'applied'), from, Math.floor(max / 8))) ??
			Buffer.alloc(0);
		return ids.map((id) => {
			const i = Math.floor(id / 8) - from;
			return i < bytes.length && (bytes[i] & (0x80 >> id % 8)) !== 0;
		});
	}

	private async withTies(org: string, key: string, rows: { value: string; score: number }[]): Promise<BoardEntry[]> {
		if (rows.length === 0) return [];
		const ties = await this.client.hmGet(this.k(org, `t:${key}`), rows.map((r) => r.value));
		return rows.map((r, i) => ({ member: r.value, score: r.score, tie: Number(ties[i] ?? 0) }));
	}

	private async tieGroup(org: string, key: string, score: number) {
		const rows = await this.client.zRangeByScoreWithScores(this.k(org, `b:${key}`), score, score, {
			LIMIT: { offset: 0, count: MAX_TIE_GROUP }
		});
		return this.withTies(org, key, rows);
	}

	/** Sorted entries at Redis positions [from, to], with the tie groups cut at either edge completed. */
	private async slice(org: string, key: string, from: number, to: number): Promise<BoardEntry[]> {
		const zkey = this.k(org, `b:${key}`);
		const start = Math.max(0, from - 1);
		const rows = await this.client.zRangeWithScores(zkey, start, to + 1, { REV: true });
		if (rows.length === 0) return [];
		const byMember = new Map<string, BoardEntry>();
		for (const e of await this.withTies(org, key, rows)) byMember.set(e.member, e);
		const edges = new Set<number>();
		if (start < from && rows.length > 1 && rows[0].score === rows[1].score) edges.add(rows[1].score);
		const inner = rows.slice(start < from ? 1 : 0);
		if (inner.length > to - from + 1 && inner[to - from].score === inner[to - from + 1].score) edges.add(inner[to - from].score);
		for (const score of edges) for (const e of await this.tieGroup(org, key, score)) byMember.set(e.member, e);
		return [...byMember.values()].sort(compareEntries);
	}

	async top(org: string, key: string, limit: number) {
		if (limit <= 0) return [];
		const sorted = await this.slice(org, key, 0, limit - 1);
		return sorted.slice(0, limit);
	}

	async entries(org: string, key: string, members: string[]) {
		if (members.length === 0) return [];
		const [scores, ties] = await Promise.all([
			this.client.zmScore(this.k(org, `b:${key}`), members),
			this.client.hmGet(this.k(org, `t:${key}`), members)
		]);
		return members.map((member, i) =>
			scores[i] === null || scores[i] === undefined ? null : { member, score: Number(scores[i]), tie: Number(ties[i] ?? 0) }
		);
	}

	async countAbove(org: string, key: string, score: number) {
		return this.client.zCount(this.k(org, `b:${key}`), `(${score}`, '+inf');
	}

	async around(org: string, key: string, member: string, radius: number) {
		const [self] = await this.entries(org, key, [member]);
		if (!self) return [];
		// Redis orders equal scores by name, not by tie mark, so the member's Redis position says little
		// about its place inside its tie group: take the whole group plus `radius` positions either side.
		const [above, group] = await Promise.all([this.countAbove(org, key, self.score), this.client.zCount(this.k(org, `b:${key}`), self.score, self.score)]);
		const sorted = await this.slice(org, key, Math.max(0, above - radius), above + group - 1 + radius);
		const index = sorted.findIndex((e) => e.member === member);
		if (index < 0) return [];
		return sorted.slice(Math.max(0, index - radius), index + radius + 1);
	}

	async size(org: string, key: string) {
		return this.client.zCard(this.k(org, `b:${key}`));
	}

	async boardKeys(org: string) {
		const keys: string[] = [];
		const prefix = this.k(org, 'b:');
		for await (const batch of this.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
			for (const key of batch as unknown as string[]) keys.push(key.slice(prefix.length));
		}
		return keys;
	}

	async isBuilt(org: string) {
		return (await this.client.exists(this.k(org, 'built'))) === 1;
	}

	async lockForRebuild(org: string, ttlMs: number) {
		return (await this.client.set(this.k(org, 'lock'), String(Date.now()), { NX: true, PX: ttlMs })) === 'OK';
	}

	async replaceOrg(org: string, snapshot: RebuildSnapshot) {
		const old = await this.boardKeys(org);
		for (let i = 0; i < old.length; i += 500) {
			const chunk = old.slice(i, i + 500);
			await this.client.del(chunk.flatMap((key) => [this.k(org, `b:${key}`), this.k(org, `t:${key}`)]));
		}
		// Bound what is in flight by members, not commands: node-redis times a command out 5 s after it is
		// queued, and a large org (millions of members across its boards) queued at once would exceed that.
		const writes: Promise<unknown>[] = [];
		let pending = 0;
		const flush = async () => {
			pending = 0;
			await Promise.all(writes.splice(0));
		};
		for (const [key, entries] of snapshot.boards) {
			for (let i = 0; i < entries.length; i += 1000) {
				const chunk = entries.slice(i, i + 1000);
				writes.push(this.client.zAdd(this.k(org, `b:${key}`), chunk.map((e) => ({ score: e.score, value: e.member }))));
				writes.push(
					this.client.hSet(
						this.k(org, `t:${key}`),
						chunk.map((e) => [e.member, String(e.tie)] as [string, string])
					)
				);
				pending += chunk.length;
				if (pending >= REPLACE_IN_FLIGHT) await flush();
			}
		}
		await flush();
		// The applied marks as one bitmap, built locally: bit i of byte i >> 3, most significant first.
		const max = snapshot.appliedIds.reduce((m, id) => Math.max(m, id), 0);
		const bitmap = Buffer.alloc((max >> 3) + 1);
		for (const id of snapshot.appliedIds) bitmap[id >> 3] |= 0x80 >> (id & 7);
		await this.client.set(this.k(org, 'applied'), bitmap);
		await this.client.set(this.k(org, 'built'), String(Date.now()));
		await this.unlock(org);
	}

	async unlock(org: string) {
		await this.client.del(this.k(org, 'lock'));
	}

	async nextSeq(org: string, boardId: string) {
		return this.client.hIncrBy(this.k(org, 'seq'), boardId, 1);
	}

	async currentSeq(org: string, boardId: string) {
		return Number((await this.client.hGet(this.k(org, 'seq'), boardId)) ?? 0);
	}

	async close() {
		if (this.client.isOpen) await this.client.quit().catch(() => this.client.destroy());
	}
}
