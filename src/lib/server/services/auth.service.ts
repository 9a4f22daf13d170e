// Sign-up, sign-in (rate-limited per account and per IP) and accepting invitations.
import { z } from 'zod';
import {
	acceptExistingSchema,
	acceptNewSchema,
	loginSchema,
	signupSchema
} from '$lib/shared/schemas';
import { checkPasswordPolicy, dummyPasswordHash, hashPassword, verifyPassword } from '../auth/password';
import { createSession } from '../auth/session';
import { hashSecret } from '../auth/tokens';
import type { Db } from '../db';
import { AppError } from '../errors';
import type { LiveStore } from '../live/store';
import { recordAudit } from '../repositories/audit.repository';
import { findInvitationByTokenHash, markInvitation } from '../repositories/invitation.repository';
import { findMembership, insertMembership, listUserOrganizations } from '../repositories/membership.repository';
import { insertDefaultMetrics } from '../repositories/metric.repository';
import { insertOrganization, slugExists } from '../repositories/organization.repository';
import { setTeamMembership } from '../repositories/team.repository';
import { findUserByEmail, insertUser } from '../repositories/user.repository';
import { parseInput } from '../validation';

export const LOGIN_LIMIT = 10;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export function slugify(name: string): string {
	const base = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40)
		.replace(/-+$/g, '');
	return base || 'org';
}

async function uniqueSlug(db: Db, name: string) {
	const base = slugify(name);
	for (let i = 1; i < 1000; i++) {
		const candidate = i === 1 ? base : `${base}-${i}`;
		if (!(await slugExists(db, candidate))) return candidate;
	}
	return `${base}-${crypto.randomUUID().slice(0, 8)}`;
}

function assertPassword(password: string) {
	const problem = checkPasswordPolicy(password);
	if (problem === 'too_short') throw new AppError(400, 'validation.tooShort', { min: 10 }, 'password');
	if (problem === 'too_long') throw new AppError(400, 'validation.tooLong', { max: 256 }, 'password');
	if (problem === 'blank') throw new AppError(400, 'validation.blankPassword', undefined, 'password');
}

export async function signUp(db: Db, input: unknown, userAgent?: string | null) {
	const data = parseInput(signupSchema, input);
	assertPassword(data.password);
	if (await findUserByEmail(db, data.email)) throw new AppError(409, 'auth.signup.emailTaken', undefined, 'email');
	const passwordHash = await hashPassword(data.password);
	return db.transaction().execute(async (trx) => {
		const slug = await uniqueSlug(trx, data.organizationName);
		const { organization, user } = await createOrganizationWithAdmin(trx, {
			organization: { name: data.organizationName, slug, timeZone: data.timeZone, locale: data.locale },
			admin: { email: data.email, name: data.name, passwordHash, locale: data.locale }
		});
		const session = await createSession(trx, { userId: user.id, organizationId: organization.id, userAgent });
		return { organization, user, token: session.token };
	});
}

/**
 * A new organization with its first admin and the starting metrics, audited: what sign-up and the CLI's
 * org:create both do. Call it inside a transaction; inputs are validated by the caller.
 */
export async function createOrganizationWithAdmin(
	trx: Db,
	input: {
		organization: { name: string; slug: string; timeZone: string; locale: string };
		admin: { email: string; name: string; passwordHash: string; locale: string };
		/** Extra audit data, e.g. { via: 'cli' }. */
		audit?: Record<string, unknown>;
	}
) {
	const { organization: o, admin } = input;
	const organization = await insertOrganization(trx, { name: o.name, slug: o.slug, time_zone: o.timeZone, locale: o.locale });
	const user = await insertUser(trx, { email: admin.email, name: admin.name, password_hash: admin.passwordHash, locale: admin.locale });
	await insertMembership(trx, { organization_id: organization.id, user_id: user.id, role: 'admin' });
	await insertDefaultMetrics(trx, organization.id);
	await recordAudit(trx, {
		organizationId: organization.id,
		actorId: user.id,
		action: 'organization.created',
		targetType: 'organization',
		targetId: organization.id,
		data: { name: organization.name, ...input.audit }
	});
	return { organization, user };
}

const rateKeys = (email: string, ip: string) => [`login:account:${email.toLowerCase()}`, `login:ip:${ip}`];

