// One board per metric: the sum of its events' values (deals, revenue, minutes…), for reps and teams,
// over every calendar window. The board is named by the metric key.
import { METRIC_FAMILY } from '../../../shared/boards/identity';
import { listMetrics } from '../metric.repository';
import { ALL_SCOPES, ALL_WINDOWS, calendarFamily } from './calendar';
import type { DailyTotalsTarget } from './family';

const targets = new Map<string, DailyTotalsTarget[]>();

export const metricFamily = calendarFamily({
	name: METRIC_FAMILY,
	boards: async (db, organizationId) =>
		(await listMetrics(db, organizationId)).map((m) => ({
			board: m.key,
			family: METRIC_FAMILY,
			name: m.name,
			scopes: ALL_SCOPES,
			windows: ALL_WINDOWS,
			listed: m.status === 'active'
		})),
	targets: (metricKey) => {
		let t = targets.get(metricKey);
		if (!t) targets.set(metricKey, (t = [{ board: metricKey, measure: 'value', scopes: ALL_SCOPES, windows: ALL_WINDOWS }]));
		return t;
	}
});
