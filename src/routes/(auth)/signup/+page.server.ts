import { redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/session';
import { attempt } from '$lib/server/http';
import { signUp } from '$lib/server/services/auth.service';
import { formToObject } from '$lib/server/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.actor) redirect(303, '/leaderboards');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const input = formToObject(await event.request.formData());
		const { password: _password, ...values } = input;
		const rt = event.locals.runtime;
		const result = await attempt(event, () => signUp(rt.db, input, event.request.headers.get('user-agent')), values);
		if (!result.ok) return result.failure;
		setSessionCookie(event.cookies, result.value.token, { secure: event.locals.secureCookies, maxAgeMs: rt.config.sessionIdleMs });
		redirect(303, '/admin/teams');
	}
};
