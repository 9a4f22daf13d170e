// Members and invitations. Admins manage everyone; leaders invite and move reps within the teams
// they manage; role changes and deactivation are for admins, and an organization always keeps an active admin.
import {
	invitationRefSchema,
	inviteSchema,
	memberCompetesSchema,
	memberMoveSchema,
	memberRefSchema,
	memberRoleSchema
} from '$lib/shared/schemas';
import { invalidateUserSessions } from '../auth/session';
import { generateSecureRandomString, hashSecret } from '../auth/tokens';
import type { Db } from '../db';
import { AppError, forbidden } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { recordAudit } from './audit.repository';
import {
	findInvitation,
	findPendingInvitationByEmail,
	insertInvitation,
	listPendingInvitations,
	markInvitation
} from './invitation.repository';
import {
	countActiveAdmins,
	findMembership,
	listMembers,
	setMembershipCompetes,
	updateMembership
} from './membership.repository';
import type { LiveStore } from '../live/store';
import { log } from '../platform/log';
import { COMPETITION_TTL_MS, recheckRemoved, removeFromUsersBoards, restoreToUsersBoards } from '../scoring/live.service';
import { findTeam, removeLeaderFromAllTeams, setTeamMembership } from './team.repository';
import { findUserByEmail } from '../auth/user.repository';
import { parseInput } from '../platform/validation';
import type { Actor } from './actor';
import { accessOf } from './access';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
type Deps = { db: Db; events: DomainEventBus };
type LiveDeps = Deps & { live: LiveStore };

/**
 * A member left the users boards, or came back (the board catalog keeps deactivated members and those
 * without a quota off them; teams keep their totals): the live boards follow at once, and open boards
 * are told. A live-store failure is left to the next rebuild, never undoing the committed change.
 */
async function boardsFollow(deps: LiveDeps, organizationId: string, userId: string, onBoards: boolean) {
	try {
		if (onBoards) await restoreToUsersBoards(deps, organizationId);
		else await removeFromUsersBoards(deps, organizationId, [userId]);
	} catch (error) {
		log.warn(`live store: could not update the boards of ${organizationId} for member ${userId}`, error);
	}
	deps.events.emit('boards.members_changed', { organizationId, members: [userId], removed: !onBoards });
	if (onBoards) return;
	// Another process may still count them as competing for COMPETITION_TTL_MS: look again after that.
	const timer = setTimeout(() => {
		recheckRemoved(deps, organizationId, [userId]).then(
			(members) => members.length && deps.events.emit('boards.members_changed', { organizationId, members, removed: true }),
			(error) => log.warn(`live store: could not recheck the boards of ${organizationId}`, error)
		);
	}, COMPETITION_TTL_MS + 500);
	timer.unref?.();
}

export async function listOrganizationMembers(db: Db, actor: Actor) {
	const members = await listMembers(db, actor.organizationId);
	return members.map((m) => ({
		id: m.user_id,
		name: m.name,
		email: m.email,
		role: m.role,
		status: m.status,
		competes: m.competes,
		teamId: m.team_id
	}));
}

export async function listInvitations(db: Db, actor: Actor) {
	const access = await accessOf(db, actor);
	const rows = await listPendingInvitations(db, actor.organizationId, new Date());
	return rows
		.filter((r) => access.canManageTeam(r.team_id))
		.map((r) => ({ id: r.id, email: r.email, role: r.role, teamName: r.team_name, expiresAt: r.expires_at }));
}

async function requireMember(db: Db, actor: Actor, userId: string) {
	const member = await findMembership(db, actor.organizationId, userId);
	if (!member) throw new AppError(404, 'validation.notFound', undefined, 'userId');
	return member;
}

async function requireTeam(db: Db, actor: Actor, teamId: string | undefined) {
	if (!teamId) return null;
	const team = await findTeam(db, actor.organizationId, teamId);
	if (!team || team.archived_at) throw new AppError(404, 'validation.notFound', undefined, 'teamId');
	return team.id;
}

export async function inviteMember(deps: Deps, actor: Actor, input: unknown, now = new Date()) {
	const data = parseInput(inviteSchema, input);
	const teamId = await requireTeam(deps.db, actor, data.teamId);
	// Leaders bring reps into teams they manage, nothing else.
	if (!(await accessOf(deps.db, actor)).canInvite(data.role, teamId)) throw forbidden();
	const existing = await findUserByEmail(deps.db, data.email);
	if (existing && (await findMembership(deps.db, actor.organizationId, existing.id))) {
		throw new AppError(409, 'admin.members.alreadyMember', undefined, 'email');
	}
	if (await findPendingInvitationByEmail(deps.db, actor.organizationId, data.email, now)) {
		throw new AppError(409, 'admin.members.alreadyInvited', undefined, 'email');
	}
	const token = generateSecureRandomString(32);
	const invitation = await deps.db.transaction().execute(async (trx) => {
		const invitation = await insertInvitation(trx, {
			organization_id: actor.organizationId,
			email: data.email,
			role: data.role,
			team_id: teamId,
			token_hash: hashSecret(token),
			invited_by: actor.userId,
			expires_at: new Date(now.getTime() + INVITATION_TTL_MS)
		});
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'invitation.created',
			targetType: 'invitation',
			targetId: invitation.id,
			data: { email: data.email, role: data.role, teamId }
		});
		return invitation;
	});
	return { id: invitation.id, email: invitation.email, expiresAt: invitation.expires_at, token };
}

