// /displays: leaders and admins manage the displays they may (slides, screens, settings). How a member
// appears on displays is theirs to choose on /account.
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { addSlide, createDisplay, displaysFor, editDisplay, moveSlide, removeDisplay, removeSlide, revokeScreen } from '$lib/server/displays/display.service';
import { editorChoices, previews, slideFromForm } from '$lib/server/displays/display.pages';
import { CELEBRATION_KINDS } from '$lib/shared/displays/displays';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	event.depends('podium:displays');
	const rt = event.locals.runtime;
	if (actor.role === 'rep') return { canManage: false as const, displays: [], choices: { teams: [], boards: [] }, previews: {}, serverNow: Date.now() };
	const displays = await displaysFor(rt, actor);
	const [choices, data] = await Promise.all([editorChoices(rt.db, actor, event.locals.locale), previews(rt, actor.organizationId, displays, event.locals.locale)]);
	return { canManage: true as const, displays, choices, previews: data, serverNow: Date.now() };
};

function celebrationsFrom(input: Record<string, unknown>, kinds: string[]) {
	return {
		enabled: input.celebrations === 'on',
		kinds: kinds.filter((k) => (CELEBRATION_KINDS as readonly string[]).includes(k)),
		metric: String(input.metric || 'deal'),
		threshold: Math.max(1, Math.round(Number(input.threshold || 1)))
	};
}

export const actions: Actions = {
	create: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => createDisplay(event.locals.runtime, actor, { name: input.name, team: input.team, topN: input.topN || undefined }), { ...input, form: 'create' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'displays.save'), created: result.value.id };
	},
	edit: async (event) => {
		const actor = requireActor(event);
		const form = await event.request.formData();
		const input = formToObject(form, ['kinds']);
		const result = await attempt(
			event,
			() =>
				editDisplay(event.locals.runtime, actor, input.displayId, {
					name: input.name,
					team: input.team ?? '',
					topN: input.topN,
					celebrations: celebrationsFrom(input, (input.kinds as string[] | undefined) ?? [])
				}),
			{ ...input, form: `edit:${input.displayId}` }
		);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'displays.save') };
	},
	delete: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => removeDisplay(event.locals.runtime, actor, input.displayId));
		if (!result.ok) return result.failure;
		return {};
	},
	addSlide: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData(), ['days']);
		const result = await attempt(event, () => addSlide(event.locals.runtime, actor, input.displayId, slideFromForm(input, (input.days as string[] | undefined) ?? [])), {
			...input,
			form: `slide:${input.displayId}`
		});
		if (!result.ok) return result.failure;
		return { slideAdded: result.value.id };
	},
	removeSlide: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => removeSlide(event.locals.runtime, actor, input.slideId));
		if (!result.ok) return result.failure;
		return {};
	},
	moveSlide: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => moveSlide(event.locals.runtime, actor, input.slideId, input.direction));
		if (!result.ok) return result.failure;
		return {};
	},
	revoke: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => revokeScreen(event.locals.runtime, actor, input.screenId));
		if (!result.ok) return result.failure;
		return {};
	}
};
