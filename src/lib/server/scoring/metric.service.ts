// Metric administration. A metric's key and unit are fixed once created: events and boards refer to
// the key, and values are stored in the unit. Every event stores the points it earned when it was
// ingested, so a changed rule scores only later events; boards and rebuilds keep the stored points.
import { translate, type Locale, type MessageKey, type MessageParams } from '../../i18n';
import { POINTS_BOARD } from '../../shared/scoring';
import type { Db } from '../db';
import type { Metric, MetricUnit } from '../db/schema';
import { AppError, forbidden, ValidationError, type FieldIssue } from '../errors';
import { recordAudit } from '../repositories/audit.repository';
import { listMetrics } from '../repositories/metric.repository';
import type { Actor } from '../services/actor';
import { forgetOrgLookups } from './lookups';

export const METRIC_UNITS = ['count', 'currency', 'minutes'] as const satisfies readonly MetricUnit[];
export const METRIC_KEY_RE = /^[a-z][a-z0-9_-]{0,39}$/;
export const METRIC_NAME_MAX = 80;
export const MAX_STEP = 1_000_000_000_000;
export const MAX_POINTS_PER_STEP = 1_000_000;
export const MAX_DAILY_CAP = 100_000_000;

/** The fields these forms name, with their labels in this section of the catalog. */
const FIELD_LABELS: Record<string, MessageKey> = {
	key: 'scoringAdmin.fields.key',
	nameEn: 'scoringAdmin.fields.nameEn',
	nameZh: 'scoringAdmin.fields.nameZh',
	unit: 'scoringAdmin.fields.unit',
	currency: 'scoringAdmin.fields.currency',
	step: 'scoringAdmin.fields.step',
	pointsPerStep: 'scoringAdmin.fields.pointsPerStep',
	dailyCap: 'scoringAdmin.fields.dailyCap',
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

/** Decimal places of a currency's minor unit (CNY 2, JPY 0, BHD 3). */
export function currencyDigits(currency: string): number {
	try {
		return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
	} catch {
		return 2;
	}
}

function isKnownCurrency(code: string): boolean {
	if (!/^[A-Z]{3}$/.test(code)) return false;
	const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('currency');
	return supported ? supported.includes(code) : true;
}

/** Minor units as a plain decimal string in major units: 100000 CNY -> "1000". */
export function minorToMajor(minor: number, digits: number): string {
	if (digits === 0) return String(minor);
	const scale = 10 ** digits;
	const whole = Math.floor(minor / scale);
	const frac = String(minor % scale).padStart(digits, '0').replace(/0+$/, '');
	return frac ? `${whole}.${frac}` : String(whole);
}

export interface MetricView {
	id: string;
	key: string;
	nameEn: string;
	nameZh: string;
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
		nameEn: m.name_en,
		nameZh: m.name_zh,
		unit: m.unit,
		currency: m.currency,
		digits,
		step,
		stepInput: m.unit === 'currency' ? minorToMajor(step, digits) : String(step),
		pointsPerStep: Number(m.points_per_step),
		dailyCap: m.daily_cap === null ? null : Number(m.daily_cap),
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
		db
			.selectFrom('score_events')
			.select(['metric_id', (eb) => eb.fn.countAll<number>().as('n')])
			.where('organization_id', '=', actor.organizationId)
			.where('voids_event_id', 'is', null)
			.groupBy('metric_id')
			.execute()
	]);
	const byMetric = new Map(counts.map((c) => [c.metric_id, Number(c.n)]));
	return rows.map((m) => toMetricView(m, byMetric.get(m.id) ?? 0));
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

