import { translate } from '$lib/i18n';
import { requireRole, attempt } from '$lib/server/platform/http';
import { getOrganization, updateOrganizationSettings } from '$lib/server/org/organization.service';
import { changeTransparency, getTransparency } from '$lib/server/transparency/transparency.service';
import { timeZones } from '$lib/server/platform/timezones';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	const [settings, transparency] = await Promise.all([getOrganization(event.locals.runtime.db, actor), getTransparency(event.locals.runtime.db, actor)]);
	return { settings, transparency, timeZones: timeZones() };
};

export const actions: Actions = {
	save: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => updateOrganizationSettings(event.locals.runtime, actor, input), input);
		if (!result.ok) return result.failure;
		return { saved: translate(event.locals.locale, 'admin.settings.saved') };
	},
	/** What reps see of the boards, and whether they may hide from displays. */
	transparency: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => changeTransparency(event.locals.runtime, actor, input), { ...input, form: 'transparency' });
		if (!result.ok) return result.failure;
		return { transparencySaved: translate(event.locals.locale, 'transparency.saved') };
	}
};
