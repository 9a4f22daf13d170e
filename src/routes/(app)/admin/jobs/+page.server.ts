import { requireRole } from '$lib/server/platform/http';
import { jobsForAdmin } from '$lib/server/platform/job.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	return { jobs: await jobsForAdmin(event.locals.runtime.db, actor) };
};
