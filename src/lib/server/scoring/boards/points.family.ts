// The points board: every event's points, for reps and teams, over every calendar window.
import { POINTS_BOARD, POINTS_FAMILY } from '../../../shared/boards/identity';
import { ALL_SCOPES, ALL_WINDOWS, calendarFamily } from './calendar';

const TARGETS = [{ board: POINTS_BOARD, measure: 'points' as const, scopes: ALL_SCOPES, windows: ALL_WINDOWS }];

export const pointsFamily = calendarFamily({
	name: POINTS_FAMILY,
	boards: async () => [{ board: POINTS_BOARD, family: POINTS_FAMILY, name: { key: 'lb.points' }, scopes: ALL_SCOPES, windows: ALL_WINDOWS, listed: true }],
	targets: () => TARGETS
});
