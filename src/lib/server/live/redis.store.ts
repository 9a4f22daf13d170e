// Redis live store. Keys of one organization share the hash tag {org} so that one org's keys live in
// one slot. Layout: b:<board key> sorted set of totals, t:<board key> hash of tie marks (the id of the
// event of each member's last change), applied bitmap indexed by org_seq (the event's number within its
// organization), built marker, lock, seq hash.
// Invariant: a board member's name in b: is <tie mark encoded so that a smaller mark sorts higher under
// ZREVRANGE><SEP><member id>, with its current tie mark in t:, so Redis's own reverse order is the ranking
// order (score, then who reached it first). Scripts apply a batch of events, each with its idempotency bit.
// Boards read whole (store.ts: isReadWhole) are kept plainer: w:<board key> sorted set of totals by member
// id, x:<board key> sorted set of the members' tie marks (ZADD GT keeps the largest); their reader gets
// every entry and ranks them, so Redis need not keep the ranking order.
import { createClient, RESP_TYPES, type RedisClientType } from 'redis';
import type { BoardEntry } from '../../shared/scoring';
import { log } from '../platform/log';
import { isReadWhole, newSeqEpoch, type ApplyOutcome, type BoardSeq, type LiveEventApply, type LiveStore, type RebuildSnapshot } from './store';

/** How long a read on a request's path waits while Redis answers nothing before the request is answered 503. */
export const READ_DEADLINE_MS = 700;
/** How long it waits at most while Redis answers other commands, slowly. */
export const READ_HARD_LIMIT_MS = 5_000;

/** Named like node-redis's own timeouts, which platform/unavailable.ts answers with 503. */
export class RedisReadTimeoutError extends Error {
	override name = 'TimeoutError';
	constructor() {
		super(`Redis did not answer within ${READ_DEADLINE_MS} ms`);
	}
}

// A board's push counter with the epoch of the org's seq hash (~epoch), created with the hash: a hash
// lost to a flush or restart comes back with a new epoch. ARGV: board id, candidate epoch, 1 to increment.
const SEQ_SCRIPT = `
redis.call('HSETNX', KEYS[1], '~epoch', ARGV[2])
local epoch = redis.call('HGET', KEYS[1], '~epoch')
local n
if ARGV[3] == '1' then n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1) else n = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') end
return {epoch, n}
`;

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

// DECR keeps the key's expiry; a key that is gone or at zero is left alone.
const RELEASE_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
`;

// A tie mark t (an event id, 0 <= t < 1e16) as 16 digits of 9999999999999999 - t: equal scores then
// come out of ZREVRANGE smallest mark first. Computed in two 8-digit halves, exact in doubles (Lua 5.1).
const TIE_WIDTH = 16;
const SEP = ':';
const LUA_ENCODE = `
local function enc(t)
  local lo = math.fmod(t, 100000000)
  local hi = (t - lo) / 100000000
  return string.format('%08d%08d', 99999999 - hi, 99999999 - lo) .. '${SEP}'
