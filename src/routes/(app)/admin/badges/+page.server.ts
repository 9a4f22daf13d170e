import { fail } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { attempt, requireRole } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { addHoliday, createBadge, listBadges, listHolidays, previewBadge, removeHoliday, setBadgeArchived } from '$lib/server/recognition/badge.service';
import { orgLevels, saveLevels } from '$lib/server/recognition/level.service';
import { metricsForBadges } from '$lib/server/recognition/badge.repository';
import type { Runtime } from '$lib/server/platform/runtime';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const engine = (rt: Runtime) => ({ db: rt.db, live: rt.live, events: rt.events, clock: rt.scheduler.clock });

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	const db = event.locals.runtime.db;
	const [badges, holidays, levels, metrics] = await Promise.all([listBadges(db, actor), listHolidays(db, actor), orgLevels(db, actor.organizationId), metricsForBadges(db, actor.organizationId)]);
	return { badges, holidays, levels, metrics };
};

/** The badge form's fields as the service reads them: the two languages of name and description joined. */
function badgeInput(form: Record<string, unknown>) {
	return {
		...form,
		name: { en: form['name.en'] ?? '', 'zh-CN': form['name.zh-CN'] ?? '' },
		description: { en: form['description.en'] ?? '', 'zh-CN': form['description.zh-CN'] ?? '' }
	};
}

async function run<T>(event: RequestEvent, formId: string, work: (input: Record<string, unknown>) => Promise<T>) {
	const input = formToObject(await event.request.formData());
	const result = await attempt(event, () => work(input), { ...input, form: formId });
	return { result, input };
}

export const actions: Actions = {
	preview: async (event) => {
		const actor = requireRole(event, 'admin');
		const { result } = await run(event, 'create', (input) => previewBadge(engine(event.locals.runtime), actor, badgeInput(input)));
		if (!result.ok) return result.failure;
		return { preview: result.value.map((h) => ({ name: h.name, tier: h.tier })), kept: true };
	},
	create: async (event) => {
		const actor = requireRole(event, 'admin');
		const { result } = await run(event, 'create', (input) => createBadge(engine(event.locals.runtime), actor, badgeInput(input)));
		if (!result.ok) return result.failure;
		const { backfilled } = result.value;
		return { done: backfilled ? translate(event.locals.locale, 'badges.createdBackfill', { count: backfilled }) : translate(event.locals.locale, 'badges.created'), badgeId: result.value.id };
	},
	archive: async (event) => {
		const actor = requireRole(event, 'admin');
		const { result } = await run(event, 'status', (input) => setBadgeArchived(event.locals.runtime.db, actor, input, true));
		return result.ok ? { done: translate(event.locals.locale, 'badges.archivedDone') } : result.failure;
	},
	restore: async (event) => {
		const actor = requireRole(event, 'admin');
		const { result } = await run(event, 'status', (input) => setBadgeArchived(event.locals.runtime.db, actor, input, false));
		return result.ok ? { done: translate(event.locals.locale, 'badges.restoredDone') } : result.failure;
	},
	addHoliday: async (event) => {
		const actor = requireRole(event, 'admin');
		const { result } = await run(event, 'holiday', (input) => addHoliday(event.locals.runtime.db, actor, input));
		return result.ok ? { done: translate(event.locals.locale, 'badges.holidayAdded') } : result.failure;
	},
	removeHoliday: async (event) => {
		const actor = requireRole(event, 'admin');
		const { result } = await run(event, 'holiday', (input) => removeHoliday(event.locals.runtime.db, actor, input));
		return result.ok ? { done: translate(event.locals.locale, 'badges.holidayRemoved') } : result.failure;
	},
	levels: async (event) => {
		const actor = requireRole(event, 'admin');
		const form = await event.request.formData();
		const en = form.getAll('level.en').map(String);
		const zh = form.getAll('level.zh-CN').map(String);
		const thresholds = form.getAll('level.threshold').map(String);
		if (en.length !== thresholds.length || zh.length !== thresholds.length) return fail(400, { errors: { levels: 'levels' }, message: 'levels', values: { form: 'levels' } });
		const levels = thresholds
			.map((threshold, i) => ({ name: { en: en[i], 'zh-CN': zh[i] }, threshold }))
			.filter((l) => l.name.en.trim() || l.name['zh-CN'].trim() || l.threshold.trim());
		const result = await attempt(event, () => saveLevels(event.locals.runtime.db, actor, { levels }), { form: 'levels' });
		return result.ok ? { done: translate(event.locals.locale, 'badges.levelsSaved') } : result.failure;
	}
};
