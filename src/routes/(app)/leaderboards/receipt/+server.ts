// GET /leaderboards/receipt?member=&board=&scope=&window=: the events behind one score, for any member of the org.
import { json } from '@sveltejs/kit';
import { requireActor } from '$lib/server/platform/http';
import { receipt } from '$lib/server/scoring/activity.service';
import { describeError } from '$lib/server/platform/validation';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	if (!event.locals.actor) return json({ error: 'Sign in first' }, { status: 401 });
	const actor = requireActor(event);
	try {
		return json(await receipt(event.locals.runtime.db, actor.organizationId, Object.fromEntries(event.url.searchParams)));
	} catch (error) {
		const described = describeError(event.locals.locale, error);
		if (!described) throw error;
		return json({ error: described.message, fields: described.errors }, { status: described.status });
	}
};
