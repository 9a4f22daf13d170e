// POST /api/v1/events, independent of the HTTP framework; served by server/api/ingest-fast-path.ts.
// Everything malformed is refused before anything is written.
import type { Runtime } from '../platform/runtime';
import { log } from '../platform/log';
import { MAX_BATCH } from './event.service';
import { ingestQueueOf } from './ingest-queue';
import { bearer, checkApiToken } from './token.service';

export const INGEST_PATH = '/api/v1/events';
export const MAX_BODY_BYTES = 1024 * 1024;

export interface IngestHttpRequest {
	authorization: string | null;
	contentType: string | null;
	/** Reads the body as UTF-8, or null when it is larger than `limit` bytes. */
	readBody(limit: number): Promise<string | null>;
}

export interface IngestHttpAnswer {
	status: number;
	body: unknown;
	/** The body was refused unread: the connection must close after the answer. */
	close?: boolean;
}

const problem = (status: number, error: string): IngestHttpAnswer => ({ status, body: { error } });

const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}$`);

/**
 * The media type of a Content-Type header (RFC 9110: type "/" subtype, then parameters after ";"),
 * lower-cased and without its parameters; null when malformed. "application/json; charset=utf-8" is
 * application/json, and application/json-patch+json is not.
 */
export function mediaTypeOf(header: string | null): string | null {
	if (!header) return null;
	const essence = header.split(';', 1)[0].trim().toLowerCase();
	return MEDIA_TYPE.test(essence) ? essence : null;
}

export async function answerIngest(runtime: Pick<Runtime, 'db' | 'live' | 'events'>, request: IngestHttpRequest): Promise<IngestHttpAnswer> {
	const auth = await checkApiToken(runtime.db, bearer(request.authorization), 'events:write');
	if (!auth.ok) return problem(auth.status, auth.error);
	if (mediaTypeOf(request.contentType) !== 'application/json') return problem(415, 'Content-Type must be application/json');
	const text = await request.readBody(MAX_BODY_BYTES);
	if (text === null) return { ...problem(413, 'body must be at most 1 MB'), close: true };
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
	let results;
	try {
		// Concurrent requests of one organization are written together (group commit); each gets its own results.
		results = await ingestQueueOf(runtime).ingest({ organizationId: auth.organizationId, source: 'api', actorId: null }, events);
	} catch (error) {
		// Nothing was acknowledged: the database or the live store is down. Retrying the same ids is safe.
		log.error('ingest failed', error);
		return problem(503, 'the events could not be stored now; send them again (the same ids are not counted twice)');
	}
	let accepted = 0;
	let duplicates = 0;
	let rejected = 0;
	for (const r of results) {
		if (r.status === 'accepted') accepted++;
		else if (r.status === 'duplicate') duplicates++;
		else rejected++;
	}
	return { status: 200, body: { accepted, duplicates, rejected, results: results.map(({ eventId: _eventId, field: _field, limit: _limit, ...r }) => r) } };
}
