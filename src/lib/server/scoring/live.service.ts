// Keeps the live store equal to the event log. Postgres is the truth; the live store is derived:
// - apply: after commit, each event's increments are applied with its idempotency mark (twice = once);
// - reconcile: events committed but not applied (a crash between the two) are applied on start-up and periodically;
// - rebuild: when an org's boards are missing (a flush), they are recomputed from the log under a lock;
// - verify: every current board is compared with a recomputation from the log.
import { parseBoardKey } from '../../shared/boards/identity';
import { compareEntries, type BoardEntry, type ScoredEvent } from '../../shared/scoring';
import type { OrgClock } from '../../shared/time-windows';
import type { Db } from '../db';
import type { DomainEventBus } from '../platform/events';
import { cacheNow, processMap } from '../platform/process-cache';
import {
	dailyTotals,
	eventOrgSeqs,
	eventsAfter,
	eventsOccurredSince,
	maxEventId,
	organizationsWithEvents,
	recentEventIds,
	eventsByIds
} from './event.repository';
import { nonCompetingMemberIds } from '../org/membership.repository';
import { findOrganizationClock, listOrganizationIds } from '../org/organization.repository';
import type { LiveEventApply, LiveStore } from '../live/store';
import { catalog, type FamilyContext } from './boards/catalog';
import { log } from '../platform/log';
import { foldDailyTotals } from './daily-totals.fold';

export { foldDailyTotals };

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
	if (cached && cacheNow() - cached.at < 30_000) return cached.clock;
	const row = await findOrganizationClock(db, organizationId);
	const clock = { timeZone: row.time_zone, weekStart: row.week_start };
	clocks.set(organizationId, { clock, at: cacheNow() });
	return clock;
}

export function forgetOrgClock(organizationId: string) {
	clocks.delete(organizationId);
}

export const COMPETITION_TTL_MS = 2_000;
const competition = processMap<string, { out: Set<string>; at: number }>('org-non-competing');

/**
 * Who competes on the org's users boards: everyone but the few deactivated members and those without a
 * quota. Cached briefly (another process's change is seen within COMPETITION_TTL_MS); forgotten at once
 * by forgetCompetition on a change made in this process.
 */
export async function competesIn(db: Db, organizationId: string): Promise<(userId: string) => boolean> {
	let cached = competition.get(organizationId);
	if (!cached || cacheNow() - cached.at >= COMPETITION_TTL_MS) {
		cached = { out: new Set(await nonCompetingMemberIds(db, organizationId)), at: cacheNow() };
		competition.set(organizationId, cached);
	}
	const out = cached.out;
	return (userId) => !out.has(userId);
}

export function forgetCompetition(organizationId: string) {
	competition.delete(organizationId);
}

async function competesFrom(db: Db, organizationId: string): Promise<(userId: string) => boolean> {
	const out = new Set(await nonCompetingMemberIds(db, organizationId));
	return (userId) => !out.has(userId);
}

/** What a family needs to map an org's events to boards at `now`. */
export async function familyContext(db: Db, organizationId: string, now = Date.now()): Promise<FamilyContext> {
	const [clock, competes] = await Promise.all([orgClock(db, organizationId), competesIn(db, organizationId), catalog.prepare(db, organizationId)]);
	return { clock, now, competes, organizationId };
}

type EventRow = {
	id: number;
	org_seq: number;
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
		orgSeq: Number(row.org_seq),
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
	const ctx = await familyContext(deps.db, organizationId);
	let batch: LiveEventApply[] = events.map((e) => ({ id: e.id, orgSeq: e.orgSeq, org: organizationId, increments: catalog.incrementsOf(e, ctx) }));
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
	// Who competes read now, not from the cache: this is the reference the live store is checked against.
	const ctx: FamilyContext = { clock: await orgClock(db, organizationId), now: Number(now), competes: await competesFrom(db, organizationId), organizationId };
	await catalog.prepare(db, organizationId, { fresh: true });
	const { rows } = await dailyTotals(db, organizationId, ctx.clock.timeZone, upToId);
	const boards = new Map<string, BoardEntry[]>();
	const parts = [foldDailyTotals(rows, ctx.clock, undefined, now, ctx.competes), await foldFamilyEvents(db, organizationId, upToId, ctx)];
	for (const part of parts) {
		for (const [key, entries] of part) {
			const board = boards.get(key);
			if (board) for (const e of entries) board.push(e);
			else boards.set(key, entries);
		}
	}
	return boards;
}

