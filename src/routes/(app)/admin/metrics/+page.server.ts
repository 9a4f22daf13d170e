import { translate } from '$lib/i18n';
import { attempt, requireRole } from '$lib/server/platform/http';
import { createMetric, metricsOf, setMetricArchived, updateMetric, withFieldLabels } from '$lib/server/scoring/metric.service';
import { DEFAULT_MAX_VALUE } from '$lib/server/scoring/metric.repository';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	return { metrics: await metricsOf(event.locals.runtime.db, actor), defaultMaxValue: DEFAULT_MAX_VALUE };
};

type Work = (input: Record<string, unknown>) => Promise<{ key: string }>;

/** Every action checks the role itself (before reading the body), then runs its work with labelled fields. */
async function act(event: RequestEvent, formName: (input: Record<string, unknown>) => string, work: Work, done: Parameters<typeof translate>[1]) {
	const input = formToObject(await event.request.formData());
	const result = await attempt(event, () => withFieldLabels(event.locals.locale, () => work(input)), { ...input, form: formName(input) });
	if (!result.ok) return result.failure;
	return { done: translate(event.locals.locale, done, { key: result.value.key }), metricId: input.metricId };
}

export const actions: Actions = {
	create: (event) => {
		const actor = requireRole(event, 'admin');
		return act(event, () => 'create', (input) => createMetric(event.locals.runtime.db, actor, input), 'scoringAdmin.metrics.created');
	},
	update: (event) => {
		const actor = requireRole(event, 'admin');
		return act(event, (input) => `update:${input.metricId}`, (input) => updateMetric(event.locals.runtime.db, actor, input), 'scoringAdmin.metrics.updated');
	},
	archive: (event) => {
		const actor = requireRole(event, 'admin');
		return act(event, (input) => `status:${input.metricId}`, (input) => setMetricArchived(event.locals.runtime.db, actor, input, true), 'scoringAdmin.metrics.archived');
	},
	restore: (event) => {
		const actor = requireRole(event, 'admin');
		return act(event, (input) => `status:${input.metricId}`, (input) => setMetricArchived(event.locals.runtime.db, actor, input, false), 'scoringAdmin.metrics.restored');
	}
};
