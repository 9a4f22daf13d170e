import { describe, expect, test } from 'vitest';
import { formatValue, formatWhen, metricName, periodDates } from '../../src/lib/format';

describe('periodDates', () => {
	test('a one-day period shows one date, longer periods both ends', () => {
		expect(periodDates('2026-11-29T16:00:00.000Z', '2026-11-30T16:00:00.000Z', 'en', 'Asia/Shanghai')).toEqual({ day: 'Nov 30' });
		expect(periodDates('2026-11-29T16:00:00.000Z', '2026-12-06T16:00:00.000Z', 'en', 'Asia/Shanghai')).toEqual({ start: 'Nov 30', end: 'Dec 6' });
		expect(periodDates('2026-11-29T16:00:00.000Z', '2026-11-30T16:00:00.000Z', 'zh-CN', 'Asia/Shanghai')).toEqual({ day: '11月30日' });
	});
});

describe('formatValue', () => {
	const cny = { unit: 'currency', currency: 'CNY' } as const;
	test('money has one display in both languages; boards round big amounts to whole units', () => {
		expect(formatValue(cny, 120_050, 'en')).toBe('¥1,200.50');
		expect(formatValue(cny, 120_050, 'zh-CN')).toBe('¥1,200.50');
		expect(formatValue(cny, 120_050, 'en', { compact: true })).toBe('¥1,201');
		expect(formatValue(cny, 99_950, 'en', { compact: true })).toBe('¥999.50');
		expect(formatValue({ unit: 'currency', currency: 'JPY' }, 5000, 'en')).toBe('¥5,000');
	});
});

describe('formatWhen', () => {
	const tz = 'Asia/Shanghai';
	// Wednesday 2 December 2026, 10:00 in Shanghai.
	const now = new Date('2026-12-02T02:00:00Z');
	test.each([
		['2026-12-02T01:12:00Z', 'en', '9:12 AM'],
		['2026-12-01T07:12:00Z', 'en', 'Yesterday 3:12 PM'],
		['2026-12-01T07:12:00Z', 'zh-CN', '昨天 15:12'],
		['2026-11-29T16:30:00Z', 'en', 'Mon 12:30 AM'],
		['2026-11-30T07:12:00Z', 'zh-CN', '周一 15:12'],
		['2026-11-20T07:12:00Z', 'en', 'Nov 20, 3:12 PM'],
		['2026-11-20T07:12:00Z', 'zh-CN', '11月20日 15:12']
	] as const)('%s in %s reads %s', (iso, locale, text) => {
		expect(formatWhen(iso, now, locale, tz)).toBe(text);
	});

	test('days follow the organization’s time zone, not the server’s', () => {
		// 23:30 UTC on 1 Dec is already 2 Dec in Shanghai: today, not yesterday.
		expect(formatWhen('2026-12-01T23:30:00Z', now, 'en', tz)).toBe('7:30 AM');
		expect(formatWhen('2026-12-01T23:30:00Z', now, 'en', 'UTC')).toBe('Yesterday 11:30 PM');
	});
});

describe('metricName', () => {
	test('reads the name in the reader’s language, else in the one the metric has', () => {
		const both = { name: { en: 'Calls', 'zh-CN': '通话' } };
		expect([metricName(both, 'en'), metricName(both, 'zh-CN')]).toEqual(['Calls', '通话']);
		expect(metricName({ name: { en: 'Referrals' } }, 'zh-CN')).toBe('Referrals');
		expect(metricName({ name: { 'zh-CN': '转介绍' } }, 'en')).toBe('转介绍');
	});
});
