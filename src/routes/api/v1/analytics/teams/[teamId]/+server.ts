// GET /api/v1/analytics/teams/{teamId} (analytics:read or a session): the team's analytics, the same data
// as the team analytics page. Leaders of the team or above it and admins; reps 403; a malformed id 400.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller } from '$lib/server/contests/contest.http';
import { teamAnalytics } from '$lib/server/coaching/team-analytics.service';
import type { teamAnalyticsSchema } from '$lib/server/coaching/coaching.api';
import { AppError } from '$lib/server/platform/errors';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'analytics:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		if (!UUID.test(event.params.teamId)) throw new AppError(400, 'validation.invalid', undefined, 'teamId');
		const q = event.url.searchParams;
		const body: z.input<typeof teamAnalyticsSchema> = await teamAnalytics(
			event.locals.runtime,
			caller.actor,
			{ team: event.params.teamId, period: q.get('period') ?? undefined, metric: q.get('metric') ?? undefined },
			event.locals.locale
		);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
