// The access policy: who may VIEW, LOG FOR and MANAGE whom in an organization. Routes and services ask
// this module and decide nothing on their own; socket subscriptions only view the socket's own
// organization, which everyone in it may. Everything is scoped to the actor's organization first (an
// id from another one is a missing one: 404), then:
//
// | action                                               | admin      | leader                             | rep       |
// | ---------------------------------------------------- | ---------- | ---------------------------------- | --------- |
// | view boards, receipts, teams, members, the feed      | whole org  | whole org                          | whole org |
// | log activity for (quick log)                         | any member | self, active reps of managed teams | self      |
// | void an event of                                     | any member | self, active reps of managed teams | nobody    |
// | import CSV rows for                                  | any member | reps of managed teams (not self)   | nobody    |
// | manage a team (edit, archive, restore, add below)    | every team | managed teams                      | none      |
// | manage a member (invite a rep, move, reset password) | any member | reps on managed teams              | none      |
// | roles, deactivation, quotas, who leads a team        | yes        | no                                 | no        |
//
// Reps see boards as the organization's transparency settings allow (transparency/transparency.service.ts).
// "Managed teams" are the teams a leader leads and every team below them (teams form a tree).
// accessOf reads what it needs once (the team tree and who leads what for leaders, the roster for
// everyone); the answers after that are synchronous, so one request asks as often as it likes.
import type { Db } from '../db';
import type { Role } from '../db/schema';
import { listMembers } from './membership.repository';
import { ledTeamIds, listTeams } from './team.repository';
import type { Actor } from './actor';

type TeamRow = { id: string; parent_id: string | null };

/** The ids of `roots` and every team below them. */
export function descendantsOf(teams: TeamRow[], roots: string[]): Set<string> {
	const children = new Map<string, string[]>();
	for (const team of teams) {
		if (!team.parent_id) continue;
		children.set(team.parent_id, [...(children.get(team.parent_id) ?? []), team.id]);
	}
	const out = new Set<string>();
	const stack = [...roots];
	while (stack.length) {
		const id = stack.pop()!;
		if (out.has(id)) continue;
		out.add(id);
		stack.push(...(children.get(id) ?? []));
	}
	return out;
}

export type TeamScope = ReadonlySet<string> | 'all';

export interface RosterEntry {
	id: string;
	name: string;
	email: string;
	role: Role;
	active: boolean;
	teamId: string | null;
}

export interface Access {
	readonly actor: Actor;
	/** Every team for admins; led teams and those below for leaders; none for reps. */
	managedTeamIds(): TeamScope;
	/** Whether the actor may view a member or team of the organization (everyone in it may). */
	canView(target: { userId: string } | { teamId: string }): boolean;
	canManageTeam(teamId: string | null | undefined): boolean;
	/** Invite, move, reset the password of: admins anyone, leaders reps on the teams they manage. */
	canManageMember(userId: string): boolean;
	/** Whether a leader may bring a person of this role into this team (admins: any). */
	canInvite(role: Role, teamId: string | null): boolean;
	/** Moving a member from their team (or from none) into teamId. */
	canMoveMember(userId: string, teamId: string | null): boolean;
	canLogFor(userId: string): boolean;
	canVoidFor(userId: string): boolean;
	/** Whom the actor may import CSV rows for: 'all' for admins. */
	canImportFor(userId: string): boolean;
	/** The active members the actor may log for; 'all' for admins, who may log for any member. */
	loggableMemberIds(): ReadonlySet<string> | 'all';
	/** The quick log's list: active members the actor may log for, by name. */
	loggableMembers(): { id: string; name: string; email: string; self: boolean; rep: boolean }[];
	/** Only admins change roles, deactivate, set quotas and choose who leads a team. */
	readonly isAdmin: boolean;
}

/** The actor's access in their organization, read once for the request. */
export async function accessOf(db: Db, actor: Actor): Promise<Access> {
	const [scope, members] = await Promise.all([teamScopeOf(db, actor), listMembers(db, actor.organizationId)]);
	const roster = new Map<string, RosterEntry>(
		members.map((m) => [m.user_id, { id: m.user_id, name: m.name, email: m.email, role: m.role, active: m.status === 'active', teamId: m.team_id }])
	);
	const isAdmin = actor.role === 'admin';
	const canManageTeam = (teamId: string | null | undefined) => scope === 'all' || (!!teamId && scope.has(teamId));
	const managedRep = (userId: string) => {
		const m = roster.get(userId);
		return !!m && m.role === 'rep' && canManageTeam(m.teamId);
	};
	const loggable = (m: RosterEntry) =>
		m.active && (m.id === actor.userId || (actor.role !== 'rep' && (isAdmin || (m.role === 'rep' && canManageTeam(m.teamId)))));
	return {
		actor,
		isAdmin,
		managedTeamIds: () => scope,
		canView: () => true,
		canManageTeam,
		canManageMember: (userId) => isAdmin || (actor.role === 'leader' && managedRep(userId)),
		canInvite: (role, teamId) => isAdmin || (actor.role === 'leader' && role === 'rep' && canManageTeam(teamId)),
		canMoveMember: (userId, teamId) => {
			if (isAdmin) return true;
			const m = roster.get(userId);
			// A leader moves reps between teams they manage; from "no team" into one of theirs is allowed too.
			const fromOk = !!m && (m.teamId === null || canManageTeam(m.teamId));
			return actor.role === 'leader' && !!m && m.role === 'rep' && fromOk && canManageTeam(teamId);
		},
		// Admins may log for anyone: ingest itself refuses a person who is not an active member.
		canLogFor: (userId) => isAdmin || userId === actor.userId || (actor.role === 'leader' && !!roster.get(userId)?.active && managedRep(userId)),
		canVoidFor: (userId) => actor.role !== 'rep' && (isAdmin || (!!roster.get(userId) && loggable(roster.get(userId)!))),
		canImportFor: (userId) => isAdmin || (actor.role === 'leader' && managedRep(userId)),
		loggableMemberIds: () => (isAdmin ? 'all' : new Set(members.filter((m) => loggable(roster.get(m.user_id)!)).map((m) => m.user_id))),
		loggableMembers: () =>
			members
				.map((m) => roster.get(m.user_id)!)
				.filter(loggable)
				.map((m) => ({ id: m.id, name: m.name, email: m.email, self: m.id === actor.userId, rep: m.role === 'rep' }))
	};
}

async function teamScopeOf(db: Db, actor: Actor): Promise<TeamScope> {
	if (actor.role === 'admin') return 'all';
	if (actor.role !== 'leader') return new Set();
	const [teams, led] = await Promise.all([listTeams(db, actor.organizationId), ledTeamIds(db, actor.organizationId, actor.userId)]);
	return descendantsOf(teams, led);
}
