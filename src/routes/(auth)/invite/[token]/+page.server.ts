import { error, redirect } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { setSessionCookie } from '$lib/server/auth/session';
import { attempt } from '$lib/server/http';
import { acceptInvitation, findInvitationByToken } from '$lib/server/services/auth.service';
import { formToObject } from '$lib/server/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const found = await findInvitationByToken(locals.runtime.db, params.token);
	if (found.state === 'invalid') error(404, translate(locals.locale, 'invite.invalid'));
	if (found.state === 'expired') error(410, translate(locals.locale, 'invite.expired'));
	const inv = found.invitation;
	return {
		invitation: {
			organization: inv.organization_name,
			email: inv.email,
			role: inv.role,
			team: inv.team_archived_at ? null : inv.team_name
		},
		existingUser: found.existingUser
	};
};

export const actions: Actions = {
	default: async (event) => {
		const input = formToObject(await event.request.formData());
		const rt = event.locals.runtime;
		const result = await attempt(
			event,
			() => acceptInvitation(rt.db, event.params.token, input, event.request.headers.get('user-agent')),
			{ name: input.name }
		);
		if (!result.ok) return result.failure;
		setSessionCookie(event.cookies, result.value.token, { secure: event.locals.secureCookies, maxAgeMs: rt.config.sessionIdleMs });
		redirect(303, '/team');
	}
};
