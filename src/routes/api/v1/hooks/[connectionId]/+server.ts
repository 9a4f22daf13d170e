// POST /api/v1/hooks/{connectionId}: a CRM's webhook (integrations/integration.service.ts). The sender
// is authenticated by its connection's signature, credentials or organization id, never by a cookie.
// The body is read up to 1 MB; a larger one is refused before it is read whole.
import { receiveHook } from '$lib/server/integrations/integration.service';
import { MAX_BODY_BYTES } from '$lib/server/integrations/payloads';
import type { RequestHandler } from './$types';

async function readLimited(request: Request): Promise<string | null> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > MAX_BODY_BYTES) return null;
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > MAX_BODY_BYTES) {
			await reader.cancel().catch(() => {});
			return null;
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks).toString('utf8');
}

export const POST: RequestHandler = async (event) => {
	const body = await readLimited(event.request);
	if (body === null) return Response.json({ error: 'body: at most 1 MB' }, { status: 413 });
	const runtime = event.locals.runtime;
	const url = `${runtime.config.origin ?? event.url.origin}${event.url.pathname}${event.url.search}`;
	const answer = await receiveHook(runtime, event.params.connectionId, { method: event.request.method, url, headers: event.request.headers, body });
	return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' } });
};
