import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { AppError } from '$lib/server/errors';
import { requireActor, attempt } from '$lib/server/http';
import { countUserSessions } from '$lib/server/repositories/user.repository';
import { organizationsOf, updateProfile } from '$lib/server/services/organization.service';
import { formToObject, parseInput } from '$lib/server/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const db = event.locals.runtime.db;
	const [sessions, organizations] = await Promise.all([countUserSessions(db, actor.userId), organizationsOf(db, actor.userId)]);
	return {
		profile: { name: event.locals.auth!.user.name, email: event.locals.auth!.user.email, locale: event.locals.locale },
		sessions,
		organizations: organizations.map((o) => ({ id: o.id, name: o.name, role: o.role }))
	};
};

export const actions: Actions = {
	profile: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => updateProfile(event.locals.runtime.db, actor, input), input);
		if (!result.ok) return result.failure;
		return { saved: translate(result.value.locale, 'account.saved') };
	},
	switch: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, async () => {
			const { organizationId } = parseInput(z.object({ organizationId: z.uuid() }), input);
			const orgs = await organizationsOf(event.locals.runtime.db, actor.userId);
			if (!orgs.some((o) => o.id === organizationId)) throw new AppError(404, 'validation.notFound', undefined, 'organizationId');
			await event.locals.runtime.db
				.updateTable('sessions')
				.set({ organization_id: organizationId })
				.where('id', '=', event.locals.auth!.session.id)
				.execute();
		});
		if (!result.ok) return result.failure;
		redirect(303, '/team');
	}
};
