// POST /logout signs this browser out; POST /logout?/all signs out every session of this person.
// An endpoint rather than form actions: SvelteKit refuses a page that mixes a default action with
// named ones, so `default` + `all` answered 500 to both forms. Plain form posts; SvelteKit's origin check applies.
import { redirect } from '@sveltejs/kit';
import { deleteSessionCookie, invalidateSession, invalidateUserSessions } from '$lib/server/auth/session';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => redirect(303, '/');

export const POST: RequestHandler = async ({ locals, cookies, url }) => {
	if (locals.auth) {
		if (url.searchParams.has('/all')) {
			await invalidateUserSessions(locals.runtime.db, locals.auth.user.id);
			// Every organization's sessions went, so every organization's sockets go too.
			locals.runtime.events.emit('user.sessions_revoked', { userId: locals.auth.user.id, organizationId: null });
		} else {
			await invalidateSession(locals.runtime.db, locals.auth.session.id);
			locals.runtime.events.emit('session.revoked', {
				sessionId: locals.auth.session.id,
				userId: locals.auth.user.id,
				organizationId: locals.auth.organization.id
			});
		}
	}
	deleteSessionCookie(cookies, locals.secureCookies);
	redirect(303, '/login');
};
