// Metric administration. A metric's key and unit are fixed once created: events and boards refer to
// the key, and values are stored in the unit. Every event stores the points it earned when it was
// ingested, so a changed rule scores only later events; boards and rebuilds keep the stored points.
import { LOCALES, translate, type Locale, type MessageKey, type MessageParams } from '../../i18n';
import type { LocalizedText } from '../../shared/localized';
import { currencyDigits, minorToInput, parseMoney } from '../../shared/money';
import { isWellFormedText } from '../../shared/schemas';
import { POINTS_BOARD } from '../../shared/scoring';
import type { Db } from '../db';
import type { Metric, MetricUnit } from '../db/schema';
import { AppError, forbidden, ValidationError, type FieldIssue } from '../platform/errors';
import { recordAudit } from '../org/audit.repository';
import {
	DEFAULT_MAX_VALUE,
	eventCountsByMetric,
	findMetricById,
	findMetricIdByKey,
	insertMetric,
	listMetrics,
	updateMetricRow
} from './metric.repository';
import type { Actor } from '../org/actor';
import { forgetOrgLookups } from './lookups';

export { currencyDigits };

export const METRIC_UNITS = ['count', 'currency', 'minutes'] as const satisfies readonly MetricUnit[];
export const METRIC_KEY_RE = /^[a-z][a-z0-9_-]{0,39}$/;
export const METRIC_NAME_MAX = 80;
export const MAX_STEP = 1_000_000_000_000;
export const MAX_POINTS_PER_STEP = 1_000_000;
export const MAX_DAILY_CAP = 100_000_000;
/** The largest value per event an admin may allow (the ingest schema's bound, MAX_VALUE in event.service). */
export const MAX_MAX_VALUE = 1_000_000_000_000;

/** The fields these forms name, with their labels in this section of the catalog. */
const FIELD_LABELS: Record<string, MessageKey> = {
	key: 'scoringAdmin.fields.key',
	'name.en': 'scoringAdmin.fields.name.en',
	'name.zh-CN': 'scoringAdmin.fields.name.zh-CN',
	unit: 'scoringAdmin.fields.unit',
	currency: 'scoringAdmin.fields.currency',
	step: 'scoringAdmin.fields.step',
	pointsPerStep: 'scoringAdmin.fields.pointsPerStep',
	dailyCap: 'scoringAdmin.fields.dailyCap',
	maxValue: 'scoringAdmin.fields.maxValue',
	selfReport: 'scoringAdmin.fields.selfReport',
	metricId: 'scoringAdmin.fields.metric',
	tokenName: 'scoringAdmin.fields.tokenName',
	name: 'scoringAdmin.fields.tokenName',
	scopes: 'scoringAdmin.fields.scopes',
	tokenId: 'scoringAdmin.fields.token',
	csv: 'scoringAdmin.fields.csv',
	file: 'scoringAdmin.fields.file'
};

/**
 * Runs `work` and gives the fields of its refusal their labels from this section, so that a message
 * names "Points per step" rather than "pointsPerStep" (describeError lets params.field win).
 */
export async function withFieldLabels<T>(locale: Locale, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		const label = (field: string) => (FIELD_LABELS[field] ? translate(locale, FIELD_LABELS[field]) : undefined);
		if (error instanceof ValidationError) {
			throw new ValidationError(
				error.issues.map((issue) => {
					const field = label(issue.field);
					return field ? { ...issue, params: { ...issue.params, field } } : issue;
				})
			);
		}
		if (error instanceof AppError && error.field && label(error.field)) {
			throw new AppError(error.status, error.key, { ...error.params, field: label(error.field)! }, error.field);
		}
		throw error;
	}
}

function isKnownCurrency(code: string): boolean {
	if (!/^[A-Z]{3}$/.test(code)) return false;
	const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('currency');
	return supported ? supported.includes(code) : true;
}

