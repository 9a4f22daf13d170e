// Sign-up, sign-in, accepting invitations, and changing and resetting passwords.
// Every password check is counted against the account and the client address BEFORE argon2 runs (an
// atomic hit in the live store), so concurrent attempts cannot overtake the limit; argon2 itself runs
// behind a per-process gate (auth/password.ts) that refuses quickly when saturated.
import { z } from 'zod';
import {
	acceptNewSchema,
	loginSchema,
	memberRefSchema,
	passwordChangeSchema,
	passwordResetSchema,
	signupSchema
} from '$lib/shared/schemas';
import {
	checkPasswordPolicy,
	dummyPasswordHash,
	hashPassword,
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_DISTINCT,
	PASSWORD_MIN_LENGTH,
	PasswordBusyError,
	verifyPassword,
	type PasswordOwner
} from './password';
import { createSession, invalidateOtherSessions, invalidateUserSessions } from './session';
import { generateSecureRandomString, hashSecret } from './tokens';
import type { Db } from '../db';
import { AppError, forbidden } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import type { LiveStore } from '../live/store';
import { recordAudit } from '../org/audit.repository';
import { findInvitationByTokenHash, markInvitation, setInvitationAcceptedBy } from '../org/invitation.repository';
import { findMembership, insertMembership, listUserOrganizations } from '../org/membership.repository';
import { insertDefaultMetrics } from '../scoring/metric.repository';
import { insertOrganization, slugExists } from '../org/organization.repository';
import {
	claimPasswordReset,
	findPasswordResetByTokenHash,
	insertPasswordReset
} from './password-reset.repository';
import { setTeamMembership } from '../org/team.repository';
import { findUserByEmail, findUserById, insertUser, updateUserPassword } from './user.repository';
import { ensureBuilt } from '../scoring/live.service';
import { log } from '../platform/log';
import { parseInput } from '../platform/validation';
import type { Actor } from '../org/actor';
import { accessOf } from '../org/access';

/** Password checks per account and per client address in a window (failures; a success is given back). */
export const LOGIN_LIMIT = 10;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Sign-ups per client address in a window (and invitation answers that reveal an existing account). */
export const SIGNUP_LIMIT = 10;
export const SIGNUP_WINDOW_MS = 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 24 * 60 * 60 * 1000;

type AuthDeps = { db: Db; live: LiveStore; config: { sessionMaxMs: number; signupLimit?: number } };
export type ClientContext = { ip: string; userAgent?: string | null };

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

/** Refuses a password that is short, long, blank, repetitive, common or built from the person's name or e-mail. */
export function assertPassword(password: string, owner: PasswordOwner = {}, field = 'password') {
	const problem = checkPasswordPolicy(password, owner);
	if (problem === 'too_short') throw new AppError(400, 'validation.tooShort', { min: PASSWORD_MIN_LENGTH }, field);
	if (problem === 'too_long') throw new AppError(400, 'validation.tooLong', { max: PASSWORD_MAX_LENGTH }, field);
	if (problem === 'blank') throw new AppError(400, 'validation.blankPassword', undefined, field);
	if (problem === 'low_variety') throw new AppError(400, 'validation.passwordLowVariety', { min: PASSWORD_MIN_DISTINCT }, field);
	if (problem === 'common') throw new AppError(400, 'validation.passwordCommon', undefined, field);
	if (problem === 'personal') throw new AppError(400, 'validation.passwordPersonal', undefined, field);
}

/** The wait in a 429's message, in whole minutes (at least one); `count` picks the plural form. */
function waitFor(ms: number) {
	const minutes = Math.max(1, Math.ceil(ms / 60000));
	return { minutes, count: minutes };
}

/** Argon2 through the gate; a saturated gate is a quick 429 rather than a long queue. */
async function gated<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof PasswordBusyError) throw new AppError(429, 'auth.busy');
		throw error;
	}
}

