// HTTP hardening applied by hooks.server.ts to every answer of the SvelteKit app: security headers
// (the Content-Security-Policy itself is kit.csp in svelte.config.js, with a nonce per page), and an
// origin check for every state-changing request that a browser's cookies could authenticate.
import { json, text, type RequestEvent } from '@sveltejs/kit';
import { translate, type Locale } from '$lib/i18n';
import { fieldLabel } from './validation';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Why a state-changing request must be refused as cross-site, or null when it may go on.
 * SvelteKit checks Origin only for form content types; a POST with no or another content type (a
 * fetch with `mode: 'no-cors'`, or `<form enctype>` tricks) passed, with the victim's cookies. So every
 * POST/PUT/PATCH/DELETE is checked here: Origin must be this app's; without Origin, Sec-Fetch-Site must
 * say same-origin, else Referer must be of this origin. A request with none of the three is refused
 * when it carries the session cookie (a browser always sends one of them) and let through otherwise
 * (a script with no credentials has nothing to forge). Bearer-token requests (Authorization header)
 * are not authenticated by cookies and are exempt.
 */
export function crossSiteRefusal(
	request: Request,
	url: URL,
	hasSessionCookie: boolean,
	configuredOrigin: string | undefined
): 'cross-site' | null {
	if (!UNSAFE_METHODS.has(request.method)) return null;
	if (request.headers.get('authorization')) return null;
	const allowed = new Set([url.origin]);
	if (configuredOrigin) allowed.add(new URL(configuredOrigin).origin);
	const origin = request.headers.get('origin');
	if (origin !== null) return allowed.has(origin) ? null : 'cross-site';
	const site = request.headers.get('sec-fetch-site');
	if (site !== null) return site === 'same-origin' || site === 'none' ? null : 'cross-site';
	const referer = request.headers.get('referer');
	if (referer !== null) {
		try {
			return allowed.has(new URL(referer).origin) ? null : 'cross-site';
		} catch {
			return 'cross-site';
		}
	}
	return hasSessionCookie ? 'cross-site' : null;
}

/** The answer to a refused cross-site request: 403, in the request's language, nothing changed. */
export function crossSiteResponse(request: Request, locale: Locale): Response {
	const message = translate(locale, 'errors.crossSite');
	return wantsJson(request) ? json({ error: message }, { status: 403 }) : text(message, { status: 403 });
}

/**
 * The first query parameter holding a NUL character, which Postgres cannot store or compare (a text
 * parameter with one fails the whole query): such a request is a 400 naming the parameter.
 */
export function nulQueryParameter(url: URL): string | null {
	if (!url.search.includes('%00') && !url.search.includes('\0')) return null;
	for (const [key, value] of url.searchParams) {
		if (key.includes('\0') || value.includes('\0')) return key.replace(/\0/g, '');
	}
	return null;
}

export function badParameterResponse(request: Request, locale: Locale, field: string): Response {
	const message = translate(locale, 'validation.invalid', { field: fieldLabel(locale, field) });
	return wantsJson(request) ? json({ error: message, fields: { [field]: message } }, { status: 400 }) : text(message, { status: 400 });
}

/** JSON for API clients, fetch() and form actions sent by use:enhance; plain text for a browser's navigation. */
export function wantsJson(request: Request): boolean {
	const accept = request.headers.get('accept') ?? '';
	if (accept.includes('application/json') || request.headers.get('x-sveltekit-action') === 'true') return true;
	return !accept.includes('text/html');
}

/**
 * Headers every answer carries. No page may be framed (frame-ancestors 'none' in the CSP, and
 * X-Frame-Options for older browsers), so no admin action can be clickjacked. HSTS only when the app
 * is served over https (ORIGIN says so, or the request came in over https): over plain http it would
 * be ignored, and on localhost it would break other local apps. Signed-in answers are never stored.
 */
export function applySecurityHeaders(
	response: Response,
	event: Pick<RequestEvent, 'url'>,
	options: { signedIn: boolean; configuredOrigin: string | undefined }
): Response {
	const headers: Record<string, string> = {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'same-origin',
		'x-frame-options': 'DENY',
		'cross-origin-opener-policy': 'same-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()'
	};
	if (options.configuredOrigin?.startsWith('https:') || event.url.protocol === 'https:') {
		headers['strict-transport-security'] = HSTS;
	}
	if (options.signedIn) headers['cache-control'] = 'no-store';
	const csp = response.headers.get('content-security-policy');
	// Answers that are not pages (JSON, redirects, the outage page) get the strictest policy: they run
	// nothing and load nothing, and still may not be framed.
	if (!csp) headers['content-security-policy'] = "default-src 'none'; frame-ancestors 'none'";
	// 'self' covers ws(s) of the same host in CSP 3, but not in every browser still in use (Safari before
	// 15.4): name the socket's origin explicitly.
	if (csp && /connect-src 'self'/.test(csp)) {
		const ws = `${event.url.protocol === 'https:' ? 'wss:' : 'ws:'}//${event.url.host}`;
		headers['content-security-policy'] = csp.replace(/connect-src 'self'/, `connect-src 'self' ${ws}`);
	}
	try {
		for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
		return response;
	} catch {
		// A Response with immutable headers (e.g. one passed through from fetch): copy it.
		const copy = new Response(response.body, response);
		for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
		return copy;
	}
}
