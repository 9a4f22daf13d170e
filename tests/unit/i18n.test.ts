import { describe, expect, test } from 'vitest';
import { en } from '../../src/lib/i18n/en';
import { DEFAULT_LOCALE, htmlLang, isLocale, LOCALES, negotiateLocale, translate } from '../../src/lib/i18n';
import { zhCN } from '../../src/lib/i18n/zh-CN';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
	const keys = Object.keys(en) as (keyof typeof en)[];

	test('English has messages', () => {
		expect(keys.length).toBeGreaterThan(50);
		for (const key of keys) expect(en[key].trim(), key).not.toBe('');
	});

	test('every English key exists, non-empty, in Simplified Chinese', () => {
		const missing = keys.filter((key) => typeof zhCN[key] !== 'string' || zhCN[key].trim() === '');
		expect(missing).toEqual([]);
	});

	test('Simplified Chinese has no keys that English lacks', () => {
		expect(Object.keys(zhCN).filter((key) => !(key in en))).toEqual([]);
	});

	test('both catalogs use the same placeholders for each message', () => {
		const mismatched = keys.filter((key) => placeholders(en[key]).join() !== placeholders(zhCN[key] ?? '').join());
		expect(mismatched).toEqual([]);
	});
});

describe('translate', () => {
	test('looks messages up per locale', () => {
		expect(translate('en', 'fields.email')).toBe('E-mail');
		expect(translate('zh-CN', 'fields.email')).toBe(zhCN['fields.email']);
		expect(translate('zh-CN', 'fields.email')).not.toBe('E-mail');
	});

	test('interpolates named parameters, every occurrence, numbers too', () => {
		expect(translate('en', 'validation.tooShort', { field: 'Password', min: 10 })).toBe(
			'Password must be at least 10 characters.'
		);
		expect(translate('en', 'auth.login.rateLimited', { minutes: 15 })).toBe(
			'Too many failed sign-in attempts. Try again in 15 minutes.'
		);
		const zh = translate('zh-CN', 'validation.tooShort', { field: '密码', min: 10 });
		expect(zh).toContain('密码');
		expect(zh).toContain('10');
		expect(zh).not.toMatch(/\{\w+\}/);
	});

	test('leaves unknown placeholders visible rather than inventing values', () => {
		expect(translate('en', 'validation.tooShort', { field: 'Name' })).toBe('Name must be at least {min} characters.');
	});

	test('parameter values are inserted literally', () => {
		expect(translate('en', 'validation.required', { field: '$& {min} $1' })).toBe('$& {min} $1 is required.');
	});

	test('without parameters returns the template', () => {
		expect(translate('en', 'validation.required')).toBe('{field} is required.');
	});
});

describe('quick log wording', () => {
	test.each(LOCALES)('in %s the amount field\'s hints say more than its label, with an example', (locale) => {
		const label = translate(locale, 'lb.log.value');
		const hints = [
			translate(locale, 'lb.log.valueHint.currency', { currency: 'CNY' }),
			translate(locale, 'lb.log.valueHint.minutes'),
			translate(locale, 'lb.log.valueHint.count')
		];
		for (const hint of hints) {
			expect(hint).not.toBe(label);
			expect(hint).toMatch(locale === 'en' ? /e\.g\. \d/ : /例如 \d/);
		}
	});
});

describe('negotiateLocale', () => {
	test.each([
		['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
		['zh-TW', 'zh-CN'],
		['ZH-hans', 'zh-CN'],
		['en-US,en;q=0.9', 'en'],
		['fr-FR,fr;q=0.9,en;q=0.5,zh;q=0.7', 'zh-CN'],
		['fr-FR,en;q=0.1', 'en'],
		['en;q=0.2, zh;q=0.8', 'zh-CN'],
		['zh;q=0, en', 'en'],
		['*', undefined],
		['fr, de', undefined],
		['', undefined],
		[null, undefined],
		[undefined, undefined]
	])('%j -> %s', (header, locale) => {
		expect(negotiateLocale(header)).toBe(locale);
	});
});

describe('locales', () => {
	test('isLocale, default and html lang', () => {
		expect(LOCALES).toEqual(['en', 'zh-CN']);
		expect(DEFAULT_LOCALE).toBe('en');
		expect(isLocale('zh-CN')).toBe(true);
		expect(isLocale('zh')).toBe(false);
		expect(isLocale(undefined)).toBe(false);
		expect(htmlLang('zh-CN')).toBe('zh-Hans');
		expect(htmlLang('en')).toBe('en');
	});
});

describe('plurals', () => {
	test('English picks the .one form by Intl.PluralRules and groups the count', () => {
		expect(translate('en', 'scoringAdmin.import.rows', { count: 1 })).toBe('1 row');
		expect(translate('en', 'scoringAdmin.import.rows', { count: 0 })).toBe('0 rows');
		expect(translate('en', 'scoringAdmin.import.rows', { count: 5000 })).toBe('5,000 rows');
		expect(translate('en', 'scoringAdmin.import.importValid', { count: 1 })).toBe('Import 1 valid row');
		expect(translate('en', 'scoringAdmin.import.importValid', { count: 2 })).toBe('Import 2 valid rows');
		expect(translate('en', 'account.sessionsLead', { count: 1 })).toBe('Signed in on 1 device.');
		expect(translate('en', 'auth.login.rateLimited', { minutes: 1, count: 1 })).toBe('Too many failed sign-in attempts. Try again in 1 minute.');
	});

	test('Chinese has one form for every count', () => {
		expect(translate('zh-CN', 'scoringAdmin.import.rows', { count: 1 })).toBe('1 行');
		expect(translate('zh-CN', 'scoringAdmin.import.rows', { count: 3 })).toBe('3 行');
	});

	test('every plural form has its base message with the same placeholders, in both catalogs', () => {
		const forms = Object.keys(en).filter((key) => /\.(zero|one|two|few|many)$/.test(key));
		expect(forms.length).toBeGreaterThan(5);
		for (const form of forms) {
			const base = form.replace(/\.\w+$/, '') as keyof typeof en;
			expect(en[base], form).toBeTypeOf('string');
		}
	});

	test('no English message counts with a bare plural noun without its singular form', () => {
		const counted = Object.keys(en).filter((key) => /\{count\} [a-z]+s\b/.test(en[key as keyof typeof en]) && !(`${key}.one` in en));
		// These two only ever count more than one: a row with extra fields, a file over the row limit.
		expect(counted.sort()).toEqual(['scoringAdmin.import.err.extraFields', 'scoringAdmin.import.tooManyRows']);
	});
});
