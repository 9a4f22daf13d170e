import { isActionFailure, redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/session';
import { runAction } from '$lib/server/http';
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
		const result = await runAction(event, () => signUp(rt.db, input, event.request.headers.get('user-agent')), values);
		if (isActionFailure(result)) return result;
		setSessionCookie(event.cookies, result.token, { secure: event.locals.secureCookies, maxAgeMs: rt.config.sessionIdleMs });
		redirect(303, '/admin/teams');
	}
};
