import { error, redirect } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { acceptDuel, cancelContest, cloneContest, declineDuel, deleteContest, extendContest, getContest, scheduleContest } from '$lib/server/contests/contest.service';
import { attempt, requireActor } from '$lib/server/platform/http';
import { describeError, formToObject } from '$lib/server/platform/validation';
import { fromLocalInput } from '$lib/shared/contest-form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	try {
		const contest = await getContest(event.locals.runtime, actor, event.params.id, event.locals.locale);
		return { contest };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
};

export const actions: Actions = {
	schedule: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => scheduleContest(event.locals.runtime, actor, event.params.id), { form: 'schedule' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'contestsUi.done.scheduled') };
	},
	cancel: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => cancelContest(event.locals.runtime, actor, event.params.id), { form: 'cancel' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'contestsUi.done.cancelled') };
	},
	extend: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const timeZone = event.locals.auth!.organization.timeZone;
		const endsAt = fromLocalInput(String(input.endsAt ?? ''), timeZone);
		const result = await attempt(event, () => extendContest(event.locals.runtime, actor, event.params.id, endsAt), { ...input, form: 'extend' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'contestsUi.done.extended') };
	},
	accept: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => acceptDuel(event.locals.runtime, actor, event.params.id), { form: 'accept' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'contestsUi.done.accepted') };
	},
	decline: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => declineDuel(event.locals.runtime, actor, event.params.id), { form: 'decline' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'contestsUi.done.declined') };
	},
	clone: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => cloneContest(event.locals.runtime, actor, event.params.id), { form: 'clone' });
		if (!result.ok) return result.failure;
		redirect(303, `/contests/${result.value.id}/edit`);
	},
	delete: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => deleteContest(event.locals.runtime, actor, event.params.id), { form: 'delete' });
		if (!result.ok) return result.failure;
		redirect(303, '/contests');
	}
};
