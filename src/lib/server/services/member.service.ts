// Members and invitations. Admins manage everyone; leaders invite and move reps within the teams
// they manage; role changes and deactivation are for admins, and an organization always keeps an active admin.
import {
	invitationRefSchema,
	inviteSchema,
	memberMoveSchema,
	memberRefSchema,
	memberRoleSchema
} from '$lib/shared/schemas';
import { invalidateUserSessions } from '../auth/session';
import { generateSecureRandomString, hashSecret } from '../auth/tokens';
import type { Db } from '../db';
import { AppError, forbidden } from '../errors';
import type { DomainEventBus } from '../events';
import { recordAudit } from '../repositories/audit.repository';
import {
	findInvitation,
	findPendingInvitationByEmail,
	insertInvitation,
	listPendingInvitations,
	markInvitation
} from '../repositories/invitation.repository';
import {
	countActiveAdmins,
	findMembership,
	listMembers,
	updateMembership
} from '../repositories/membership.repository';
import { findTeam, setTeamMembership } from '../repositories/team.repository';
import { findUserByEmail } from '../repositories/user.repository';
import { parseInput } from '../validation';
import type { Actor } from './actor';
import { canManage, managedTeamIds } from './team.service';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
type Deps = { db: Db; events: DomainEventBus };

export async function listOrganizationMembers(db: Db, actor: Actor) {
	const members = await listMembers(db, actor.organizationId);
	return members.map((m) => ({
		id: m.user_id,
		name: m.name,
		email: m.email,
		role: m.role,
		status: m.status,
		teamId: m.team_id
	}));
}

export async function listInvitations(db: Db, actor: Actor) {
	const scope = await managedTeamIds(db, actor);
	const rows = await listPendingInvitations(db, actor.organizationId, new Date());
	return rows
		.filter((r) => scope === 'all' || canManage(scope, r.team_id))
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
	const scope = await managedTeamIds(deps.db, actor);
	if (actor.role !== 'admin') {
		// Leaders bring reps into teams they manage, nothing else.
		if (actor.role !== 'leader' || data.role !== 'rep' || !canManage(scope, teamId)) throw forbidden();
	}
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
	if (!canManage(await managedTeamIds(deps.db, actor), invitation.team_id)) throw forbidden();
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
			await trx.deleteFrom('team_leaders').where('organization_id', '=', actor.organizationId).where('user_id', '=', member.user_id).execute();
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
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'members' });
	return { name: member.name, role: data.role };
}

export async function moveMember(deps: Deps, actor: Actor, input: unknown) {
	const data = parseInput(memberMoveSchema, input);
	const member = await requireMember(deps.db, actor, data.userId);
	const teamId = await requireTeam(deps.db, actor, data.teamId);
	if (actor.role !== 'admin') {
		const scope = await managedTeamIds(deps.db, actor);
		// A leader moves reps between teams they manage; from "no team" into one of theirs is allowed too.
		const fromOk = member.team_id === null || canManage(scope, member.team_id);
		if (actor.role !== 'leader' || member.role !== 'rep' || !fromOk || !canManage(scope, teamId)) throw forbidden();
	}
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

export async function setMemberActive(deps: Deps, actor: Actor, input: unknown, active: boolean) {
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
	deps.events.emit('org.changed', { organizationId: actor.organizationId, what: 'members' });
	return { name: member.name };
}
