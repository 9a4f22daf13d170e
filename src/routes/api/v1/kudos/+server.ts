// GET /api/v1/kudos (kudos:read or a session): the feed, hidden kudos left out, paginated.
// POST /api/v1/kudos (kudos:write): gives kudos on behalf of a member, 201 (200 for a known requestId).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import type { kudosGivenResponseSchema, kudosListResponseSchema } from '$lib/server/recognition/kudos.api';
import { kudosCaller } from '$lib/server/recognition/kudos.http';
import { giveKudosViaApi, listFeed } from '$lib/server/recognition/kudos.service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await kudosCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'kudos:read', { session: true });
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const { actor } = caller;
		const body: z.input<typeof kudosListResponseSchema> = await listFeed(event.locals.runtime.db, actor.organizationId, actor, Object.fromEntries(event.url.searchParams));
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const POST: RequestHandler = async (event) => {
	const caller = await kudosCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'kudos:write', { session: false });
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const result = await giveKudosViaApi(event.locals.runtime, caller.actor, parsed.body);
		const body: z.input<typeof kudosGivenResponseSchema> = result;
		return json(body, { status: result.duplicate ? 200 : 201 });
	});
};
