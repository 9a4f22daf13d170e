import { redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/session';
import { clientIp, attempt, safeNext } from '$lib/server/platform/http';
import { signIn } from '$lib/server/auth/auth.service';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.actor) redirect(303, safeNext(url.searchParams.get('next')));
	const demo = locals.runtime.demo;
	return { demo: demo ? { email: demo.email, password: demo.password } : null };
};

export const actions: Actions = {
	default: async (event) => {
		const input = formToObject(await event.request.formData());
		const rt = event.locals.runtime;
		const result = await attempt(
			event,
			() => signIn(rt, input, { ip: clientIp(event), userAgent: event.request.headers.get('user-agent') }),
			{ email: typeof input.email === 'string' ? input.email : '' }
		);
		if (!result.ok) return result.failure;
		setSessionCookie(event.cookies, result.value.token, { secure: event.locals.secureCookies, maxAgeMs: rt.config.sessionIdleMs });
		redirect(303, safeNext(event.url.searchParams.get('next')));
	}
};