export interface MetricView {
	id: string;
	key: string;
	/** In one or both languages; read it with localize(). */
	name: LocalizedText;
	unit: MetricUnit;
	currency: string | null;
	/** Decimal places of the currency (0 for count and minutes). */
	digits: number;
	/** In the unit's smallest form: items, minutes or minor currency units. */
	step: number;
	/** The step as an admin types it: major currency units for money. */
	stepInput: string;
	pointsPerStep: number;
	dailyCap: number | null;
	/** The largest value per event, in the unit's smallest form. */
	maxValue: number;
	/** The largest value as an admin types it: major currency units for money. */
	maxValueInput: string;
	selfReport: boolean;
	status: 'active' | 'archived';
	events: number;
}

export function toMetricView(m: Metric, events = 0): MetricView {
	const digits = m.unit === 'currency' && m.currency ? currencyDigits(m.currency) : 0;
	const step = Number(m.step);
	return {
		id: m.id,
		key: m.key,
		name: m.name,
		unit: m.unit,
		currency: m.currency,
		digits,
		step,
		stepInput: m.unit === 'currency' ? minorToInput(step, digits) : String(step),
		pointsPerStep: Number(m.points_per_step),
		dailyCap: m.daily_cap === null ? null : Number(m.daily_cap),
		maxValue: Number(m.max_value),
		maxValueInput: m.unit === 'currency' ? minorToInput(Number(m.max_value), digits) : String(m.max_value),
		selfReport: m.self_report,
		status: m.status,
		events
	};
}

function requireAdmin(actor: Actor) {
	if (actor.role !== 'admin') throw forbidden();
}

/** Every metric of the actor's organization with how many events use it (admins only). */
export async function metricsOf(db: Db, actor: Actor): Promise<MetricView[]> {
	requireAdmin(actor);
	const [rows, counts] = await Promise.all([
		listMetrics(db, actor.organizationId),
		eventCountsByMetric(db, actor.organizationId)
	]);
	const byMetric = new Map(counts.map((c) => [c.metric_id, Number(c.n)]));
	// System metrics (a contest's prize points) are the product's, not the admins': left out.
	return rows.filter((m) => !m.system).map((m) => toMetricView(m, byMetric.get(m.id) ?? 0));
}

// ---- input --------------------------------------------------------------------------------------

type Input = Record<string, unknown>;

class Issues {
	readonly list: FieldIssue[] = [];
	add(field: string, key: MessageKey, params?: MessageParams) {
		if (!this.list.some((i) => i.field === field)) this.list.push({ field, key, params });
	}
	throwIfAny() {
		if (this.list.length) throw new ValidationError(this.list);
	}
}

const text = (input: Input, name: string) => (typeof input[name] === 'string' ? (input[name] as string).trim() : '');

/** The form field of the name in each language. */
export const NAME_FIELDS: Record<Locale, string> = { en: 'name.en', 'zh-CN': 'name.zh-CN' };

/** The name from one field per language: each optional, at least one given (the refusal is under English). */
function nameFields(input: Input, issues: Issues): LocalizedText {
	const name: LocalizedText = {};
	for (const locale of LOCALES) {
		const field = NAME_FIELDS[locale];
		const value = text(input, field);
		if (!value) continue;
		if (value.length > METRIC_NAME_MAX) issues.add(field, 'validation.tooLong', { max: METRIC_NAME_MAX });
		else if (!isWellFormedText(value)) issues.add(field, 'validation.illFormed');
		else name[locale] = value;
	}
	const refused = LOCALES.some((l) => issues.list.some((i) => i.field === NAME_FIELDS[l]));
	if (!refused && Object.keys(name).length === 0) issues.add(NAME_FIELDS.en, 'scoringAdmin.validation.nameRequired');
	return name;
}

