import { translate } from '$lib/i18n';
import { attempt, requireRole } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { allowancesOf, archiveValue, createValue, deleteValue, editValue, listValues, setAllowances } from '$lib/server/recognition/values.service';
import { localize } from '$lib/shared/localized';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	const db = event.locals.runtime.db;
	const [values, allowances] = await Promise.all([listValues(db, actor, { includeArchived: true }), allowancesOf(db, actor.organizationId)]);
	return { values, allowances };
};

/** The form's flat fields (name.en, name.zh-CN, description.en, …) as the value's input. */
async function valueForm(event: RequestEvent) {
	const form = formToObject(await event.request.formData());
	const input = {
		valueId: form.valueId,
		name: { en: form['name.en'] ?? '', 'zh-CN': form['name.zh-CN'] ?? '' },
		description: { en: form['description.en'] ?? '', 'zh-CN': form['description.zh-CN'] ?? '' },
		emoji: form.emoji ?? '',
		color: form.useColor === 'on' ? (form.color ?? '') : ''
	};
	return { form, input };
}

export const actions: Actions = {
	create: async (event) => {
		const actor = requireRole(event, 'admin');
		const { form, input } = await valueForm(event);
		const result = await attempt(event, () => createValue(event.locals.runtime.db, actor, input), { ...form, form: 'create' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'kudos.admin.created', { name: localize(input.name as never, event.locals.locale) }) };
	},
	update: async (event) => {
		const actor = requireRole(event, 'admin');
		const { form, input } = await valueForm(event);
		const result = await attempt(event, () => editValue(event.locals.runtime.db, actor, input), { ...form, form: `update:${form.valueId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'kudos.admin.updated', { name: localize(input.name as never, event.locals.locale) }) };
	},
	archive: async (event) => {
		const actor = requireRole(event, 'admin');
		const form = formToObject(await event.request.formData());
		const result = await attempt(event, () => archiveValue(event.locals.runtime.db, actor, form, true), { ...form, form: `status:${form.valueId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'kudos.admin.archivedDone') };
	},
	restore: async (event) => {
		const actor = requireRole(event, 'admin');
		const form = formToObject(await event.request.formData());
		const result = await attempt(event, () => archiveValue(event.locals.runtime.db, actor, form, false), { ...form, form: `status:${form.valueId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'kudos.admin.restoredDone') };
	},
	delete: async (event) => {
		const actor = requireRole(event, 'admin');
		const form = formToObject(await event.request.formData());
		const result = await attempt(event, () => deleteValue(event.locals.runtime.db, actor, form), { ...form, form: `status:${form.valueId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'kudos.admin.deletedDone') };
	},
	allowances: async (event) => {
		const actor = requireRole(event, 'admin');
		const form = formToObject(await event.request.formData());
		const result = await attempt(event, () => setAllowances(event.locals.runtime.db, actor, form), { ...form, form: 'allowances' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'kudos.admin.allowancesSaved') };
	}
};
