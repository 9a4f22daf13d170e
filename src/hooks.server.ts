import type { Handle, HandleServerError, RequestEvent } from '@sveltejs/kit';
import { DEFAULT_LOCALE, htmlLang, isLocale, LOCALE_COOKIE, negotiateLocale, translate, type Locale } from '$lib/i18n';
import {
	cookieShouldBeSecure,
	deleteSessionCookie,
	SESSION_COOKIE,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/auth/session';
import { log } from '$lib/server/platform/log';
import { getRuntime } from '$lib/server/platform/runtime';
import {
	applySecurityHeaders,
	badParameterResponse,
	crossSiteRefusal,
	crossSiteResponse,
	nulQueryParameter
} from '$lib/server/platform/security';
import { isUnavailableError, RETRY_AFTER_SECONDS, unavailableResponse } from '$lib/server/platform/unavailable';

import { THEME_COOKIE } from '$lib/shared/preferences';

/** The locale before the session is known (the cookie, else Accept-Language): for answers given before it. */
function anonymousLocale(event: RequestEvent): Locale {
	const cookieLocale = event.cookies.get(LOCALE_COOKIE);
	return isLocale(cookieLocale) ? cookieLocale : (negotiateLocale(event.request.headers.get('accept-language')) ?? DEFAULT_LOCALE);
}

const acceptsHtml = (request: Request) =>
	(request.headers.get('accept') ?? '').includes('text/html') && request.headers.get('x-sveltekit-action') !== 'true';

export const handle: Handle = async ({ event, resolve }) => {
	let runtime;
	try {
		runtime = await getRuntime();
	} catch (error) {
		if (!isUnavailableError(error)) throw error;
		log.warn(`${event.request.method} ${event.url.pathname}: the database or live store is unreachable at start-up`, error);
		return unavailableResponse(event.request, anonymousLocale(event));
	}
	const origin = runtime.config.origin;
	const secure = (response: Response) =>
		applySecurityHeaders(response, event, { signedIn: event.locals.auth !== null, configuredOrigin: origin });
	event.locals.runtime = runtime;
	event.locals.secureCookies = cookieShouldBeSecure(event.url, runtime.config.nodeEnv);
	event.locals.auth = null;
	event.locals.actor = null;
	event.locals.unavailable = false;

	const token = event.cookies.get(SESSION_COOKIE);
	if (crossSiteRefusal(event.request, event.url, token !== undefined, origin)) {
		return secure(crossSiteResponse(event.request, anonymousLocale(event)));
	}
	const nulField = nulQueryParameter(event.url);
	if (nulField !== null) return secure(badParameterResponse(event.request, anonymousLocale(event), nulField));

	if (token) {
		try {
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
		} catch (error) {
			if (!isUnavailableError(error)) throw error;
			log.warn(`${event.request.method} ${event.url.pathname}: the database is unreachable`, error);
			// The session was not checked: keep its cookie, and treat the answer as a signed-in one (never stored).
			return applySecurityHeaders(unavailableResponse(event.request, anonymousLocale(event)), event, {
				signedIn: true,
				configuredOrigin: origin
			});
		}
	}

	const userLocale = event.locals.auth?.user.locale;
	event.locals.locale = isLocale(userLocale) ? userLocale : anonymousLocale(event);

	const theme = event.cookies.get(THEME_COOKIE);
	event.locals.theme = theme === 'light' || theme === 'dark' ? theme : 'system';

	let response = await resolve(event, {
		transformPageChunk: ({ html }) =>
			html.replace('%podium.lang%', htmlLang(event.locals.locale)).replace('%podium.theme%', event.locals.theme)
	});
	// handleError saw the database or the live store unreachable: not a bug, a 503 to retry later.
	// A page keeps the error page SvelteKit rendered (+error.svelte says so in the user's language); an
	// API, fetch or form-action caller gets { error } as JSON.
	if (event.locals.unavailable && response.status >= 500 && !event.isDataRequest && !acceptsHtml(event.request)) {
		response = unavailableResponse(event.request, event.locals.locale);
	} else if (event.locals.unavailable && response.status >= 500) {
		const headers = new Headers(response.headers);
		headers.set('retry-after', String(RETRY_AFTER_SECONDS));
		response = new Response(response.body, { status: 503, headers });
	}
	return secure(response);
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (isUnavailableError(error)) {
		event.locals.unavailable = true;
		log.warn(`${event.request.method} ${event.url.pathname}: the database or live store is unreachable`, error);
		return { message: translate(event.locals.locale ?? DEFAULT_LOCALE, 'errors.unavailable'), unavailable: true };
	}
	if (status === 404) return { message };
	const id = crypto.randomUUID();
	log.error(`${event.request.method} ${event.url.pathname} failed (${id})`, error);
	return { message: 'Internal error', id };
};
