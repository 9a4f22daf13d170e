import { sql, type Kysely } from 'kysely';

// A system metric is kept by the product for its own events (a contest's prize points): it is not the
// admins' to edit, archive or restore, and the metrics page leaves it out. The prize metrics made so far
// (key contest_prize) become system metrics.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('metrics').addColumn('system', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
	await sql`update metrics set system = true where key = 'contest_prize'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('metrics').dropColumn('system').execute();
}
