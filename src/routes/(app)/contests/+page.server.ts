import { listContests } from '$lib/server/contests/contest.service';
import { requireActor } from '$lib/server/platform/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const contests = await listContests(event.locals.runtime, actor, {}, event.locals.locale);
	return { contests, canCreate: actor.role === 'admin' || actor.role === 'leader' };
};
