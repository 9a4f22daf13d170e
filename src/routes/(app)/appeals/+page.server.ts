import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { addAppealMessage, openAppeal, readAppeals, resolveAppealAs } from '$lib/server/coaching/appeal.service';
import { listMembers } from '$lib/server/org/membership.repository';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const rt = event.locals.runtime;
	const [appeals, members] = await Promise.all([
		readAppeals(rt, actor),
		// Whom a line may be credited to: the organization's active members (leaders and admins resolve).
		actor.role === 'rep' ? Promise.resolve([]) : listMembers(rt.db, actor.organizationId)
	]);
	return {
		appeals,
		members: members.filter((m) => m.status === 'active').map((m) => ({ id: m.user_id, name: m.name }))
	};
};

export const actions: Actions = {
	open: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => openAppeal(event.locals.runtime, actor, input), { ...input, form: 'open' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'appeals.form.sent'), appealId: result.value.id, eventId: Number(input.eventId) };
	},
	resolve: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => resolveAppealAs(event.locals.runtime, actor, input.appealId, input), { ...input, form: `resolve:${input.appealId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'appeals.resolve.done') };
	},
	message: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => addAppealMessage(event.locals.runtime, actor, input.appealId, input), { ...input, form: `message:${input.appealId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'appeals.thread.sent') };
	}
};
