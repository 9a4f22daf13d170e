import { error, redirect } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { describeError, formToObject } from '$lib/server/platform/validation';
import { copyToNextPeriod, decideGoal, editGoal, readGoal, removeGoal, splitGoal } from '$lib/server/goals/goal.service';
import { goalFormChoices, typedTarget } from '$lib/server/goals/goal.pages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	event.depends('podium:goals');
	const rt = event.locals.runtime;
	try {
		const [detail, choices] = await Promise.all([readGoal(rt, actor, event.params.goalId, event.locals.locale), goalFormChoices(rt.db, actor)]);
		return { ...detail, holidays: choices.holidays };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
};

export const actions: Actions = {
	edit: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const rt = event.locals.runtime;
		const result = await attempt(
			event,
			async () =>
				editGoal(rt, actor, event.params.goalId, { target: await typedTarget(rt.db, actor.organizationId, input.metric, input.target), description: input.description || undefined, pace: input.pace || undefined }),
			{ ...input, form: 'edit' }
		);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'goals.form.saved') };
	},
	split: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => splitGoal(event.locals.runtime, actor, event.params.goalId, input), { ...input, form: 'split' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'goals.split.done', { created: result.value.created, updated: result.value.updated }) };
	},
	decide: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => decideGoal(event.locals.runtime, actor, event.params.goalId, { decision: input.decision, reason: input.reason || undefined }), { ...input, form: 'decide' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, result.value.status === 'active' ? 'goals.approved' : 'goals.declined') };
	},
	copy: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => copyToNextPeriod(event.locals.runtime, actor, event.params.goalId), { form: 'copy' });
		if (!result.ok) return result.failure;
		redirect(303, `/goals/${result.value.id}`);
	},
	remove: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => removeGoal(event.locals.runtime, actor, event.params.goalId), { form: 'remove' });
		if (!result.ok) return result.failure;
		redirect(303, '/goals');
	}
};
