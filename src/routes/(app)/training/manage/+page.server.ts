import { error, redirect } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { createCourse, listCourses } from '$lib/server/training/training.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	if (actor.role === 'rep') error(403, translate(event.locals.locale, 'errors.forbidden'));
	return { courses: await listCourses(event.locals.runtime.db, actor) };
};

export const actions: Actions = {
	create: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData());
		const text = (name: string) => ({ en: String(form[`${name}.en`] ?? ''), 'zh-CN': String(form[`${name}.zh-CN`] ?? '') });
		const input = { title: text('title'), description: text('description'), points: form.points };
		const result = await attempt(event, () => createCourse(event.locals.runtime, actor, input), { ...form, form: 'create' });
		if (!result.ok) return result.failure;
		redirect(303, `/training/manage/${result.value}`);
	}
};
