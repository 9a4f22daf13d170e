// /displays/pair: a leader claims a TV's code (typed, or from the QR code's ?code=) for a display.
import { translate } from '$lib/i18n';
import { attempt, requireActor, requireRole } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { displaysFor, pairScreen } from '$lib/server/displays/display.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin', 'leader');
	const displays = await displaysFor(event.locals.runtime, actor);
	return { displays: displays.map((d) => ({ id: d.id, name: d.name })), code: (event.url.searchParams.get('code') ?? '').slice(0, 12) };
};

export const actions: Actions = {
	default: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const rt = event.locals.runtime;
		const result = await attempt(event, () => pairScreen(rt, actor, input.displayId, { code: input.code }), input);
		if (!result.ok) return result.failure;
		const name = (await displaysFor(rt, actor)).find((d) => d.id === input.displayId)?.name ?? '';
		return { done: translate(event.locals.locale, 'displays.pair.done', { display: name }) };
	}
};
