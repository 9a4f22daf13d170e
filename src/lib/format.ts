// Number and metric formatting for the interface, with Intl in the reader's locale.
import type { Locale } from '$lib/i18n';
import { localize, type LocalizedText } from '$lib/shared/localized';
import { currencyDigits, formatMoney } from '$lib/shared/money';
import { zonedParts } from '$lib/shared/time-windows';

export interface MetricLike {
	key: string;
	name: LocalizedText;
	/** attainment: a goal board's share of each member's target, in millionths (1,000,000 = 100%). */
	unit: 'count' | 'currency' | 'minutes' | 'attainment';
	currency: string | null;
}

/** A share as a percentage (0.734 → "73.4%"), one decimal below 10%, none above 1000%. */
export function formatPercent(share: number, locale: Locale) {
	const digits = Math.abs(share) >= 10 ? 0 : 1;
	return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: digits }).format(share);
}

/** The metric's name in the reader's language, else in the one it has. */
export function metricName(metric: Pick<MetricLike, 'name'>, locale: Locale) {
	return localize(metric.name, locale);
}

export function formatInteger(value: number, locale: Locale) {
	return new Intl.NumberFormat(locale).format(value);
}

/**
 * A metric's value: currency is stored in minor units, minutes as minutes, counts as counts.
 * `compact` (boards) shows amounts of 1,000 or more in whole major units; receipts show them exactly.
 */
export function formatValue(metric: Pick<MetricLike, 'unit' | 'currency'>, value: number, locale: Locale, options: { compact?: boolean } = {}) {
	if (metric.unit === 'currency') {
		const whole = !!options.compact && Math.abs(value) >= 1000 * 10 ** currencyDigits(metric.currency);
		return formatMoney(value, metric.currency, locale, { whole });
	}
	if (metric.unit === 'minutes') return new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute' }).format(value);
	if (metric.unit === 'attainment') return formatPercent(value / 1_000_000, locale);
	return formatInteger(value, locale);
}

export function formatDateTime(iso: string, locale: Locale, timeZone: string) {
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

export function formatTime(iso: string, locale: Locale, timeZone: string) {
	return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

/**
 * When something happened, as a feed shows it, in the organization's time zone: the time today,
 * "Yesterday 15:12", the weekday within the week ("Mon 15:12"), else the date ("Nov 12, 15:12").
 */
export function formatWhen(iso: string, now: Date, locale: Locale, timeZone: string) {
	const at = new Date(iso);
	const day = (d: Date) => {
		const p = zonedParts(d, timeZone);
		return Date.UTC(p.year, p.month - 1, p.day) / 86_400_000;
	};
	const days = day(now) - day(at);
	const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone }).format(at);
	if (days === 0) return time;
	if (days === 1) {
		const yesterday = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-1, 'day');
		return `${yesterday.charAt(0).toLocaleUpperCase(locale) + yesterday.slice(1)} ${time}`;
	}
	if (days > 1 && days < 7) return `${new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone }).format(at)} ${time}`;
	return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone }).format(at);
}

export function formatDate(iso: string, locale: Locale, timeZone: string) {
	return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone }).format(new Date(iso));
}

/** The days a period covers, `end` exclusive: one date for a one-day period, else both ends. */
export function periodDates(start: string, end: string, locale: Locale, timeZone: string): { start: string; end: string } | { day: string } {
	const first = formatDate(start, locale, timeZone);
	const last = formatDate(new Date(new Date(end).getTime() - 1).toISOString(), locale, timeZone);
	return first === last ? { day: first } : { start: first, end: last };
}
