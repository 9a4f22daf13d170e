// GET /api/v1/reviews (reviews:read or a session): the reviews the caller may read.
// POST /api/v1/reviews (reviews:write or a session): starts a review of a rep for a period, 201.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import { createReview, listReviewsFor } from '$lib/server/coaching/review.service';
import type { reviewCreatedSchema, reviewListSchema } from '$lib/server/coaching/reviews.api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const member = event.url.searchParams.get('member');
		const body: z.input<typeof reviewListSchema> = await listReviewsFor(event.locals.runtime, caller.actor, member === null ? {} : { subjectId: member });
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof reviewCreatedSchema> = await createReview(event.locals.runtime, caller.actor, parsed.body);
		return json(body, { status: 201 });
	});
};
