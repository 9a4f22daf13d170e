import { redirect } from '@sveltejs/kit';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { createReview, listReviewsFor, reviewableMembers, reviewPeriodChoices } from '$lib/server/coaching/review.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const rt = event.locals.runtime;
	const [reviews, members, periods] = await Promise.all([listReviewsFor(rt, actor), reviewableMembers(rt.db, actor), reviewPeriodChoices(rt.db, actor.organizationId)]);
	return { ...reviews, members, periods, preselect: event.url.searchParams.get('member') };
};

export const actions: Actions = {
	create: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => createReview(event.locals.runtime, actor, input), { ...input, form: 'create' });
		if (!result.ok) return result.failure;
		redirect(303, `/reviews/${result.value.id}`);
	}
};
