import { error } from '@sveltejs/kit';
import { attempt, requireActor } from '$lib/server/platform/http';
import { describeError, formToObject } from '$lib/server/platform/validation';
import { completeModule, coursePlayer, submitQuiz } from '$lib/server/training/training.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	try {
		return { player: await coursePlayer(event.locals.runtime.db, actor, event.params.courseId) };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
};

/** The quiz form's answers: fields `answer.<question id>`, one value per option chosen. */
function answersOf(form: FormData): Record<string, string[]> {
	const answers: Record<string, string[]> = {};
	for (const key of new Set(form.keys())) {
		if (!key.startsWith('answer.')) continue;
		answers[key.slice('answer.'.length)] = form.getAll(key).filter((v): v is string => typeof v === 'string');
	}
	return answers;
}

export const actions: Actions = {
	complete: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => completeModule(event.locals.runtime, actor, input), { ...input, form: 'complete' });
		if (!result.ok) return result.failure;
		return { form: 'complete', moduleId: String(input.moduleId), completed: result.value.completed };
	},
	quiz: async (event) => {
		const actor = requireActor(event);
		const form = await event.request.formData();
		const moduleId = String(form.get('moduleId') ?? '');
		const result = await attempt(event, () => submitQuiz(event.locals.runtime, actor, { moduleId, answers: answersOf(form) }), { moduleId, form: 'quiz' });
		if (!result.ok) return result.failure;
		return { form: 'quiz', outcome: result.value };
	}
};
