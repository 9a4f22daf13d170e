import type { Handle, HandleServerError } from '@sveltejs/kit';
import { DEFAULT_LOCALE, htmlLang, isLocale, LOCALE_COOKIE, negotiateLocale } from '$lib/i18n';
import {
	cookieShouldBeSecure,
	deleteSessionCookie,
	SESSION_COOKIE,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/auth/session';
import { log } from '$lib/server/log';
import { getRuntime } from '$lib/server/runtime';

import { THEME_COOKIE } from '$lib/shared/preferences';

export const handle: Handle = async ({ event, resolve }) => {
	const runtime = await getRuntime();
	event.locals.runtime = runtime;
	event.locals.secureCookies = cookieShouldBeSecure(event.url, runtime.config.nodeEnv);
	event.locals.auth = null;
	event.locals.actor = null;

	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const auth = await validateSessionToken(runtime.db, token, runtime.config.sessionIdleMs);
		if (auth) {
			event.locals.auth = auth;
			event.locals.actor = {
				userId: auth.user.id,
				organizationId: auth.organization.id,
				role: auth.membership.role
			};
			if (auth.session.refreshed) {
				setSessionCookie(event.cookies, token, {
					secure: event.locals.secureCookies,
					maxAgeMs: runtime.config.sessionIdleMs
				});
			}
		} else {
			deleteSessionCookie(event.cookies, event.locals.secureCookies);
		}
	}

	const cookieLocale = event.cookies.get(LOCALE_COOKIE);
	const userLocale = event.locals.auth?.user.locale;
	event.locals.locale = isLocale(userLocale)
		? userLocale
		: isLocale(cookieLocale)
			? cookieLocale
			: (negotiateLocale(event.request.headers.get('accept-language')) ?? DEFAULT_LOCALE);

	const theme = event.cookies.get(THEME_COOKIE);
	event.locals.theme = theme === 'light' || theme === 'dark' ? theme : 'system';

	return resolve(event, {
		transformPageChunk: ({ html }) =>
			html.replace('%podium.lang%', htmlLang(event.locals.locale)).replace('%podium.theme%', event.locals.theme)
	});
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message };
	const id = crypto.randomUUID();
	log.error(`${event.request.method} ${event.url.pathname} failed (${id})`, error);
	return { message: 'Internal error', id };
};
