// Keeps the live store equal to the event log. Postgres is the truth; the live store is derived:
// - apply: after commit, each event's increments are applied with its idempotency mark (twice = once);
// - reconcile: events committed but not applied (a crash between the two) are applied on start-up and periodically;
// - rebuild: when an org's boards are missing (a flush), they are recomputed from the log under a lock;
// - verify: every current board is compared with a recomputation from the log.
import {
	boardExpiry,
	boardKey,
	compareEntries,
	incrementsFor,
	periodKeysOfLocalDate,
	POINTS_BOARD,
	type BoardEntry,
	type ScoredEvent
} from '../../shared/scoring';
import { periodOf, periodRetention, WINDOWS, type OrgClock } from '../../shared/time-windows';
import type { Db } from '../db';
import { processMap } from '../process-cache';
import { dailyTotals, eventIds, type DailyTotalsRow, eventsAfter, maxEventId, organizationsWithEvents, recentEventIds, eventsByIds } from '../repositories/event.repository';
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
	const now = Date.now();
	let batch: LiveEventApply[] = events.map((e) => ({ id: e.id, org: organizationId, increments: incrementsFor(e, clock, now) }));
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

/** Recomputes every board of an org that the live store keeps at `now` from the event log (no live store involved). */
export async function computeBoards(db: Db, organizationId: string, upToId: number, now: Date | number = Date.now()) {
	const clock = await orgClock(db, organizationId);
	const { rows } = await dailyTotals(db, organizationId, clock.timeZone, upToId);
	const boards = new Map<string, BoardEntry[]>();
	for (const [key, entries] of foldDailyTotals(rows, clock, undefined, now)) {
		const board = boards.get(key);
		if (board) for (const e of entries) board.push(e);
		else boards.set(key, entries);
	}
	return boards;
}

/**
 * Every board of an org from its daily totals (see dailyTotals), for every period the live store keeps
 * at `now` (see periodRetention), in parts: the users boards' entries every 100,000 or so (each part holds users no other part
 * holds), the teams boards at the end. A rebuild writes the parts while the rest is being folded.
 * Rows come ordered by user, each (metric, user, team) with its days in date order, so:
 * - each window's periods come in runs of days: a run is summed locally and added once;
 * - a user's entries on every users board are summed in flat arrays indexed by board and appended
 *   when the next user starts, so the large users boards are never searched by member;
 * - only the teams boards (few members each) are maps.
 */
