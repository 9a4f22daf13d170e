// /team/flags: the anti-gaming flags a leader (reps of the teams they manage) or an admin (everyone) may
// review; reps are refused. Filters (status, team) live in the URL. Actions: scan now, dismiss.
import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { dismissFlag, readFlags, scanNow } from '$lib/server/coaching/flags.service';
import { attempt, requireActor } from '$lib/server/platform/http';
import { describeError, formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const q = event.url.searchParams;
	const status = q.get('status');
	try {
		const flags = await readFlags(event.locals.runtime, actor, { status: status === 'dismissed' || status === 'all' ? status : 'open', team: q.get('team') || undefined });
		return { flags };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (described) error(described.status, described.message);
		throw err;
	}
};

export const actions: Actions = {
	scan: async (event) => {
		const actor = requireActor(event);
		const result = await attempt(event, () => scanNow(event.locals.runtime, actor));
		if (!result.ok) return result.failure;
		const n = result.value.created;
		return { done: n === 0 ? translate(event.locals.locale, 'flags.scannedNone') : translate(event.locals.locale, 'flags.scanned', { count: n }) };
	},
	dismiss: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => dismissFlag(event.locals.runtime, actor, input.flagId, input), { ...input, form: `dismiss:${input.flagId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'flags.dismiss.done'), flagId: result.value.id };
	}
};