const accountKey = (email: string) => `login:account:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

/**
 * Checks a password for an e-mail (an unknown one is checked against a dummy hash, so timing says
 * nothing). The attempt is counted first, atomically, and refused once the account or the address has
 * used up its attempts; a success clears the account's count and gives the address its attempt back.
 */
export async function checkPasswordLimited(
	deps: { db: Db; live: LiveStore },
	email: string,
	password: string,
	ip: string
) {
	const keys = [accountKey(email), ipKey(ip)];
	// The address first: one that is over its limit cannot push anybody's account count up.
	if ((await deps.live.hit(keys[1], LOGIN_WINDOW_MS)) > LOGIN_LIMIT) {
		throw new AppError(429, 'auth.login.rateLimited', waitFor(await deps.live.ttl(keys[1])));
	}
	if ((await deps.live.hit(keys[0], LOGIN_WINDOW_MS)) > LOGIN_LIMIT) {
		// Nothing is checked for a locked account, so the address gets its attempt back: someone retrying
		// their locked account does not use up the sign-ins of everyone behind the same address.
		await deps.live.release(keys[1]);
		throw new AppError(429, 'auth.login.rateLimited', waitFor(await deps.live.ttl(keys[0])));
	}
	const user = await findUserByEmail(deps.db, email);
	let ok: boolean;
	try {
		ok = await gated(async () => verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password));
	} catch (error) {
		// Nothing was checked: the attempt does not count.
		await Promise.all(keys.map((k) => deps.live.release(k)));
		throw error;
	}
	if (!user || !ok) return null;
	await Promise.all([deps.live.reset(keys[0]), deps.live.release(keys[1])]);
	return user;
}

/** Counts a new account against the client address; refuses past the limit (PODIUM_SIGNUP_LIMIT, default SIGNUP_LIMIT). */
async function countNewAccount(live: LiveStore, ip: string, limit = SIGNUP_LIMIT) {
	const key = `signup:ip:${ip}`;
	if ((await live.hit(key, SIGNUP_WINDOW_MS)) > limit) {
		throw new AppError(429, 'auth.signup.rateLimited', waitFor(await live.ttl(key)));
	}
}

/**
 * Invitations are secrets an admin hands out, so joining by one is not limited: a whole office may
 * join from one address in an hour. Only an answer that reveals an existing account counts.
 */
const inviteProbeKey = (ip: string) => `invite-probe:ip:${ip}`;
async function refuseInviteProbes(live: LiveStore, ip: string) {
	const key = inviteProbeKey(ip);
	if ((await live.count(key)) >= SIGNUP_LIMIT) {
		throw new AppError(429, 'auth.signup.rateLimited', waitFor(await live.ttl(key)));
	}
}

/**
 * Without an e-mail round trip, sign-up cannot hide that an address is taken (success for a new one is
 * itself the tell). So the answer names no account ("cannot sign up with this e-mail; sign in if it is
 * yours"), every attempt counts against the address's sign-up limit, and no password is hashed first.
 */
export async function signUp(deps: AuthDeps, input: unknown, context: ClientContext) {
	const data = parseInput(signupSchema, input);
	assertPassword(data.password, { name: data.name, email: data.email });
	await countNewAccount(deps.live, context.ip, deps.config.signupLimit);
	if (await findUserByEmail(deps.db, data.email)) throw new AppError(409, 'auth.signup.emailTaken', undefined, 'email');
	const passwordHash = await gated(() => hashPassword(data.password));
	const created = await deps.db.transaction().execute(async (trx) => {
		const slug = await uniqueSlug(trx, data.organizationName);
		const { organization, user } = await createOrganizationWithAdmin(trx, {
			organization: { name: data.organizationName, slug, timeZone: data.timeZone, locale: data.locale },
			admin: { email: data.email, name: data.name, passwordHash, locale: data.locale }
		});
		const session = await createSession(trx, {
			userId: user.id,
			organizationId: organization.id,
			userAgent: context.userAgent,
			maxMs: deps.config.sessionMaxMs
		});
		return { organization, user, token: session.token };
	});
	// Its (empty) boards count as built from the start, so that no process rebuilds them from the log
	// while its first events arrive. Should the live store be down, the reconciler builds them later.
	await ensureBuilt(deps, created.organization.id).catch((error) => log.warn('live store: could not build a new organization now', error));
	return created;
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

export async function signIn(deps: AuthDeps, input: unknown, context: ClientContext) {
	const data = parseInput(loginSchema, input);
	const user = await checkPasswordLimited(deps, data.email, data.password, context.ip);
	if (!user) throw new AppError(400, 'auth.login.failed', undefined, 'password');
	const organizations = (await listUserOrganizations(deps.db, user.id)).filter((o) => o.status === 'active');
	if (organizations.length === 0) throw new AppError(403, 'auth.login.deactivated');
	const session = await createSession(deps.db, {
		userId: user.id,
		organizationId: organizations[0].id,
		userAgent: context.userAgent,
		maxMs: deps.config.sessionMaxMs
	});
	return { user, organizationId: organizations[0].id, token: session.token };
}

const inviteTokenSchema = z.string().regex(/^[a-km-np-z2-9]{32}$/);

export type InvitationLookup =
	| { state: 'invalid' | 'used' | 'revoked' }
	| { state: 'expired' | 'open'; invitation: NonNullable<Awaited<ReturnType<typeof findInvitationByTokenHash>>> };

/**
 * Looks an invitation up by its link token. Whoever holds the link may learn what became of it (used,
 * revoked, expired), never whether its e-mail has a Podium account.
 */
export async function findInvitationByToken(db: Db, token: string, now = new Date()): Promise<InvitationLookup> {
	if (!inviteTokenSchema.safeParse(token).success) return { state: 'invalid' };
	const invitation = await findInvitationByTokenHash(db, hashSecret(token));
	if (!invitation) return { state: 'invalid' };
	if (invitation.accepted_at) return { state: 'used' };
	if (invitation.revoked_at) return { state: 'revoked' };
	if (invitation.expires_at.getTime() <= now.getTime()) return { state: 'expired', invitation };
	return { state: 'open', invitation };
}

function refuseClosedInvitation(found: InvitationLookup) {
	if (found.state === 'invalid') throw new AppError(404, 'invite.invalid');
	if (found.state === 'used') throw new AppError(410, 'invite.used');
	if (found.state === 'revoked') throw new AppError(410, 'invite.revoked');
	if (found.state === 'expired') throw new AppError(410, 'invite.expired');
}

/**
 * Accepts an invitation. Someone who is signed in as the invited e-mail joins with one click; nobody
 * types a password into a link someone else made. Anyone else creates a new account (name and password);
 * when the e-mail has an account already, they are asked to sign in first (the link brings them back).
 */
export async function acceptInvitation(
	deps: AuthDeps,
	token: string,
	input: unknown,
	context: ClientContext & { signedIn?: { userId: string; email: string } | null }
) {
	const found = await findInvitationByToken(deps.db, token);
	refuseClosedInvitation(found);
	if (found.state !== 'open') throw new AppError(404, 'invite.invalid');
	const invitation = found.invitation;
	let userId: string | undefined;
	let newUser: { name: string; passwordHash: string } | undefined;
	if (context.signedIn) {
		if (context.signedIn.email.toLowerCase() !== invitation.email.toLowerCase()) {
			throw new AppError(403, 'invite.wrongAccount', { email: invitation.email });
		}
		userId = context.signedIn.userId;
	} else {
		const data = parseInput(acceptNewSchema, input);
		assertPassword(data.password, { name: data.name, email: invitation.email });
		await refuseInviteProbes(deps.live, context.ip);
		if (await findUserByEmail(deps.db, invitation.email)) {
			await deps.live.hit(inviteProbeKey(context.ip), SIGNUP_WINDOW_MS);
			throw new AppError(409, 'invite.signInFirst');
		}
		newUser = { name: data.name, passwordHash: await gated(() => hashPassword(data.password)) };
	}
	return deps.db.transaction().execute(async (trx) => {
		// Claim the invitation first: of two concurrent accepts only one updates the row.
		const claimed = await markInvitation(trx, invitation.id, { accepted_at: new Date() });
		if (!claimed) throw new AppError(410, 'invite.used');
		if (!userId) {
			const user = await insertUser(trx, {
				email: invitation.email,
				name: newUser!.name,
				password_hash: newUser!.passwordHash
			});
			userId = user.id;
		}
		const id = userId;
		if (await findMembership(trx, invitation.organization_id, id)) {
			throw new AppError(409, 'admin.members.alreadyMember', undefined, 'email');
		}
		await setInvitationAcceptedBy(trx, invitation.id, id);
		await insertMembership(trx, { organization_id: invitation.organization_id, user_id: id, role: invitation.role });
		if (invitation.team_id && !invitation.team_archived_at) {
			await setTeamMembership(trx, invitation.organization_id, id, invitation.team_id);
		}
		await recordAudit(trx, {
			organizationId: invitation.organization_id,
			actorId: id,
			action: 'invitation.accepted',
			targetType: 'user',
			targetId: id,
			data: { email: invitation.email, role: invitation.role, teamId: invitation.team_id }
		});
		const session = await createSession(trx, {
			userId: id,
			organizationId: invitation.organization_id,
			userAgent: context.userAgent,
			maxMs: deps.config.sessionMaxMs
		});
		return { userId: id, organizationId: invitation.organization_id, organizationName: invitation.organization_name, token: session.token };
	});
}

/**
 * A signed-in person changes their password: the current one is checked under the sign-in limits, the
 * new one against the policy, and every other session of theirs is signed out.
 */
export async function changePassword(
	deps: AuthDeps & { events: DomainEventBus },
	actor: Actor,
	sessionId: string,
	input: unknown,
	context: ClientContext
) {
	const data = parseInput(passwordChangeSchema, input);
	const me = await findUserById(deps.db, actor.userId);
	if (!me) throw new AppError(404, 'validation.notFound', undefined, 'userId');
	assertPassword(data.newPassword, { name: me.name, email: me.email }, 'newPassword');
	if (!(await checkPasswordLimited(deps, me.email, data.currentPassword, context.ip))) {
		throw new AppError(400, 'account.password.wrongCurrent', undefined, 'currentPassword');
	}
	const passwordHash = await gated(() => hashPassword(data.newPassword));
	await deps.db.transaction().execute(async (trx) => {
		await updateUserPassword(trx, me.id, passwordHash);
		await invalidateOtherSessions(trx, me.id, sessionId);
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: me.id,
			action: 'password.changed',
			targetType: 'user',
			targetId: me.id
		});
	});
	// The other sessions ended in every organization; this browser's socket reconnects with its own session.
	deps.events.emit('user.sessions_revoked', { userId: me.id, organizationId: null });
}

/**
 * An admin (or a leader, for a rep of a team they manage) issues a single-use link that lets a member
 * set a new password; the link is shown once. A person who also belongs to another organization is
 * refused: an admin here must not be able to take over what they hold elsewhere.
 */
export async function issuePasswordReset(deps: { db: Db }, actor: Actor, input: unknown, now = new Date()) {
	const data = parseInput(memberRefSchema, input);
	const member = await findMembership(deps.db, actor.organizationId, data.userId);
	if (!member) throw new AppError(404, 'validation.notFound', undefined, 'userId');
	if (!(await accessOf(deps.db, actor)).canManageMember(member.user_id)) throw forbidden();
	if (member.user_id === actor.userId) throw new AppError(400, 'admin.members.resetSelf', undefined, 'userId');
	if (member.status !== 'active') throw new AppError(409, 'admin.members.resetInactive', undefined, 'userId');
	const elsewhere = (await listUserOrganizations(deps.db, member.user_id)).filter((o) => o.id !== actor.organizationId);
	if (elsewhere.length > 0) throw new AppError(409, 'admin.members.resetElsewhere', undefined, 'userId');
	const token = generateSecureRandomString(32);
	const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
	await deps.db.transaction().execute(async (trx) => {
		const reset = await insertPasswordReset(trx, {
			organization_id: actor.organizationId,
			user_id: member.user_id,
			token_hash: hashSecret(token),
			created_by: actor.userId,
			expires_at: expiresAt
		});
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'password.reset_issued',
			targetType: 'user',
			targetId: member.user_id,
			data: { resetId: reset.id, expiresAt: expiresAt.toISOString() }
		});
	});
	return { name: member.name, token, expiresAt };
}

const resetTokenSchema = inviteTokenSchema;

/** The reset link's state: whoever holds it learns only whether it still works. */
export async function findPasswordReset(db: Db, token: string, now = new Date()) {
	if (!resetTokenSchema.safeParse(token).success) return null;
	const reset = await findPasswordResetByTokenHash(db, hashSecret(token));
	if (!reset || reset.used_at || reset.expires_at.getTime() <= now.getTime()) return null;
	return reset;
}

/** Sets a new password from a reset link: the link is claimed once, and every session of the person ends. */
export async function resetPassword(
	deps: AuthDeps & { events: DomainEventBus },
	token: string,
	input: unknown,
	context: ClientContext,
	now = new Date()
) {
	const reset = await findPasswordReset(deps.db, token, now);
	if (!reset) throw new AppError(410, 'reset.invalid');
	const data = parseInput(passwordResetSchema, input);
	assertPassword(data.password, { name: reset.user_name, email: reset.user_email });
	const passwordHash = await gated(() => hashPassword(data.password));
	const result = await deps.db.transaction().execute(async (trx) => {
		if (!(await claimPasswordReset(trx, reset.id, now))) throw new AppError(410, 'reset.invalid');
		await updateUserPassword(trx, reset.user_id, passwordHash);
		await invalidateUserSessions(trx, reset.user_id);
		await recordAudit(trx, {
			organizationId: reset.organization_id,
			actorId: reset.user_id,
			action: 'password.reset_used',
			targetType: 'user',
			targetId: reset.user_id,
			data: { resetId: reset.id }
		});
		const active = (await listUserOrganizations(trx, reset.user_id)).filter((o) => o.status === 'active');
		const organizationId = active.find((o) => o.id === reset.organization_id)?.id ?? active[0]?.id;
		if (!organizationId) return { token: null };
		const session = await createSession(trx, {
			userId: reset.user_id,
			organizationId,
			userAgent: context.userAgent,
			maxMs: deps.config.sessionMaxMs
		});
		return { token: session.token };
	});
	// Every session of the person ended, in every organization: so do their sockets.
	deps.events.emit('user.sessions_revoked', { userId: reset.user_id, organizationId: null });
	return result;
}
