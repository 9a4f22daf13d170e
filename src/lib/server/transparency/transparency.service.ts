// Transparency settings and how they shape what each viewer reads of a board. Every board a rep reads
// (the page, GET /api/v1/leaderboards, a socket snapshot) goes through viewBoard, so rows outside the
// rep's allowed view never leave the server and masked values are absent (null), not hidden by CSS.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import { forbidden, AppError } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { cacheNow, processMap } from '../platform/process-cache';
import { parseInput } from '../platform/validation';
import { recordAudit } from '../org/audit.repository';
import type { Actor } from '../org/actor';
import { boardQuerySchema, readBoard, type BoardQuery, type BoardRow, type BoardSnapshot } from '../scoring/board.service';
import {
	DEFAULT_TRANSPARENCY,
	displayHiddenSchema,
	lensOf,
	maskRow,
	transparencySettingsSchema,
	type BoardLens,
	type TransparencySettings
} from '../../shared/transparency';
import { displayHiddenIds, findDisplayHidden, findTransparency, setDisplayHidden, updateTransparency } from './transparency.repository';

export type { BoardLens, TransparencySettings };

// Read on every board read and every subscribe: cached briefly, forgotten at once on a change made in
// this process and, through transparency.changed (cluster-wide), in every other.
export const TRANSPARENCY_CACHE_MS = 2_000;
const settingsCache = processMap<string, { at: number; settings: Promise<TransparencySettings> }>('transparency');
const hiddenCache = processMap<string, { at: number; ids: Promise<ReadonlySet<string>> }>('display-hidden');

export function forgetTransparency(organizationId: string) {
	settingsCache.delete(organizationId);
	hiddenCache.delete(organizationId);
}

async function readSettings(db: Db, organizationId: string): Promise<TransparencySettings> {
	const row = await findTransparency(db, organizationId);
	if (!row) return DEFAULT_TRANSPARENCY;
	return { view: row.board_view, topN: row.board_top_n, neighbours: row.board_neighbours, values: row.board_values, allowHiding: row.display_hiding };
}

/** The organization's settings (cached for TRANSPARENCY_CACHE_MS). */
export function transparencyOf(db: Db, organizationId: string): Promise<TransparencySettings> {
	const now = cacheNow();
	const cached = settingsCache.get(organizationId);
	if (cached && now - cached.at < TRANSPARENCY_CACHE_MS) return cached.settings;
	const settings = readSettings(db, organizationId);
	settingsCache.set(organizationId, { at: now, settings });
	settings.catch(() => settingsCache.get(organizationId)?.settings === settings && settingsCache.delete(organizationId));
	return settings;
}

/** How a viewer (a member's role and id, or an API token's) sees the org's users boards. */
export async function lensFor(db: Db, organizationId: string, viewer: { role: string; userId: string | null }): Promise<BoardLens> {
	return lensOf(await transparencyOf(db, organizationId), viewer);
}

/** The settings form: admins only. */
export async function getTransparency(db: Db, actor: Actor): Promise<TransparencySettings> {
	if (actor.role !== 'admin') throw forbidden();
	return readSettings(db, actor.organizationId);
}

export async function changeTransparency(deps: { db: Db; events: DomainEventBus }, actor: Actor, input: unknown): Promise<TransparencySettings> {
	if (actor.role !== 'admin') throw forbidden();
	const data = parseInput(transparencySettingsSchema, input);
	await deps.db.transaction().execute(async (trx) => {
		await updateTransparency(trx, actor.organizationId, {
			board_view: data.view,
			board_top_n: data.topN,
			board_neighbours: data.neighbours,
			board_values: data.values,
			display_hiding: data.allowHiding
		});
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'transparency.updated',
			targetType: 'organization',
			targetId: actor.organizationId,
			data
		});
	});
	changed(deps, actor.organizationId);
	return data;
}

function changed(deps: { events: DomainEventBus }, organizationId: string) {
	forgetTransparency(organizationId);
	// Every process forgets its cache and regroups its sockets; open pages reload what they show.
	deps.events.emit('transparency.changed', { organizationId, what: 'settings' });
}

// ---- a board as its viewer may see it ----

/** A board row as its viewer may see it: `score` is null when masked. */
export type ViewRow = Omit<BoardRow, 'score'> & { score: number | null };
export type ViewSnapshot = Omit<BoardSnapshot, 'entries' | 'around'> & { entries: ViewRow[]; around?: ViewRow[] };

/**
 * readBoard as `lens` allows: a limited rep gets the top N (at most the limit asked) and their own
 * neighbourhood, `around` is always themselves, and other members' values are null when masked. Team
 * boards (scope `teams`) rank teams, not reps, and are not limited.
 */
