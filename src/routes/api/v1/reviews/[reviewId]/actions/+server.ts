// POST /api/v1/reviews/{reviewId}/actions (reviews:write or a session): adds an action to the plan, 201.
// PUT /api/v1/reviews/{reviewId}/actions (reviews:write or a session): ticks an action done or not.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import { addPlanAction, tickPlanAction } from '$lib/server/coaching/review.service';
import type { reviewCreatedSchema, reviewDoneSchema } from '$lib/server/coaching/reviews.api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof reviewCreatedSchema> = await addPlanAction(event.locals.runtime, caller.actor, event.params.reviewId, parsed.body);
		return json(body, { status: 201 });
	});
};

export const PUT: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof reviewDoneSchema> = await tickPlanAction(event.locals.runtime, caller.actor, event.params.reviewId, parsed.body);
		return json(body);
	});
};
