// Builders for integration tests. Every org, e-mail and IP is unique: in the real-services pass
// several test files share one Postgres database and one Redis.
import { expect } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db';
import type { App, Browser } from './app';
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
	expect(result, JSON.stringify(result.type === 'failure' ? result.data : result.type)).toMatchObject({
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