function wholeNumber(input: Input, name: string, issues: Issues, min: number, max: number, optional = false): number | null {
	const raw = text(input, name).replace(/[,\s_]/g, '');
	if (!raw) {
		if (!optional) issues.add(name, 'validation.required');
		return null;
	}
	const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
	if (!Number.isSafeInteger(n) || n < min || n > max) {
		issues.add(name, 'scoringAdmin.validation.wholeNumber', { min: min.toLocaleString('en'), max: max.toLocaleString('en') });
		return null;
	}
	return n;
}

/** A positive amount in major units with at most `digits` decimals, as minor units (digit grouping allowed). */
function amount(input: Input, name: string, issues: Issues, digits: number, max = MAX_STEP, optional = false): number | null {
	const raw = text(input, name).replace(/[,\s_]/g, '');
	if (!raw) {
		if (!optional) issues.add(name, 'validation.required');
		return null;
	}
	const parsed = parseMoney(raw, digits, { max });
	if (!parsed.ok || parsed.minor < 1) {
		issues.add(name, 'scoringAdmin.validation.amount', { digits });
		return null;
	}
	return parsed.minor;
}

const checked = (input: Input, name: string) => ['on', 'true', '1', 'yes'].includes(text(input, name).toLowerCase());

/** The rule fields shared by create and edit; `step` is read in the unit's form (major units for money). */
function ruleFields(input: Input, issues: Issues, unit: MetricUnit, digits: number) {
	return {
		name: nameFields(input, issues),
		step: unit === 'currency' ? amount(input, 'step', issues, digits) : wholeNumber(input, 'step', issues, 1, MAX_STEP),
		pointsPerStep: wholeNumber(input, 'pointsPerStep', issues, 0, MAX_POINTS_PER_STEP),
		dailyCap: wholeNumber(input, 'dailyCap', issues, 0, MAX_DAILY_CAP, true),
		// Empty: the unit's default (DEFAULT_MAX_VALUE).
		maxValue:
			(unit === 'currency' ? amount(input, 'maxValue', issues, digits, MAX_MAX_VALUE, true) : wholeNumber(input, 'maxValue', issues, 1, MAX_MAX_VALUE, true)) ??
			DEFAULT_MAX_VALUE[unit],
		selfReport: checked(input, 'selfReport')
	};
}

async function findMetric(db: Db, organizationId: string, metricId: unknown) {
	const id = typeof metricId === 'string' ? metricId.trim() : '';
	if (!id) throw new ValidationError([{ field: 'metricId', key: 'validation.required' }]);
	// Ids that are not uuids, and ids of another organization, are indistinguishable from missing ones.
	if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new AppError(404, 'validation.notFound', undefined, 'metricId');
	const metric = await findMetricById(db, organizationId, id);
	if (!metric) throw new AppError(404, 'validation.notFound', undefined, 'metricId');
	return metric;
}

/** A metric the admin may change: not a system metric (kept by the product for its own points). */
async function findAdminMetric(db: Db, organizationId: string, metricId: unknown) {
	const metric = await findMetric(db, organizationId, metricId);
	if (metric.system) throw new AppError(409, 'scoringAdmin.validation.systemMetric', undefined, 'metricId');
	return metric;
}

function keyTaken(db: Db, organizationId: string, key: string) {
	return findMetricIdByKey(db, organizationId, key);
}

const ruleAudit = (m: { step: number | null; pointsPerStep: number | null; dailyCap: number | null; maxValue: number; selfReport: boolean }) => ({
	step: m.step,
	pointsPerStep: m.pointsPerStep,
	dailyCap: m.dailyCap,
	maxValue: m.maxValue,
	selfReport: m.selfReport
});

// ---- commands -----------------------------------------------------------------------------------

