import { error } from '@sveltejs/kit';
import { requireActor } from '$lib/server/platform/http';
import { describeError } from '$lib/server/platform/validation';
import { homeOf } from '$lib/server/home/home.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	// Reloaded by the page when its boards move, and when goals or recognition change (realtime/changes.ts).
	event.depends('podium:home');
	event.depends('podium:goals');
	const rt = event.locals.runtime;
	try {
		return { home: await homeOf(rt, actor, event.locals.locale) };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
};
