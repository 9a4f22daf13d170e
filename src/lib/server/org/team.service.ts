// Teams form a tree per organization. Admins manage every team; leaders manage the teams they
// lead and everything below them. Ids from another organization are indistinguishable from missing ones.
import { teamCreateSchema, teamRefSchema, teamUpdateSchema } from '$lib/shared/schemas';
import type { Db } from '../db';
import { AppError, forbidden, notFound } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { accessOf, descendantsOf } from './access';
import { recordAudit } from './audit.repository';
import { listMembers } from './membership.repository';
import {
	activeTeamNameTaken,
	countTeamMembers,
	findTeam,
	insertTeam,
	listTeamLeaders,
	listTeams,
	replaceTeamLeaders,
	updateTeam
} from './team.repository';
import { parseInput } from '../platform/validation';
import type { Actor } from './actor';

export interface TeamNode {
	id: string;
	name: string;
	parentId: string | null;
	archived: boolean;
	depth: number;
	leaders: { id: string; name: string }[];
	memberCount: number;
}

/** The organization's teams as a depth-first tree, with leaders and member counts. */
export async function listTeamTree(db: Db, organizationId: string): Promise<TeamNode[]> {
	const [teams, leaders, members] = await Promise.all([
		listTeams(db, organizationId),
		listTeamLeaders(db, organizationId),
		listMembers(db, organizationId)
	]);
	const counts = new Map<string, number>();
	for (const m of members) if (m.team_id && m.status === 'active') counts.set(m.team_id, (counts.get(m.team_id) ?? 0) + 1);
	const byParent = new Map<string | null, typeof teams>();
	const ids = new Set(teams.map((t) => t.id));
	for (const team of teams) {
		const parent = team.parent_id && ids.has(team.parent_id) ? team.parent_id : null;
		byParent.set(parent, [...(byParent.get(parent) ?? []), team]);
	}
	const out: TeamNode[] = [];
	const visit = (parent: string | null, depth: number) => {
		for (const team of byParent.get(parent) ?? []) {
			out.push({
				id: team.id,
				name: team.name,
				parentId: team.parent_id,
				archived: !!team.archived_at,
				depth,
				leaders: leaders.filter((l) => l.team_id === team.id).map((l) => ({ id: l.user_id, name: l.name })),
				memberCount: counts.get(team.id) ?? 0
			});
			visit(team.id, depth + 1);
		}
	};
	visit(null, 0);
	return out;
}

async function checkParent(db: Db, actor: Actor, parentId: string | undefined, teamId?: string) {
	if (!parentId) return null;
	const parent = await findTeam(db, actor.organizationId, parentId);
	if (!parent) throw new AppError(404, 'validation.notFound', undefined, 'parentId');
	if (parent.archived_at) throw new AppError(400, 'admin.teams.parentArchived', undefined, 'parentId');
	if (teamId) {
		const below = descendantsOf(await listTeams(db, actor.organizationId), [teamId]);
		if (below.has(parentId)) throw new AppError(400, 'admin.teams.parentCycle', undefined, 'parentId');
	}
	return parent.id;
}

export async function createTeam(deps: { db: Db; events: DomainEventBus }, actor: Actor, input: unknown) {
	const data = parseInput(teamCreateSchema, input);
	const access = await accessOf(deps.db, actor);
	// Leaders may add sub-teams only below a team they manage.
	if (!access.canManageTeam(data.parentId)) throw forbidden();
	const parentId = await checkParent(deps.db, actor, data.parentId);
	if (await activeTeamNameTaken(deps.db, actor.organizationId, data.name)) {
		throw new AppError(409, 'admin.teams.nameTaken', undefined, 'name');
	}
	const team = await deps.db.transaction().execute(async (trx) => {
		const team = await insertTeam(trx, { organization_id: actor.organizationId, name: data.name, parent_id: parentId });
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'team.created',
			targetType: 'team',
			targetId: team.id,
			data: { name: team.name, parentId }
		});
		return team;
	});
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'teams' });
	return team;
}

