// Small display helpers of the training pages.
import type { Locale } from '$lib/i18n';
import { periodOf } from '$lib/shared/time-windows';

/** A local day (YYYY-MM-DD, already in the organization's zone) as the locale writes a date. */
export function formatDay(day: string, locale: Locale): string {
	const date = new Date(`${day}T00:00:00Z`);
	if (Number.isNaN(date.getTime())) return day;
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A share in whole percent (0 when there is nothing to share). */
export const percent = (done: number, total: number) => (total > 0 ? Math.round((done * 100) / total) : 0);

/** A hue per course, stable across renders, so each course keeps its colour everywhere. */
export function courseHue(id: string): number {
	let h = 0;
	for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
	return h;
}

/** An instant (ISO) as the date it was in the organization's time zone. */
export function formatInstantDay(iso: string, locale: Locale, timeZone: string | undefined): string {
	const day = periodOf('day', Date.parse(iso), { timeZone: timeZone ?? 'UTC', weekStart: 1 }).key;
	return formatDay(day, locale);
}
