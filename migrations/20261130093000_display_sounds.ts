import { sql, type Kysely } from 'kysely';

// Celebration sounds an admin uploaded, one per organization and celebration kind (a kind without one
// plays the built-in chime). Short clips only: the size is checked here too.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('display_sounds')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('deal', 'badge', 'goal', 'contest', 'kudos', 'manual')`))
		.addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 120`))
		.addColumn('mime', 'text', (c) => c.notNull().check(sql`mime in ('audio/mpeg', 'audio/ogg', 'audio/wav')`))
		.addColumn('data', 'bytea', (c) => c.notNull().check(sql`octet_length(data) between 1 and 307200`))
		.addColumn('uploaded_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('display_sounds_pkey', ['organization_id', 'kind'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('display_sounds').execute();
}
