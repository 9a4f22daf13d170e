// Number and metric formatting for the interface, with Intl in the reader's locale.
import type { Locale } from '$lib/i18n';

export interface MetricLike {
	key: string;
	nameEn: string;
	nameZh: string;
	unit: 'count' | 'currency' | 'minutes';
	currency: string | null;
}

export function metricName(metric: MetricLike, locale: Locale) {
	return locale === 'zh-CN' ? metric.nameZh : metric.nameEn;
}

export function formatInteger(value: number, locale: Locale) {
	return new Intl.NumberFormat(locale).format(value);
}

/** A metric's value: currency is stored in minor units, minutes as minutes, counts as counts. */
export function formatValue(metric: Pick<MetricLike, 'unit' | 'currency'>, value: number, locale: Locale) {
	if (metric.unit === 'currency') {
		return new Intl.NumberFormat(locale, {
			style: 'currency',
			currency: metric.currency ?? 'CNY',
			maximumFractionDigits: Math.abs(value) >= 100_000 ? 0 : 2
		}).format(value / 100);
	}
	if (metric.unit === 'minutes') return new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute' }).format(value);
	return formatInteger(value, locale);
}

export function formatDateTime(iso: string, locale: Locale, timeZone: string) {
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

export function formatTime(iso: string, locale: Locale, timeZone: string) {
	return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

export function formatDate(iso: string, locale: Locale, timeZone: string) {
	return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone }).format(new Date(iso));
}
