// Reading boards: the live store ranks, Postgres supplies names. Ties share a rank and are ordered by
// who reached the score first (the member whose last change came earlier).
import { z } from 'zod';
import { encodeBoardChannel, encodeBoardKey, familyOfBoard, type BoardChannel } from '../../shared/boards/identity';
import { compareEntries, POINTS_BOARD, rankSorted, SCOPES, type BoardEntry, type Scope } from '../../shared/scoring';
import { wellFormed } from '../../shared/schemas';
import { periodOf, WINDOWS, type OrgClock, type Period, type WindowKind } from '../../shared/time-windows';
import type { Db } from '../db';
import { AppError } from '../platform/errors';
import type { LiveStore } from '../live/store';
import { findMemberIdByRef, namesWithTeams } from '../org/membership.repository';
import { memberIdsOfTeams, teamNamesByIds, teamTree } from '../org/team.repository';
import { descendantsOf } from '../org/access';
import { catalog } from './boards/catalog';
import { ensureBuilt, orgClock } from './live.service';

export const boardQuerySchema = z.object({
	board: wellFormed(z.string().trim().min(1).max(64)).default(POINTS_BOARD),
	scope: z.enum(SCOPES).default('users'),
	window: z.enum(WINDOWS).default('week'),
	limit: z.coerce.number().int().min(1).max(1000).default(50),
	team: z.uuid().optional(),
	around: wellFormed(z.string().trim().min(1).max(254)).optional()
});
export type BoardQuery = z.output<typeof boardQuerySchema>;

export interface BoardRow {
	rank: number;
	id: string;
	name: string;
	team: { id: string; name: string } | null;
	score: number;
}

export interface BoardSnapshot {
	board: string;
	scope: Scope;
	window: { kind: WindowKind; key: string; start: string; end: string };
	team: string | null;
	/** The epoch of the board's push counter (see LiveStore.nextSeq). */
	epoch: string;
	seq: number;
	total: number;
	entries: BoardRow[];
	around?: BoardRow[];
}

/** A board's id whatever its period: its socket room and its push sequence (see shared/boards/identity.ts). */
export const boardId = (q: BoardChannel) => encodeBoardChannel(q);

interface Deps {
	db: Db;
	live: LiveStore;
}

async function names(db: Db, organizationId: string, scope: Scope, ids: string[]) {
	const out = new Map<string, { name: string; team: { id: string; name: string } | null }>();
	if (ids.length === 0) return out;
	if (scope === 'teams') {
		const rows = await teamNamesByIds(db, organizationId, ids);
		for (const r of rows) out.set(r.id, { name: r.name, team: null });
		return out;
	}
	const rows = await namesWithTeams(db, organizationId, ids);
	for (const r of rows) out.set(r.id, { name: r.name, team: r.team_id ? { id: r.team_id, name: r.team_name ?? '' } : null });
	return out;
}

async function teamMemberIds(db: Db, organizationId: string, teamId: string) {
	const teams = await teamTree(db, organizationId);
	if (!teams.some((t) => t.id === teamId)) throw new AppError(404, 'validation.notFound', undefined, 'team');
	const all = [...descendantsOf(teams, [teamId])];
	return memberIdsOfTeams(db, organizationId, all);
}

/** The board's family, checked against the org's boards and the scope and window asked for. */
export async function assertBoardExists(db: Db, organizationId: string, board: string, scope?: Scope, window?: string) {
	const found = await catalog.resolve(db, organizationId, board);
	if (scope && !found.info.scopes.includes(scope)) throw new AppError(400, 'validation.choice', undefined, 'scope');
	if (window && !found.info.windows.includes(window)) throw new AppError(400, 'validation.choice', undefined, 'window');
	return found;
}

/** The current period of a board's window, as its family says; a 404 naming `window` when it has none now. */
function currentPeriodOf(q: BoardChannel, now: Date, clock: OrgClock): Period {
	const family = catalog.family(familyOfBoard(q.board));
	const period = family?.currentPeriod(q.board, q.window, now, clock);
	if (!period) throw new AppError(404, 'validation.notFound', undefined, 'window');
	return period;
}

/** Ranks of sorted entries that start somewhere inside the board: each distinct score asks the store. */
async function rankFromStore(deps: Deps, organizationId: string, key: string, sorted: BoardEntry[]) {
	// Asked together: node-redis pipelines them into one round trip.
	const scores = [...new Set(sorted.map((e) => e.score))];
	const above = await Promise.all(scores.map((score) => deps.live.countAbove(organizationId, key, score)));
	const ranks = new Map(scores.map((score, i) => [score, above[i] + 1]));
	return sorted.map((e) => ({ ...e, rank: ranks.get(e.score)! }));
}

/**
 * A board's current period: the top `limit` and, with `around` (a member's e-mail, id or external id) or
 * `options.aroundId`, that member and `options.span` rows (default 2) above and below them.
 */