export function* foldDailyTotals(rows: DailyTotalsRow[], clock: OrgClock, partSize = 100_000, now: Date | number = Date.now()): Generator<[string, BoardEntry[]]> {
	const W = WINDOWS.length;
	const keys: string[] = [];
	const lists: BoardEntry[][] = [];
	const teamBoards: (Map<string, BoardEntry> | null)[] = [];
	const idOfKey = new Map<string, number>();
	// Periods the live store no longer keeps get no board (id -1): see periodRetention.
	const { keptFrom } = periodRetention(now, clock);
	const boardId = (board: string, scope: 'users' | 'teams', w: number, period: string) => {
		if (period < keptFrom[w]) return -1;
		const key = boardKey(board, scope, WINDOWS[w], period);
		let id = idOfKey.get(key);
		if (id === undefined) {
			id = keys.length;
			idOfKey.set(key, id);
			keys.push(key);
			lists.push([]);
			teamBoards.push(scope === 'teams' ? new Map() : null);
		}
		return id;
	};
	// Board ids of a (metric, local day), per window: [points|users, points|teams, metric|users, metric|teams].
	const targetsByMetric = new Map<string, Map<number, Int32Array>>();
	const targetsOf = (metric: string, byDay: Map<number, Int32Array>, day: number) => {
		let targets = byDay.get(day);
		if (!targets) {
			const date = new Date(day * 86_400_000);
			const periods = periodKeysOfLocalDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), clock.weekStart);
			targets = new Int32Array(4 * W);
			WINDOWS.forEach((window, w) => {
				targets![4 * w] = boardId(POINTS_BOARD, 'users', w, periods[window]);
				targets![4 * w + 1] = boardId(POINTS_BOARD, 'teams', w, periods[window]);
				targets![4 * w + 2] = boardId(metric, 'users', w, periods[window]);
				targets![4 * w + 3] = boardId(metric, 'teams', w, periods[window]);
			});
			byDay.set(day, targets);
		}
		return targets;
	};
	// The current user's sums per users board (a tie of 0: not touched yet).
	let userScore = new Float64Array(1024);
	let userTie = new Float64Array(1024);
	const touched: number[] = [];
	function* usersPart(): Generator<[string, BoardEntry[]]> {
		for (let id = 0; id < keys.length; id++) {
			if (lists[id].length === 0) continue;
			yield [keys[id], lists[id]];
			lists[id] = [];
		}
	}
	const addUser = (id: number, score: number, tie: number) => {
		if (id >= userTie.length) {
			const grow = (a: Float64Array) => {
				const b = new Float64Array(Math.max(2 * a.length, id + 1));
				b.set(a);
				return b;
			};
			userScore = grow(userScore);
			userTie = grow(userTie);
		}
		if (userTie[id] === 0) touched.push(id);
		userScore[id] += score;
		if (tie > userTie[id]) userTie[id] = tie;
	};
	const addTeam = (id: number, team: string, score: number, tie: number) => {
		const board = teamBoards[id]!;
		const entry = board.get(team);
		if (entry) {
			entry.score += score;
			if (tie > entry.tie) entry.tie = tie;
		} else board.set(team, { member: team, score, tie });
	};
	let pending = 0;
	const flushUser = (user: string) => {
		pending += touched.length;
		for (const id of touched) {
			lists[id].push({ member: user, score: userScore[id], tie: userTie[id] });
			userScore[id] = 0;
			userTie[id] = 0;
		}
		touched.length = 0;
	};

	const runPeriod: (string | null)[] = new Array(W).fill(null);
	const runTargets: (Int32Array | null)[] = new Array(W).fill(null);
	const points = new Float64Array(W);
	const value = new Float64Array(W);
	const tiePoints = new Float64Array(W);
	const tieValue = new Float64Array(W);
	let user: string | null = null;
	for (const row of rows) {
		if (row.user_id !== user) {
			if (user !== null) flushUser(user);
			user = row.user_id;
			if (pending >= partSize) {
				yield* usersPart();
				pending = 0;
			}
		}
		const team = row.team_id;
		let byDay = targetsByMetric.get(row.metric_key);
		if (!byDay) targetsByMetric.set(row.metric_key, (byDay = new Map()));
		const emit = (w: number) => {
			const t = runTargets[w]!;
			if (t[4 * w] < 0) return;
			if (tiePoints[w] > 0) {
				addUser(t[4 * w], points[w], tiePoints[w]);
				if (team) addTeam(t[4 * w + 1], team, points[w], tiePoints[w]);
			}
			if (tieValue[w] > 0) {
				addUser(t[4 * w + 2], value[w], tieValue[w]);
				if (team) addTeam(t[4 * w + 3], team, value[w], tieValue[w]);
			}
		};
		runPeriod.fill(null);
		const days = row.days;
		let at = 0;
		while (at < days.length) {
			let end = days.indexOf(';', at);
			if (end < 0) end = days.length;
			const c1 = days.indexOf(',', at);
			const c2 = days.indexOf(',', c1 + 1);
			const c3 = days.indexOf(',', c2 + 1);
			const c4 = days.indexOf(',', c3 + 1);
			const day = Number(days.slice(at, c1));
			const dayValue = Number(days.slice(c1 + 1, c2));
			const dayPoints = Number(days.slice(c2 + 1, c3));
			const dayTiePoints = Number(days.slice(c3 + 1, c4));
			const dayTieValue = Number(days.slice(c4 + 1, end));
			at = end + 1;
			const targets = targetsOf(row.metric_key, byDay, day);
			for (let w = 0; w < W; w++) {
				// Period keys are interned per day: a new key object means a new period of this window
				// (undefined for the run of periods no longer kept, which emit skips).
				const period = keys[targets[4 * w]];
				if (period !== runPeriod[w]) {
					if (runPeriod[w] !== null) emit(w);
					runPeriod[w] = period;
					runTargets[w] = targets;
					points[w] = value[w] = tiePoints[w] = tieValue[w] = 0;
				}
				if (dayTiePoints > 0) {
					points[w] += dayPoints;
					if (dayTiePoints > tiePoints[w]) tiePoints[w] = dayTiePoints;
				}
				if (dayTieValue > 0) {
					value[w] += dayValue;
					if (dayTieValue > tieValue[w]) tieValue[w] = dayTieValue;
				}
			}
		}
		for (let w = 0; w < W; w++) if (runPeriod[w] !== null) emit(w);
	}
	if (user !== null) flushUser(user);
	yield* usersPart();
	for (let id = 0; id < keys.length; id++) {
		const board = teamBoards[id];
		if (board && board.size > 0) yield [keys[id], [...board.values()]];
	}
}

