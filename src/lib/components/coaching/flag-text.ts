// What a flag says, in words: the same sentence on the flags page, its CSV and the server's CSV export.
import { translate, type Locale } from '$lib/i18n';
import { formatInteger, formatPercent, formatValue } from '$lib/format';
import { localize } from '$lib/shared/localized';
import type { FlagView } from '$lib/shared/flags';

const num = (x: number, locale: Locale) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(x);

/** The month key "2026-11" (or a local day) as the reader says it. */
export function monthLabel(key: string, locale: Locale) {
	const [y, m] = key.split('-').map(Number);
	if (!y || !m) return key;
	return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, 15));
}

export function dayLabel(day: string, locale: Locale) {
	return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** The period a flag is about, as the reader says it. */
export function flagWindow(flag: Pick<FlagView, 'details'>, locale: Locale): string {
	const d = flag.details;
	switch (d.kind) {
		case 'self_report_spike':
			return dayLabel(d.day, locale);
		case 'bunching':
			return d.contest ? localize(d.contest.name, locale) : monthLabel(d.label, locale);
		default:
			return monthLabel(d.month, locale);
	}
}

/** One sentence per thing seen (a spike can be on several metrics, repeats on several notes). */
export function explainFlag(flag: Pick<FlagView, 'details'>, locale: Locale): string[] {
	const d = flag.details;
	switch (d.kind) {
		case 'self_report_spike':
			return d.metrics.map((m) => {
				const unit = { unit: m.unit as 'count', currency: m.currency };
				return translate(locale, 'flags.explain.spike', { metric: localize(m.name, locale), value: formatValue(unit, m.value, locale), day: dayLabel(d.day, locale), median: formatValue(unit, Math.round(m.median), locale), z: num(m.z, locale), days: formatInteger(m.historyDays, locale) });
			});
		case 'bunching': {
			const params = { inWindow: formatInteger(d.inWindow, locale), total: formatInteger(d.total, locale), share: formatPercent(d.share, locale), hours: formatInteger(d.hours, locale), expected: formatPercent(d.expected, locale) };
			if (d.boundary === 'contest') return [translate(locale, 'flags.explain.bunching.contest', { ...params, name: d.contest ? localize(d.contest.name, locale) : '' })];
			return [translate(locale, d.boundary === 'quarter' ? 'flags.explain.bunching.quarter' : 'flags.explain.bunching.month', { ...params, label: monthLabel(d.label, locale) })];
		}
		case 'voids':
			return [translate(locale, 'flags.explain.voids', { voided: formatInteger(d.voided, locale), total: formatInteger(d.total, locale), month: monthLabel(d.month, locale), rate: formatPercent(d.rate, locale), baseline: formatPercent(d.baseline, locale) })];
		case 'duplicate_notes':
			return d.notes.map((n) => translate(locale, 'flags.explain.notes', { note: n.note, count: n.count, month: monthLabel(d.month, locale) }));
	}
}

/** The flags as a table (the page's CSV and the server's export share it). */
export function flagTable(flags: FlagView[], locale: Locale, timeZone: string) {
	const tr = (key: Parameters<typeof translate>[1]) => translate(locale, key);
	const when = (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
	return {
		header: [tr('flags.table.rep'), tr('flags.table.team'), tr('flags.table.kind'), tr('flags.table.window'), tr('flags.table.detail'), tr('flags.table.status'), tr('flags.table.detected'), tr('flags.table.events'), tr('flags.table.reason')],
		rows: flags.map((f) => [
			f.rep.name,
			f.rep.teamName ?? '',
			tr(`flags.kind.${f.kind}`),
			flagWindow(f, locale),
			explainFlag(f, locale).join(' '),
			tr(`flags.status.${f.status}`),
			when(f.detectedAt),
			f.eventIds.length,
			f.dismissal?.reason ?? ''
		])
	};
}
