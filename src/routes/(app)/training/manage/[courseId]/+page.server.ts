import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { describeError, formToObject } from '$lib/server/platform/validation';
import { archiveCourse, assignChoices, assignCourse, courseEditor, deleteModule, moveModule, publishCourse, saveModule, teamReport, unassign, updateCourse } from '$lib/server/training/training.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const db = event.locals.runtime.db;
	try {
		const editor = await courseEditor(db, actor, event.params.courseId);
		const [choices, report] = await Promise.all([assignChoices(db, actor), teamReport(db, actor, { courseId: editor.course.id })]);
		return { ...editor, choices, report };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
};

/** A localized field posted as `<name>.en` and `<name>.zh-CN` (a language left out is empty). */
const localized = (form: Record<string, unknown>, name: string) => ({ en: String(form[`${name}.en`] ?? ''), 'zh-CN': String(form[`${name}.zh-CN`] ?? '') });

export const actions: Actions = {
	update: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData());
		const input = { courseId: event.params.courseId, title: localized(form, 'title'), description: localized(form, 'description'), points: form.points };
		const result = await attempt(event, () => updateCourse(event.locals.runtime, actor, input), { ...form, form: 'update' });
		if (!result.ok) return result.failure;
		return { form: 'update', done: translate(event.locals.locale, 'training.done.saved') };
	},
	publish: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => publishCourse(event.locals.runtime, actor, { courseId: event.params.courseId }), { form: 'publish' });
		if (!result.ok) return result.failure;
		return { form: 'publish', done: translate(event.locals.locale, 'training.done.published') };
	},
	archive: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => archiveCourse(event.locals.runtime, actor, { courseId: event.params.courseId }), { form: 'archive' });
		if (!result.ok) return result.failure;
		return { form: 'archive', done: translate(event.locals.locale, 'training.done.archived') };
	},
	saveModule: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData());
		const input = { courseId: event.params.courseId, moduleId: form.moduleId, title: localized(form, 'title'), body: localized(form, 'body'), videoUrl: form.videoUrl, quiz: form.quiz };
		const result = await attempt(event, () => saveModule(event.locals.runtime, actor, input), { ...form, form: 'module' });
		if (!result.ok) return result.failure;
		return { form: 'module', moduleId: result.value, done: translate(event.locals.locale, 'training.done.moduleSaved') };
	},
	deleteModule: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData());
		const result = await attempt(event, () => deleteModule(event.locals.runtime, actor, form), { ...form, form: 'deleteModule' });
		if (!result.ok) return result.failure;
		return { form: 'deleteModule', done: translate(event.locals.locale, 'training.done.moduleDeleted') };
	},
	moveModule: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData());
		const result = await attempt(event, () => moveModule(event.locals.runtime, actor, form), { ...form, form: 'moveModule' });
		if (!result.ok) return result.failure;
		return { form: 'moveModule' };
	},
	assign: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData(), ['users']);
		const input = { ...form, courseId: event.params.courseId };
		const result = await attempt(event, () => assignCourse(event.locals.runtime, actor, input), { ...form, form: 'assign' });
		if (!result.ok) return result.failure;
		return { form: 'assign', done: translate(event.locals.locale, 'training.done.assigned', { count: result.value.assigned }) };
	},
	unassign: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData());
		const result = await attempt(event, () => unassign(event.locals.runtime, actor, form), { ...form, form: 'unassign' });
		if (!result.ok) return result.failure;
		return { form: 'unassign', done: translate(event.locals.locale, 'training.done.unassigned') };
	}
};
