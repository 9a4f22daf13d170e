// Kysely dialect for embedded PGlite. PGlite is a single connection, so the driver hands out one
// connection at a time: a transaction holds it until commit or rollback, and every other query waits.
import type { PGlite } from '@electric-sql/pglite';
import {
	CompiledQuery,
	PostgresAdapter,
	PostgresIntrospector,
	PostgresQueryCompiler,
	type DatabaseConnection,
	type Dialect,
	type Driver,
	type Kysely,
	type QueryResult,
	type TransactionSettings
} from 'kysely';

class PGliteConnection implements DatabaseConnection {
	constructor(private readonly pg: PGlite) {}

	async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
		const result = await this.pg.query<R>(compiled.sql, compiled.parameters as unknown[]);
		const affected = result.affectedRows;
		return {
			rows: result.rows,
			numAffectedRows: affected === undefined ? undefined : BigInt(affected)
		};
	}

	// eslint-disable-next-line require-yield
	async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
		throw new Error('PGlite does not support streaming queries');
	}
}

class PGliteDriver implements Driver {
	private queue: Promise<void> = Promise.resolve();
	private readonly connection: PGliteConnection;

	constructor(private readonly pg: PGlite) {
		this.connection = new PGliteConnection(pg);
	}

	async init() {
		await this.pg.waitReady;
	}

	async acquireConnection(): Promise<DatabaseConnection> {
		let release!: () => void;
		const previous = this.queue;
		this.queue = new Promise<void>((resolve) => (release = resolve));
		await previous;
		(this.connection as PGliteConnection & { release?: () => void }).release = release;
		return this.connection;
	}

	async releaseConnection(connection: DatabaseConnection): Promise<void> {
		const c = connection as PGliteConnection & { release?: () => void };
		const release = c.release;
		c.release = undefined;
		release?.();
	}

	async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
		const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
		await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
	}

	async commitTransaction(connection: DatabaseConnection) {
		await connection.executeQuery(CompiledQuery.raw('commit'));
	}

	async rollbackTransaction(connection: DatabaseConnection) {
		await connection.executeQuery(CompiledQuery.raw('rollback'));
	}

	async destroy() {
		await this.queue;
		if (!this.pg.closed) await this.pg.close();
	}
}

export class PGliteDialect implements Dialect {
	constructor(private readonly pg: PGlite) {}
	createAdapter() {
		return new PostgresAdapter();
	}
	createDriver() {
		return new PGliteDriver(this.pg);
	}
	createQueryCompiler() {
		return new PostgresQueryCompiler();
	}
	createIntrospector(db: Kysely<unknown>) {
		return new PostgresIntrospector(db);
	}
}
