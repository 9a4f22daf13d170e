// What a board family declares, in one place: which events it counts and how one event maps to board
// increments, its periods and expiry, how a rebuild recomputes it from the event log, and its push
// payload. Ingest, the reconciler, rebuild, live:verify, pushes and the board list iterate the catalog.
import type { BoardId, Scope } from '../../../shared/boards/identity';
import type { Increment, ScoredEvent } from '../../../shared/scoring';
import type { BoardUpdatePayload } from '../../../shared/socket-events';
import type { OrgClock, Period, WindowKind } from '../../../shared/time-windows';
import type { Db } from '../../db';
import type { LocalizedText } from '../../../shared/localized';

export interface FamilyContext {
	clock: OrgClock;
	/** The instant the live store's retention is judged at (ms since epoch). */
	now: number;
	/** False for a member kept off the users boards (deactivated, or not carrying a quota). Teams keep every point. */
	competes(userId: string): boolean;
	/** The organization whose events these are (families that keep per-org state read it by this). */
	organizationId?: string;
}

/** A board an organization has, as the board list and the API show it. */
export interface BoardInfo {
	board: string;
	family: string;
	/** Its name: a catalog key (src/lib/i18n) for a fixed board, or the name an admin gave it (a metric), read with localize(). */
	name: { key: string } | LocalizedText;
	scopes: readonly Scope[];
	windows: readonly string[];
	/** Offered in the board list (an archived metric's board can still be read, not picked). */
	listed: boolean;
	/** How its scores read: as they are (default), or as attainment in millionths of a target (goal boards). */
	unit?: 'attainment';
}

/**
 * A daily-totals rebuild target: the board that one metric's daily sums (its points or its values)
 * count on, over some calendar windows and scopes. Families sharing this source are folded together
 * from one scan of the log (see foldDailyTotals).
 */
export interface DailyTotalsTarget {
	board: string;
	measure: 'points' | 'value';
	scopes: readonly Scope[];
	windows: readonly WindowKind[];
}

export type FamilyRebuild =
	/** Calendar windows from the daily totals: targets(metricKey) says where a metric's sums go. */
	| { source: 'daily-totals'; targets(metricKey: string): DailyTotalsTarget[] }
	/**
	 * A replay of the family's own increments over the events that occurred since `since` (for a fixed
	 * range, such as a contest's start). Meant for families whose boards hold a small slice of the log.
	 */
	| { source: 'events'; since(clock: OrgClock, now: number, organizationId: string): Date };

export interface BoardFamily {
	/** The family's name; its boards are named `<name>:<board>` (see shared/boards/identity.ts). */
	readonly name: string;
	/** The boards an org has in this family. */
	boards(db: Db, organizationId: string): Promise<BoardInfo[]>;
	/** The live-store changes of one event (none when the family does not count it). */
	increments(event: ScoredEvent, ctx: FamilyContext): Increment[];
	/** The period of a board's window current at `now`; null when it has none (a range not started). */
	currentPeriod(board: string, window: string, now: Date, clock: OrgClock): Period | null;
	/** When a board may go from the live store (ms since epoch; undefined: kept forever). */
	expiry(id: BoardId, clock: OrgClock): number | undefined;
	rebuild: FamilyRebuild;
	/**
	 * Loads what the family's synchronous methods need for an org (a contest family: the org's contests),
	 * kept by the family. Awaited before an org's events are mapped to increments, and fresh (no cache)
	 * before a rebuild or a verification, so that both read what the log is compared with.
	 */
	prepare?(db: Db, organizationId: string, options: { fresh: boolean }): Promise<void>;
	/**
	 * false: board:update never carries this family's boards, because its domain pushes them itself (a
	 * contest's standings go out as contest:update), so the board pusher skips its increments.
	 */
	readonly boardPushes?: false;
	/** The board:update a push sends (default: as given). */
	payload?(update: BoardUpdatePayload): BoardUpdatePayload;
}
