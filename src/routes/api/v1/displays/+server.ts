// GET /api/v1/displays (displays:read or a session): the displays the caller manages.
// POST /api/v1/displays (displays:write or a session): creates a display, 201.
import { json } from '@sveltejs/kit';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { createDisplay, displaysFor } from '$lib/server/displays/display.service';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'displays:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const displays = await displaysFor(event.locals.runtime, caller.actor);
		return json(
			{
				displays: displays.map((d) => ({
					id: d.id,
					name: d.name,
					teamId: d.teamId,
					topN: d.topN,
					slides: d.slides.map((s) => ({ id: s.id, type: s.type, durationS: s.durationS })),
					screens: d.screens.map((s) => ({ id: s.id, resolution: s.resolution, currentSlide: s.currentSlide, lastSeenAt: s.lastSeenAt }))
				}))
			},
			{ headers: { 'cache-control': 'no-store' } }
		);
	});
};

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'displays:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => json(await createDisplay(event.locals.runtime, caller.actor, parsed.body), { status: 201 }));
};
