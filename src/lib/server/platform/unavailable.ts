// Telling "a backing service is down" from a bug. Postgres or Redis being unreachable is not the
// request's fault and not a defect: the answer is 503 with Retry-After (and a friendly page), not 500.
import { json, text } from '@sveltejs/kit';
import { htmlLang, translate, type Locale } from '$lib/i18n';

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EPIPE'
]);

// SQLSTATE: class 08 (connection exception), 57P01-57P03 (server shutting down, crashed, starting),
// 53300 (too many connections).
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

const MESSAGES = [
	/^PGlite is closed/,
	/^Connection terminated/, // pg: the server went away mid-query, or the connect timed out
	/^timeout exceeded when trying to connect/, // pg pool: connectionTimeoutMillis
	/^Client has encountered a connection error and is not queryable/,
	/^Cannot use a pool after calling end on the pool/,
	/^driver has already been destroyed/, // kysely after db.destroy()
	/^The queue is full/ // node-redis: commandsQueueMaxLength reached while Redis stalls
];

// node-redis: ClientClosedError, ClientOfflineError (disableOfflineQueue while reconnecting),
// SocketClosedUnexpectedlyError, ConnectionTimeoutError, SocketTimeoutError, TimeoutError.
const REDIS_ERRORS = new Set([
	'ClientClosedError',
	'ClientOfflineError',
	'SocketClosedUnexpectedlyError',
	'ConnectionTimeoutError',
	'SocketTimeoutError',
	'TimeoutError',
	'ReconnectStrategyError'
]);

/** Whether an error means Postgres, PGlite or Redis cannot be reached right now (walks causes and AggregateErrors). */
export function isUnavailableError(error: unknown, depth = 0): boolean {
	if (!(error instanceof Error) || depth > 5) return false;
	const code = (error as { code?: unknown }).code;
	if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
	if (REDIS_ERRORS.has(error.name) || REDIS_ERRORS.has(error.constructor?.name)) return true;
	if (MESSAGES.some((pattern) => pattern.test(error.message))) return true;
	if (error instanceof AggregateError && error.errors.some((e) => isUnavailableError(e, depth + 1))) return true;
	return isUnavailableError((error as { cause?: unknown }).cause, depth + 1);
}

/** 503 for a request that could not be served because a backing service is down: JSON for API and fetch callers, a short page otherwise. */
export function unavailableResponse(request: Request, locale: Locale): Response {
	const headers = { 'retry-after': String(RETRY_AFTER_SECONDS), 'cache-control': 'no-store' };
	const message = translate(locale, 'errors.unavailable');
	const accept = request.headers.get('accept') ?? '';
	const api = new URL(request.url).pathname.startsWith('/api/');
	if (api || accept.includes('application/json') || request.headers.get('x-sveltekit-action') === 'true') {
		return json({ error: message }, { status: 503, headers });
	}
	if (!accept.includes('text/html')) return text(message, { status: 503, headers });
	const title = translate(locale, 'errors.unavailableTitle');
	// No inline script or style: this page is sent under the same Content-Security-Policy as the app.
	const page = `<!doctype html>
<html lang="${htmlLang(locale)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="">${escapeHtml(translate(locale, 'errors.tryAgain'))}</a></p>
</main>
</body>
</html>
`;
	return new Response(page, { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
