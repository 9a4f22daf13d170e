// The in-process live store of the embedded default: one process, so plain maps are atomic.
import { compareEntries, type BoardEntry } from '../../shared/scoring';
import { newSeqEpoch, type ApplyOutcome, type LiveEventApply, type LiveStore, type RebuildSnapshot } from './store';

interface OrgState {
	boards: Map<string, Map<string, BoardEntry>>;
	sorted: Map<string, BoardEntry[]>;
	/** Board key → when it goes (ms since epoch); boards without an entry are kept. */
	expiry: Map<string, number>;
	/** org_seq of the applied events. */
	applied: Set<number>;
	built: boolean;
	lockedUntil: number;
	seq: Map<string, number>;
}

export class MemoryLiveStore implements LiveStore {
	readonly kind = 'memory' as const;
	private counters = new Map<string, { count: number; expiresAt: number }>();
	private marks = new Map<string, { value: string; expiresAt: number }>();
	private orgs = new Map<string, OrgState>();
	/** The counters live as long as this store: a new store (a restarted process) starts a new epoch. */
	private readonly seqEpoch = newSeqEpoch();

	constructor(private readonly now: () => number = Date.now) {}

	private org(org: string): OrgState {
		let state = this.orgs.get(org);
		if (!state) {
			state = { boards: new Map(), sorted: new Map(), expiry: new Map(), applied: new Set(), built: false, lockedUntil: 0, seq: new Map() };
			this.orgs.set(org, state);
		}
		return state;
	}

	/** The board, or undefined when absent or past its expiry (then dropped, as Redis would). */
	private board(state: OrgState, key: string) {
		const until = state.expiry.get(key);
		if (until !== undefined && until <= this.now()) {
			state.boards.delete(key);
			state.sorted.delete(key);
			state.expiry.delete(key);
			return undefined;
		}
		return state.boards.get(key);
	}