export async function revokeInvitation(deps: Deps, actor: Actor, input: unknown) {
	const data = parseInput(invitationRefSchema, input);
	const invitation = await findInvitation(deps.db, actor.organizationId, data.invitationId);
	if (!invitation) throw new AppError(404, 'validation.notFound', undefined, 'invitationId');
	if (!(await accessOf(deps.db, actor)).canManageTeam(invitation.team_id)) throw forbidden();
	await deps.db.transaction().execute(async (trx) => {
		if (!(await markInvitation(trx, invitation.id, { revoked_at: new Date() }))) {
			throw new AppError(404, 'validation.notFound', undefined, 'invitationId');
		}
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'invitation.revoked',
			targetType: 'invitation',
			targetId: invitation.id,
			data: { email: invitation.email }
		});
	});
}

export async function changeRole(deps: Deps, actor: Actor, input: unknown) {
	const data = parseInput(memberRoleSchema, input);
	const member = await requireMember(deps.db, actor, data.userId);
	if (actor.role !== 'admin') throw forbidden();
	if (member.role === data.role) return { name: member.name, role: data.role };
	await deps.db.transaction().execute(async (trx) => {
		await updateMembership(trx, actor.organizationId, member.user_id, { role: data.role });
		// Checked inside the transaction, after the change, so two demotions cannot both pass.
		if ((await countActiveAdmins(trx, actor.organizationId)) === 0) {
			throw new AppError(409, 'admin.members.lastAdmin', undefined, 'role');
		}
		if (data.role === 'rep') {
			await removeLeaderFromAllTeams(trx, actor.organizationId, member.user_id);
		}
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'member.role_changed',
			targetType: 'user',
			targetId: member.user_id,
			data: { from: member.role, to: data.role }
		});
	});
	// Sockets carry the role they connected with: they reconnect under the new one.
	deps.events.emit('member.access_changed', { userId: member.user_id, organizationId: actor.organizationId });
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'members' });
	return { name: member.name, role: data.role };
}

export async function moveMember(deps: Deps, actor: Actor, input: unknown) {
	const data = parseInput(memberMoveSchema, input);
	const member = await requireMember(deps.db, actor, data.userId);
	const teamId = await requireTeam(deps.db, actor, data.teamId);
	if (!(await accessOf(deps.db, actor)).canMoveMember(member.user_id, teamId)) throw forbidden();
	if (member.team_id === teamId) return { name: member.name };
	await deps.db.transaction().execute(async (trx) => {
		await setTeamMembership(trx, actor.organizationId, member.user_id, teamId);
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'member.moved',
			targetType: 'user',
			targetId: member.user_id,
			data: { from: member.team_id, to: teamId }
		});
	});
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'members' });
	return { name: member.name };
}

export async function setMemberActive(deps: LiveDeps, actor: Actor, input: unknown, active: boolean) {
	const data = parseInput(memberRefSchema, input);
	const member = await requireMember(deps.db, actor, data.userId);
	if (actor.role !== 'admin') throw forbidden();
	if (!active && member.user_id === actor.userId) throw new AppError(400, 'admin.members.notSelf', undefined, 'userId');
	await deps.db.transaction().execute(async (trx) => {
		await updateMembership(trx, actor.organizationId, member.user_id, { status: active ? 'active' : 'deactivated' });
		if ((await countActiveAdmins(trx, actor.organizationId)) === 0) {
			throw new AppError(409, 'admin.members.lastAdmin', undefined, 'userId');
		}
		if (!active) await invalidateUserSessions(trx, member.user_id, actor.organizationId);
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: active ? 'member.reactivated' : 'member.deactivated',
			targetType: 'user',
			targetId: member.user_id
		});
	});
	if (!active) deps.events.emit('user.sessions_revoked', { userId: member.user_id, organizationId: actor.organizationId });
	// Only a member who competes was (or will be) on the users boards.
	if (member.competes && (member.status === 'active') !== active) await boardsFollow(deps, actor.organizationId, member.user_id, active);
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'members' });
	return { name: member.name };
}

/**
 * Whether a member competes on the reps' boards (carries a quota). Reps do by default; leaders and
 * admins who log for themselves do not, unless an admin says so. Admins only; audit-logged.
 */
export async function setMemberCompetes(deps: LiveDeps, actor: Actor, input: unknown) {
	const data = parseInput(memberCompetesSchema, input);
	const member = await requireMember(deps.db, actor, data.userId);
	if (actor.role !== 'admin') throw forbidden();
	if (member.competes === data.competes) return { name: member.name, competes: data.competes };
	await deps.db.transaction().execute(async (trx) => {
		await setMembershipCompetes(trx, actor.organizationId, member.user_id, data.competes);
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'member.competes_changed',
			targetType: 'user',
			targetId: member.user_id,
			data: { from: member.competes, to: data.competes }
		});
	});
	if (member.status === 'active') await boardsFollow(deps, actor.organizationId, member.user_id, data.competes);
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'members' });
	return { name: member.name, competes: data.competes };
}
