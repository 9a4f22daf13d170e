// Keeps the live store equal to the event log. Postgres is the truth; the live store is derived:
// - apply: after commit, each event's increments are applied with its idempotency mark (twice = once);
// - reconcile: events committed but not applied (a crash between the two) are applied on start-up and periodically;
// - rebuild: when an org's boards are missing (a flush), they are recomputed from the log under a lock;
// - verify: every current board is compared with a recomputation from the log.
import {
	boardKey,
	compareEntries,
	incrementsFor,
	periodKeysOfLocalDate,
	POINTS_BOARD,
	type BoardEntry,
	type ScoredEvent
} from '../../shared/scoring';
import { periodOf, WINDOWS, type OrgClock } from '../../shared/time-windows';
import type { Db } from '../db';
import { processMap } from '../process-cache';
import { dailyTotals, eventIds, eventsAfter, maxEventId, organizationsWithEvents, recentEvents } from '../repositories/event.repository';
import type { LiveEventApply, LiveStore } from '../live/store';
import { log } from '../log';

export interface LiveDeps {
	db: Db;
	live: LiveStore;
}

const REBUILD_LOCK_MS = 120_000;
const DEFER_WAIT_MS = 5_000;
const clocks = processMap<string, { clock: OrgClock; at: number }>('org-clocks');

/** The org's time zone and week start, cached briefly: every event's windows depend on them. */
export async function orgClock(db: Db, organizationId: string): Promise<OrgClock> {
	const cached = clocks.get(organizationId);
	if (cached && Date.now() - cached.at < 30_000) return cached.clock;
	const row = await db
		.selectFrom('organizations')
		.select(['time_zone', 'week_start'])
		.where('id', '=', organizationId)
		.executeTakeFirstOrThrow();
	const clock = { timeZone: row.time_zone, weekStart: row.week_start };
	clocks.set(organizationId, { clock, at: Date.now() });
	return clock;
}

export function forgetOrgClock(organizationId: string) {
	clocks.delete(organizationId);
}

type EventRow = {
	id: number;
	organization_id: string;
	user_id: string;
	team_id: string | null;
	value: number;
	points: number;
	occurred_at: Date;
	metric_key: string;
};

export function toScored(row: EventRow): ScoredEvent {
	return {
		id: Number(row.id),
		metricKey: row.metric_key,
		userId: row.user_id,
		teamId: row.team_id,
		value: Number(row.value),
		points: Number(row.points),
		occurredAt: row.occurred_at
	};
}

/** Applies committed events to the live store. Returns the ids that were newly applied. */
export async function applyToLive(deps: LiveDeps, organizationId: string, events: ScoredEvent[]): Promise<number[]> {
	if (events.length === 0) return [];
	const clock = await orgClock(deps.db, organizationId);
	let batch: LiveEventApply[] = events.map((e) => ({ id: e.id, org: organizationId, increments: incrementsFor(e, clock) }));
	const applied: number[] = [];
	// Applies are deferred while the org is being rebuilt; retry them once the rebuild is done (or
	// leave them to the reconciler after DEFER_WAIT_MS), so a write never waits on a stale board for long.
	const started = Date.now();
	for (let attempt = 0; batch.length; attempt++) {
		const outcomes = await deps.live.applyEvents(batch);
		batch.forEach((e, i) => outcomes[i] === 'applied' && applied.push(e.id));
		batch = batch.filter((_, i) => outcomes[i] === 'deferred');
		if (batch.length === 0 || Date.now() - started > DEFER_WAIT_MS) break;
		await new Promise((resolve) => setTimeout(resolve, Math.min(25 * (attempt + 1), 250)));
	}
	return applied;
}

