import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { coinAccount } from '$lib/server/recognition/coin.service';
import { decideRedemption, listRewards, myRedemptions, redeemReward } from '$lib/server/recognition/reward.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	// Reloaded when a colleague changes what this page shows (realtime/changes.ts).
	event.depends('podium:rewards');
	const db = event.locals.runtime.db;
	const [rewards, account, redemptions] = await Promise.all([
		listRewards(db, actor),
		coinAccount(db, actor.organizationId, actor.userId, { limit: 12 }),
		myRedemptions(db, actor)
	]);
	return { rewards, balance: account.balance, ledger: account.entries, redemptions };
};

export const actions: Actions = {
	redeem: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => redeemReward(event.locals.runtime, actor, input), { ...input, form: 'redeem' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'rewards.redeemed'), redeemed: input.rewardId };
	},
	cancel: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => decideRedemption(event.locals.runtime, actor, 'cancel', input), { ...input, form: 'cancel' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'rewards.cancelled') };
	}
};
