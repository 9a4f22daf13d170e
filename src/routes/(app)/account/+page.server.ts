import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { AppError } from '$lib/server/platform/errors';
import { requireActor, attempt, clientIp } from '$lib/server/platform/http';
import { countUserSessions } from '$lib/server/auth/user.repository';
import { setSessionOrganization } from '$lib/server/auth/session.repository';
import { changePassword } from '$lib/server/auth/auth.service';
import { organizationsOf, updateProfile } from '$lib/server/org/organization.service';
import { formToObject, parseInput } from '$lib/server/platform/validation';
import { myDisplayName, setMyDisplayName } from '$lib/server/displays/display.service';
import { myDisplayHiding, setMyDisplayHiding } from '$lib/server/transparency/transparency.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const db = event.locals.runtime.db;
	const [sessions, organizations, displayAs, hiding] = await Promise.all([
		countUserSessions(db, actor.userId),
		organizationsOf(db, actor.userId),
		myDisplayName(db, actor),
		myDisplayHiding(db, actor)
	]);
	return {
		profile: { name: event.locals.auth!.user.name, email: event.locals.auth!.user.email, locale: event.locals.locale },
		sessions,
		organizations: organizations.map((o) => ({ id: o.id, name: o.name, role: o.role })),
		displayAs,
		hiding
	};
};

export const actions: Actions = {
	/** How I appear on the office displays (TVs) of this organization: my name, my initials or an alias. */
	displayAs: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => setMyDisplayName(event.locals.runtime.db, actor, input), { ...input, form: 'displayAs' });
		if (!result.ok) return result.failure;
		return { displayAsSaved: translate(event.locals.locale, 'displays.me.saved') };
	},
	/** Leave me off the office displays (TV slides and celebrations), when the organization allows it. */
	displayHidden: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => setMyDisplayHiding(event.locals.runtime, actor, input), { ...input, form: 'displayHidden' });
		if (!result.ok) return result.failure;
		return { hiddenSaved: translate(event.locals.locale, 'transparency.me.saved') };
	},
	profile: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => updateProfile(event.locals.runtime.db, actor, input), input);
		if (!result.ok) return result.failure;
		return { saved: translate(result.value.locale, 'account.saved') };
	},
	password: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(
			event,
			() =>
				changePassword(event.locals.runtime, actor, event.locals.auth!.session.id, input, {
					ip: clientIp(event),
					userAgent: event.request.headers.get('user-agent')
				}),
			{ form: 'password' }
		);
		if (!result.ok) return result.failure;
		return { passwordChanged: translate(event.locals.locale, 'account.password.changed') };
	},
	switch: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, async () => {
			const { organizationId } = parseInput(z.object({ organizationId: z.uuid() }), input);
			const orgs = await organizationsOf(event.locals.runtime.db, actor.userId);
			if (!orgs.some((o) => o.id === organizationId)) throw new AppError(404, 'validation.notFound', undefined, 'organizationId');
			await setSessionOrganization(event.locals.runtime.db, event.locals.auth!.session.id, organizationId);
		});
		if (!result.ok) return result.failure;
		redirect(303, '/team');
	}
};
