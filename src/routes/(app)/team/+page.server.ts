import { requireActor } from '$lib/server/platform/http';
import { listOrganizationMembers } from '$lib/server/org/member.service';
import { listTeamTree } from '$lib/server/org/team.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const db = event.locals.runtime.db;
	const [teams, members] = await Promise.all([listTeamTree(db, actor.organizationId), listOrganizationMembers(db, actor)]);
	const active = members.filter((m) => m.status === 'active');
	return {
		teams: teams
			.filter((team) => !team.archived)
			.map((team) => ({
				...team,
				members: active.filter((m) => m.teamId === team.id).map((m) => ({ id: m.id, name: m.name, role: m.role }))
			})),
		// Leaders appear on the teams they lead; only people with no team at all are listed apart.
		unassigned: active
			.filter((m) => !m.teamId || !teams.some((team) => team.id === m.teamId && !team.archived))
			.filter((m) => !teams.some((team) => !team.archived && team.leaders.some((l) => l.id === m.id)))
			.map((m) => ({ id: m.id, name: m.name, role: m.role }))
	};
};
