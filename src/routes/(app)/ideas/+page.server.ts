import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { coinRulesOf } from '$lib/server/recognition/coin.service';
import { commentIdea, ideaMover, listIdeas, moveIdea, postIdea, toggleVote } from '$lib/server/recognition/idea.service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	// Reloaded when a colleague changes what this page shows (realtime/changes.ts).
	event.depends('podium:ideas');
	const db = event.locals.runtime.db;
	const [ideas, mover, rules] = await Promise.all([listIdeas(db, actor), ideaMover(db, actor), coinRulesOf(db, actor.organizationId)]);
	return { ideas: ideas.map((idea) => ({ ...idea, movable: mover(idea.author.id) })), ideaPoints: rules.ideaPoints };
};

export const actions: Actions = {
	post: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => postIdea(event.locals.runtime, actor, input), { ...input, form: 'post' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'ideas.posted'), posted: result.value };
	},
	vote: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => toggleVote(event.locals.runtime, actor, input), { ...input, form: `vote:${input.ideaId}` });
		if (!result.ok) return result.failure;
		return { voted: result.value };
	},
	comment: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => commentIdea(event.locals.runtime, actor, input), { ...input, form: `comment:${input.ideaId}` });
		if (!result.ok) return result.failure;
		return { commented: input.ideaId };
	},
	move: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => moveIdea(event.locals.runtime, actor, input), { ...input, form: `move:${input.ideaId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, `ideas.moved.${result.value.status}`, { points: result.value.points }), moved: { id: input.ideaId, status: result.value.status } };
	}
};
