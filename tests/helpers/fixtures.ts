// Builders for integration tests. Every org, e-mail and IP is unique: in the real-services pass
// several test files share one Postgres database and one Redis.
import { expect } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db';
import { describeResult, type App, type Browser } from './app';
import { uniqueEmail, uniqueSuffix } from './env';

export const PASSWORD = 'correct horse battery staple';

export interface SignedUp {
	browser: Browser;
	email: string;
	password: string;
	organizationName: string;
	organizationId: string;
	userId: string;
	token: string;
}

/** Signs up a new organization through POST /signup and returns its first admin, signed in. */
export async function signUpOrganization(app: App, overrides: Record<string, string> = {}): Promise<SignedUp> {
	const browser = app.browser();
	const fields = {
		organizationName: `Org ${uniqueSuffix()}`,
		name: 'Ada Admin',
		email: uniqueEmail('admin'),
		password: PASSWORD,
		timeZone: 'Europe/Berlin',
		locale: 'en',
		...overrides
	};
	const result = await browser.action('/signup', fields);
	expect(result, describeResult(result)).toMatchObject({
		type: 'redirect',
		location: '/admin/teams'
	});
	const user = await app.runtime.db
		.selectFrom('users')
		.select('id')
		.where(sql`lower(email)`, '=', fields.email.toLowerCase())
		.executeTakeFirstOrThrow();
	const membership = await app.runtime.db
		.selectFrom('memberships')
		.select('organization_id')
		.where('user_id', '=', user.id)
		.executeTakeFirstOrThrow();
	return {
		browser,
		email: fields.email,
		password: fields.password,
		organizationName: fields.organizationName,
		organizationId: membership.organization_id,
		userId: user.id,
		token: browser.cookie('podium_session')!
	};
}

export async function signIn(app: App, email: string, password = PASSWORD, browser = app.browser()) {
	const result = await browser.action('/login', { email, password });
	return { browser, result };
}

export const TABLES = [
	'organizations',
	'users',
	'memberships',
	'teams',
	'team_leaders',
	'team_members',
	'sessions',
	'invitations',
	'audit_log'
] as const;

/** Rows in every table whose text form contains `needle` (bytea shows as hex, so a raw secret is visible if stored). */
export async function rowsContaining(db: Db, needle: string): Promise<Record<string, number>> {
	const found: Record<string, number> = {};
	for (const table of TABLES) {
		const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} as t where t::text like ${`%${needle}%`}`.execute(db);
		if (rows[0].n > 0) found[table] = rows[0].n;
	}
	return found;
}

export async function countRows(db: Db): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const table of TABLES) {
		const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
		counts[table] = rows[0].n;
	}
	return counts;
}

export async function sessionsOf(db: Db, userId: string) {
	return db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();
}

/** Creates a team through /admin/teams?/create as `admin` and returns its id. */
export async function createTeam(app: App, admin: { browser: Browser; organizationId: string }, name = `Team ${uniqueSuffix()}`, parentId?: string) {
	const result = await admin.browser.action('/admin/teams?/create', { name, parentId });
	expect(result, describeResult(result)).toMatchObject({ type: 'success' });
	const team = await app.runtime.db
		.selectFrom('teams')
		.select('id')
		.where('organization_id', '=', admin.organizationId)
		.where('name', '=', name)
		.where('archived_at', 'is', null)
		.executeTakeFirstOrThrow();
	return team.id;
}

export interface Invitation {
	link: string;
	token: string;
	email: string;
	invitationId: string;
}

/** Invites through /admin/members?/invite and returns the one-time link shown to the inviter. */
export async function invite(
	app: App,
	inviter: { browser: Browser; organizationId: string },
	fields: { email?: string; role: 'admin' | 'leader' | 'rep'; teamId?: string }
): Promise<Invitation> {
	const email = fields.email ?? uniqueEmail(fields.role);
	const result = await inviter.browser.action('/admin/members?/invite', { ...fields, email });
	expect(result, describeResult(result)).toMatchObject({ type: 'success' });
	if (result.type !== 'success') throw new Error('invite failed');
	const link: string = result.data.invitation.link;
	const token = link.split('/invite/')[1];
	const row = await app.runtime.db
		.selectFrom('invitations')
		.select('id')
		.where('organization_id', '=', inviter.organizationId)
		.where('email', '=', email.toLowerCase())
		.where('accepted_at', 'is', null)
		.where('revoked_at', 'is', null)
		.executeTakeFirstOrThrow();
	return { link, token, email: result.data.invitation.email, invitationId: row.id };
}

export interface Member {
	browser: Browser;
	email: string;
	password: string;
	userId: string;
	organizationId: string;
	token: string;
}

/** Invites a new person and accepts as them in a fresh browser: they end up signed in, sent home (/). */
export async function addMember(
	app: App,
	admin: { browser: Browser; organizationId: string },
	role: 'admin' | 'leader' | 'rep',
	teamId?: string,
	name = `${role[0].toUpperCase()}${role.slice(1)} ${uniqueSuffix()}`
): Promise<Member> {
	const invitation = await invite(app, admin, { role, teamId });
	const browser = app.browser();
	const result = await browser.action(`/invite/${invitation.token}`, { name, password: PASSWORD });
	expect(result, describeResult(result)).toMatchObject({ type: 'redirect', location: '/' });
	const user = await app.runtime.db
		.selectFrom('users')
		.select('id')
		.where('email', '=', invitation.email)
		.executeTakeFirstOrThrow();
	return {
		browser,
		email: invitation.email,
		password: PASSWORD,
		userId: user.id,
		organizationId: admin.organizationId,
		token: browser.cookie('podium_session')!
	};
}

/** Everything an organization owns, in a stable order: compare before and after to prove nothing changed. */
export async function snapshotOrganization(db: Db, organizationId: string) {
	const [organization, memberships, teams, leaders, members, invitations, audit, sessions] = await Promise.all([
		db.selectFrom('organizations').selectAll().where('id', '=', organizationId).execute(),
		db.selectFrom('memberships').selectAll().where('organization_id', '=', organizationId).orderBy('user_id').execute(),
		db.selectFrom('teams').selectAll().where('organization_id', '=', organizationId).orderBy('id').execute(),
		db.selectFrom('team_leaders').selectAll().where('organization_id', '=', organizationId).orderBy('team_id').orderBy('user_id').execute(),
		db.selectFrom('team_members').selectAll().where('organization_id', '=', organizationId).orderBy('user_id').execute(),
		db
			.selectFrom('invitations')
			.select(['id', 'email', 'role', 'team_id', 'accepted_at', 'revoked_at', 'expires_at'])
			.where('organization_id', '=', organizationId)
			.orderBy('id')
			.execute(),
		db.selectFrom('audit_log').select(['id', 'action']).where('organization_id', '=', organizationId).orderBy('id').execute(),
		db.selectFrom('sessions').select(['id', 'user_id']).where('organization_id', '=', organizationId).orderBy('id').execute()
	]);
	return { organization, memberships, teams, leaders, members, invitations, audit, sessions };
}
