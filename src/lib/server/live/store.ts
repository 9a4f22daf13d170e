// The live store holds derived, rebuildable state: board sorted sets with their tie-break marks,
// the idempotency marks of applied events (by org_seq, the event's number within its organization, so
// the marks stay dense whatever other organizations do), board sequence numbers and rate-limit
// counters. A board goes when its expiry passes (see periodRetention): reading it then finds nothing, and boardKeys omits it.
// Two implementations share this interface and one contract test suite: memory and Redis.
// Invariant: an event's increments and its idempotency mark are applied together or not at all,
// so applying the same event twice changes nothing.
import type { BoardEntry, Increment } from '../../shared/scoring';

import { processMap } from '../platform/process-cache';

// Boards read whole: a family whose boards are small and always read in full, then ranked by the reader
// (contests rank their participants themselves), names its boards' prefix here. The Redis store keeps
// such a board as plain totals plus a set of tie marks (two commands per change instead of the five that
// keep a big board's ranking order inside Redis). Every process that builds those boards' keys imports
// the module that names them, so all agree on the layout.
const wholeRead = processMap<string, true>('live-read-whole');

/** Boards whose name starts with `prefix` are read whole (see above). */
export function readWhole(prefix: string) {
	wholeRead.set(prefix, true);
}

/** Whether a board key (board|scope|window|period) is of a board read whole. */
export function isReadWhole(key: string): boolean {
	for (const prefix of wholeRead.keys()) if (key.startsWith(prefix)) return true;
	return false;
}

export type LiveStoreKind = 'memory' | 'redis';
export type ApplyOutcome = 'applied' | 'duplicate' | 'deferred';

export interface BoardSeq {
	epoch: string;
	seq: number;
}

/** A fresh epoch id: unique enough that a restarted counter never takes an earlier one. */
export function newSeqEpoch(): string {
	return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export interface LiveEventApply {
	/** The event's id: its tie mark on the boards it changes. */
	id: number;
	/** The event's number within its organization (1, 2, 3, …): its applied mark. */
	orgSeq: number;
	org: string;
	increments: Increment[];
}

export interface RebuildSnapshot {
	/**
	 * Every board key with its members' totals and tie marks. A board may come in several parts (each
	 * with members of its own), and the parts may be produced while the store writes earlier ones.
	 */
	boards: Iterable<[string, BoardEntry[]]> | AsyncIterable<[string, BoardEntry[]]>;
	/** The org_seq of every event folded into the snapshot (awaited once the boards are written). */
	appliedOrgSeqs: number[] | Promise<number[]>;
	/** When a board may go (ms since epoch; undefined: kept forever), as Increment.expiresAt. */
	expiresAt?: (key: string) => number | undefined;
}

export interface LiveStore {
	readonly kind: LiveStoreKind;
	/** True when the store answers. Never throws. */
	ping(): Promise<boolean>;

	/** Adds one to a counter that expires windowMs after its first hit; returns the new count. */
	hit(key: string, windowMs: number): Promise<number>;
	/** The current count of a counter, 0 when absent or expired. */
	count(key: string): Promise<number>;
	/** Milliseconds until the counter expires, 0 when absent. */
	ttl(key: string): Promise<number>;
	reset(key: string): Promise<void>;
	/** Takes one hit back (never below zero; the expiry stays): an attempt counted up front that succeeded. */
	release(key: string): Promise<void>;
	/**
	 * Sets a mark to `value` for ttlMs and returns the value it held before (null when absent or
	 * expired), atomically: of processes that swap in the same value, exactly one sees another before.
	 */
	swap(key: string, value: string, ttlMs: number): Promise<string | null>;
	/** What a mark set by swap holds now (null when absent or expired), without changing it. */
	peek(key: string): Promise<string | null>;

	/**
	 * Applies each event atomically with its mark. 'deferred' while the org is being rebuilt. A board an
	 * increment touches takes that increment's expiresAt.
	 */
	applyEvents(events: LiveEventApply[]): Promise<ApplyOutcome[]>;
	/** Whether the events with these org_seq numbers have been applied for the org. */
	applied(org: string, orgSeqs: number[]): Promise<boolean[]>;
	/** The first `limit` entries of a board, ordered by score, then who reached it first. */
	top(org: string, key: string, limit: number): Promise<BoardEntry[]>;
	/** Entries of the given members (null when absent from the board). */
	entries(org: string, key: string, members: string[]): Promise<(BoardEntry | null)[]>;
	/** How many members have a strictly higher score (their rank is this plus one). */
	countAbove(org: string, key: string, score: number): Promise<number>;
	/** Entries ranked around one member: `radius` on each side, ties resolved. */
	around(org: string, key: string, member: string, radius: number): Promise<BoardEntry[]>;
	/** Number of members on a board. */
	size(org: string, key: string): Promise<number>;
	/** Every board key the org has. */
	boardKeys(org: string): Promise<string[]>;
	/**
	 * Takes members off the given boards (their score and tie mark), leaving the applied marks alone: a
	 * member who stops competing leaves the boards, and their events stay applied. Returns how many
	 * entries went.
	 */
	removeMembers(org: string, keys: string[], members: string[]): Promise<number>;

	/** True once the org's boards were built from the event log (absent after a flush). */
	isBuilt(org: string): Promise<boolean>;
	/** Takes the org's rebuild lock; false when another process holds it. Applies are deferred meanwhile. */
	lockForRebuild(org: string, ttlMs: number): Promise<boolean>;
	/** True while some process holds the org's rebuild lock. */
	isLocked(org: string): Promise<boolean>;
	/** Replaces all of the org's boards and marks with the snapshot, marks the org built and unlocks it. */
	replaceOrg(org: string, snapshot: RebuildSnapshot): Promise<void>;
	unlock(org: string): Promise<void>;

	/**
	 * The next sequence number of a board's pushes, in the epoch of the org's counters: when the
	 * counters are lost (a flush, a restart of Redis or of the memory store) a new epoch starts, so a
	 * board's (epoch, seq) never repeats as a client sees it.
	 */
	nextSeq(org: string, boardId: string): Promise<BoardSeq>;
	currentSeq(org: string, boardId: string): Promise<BoardSeq>;

	close(): Promise<void>;
}
