import { WELCOME_COOKIE } from '$lib/server/auth/session';
import { requireActor } from '$lib/server/platform/http';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
	const actor = requireActor(event);
	const auth = event.locals.auth!;
	// Set when an invitation was accepted: welcome the new member once.
	const welcome = event.cookies.get(WELCOME_COOKIE) === '1';
	if (welcome) event.cookies.delete(WELCOME_COOKIE, { path: '/' });
	return {
		welcome,
		me: { id: actor.userId, name: auth.user.name, email: auth.user.email, role: actor.role },
		organization: {
			id: auth.organization.id,
			name: auth.organization.name,
			timeZone: auth.organization.timeZone,
			weekStart: auth.organization.weekStart
		}
	};
};
