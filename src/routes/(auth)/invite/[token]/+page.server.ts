import { error, redirect } from '@sveltejs/kit';
import { translate, type MessageKey } from '$lib/i18n';
import { invalidateSession, setSessionCookie, WELCOME_COOKIE } from '$lib/server/auth/session';
import { attempt, clientIp } from '$lib/server/platform/http';
import { acceptInvitation, findInvitationByToken } from '$lib/server/auth/auth.service';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

const CLOSED: Record<'invalid' | 'used' | 'revoked' | 'expired', [404 | 410, MessageKey]> = {
	invalid: [404, 'invite.invalid'],
	used: [410, 'invite.used'],
	revoked: [410, 'invite.revoked'],
	expired: [410, 'invite.expired']
};

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const found = await findInvitationByToken(locals.runtime.db, params.token);
	if (found.state !== 'open') {
		const [status, key] = CLOSED[found.state];
		error(status, translate(locals.locale, key));
	}
	const inv = found.invitation;
	// Nothing here says whether the invited e-mail has an account: only who is signed in, if anyone.
	const me = locals.auth?.user.email ?? null;
	return {
		invitation: {
			organization: inv.organization_name,
			email: inv.email,
			role: inv.role,
			team: inv.team_archived_at ? null : inv.team_name
		},
		signedInAs: me,
		isInvitee: !!me && me.toLowerCase() === inv.email.toLowerCase(),
		signInHref: `/login?next=${encodeURIComponent(url.pathname)}`
	};
};

export const actions: Actions = {
	default: async (event) => {
		const input = formToObject(await event.request.formData());
		const rt = event.locals.runtime;
		const auth = event.locals.auth;
		const result = await attempt(
			event,
			() =>
				acceptInvitation(rt, event.params.token, input, {
					ip: clientIp(event),
					userAgent: event.request.headers.get('user-agent'),
					signedIn: auth ? { userId: auth.user.id, email: auth.user.email } : null
				}),
			{ name: input.name }
		);
		if (!result.ok) return result.failure;
		// A signed-in person's session moves to the organization they joined: the old one ends.
		if (auth) await invalidateSession(rt.db, auth.session.id);
		setSessionCookie(event.cookies, result.value.token, { secure: event.locals.secureCookies, maxAgeMs: rt.config.sessionIdleMs });
		event.cookies.set(WELCOME_COOKIE, '1', {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: event.locals.secureCookies,
			maxAge: 60 * 60
		});
		redirect(303, '/');
	}
};
