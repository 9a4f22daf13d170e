// How a review's period reads: a month by Intl ("November 2026", "2026年11月"), a quarter by the catalog.
import type { Locale } from '$lib/i18n';
import { t } from '$lib/i18n/t.svelte';

export function reviewPeriodLabel(window: 'month' | 'quarter', key: string, locale: Locale): string {
	if (window === 'quarter') {
		const m = /^(\d{4})-Q([1-4])$/.exec(key);
		return m ? t('reviews.period.quarterOf', { quarter: m[2], year: m[1] }) : key;
	}
	const m = /^(\d{4})-(\d{2})$/.exec(key);
	if (!m) return key;
	return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15)));
}

/** A local day YYYY-MM-DD, read in the reader's language. */
export function dayLabel(day: string, locale: Locale): string {
	const [y, m, d] = day.split('-').map(Number);
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}
