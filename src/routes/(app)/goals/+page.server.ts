import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { copyToNextPeriod, createGoal, decideGoal, readGoals, removeGoal } from '$lib/server/goals/goal.service';
import { goalFormChoices, typedTarget } from '$lib/server/goals/goal.pages';
import type { Actions, PageServerLoad } from './$types';

const PERIODS = ['current', 'month', 'quarter', 'year'] as const;

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	// Reloaded when a goal of the organization changes (realtime/changes.ts).
	event.depends('podium:goals');
	const rt = event.locals.runtime;
	const asked = event.url.searchParams.get('period');
	const period = (PERIODS as readonly string[]).includes(asked ?? '') ? (asked as (typeof PERIODS)[number]) : 'current';
	const [goals, choices] = await Promise.all([readGoals(rt, actor, { period, statuses: ['active', 'proposed', 'declined'] }, event.locals.locale), goalFormChoices(rt.db, actor)]);
	// Declined proposals matter to the rep who made them; proposals to whoever decides or made them.
	const visible = goals.filter((g) => g.status === 'active' || g.can.decide || (g.owner.kind === 'member' && g.owner.id === actor.userId));
	return { goals: visible, period, choices };
};

/** Form fields into the API's shape: owner, period and description from flat inputs. */
function goalBody(input: Record<string, unknown>, actorId: string) {
	const kind = String(input.ownerKind ?? 'member');
	const owner = kind === 'org' ? { org: true } : kind === 'team' ? { team: String(input.team ?? '') } : { member: String(input.member || actorId) };
	const window = String(input.window ?? 'month');
	let period: Record<string, string>;
	if (window === 'custom') period = { start: String(input.start ?? ''), end: String(input.end ?? '') };
	else period = { window, ...(input.offset ? { offset: String(input.offset) } : {}) };
	return {
		owner,
		metric: input.metric,
		target: input.target,
		period,
		parent: input.parent ? String(input.parent) : undefined,
		description: input.description ? String(input.description) : undefined,
		pace: input.pace || undefined
	};
}

export const actions: Actions = {
	create: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const rt = event.locals.runtime;
		const result = await attempt(event, async () => createGoal(rt, actor, { ...goalBody(input, actor.userId), target: await typedTarget(rt.db, actor.organizationId, input.metric, input.target) }), { ...input, form: 'create' });
		if (!result.ok) return result.failure;
		const { status, warning } = result.value;
		const locale = event.locals.locale;
		return {
			done: warning ? translate(locale, 'goals.warning.over', { amount: warning.difference }) : translate(locale, status === 'proposed' ? 'goals.form.proposed' : 'goals.form.saved'),
			created: result.value.id
		};
	},
	decide: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => decideGoal(event.locals.runtime, actor, String(input.goalId ?? ''), { decision: input.decision, reason: input.reason || undefined }), { ...input, form: 'decide' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, result.value.status === 'active' ? 'goals.approved' : 'goals.declined') };
	},
	remove: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => removeGoal(event.locals.runtime, actor, String(input.goalId ?? '')), { ...input, form: 'remove' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'goals.deleted') };
	},
	copy: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => copyToNextPeriod(event.locals.runtime, actor, String(input.goalId ?? '')), { ...input, form: 'copy' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'goals.copied') };
	}
};
