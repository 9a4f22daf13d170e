// POST /api/v1/events: the public ingest API (see answerIngest). The server answers it on a fast path
// before SvelteKit (server/api/ingest-fast-path.ts); this route serves it wherever that path is absent.
import { json } from '@sveltejs/kit';
import { answerIngest } from '$lib/server/scoring/ingest-http';
import type { RequestHandler } from './$types';

async function readLimited(request: Request, limit: number): Promise<string | null> {
	const declared = Number(request.headers.get('content-length') ?? 'NaN');
	if (Number.isFinite(declared) && declared > limit) return null;
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			// Not reader.cancel(): SvelteKit would destroy the socket before the 413 is sent. The rest of
			// the body is left unread and the 413 closes the connection.
			reader.releaseLock();
			return null;
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks).toString('utf8');
}

export const POST: RequestHandler = async ({ request, locals }) => {
	const answer = await answerIngest(locals.runtime, {
		authorization: request.headers.get('authorization'),
		contentType: request.headers.get('content-type'),
		readBody: (limit) => readLimited(request, limit)
	});
	return json(answer.body, { status: answer.status, headers: answer.close ? { connection: 'close' } : undefined });
};