/**
 * The boards of the families rebuilt from their own events (a fixed range): each event's increments
 * replayed, the tie mark being the largest id that changed a member, as applying them live gives.
 */
export async function foldFamilyEvents(db: Db, organizationId: string, upToId: number, ctx: FamilyContext): Promise<[string, BoardEntry[]][]> {
	const boards = new Map<string, Map<string, BoardEntry>>();
	for (const family of catalog.families()) {
		if (family.rebuild.source !== 'events') continue;
		const rows = await eventsOccurredSince(db, organizationId, family.rebuild.since(ctx.clock, ctx.now, organizationId), upToId);
		for (const row of rows) {
			const event = toScored(row);
			for (const inc of family.increments(event, ctx)) {
				if (inc.delta === 0) continue;
				let board = boards.get(inc.key);
				if (!board) boards.set(inc.key, (board = new Map()));
				const entry = board.get(inc.member);
				if (entry) {
					entry.score += inc.delta;
					if (event.id > entry.tie) entry.tie = event.id;
				} else board.set(inc.member, { member: inc.member, score: inc.delta, tie: event.id });
			}
		}
	}
	return [...boards].map(([key, board]) => [key, [...board.values()]]);
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
						// Who competes read in this snapshot, not from the cache: it and the log must agree.
						const ctx: FamilyContext = { clock: await orgClock(trx, organizationId), now: Date.now(), competes: await competesFrom(trx, organizationId), organizationId };
						await catalog.prepare(trx, organizationId, { fresh: true });
						const totals = dailyTotals(trx, organizationId, ctx.clock.timeZone, upTo);
						// Queued behind the daily totals on the same connection: Postgres reads the ids
						// while this process folds the totals and writes the boards.
						const ids = eventOrgSeqs(trx, organizationId, upTo);
						ids.catch(() => {});
						const { rows } = await totals;
						const others = await foldFamilyEvents(trx, organizationId, upTo, ctx);
						// The boards are written part by part as they are folded, so the live store works
						// while this process folds the rest.
						await deps.live.replaceOrg(organizationId, {
							boards: (function* () {
								yield* foldDailyTotals(rows, ctx.clock, undefined, ctx.now, ctx.competes);
								yield* others;
							})(),
							appliedOrgSeqs: ids,
							expiresAt: (key) => catalog.expiry(key, ctx.clock)
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

/**
 * Takes members off the org's users boards at once (deactivated, or no longer carrying a quota): their
 * events stay in the log and their receipts, and their teams keep their totals. Returns the users
 * boards they left. A rebuild running meanwhile may have read them as competing: once it is done they
 * are taken off again.
 */
export async function removeFromUsersBoards(deps: LiveDeps, organizationId: string, userIds: string[]): Promise<string[]> {
	forgetCompetition(organizationId);
	if (userIds.length === 0 || !(await deps.live.isBuilt(organizationId))) return [];
	const remove = async () => {
		const keys = (await deps.live.boardKeys(organizationId)).filter((key) => parseBoardKey(key)?.scope === 'users');
		await deps.live.removeMembers(organizationId, keys, userIds);
		return keys;
	};
	const keys = await remove();
	const running = rebuilding.get(organizationId);
	if (!running && !(await deps.live.isLocked(organizationId))) return keys;
	await running?.catch(() => {});
	for (let i = 0; i < 600 && (await deps.live.isLocked(organizationId)); i++) await new Promise((r) => setTimeout(r, 100));
	return remove();
}

/**
 * Takes members off the users boards again if they still do not compete. Another process may apply an
 * event with its cached view of who competes (up to COMPETITION_TTL_MS old) and so put back a member
 * who just left; run this once that view has expired. Returns the members it took off.
 */
export async function recheckRemoved(deps: LiveDeps, organizationId: string, userIds: string[]): Promise<string[]> {
	const out = new Set(await nonCompetingMemberIds(deps.db, organizationId));
	const still = userIds.filter((id) => out.has(id));
	if (still.length === 0 || !(await deps.live.isBuilt(organizationId))) return [];
	const keys = (await deps.live.boardKeys(organizationId)).filter((key) => parseBoardKey(key)?.scope === 'users');
	return (await deps.live.removeMembers(organizationId, keys, still)) > 0 ? still : [];
}

/** Puts members back on the org's users boards (reactivated, or given a quota): a rebuild from the log. */
export async function restoreToUsersBoards(deps: LiveDeps, organizationId: string) {
	forgetCompetition(organizationId);
	// A rebuild already running may have read them as not competing: the next one starts after it.
	await rebuilding.get(organizationId)?.catch(() => {});
	await rebuildOrg(deps, organizationId);
}

/** Rebuilds the org's boards if the live store lost them. */
export async function ensureBuilt(deps: LiveDeps, organizationId: string) {
	if (!(await deps.live.isBuilt(organizationId))) await rebuildOrg(deps, organizationId);
}

/**
 * Applies events committed in the last `sinceMs` that the live store has not applied, and rebuilds
 * orgs whose boards are missing. Returns how many events it applied. With `events`, what it applied
 * is announced as ingest announces it (scores.changed), so that open boards are pushed the change:
 * nothing else would tell them about an event whose own push failed with its apply (a Redis outage).
 */
export async function reconcile(deps: LiveDeps & { events?: DomainEventBus }, sinceMs = 2 * 60_000): Promise<number> {
	let applied = 0;
	const orgs = await organizationsWithEvents(deps.db);
	const built = await Promise.all(orgs.map((org) => deps.live.isBuilt(org.id)));
	for (const [i, org] of orgs.entries()) if (!built[i]) await rebuildOrg(deps, org.id);
	// One query for the ids of every organization's recent events, one batch of applied checks per org,
	// and full rows only for the events found missing: when all is well (nearly always) a pass reads ids.
	const rows = await recentEventIds(deps.db, new Date(Date.now() - sinceMs));
	const byOrg = new Map<string, { ids: number[]; seqs: number[] }>();
	for (const row of rows) {
		let list = byOrg.get(row.organization_id);
		if (!list) byOrg.set(row.organization_id, (list = { ids: [], seqs: [] }));
		list.ids.push(Number(row.id));
		list.seqs.push(Number(row.org_seq));
	}
	for (const [orgId, { ids, seqs }] of byOrg) {
		const marks = await deps.live.applied(orgId, seqs);
		const missingIds = ids.filter((_, i) => !marks[i]);
		if (missingIds.length === 0) continue;
		const missing = [];
		for (let i = 0; i < missingIds.length; i += 5_000) missing.push(...(await eventsByIds(deps.db, orgId, missingIds.slice(i, i + 5_000))));
		const scored = missing.map(toScored);
		const done = await applyToLive(deps, orgId, scored);
		applied += done.length;
		if (done.length) log.warn(`live store: reconciled ${done.length} events of ${orgId} that were committed but not applied`);
		if (done.length && deps.events) {
			const newly = new Set(done);
			deps.events.emit('scores.changed', { organizationId: orgId, events: scored.filter((e) => newly.has(e.id)) });
		}
	}
	return applied;
}

export interface Drift {
	key: string;
	member: string;
	expected: number | null;
	live: number | null;
}

/** Compares every current board (each board's current period, as its family says) with the event log. */
export async function verifyOrg(deps: LiveDeps, organizationId: string, now = new Date()): Promise<{ boards: number; drift: Drift[] }> {
	await ensureBuilt(deps, organizationId);
	const clock = await orgClock(deps.db, organizationId);
	await catalog.prepare(deps.db, organizationId, { fresh: true });
	const isCurrent = (key: string) => catalog.isCurrent(key, now, clock);
	const upTo = await maxEventId(deps.db, organizationId);
	// Retention as the live store applies it (the real time), whatever `now` selects as current.
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
	return listOrganizationIds(db, slug);
}