export async function createMetric(db: Db, actor: Actor, input: Input): Promise<MetricView> {
	requireAdmin(actor);
	const issues = new Issues();
	const key = text(input, 'key');
	if (!key) issues.add('key', 'validation.required');
	else if (!METRIC_KEY_RE.test(key)) issues.add('key', 'scoringAdmin.validation.key');
	else if (key === POINTS_BOARD) issues.add('key', 'scoringAdmin.validation.keyReserved');
	const unitRaw = text(input, 'unit');
	const unit = (METRIC_UNITS as readonly string[]).includes(unitRaw) ? (unitRaw as MetricUnit) : null;
	if (!unit) issues.add('unit', unitRaw ? 'validation.choice' : 'validation.required');
	let currency: string | null = null;
	if (unit === 'currency') {
		currency = text(input, 'currency').toUpperCase();
		if (!currency) issues.add('currency', 'validation.required');
		else if (!isKnownCurrency(currency)) issues.add('currency', 'scoringAdmin.validation.currency');
	}
	const digits = currency && !issues.list.some((i) => i.field === 'currency') ? currencyDigits(currency) : 2;
	const rule = ruleFields(input, issues, unit ?? 'count', digits);
	issues.throwIfAny();

	const row = await db.transaction().execute(async (trx) => {
		if (await keyTaken(trx, actor.organizationId, key)) throw new AppError(409, 'scoringAdmin.validation.keyTaken', { key }, 'key');
		const inserted = await insertMetric(trx, {
			organization_id: actor.organizationId,
			key,
			name: rule.name,
			unit: unit!,
			currency,
			step: rule.step!,
			points_per_step: rule.pointsPerStep!,
			daily_cap: rule.dailyCap,
			max_value: rule.maxValue,
			self_report: rule.selfReport
		});
		if (!inserted) throw new AppError(409, 'scoringAdmin.validation.keyTaken', { key }, 'key');
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'metric.created',
			targetType: 'metric',
			targetId: inserted.id,
			data: { name: key, unit, currency, ...ruleAudit(rule) }
		});
		return inserted;
	});
	// Ingest caches the org's metrics briefly; this process sees the change at once.
	forgetOrgLookups(actor.organizationId);
	return toMetricView(row);
}

/** Changes names and the rule. The key and unit stay; a `key` or `unit` in the input is ignored. */
export async function updateMetric(db: Db, actor: Actor, input: Input): Promise<MetricView> {
	requireAdmin(actor);
	const metric = await findAdminMetric(db, actor.organizationId, input.metricId);
	const issues = new Issues();
	const digits = metric.unit === 'currency' && metric.currency ? currencyDigits(metric.currency) : 0;
	const rule = ruleFields(input, issues, metric.unit, digits);
	issues.throwIfAny();
	const row = await db.transaction().execute(async (trx) => {
		const updated = await updateMetricRow(trx, actor.organizationId, metric.id, {
			name: rule.name,
			step: rule.step!,
			points_per_step: rule.pointsPerStep!,
			daily_cap: rule.dailyCap,
			max_value: rule.maxValue,
			self_report: rule.selfReport
		});
		const before = toMetricView(metric);
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'metric.updated',
			targetType: 'metric',
			targetId: metric.id,
			data: { name: metric.key, before: { name: before.name, ...ruleAudit(before) }, after: { name: rule.name, ...ruleAudit(rule) } }
		});
		return updated;
	});
	// Ingest caches the org's metrics briefly; this process sees the change at once.
	forgetOrgLookups(actor.organizationId);
	return toMetricView(row);
}

export async function setMetricArchived(db: Db, actor: Actor, input: Input, archived: boolean): Promise<MetricView> {
	requireAdmin(actor);
	const metric = await findAdminMetric(db, actor.organizationId, input.metricId);
	const status = archived ? 'archived' : 'active';
	if (metric.status === status) return toMetricView(metric);
	const row = await db.transaction().execute(async (trx) => {
		const updated = await updateMetricRow(trx, actor.organizationId, metric.id, { status });
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: archived ? 'metric.archived' : 'metric.restored',
			targetType: 'metric',
			targetId: metric.id,
			data: { name: metric.key }
		});
		return updated;
	});
	// Ingest caches the org's metrics briefly; this process sees the change at once.
	forgetOrgLookups(actor.organizationId);
	return toMetricView(row);
}