function nameField(input: Input, name: string, issues: Issues) {
	const value = text(input, name);
	if (!value) issues.add(name, 'validation.required');
	else if (value.length > METRIC_NAME_MAX) issues.add(name, 'validation.tooLong', { max: METRIC_NAME_MAX });
	return value;
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

/** A positive amount in major units with at most `digits` decimals, as minor units. */
function amount(input: Input, name: string, issues: Issues, digits: number): number | null {
	const raw = text(input, name).replace(/[,\s_]/g, '');
	if (!raw) {
		issues.add(name, 'validation.required');
		return null;
	}
	const match = /^(\d+)(?:\.(\d*))?$/.exec(raw);
	const frac = match?.[2] ?? '';
	if (!match || frac.replace(/0+$/, '').length > digits) {
		issues.add(name, 'scoringAdmin.validation.amount', { digits });
		return null;
	}
	const minor = Number(match[1]) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
	if (!Number.isSafeInteger(minor) || minor < 1 || minor > MAX_STEP) {
		issues.add(name, 'scoringAdmin.validation.amount', { digits });
		return null;
	}
	return minor;
}

const checked = (input: Input, name: string) => ['on', 'true', '1', 'yes'].includes(text(input, name).toLowerCase());

/** The rule fields shared by create and edit; `step` is read in the unit's form (major units for money). */
function ruleFields(input: Input, issues: Issues, unit: MetricUnit, digits: number) {
	return {
		nameEn: nameField(input, 'nameEn', issues),
		nameZh: nameField(input, 'nameZh', issues),
		step: unit === 'currency' ? amount(input, 'step', issues, digits) : wholeNumber(input, 'step', issues, 1, MAX_STEP),
		pointsPerStep: wholeNumber(input, 'pointsPerStep', issues, 0, MAX_POINTS_PER_STEP),
		dailyCap: wholeNumber(input, 'dailyCap', issues, 0, MAX_DAILY_CAP, true),
		selfReport: checked(input, 'selfReport')
	};
}

async function findMetric(db: Db, organizationId: string, metricId: unknown) {
	const id = typeof metricId === 'string' ? metricId.trim() : '';
	if (!id) throw new ValidationError([{ field: 'metricId', key: 'validation.required' }]);
	// Ids that are not uuids, and ids of another organization, are indistinguishable from missing ones.
	if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new AppError(404, 'validation.notFound', undefined, 'metricId');
	const metric = await db.selectFrom('metrics').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
	if (!metric) throw new AppError(404, 'validation.notFound', undefined, 'metricId');
	return metric;
}

function keyTaken(db: Db, organizationId: string, key: string) {
	return db.selectFrom('metrics').select('id').where('organization_id', '=', organizationId).where('key', '=', key).executeTakeFirst();
}

const ruleAudit = (m: { step: number | null; pointsPerStep: number | null; dailyCap: number | null; selfReport: boolean }) => ({
	step: m.step,
	pointsPerStep: m.pointsPerStep,
	dailyCap: m.dailyCap,
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
		const inserted = await trx
			.insertInto('metrics')
			.values({
				organization_id: actor.organizationId,
				key,
				name_en: rule.nameEn,
				name_zh: rule.nameZh,
				unit: unit!,
				currency,
				step: rule.step!,
				points_per_step: rule.pointsPerStep!,
				daily_cap: rule.dailyCap,
				self_report: rule.selfReport
			})
			.onConflict((oc) => oc.columns(['organization_id', 'key']).doNothing())
			.returningAll()
			.executeTakeFirst();
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
	const metric = await findMetric(db, actor.organizationId, input.metricId);
	const issues = new Issues();
	const digits = metric.unit === 'currency' && metric.currency ? currencyDigits(metric.currency) : 0;
	const rule = ruleFields(input, issues, metric.unit, digits);
	issues.throwIfAny();
	const row = await db.transaction().execute(async (trx) => {
		const updated = await trx
			.updateTable('metrics')
			.set({
				name_en: rule.nameEn,
				name_zh: rule.nameZh,
				step: rule.step!,
				points_per_step: rule.pointsPerStep!,
				daily_cap: rule.dailyCap,
				self_report: rule.selfReport
			})
			.where('organization_id', '=', actor.organizationId)
			.where('id', '=', metric.id)
			.returningAll()
			.executeTakeFirstOrThrow();
		const before = toMetricView(metric);
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'metric.updated',
			targetType: 'metric',
			targetId: metric.id,
			data: { name: metric.key, before: { nameEn: before.nameEn, nameZh: before.nameZh, ...ruleAudit(before) }, after: { nameEn: rule.nameEn, nameZh: rule.nameZh, ...ruleAudit(rule) } }
		});
		return updated;
	});
	// Ingest caches the org's metrics briefly; this process sees the change at once.
	forgetOrgLookups(actor.organizationId);
	return toMetricView(row);
}

export async function setMetricArchived(db: Db, actor: Actor, input: Input, archived: boolean): Promise<MetricView> {
	requireAdmin(actor);
	const metric = await findMetric(db, actor.organizationId, input.metricId);
	const status = archived ? 'archived' : 'active';
	if (metric.status === status) return toMetricView(metric);
	const row = await db.transaction().execute(async (trx) => {
		const updated = await trx
			.updateTable('metrics')
			.set({ status })
			.where('organization_id', '=', actor.organizationId)
			.where('id', '=', metric.id)
			.returningAll()
			.executeTakeFirstOrThrow();
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
