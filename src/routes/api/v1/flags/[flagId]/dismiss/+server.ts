// POST /api/v1/flags/{flagId}/dismiss (flags:write or a session): dismisses an open flag with a reason
// (audited). Dismissed already: 409 naming who did; not the caller's to review: 404; bad input: 400.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { dismissFlag } from '$lib/server/coaching/flags.service';
import type { flagDismissedSchema } from '$lib/server/coaching/coaching.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'flags:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof flagDismissedSchema> = await dismissFlag(event.locals.runtime, caller.actor, event.params.flagId, parsed.body);
		return json(body);
	});
};
