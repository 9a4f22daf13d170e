// A metric's scoring rule in words, in the page's language: "50 points per deal", "1 point per ¥1,000.00".
import type { Locale, MessageKey, MessageParams } from '$lib/i18n';
import { localize, type LocalizedText } from '$lib/shared/localized';
import { currencyDigits, formatMoney, parseMoney } from '$lib/shared/money';

export { currencyDigits };

type Translate = (key: MessageKey, params?: MessageParams) => string;

export interface RuleParts {
	key: string;
	name: LocalizedText;
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
	return t('scoringAdmin.rule.points', { count: n });
}

/** Minor units as money, the one way the app shows it: 100000 CNY -> "¥1,000.00". */
export function amountText(locale: Locale, minor: number, currency: string | null) {
	return formatMoney(minor, currency, locale);
}

/** A value of a metric in its unit: "3", "¥1,200.00", "45 min". */
export function valueText(t: Translate, locale: Locale, value: number, unit: RuleParts['unit'] | null, currency: string | null) {
	if (unit === 'currency') return amountText(locale, value, currency);
	if (unit === 'minutes') return t('scoringAdmin.rule.minutesValue', { n: number(locale, value) });
	return number(locale, value);
}

export function ruleText(t: Translate, locale: Locale, m: RuleParts) {
	const points = pointsText(t, locale, m.pointsPerStep);
	// Chinese counts the metric by its name (in English when it has no Chinese one); English by its key.
	const item = locale === 'zh-CN' ? localize(m.name, locale) || m.key : m.key.replace(/[_-]+/g, ' ');
	switch (m.unit) {
		case 'currency':
			return t('scoringAdmin.rule.currency', { points, amount: amountText(locale, m.step, m.currency) });
		case 'minutes':
			return m.step === 1 ? t('scoringAdmin.rule.minute', { points }) : t('scoringAdmin.rule.minutes', { points, step: number(locale, m.step) });
		default:
			return m.step === 1 ? t('scoringAdmin.rule.count', { points, item }) : t('scoringAdmin.rule.countStep', { points, item, step: number(locale, m.step) });
	}
}

export function capText(t: Translate, locale: Locale, cap: number | null) {
	return cap === null ? t('scoringAdmin.rule.noCap') : t('scoringAdmin.rule.cap', { points: pointsText(t, locale, cap) });
}

/** What the step field holds, in the unit's smallest form, or null while it is not a valid entry. */
export function parseStep(raw: string, unit: RuleParts['unit'], digits: number): number | null {
	const clean = raw.replace(/[,\s_]/g, '');
	if (unit !== 'currency') return /^\d+$/.test(clean) ? Number(clean) || null : null;
	const parsed = parseMoney(clean, digits);
	return parsed.ok && parsed.minor > 0 ? parsed.minor : null;
}