export async function updateTeamDetails(deps: { db: Db; events: DomainEventBus }, actor: Actor, input: unknown) {
	const data = parseInput(teamUpdateSchema, input);
	const team = await findTeam(deps.db, actor.organizationId, data.teamId);
	if (!team) throw new AppError(404, 'validation.notFound', undefined, 'teamId');
	const access = await accessOf(deps.db, actor);
	if (!access.canManageTeam(team.id)) throw forbidden();
	if (team.archived_at) throw new AppError(409, 'admin.teams.parentArchived', undefined, 'teamId');
	const parentId = await checkParent(deps.db, actor, data.parentId, team.id);
	if (parentId !== team.parent_id && !access.canManageTeam(parentId)) throw forbidden();
	if (await activeTeamNameTaken(deps.db, actor.organizationId, data.name, team.id)) {
		throw new AppError(409, 'admin.teams.nameTaken', undefined, 'name');
	}
	const currentLeaders = (await listTeamLeaders(deps.db, actor.organizationId))
		.filter((l) => l.team_id === team.id)
		.map((l) => l.user_id);
	const leaderIds = [...new Set(data.leaderIds)];
	const leadersChanged =
		leaderIds.length !== currentLeaders.length || leaderIds.some((id) => !currentLeaders.includes(id));
	if (leadersChanged) {
		// Only admins choose who leads a team.
		if (!access.isAdmin) throw forbidden();
		const members = await listMembers(deps.db, actor.organizationId);
		for (const id of leaderIds) {
			const m = members.find((x) => x.user_id === id);
			if (!m) throw new AppError(404, 'validation.notFound', undefined, 'leaderIds');
			if (m.status !== 'active' || m.role === 'rep') {
				throw new AppError(400, 'admin.teams.leaderNotEligible', undefined, 'leaderIds');
			}
		}
	}
	await deps.db.transaction().execute(async (trx) => {
		await updateTeam(trx, actor.organizationId, team.id, { name: data.name, parent_id: parentId });
		if (leadersChanged) await replaceTeamLeaders(trx, actor.organizationId, team.id, leaderIds);
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'team.updated',
			targetType: 'team',
			targetId: team.id,
			data: { name: data.name, parentId, ...(leadersChanged ? { leaderIds } : {}) }
		});
	});
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'teams' });
	return { id: team.id, name: data.name };
}

export async function setTeamArchived(
	deps: { db: Db; events: DomainEventBus },
	actor: Actor,
	input: unknown,
	archived: boolean
) {
	const data = parseInput(teamRefSchema, input);
	const team = await findTeam(deps.db, actor.organizationId, data.teamId);
	if (!team) throw new AppError(404, 'validation.notFound', undefined, 'teamId');
	if (!(await accessOf(deps.db, actor)).canManageTeam(team.id)) throw forbidden();
	if (archived) {
		const teams = await listTeams(deps.db, actor.organizationId);
		const children = teams.filter((t) => t.parent_id === team.id && !t.archived_at).length;
		const members = await countTeamMembers(deps.db, team.id);
		if (children || members) {
			throw new AppError(409, 'admin.teams.notEmpty', { members, teams: children }, 'teamId');
		}
	} else {
		if (await activeTeamNameTaken(deps.db, actor.organizationId, team.name, team.id)) {
			throw new AppError(409, 'admin.teams.nameTaken', undefined, 'name');
		}
		if (team.parent_id) {
			const parent = await findTeam(deps.db, actor.organizationId, team.parent_id);
			if (parent?.archived_at) throw new AppError(409, 'admin.teams.parentArchived', undefined, 'parentId');
		}
	}
	await deps.db.transaction().execute(async (trx) => {
		await updateTeam(trx, actor.organizationId, team.id, { archived_at: archived ? new Date() : null });
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: archived ? 'team.archived' : 'team.restored',
			targetType: 'team',
			targetId: team.id,
			data: { name: team.name }
		});
	});
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'teams' });
	return { id: team.id, name: team.name };
}
