import { translate } from '$lib/i18n';
import { attempt, requireRole } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { coinRulesOf, saveCoinRules } from '$lib/server/recognition/coin.service';
import { approvalQueue, createReward, decideRedemption, listRewards, updateReward } from '$lib/server/recognition/reward.service';
import type { RedemptionAction } from '$lib/shared/rewards';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin', 'leader');
	// Reloaded when a colleague changes what this page shows (realtime/changes.ts).
	event.depends('podium:rewards');
	const db = event.locals.runtime.db;
	const [queue, rewards, rules] = await Promise.all([
		approvalQueue(db, actor),
		actor.role === 'admin' ? listRewards(db, actor, { includeInactive: true }) : Promise.resolve([]),
		actor.role === 'admin' ? coinRulesOf(db, actor.organizationId) : Promise.resolve(null)
	]);
	return { queue, rewards, rules };
};

const decide = (action: Exclude<RedemptionAction, 'cancel'>) => async (event: RequestEvent) => {
	const actor = requireRole(event, 'admin', 'leader');
	const input = formToObject(await event.request.formData());
	const result = await attempt(event, () => decideRedemption(event.locals.runtime, actor, action, input), { ...input, form: `${action}:${input.redemptionId}` });
	if (!result.ok) return result.failure;
	return { done: translate(event.locals.locale, `rewards.admin.done.${action}`), decided: { id: input.redemptionId, action } };
};

export const actions: Actions = {
	approve: decide('approve'),
	fulfil: decide('fulfil'),
	decline: decide('decline'),
	createReward: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => createReward(event.locals.runtime, actor, rewardInput(input)), { ...input, form: 'createReward' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'rewards.admin.done.created') };
	},
	updateReward: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => updateReward(event.locals.runtime, actor, rewardInput(input)), { ...input, form: `updateReward:${input.rewardId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'rewards.admin.done.updated') };
	},
	saveRules: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => saveCoinRules(event.locals.runtime.db, actor, input), { ...input, form: 'saveRules' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'rewards.admin.done.rules') };
	}
};

/** The form's two name and description fields as localized text. */
function rewardInput(input: Record<string, unknown>) {
	return {
		...input,
		image: input.image === 'custom' ? input.imageCustom : input.image,
		name: { en: input['name.en'] ?? '', 'zh-CN': input['name.zh-CN'] ?? '' },
		description: { en: input['description.en'] ?? '', 'zh-CN': input['description.zh-CN'] ?? '' }
	};
}
