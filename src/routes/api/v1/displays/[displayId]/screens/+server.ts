// POST /api/v1/displays/{displayId}/screens (displays:write or a leader's session): pairs the TV whose
// code is given with the display, 201.
import { json } from '@sveltejs/kit';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { pairScreen } from '$lib/server/displays/display.service';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'displays:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => json(await pairScreen(event.locals.runtime, caller.actor, event.params.displayId, parsed.body), { status: 201 }));
};