end
`;

export function encodeMember(member: string, tie: number): string {
	const lo = tie % 1e8;
	const hi = (tie - lo) / 1e8;
	// 199,999,999 - x has 9 digits for 0 <= x < 1e8: dropping the leading 1 pads 99,999,999 - x to 8.
	return (hi === 0 ? '99999999' : String(199_999_999 - hi).slice(1)) + String(199_999_999 - lo).slice(1) + SEP + member;
}

function decodeTie(name: string): number {
	return (99_999_999 - Number(name.slice(0, 8))) * 1e8 + (99_999_999 - Number(name.slice(8, TIE_WIDTH)));
}

const decode = (name: string, score: number | string): BoardEntry => ({
	member: name.slice(TIE_WIDTH + SEP.length),
	score: Number(score),
	tie: decodeTie(name)
});

// A batch of one org's events. KEYS: applied, lock, then a b: and t: key per board. ARGV: the number
// of distinct members m, the m member ids, the number of events, then per event: id, org_seq (its bit
// in applied), n, and n times
// (board number, member number, delta): each member id is sent once per call, not once per board;
// last, per board, when it expires (ms since epoch for PEXPIREAT, 0: never), set on the boards changed,
// then per board 1 when it is read whole (its keys are then w: and x:), else 0.
// Returns -1 when the org is locked for a rebuild (every event deferred), else 1 (applied) or 0
// (duplicate) per event.
// The tie mark is the largest id that changed the member: an older event applied late (the reconciler)
// only adds to the score under the member's current name.
// The fresh events' increments are summed per (board, member) first and each sum applied once, with the
// largest id among them: the same result as applying the events one by one (the script is atomic), at a
// fraction of the writes when a batch touches a member many times (a team gets one change per board
// instead of one per event of its reps).
const APPLY_SCRIPT = `${LUA_ENCODE}
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local m = tonumber(ARGV[1])
local out = {}
local sums = {}
local order = {}
local touched = {}
local p = m + 3
for e = 1, tonumber(ARGV[m + 2]) do
  local idstr = ARGV[p]
  local id = tonumber(idstr)
  local mark = tonumber(ARGV[p + 1])
  local n = tonumber(ARGV[p + 2])
  p = p + 3
  -- SETBIT below marks an event as soon as it is taken: a mark repeated later in the call is a duplicate.
  if redis.call('GETBIT', KEYS[1], mark) == 1 then
    out[e] = 0
    p = p + 3 * n
  else
    for i = 1, n do
      local board = tonumber(ARGV[p])
      local member = tonumber(ARGV[p + 1])
      local k = board * 1048576 + member
      touched[board] = true
      local s = sums[k]
      if not s then
        s = { board, ARGV[1 + member], 0, -1, '' }
        sums[k] = s
        order[#order + 1] = s
      end
      s[3] = s[3] + tonumber(ARGV[p + 2])
      if id > s[4] then
        s[4] = id
        s[5] = idstr
      end
      p = p + 3
    end
    redis.call('SETBIT', KEYS[1], mark, 1)
    out[e] = 1
  end
end
local nb = (#KEYS - 2) / 2
local ebase = #ARGV - 2 * nb
for _, s in ipairs(order) do
  local j = 2 * s[1]
  local bk, tk, member, delta, id, idstr = KEYS[1 + j], KEYS[2 + j], s[2], s[3], s[4], s[5]
  if ARGV[ebase + nb + s[1]] == '1' then
    redis.call('ZINCRBY', bk, delta, member)
    redis.call('ZADD', tk, 'GT', idstr, member)
  else
  local cur = redis.call('HGET', tk, member)
  if not cur then
    redis.call('ZADD', bk, delta, enc(id) .. member)
    redis.call('HSET', tk, member, idstr)
  else
    local tie = tonumber(cur)
    if id > tie then
      local old = enc(tie) .. member
      local score = tonumber(redis.call('ZSCORE', bk, old) or 0)
      redis.call('ZREM', bk, old)
      redis.call('ZADD', bk, score + delta, enc(id) .. member)
      redis.call('HSET', tk, member, idstr)
    else
      redis.call('ZINCRBY', bk, delta, enc(tie) .. member)
    end
  end
  end
end
for board in pairs(touched) do
  local at = ARGV[ebase + board]
  if at ~= '0' then
    redis.call('PEXPIREAT', KEYS[1 + 2 * board], at)
    redis.call('PEXPIREAT', KEYS[2 + 2 * board], at)
  end
end
return out
`;

// KEYS: b:, t:. ARGV: member, radius. The member's rank from its encoded name, then its neighbours.
const AROUND_SCRIPT = `${LUA_ENCODE}
local tie = redis.call('HGET', KEYS[2], ARGV[1])
if not tie then return {} end
local rank = redis.call('ZREVRANK', KEYS[1], enc(tonumber(tie)) .. ARGV[1])
if not rank then return {} end
local r = tonumber(ARGV[2])
local from = rank - r
if from < 0 then from = 0 end
return redis.call('ZREVRANGE', KEYS[1], from, rank + r, 'WITHSCORES')
`;

// KEYS: b:, t:. ARGV: members. Returns tie, score per member (false, false when absent).
const ENTRIES_SCRIPT = `${LUA_ENCODE}
local out = {}
for i, member in ipairs(ARGV) do
  local tie = redis.call('HGET', KEYS[2], member)
  local score = false
  if tie then score = redis.call('ZSCORE', KEYS[1], enc(tonumber(tie)) .. member) end
  if score then
    out[2 * i - 1] = tie
    out[2 * i] = score
  else
    out[2 * i - 1] = false
    out[2 * i] = false
  end
end
return out
`;

// KEYS: a b: and t: key per board. ARGV: member ids. Each member's entry leaves each board; returns how many did.
const REMOVE_SCRIPT = `${LUA_ENCODE}
local removed = 0
for j = 1, #KEYS, 2 do
  for _, member in ipairs(ARGV) do
    local tie = redis.call('HGET', KEYS[j + 1], member)
    if tie then
      removed = removed + redis.call('ZREM', KEYS[j], enc(tonumber(tie)) .. member)
      redis.call('HDEL', KEYS[j + 1], member)
    end
  end
end
return removed
`;

// KEYS: w:, x:. Every member of a board read whole: member, score, tie mark, in no particular order.
const WHOLE_SCRIPT = `
local rows = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local out = {}
for i = 1, #rows, 2 do
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
  out[#out + 1] = redis.call('ZSCORE', KEYS[2], rows[i]) or '0'
end
return out
`;

// KEYS: w:, x:. ARGV: limit. The first `limit` members by score, and every member whose score equals
// the last of them (ties at the cut are resolved by tie mark, by the caller): member, score, tie mark.
const WHOLE_TOP_SCRIPT = `
local rows = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local out = {}
if #rows == 0 then return out end
local last = rows[#rows]
for i = 1, #rows, 2 do
  if rows[i + 1] ~= last then
    out[#out + 1] = rows[i]
    out[#out + 1] = rows[i + 1]
    out[#out + 1] = redis.call('ZSCORE', KEYS[2], rows[i]) or '0'
  end
end
local group = redis.call('ZRANGEBYSCORE', KEYS[1], last, last, 'WITHSCORES')
for i = 1, #group, 2 do
  out[#out + 1] = group[i]
  out[#out + 1] = group[i + 1]
  out[#out + 1] = redis.call('ZSCORE', KEYS[2], group[i]) or '0'
end
return out
`;

// KEYS: w:, x:. ARGV: members. Returns tie, score per member (false, false when absent).
const WHOLE_ENTRIES_SCRIPT = `
local out = {}
for i, member in ipairs(ARGV) do
  local score = redis.call('ZSCORE', KEYS[1], member)
  if score then
    out[2 * i - 1] = redis.call('ZSCORE', KEYS[2], member) or '0'
    out[2 * i] = score
  else
    out[2 * i - 1] = false
    out[2 * i] = false
  end
end
return out
`;

// KEYS: a w: and x: key per board. ARGV: member ids. Returns how many entries left.
const WHOLE_REMOVE_SCRIPT = `
local removed = 0
for j = 1, #KEYS, 2 do
  for _, member in ipairs(ARGV) do
    removed = removed + redis.call('ZREM', KEYS[j], member)
    redis.call('ZREM', KEYS[j + 1], member)
  end
end
return removed
`;

/** Ranking order: higher score first, then who reached it first (the smaller tie mark). */
const byRank = (a: BoardEntry, b: BoardEntry) => b.score - a.score || a.tie - b.tie;

const APPLY_CHUNK = 100;
const CONNECT_TIMEOUT_MS = 15_000;
const SOCKET_CONNECT_TIMEOUT_MS = 2_000;
const COMMANDS_QUEUE_MAX = 200_000;
const REPLACE_IN_FLIGHT = 40_000;
const REPLACE_FLUSH = 10_000;
const REPLACE_CHUNK = 1_000;
// The built marker names the layout: an org built with an older one is rebuilt. "built": bare member ids;
// "built:v2": tie-ordered member names, but every period kept forever (no expiries); "built:v3": the
// applied bitmap indexed by event id rather than org_seq; "built:v4" (two layouts of that name): the
// applied bitmap by org_seq, or leaders, admins and deactivated members still on the users boards;
// "built:v5": boards read whole (contests) kept like every other board.
const BUILT = 'built:v6';
const OLDER_MARKERS = ['built', 'built:v2', 'built:v3', 'built:v4', 'built:v5'];

export class RedisLiveStore implements LiveStore {
	readonly kind = 'redis' as const;
	private shas = new Map<string, string>();
	private bulk: Promise<RedisClientType> | undefined;
	/** When a command of this store last came back (see within). */
	private lastReplyAt = 0;

	private constructor(
		readonly client: RedisClientType,
		private readonly prefix: string
	) {}

	static async connect(url: string, prefix = 'podium:'): Promise<RedisLiveStore> {
		const client = createClient({
			url,
			socket: {
				reconnectStrategy: (retries) => Math.min(retries * 100, 3000),
				// One connection attempt gives up after this; without it a blackholed host hangs the attempt.
				connectTimeout: SOCKET_CONNECT_TIMEOUT_MS
			},
			// While Redis is down or reconnecting a command fails at once (ClientOfflineError) instead of
			// waiting in the offline queue until its timeout: reads answer 503 within a second rather than
			// hanging for 5 s, sign-in's rate limiter fails closed at once, and a failed apply is left to
			// the reconciler.
			disableOfflineQueue: true,
			// Bounds what waits to be written (memory) if Redis stalls; far above what a rebuild keeps in flight.
			commandsQueueMaxLength: COMMANDS_QUEUE_MAX
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

	/** A board's two keys: totals and tie marks, in the layout of its kind. */
	private boardKeyPair(org: string, key: string): [string, string] {
		return isReadWhole(key) ? [this.k(org, `w:${key}`), this.k(org, `x:${key}`)] : [this.k(org, `b:${key}`), this.k(org, `t:${key}`)];
	}

	/** Every entry of a board read whole (or its first `limit`, ties at the cut resolved), in ranking order. */
	private async whole(org: string, key: string, limit?: number): Promise<BoardEntry[]> {
		const reply = (await this.within(
			limit === undefined ? this.script(WHOLE_SCRIPT, this.boardKeyPair(org, key), []) : this.script(WHOLE_TOP_SCRIPT, this.boardKeyPair(org, key), [String(limit)])
		)) as string[];
		const out: BoardEntry[] = [];
		for (let i = 0; i + 2 < reply.length; i += 3) out.push({ member: reply[i], score: Number(reply[i + 1]), tie: Number(reply[i + 2]) });
		return out.sort(byRank);
	}

	/**
	 * A read on a request's path, refused once Redis has answered nothing for READ_DEADLINE_MS: node-redis
	 * drops a command's timeout once the command is written, so a Redis that keeps the connection open
	 * but stops answering (paused, a long script, packets dropped) would hold the request until the
	 * operating system gives up. A Redis that is slow but answering (other commands of this store came
	 * back meanwhile) gets more time, up to READ_HARD_LIMIT_MS. The refusal is a TimeoutError, answered
	 * 503 with Retry-After. Each check waits one more turn of the event loop, so that a reply received
	 * while the process was busy wins.
	 */
	private within<T>(read: Promise<T>): Promise<T> {
		const started = performance.now();
		return new Promise<T>((resolve, reject) => {
			let since = started;
			let timer: NodeJS.Timeout | undefined;
			let settled = false;
			const check = () =>
				setImmediate(() => {
					if (settled) return;
					const now = performance.now();
					if (this.lastReplyAt > since && now - started < READ_HARD_LIMIT_MS) {
						since = now;
						timer = setTimeout(check, READ_DEADLINE_MS);
						return;
					}
					settled = true;
					reject(new RedisReadTimeoutError());
				});
			timer = setTimeout(check, READ_DEADLINE_MS);
			read.then(
				(value) => {
					settled = true;
					clearTimeout(timer);
					this.lastReplyAt = performance.now();
					resolve(value);
				},
				(error) => {
					settled = true;
					clearTimeout(timer);
					reject(error);
				}
			);
		});
	}

	private async script(source: string, keys: string[], args: string[]): Promise<unknown> {
		let sha = this.shas.get(source);
		if (!sha) {
			sha = await this.client.scriptLoad(source);
			this.shas.set(source, sha);
		}
		try {
			const reply = await this.client.evalSha(sha, { keys, arguments: args });
			this.lastReplyAt = performance.now();
			return reply;
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
		return Number(await this.within(this.script(HIT_SCRIPT, [this.prefix + key], [String(windowMs)])));
	}

	async swap(key: string, value: string, ttlMs: number) {
		const before = await this.client.set(this.prefix + key, value, { PX: Math.max(1, Math.round(ttlMs)), GET: true });
		return typeof before === 'string' ? before : null;
	}

	async peek(key: string) {
		const value = await this.within(this.client.get(this.prefix + key));
		return typeof value === 'string' ? value : null;
	}

	async count(key: string) {
		const value = await this.within(this.client.get(this.prefix + key));
		return value ? Number(value) : 0;
	}

	async ttl(key: string) {
		const ms = await this.within(this.client.pTTL(this.prefix + key));
		return ms > 0 ? ms : 0;
	}

	async reset(key: string) {
		await this.client.del(this.prefix + key);
	}

	async release(key: string) {
		await this.within(this.script(RELEASE_SCRIPT, [this.prefix + key], []));
	}

	async applyEvents(events: LiveEventApply[]): Promise<ApplyOutcome[]> {
		const outcomes = new Array<ApplyOutcome>(events.length);
		const byOrg = new Map<string, number[]>();
		events.forEach((event, i) => {
			const list = byOrg.get(event.org);
			if (list) list.push(i);
			else byOrg.set(event.org, [i]);
		});
		// One script call per org and chunk of events, all issued together (node-redis pipelines them);
		// each call is atomic, and the events inside it apply in order.
		const calls: Promise<void>[] = [];
		for (const [org, indexes] of byOrg) {
			for (let from = 0; from < indexes.length; from += APPLY_CHUNK) {
				const chunk = indexes.slice(from, from + APPLY_CHUNK);
				const keys = [this.k(org, 'applied'), this.k(org, 'lock')];
				const boards = new Map<string, number>();
				const expiries: string[] = [];
				const wholeFlags: string[] = [];
				const members = new Map<string, number>();
				const body = [String(chunk.length)];
				for (const i of chunk) {
					const event = events[i];
					body.push(String(event.id), String(event.orgSeq), String(event.increments.length));
					for (const inc of event.increments) {
						let board = boards.get(inc.key);
						if (board === undefined) {
							board = boards.size + 1;
							boards.set(inc.key, board);
							keys.push(...this.boardKeyPair(org, inc.key));
							expiries.push(inc.expiresAt === undefined ? '0' : String(Math.floor(inc.expiresAt)));
							wholeFlags.push(isReadWhole(inc.key) ? '1' : '0');
						}
						let member = members.get(inc.member);
						if (member === undefined) members.set(inc.member, (member = members.size + 1));
						body.push(String(board), String(member), String(inc.delta));
					}
				}
				const args = [String(members.size), ...members.keys(), ...body, ...expiries, ...wholeFlags];
				calls.push(
					this.script(APPLY_SCRIPT, keys, args).then((reply) => {
						chunk.forEach((i, k) => {
							outcomes[i] = Array.isArray(reply) ? (Number(reply[k]) === 1 ? 'applied' : 'duplicate') : 'deferred';
						});
					})
				);
			}
		}
		await Promise.all(calls);
		return outcomes;
	}

	async applied(org: string, ids: number[]) {
		// ids: org_seq numbers, the bits of the applied bitmap.
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

	async top(org: string, key: string, limit: number) {
		if (limit <= 0) return [];
		if (isReadWhole(key)) return (await this.whole(org, key, limit)).slice(0, limit);
		const rows = await this.within(this.client.zRangeWithScores(this.k(org, `b:${key}`), 0, limit - 1, { REV: true }));
		return rows.map((r) => decode(r.value, r.score));
	}

	async entries(org: string, key: string, members: string[]) {
		if (members.length === 0) return [];
		const reply = (await this.within(this.script(isReadWhole(key) ? WHOLE_ENTRIES_SCRIPT : ENTRIES_SCRIPT, this.boardKeyPair(org, key), members))) as (string | null)[];
		return members.map((member, i) => {
			const tie = reply[2 * i];
			const score = reply[2 * i + 1];
			return tie === null || tie === undefined || score === null || score === undefined ? null : { member, score: Number(score), tie: Number(tie) };
		});
	}

	async countAbove(org: string, key: string, score: number) {
		return this.within(this.client.zCount(this.boardKeyPair(org, key)[0], `(${score}`, '+inf'));
	}

	async around(org: string, key: string, member: string, radius: number) {
		if (isReadWhole(key)) {
			const all = await this.whole(org, key);
			const i = all.findIndex((e) => e.member === member);
			if (i < 0) return [];
			const r = Math.max(0, radius);
			return all.slice(Math.max(0, i - r), i + r + 1);
		}
		const reply = (await this.within(this.script(AROUND_SCRIPT, [this.k(org, `b:${key}`), this.k(org, `t:${key}`)], [member, String(Math.max(0, radius))]))) as string[];
		const out: BoardEntry[] = [];
		for (let i = 0; i + 1 < reply.length; i += 2) out.push(decode(reply[i], reply[i + 1]));
		return out;
	}

	async size(org: string, key: string) {
		return this.within(this.client.zCard(this.boardKeyPair(org, key)[0]));
	}

	async boardKeys(org: string) {
		const keys: string[] = [];
		for (const layout of ['b:', 'w:']) {
			const prefix = this.k(org, layout);
			for await (const batch of this.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
				for (const key of batch as unknown as string[]) keys.push(key.slice(prefix.length));
			}
		}
		return [...new Set(keys)];
	}

	async removeMembers(org: string, keys: string[], members: string[]) {
		if (keys.length === 0 || members.length === 0) return 0;
		const calls: Promise<unknown>[] = [];
		for (const whole of [false, true]) {
			const ofKind = keys.filter((key) => isReadWhole(key) === whole);
			for (let i = 0; i < ofKind.length; i += 200) {
				const chunk = ofKind.slice(i, i + 200).flatMap((key) => this.boardKeyPair(org, key));
				calls.push(this.script(whole ? WHOLE_REMOVE_SCRIPT : REMOVE_SCRIPT, chunk, members));
			}
		}
		return (await Promise.all(calls)).reduce<number>((sum, n) => sum + Number(n), 0);
	}

	async isBuilt(org: string) {
		return (await this.within(this.client.exists(this.k(org, BUILT)))) === 1;
	}

	async lockForRebuild(org: string, ttlMs: number) {
		return (await this.client.set(this.k(org, 'lock'), String(Date.now()), { NX: true, PX: ttlMs })) === 'OK';
	}

	async isLocked(org: string) {
		return (await this.within(this.client.exists(this.k(org, 'lock')))) === 1;
	}

	async replaceOrg(org: string, snapshot: RebuildSnapshot) {
		const bulk = await this.bulkClient();
		const old = await this.boardKeys(org);
		for (let i = 0; i < old.length; i += 500) {
			const chunk = old.slice(i, i + 500);
			// UNLINK frees large boards off Redis's main thread.
			await (await this.bulkClient()).unlink(chunk.flatMap((key) => ['b:', 't:', 'w:', 'x:'].map((layout) => this.k(org, `${layout}${key}`))));
		}
		// Bound what is in flight by members, not commands: node-redis times a command out 5 s after it is
		// queued, and a large org (millions of members across its boards) queued at once would exceed that;
		// 40,000 members are a fraction of a second of Redis's work (a larger window measured slower: more
		// of what is in flight survives into the old generation). The window slides (wait for the oldest
		// write, not for all), and queued writes are handed to the socket every REPLACE_FLUSH members
		// (node-redis writes on setImmediate), so Redis executes them while this process builds the next
		// commands or folds the next part of the snapshot.
		const inFlight: { done: Promise<void>; members: number }[] = [];
		let pending = 0;
		let unflushed = 0;
		let failure: unknown;
		const send = async (args: string[], members: number) => {
			const done = bulk.sendCommand(args).then(
				() => {},
				(error) => {
					failure ??= error;
				}
			);
			inFlight.push({ done, members });
			pending += members;
			unflushed += members;
			if (unflushed >= REPLACE_FLUSH) {
				unflushed = 0;
				await new Promise((resolve) => setImmediate(resolve));
			}
			while (pending > REPLACE_IN_FLIGHT) {
				const first = inFlight.shift()!;
				pending -= first.members;
				await first.done;
				if (failure) throw failure;
			}
		};
		const written = new Set<string>();
		const write = async (key: string, entries: BoardEntry[], from: number, to: number) => {
			written.add(key);
			const [bk, tk] = this.boardKeyPair(org, key);
			const zadd = ['ZADD', bk];
			if (isReadWhole(key)) {
				const marks = ['ZADD', tk];
				for (let i = from; i < to; i++) {
					const e = entries[i];
					zadd.push(String(e.score), e.member);
					marks.push(String(e.tie), e.member);
				}
				await send(zadd, to - from);
				await send(marks, to - from);
				return;
			}
			const hset = ['HSET', tk];
			for (let i = from; i < to; i++) {
				const e = entries[i];
				const tie = String(e.tie);
				zadd.push(String(e.score), encodeMember(e.member, e.tie));
				hset.push(e.member, tie);
			}
			await send(zadd, to - from);
			await send(hset, to - from);
		};
		// A board's parts are gathered into commands of REPLACE_CHUNK members: a sorted set or hash that
		// starts small is built as a listpack and converted once it grows, which costs Redis more than
		// creating it large. What is left of each board goes out at the end.
		const gathered = new Map<string, BoardEntry[]>();
		for await (const [key, entries] of snapshot.boards) {
			let buffer = gathered.get(key);
			let from = 0;
			if (buffer?.length) {
				from = Math.min(entries.length, REPLACE_CHUNK - buffer.length);
				for (let i = 0; i < from; i++) buffer.push(entries[i]);
				if (buffer.length < REPLACE_CHUNK) continue;
				await write(key, buffer, 0, buffer.length);
				buffer.length = 0;
			}
			for (; from + REPLACE_CHUNK <= entries.length; from += REPLACE_CHUNK) await write(key, entries, from, from + REPLACE_CHUNK);
			if (from < entries.length) {
				if (!buffer) gathered.set(key, (buffer = []));
				for (let i = from; i < entries.length; i++) buffer.push(entries[i]);
			}
		}
		for (const [key, rest] of gathered) if (rest.length) await write(key, rest, 0, rest.length);
		for (const key of written) {
			const at = snapshot.expiresAt?.(key);
			if (at === undefined) continue;
			for (const redisKey of this.boardKeyPair(org, key)) await send(['PEXPIREAT', redisKey, String(Math.floor(at))], 1);
		}
		await Promise.all(inFlight.map((w) => w.done));
		if (failure) throw failure;
		// The applied marks as one bitmap, built locally: bit i of byte i >> 3, most significant first.
		const ids = await snapshot.appliedOrgSeqs;
		const max = ids.reduce((m, id) => Math.max(m, id), 0);
		const bitmap = Buffer.alloc(Math.floor(max / 8) + 1);
		for (const id of ids) bitmap[Math.floor(id / 8)] |= 0x80 >> id % 8;
		await this.client.set(this.k(org, 'applied'), bitmap);
		// Markers of older layouts: such an org reads as not built and is rebuilt.
		await this.client.del(OLDER_MARKERS.map((marker) => this.k(org, marker)));
		await this.client.set(this.k(org, BUILT), String(Date.now()));
		await this.unlock(org);
	}

	async unlock(org: string) {
		await this.client.del(this.k(org, 'lock'));
	}

	private async seq(org: string, boardId: string, increment: boolean): Promise<BoardSeq> {
		const [epoch, seq] = (await this.script(SEQ_SCRIPT, [this.k(org, 'seq')], [boardId, newSeqEpoch(), increment ? '1' : '0'])) as [string, number];
		return { epoch: String(epoch), seq: Number(seq) };
	}

	nextSeq(org: string, boardId: string) {
		return this.seq(org, boardId, true);
	}

	currentSeq(org: string, boardId: string) {
		return this.within(this.seq(org, boardId, false));
	}

	/**
	 * A second connection for a rebuild's writes (tens of thousands of commands in flight): on the main
	 * connection, the requests' reads would queue behind them and pass their deadline.
	 */
	private bulkClient(): Promise<RedisClientType> {
		this.bulk ??= (async () => {
			const bulk = this.client.duplicate() as RedisClientType;
			bulk.on('error', (error) => log.warn(`redis live store (rebuilds): ${error?.message ?? error}`));
			await bulk.connect();
			return bulk;
		})().catch((error) => {
			this.bulk = undefined;
			throw error;
		});
		return this.bulk;
	}

	async close() {
		const bulk = await this.bulk?.catch(() => undefined);
		if (bulk?.isOpen) await bulk.quit().catch(() => bulk.destroy());
		if (this.client.isOpen) await this.client.quit().catch(() => this.client.destroy());
	}
}
