// Builders for scoring tests: a database of this mode (in-memory PGlite, or DATABASE_URL), and
// organizations, teams, reps and API tokens inserted through the repositories (no HTTP, no argon2).
// Everything is unique per call: in the real-services pass several test files share one Postgres
// database and one Redis.
import './env';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import type { LiveStore } from '../../src/lib/server/live/store';
import { insertMembership } from '../../src/lib/server/org/membership.repository';
import { insertDefaultMetrics } from '../../src/lib/server/scoring/metric.repository';
import { insertOrganization } from '../../src/lib/server/org/organization.repository';
import { setTeamMembership } from '../../src/lib/server/org/team.repository';
import { insertUser } from '../../src/lib/server/auth/user.repository';
import { createApiToken, type TokenScope } from '../../src/lib/server/scoring/token.service';
import { uniqueEmail, uniqueSuffix } from './env';

/** A database of this mode, migrated; the caller closes it. */
export async function openTestDb(): Promise<{ db: Db; close(): Promise<void> }> {
	const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: 'memory://' });
	await migrateToLatest(handle.db);
	return handle;
}

/**
 * An empty database of its own on DATABASE_URL's server (`<prefix>_<suffix>`), for a test file that
 * must not share the test database (a child process of its own, a reconcile job of its own); drop() ends it.
 */
export async function createScratchDatabase(prefix: string) {
	const base = process.env.DATABASE_URL!;
	const name = `${prefix}_${uniqueSuffix()}`;
	const onServer = async (statement: (db: Db) => Promise<unknown>) => {
		const admin = await openDatabase({ databaseUrl: base, dataDir: 'memory://' });
		try {
			await statement(admin.db);
		} finally {
			await admin.close();
		}
	};
	await onServer((db) => sql`create database ${sql.id(name)}`.execute(db));
	const url = new URL(base);
	url.pathname = `/${name}`;
	return { url: url.toString(), drop: () => onServer((db) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(db)) };
}

export interface TestOrg {
	organizationId: string;
	slug: string;
	adminId: string;
	adminEmail: string;
}

/** An organization with its admin and the starting metrics, inserted directly. */
export async function createOrg(db: Db, options: { timeZone?: string; weekStart?: number; name?: string } = {}): Promise<TestOrg> {
	const suffix = uniqueSuffix();
	const adminEmail = uniqueEmail('admin');
	return db.transaction().execute(async (trx) => {
		const org = await insertOrganization(trx, {
			name: options.name ?? `Scoring ${suffix}`,
			slug: `scoring-${suffix}`,
			time_zone: options.timeZone ?? 'Asia/Shanghai',
			locale: 'en',
			week_start: options.weekStart ?? 1
		});
		const admin = await insertUser(trx, { email: adminEmail, name: 'Ada Admin', password_hash: '$argon2id$not-used-by-these-tests' });
		await insertMembership(trx, { organization_id: org.id, user_id: admin.id, role: 'admin' });
		await insertDefaultMetrics(trx, org.id);
		return { organizationId: org.id, slug: org.slug, adminId: admin.id, adminEmail };
	});
}

export async function addTeam(db: Db, organizationId: string, name = `Team ${uniqueSuffix()}`, parentId: string | null = null) {
	const row = await db.insertInto('teams').values({ organization_id: organizationId, name, parent_id: parentId }).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

export interface TestRep {
	userId: string;
	email: string;
	name: string;
	teamId: string | null;
}

/** An active rep of the org (optionally in a team, optionally with an external id). */
export async function addRep(
	db: Db,
	organizationId: string,
	options: { teamId?: string | null; name?: string; externalId?: string; role?: 'rep' | 'leader' | 'admin' } = {}
): Promise<TestRep> {
	const email = uniqueEmail('rep');
	const name = options.name ?? `Rep ${uniqueSuffix()}`;
	const user = await insertUser(db, { email, name, password_hash: '$argon2id$not-used-by-these-tests' });
	await insertMembership(db, { organization_id: organizationId, user_id: user.id, role: options.role ?? 'rep' });
	if (options.externalId) {
		await db.updateTable('memberships').set({ external_id: options.externalId }).where('organization_id', '=', organizationId).where('user_id', '=', user.id).execute();
	}
	if (options.teamId) await setTeamMembership(db, organizationId, user.id, options.teamId);
	return { userId: user.id, email, name, teamId: options.teamId ?? null };
}

/** An API token of the org (the raw "pod_…" string and its row id). */
export async function addApiToken(db: Db, organizationId: string, scopes: TokenScope[] = ['events:write', 'leaderboards:read'], createdBy: string | null = null) {
	const row = await createApiToken(db, organizationId, createdBy, { name: `token ${uniqueSuffix()}`, scopes });
	return { id: row.id, token: row.token };
}

/** Rows of score_events of one org (the event log), for "nothing was written" checks. */
export async function countEvents(db: Db, organizationId: string): Promise<number> {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from score_events where organization_id = ${organizationId}`.execute(db);
	return Number(rows[0].n);
}

/** Every board of an org in the live store, as key → sorted [member, score, tie] (for equality checks). */
export async function liveBoards(live: LiveStore, organizationId: string) {
	const keys = (await live.boardKeys(organizationId)).sort();
	// Issued together: node-redis pipelines them.
	const boards = await Promise.all(
		keys.map(async (key) => {
			const top = await live.top(organizationId, key, Math.max(1, await live.size(organizationId, key)));
			return top.map((e): [string, number, number] => [e.member, e.score, e.tie]);
		})
	);
	return new Map(keys.map((key, i) => [key, boards[i]]));
}

/** Deletes every live-store key of one org in Redis (`<prefix>{org}:*`), as a flush of that org would. */
export async function deleteOrgKeys(store: RedisLiveStore, organizationId: string, prefix = 'podium:') {
	const keys: string[] = [];
	for await (const batch of store.client.scanIterator({ MATCH: `${prefix}{${organizationId}}:*`, COUNT: 1000 })) {
		keys.push(...(batch as unknown as string[]));
	}
	if (keys.length) await store.client.del(keys);
	return keys.length;
}

export { uniqueEmail, uniqueSuffix };
