import { redirect } from '@sveltejs/kit';
import { createContest } from '$lib/server/contests/contest.service';
import { defaultBuilderValues } from '$lib/shared/contest-form';
import { backtestFromBuilder, builderChoices, formatsFor, requireBuilder, saveFromBuilder } from '../builder.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireBuilder(event);
	return {
		...(await builderChoices(event, actor)),
		initial: { ...defaultBuilderValues(Date.now(), event.locals.auth!.organization.timeZone), format: formatsFor(actor)[0] }
	};
};

export const actions: Actions = {
	save: async (event) => {
		const actor = requireBuilder(event);
		const result = await saveFromBuilder(event, actor, async (input) => (await createContest(event.locals.runtime, actor, input)).id);
		if (!result.ok) return result.failure;
		redirect(303, `/contests/${result.value}`);
	},
	backtest: async (event) => backtestFromBuilder(event, requireBuilder(event))
};
