// Language and theme switchers post here; works without JavaScript and for signed-out visitors.
import { error, redirect } from '@sveltejs/kit';
import { isLocale, LOCALE_COOKIE, translate } from '$lib/i18n';
import { updateUserProfile } from '$lib/server/auth/user.repository';
import { safeNext } from '$lib/server/platform/http';
import { THEME_COOKIE } from '$lib/shared/preferences';
import type { RequestHandler } from './$types';

const YEAR = 60 * 60 * 24 * 365;

export const POST: RequestHandler = async ({ request, cookies, locals }) => {
	const form = await request.formData().catch(() => error(400, 'Expected a form'));
	const locale = form.get('locale');
	const theme = form.get('theme');
	const options = { path: '/', maxAge: YEAR, sameSite: 'lax' as const, httpOnly: false, secure: locals.secureCookies };
	if (locale !== null) {
		if (!isLocale(locale)) error(400, translate(locals.locale, 'validation.choice', { field: translate(locals.locale, 'fields.locale') }));
		cookies.set(LOCALE_COOKIE, locale, options);
		if (locals.auth) {
			await updateUserProfile(locals.runtime.db, locals.auth.user.id, { name: locals.auth.user.name, locale });
		}
	}
	if (theme !== null) {
		if (theme !== 'system' && theme !== 'light' && theme !== 'dark') {
			error(400, translate(locals.locale, 'validation.choice', { field: translate(locals.locale, 'theme.label') }));
		}
		cookies.set(THEME_COOKIE, theme, options);
	}
	// Back to the page the form was on: a path of this site only (see safeNext).
	const back = form.get('redirectTo');
	redirect(303, safeNext(typeof back === 'string' ? back : null));
};
