// A board's one identity, and its one encoding. A live-store key is `board|scope|window|period`; the
// board name says its family: `points` is the points family, a bare metric key (which never holds a
// ':') the metric family, and any other family names its boards `<family>:<name>`. So the keys written
// before the catalog existed still parse, and no two families can claim the same key.
export const SCOPES = ['users', 'teams'] as const;
export type Scope = (typeof SCOPES)[number];

export const POINTS_BOARD = 'points';
export const POINTS_FAMILY = 'points';
export const METRIC_FAMILY = 'metric';

/** One board of one period. `window` is a calendar window (day … all) or a family's own (e.g. "range"). */
export interface BoardId {
	family: string;
	board: string;
	scope: Scope;
	window: string;
	period: string;
}

/** A board whatever its period: what a client subscribes to, and what a push sequence counts. */
export type BoardChannel = Omit<BoardId, 'period' | 'family'>;

/** The family a board name belongs to (see the top of this file). */
export function familyOfBoard(board: string): string {
	if (board === POINTS_BOARD) return POINTS_FAMILY;
	const colon = board.indexOf(':');
	return colon < 0 ? METRIC_FAMILY : board.slice(0, colon);
}

/** The board name of a family's board: `<family>:<name>`, except for the points and metric families. */
export function boardName(family: string, name: string): string {
	return family === POINTS_FAMILY || family === METRIC_FAMILY ? name : `${family}:${name}`;
}

/** The live-store key of a board's period. The only place that builds one. */
export function encodeBoardKey(id: Omit<BoardId, 'family'>): string {
	return `${id.board}|${id.scope}|${id.window}|${id.period}`;
}

/** A live-store key back to its identity; undefined for anything else. The only place that splits one. */
export function parseBoardKey(key: string): BoardId | undefined {
	const parts = key.split('|');
	if (parts.length !== 4 || !parts[0] || !(SCOPES as readonly string[]).includes(parts[1]) || !parts[2] || !parts[3]) return undefined;
	const [board, scope, window, period] = parts;
	return { family: familyOfBoard(board), board, scope: scope as Scope, window, period };
}

/** The id of a board whatever its period: its socket room and its push sequence. */
export function encodeBoardChannel(c: BoardChannel): string {
	return `${c.board}|${c.scope}|${c.window}`;
}
