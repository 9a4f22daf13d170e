import { requireRole } from '$lib/server/platform/http';
import { auditTrail } from '$lib/server/org/organization.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	const rows = await auditTrail(event.locals.runtime.db, actor, 200);
	return {
		entries: rows.map((r) => ({
			id: r.id,
			action: r.action,
			actor: r.actor_name,
			at: r.created_at.toISOString(),
			detail: [r.data?.name, r.data?.email].filter((v): v is string => typeof v === 'string').join(' · ')
		}))
	};
};
