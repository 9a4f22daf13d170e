// POST /api/v1/reviews/{reviewId}/comments (reviews:write or a session): adds to the thread, 201.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import { commentOnReview } from '$lib/server/coaching/review.service';
import type { reviewCommentedSchema } from '$lib/server/coaching/reviews.api';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof reviewCommentedSchema> = await commentOnReview(event.locals.runtime, caller.actor, event.params.reviewId, parsed.body);
		return json(body, { status: 201 });
	});
};
