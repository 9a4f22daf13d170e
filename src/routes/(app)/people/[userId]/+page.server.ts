import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { accessOf } from '$lib/server/org/access';
import { AppError } from '$lib/server/platform/errors';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import type { Runtime } from '$lib/server/platform/runtime';
import { awardManually, listBadges, trophyCase } from '$lib/server/recognition/badge.service';
import type { Actions, PageServerLoad } from './$types';

const engine = (rt: Runtime) => ({ db: rt.db, live: rt.live, events: rt.events, clock: rt.scheduler.clock });

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const rt = event.locals.runtime;
	let trophies;
	try {
		trophies = await trophyCase(engine(rt), actor, event.params.userId);
	} catch (err) {
		if (err instanceof AppError) error(err.status, translate(event.locals.locale, err.key));
		throw err;
	}
	const access = await accessOf(rt.db, actor);
	const canAward = actor.role !== 'rep' && trophies.member.active && access.canManageMember(trophies.member.id);
	const manual = canAward ? (await listBadges(rt.db, actor)).filter((b) => b.rule.kind === 'manual' && b.status === 'active').map((b) => ({ id: b.id, name: b.name, icon: b.icon })) : [];
	return { ...trophies, canAward, manual, isMe: actor.userId === trophies.member.id };
};

export const actions: Actions = {
	award: async (event) => {
		const actor = requireActor(event);
		const input = { ...formToObject(await event.request.formData()), userId: event.params.userId };
		const result = await attempt(event, () => awardManually(engine(event.locals.runtime), actor, input), { ...input, form: 'award' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'trophy.awarded') };
	}
};
