// The contest board family: one board per contest (`contest:<id>`, window `all`, period `range`),
// ranking members (or teams, with their contributors on the users board) by what they scored in
// [start, end), counted until the grace period after the end. The org's counting contests are loaded
// by prepare() and kept per process for CONTEST_CACHE_MS (forgotten at once on a contest change, in
// every process: contest.changed is cluster-wide), because increments are computed synchronously. The
// expiry only bounds how long a process that missed a contest.changed (cut off from Redis) counts with
// old rules; it is not how changes arrive, and a short one reloads every participant of every contest.
import type { Db } from '../db';
import { cacheNow, processMap } from '../platform/process-cache';
import type { BoardFamily } from '../scoring/boards/family';
import { catalog } from '../scoring/boards/catalog';
import { adhocMembersOf, countingContests, countingParticipantsOf, type ContestRow } from './contest.repository';
import type { Increment } from '../../shared/scoring';
import { CONTEST_BOARD_KEEP_MS, CONTEST_FAMILY, CONTEST_PERIOD, contestBoard, contestDelta, contestKey, contestMembers, countsAt, isTeamFormat, rankedScope, type ContestDef } from './contest.scoring';

export const CONTEST_CACHE_MS = 10_000;
const cache = processMap<string, { at: number; defs: ContestDef[]; byId: Map<string, ContestDef> }>('contest-defs');

export function forgetContests(organizationId: string) {
	cache.delete(organizationId);
}

/** A contest row and its participants as the family counts them. */
export function toDef(
	row: Pick<ContestRow, 'id' | 'organization_id' | 'format' | 'status' | 'hidden' | 'rank_by' | 'starts_at' | 'ends_at' | 'ended_at' | 'grace_minutes' | 'target' | 'places' | 'scoring'>,
	participants: { user_id: string | null; team_id: string | null; contest_team_id: string | null; whole_org: boolean }[],
	adhoc: { contest_team_id: string; user_id: string }[]
): ContestDef {
	const team = isTeamFormat(row.format);
	const users = new Map<string, string>();
	const teams = new Set<string>();
	let wholeOrg = false;
	for (const p of participants) {
		if (p.user_id) users.set(p.user_id, p.user_id);
		if (p.team_id) teams.add(p.team_id);
		if (p.whole_org) wholeOrg = true;
	}
	for (const m of adhoc) users.set(m.user_id, m.contest_team_id);
	const end = [row.ended_at, row.ends_at].filter((d): d is Date => d instanceof Date).map((d) => d.getTime());
	return {
		id: row.id,
		organizationId: row.organization_id,
		format: row.format,
		status: row.status,
		hidden: row.hidden,
		rankBy: row.rank_by,
		start: new Date(row.starts_at).getTime(),
		end: end.length ? Math.min(...end) : Infinity,
		graceMs: row.grace_minutes * 60_000,
		target: row.target === null ? null : Number(row.target),
		places: row.places,
		metrics: row.scoring === 'points' ? 'points' : new Map(row.scoring.map((m) => [m.metric, m.weight])),
		team,
		users,
		teams,
		wholeOrg
	};
}

export async function loadDefs(db: Db, organizationId: string): Promise<ContestDef[]> {
	const rows = await countingContests(db, organizationId);
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);
	const [participants, adhoc] = await Promise.all([countingParticipantsOf(db, organizationId, ids), adhocMembersOf(db, ids)]);
	const byContest = <T extends { contest_id: string }>(list: T[]) => {
		const out = new Map<string, T[]>();
		for (const x of list) {
			const mine = out.get(x.contest_id);
			if (mine) mine.push(x);
			else out.set(x.contest_id, [x]);
		}
		return out;
	};
	const [participantsBy, adhocBy] = [byContest(participants), byContest(adhoc)];
	return rows.map((row) => toDef(row, participantsBy.get(row.id) ?? [], adhocBy.get(row.id) ?? []));
}

function defsOf(organizationId: string): ContestDef[] {
	return cache.get(organizationId)?.defs ?? [];
}

/** The org's counting contests as this process knows them (undefined: not loaded). */
export function cachedDefs(organizationId: string): ContestDef[] | undefined {
	return cache.get(organizationId)?.defs;
}

/** The counting contest of that board, as this process knows it. */
export function cachedDef(organizationId: string, id: string): ContestDef | undefined {
	return cache.get(organizationId)?.byId.get(id);
}

export const contestFamily: BoardFamily = {
	name: CONTEST_FAMILY,
	// Contest boards are read on the contest pages, not offered in the board list, and pushed as
	// contest:update (server/realtime/pushes/contests.ts), not board:update.
	boards: async () => [],
	boardPushes: false,
	async prepare(db, organizationId, { fresh }) {
		const hit = cache.get(organizationId);
		if (!fresh && hit && cacheNow() - hit.at < CONTEST_CACHE_MS) return;
		const defs = await loadDefs(db, organizationId);
		cache.set(organizationId, { at: cacheNow(), defs, byId: new Map(defs.map((d) => [d.id, d])) });
	},
	increments(event, ctx) {
		const defs = ctx.organizationId ? defsOf(ctx.organizationId) : [];
		if (defs.length === 0) return [];
		// contestIncrements inlined: this runs for every event and live contest.
		let out: Increment[] | undefined;
		const at = event.occurredAt.getTime();
		for (const def of defs) {
			if (!countsAt(def, at, ctx.now)) continue;
			const delta = contestDelta(def, event);
			if (delta === 0) continue;
			const { participant, contributor } = contestMembers(def, event);
			if (!participant) continue;
			const expires = expiresAt(def);
			(out ??= []).push({ key: contestKey(def.id, rankedScope(def)), member: participant, delta, expiresAt: expires });
			if (contributor) out.push({ key: contestKey(def.id, 'users'), member: contributor, delta, expiresAt: expires });
		}
		return out ?? [];
	},
	currentPeriod(board, window, now) {
		if (window !== 'all') return null;
		const def = findByBoard(board);
		if (!def) return null;
		const t = now.getTime();
		if (t < def.start || t >= def.end + def.graceMs) return null;
		return { window: 'all', key: CONTEST_PERIOD, start: new Date(def.start), end: new Date(Number.isFinite(def.end) ? def.end : 8.64e15) };
	},
	expiry(id) {
		const def = findByBoard(id.board);
		return def ? expiresAt(def) : undefined;
	},
	rebuild: {
		source: 'events',
		since(_clock, now, organizationId) {
			const starts = defsOf(organizationId).map((d) => d.start);
			return new Date(starts.length ? Math.min(...starts) : now);
		}
	}
};

function expiresAt(def: ContestDef): number | undefined {
	return Number.isFinite(def.end) ? def.end + def.graceMs + CONTEST_BOARD_KEEP_MS : undefined;
}

function findByBoard(board: string): ContestDef | undefined {
	const id = board.slice(CONTEST_FAMILY.length + 1);
	for (const entry of cache.values()) {
		const def = entry.byId.get(id);
		if (def) return def;
	}
	return undefined;
}

export { contestBoard };

/** Puts the family in the catalog (once per process, whichever copy of the module asks). */
export function registerContestFamily() {
	if (!catalog.family(contestFamily.name)) catalog.register(contestFamily);
}
