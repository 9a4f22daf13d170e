import { describe, expect, it } from 'vitest';
import { localize, localizedTextSchema, optionalLocalizedTextSchema, toLocalized } from '$lib/shared/localized';

describe('localized text', () => {
	it('reads the reader’s language, then English, then any language', () => {
		expect(localize({ en: 'Calls', 'zh-CN': '电话' }, 'zh-CN')).toBe('电话');
		expect(localize({ en: 'Calls', 'zh-CN': '电话' }, 'en')).toBe('Calls');
		expect(localize({ en: 'Calls' }, 'zh-CN')).toBe('Calls');
		expect(localize({ 'zh-CN': '电话' }, 'en')).toBe('电话');
		expect(localize({}, 'en')).toBe('');
		expect(localize('plain', 'zh-CN')).toBe('plain');
		expect(localize(null, 'en')).toBe('');
	});

	it('accepts plain text or an object with at least one language, and refuses the rest', () => {
		const schema = localizedTextSchema(10);
		expect(schema.parse('  Calls ')).toEqual({ en: 'Calls' });
		expect(localizedTextSchema(10, 'zh-CN').parse('电话')).toEqual({ 'zh-CN': '电话' });
		expect(schema.parse({ en: 'Calls', 'zh-CN': ' ' })).toEqual({ en: 'Calls' });
		expect(schema.safeParse({ en: '', 'zh-CN': '' }).success).toBe(false);
		expect(schema.safeParse({}).success).toBe(false);
		expect(schema.safeParse({ fr: 'Appels' }).success).toBe(false);
		expect(schema.safeParse('x'.repeat(11)).success).toBe(false);
		expect(schema.safeParse({ en: 'x'.repeat(11) }).success).toBe(false);
		expect(schema.safeParse('a\u0000b').success).toBe(false);
		expect(schema.safeParse(42).success).toBe(false);
	});

	it('lets an optional text be absent or empty', () => {
		const schema = optionalLocalizedTextSchema(10);
		expect(schema.parse(undefined)).toEqual({});
		expect(schema.parse('')).toEqual({});
		expect(schema.parse({ en: '', 'zh-CN': '' })).toEqual({});
		expect(schema.parse({ 'zh-CN': '说明' })).toEqual({ 'zh-CN': '说明' });
		expect(toLocalized({ en: ' a ', 'zh-CN': '' })).toEqual({ en: 'a' });
	});
});
