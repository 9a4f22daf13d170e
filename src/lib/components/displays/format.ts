// Formatting for the TV: scores in their unit, in the display's language.
import type { Locale } from '$lib/i18n';

export function formatScore(score: number, unit: 'points' | 'count' | 'currency' | 'minutes', currency: string | null, locale: Locale): string {
	if (unit === 'currency' && currency) return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: score >= 1e8 ? 2 : 0, notation: score >= 1e8 ? 'compact' : 'standard' }).format(score / 100);
	if (unit === 'minutes') return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(score / 60)} h`;
	return new Intl.NumberFormat(locale, { notation: score >= 1e7 ? 'compact' : 'standard', maximumFractionDigits: 1 }).format(score);
}

/** A stable hue per person for their avatar. */
export function hueOf(id: string): number {
	let h = 0;
	for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
	return h;
}