export async function signIn(
	deps: { db: Db; live: LiveStore },
	input: unknown,
	context: { ip: string; userAgent?: string | null }
) {
	const data = parseInput(loginSchema, input);
	const keys = rateKeys(data.email, context.ip);
	const counts = await Promise.all(keys.map((k) => deps.live.count(k)));
	if (counts.some((c) => c >= LOGIN_LIMIT)) {
		const ttl = Math.max(...(await Promise.all(keys.map((k) => deps.live.ttl(k)))));
		throw new AppError(429, 'auth.login.rateLimited', { minutes: Math.max(1, Math.ceil(ttl / 60000)) });
	}
	const user = await findUserByEmail(deps.db, data.email);
	const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), data.password);
	if (!user || !ok) {
		await Promise.all(keys.map((k) => deps.live.hit(k, LOGIN_WINDOW_MS)));
		throw new AppError(400, 'auth.login.failed', undefined, 'password');
	}
	const organizations = (await listUserOrganizations(deps.db, user.id)).filter((o) => o.status === 'active');
	if (organizations.length === 0) throw new AppError(403, 'auth.login.deactivated');
	await deps.live.reset(keys[0]);
	const session = await createSession(deps.db, {
		userId: user.id,
		organizationId: organizations[0].id,
		userAgent: context.userAgent
	});
	return { user, organizationId: organizations[0].id, token: session.token };
}

const inviteTokenSchema = z.string().regex(/^[a-km-np-z2-9]{32}$/);

/** Looks an invitation up by its link token; undefined when the link is not a live invitation. */
export async function findInvitationByToken(db: Db, token: string, now = new Date()) {
	if (!inviteTokenSchema.safeParse(token).success) return { state: 'invalid' as const };
	const invitation = await findInvitationByTokenHash(db, hashSecret(token));
	if (!invitation || invitation.accepted_at || invitation.revoked_at) return { state: 'invalid' as const };
	if (invitation.expires_at.getTime() <= now.getTime()) return { state: 'expired' as const, invitation };
	const existing = await findUserByEmail(db, invitation.email);
	return { state: 'open' as const, invitation, existingUser: !!existing };
}

export async function acceptInvitation(db: Db, token: string, input: unknown, userAgent?: string | null) {
	const found = await findInvitationByToken(db, token);
	if (found.state === 'invalid') throw new AppError(404, 'invite.invalid');
	if (found.state === 'expired') throw new AppError(410, 'invite.expired');
	const invitation = found.invitation;
	let user = await findUserByEmail(db, invitation.email);
	let newUser: { name: string; passwordHash: string } | undefined;
	if (user) {
		const data = parseInput(acceptExistingSchema, input);
		if (!(await verifyPassword(user.password_hash, data.password))) {
			throw new AppError(400, 'auth.login.failed', undefined, 'password');
		}
	} else {
		const data = parseInput(acceptNewSchema, input);
		assertPassword(data.password);
		newUser = { name: data.name, passwordHash: await hashPassword(data.password) };
	}
	return db.transaction().execute(async (trx) => {
		// Claim the invitation first: of two concurrent accepts only one updates the row.
		const claimed = await markInvitation(trx, invitation.id, { accepted_at: new Date() });
		if (!claimed) throw new AppError(404, 'invite.invalid');
		if (!user) {
			user = await insertUser(trx, {
				email: invitation.email,
				name: newUser!.name,
				password_hash: newUser!.passwordHash
			});
		}
		const userId = user.id;
		if (await findMembership(trx, invitation.organization_id, userId)) {
			throw new AppError(409, 'admin.members.alreadyMember', undefined, 'email');
		}
		await trx.updateTable('invitations').set({ accepted_by: userId }).where('id', '=', invitation.id).execute();
		await insertMembership(trx, { organization_id: invitation.organization_id, user_id: userId, role: invitation.role });
		if (invitation.team_id && !invitation.team_archived_at) {
			await setTeamMembership(trx, invitation.organization_id, userId, invitation.team_id);
		}
		await recordAudit(trx, {
			organizationId: invitation.organization_id,
			actorId: userId,
			action: 'invitation.accepted',
			targetType: 'user',
			targetId: userId,
			data: { email: invitation.email, role: invitation.role, teamId: invitation.team_id }
		});
		const session = await createSession(trx, {
			userId,
			organizationId: invitation.organization_id,
			userAgent
		});
		return { userId, organizationId: invitation.organization_id, token: session.token };
	});
}
