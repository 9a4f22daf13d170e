import { error, redirect } from '@sveltejs/kit';
import { getContest, updateContest } from '$lib/server/contests/contest.service';
import { describeError } from '$lib/server/platform/validation';
import { builderValuesOf } from '$lib/shared/contest-form';
import { backtestFromBuilder, builderChoices, requireBuilder, saveFromBuilder } from '../../builder.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireBuilder(event);
	let contest;
	try {
		contest = await getContest(event.locals.runtime, actor, event.params.id, event.locals.locale);
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
	// Only a draft or a scheduled contest has rules that can change; a live one is locked.
	if (!contest.canManage || (contest.status !== 'draft' && contest.status !== 'scheduled')) redirect(303, `/contests/${contest.id}`);
	return {
		...(await builderChoices(event, actor)),
		contest: { id: contest.id, name: contest.name },
		initial: builderValuesOf(contest, event.locals.auth!.organization.timeZone, Date.now())
	};
};

export const actions: Actions = {
	save: async (event) => {
		const actor = requireBuilder(event);
		const id = event.params.id;
		const result = await saveFromBuilder(event, actor, async (input) => {
			await updateContest(event.locals.runtime, actor, id, input);
			return id;
		});
		if (!result.ok) return result.failure;
		redirect(303, `/contests/${id}`);
	},
	backtest: async (event) => backtestFromBuilder(event, requireBuilder(event))
};
