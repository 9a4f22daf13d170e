import { randomUUID } from 'node:crypto';
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { giveKudos, givingContext, hide, listFeed, react, report, spotlight } from '$lib/server/recognition/kudos.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const db = event.locals.runtime.db;
	const [context, feed] = await Promise.all([givingContext(db, actor), listFeed(db, actor.organizationId, actor)]);
	return { ...context, feed, requestId: randomUUID(), canManageValues: actor.role === 'admin' };
};

export const actions: Actions = {
	give: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData(), ['to']);
		const result = await attempt(event, () => giveKudos(event.locals.runtime, actor, input), { ...input, form: 'give' });
		if (!result.ok) return result.failure;
		const { kudos, allowance, duplicate } = result.value;
		return { form: 'give', kudos, allowance, duplicate, done: translate(event.locals.locale, 'kudos.give.sent', { names: kudos.to.map((p) => p.name).join(', ') }) };
	},
	react: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => react(event.locals.runtime, actor, input), { ...input, form: 'react' });
		if (!result.ok) return result.failure;
		return { form: 'react', kudosId: String(input.kudosId), ...result.value };
	},
	report: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => report(event.locals.runtime, actor, input), { ...input, form: 'report' });
		if (!result.ok) return result.failure;
		return { form: 'report', kudosId: String(input.kudosId), done: translate(event.locals.locale, 'kudos.feed.reported') };
	},
	hide: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => hide(event.locals.runtime, actor, input), { ...input, form: 'hide' });
		if (!result.ok) return result.failure;
		return { form: 'hide', kudosId: String(input.kudosId), done: translate(event.locals.locale, 'kudos.feed.hidden') };
	},
	spotlight: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => spotlight(event.locals.runtime, actor, input), { ...input, form: 'spotlight' });
		if (!result.ok) return result.failure;
		return { form: 'spotlight', kudosId: String(input.kudosId), ...result.value };
	}
};
