import { sql, type Kysely } from 'kysely';

// Whether a member competes on the reps' boards (carries a quota). Reps do; leaders and admins who log
// for themselves stay off the reps' boards unless an admin says they carry a quota.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('memberships').addColumn('competes', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
	await sql`update memberships set competes = false where role in ('admin', 'leader')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('memberships').dropColumn('competes').execute();
}
