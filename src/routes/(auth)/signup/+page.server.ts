import { redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/session';
import { attempt, clientIp } from '$lib/server/platform/http';
import { signUp } from '$lib/server/auth/auth.service';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.actor) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const input = formToObject(await event.request.formData());
		const { password: _password, ...values } = input;
		const rt = event.locals.runtime;
		const result = await attempt(
			event,
			() => signUp(rt, input, { ip: clientIp(event), userAgent: event.request.headers.get('user-agent') }),
			values
		);
		if (!result.ok) return result.failure;
		setSessionCookie(event.cookies, result.value.token, { secure: event.locals.secureCookies, maxAgeMs: rt.config.sessionIdleMs });
		redirect(303, '/admin/teams');
	}
};