/** Recomputes every board of an org from the event log (no live store involved). */
export async function computeBoards(db: Db, organizationId: string, upToId: number) {
	const clock = await orgClock(db, organizationId);
	const { rows } = await dailyTotals(db, organizationId, clock.timeZone, upToId);
	const boards = new Map<string, Map<string, BoardEntry>>();
	const boardOf = (key: string) => {
		let board = boards.get(key);
		if (!board) boards.set(key, (board = new Map()));
		return board;
	};
	const bump = (board: Map<string, BoardEntry>, member: string, delta: number, tie: number) => {
		const entry = board.get(member);
		if (entry) {
			entry.score += delta;
			if (tie > entry.tie) entry.tie = tie;
		} else board.set(member, { member, score: delta, tie });
	};
	// A rebuild folds up to millions of (metric, rep, team, day) rows into every window: resolve each
	// (day, metric)'s boards once, as [points|users, points|teams, metric|users, metric|teams] per window,
	// instead of building 24 key strings for every row.
	const targets = new Map<string, Map<string, BoardEntry>[]>();
	for (const row of rows) {
		const targetKey = `${row.day}|${row.metric_key}`;
		let boardsOfRow = targets.get(targetKey);
		if (!boardsOfRow) {
			const [y, m, d] = row.day.split('-').map(Number);
			const periods = periodKeysOfLocalDate(y, m, d, clock.weekStart);
			boardsOfRow = [];
			for (const window of WINDOWS) {
				for (const board of [POINTS_BOARD, row.metric_key]) {
					boardsOfRow.push(boardOf(boardKey(board, 'users', window, periods[window])), boardOf(boardKey(board, 'teams', window, periods[window])));
				}
			}
			targets.set(targetKey, boardsOfRow);
		}
		const points = Number(row.points);
		const value = Number(row.value);
		const tiePoints = row.tie_points === null ? null : Number(row.tie_points);
		const tieValue = row.tie_value === null ? null : Number(row.tie_value);
		for (let i = 0; i < boardsOfRow.length; i += 4) {
			if (tiePoints !== null) {
				bump(boardsOfRow[i], row.user_id, points, tiePoints);
				if (row.team_id) bump(boardsOfRow[i + 1], row.team_id, points, tiePoints);
			}
			if (tieValue !== null) {
				bump(boardsOfRow[i + 2], row.user_id, value, tieValue);
				if (row.team_id) bump(boardsOfRow[i + 3], row.team_id, value, tieValue);
			}
		}
	}
	return new Map([...boards].filter(([, members]) => members.size > 0).map(([key, members]) => [key, [...members.values()]]));
}

const rebuilding = new Map<string, Promise<void>>();

/** Rebuilds an org's boards from Postgres, then applies whatever was committed meanwhile. */
export function rebuildOrg(deps: LiveDeps, organizationId: string): Promise<void> {
	let running = rebuilding.get(organizationId);
	if (!running) {
		running = (async () => {
			const started = Date.now();
			if (!(await deps.live.lockForRebuild(organizationId, REBUILD_LOCK_MS))) {
				// Another process is rebuilding: wait for it.
				for (let i = 0; i < 600 && !(await deps.live.isBuilt(organizationId)); i++) {
					await new Promise((r) => setTimeout(r, 100));
				}
				return;
			}
			try {
				// One snapshot for the boards and the applied marks: read apart, an event committed in
				// between (with an id below upTo) could be marked applied without being counted, or the reverse.
				const { upTo, boards, ids } = await deps.db
					.transaction()
					.setIsolationLevel('repeatable read')
					.execute(async (trx) => {
						const upTo = await maxEventId(trx, organizationId);
						const boards = await computeBoards(trx, organizationId, upTo);
						return { upTo, boards, ids: await eventIds(trx, organizationId, upTo) };
					});
				await deps.live.replaceOrg(organizationId, { boards, appliedIds: ids });
				const later = await eventsAfter(deps.db, organizationId, upTo);
				await applyToLive(deps, organizationId, later.map(toScored));
				log.info(`live store: rebuilt ${organizationId} from ${ids.length} events in ${Date.now() - started} ms`);
			} catch (error) {
				await deps.live.unlock(organizationId).catch(() => {});
				throw error;
			}
		})().finally(() => rebuilding.delete(organizationId));
		rebuilding.set(organizationId, running);
	}
	return running;
}

