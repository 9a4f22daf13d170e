// /displays/<id>/remote: the presenter's remote, a phone page acting on every screen of a display.
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { displayOf, remote } from '$lib/server/displays/display.service';
import { describeError } from '$lib/server/platform/validation';
import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	event.depends('podium:displays');
	try {
		const display = await displayOf(event.locals.runtime, actor, event.params.displayId);
		return { display };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
};

export const actions: Actions = {
	default: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => remote(event.locals.runtime, actor, event.params.displayId, input), input);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'displays.remote.sent') };
	}
};
