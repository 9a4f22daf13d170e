import { redirect } from '@sveltejs/kit';
import { deleteSessionCookie, invalidateSession, invalidateUserSessions } from '$lib/server/auth/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	// Signs out this browser.
	default: async ({ locals, cookies }) => {
		if (locals.auth) await invalidateSession(locals.runtime.db, locals.auth.session.id);
		deleteSessionCookie(cookies, locals.secureCookies);
		redirect(303, '/login');
	},
	// Signs out every session of this person, everywhere, this one included.
	all: async ({ locals, cookies }) => {
		if (locals.auth) {
			await invalidateUserSessions(locals.runtime.db, locals.auth.user.id);
			locals.runtime.events.emit('user.sessions_revoked', {
				userId: locals.auth.user.id,
				organizationId: locals.auth.organization.id
			});
		}
		deleteSessionCookie(cookies, locals.secureCookies);
		redirect(303, '/login');
	}
};
