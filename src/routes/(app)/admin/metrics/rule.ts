// A metric's scoring rule in words, in the page's language: "50 points per deal", "1 point per 1,000.00 CNY".
import type { Locale, MessageKey, MessageParams } from '$lib/i18n';

type Translate = (key: MessageKey, params?: MessageParams) => string;

export interface RuleParts {
	key: string;
	nameZh: string;
	unit: 'count' | 'currency' | 'minutes';
	currency: string | null;
	digits: number;
	/** Items, minutes or minor currency units. */
	step: number;
	pointsPerStep: number;
	dailyCap: number | null;
}

const number = (locale: Locale, n: number, digits = 0) =>
	new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);

export function pointsText(t: Translate, locale: Locale, n: number) {
	const plural = new Intl.PluralRules(locale).select(n);
	return t(plural === 'one' ? 'scoringAdmin.rule.pointOne' : 'scoringAdmin.rule.pointMany', { n: number(locale, n) });
}

/** Minor units as an amount with its currency code: 100000 CNY -> "1,000.00 CNY". */
export function amountText(locale: Locale, minor: number, digits: number, currency: string | null) {
	return `${number(locale, minor / 10 ** digits, digits)}${currency ? ` ${currency}` : ''}`;
}

/** A value of a metric in its unit: "3", "1,200.00 CNY", "45 min". */
export function valueText(t: Translate, locale: Locale, value: number, unit: RuleParts['unit'] | null, digits: number, currency: string | null) {
	if (unit === 'currency') return amountText(locale, value, digits, currency);
	if (unit === 'minutes') return t('scoringAdmin.rule.minutesValue', { n: number(locale, value) });
	return number(locale, value);
}

export function ruleText(t: Translate, locale: Locale, m: RuleParts) {
	const points = pointsText(t, locale, m.pointsPerStep);
	const item = locale === 'zh-CN' ? m.nameZh : m.key.replace(/[_-]+/g, ' ');
	switch (m.unit) {
		case 'currency':
			return t('scoringAdmin.rule.currency', { points, amount: amountText(locale, m.step, m.digits, m.currency) });
		case 'minutes':
			return m.step === 1 ? t('scoringAdmin.rule.minute', { points }) : t('scoringAdmin.rule.minutes', { points, step: number(locale, m.step) });
		default:
			return m.step === 1 ? t('scoringAdmin.rule.count', { points, item }) : t('scoringAdmin.rule.countStep', { points, item, step: number(locale, m.step) });
	}
}

export function capText(t: Translate, locale: Locale, cap: number | null) {
	return cap === null ? t('scoringAdmin.rule.noCap') : t('scoringAdmin.rule.cap', { points: pointsText(t, locale, cap) });
}

/** Decimal places of a currency's minor unit, as the server computes them. */
export function currencyDigits(currency: string | null | undefined): number {
	if (!currency || !/^[A-Za-z]{3}$/.test(currency)) return 2;
	try {
		return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
	} catch {
		return 2;
	}
}

/** What the step field holds, in the unit's smallest form, or null while it is not a valid entry. */
export function parseStep(raw: string, unit: RuleParts['unit'], digits: number): number | null {
	const clean = raw.replace(/[,\s_]/g, '');
	const m = /^(\d+)(?:\.(\d*))?$/.exec(clean);
	if (!m) return null;
	const frac = m[2] ?? '';
	if (unit !== 'currency') return frac.replace(/0+$/, '') ? null : Number(m[1]) || null;
	if (frac.replace(/0+$/, '').length > digits) return null;
	const minor = Number(m[1]) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
	return minor > 0 ? minor : null;
}
