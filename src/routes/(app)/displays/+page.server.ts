// /displays: leaders and admins manage the displays they may (slides, screens, settings). How a member
// appears on displays is theirs to choose on /account.
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { addSlide, createDisplay, displaysFor, editDisplay, editSlide, moveSlide, removeDisplay, removeSlide, revokeScreen } from '$lib/server/displays/display.service';
import { editorChoices, previews, slideFromForm } from '$lib/server/displays/display.pages';
import { CELEBRATION_KINDS, MAX_TRIGGERS, SOUND_MAX_BYTES } from '$lib/shared/displays/displays';
import { removeSound, soundsOf, uploadSound } from '$lib/server/displays/display.sounds';
import { AppError } from '$lib/server/platform/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	event.depends('podium:displays');
	const rt = event.locals.runtime;
	if (actor.role === 'rep') return { canManage: false as const, isAdmin: false, sounds: [], displays: [], choices: { teams: [], boards: [], contests: [], measures: [] }, previews: {}, serverNow: Date.now() };
	const displays = await displaysFor(rt, actor);
	const [choices, data, sounds] = await Promise.all([
		editorChoices(rt.db, actor, event.locals.locale),
		previews(rt, actor.organizationId, displays, event.locals.locale),
		actor.role === 'admin' ? soundsOf(rt.db, actor.organizationId) : Promise.resolve([])
	]);
	return { canManage: true as const, isAdmin: actor.role === 'admin', sounds, displays, choices, previews: data, serverNow: Date.now() };
};

/** The celebrations fieldset: the first trigger is the deal threshold, the others any metric per event or day. */
function celebrationsFrom(input: Record<string, unknown>, kinds: string[]) {
	const rows = Array.from({ length: MAX_TRIGGERS }, (_, i) => ({
		metric: String(input[`trigger.metric.${i}`] ?? '').trim(),
		threshold: String(input[`trigger.threshold.${i}`] ?? '').trim(),
		per: input[`trigger.per.${i}`] === 'day' ? 'day' : 'event'
	}));
	const [first, ...rest] = rows;
	const number = (v: string) => (v === '' ? Number.NaN : Number(v));
	return {
		enabled: input.celebrations === 'on',
		kinds: kinds.filter((k) => (CELEBRATION_KINDS as readonly string[]).includes(k)),
		sound: input.sound === 'on',
		metric: first.metric || 'deal',
		threshold: first.threshold === '' ? 1 : number(first.threshold),
		triggers: rest.filter((r) => r.metric && r.threshold !== '').map((r) => ({ metric: r.metric, threshold: number(r.threshold), per: r.per }))
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
		const input = formToObject(await event.request.formData(), ['days', 'settings.metrics']);
		const result = await attempt(event, () => addSlide(event.locals.runtime, actor, input.displayId, slideFromForm(input, (input.days as string[] | undefined) ?? [])), {
			...input,
			form: `slide:${input.displayId}`
		});
		if (!result.ok) return result.failure;
		return { slideAdded: result.value.id };
	},
	editSlide: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData(), ['days', 'settings.metrics']);
		const result = await attempt(event, () => editSlide(event.locals.runtime, actor, input.slideId, slideFromForm(input, (input.days as string[] | undefined) ?? [])), {
			...input,
			form: `edit-slide:${input.slideId}`
		});
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'displays.slide.saved') };
	},
	uploadSound: async (event) => {
		const actor = requireActor(event);
		const declared = Number(event.request.headers.get('content-length') ?? 'NaN');
		const result = await attempt(event, async () => {
			if (Number.isFinite(declared) && declared > SOUND_MAX_BYTES + 64 * 1024) throw new AppError(400, 'displays.errors.soundTooBig', undefined, 'file');
			const form = await event.request.formData();
			const file = form.get('file');
			const bytes = file instanceof File && file.size > 0 && file.size <= SOUND_MAX_BYTES ? new Uint8Array(await file.arrayBuffer()) : file instanceof File && file.size > SOUND_MAX_BYTES ? new Uint8Array(SOUND_MAX_BYTES + 1) : null;
			await uploadSound(event.locals.runtime, actor, form.get('kind'), bytes ? { name: file instanceof File ? file.name : '', bytes } : null);
		}, { form: 'sounds' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'displays.sounds.saved') };
	},
	removeSound: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => removeSound(event.locals.runtime, actor, input.kind), { form: 'sounds' });
		if (!result.ok) return result.failure;
		return {};
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
