import { requireActor } from '$lib/server/platform/http';
import { myTraining } from '$lib/server/training/training.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const mine = await myTraining(event.locals.runtime.db, actor);
	return { ...mine, canManage: actor.role !== 'rep' };
};
