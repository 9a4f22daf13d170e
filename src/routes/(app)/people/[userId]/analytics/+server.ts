// GET /people/{userId}/analytics?period=month|quarter|year&metric=points|<metric key>: the member's
// analytics as JSON (what the profile's charts draw), for the member, admins and the leaders of the
// member's teams. Anyone else signed in gets 403; a member of another organization 404; bad filters 400.
import { json } from '@sveltejs/kit';
import { repAnalytics } from '$lib/server/coaching/analytics.service';
import { requireActor, runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const actor = requireActor(event);
	return runApi(event, async () => {
		const q = event.url.searchParams;
		const query = { period: q.get('period') ?? undefined, metric: q.get('metric') ?? undefined };
		const body = await repAnalytics(event.locals.runtime, actor, event.params.userId, query, event.locals.locale);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