export async function readBoard(
	deps: Deps,
	organizationId: string,
	query: BoardQuery,
	now = new Date(),
	options: { span?: number; aroundId?: string } = {}
): Promise<BoardSnapshot> {
	const span = options.span ?? 2;
	await assertBoardExists(deps.db, organizationId, query.board, query.scope, query.window);
	if (query.team && query.scope === 'teams') throw new AppError(400, 'validation.invalid', undefined, 'team');
	await ensureBuilt(deps, organizationId);
	// The seq before the entries: every push up to it changed the store before the entries are read.
	// Read after, a push could count in the seq while its change is missing from the entries, and a
	// client that subscribed in between would never see that change nor a gap.
	const { epoch, seq } = await deps.live.currentSeq(organizationId, boardId(query));
	const clock = await orgClock(deps.db, organizationId);
	const period = currentPeriodOf(query, now, clock);
	const key = encodeBoardKey({ ...query, period: period.key });

	let ranked: (BoardEntry & { rank: number })[];
	let total: number;
	let around: (BoardEntry & { rank: number })[] | undefined;
	let aroundMember: string | undefined = options.aroundId;
	if (!aroundMember && query.around) {
		const user = await findMemberIdByRef(deps.db, organizationId, query.around);
		if (!user) throw new AppError(404, 'validation.notFound', undefined, 'around');
		aroundMember = user.id;
	}
	if (query.team) {
		// A team's view of a users board: its members (and sub-teams'), ranked among themselves.
		const members = await teamMemberIds(deps.db, organizationId, query.team);
		const found = (await deps.live.entries(organizationId, key, members)).filter((e): e is BoardEntry => e !== null);
		const sorted = rankSorted(found.sort(compareEntries));
		total = sorted.length;
		ranked = sorted.slice(0, query.limit);
		if (aroundMember) {
			const i = sorted.findIndex((e) => e.member === aroundMember);
			around = i < 0 ? [] : sorted.slice(Math.max(0, i - span), i + span + 1);
		}
	} else {
		const [top, size] = await Promise.all([deps.live.top(organizationId, key, query.limit), deps.live.size(organizationId, key)]);
		ranked = rankSorted(top);
		total = size;
		if (aroundMember) around = await rankFromStore(deps, organizationId, key, await deps.live.around(organizationId, key, aroundMember, span));
	}
	const ids = [...new Set([...ranked, ...(around ?? [])].map((e) => e.member))];
	const labels = await names(deps.db, organizationId, query.scope, ids);
	const toRow = (e: BoardEntry & { rank: number }): BoardRow => ({
		rank: e.rank,
		id: e.member,
		name: labels.get(e.member)?.name ?? '—',
		team: labels.get(e.member)?.team ?? null,
		score: e.score
	});
	return {
		board: query.board,
		scope: query.scope,
		window: { kind: query.window, key: period.key, start: period.start.toISOString(), end: period.end.toISOString() },
		team: query.team ?? null,
		epoch,
		seq,
		total,
		entries: ranked.map(toRow),
		...(around ? { around: around.map(toRow) } : {})
	};
}

/** Current rows of the given members on a board, with their global ranks: what a push carries. */
export async function changedRows(deps: Deps, organizationId: string, q: { board: string; scope: Scope; window: WindowKind }, members: string[], now = new Date()) {
	const [changed] = await changedRowsOfBoards(deps, organizationId, [{ ...q, members }], now);
	return changed;
}

/**
 * changedRows for many boards of one org at once (one coalesced push): the store reads go out together
 * (node-redis pipelines them) and names come from one query per scope, not one round trip after another.
 */
export async function changedRowsOfBoards(
	deps: Deps,
	organizationId: string,
	boards: { board: string; scope: Scope; window: WindowKind; members: string[] }[],
	now = new Date()
) {
	const clock = await orgClock(deps.db, organizationId);
	const ranked = await Promise.all(
		boards.map(async (q) => {
			const period = currentPeriodOf(q, now, clock);
			const key = encodeBoardKey({ ...q, period: period.key });
			const found = (await deps.live.entries(organizationId, key, q.members)).filter((e): e is BoardEntry => e !== null);
			return { period, scope: q.scope, entries: await rankFromStore(deps, organizationId, key, found.sort(compareEntries)) };
		})
	);
	const idsOf = (scope: Scope) => [...new Set(ranked.filter((r) => r.scope === scope).flatMap((r) => r.entries.map((e) => e.member)))];
	const [users, teams] = await Promise.all([names(deps.db, organizationId, 'users', idsOf('users')), names(deps.db, organizationId, 'teams', idsOf('teams'))]);
	return ranked.map(({ period, scope, entries }) => {
		const labels = scope === 'users' ? users : teams;
		return {
			period,
			rows: entries.map((e) => ({
				rank: e.rank,
				id: e.member,
				name: labels.get(e.member)?.name ?? '—',
				team: labels.get(e.member)?.team ?? null,
				score: e.score,
				tie: e.tie
			}))
		};
	});
}
