import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { AppError } from '$lib/server/platform/errors';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import {
	acknowledgeReviewAs,
	addPlanAction,
	addPlanCheckin,
	commentOnReview,
	openImprovementPlan,
	readReview,
	saveReviewText,
	shareReview,
	tickPlanAction
} from '$lib/server/coaching/review.service';
import { orgClock } from '$lib/server/scoring/live.service';
import { periodOf } from '$lib/shared/time-windows';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const rt = event.locals.runtime;
	try {
		const review = await readReview(rt, actor, event.params.reviewId);
		const today = periodOf('day', new Date(), await orgClock(rt.db, actor.organizationId)).key;
		return { review, today };
	} catch (err) {
		if (err instanceof AppError) error(err.status, translate(event.locals.locale, err.key));
		throw err;
	}
};

/** A form action on this review: the service's work, its refusal as fail(), or a message on success. */
async function act(event: RequestEvent, form: string, work: (input: Record<string, unknown>) => Promise<unknown>, done: Parameters<typeof translate>[1]) {
	requireActor(event);
	const input = formToObject(await event.request.formData());
	const result = await attempt(event, () => work(input), { ...input, form });
	if (!result.ok) return result.failure;
	return { done: translate(event.locals.locale, done), form };
}

export const actions: Actions = {
	save: (event) => act(event, 'save', (input) => saveReviewText(event.locals.runtime, requireActor(event), event.params.reviewId, input), 'reviews.done.saved'),
	share: (event) => act(event, 'share', () => shareReview(event.locals.runtime, requireActor(event), event.params.reviewId), 'reviews.done.shared'),
	acknowledge: (event) => act(event, 'acknowledge', () => acknowledgeReviewAs(event.locals.runtime, requireActor(event), event.params.reviewId), 'reviews.done.acknowledged'),
	comment: (event) => act(event, 'comment', (input) => commentOnReview(event.locals.runtime, requireActor(event), event.params.reviewId, input), 'reviews.done.commented'),
	plan: (event) => act(event, 'plan', (input) => openImprovementPlan(event.locals.runtime, requireActor(event), event.params.reviewId, input), 'reviews.done.plan'),
	addAction: (event) => act(event, 'addAction', (input) => addPlanAction(event.locals.runtime, requireActor(event), event.params.reviewId, input), 'reviews.done.action'),
	tickAction: (event) => act(event, 'tickAction', (input) => tickPlanAction(event.locals.runtime, requireActor(event), event.params.reviewId, input), 'reviews.done.ticked'),
	addCheckin: (event) => act(event, 'addCheckin', (input) => addPlanCheckin(event.locals.runtime, requireActor(event), event.params.reviewId, input), 'reviews.done.checkin')
};
