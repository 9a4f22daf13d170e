// One schema and one set of migrations, on either real Postgres (pg) or embedded PGlite.
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { migrations } from '../../../../migrations/index';
import type { Config } from '../platform/config';
import { log } from '../platform/log';
import { assertEmbeddedDatabaseFree } from './embedded-holders';
import { PGliteDialect } from './pglite.dialect';
import type { Database } from './schema';

export type DbKind = 'pglite' | 'postgres';
export type Db = Kysely<Database>;

export interface DbHandle {
	db: Db;
	kind: DbKind;
	close(): Promise<void>;
}

const INT8_OID = 20;

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<DbHandle> {
	if (config.databaseUrl) {
		const pool = new pg.Pool({
			connectionString: config.databaseUrl,
			max: 10,
			// A request waits at most this long for a connection (a new one, or a free one of the pool);
			// then it fails and is answered 503 with Retry-After instead of hanging while Postgres is away.
			connectionTimeoutMillis: 5_000,
			// Notice a dead server on idle connections (TCP keepalive) rather than on the next query.
			keepAlive: true,
			types: {
				getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
					oid === INT8_OID
						? (value: string) => Number(value)
						: pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser
			}
		});
		// An idle client that loses its server emits 'error' on the pool; without a listener it would crash the process.
		pool.on('error', (error) => log.error('postgres pool error', error));
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
		return { db, kind: 'postgres', close: () => db.destroy() };
	}
	const { PGlite } = await import('@electric-sql/pglite');
	const dataDir = config.dataDir === 'memory://' ? 'memory://' : `${config.dataDir.replace(/\/$/, '')}/pglite`;
	if (dataDir !== 'memory://') {
		assertEmbeddedDatabaseFree(config.dataDir);
		const { mkdir } = await import('node:fs/promises');
		await mkdir(dataDir, { recursive: true });
	}
	const pglite = await PGlite.create(dataDir, { parsers: { [INT8_OID]: (value: string) => Number(value) } });
	const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
	return { db, kind: 'pglite', close: () => db.destroy() };
}

const provider: MigrationProvider = {
	async getMigrations(): Promise<Record<string, Migration>> {
		return migrations;
	}
};

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
	const migrator = new Migrator({ db, provider });
	const { error, results } = await migrator.migrateToLatest();
	if (error) throw error;
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrateDown(db: Kysely<Database>): Promise<string | undefined> {
	const migrator = new Migrator({ db, provider });
	const { error, results } = await migrator.migrateDown();
	if (error) throw error;
	return results?.[0]?.migrationName;
}

/** One round trip to the database, for the health check. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
	await sql`select 1`.execute(db);
}