const rebuilding = new Map<string, Promise<void>>();
/** Orgs whose rebuild lock this process holds (shared by every copy of this module, see process-cache). */
const held = processMap<string, true>('rebuild-locks');

/**
 * Lets go of the rebuild locks this process holds, for a shutdown: a rebuild cut short would otherwise
 * leave its lock for REBUILD_LOCK_MS, and a process started meanwhile would wait on it and defer applies.
 */
export async function releaseRebuildLocks(live: LiveStore) {
	await Promise.all([...held.keys()].map((org) => live.unlock(org).catch(() => {})));
	held.clear();
}

/** Rebuilds an org's boards from Postgres, then applies whatever was committed meanwhile. */
export function rebuildOrg(deps: LiveDeps, organizationId: string): Promise<void> {
	let running = rebuilding.get(organizationId);
	if (!running) {
		running = (async () => {
			const started = Date.now();
			if (!(await deps.live.lockForRebuild(organizationId, REBUILD_LOCK_MS))) {
				// Another process is rebuilding: wait until it lets go of the lock (the org may still count as
				// built from before, as after a time-zone change), for at most a minute.
				for (let i = 0; i < 600 && (await deps.live.isLocked(organizationId)); i++) {
					await new Promise((r) => setTimeout(r, 100));
				}
				return;
			}
			held.set(organizationId, true);
			try {
				// One snapshot for the boards and the applied marks: read apart, an event committed in
				// between (with an id below upTo) could be marked applied without being counted, or the reverse.
				const { upTo, ids } = await deps.db
					.transaction()
					.setIsolationLevel('repeatable read')
					.execute(async (trx) => {
						const upTo = await maxEventId(trx, organizationId);
						const clock = await orgClock(trx, organizationId);
						const totals = dailyTotals(trx, organizationId, clock.timeZone, upTo);
						// Queued behind the daily totals on the same connection: Postgres reads the ids
						// while this process folds the totals and writes the boards.
						const ids = eventIds(trx, organizationId, upTo);
						ids.catch(() => {});
						const { rows } = await totals;
						// The boards are written part by part as they are folded, so the live store works
						// while this process folds the rest.
						await deps.live.replaceOrg(organizationId, {
							boards: foldDailyTotals(rows, clock),
							appliedIds: ids,
							expiresAt: (key) => boardExpiry(key, clock)
						});
						return { upTo, ids: await ids };
					});
				const later = await eventsAfter(deps.db, organizationId, upTo);
				await applyToLive(deps, organizationId, later.map(toScored));
				log.info(`live store: rebuilt ${organizationId} from ${ids.length} events in ${Date.now() - started} ms`);
			} catch (error) {
				await deps.live.unlock(organizationId).catch(() => {});
				throw error;
			} finally {
				held.delete(organizationId);
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
	// One query for the ids of every organization's recent events, one batch of applied checks per org,
	// and full rows only for the events found missing: when all is well (nearly always) a pass reads ids.
	const rows = await recentEventIds(deps.db, new Date(Date.now() - sinceMs));
	const byOrg = new Map<string, number[]>();
	for (const row of rows) {
		const list = byOrg.get(row.organization_id);
		if (list) list.push(Number(row.id));
		else byOrg.set(row.organization_id, [Number(row.id)]);
	}
	for (const [orgId, ids] of byOrg) {
		const marks = await deps.live.applied(orgId, ids);
		const missingIds = ids.filter((_, i) => !marks[i]);
		if (missingIds.length === 0) continue;
		const missing = [];
		for (let i = 0; i < missingIds.length; i += 5_000) missing.push(...(await eventsByIds(deps.db, orgId, missingIds.slice(i, i + 5_000))));
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

