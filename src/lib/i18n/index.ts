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

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
	// A message may have a singular form under "<key>.one", used when params.count is 1.
	const one = params?.count === 1 ? (catalogs[locale] as Record<string, string>)[`${key}.one`] : undefined;
	const template = one ?? catalogs[locale]?.[key] ?? en[key] ?? key;
	if (!params) return template;
	return template.replace(/\{(\w+)\}/g, (match, name: string) =>
		name in params ? String(params[name]) : match
	);
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
