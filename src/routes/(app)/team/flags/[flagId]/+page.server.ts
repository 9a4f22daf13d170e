// /team/flags/{id}: one flag with the events that raised it (their receipt lines), and its dismissal.
import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { dismissFlag, readFlag } from '$lib/server/coaching/flags.service';
import { attempt, requireActor } from '$lib/server/platform/http';
import { describeError, formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	try {
		return await readFlag(event.locals.runtime, actor, event.params.flagId);
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (described) error(described.status, described.message);
		throw err;
	}
};

export const actions: Actions = {
	dismiss: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => dismissFlag(event.locals.runtime, actor, event.params.flagId, input), input);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'flags.dismiss.done') };
	}
};
