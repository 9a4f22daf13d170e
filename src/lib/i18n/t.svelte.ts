// Components translate through t(): it reads the request's locale from page data, so it is
// correct during server rendering of concurrent requests and reactive in the browser.
import { page } from '$app/state';
import { DEFAULT_LOCALE, isLocale, translate, type Locale, type MessageKey, type MessageParams } from './index';

export function currentLocale(): Locale {
	const locale = page.data?.locale;
	return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

export function t(key: MessageKey, params?: MessageParams): string {
	return translate(currentLocale(), key, params);
}
