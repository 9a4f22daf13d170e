// Starts the real app (Vite dev server + SvelteKit + the podium-realtime plugin) in this process,
// and drives it like browsers do: form actions over HTTP with a cookie jar per browser.
import './env';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parse as devalueParse } from 'devalue';
import { createServer, type ViteDevServer } from 'vite';
import { closeRuntime, getRuntime, type Runtime } from '../../src/lib/server/platform/runtime';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface App {
	/** e.g. http://127.0.0.1:41234 — also the Origin that SvelteKit's CSRF check expects. */
	url: string;
	/** The runtime the app uses (shared through globalThis): database, live store, events. */
	runtime: Runtime;
	server: ViteDevServer;
	browser(options?: BrowserOptions): Browser;
	close(): Promise<void>;
}

/** For the beforeAll that starts the app: PGlite and Vite's first compile are slow on a busy 2-core machine. */
export const APP_START_TIMEOUT = 180_000;

/**
 * Starts the app on 127.0.0.1 and an ephemeral port. mode 'development' matters: the realtime plugin
 * skips mode 'test'. One app per test file: each one holds its own runtime (PGlite or a pg pool).
 */
export async function startApp(): Promise<App> {
	const server = await createServer({
		configFile: `${ROOT}vite.config.ts`,
		mode: 'development',
		logLevel: 'error',
		clearScreen: false,
		server: { port: 0, host: '127.0.0.1', strictPort: false, watch: null, hmr: false }
	});
	try {
		await server.listen();
	} catch (error) {
		await server.close().catch(() => {});
		throw error;
	}
	const address = server.httpServer!.address() as AddressInfo;
	const url = `http://127.0.0.1:${address.port}`;
	const runtime = await getRuntime();
	let closed = false;
	return {
		url,
		runtime,
		server,
		browser: (options) => new Browser(url, options),
		async close() {
			if (closed) return;
			closed = true;
			(server.httpServer as http.Server | null)?.closeAllConnections?.();
			await server.close();
			await closeRuntime();
		}
	};
}

export interface BrowserOptions {
	/** The loopback address requests come from (any of 127.0.0.0/8); random by default so that per-IP rate limits never collide. */
	ip?: string;
	acceptLanguage?: string;
}

export interface SetCookie {
	name: string;
	value: string;
	attributes: Record<string, string | true>;
	raw: string;
}

export interface HttpResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
	setCookies: SetCookie[];
	json<T = any>(): T;
}

export type ActionResult =
	| { type: 'success'; status: number; data: any; response: HttpResponse }
	| { type: 'failure'; status: number; data: any; response: HttpResponse }
	| { type: 'redirect'; status: number; location: string; response: HttpResponse }
	| { type: 'error'; status: number; error: { message: string }; response: HttpResponse };

export type FormFields = Record<string, string | number | undefined | (string | number)[]>;

export function randomLoopbackIp(): string {
	const byte = () => 1 + Math.floor(Math.random() * 254);
	return `127.${byte()}.${byte()}.${byte()}`;
}

export function parseSetCookie(raw: string): SetCookie {
	const [pair, ...rest] = raw.split(';');
	const index = pair.indexOf('=');
	const attributes: Record<string, string | true> = {};
	for (const part of rest) {
		const [key, ...value] = part.trim().split('=');
		if (key) attributes[key.toLowerCase()] = value.length ? value.join('=') : true;
	}
	return { name: pair.slice(0, index).trim(), value: decodeURIComponent(pair.slice(index + 1).trim()), attributes, raw };
}

/** One browser: a cookie jar and a source address. It never follows redirects, so tests see them. */
export class Browser {
	readonly cookies = new Map<string, string>();
	readonly ip: string;

	constructor(
		readonly baseUrl: string,
		private readonly options: BrowserOptions = {}
	) {
		this.ip = options.ip ?? randomLoopbackIp();
	}

	cookie(name: string): string | undefined {
		return this.cookies.get(name);
	}

	cookieHeader(): string {
		return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
	}

	/** A second browser that starts with a copy of this one's cookies (the same session elsewhere). */
	clone(): Browser {
		const copy = new Browser(this.baseUrl, { ...this.options, ip: undefined });
		for (const [k, v] of this.cookies) copy.cookies.set(k, v);
		return copy;
	}

	request(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<HttpResponse> {
		const target = new URL(path, this.baseUrl);
		const headers: Record<string, string> = {
			'user-agent': 'podium-tests',
			...(this.options.acceptLanguage ? { 'accept-language': this.options.acceptLanguage } : {}),
			...init.headers
		};
		const cookie = this.cookieHeader();
		if (cookie) headers.cookie = cookie;
		if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
		return new Promise((resolve, reject) => {
			const req = http.request(
				{
					host: target.hostname,
					port: target.port,
					path: target.pathname + target.search,
					method,
					headers,
					localAddress: this.ip,
					agent: false
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('error', reject);
					res.on('end', () => {
						const body = Buffer.concat(chunks).toString('utf8');
						const setCookies = (res.headers['set-cookie'] ?? []).map(parseSetCookie);
						for (const c of setCookies) this.store(c);
						resolve({
							status: res.statusCode ?? 0,
							headers: res.headers,
							body,
							setCookies,
							json: () => JSON.parse(body)
						});
					});
				}
			);
			req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
			req.on('error', reject);
			if (init.body !== undefined) req.write(init.body);
			req.end();
		});
	}

	private store(c: SetCookie) {
		const maxAge = c.attributes['max-age'];
		const expires = c.attributes.expires;
		const gone =
			(typeof maxAge === 'string' && Number(maxAge) <= 0) ||
			(typeof expires === 'string' && Date.parse(expires) <= Date.now());
		if (gone || c.value === '') this.cookies.delete(c.name);
		else this.cookies.set(c.name, c.value);
	}

	get(path: string, headers: Record<string, string> = {}) {
		return this.request('GET', path, { headers });
	}

	/** A plain form post, as a browser without JavaScript sends it. */
	postForm(path: string, fields: FormFields = {}, headers: Record<string, string> = {}) {
		return this.request('POST', path, {
			headers: { origin: this.baseUrl, 'content-type': 'application/x-www-form-urlencoded', ...headers },
			body: encodeForm(fields)
		});
	}

	/** A SvelteKit form action as `use:enhance` sends it; answers { type, status, data | location | error }. */
	async action(path: string, fields: FormFields = {}): Promise<ActionResult> {
		const response = await this.postForm(path, fields, {
			'x-sveltekit-action': 'true',
			accept: 'application/json'
		});
		let body: any;
		try {
			body = response.json();
		} catch {
			throw new Error(`POST ${path} answered ${response.status} with non-JSON: ${response.body.slice(0, 500)}`);
		}
		switch (body.type) {
			case 'success':
			case 'failure':
				return { type: body.type, status: body.status, data: body.data ? devalueParse(body.data) : undefined, response };
			case 'redirect':
				return { type: 'redirect', status: body.status, location: body.location, response };
			case 'error':
				return { type: 'error', status: response.status, error: body.error, response };
			default:
				throw new Error(`POST ${path} answered an unknown body: ${response.body.slice(0, 500)}`);
		}
	}
}

export function encodeForm(fields: FormFields): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
	}
	return params.toString();
}

/** A one-line account of an action result for assertion messages (never the Response object). */
export function describeResult(result: ActionResult): string {
	const { response, ...rest } = result;
	return `${response.status} ${JSON.stringify(rest)}`;
}
