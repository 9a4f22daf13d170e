// The ingest API, answered straight on Node's HTTP server before SvelteKit (it has no SvelteKit route).
// An integration posts thousands of requests a second; through SvelteKit each one also paid for a web
// Request and Response, the hooks and the router, which cost about as much as the ingest itself. Used
// by server/index.ts and by the dev server (vite.config.ts), so both serve the same API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../../src/lib/server/platform/log';
import type { Runtime } from '../../src/lib/server/platform/runtime';
import { answerIngest, INGEST_PATH, type IngestHttpAnswer } from '../../src/lib/server/scoring/ingest-http';

function readLimited(req: IncomingMessage, limit: number): Promise<string | null> {
	const declared = Number(req.headers['content-length'] ?? NaN);
	if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) {
				// The rest is left unread: the 413 closes the connection.
				req.off('data', onData).off('end', onEnd).off('error', onError);
				req.pause();
				resolve(null);
				return;
			}
			chunks.push(chunk);
		};
		const onEnd = () => resolve(Buffer.concat(chunks, size).toString('utf8'));
		const onError = (error: Error) => reject(error);
		req.on('data', onData).on('end', onEnd).on('error', onError);
	});
}

/** Answers POST /api/v1/events and returns true; false for every other request. */
export function ingestFastPath(runtime: Runtime) {
	return (req: IncomingMessage, res: ServerResponse): boolean => {
		const url = req.url ?? '';
		const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
		if (path !== INGEST_PATH) return false;
		if (req.method !== 'POST') {
			send(res, { status: 405, body: { error: `${req.method} is not allowed on ${INGEST_PATH}; use POST` } }, { allow: 'POST' });
			return true;
		}
		answerIngest(runtime, {
			authorization: req.headers.authorization ?? null,
			contentType: req.headers['content-type'] ?? null,
			readBody: (limit) => readLimited(req, limit)
		})
			.catch((error) => {
				log.error('ingest fast path failed', error);
				return { status: 503, body: { error: 'the events could not be stored now; send them again (the same ids are not counted twice)' }, close: false };
			})
			.then((answer) => send(res, answer, answer.close ? { connection: 'close' } : {}));
		return true;
	};
}

// What hooks.server.ts gives every JSON answer that goes through SvelteKit (applySecurityHeaders).
const JSON_HEADERS = {
	'content-type': 'application/json',
	'x-content-type-options': 'nosniff',
	'cache-control': 'no-store',
	'content-security-policy': "default-src 'none'; frame-ancestors 'none'"
};

function send(res: ServerResponse, answer: Pick<IngestHttpAnswer, 'status' | 'body'>, extra: Record<string, string>) {
	const text = JSON.stringify(answer.body);
	res.writeHead(answer.status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(text), ...extra });
	res.end(text);
}
