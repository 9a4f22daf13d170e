import type { Db } from '../db';
import type { Insertable, Updateable } from 'kysely';
import type { MetricsTable, MetricUnit } from '../db/schema';
import type { LocalizedText } from '../../shared/localized';

export interface MetricDefinition {
	key: string;
	name: LocalizedText;
	unit: MetricUnit;
	currency: string | null;
	step: number;
	points_per_step: number;
	daily_cap: number | null;
	max_value: number;
	self_report: boolean;
}

/** The largest value per event a new metric gets unless an admin sets one: 1,000 items, a day of minutes, 1,000,000,000.00 of a currency with 2 decimals. */
export const DEFAULT_MAX_VALUE: Record<MetricUnit, number> = { count: 1_000, minutes: 1_440, currency: 100_000_000_000 };

/** The metrics every new organization starts with. */
export const DEFAULT_METRICS: MetricDefinition[] = [
	{ key: 'deal', name: { en: 'Deals won', 'zh-CN': '成交' }, unit: 'count', currency: null, step: 1, points_per_step: 50, daily_cap: null, max_value: DEFAULT_MAX_VALUE.count, self_report: false },
	// Revenue in minor units: one point per 1,000.00 of the currency.
	{ key: 'revenue', name: { en: 'Revenue', 'zh-CN': '收入' }, unit: 'currency', currency: 'CNY', step: 100_000, points_per_step: 1, daily_cap: null, max_value: DEFAULT_MAX_VALUE.currency, self_report: false },
	{ key: 'call', name: { en: 'Calls', 'zh-CN': '通话' }, unit: 'count', currency: null, step: 1, points_per_step: 1, daily_cap: 60, max_value: DEFAULT_MAX_VALUE.count, self_report: true },
	{ key: 'meeting', name: { en: 'Meetings', 'zh-CN': '会议' }, unit: 'count', currency: null, step: 1, points_per_step: 5, daily_cap: 40, max_value: DEFAULT_MAX_VALUE.count, self_report: true },
	{ key: 'new_customer', name: { en: 'New customers', 'zh-CN': '新客户' }, unit: 'count', currency: null, step: 1, points_per_step: 30, daily_cap: null, max_value: DEFAULT_MAX_VALUE.count, self_report: false }
];

export async function insertDefaultMetrics(db: Db, organizationId: string) {
	await db
		.insertInto('metrics')
		.values(DEFAULT_METRICS.map((m) => ({ ...m, name: JSON.stringify(m.name), organization_id: organizationId })))
		.onConflict((oc) => oc.columns(['organization_id', 'key']).doNothing())
		.execute();
}

export function listMetrics(db: Db, organizationId: string) {
	return db.selectFrom('metrics').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').orderBy('key').execute();
}

/** The organization's metrics, archived ones included, in no particular order. */
export function allMetrics(db: Db, organizationId: string) {
	return db.selectFrom('metrics').selectAll().where('organization_id', '=', organizationId).execute();
}

/** How many counted (not voiding) events each metric of the organization has. */
export function eventCountsByMetric(db: Db, organizationId: string) {
	return db
		.selectFrom('score_events')
		.select(['metric_id', (eb) => eb.fn.countAll<number>().as('n')])
		.where('organization_id', '=', organizationId)
		.where('voids_event_id', 'is', null)
		.groupBy('metric_id')
		.execute();
}

export function findMetricById(db: Db, organizationId: string, id: string) {
	return db.selectFrom('metrics').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export function findMetricIdByKey(db: Db, organizationId: string, key: string) {
	return db.selectFrom('metrics').select('id').where('organization_id', '=', organizationId).where('key', '=', key).executeTakeFirst();
}

/** A metric row to write, its name as localized text (stored as jsonb). */
type WithName<T> = Omit<T, 'name'> & { name: LocalizedText };

/** The new metric, or undefined when the key is taken (by a concurrent create too). */
export function insertMetric(db: Db, values: WithName<Insertable<MetricsTable>>) {
	return db
		.insertInto('metrics')
		.values({ ...values, name: JSON.stringify(values.name) })
		.onConflict((oc) => oc.columns(['organization_id', 'key']).doNothing())
		.returningAll()
		.executeTakeFirst();
}

export function updateMetricRow(db: Db, organizationId: string, id: string, values: Omit<Updateable<MetricsTable>, 'name'> & { name?: LocalizedText }) {
	const { name, ...rest } = values;
	return db
		.updateTable('metrics')
		.set(name === undefined ? rest : { ...rest, name: JSON.stringify(name) })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.returningAll()
		.executeTakeFirstOrThrow();
}

/** The organization's active metrics, oldest first: what can be logged and shown. */
export function listActiveMetrics(db: Db, organizationId: string) {
	return db
		.selectFrom('metrics')
		.select(['key', 'name', 'unit', 'currency', 'step', 'points_per_step', 'daily_cap', 'max_value', 'self_report'])
		.where('organization_id', '=', organizationId)
		.where('status', '=', 'active')
		.orderBy('created_at')
		.orderBy('key')
		.execute();
}

/**
 * The organization's system metric `key` (kept by the product for the points it awards itself: contest
 * prizes, kudos, adopted ideas): archived, worth 0 points a unit (each event carries its own points),
 * hidden from the metrics page. Made on first use; returns its id.
 */
export async function ensureSystemMetric(db: Db, organizationId: string, key: string, name: LocalizedText): Promise<string> {
	await db
		.insertInto('metrics')
		.values({
			organization_id: organizationId,
			key,
			name: JSON.stringify(name),
			unit: 'count',
			currency: null,
			step: 1,
			points_per_step: 0,
			daily_cap: null,
			max_value: 1,
			self_report: false,
			status: 'archived',
			system: true
		})
		.onConflict((oc) => oc.doNothing())
		.execute();
	const row = await db.selectFrom('metrics').select('id').where('organization_id', '=', organizationId).where('key', '=', key).executeTakeFirstOrThrow();
	return row.id;
}
