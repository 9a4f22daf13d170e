import { translate } from '$lib/i18n';
import { requireRole, attempt } from '$lib/server/platform/http';
import { accessOf } from '$lib/server/org/access';
import { listOrganizationMembers } from '$lib/server/org/member.service';
import {
	createTeam,
	listTeamTree,
	setTeamArchived,
	updateTeamDetails
} from '$lib/server/org/team.service';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin', 'leader');
	const db = event.locals.runtime.db;
	const [teams, access, members] = await Promise.all([
		listTeamTree(db, actor.organizationId),
		accessOf(db, actor),
		listOrganizationMembers(db, actor)
	]);
	const scope = access.managedTeamIds();
	return {
		teams,
		manageable: scope === 'all' ? 'all' : [...scope],
		leaderCandidates: members
			.filter((m) => m.status === 'active' && m.role !== 'rep')
			.map((m) => ({ id: m.id, name: m.name }))
	};
};

export const actions: Actions = {
	create: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => createTeam(event.locals.runtime, actor, input), { ...input, form: 'create' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'admin.teams.created', { name: result.value.name }) };
	},
	update: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const input = formToObject(await event.request.formData(), ['leaderIds']);
		const result = await attempt(event, () => updateTeamDetails(event.locals.runtime, actor, input), {
			...input,
			form: `update:${input.teamId}`
		});
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'admin.teams.updated', { name: result.value.name }) };
	},
	archive: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => setTeamArchived(event.locals.runtime, actor, input, true), {
			...input,
			form: `update:${input.teamId}`
		});
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'admin.teams.archived', { name: result.value.name }) };
	},
	restore: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => setTeamArchived(event.locals.runtime, actor, input, false), {
			...input,
			form: `restore:${input.teamId}`
		});
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'admin.teams.restored', { name: result.value.name }) };
	}
};
