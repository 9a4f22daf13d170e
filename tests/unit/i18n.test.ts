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
