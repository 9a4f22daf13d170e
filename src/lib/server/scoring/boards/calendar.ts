// A family of calendar-window boards (day … all) counted from each event's points or value: what the
// points and metric families are, and the shape most new families take. One declaration gives the
// increments, periods, expiry and the daily-totals rebuild, so the live path and the fold cannot disagree.
import { SCOPES } from '../../../shared/boards/identity';
import { calendarExpiry, calendarIncrements, type CalendarTarget } from '../../../shared/scoring';
import { isWindowKind, periodOf, WINDOWS, type WindowKind } from '../../../shared/time-windows';
import type { Db } from '../../db';
import type { BoardFamily, BoardInfo, DailyTotalsTarget } from './family';

export interface CalendarFamilySpec {
	name: string;
	boards(db: Db, organizationId: string): Promise<BoardInfo[]>;
	/** Where an event of this metric counts: boards, measure (its points or its value), scopes, windows. */
	targets(metricKey: string): DailyTotalsTarget[];
	payload?: BoardFamily['payload'];
}

export const ALL_SCOPES = SCOPES;
export const ALL_WINDOWS: readonly WindowKind[] = WINDOWS;

export function calendarFamily(spec: CalendarFamilySpec): BoardFamily & { calendarTargets(event: { metricKey: string; points: number; value: number }): CalendarTarget[] } {
	const calendarTargets = (event: { metricKey: string; points: number; value: number }): CalendarTarget[] =>
		spec.targets(event.metricKey).map((t) => ({ board: t.board, delta: t.measure === 'points' ? event.points : event.value, scopes: t.scopes, windows: t.windows }));
	return {
		name: spec.name,
		boards: spec.boards,
		calendarTargets,
		increments: (event, ctx) => calendarIncrements(event, calendarTargets(event), ctx.clock, ctx.now, ctx.competes(event.userId)),
		currentPeriod: (_board, window, now, clock) => (isWindowKind(window) ? periodOf(window, now, clock) : null),
		expiry: (id, clock) => (isWindowKind(id.window) ? calendarExpiry(id.window, id.period, clock) : undefined),
		rebuild: { source: 'daily-totals', targets: spec.targets },
		payload: spec.payload
	};
}
