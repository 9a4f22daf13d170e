import { requireActor } from '$lib/server/http';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
	const actor = requireActor(event);
	const auth = event.locals.auth!;
	return {
		me: { id: actor.userId, name: auth.user.name, email: auth.user.email, role: actor.role },
		organization: {
			id: auth.organization.id,
			name: auth.organization.name,
			timeZone: auth.organization.timeZone,
			weekStart: auth.organization.weekStart
		}
	};
};