	private live(key: string) {
		const entry = this.counters.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.counters.delete(key);
			return undefined;
		}
		return entry;
	}

	async ping() {
		return true;
	}

	async hit(key: string, windowMs: number) {
		const entry = this.live(key);
		if (entry) {
			entry.count += 1;
			return entry.count;
		}
		this.counters.set(key, { count: 1, expiresAt: this.now() + windowMs });
		return 1;
	}

	async swap(key: string, value: string, ttlMs: number) {
		const entry = this.marks.get(key);
		const before = entry && entry.expiresAt > this.now() ? entry.value : null;
		this.marks.set(key, { value, expiresAt: this.now() + ttlMs });
		return before;
	}

	async peek(key: string) {
		const entry = this.marks.get(key);
		return entry && entry.expiresAt > this.now() ? entry.value : null;
	}

	async count(key: string) {
		return this.live(key)?.count ?? 0;
	}

	async ttl(key: string) {
		const entry = this.live(key);
		return entry ? entry.expiresAt - this.now() : 0;
	}

	async reset(key: string) {
		this.counters.delete(key);
	}

	async release(key: string) {
		const entry = this.live(key);
		if (entry && entry.count > 0) entry.count -= 1;
	}

	async applyEvents(events: LiveEventApply[]): Promise<ApplyOutcome[]> {
		return events.map((event) => {
			const state = this.org(event.org);
			if (state.lockedUntil > this.now()) return 'deferred';
			if (state.applied.has(event.orgSeq)) return 'duplicate';
			for (const inc of event.increments) {
				let board = this.board(state, inc.key);
				if (!board) state.boards.set(inc.key, (board = new Map()));
				if (inc.expiresAt === undefined) state.expiry.delete(inc.key);
				else state.expiry.set(inc.key, inc.expiresAt);
				const entry = board.get(inc.member);
				if (entry) {
					entry.score += inc.delta;
					entry.tie = Math.max(entry.tie, event.id);
				} else {
					board.set(inc.member, { member: inc.member, score: inc.delta, tie: event.id });
				}
				state.sorted.delete(inc.key);
			}
			state.applied.add(event.orgSeq);
			return 'applied';
		});
	}

	async applied(org: string, orgSeqs: number[]) {
		const state = this.org(org);
		return orgSeqs.map((seq) => state.applied.has(seq));
	}

	private sortedBoard(org: string, key: string): BoardEntry[] {
		const state = this.org(org);
		const board = this.board(state, key);
		let sorted = state.sorted.get(key);
		if (!sorted) {
			sorted = [...(board?.values() ?? [])].map((e) => ({ ...e })).sort(compareEntries);
			state.sorted.set(key, sorted);
		}
		return sorted;
	}

	async top(org: string, key: string, limit: number) {
		return this.sortedBoard(org, key).slice(0, Math.max(0, limit));
	}

	async entries(org: string, key: string, members: string[]) {
		const board = this.board(this.org(org), key);
		return members.map((m) => {
			const e = board?.get(m);
			return e ? { ...e } : null;
		});
	}

	async countAbove(org: string, key: string, score: number) {
		let n = 0;
		for (const e of this.board(this.org(org), key)?.values() ?? []) if (e.score > score) n++;
		return n;
	}

	async around(org: string, key: string, member: string, radius: number) {
		const sorted = this.sortedBoard(org, key);
		const index = sorted.findIndex((e) => e.member === member);
		if (index < 0) return [];
		return sorted.slice(Math.max(0, index - radius), index + radius + 1);
	}

	async size(org: string, key: string) {
		return this.board(this.org(org), key)?.size ?? 0;
	}

	async boardKeys(org: string) {
		const state = this.org(org);
		return [...state.boards.keys()].filter((key) => this.board(state, key) !== undefined);
	}

	async removeMembers(org: string, keys: string[], members: string[]) {
		const state = this.org(org);
		let removed = 0;
		for (const key of keys) {
			const board = this.board(state, key);
			if (!board) continue;
			for (const member of members) if (board.delete(member)) removed++;
			state.sorted.delete(key);
			// An empty board is gone, as an empty sorted set is in Redis.
			if (board.size === 0) {
				state.boards.delete(key);
				state.expiry.delete(key);
			}
		}
		return removed;
	}

	async isBuilt(org: string) {
		return this.org(org).built;
	}

	async lockForRebuild(org: string, ttlMs: number) {
		const state = this.org(org);
		if (state.lockedUntil > this.now()) return false;
		state.lockedUntil = this.now() + ttlMs;
		return true;
	}

	async isLocked(org: string) {
		return this.org(org).lockedUntil > this.now();
	}

	async replaceOrg(org: string, snapshot: RebuildSnapshot) {
		const state = this.org(org);
		const boards = new Map<string, Map<string, BoardEntry>>();
		for await (const [key, entries] of snapshot.boards) {
			let board = boards.get(key);
			if (!board) boards.set(key, (board = new Map()));
			for (const e of entries) board.set(e.member, { ...e });
		}
		const applied = new Set(await snapshot.appliedOrgSeqs);
		state.boards = boards;
		state.sorted.clear();
		state.expiry = new Map();
		for (const key of boards.keys()) {
			const until = snapshot.expiresAt?.(key);
			if (until !== undefined) state.expiry.set(key, until);
		}
		state.applied = applied;
		state.built = true;
		state.lockedUntil = 0;
	}

	async unlock(org: string) {
		this.org(org).lockedUntil = 0;
	}

	async nextSeq(org: string, boardId: string) {
		const state = this.org(org);
		const next = (state.seq.get(boardId) ?? 0) + 1;
		state.seq.set(boardId, next);
		return { epoch: this.seqEpoch, seq: next };
	}

	async currentSeq(org: string, boardId: string) {
		return { epoch: this.seqEpoch, seq: this.org(org).seq.get(boardId) ?? 0 };
	}

	/** Drops everything, as a Redis FLUSHALL would. */
	async flush() {
		this.orgs.clear();
		this.counters.clear();
		this.marks.clear();
	}

	async close() {
		this.counters.clear();
		this.marks.clear();
		this.orgs.clear();
	}
}
