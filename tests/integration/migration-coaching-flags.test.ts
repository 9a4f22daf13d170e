// The coaching flags migration goes up, down and up again, and its unique index keeps one flag per
// (organization, rep, kind, window). Runs on a database of its own (a scratch one with DATABASE_URL,
// else an in-memory PGlite): the shared test database cannot be migrated down.
import '../helpers/env';
import { Kysely, Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrations } from '../../migrations/index';
import { openDatabase } from '../../src/lib/server/db';
import { usingPostgres } from '../helpers/env';
import { createScratchDatabase } from '../helpers/scoring';

const BEFORE = '20261130090000_appeals';
const THIS = '20261130100000_coaching_flags';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let db: Kysely<any>;
let close: () => Promise<void>;
let dropScratch: (() => Promise<unknown>) | undefined;
const migrator = () => new Migrator({ db, provider: { getMigrations: async () => migrations } });

async function migrateTo(name: string | typeof NO_MIGRATIONS) {
	const { error } = await migrator().migrateTo(name);
	if (error) throw error;
}

const hasTable = async () => (await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'coaching_flags'`.execute(db)).rows[0].n === 1;

beforeAll(async () => {
	let databaseUrl: string | undefined;
	if (usingPostgres) {
		const scratch = await createScratchDatabase('podium_migration_flags');
		databaseUrl = scratch.url;
		dropScratch = scratch.drop;
	}
	const handle = await openDatabase({ databaseUrl, dataDir: 'memory://' });
	db = handle.db;
	close = handle.close;
});

afterAll(async () => {
	await close?.();
	await dropScratch?.();
});

describe('migration: coaching flags', () => {
	test('up, down and up again; one flag per rep, kind and window', async () => {
		await migrateTo(THIS);
		expect(await hasTable()).toBe(true);
		const org = await db.insertInto('organizations').values({ name: 'Flags', slug: `flags-${Date.now()}`, time_zone: 'UTC', locale: 'en', week_start: 1 }).returning('id').executeTakeFirstOrThrow();
		const user = await db.insertInto('users').values({ email: `f${Date.now()}@example.com`, name: 'Rep', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
		const flag = { organization_id: org.id, user_id: user.id, kind: 'voids', window_key: 'month:2026-11', window_start: new Date(), window_end: new Date(), score: 0.4, details: '{}', event_ids: sql`'{1,2}'::bigint[]` };
		await db.insertInto('coaching_flags').values(flag).execute();
		await expect(db.insertInto('coaching_flags').values(flag).execute()).rejects.toThrow();
		await expect(db.insertInto('coaching_flags').values({ ...flag, window_key: 'month:2026-10', kind: 'nope' }).execute()).rejects.toThrow();
		await migrateTo(BEFORE);
		expect(await hasTable()).toBe(false);
		await migrateTo(THIS);
		expect(await hasTable()).toBe(true);
	});
});
