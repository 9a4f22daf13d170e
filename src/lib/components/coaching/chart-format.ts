// Formatting shared by the analytics views: values in the metric's unit, days and weeks in the reader's locale.
import type { Locale } from '$lib/i18n';
import { formatInteger, formatValue } from '$lib/format';
import { isoWeekday } from '$lib/charts/math';

export interface UnitLike {
	unit: 'points' | 'count' | 'currency' | 'minutes';
	currency: string | null;
}

export function valueFormatter(m: UnitLike, locale: Locale, compact = false) {
	if (m.unit === 'points' || m.unit === 'count') {
		const nf = new Intl.NumberFormat(locale, compact ? { notation: 'compact', maximumFractionDigits: 1 } : { maximumFractionDigits: 0 });
		return (v: number) => nf.format(v);
	}
	return (v: number) => formatValue({ unit: m.unit as 'currency' | 'minutes', currency: m.currency }, Math.round(v), locale, { compact });
}

const at = (day: string) => new Date(`${day}T12:00:00Z`);

export function dayFormatter(locale: Locale, options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' }) {
	const f = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
	return (day: string) => f.format(at(day));
}

/** Short weekday names, row 0 = the organization's first day of the week. */
export function weekdayNames(locale: Locale, weekStart: number) {
	const f = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
	// 2026-06-01 is a Monday.
	return Array.from({ length: 7 }, (_, i) => {
		const iso = ((weekStart - 1 + i) % 7) + 1;
		const day = `2026-06-0${iso}`;
		return isoWeekday(day) === iso ? f.format(at(day)) : '';
	});
}

export const integer = (v: number, locale: Locale) => formatInteger(v, locale);
