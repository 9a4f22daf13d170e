import { requireActor } from '$lib/server/platform/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireActor(event);
	return {};
};