export async function viewBoard(deps: { db: Db; live: LiveStore }, organizationId: string, query: BoardQuery, lens: BoardLens, now?: Date): Promise<ViewSnapshot> {
	if (lens.kind === 'full' || query.scope !== 'users') return readBoard(deps, organizationId, query, now);
	const top = lens.topN !== null;
	// Limited to the top N, a rep's neighbourhood is their own, whoever `around` names.
	const snapshot = await readBoard(
		deps,
		organizationId,
		{ ...query, limit: top ? Math.min(query.limit, lens.topN!) : query.limit, around: top ? undefined : query.around },
		now,
		top ? { span: lens.neighbours, aroundId: lens.self } : {}
	);
	const mask = (rows: BoardRow[]): ViewRow[] => rows.map((row) => maskRow<ViewRow>(row, lens));
	if (!top) return { ...snapshot, entries: mask(snapshot.entries), ...(snapshot.around ? { around: mask(snapshot.around) } : {}) };
	// The top N, then the neighbourhood below it (rows in both once), in rank order.
	const around = snapshot.around ?? [];
	const seen = new Set(snapshot.entries.map((r) => r.id));
	const entries = [...snapshot.entries, ...around.filter((r) => !seen.has(r.id))].sort((a, b) => a.rank - b.rank);
	return { ...snapshot, entries: mask(entries), around: mask(around) };
}

/**
 * A receipt shows the values behind a score: a rep shown only ranks reads their own only, and one shown
 * the top N only those of members in their view (a 403 naming `member` otherwise).
 */
export async function assertReceiptVisible(deps: { db: Db; live: LiveStore }, actor: Actor, params: Record<string, string>) {
	const lens = await lensFor(deps.db, actor.organizationId, actor);
	if (lens.kind === 'full' || (params.scope ?? 'users') !== 'users' || params.member === actor.userId) return;
	if (lens.values && lens.topN !== null) {
		const query = parseInput(boardQuerySchema, { board: params.board, scope: 'users', window: params.window, limit: lens.topN });
		const view = await viewBoard(deps, actor.organizationId, query, lens);
		if (view.entries.some((row) => row.id === params.member)) return;
	}
	throw new AppError(403, 'transparency.errors.receipt', undefined, 'member');
}

// ---- public displays ----

/** Members left off public displays: those who asked, while the organization allows it. */
export function hiddenFromDisplays(db: Db, organizationId: string): Promise<ReadonlySet<string>> {
	const now = cacheNow();
	const cached = hiddenCache.get(organizationId);
	if (cached && now - cached.at < TRANSPARENCY_CACHE_MS) return cached.ids;
	const ids = (async () => {
		const settings = await transparencyOf(db, organizationId);
		return settings.allowHiding ? new Set(await displayHiddenIds(db, organizationId)) : new Set<string>();
	})();
	hiddenCache.set(organizationId, { at: now, ids });
	ids.catch(() => hiddenCache.get(organizationId)?.ids === ids && hiddenCache.delete(organizationId));
	return ids;
}

/** The account page: whether I hide from displays, and whether the organization lets me. */
export async function myDisplayHiding(db: Db, actor: Actor) {
	const [row, settings] = await Promise.all([findDisplayHidden(db, actor.organizationId, actor.userId), transparencyOf(db, actor.organizationId)]);
	return { hidden: !!row?.display_hidden, allowed: settings.allowHiding };
}

export async function setMyDisplayHiding(deps: { db: Db; events: DomainEventBus }, actor: Actor, input: unknown) {
	const { hidden } = parseInput(displayHiddenSchema, input);
	if (hidden && !(await readSettings(deps.db, actor.organizationId)).allowHiding) throw new AppError(403, 'transparency.errors.hidingOff', undefined, 'hidden');
	// Saving what is already set changes nothing, and the audit log records changes only.
	if (!!(await findDisplayHidden(deps.db, actor.organizationId, actor.userId))?.display_hidden === hidden) return { hidden };
	await setDisplayHidden(deps.db, actor.organizationId, actor.userId, hidden);
	await recordAudit(deps.db, {
		organizationId: actor.organizationId,
		actorId: actor.userId,
		action: hidden ? 'member.display_hidden' : 'member.display_shown',
		targetType: 'user',
		targetId: actor.userId
	});
	forgetTransparency(actor.organizationId);
	// TVs read their slides again (boards and pages are not concerned).
	deps.events.emit('transparency.changed', { organizationId: actor.organizationId, what: 'hidden' });
	return { hidden };
}
