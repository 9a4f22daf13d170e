import { sql, type Kysely } from 'kysely';

// Sessions get an absolute end (set at sign-in from SESSION_MAX_DAYS, whatever the activity), and
// admins can issue single-use password-reset links, of which only SHA-256 of the token is stored.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// The default covers rows written by older code; existing sessions end 30 days after they began.
	await db.schema
		.alterTable('sessions')
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now() + interval '30 days'`))
		.execute();
	await sql`update sessions set expires_at = created_at + interval '30 days'`.execute(db);

	await db.schema
		.createTable('password_resets')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
		.addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('used_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('password_resets_user_idx').on('password_resets').column('user_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('password_resets').execute();
	await db.schema.alterTable('sessions').dropColumn('expires_at').execute();
}
