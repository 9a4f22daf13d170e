// Transparency: what a rep sees of the boards, per organization. Public rank feedback discourages the
// bottom of the board (Bandiera, Barankay & Rasul 2013), so an admin may show reps only the top N and
// their own neighbourhood, and only ranks (a rep always sees their own value). Leaders and admins always
// see everything. Pure: the server applies it to every board a rep reads (page, API, socket).
import { z } from 'zod';

export const BOARD_VIEWS = ['full', 'top'] as const;
export const BOARD_VALUES = ['all', 'ranks'] as const;
export type BoardView = (typeof BOARD_VIEWS)[number];
export type BoardValues = (typeof BOARD_VALUES)[number];

export interface TransparencySettings {
	/** The whole board, or the top N and the rep's neighbourhood. */
	view: BoardView;
	topN: number;
	/** Rows above and below the rep shown with the top N. */
	neighbours: number;
	/** Everyone's values, or only ranks (the rep's own value stays). */
	values: BoardValues;
	/** Whether reps may hide from public displays (TVs). */
	allowHiding: boolean;
}

export const DEFAULT_TRANSPARENCY: TransparencySettings = { view: 'full', topN: 10, neighbours: 2, values: 'all', allowHiding: true };
export const TOP_N_MAX = 100;
export const NEIGHBOURS_MAX = 10;

/** A form's checkbox: present ("on", "true") or absent. */
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

export const transparencySettingsSchema = z.object({
	view: z.enum(BOARD_VIEWS),
	topN: z.coerce.number().int().min(1).max(TOP_N_MAX),
	neighbours: z.coerce.number().int().min(0).max(NEIGHBOURS_MAX),
	values: z.enum(BOARD_VALUES),
	allowHiding: checkbox
});

export const displayHiddenSchema = z.object({ hidden: checkbox });

/** Whether the settings restrict what reps see of a board (the defaults do not). */
export const restrictsReps = (s: TransparencySettings) => s.view === 'top' || s.values === 'ranks';

/** How one viewer sees the users boards: everything, or limited as the settings say. */
export type BoardLens = { kind: 'full' } | { kind: 'limited'; self: string; topN: number | null; neighbours: number; values: boolean };

/** Only reps are limited; leaders, admins, API tokens (made by admins) and the CLI see everything. */
export function lensOf(settings: TransparencySettings, viewer: { role: string; userId: string | null }): BoardLens {
	if (viewer.role !== 'rep' || !viewer.userId || !restrictsReps(settings)) return { kind: 'full' };
	return {
		kind: 'limited',
		self: viewer.userId,
		topN: settings.view === 'top' ? settings.topN : null,
		neighbours: settings.view === 'top' ? settings.neighbours : 0,
		values: settings.values === 'all'
	};
}

/** A row as a limited viewer receives it: `score` is null, not hidden, when values are masked. */
export function maskRow<R extends { id: string; score: number | null }>(row: R, lens: BoardLens): R {
	if (lens.kind === 'full' || lens.values || row.id === lens.self) return row;
	return { ...row, score: null };
}

/** An activity item as a limited viewer receives it: others' values and points are null when masked. */
export function maskActivity<A extends { userId: string; value: number | null; points: number | null }>(item: A, lens: BoardLens): A {
	if (lens.kind === 'full' || lens.values || item.userId === lens.self) return item;
	return { ...item, value: null, points: null };
}

/**
 * A contest's standings (individual participants, in rank order) as a limited viewer may see them: the
 * top N and the rows around the viewer's own, and others' scores, tie-breaks and progress absent when
 * values are masked (progress toward a target would give the value away).
 */
export function viewStandings<R extends { id: string; score: number | null; tie?: number; progress?: number }>(rows: R[], lens: BoardLens): Masked<R>[] {
	if (lens.kind === 'full') return rows;
	let shown = rows;
	if (lens.topN !== null) {
		const mine = rows.findIndex((r) => r.id === lens.self);
		shown = rows.filter((_, i) => i < lens.topN! || (mine >= 0 && Math.abs(i - mine) <= lens.neighbours));
	}
	if (lens.values) return shown;
	return shown.map((row) => {
		if (row.id === lens.self) return row;
		const { tie: _tie, progress: _progress, ...rest } = row;
		return { ...rest, score: null } as unknown as Masked<R>;
	});
}

/** A row whose score may be masked (null). */
export type Masked<R extends { score: number | null }> = Omit<R, 'score'> & { score: number | null };

/** A head-to-head pairing as a limited viewer sees it: the other side's score is masked unless values are shown. */
export function maskPair<P extends { id: string; score: number | null }>(side: P | null, lens: BoardLens): Masked<P> | null {
	if (!side || lens.kind === 'full' || lens.values || side.id === lens.self) return side;
	return { ...side, score: null };
}

/**
 * Whether rows are left out before row `i` of a limited view (rows in rank order, equal ranks shared):
 * the first row's rank is above 1, or a rank is skipped by more than the rows sharing the one before.
 */
export function gapBefore(rows: readonly { rank: number }[], i: number): boolean {
	if (i === 0) return rows[0].rank > 1;
	const prev = rows[i - 1].rank;
	const sharing = rows.filter((r) => r.rank === prev).length;
	return rows[i].rank > prev + sharing;
}
