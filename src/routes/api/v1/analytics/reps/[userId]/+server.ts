// GET /api/v1/analytics/reps/{userId} (analytics:read or a session): the rep's analytics, the same data
// as the profile's charts. The rep, leaders of the rep's teams and admins; a malformed id is a 400.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller } from '$lib/server/contests/contest.http';
import { repAnalytics } from '$lib/server/coaching/analytics.service';
import type { repAnalyticsSchema } from '$lib/server/coaching/coaching.api';
import { AppError } from '$lib/server/platform/errors';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'analytics:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		if (!UUID.test(event.params.userId)) throw new AppError(400, 'validation.invalid', undefined, 'userId');
		const q = event.url.searchParams;
		const body: z.input<typeof repAnalyticsSchema> = await repAnalytics(event.locals.runtime, caller.actor, event.params.userId, { period: q.get('period') ?? undefined, metric: q.get('metric') ?? undefined }, event.locals.locale);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
