import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { currencyDigits, formatMoney, minorToInput, minorToMajor, parseMoney } from '../../src/lib/shared/money';

describe('money', () => {
	test('digits per currency come from Intl', () => {
		expect(currencyDigits('CNY')).toBe(2);
		expect(currencyDigits('JPY')).toBe(0);
		expect(currencyDigits('BHD')).toBe(3);
		expect(currencyDigits('usd')).toBe(2);
		expect(currencyDigits(null)).toBe(2);
	});

	test.each([
		['1000', 2, 100_000],
		['1000.5', 2, 100_050],
		['0.05', 2, 5],
		[' 12.34 ', 2, 1234],
		['1000', 0, 1000],
		['1.234', 3, 1234],
		['007', 2, 700],
		['9007199254740991', 0, Number.MAX_SAFE_INTEGER]
	])('parses %j with %i digits as %i minor units', (raw, digits, minor) => {
		expect(parseMoney(raw, digits)).toEqual({ ok: true, minor });
	});

	test.each([
		['', 2, 'required'],
		['   ', 2, 'required'],
		['-1', 2, 'format'],
		['+1', 2, 'format'],
		['1e3', 2, 'format'],
		['0x10', 2, 'format'],
		['1,000', 2, 'format'],
		['.5', 2, 'format'],
		['5.', 2, 'format'],
		['Infinity', 2, 'format'],
		['10.005', 2, 'decimals'],
		['10.5', 0, 'decimals'],
		['1.2345', 3, 'decimals'],
		['90071992547409.92', 2, 'range'],
		['99999999999999999999', 0, 'range']
	])('refuses %j with %i digits: %s', (raw, digits, error) => {
		expect(parseMoney(raw, digits)).toEqual({ ok: false, error });
	});

	test('a maximum in minor units is inclusive', () => {
		expect(parseMoney('100.00', 2, { max: 10_000 })).toEqual({ ok: true, minor: 10_000 });
		expect(parseMoney('100.01', 2, { max: 10_000 })).toEqual({ ok: false, error: 'range' });
	});

	test('parse(minorToMajor(x)) round-trips for every safe amount and digit count', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 2, 3), (minor, digits) => {
				expect(parseMoney(minorToMajor(minor, digits), digits)).toEqual({ ok: true, minor });
				expect(parseMoney(minorToInput(minor, digits), digits)).toEqual({ ok: true, minor });
			})
		);
	});

	test('a plain major string round-trips through parse', () => {
		fc.assert(
			fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.constantFrom(0, 2, 3), fc.nat(), (whole, digits, fracSeed) => {
				const frac = digits ? String(fracSeed % 10 ** digits).padStart(digits, '0') : '';
				const major = digits ? `${whole}.${frac}` : String(whole);
				const parsed = parseMoney(major, digits);
				expect(parsed.ok).toBe(true);
				if (parsed.ok) expect(minorToMajor(parsed.minor, digits)).toBe(major);
			})
		);
	});

	test('minorToMajor is exact for huge and negative amounts', () => {
		expect(minorToMajor(Number.MAX_SAFE_INTEGER, 2)).toBe('90071992547409.91');
		expect(minorToMajor(-5, 2)).toBe('-0.05');
		expect(minorToMajor(1234, 3)).toBe('1.234');
		expect(minorToMajor(1234, 0)).toBe('1234');
		expect(minorToInput(100_000, 2)).toBe('1000');
		expect(minorToInput(100_050, 2)).toBe('1000.5');
	});

	test('one display in both languages: the narrow symbol and the currency digits', () => {
		expect(formatMoney(100_000, 'CNY', 'en')).toBe('¥1,000.00');
		expect(formatMoney(100_000, 'CNY', 'zh-CN')).toBe('¥1,000.00');
		expect(formatMoney(1000, 'JPY', 'en')).toBe('¥1,000');
		expect(formatMoney(1234, 'BHD', 'en')).toMatch(/1\.234$/);
		expect(formatMoney(250_050, 'USD', 'zh-CN')).toBe('$2,500.50');
		expect(formatMoney(-5, 'CNY', 'en')).toBe('-¥0.05');
	});

	test('huge amounts format exactly, never through a float', () => {
		expect(formatMoney(Number.MAX_SAFE_INTEGER, 'CNY', 'en')).toBe('¥90,071,992,547,409.91');
		expect(formatMoney(12_345_678_901_234_567_891n, 'CNY', 'en')).toBe('¥123,456,789,012,345,678.91');
		fc.assert(
			fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (minor) => {
				const shown = formatMoney(minor, 'CNY', 'en').replace(/[¥,]/g, '');
				expect(shown).toBe(minorToMajor(minor, 2));
			})
		);
	});

	test('whole drops the minor digits, rounding half away from zero', () => {
		expect(formatMoney(123_456_750, 'CNY', 'en', { whole: true })).toBe('¥1,234,568');
		expect(formatMoney(123_456_749, 'CNY', 'zh-CN', { whole: true })).toBe('¥1,234,567');
	});
});
