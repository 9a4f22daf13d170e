import { redirect } from '@sveltejs/kit';
import { requireRole } from '$lib/server/platform/http';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	const actor = requireRole(event, 'admin', 'leader');
	redirect(303, actor.role === 'admin' ? '/admin/settings' : '/admin/teams');
};
