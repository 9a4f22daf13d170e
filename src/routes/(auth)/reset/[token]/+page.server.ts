// A password-reset link issued by an admin or leader: single use, 24 hours; setting the password signs
// the person out everywhere, then in here.
import { error, redirect } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/auth/session';
import { attempt, clientIp } from '$lib/server/platform/http';
import { findPasswordReset, resetPassword } from '$lib/server/auth/auth.service';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const reset = await findPasswordReset(locals.runtime.db, params.token);
	if (!reset) error(410, translate(locals.locale, 'reset.invalid'));
	return { email: reset.user_email };
};

export const actions: Actions = {
	default: async (event) => {
		const input = formToObject(await event.request.formData());
		const rt = event.locals.runtime;
		const result = await attempt(event, () =>
			resetPassword(rt, event.params.token, input, { ip: clientIp(event), userAgent: event.request.headers.get('user-agent') })
		);
		if (!result.ok) return result.failure;
		if (!result.value.token) {
			deleteSessionCookie(event.cookies, event.locals.secureCookies);
			redirect(303, '/login');
		}
		setSessionCookie(event.cookies, result.value.token, { secure: event.locals.secureCookies, maxAgeMs: rt.config.sessionIdleMs });
		redirect(303, '/');
	}
};
