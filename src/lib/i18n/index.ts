// The message catalog. Every user-visible string is looked up here, in English or Simplified Chinese.
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey };
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const LOCALE_COOKIE = 'podium_locale';

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export type MessageParams = Record<string, string | number>;

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Plurals: a message that counts something takes its number as `params.count` (a number). Its
 * forms are separate keys: the base key holds the `other` form, and `<key>.<category>` holds the
 * form for another CLDR category of Intl.PluralRules in that language ("<key>.one" in English:
 * 'import.rows': '{count} rows', 'import.rows.one': '{count} row'). Chinese has only `other`, so
 * its `.one` keys repeat the base text (every catalog has the same keys). A message that counts two
 * things takes each as a counted sub-message in a parameter. `{count}` is shown with the locale's
 * digit grouping.
 */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
	const catalog = (catalogs[locale] ?? en) as Record<string, string>;
	const count = params?.count;
	const form = typeof count === 'number' ? catalog[`${key}.${pluralRules(locale).select(count)}`] : undefined;
	const template = form ?? catalog[key] ?? en[key] ?? key;
	if (!params) return template;
	return template.replace(/\{(\w+)\}/g, (match, name: string) => {
		if (!(name in params)) return match;
		const value = params[name];
		return name === 'count' && typeof value === 'number' ? numberFormat(locale).format(value) : String(value);
	});
}

const plurals = new Map<Locale, Intl.PluralRules>();
const numbers = new Map<Locale, Intl.NumberFormat>();
function pluralRules(locale: Locale) {
	let rules = plurals.get(locale);
	if (!rules) plurals.set(locale, (rules = new Intl.PluralRules(locale)));
	return rules;
}
function numberFormat(locale: Locale) {
	let format = numbers.get(locale);
	if (!format) numbers.set(locale, (format = new Intl.NumberFormat(locale)));
	return format;
}

/** Picks the best supported locale from an Accept-Language header. */
export function negotiateLocale(header: string | null | undefined): Locale | undefined {
	if (!header) return undefined;
	const ranked = header
		.split(',')
		.map((part) => {
			const [tag, ...rest] = part.trim().split(';');
			const q = rest.find((p) => p.trim().startsWith('q='));
			return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
		})
		.filter((entry) => entry.tag && entry.q > 0)
		.sort((a, b) => b.q - a.q);
	for (const { tag } of ranked) {
		if (tag.startsWith('zh')) return 'zh-CN';
		if (tag.startsWith('en')) return 'en';
	}
	return undefined;
}

export function htmlLang(locale: Locale) {
	return locale === 'zh-CN' ? 'zh-Hans' : 'en';
}