/** Rebuilds the org's boards if the live store lost them. */
export async function ensureBuilt(deps: LiveDeps, organizationId: string) {
	if (!(await deps.live.isBuilt(organizationId))) await rebuildOrg(deps, organizationId);
}

/**
 * Applies events committed in the last `sinceMs` that the live store has not applied, and rebuilds
 * orgs whose boards are missing. Returns how many events it applied.
 */
export async function reconcile(deps: LiveDeps, sinceMs = 2 * 60_000): Promise<number> {
	let applied = 0;
	const orgs = await organizationsWithEvents(deps.db);
	const built = await Promise.all(orgs.map((org) => deps.live.isBuilt(org.id)));
	for (const [i, org] of orgs.entries()) if (!built[i]) await rebuildOrg(deps, org.id);
	// One query for every organization's recent events, then one batch of applied checks per org.
	const rows = await recentEvents(deps.db, new Date(Date.now() - sinceMs));
	const byOrg = new Map<string, typeof rows>();
	for (const row of rows) {
		const list = byOrg.get(row.organization_id);
		if (list) list.push(row);
		else byOrg.set(row.organization_id, [row]);
	}
	for (const [orgId, events] of byOrg) {
		const marks = await deps.live.applied(orgId, events.map((r) => Number(r.id)));
		const missing = events.filter((_, i) => !marks[i]);
		if (missing.length === 0) continue;
		const done = await applyToLive(deps, orgId, missing.map(toScored));
		applied += done.length;
		if (done.length) log.warn(`live store: reconciled ${done.length} events of ${orgId} that were committed but not applied`);
	}
	return applied;
}

export interface Drift {
	key: string;
	member: string;
	expected: number | null;
	live: number | null;
}

/** Compares every current board (each window's current period) with the event log. */
export async function verifyOrg(deps: LiveDeps, organizationId: string, now = new Date()): Promise<{ boards: number; drift: Drift[] }> {
	await ensureBuilt(deps, organizationId);
	const clock = await orgClock(deps.db, organizationId);
	const current = new Set(WINDOWS.map((w) => `|${w}|${periodOf(w, now, clock).key}`));
	const isCurrent = (key: string) => [...current].some((suffix) => key.endsWith(suffix));
	const upTo = await maxEventId(deps.db, organizationId);
	const expected = await computeBoards(deps.db, organizationId, upTo);
	const keys = new Set([...expected.keys(), ...(await deps.live.boardKeys(organizationId))].filter(isCurrent));
	const drift: Drift[] = [];
	for (const key of keys) {
		const want = new Map((expected.get(key) ?? []).map((e) => [e.member, e]));
		const size = await deps.live.size(organizationId, key);
		const have = await deps.live.top(organizationId, key, Math.max(size, 1));
		const haveMap = new Map(have.map((e) => [e.member, e]));
		for (const member of new Set([...want.keys(), ...haveMap.keys()])) {
			const w = want.get(member);
			const h = haveMap.get(member);
			if (!w || !h || w.score !== h.score || w.tie !== h.tie) {
				drift.push({ key, member, expected: w?.score ?? null, live: h?.score ?? null });
			}
		}
	}
	return { boards: keys.size, drift };
}

/** Sorted, ranked entries of a recomputed board: the reference the live store must equal. */
export function sortBoard(entries: BoardEntry[]) {
	return [...entries].sort(compareEntries);
}

export async function listOrgIds(db: Db, slug?: string) {
	let q = db.selectFrom('organizations').select(['id', 'slug']);
	if (slug) q = q.where('slug', '=', slug);
	return q.execute();
}

