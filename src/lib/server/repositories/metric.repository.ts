import type { Db } from '../db';
import type { MetricUnit } from '../db/schema';

export interface MetricDefinition {
	key: string;
	name_en: string;
	name_zh: string;
	unit: MetricUnit;
	currency: string | null;
	step: number;
	points_per_step: number;
	daily_cap: number | null;
	self_report: boolean;
}

/** The metrics every new organization starts with. */
export const DEFAULT_METRICS: MetricDefinition[] = [
	{ key: 'deal', name_en: 'Deals won', name_zh: '成交', unit: 'count', currency: null, step: 1, points_per_step: 50, daily_cap: null, self_report: false },
	// Revenue in minor units: one point per 1,000.00 of the currency.
	{ key: 'revenue', name_en: 'Revenue', name_zh: '收入', unit: 'currency', currency: 'CNY', step: 100_000, points_per_step: 1, daily_cap: null, self_report: false },
	{ key: 'call', name_en: 'Calls', name_zh: '通话', unit: 'count', currency: null, step: 1, points_per_step: 1, daily_cap: 60, self_report: true },
	{ key: 'meeting', name_en: 'Meetings', name_zh: '会议', unit: 'count', currency: null, step: 1, points_per_step: 5, daily_cap: 40, self_report: true },
	{ key: 'new_customer', name_en: 'New customers', name_zh: '新客户', unit: 'count', currency: null, step: 1, points_per_step: 30, daily_cap: null, self_report: false }
];

export async function insertDefaultMetrics(db: Db, organizationId: string) {
	await db
		.insertInto('metrics')
		.values(DEFAULT_METRICS.map((m) => ({ ...m, organization_id: organizationId })))
		.onConflict((oc) => oc.columns(['organization_id', 'key']).doNothing())
		.execute();
}

export function listMetrics(db: Db, organizationId: string) {
	return db.selectFrom('metrics').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').orderBy('key').execute();
}
