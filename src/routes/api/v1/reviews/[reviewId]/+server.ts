// GET /api/v1/reviews/{reviewId} (reviews:read or a session): the review as the caller may see it.
// PUT /api/v1/reviews/{reviewId} (reviews:write or a session): saves its texts (a revision once shared).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import { readReview, saveReviewText } from '$lib/server/coaching/review.service';
import type { reviewVersionSchema, reviewViewSchema } from '$lib/server/coaching/reviews.api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const body: z.input<typeof reviewViewSchema> = await readReview(event.locals.runtime, caller.actor, event.params.reviewId);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const PUT: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof reviewVersionSchema> = await saveReviewText(event.locals.runtime, caller.actor, event.params.reviewId, parsed.body);
		return json(body);
	});
};
