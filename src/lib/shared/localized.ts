// Text that users name things with (metrics, contests, badges, values, training) in each interface
// language: stored as one jsonb value { en?, "zh-CN"? } with at least one language, and read through
// one helper that falls back to another language when the reader's is missing.
import { z } from 'zod';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '$lib/i18n';
import { textSchema } from './schemas';

export type LocalizedText = Partial<Record<Locale, string>>;

/**
 * The text in `locale`, else in the default language, else in any language it has ('' when empty).
 * A plain string (older rows, API input) reads as itself in every language.
 */
export function localize(text: LocalizedText | string | null | undefined, locale: Locale): string {
	if (text == null) return '';
	if (typeof text === 'string') return text;
	const own = text[locale];
	if (own) return own;
	const fallback = text[DEFAULT_LOCALE];
	if (fallback) return fallback;
	for (const other of LOCALES) if (text[other]) return text[other]!;
	return '';
}

/** Drops empty languages; plain text becomes text in `locale`. */
export function toLocalized(input: LocalizedText | string, locale: Locale = DEFAULT_LOCALE): LocalizedText {
	if (typeof input === 'string') return { [locale]: input };
	const out: LocalizedText = {};
	for (const l of LOCALES) {
		const value = input[l]?.trim();
		if (value) out[l] = value;
	}
	return out;
}

/** True when both texts say the same in every language. */
export function sameLocalized(a: LocalizedText, b: LocalizedText): boolean {
	return LOCALES.every((l) => (a[l] ?? '') === (b[l] ?? ''));
}

/**
 * Input schema: either plain text (stored in `locale`, default English) or an object { en, "zh-CN" }
 * with at least one non-empty language of at most `max` characters. Output is always a LocalizedText.
 * Messages are catalog keys.
 */
export function localizedTextSchema(max: number, locale: Locale = DEFAULT_LOCALE) {
	const optionalText = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), textSchema(max).optional());
	const object = z
		.object({ en: optionalText, 'zh-CN': optionalText })
		.strict()
		.refine((value) => LOCALES.some((l) => value[l]), { message: 'validation.localizedEmpty' })
		.transform((value) => toLocalized(value as LocalizedText));
	return z.union([textSchema(max).transform((value) => toLocalized(value, locale)), object]);
}

/** Same as localizedTextSchema, but an absent or all-empty value is allowed and reads as {}. */
export function optionalLocalizedTextSchema(max: number, locale: Locale = DEFAULT_LOCALE) {
	return z.preprocess(
		(v) => {
			if (v == null) return undefined;
			if (typeof v === 'string' && v.trim() === '') return undefined;
			if (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string' && x.trim() === '')) return undefined;
			return v;
		},
		localizedTextSchema(max, locale).optional()
	).transform((v) => v ?? {});
}
