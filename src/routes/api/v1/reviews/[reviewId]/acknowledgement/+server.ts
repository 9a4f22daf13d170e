// POST /api/v1/reviews/{reviewId}/acknowledgement (reviews:write or a session): the rep acknowledges it, once (409 after).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import { acknowledgeReviewAs } from '$lib/server/coaching/review.service';
import type { reviewAcknowledgedSchema } from '$lib/server/coaching/reviews.api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof reviewAcknowledgedSchema> = await acknowledgeReviewAs(event.locals.runtime, caller.actor, event.params.reviewId);
		return json(body);
	});
};
