// POST /api/v1/events: the public ingest API. Everything malformed is refused before anything is written.
import { json } from '@sveltejs/kit';
import { MAX_BATCH } from '$lib/server/scoring/event.service';
import { ingestQueueOf } from '$lib/server/scoring/ingest-queue';
import { bearer, checkApiToken } from '$lib/server/scoring/token.service';
import type { RequestHandler } from './$types';

const MAX_BODY_BYTES = 1024 * 1024;

const problem = (status: number, error: string) => json({ error }, { status });

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
	const db = locals.runtime.db;
	const auth = await checkApiToken(db, bearer(request.headers.get('authorization')), 'events:write');
	if (!auth.ok) return problem(auth.status, auth.error);
	const type = request.headers.get('content-type') ?? '';
	if (!type.toLowerCase().startsWith('application/json')) return problem(415, 'Content-Type must be application/json');
	const text = await readLimited(request, MAX_BODY_BYTES);
	if (text === null) return json({ error: 'body must be at most 1 MB' }, { status: 413, headers: { connection: 'close' } });
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return problem(400, 'body is not valid JSON');
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) return problem(400, 'body must be an object with an "events" array');
	const events = (body as { events?: unknown }).events;
	if (!Array.isArray(events)) return problem(400, 'events must be an array');
	if (events.length === 0) return problem(400, 'events must hold at least 1 event');
	if (events.length > MAX_BATCH) return problem(400, `events must hold at most ${MAX_BATCH} events`);
	// Concurrent requests of one organization are written together (group commit); each gets its own results.
	const results = await ingestQueueOf(locals.runtime).ingest({ organizationId: auth.organizationId, source: 'api', actorId: null }, events);
	const count = (status: string) => results.filter((r) => r.status === status).length;
	return json({
		accepted: count('accepted'),
		duplicates: count('duplicate'),
		rejected: count('rejected') + count('conflict'),
		results: results.map(({ eventId: _eventId, ...r }) => r)
	});
};
