import { sql, type Kysely } from 'kysely';

// Office TV displays: a display is a named playlist of slides (each with a type, settings validated by
// its type's schema, a duration and an optional schedule), optionally limited to one team, with its
// celebration settings, a top-N limit and the presenter's control (the rotation's epoch, a pinned
// slide, blackout). Screens are paired TVs: each holds a long-lived device token of which only the
// SHA-256 is stored, revocable. Pairing codes are single use, expire after 10 minutes and belong to
// no organization until a leader claims one; the TV proves it asked for a code with a secret (hashed).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('displays')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('team_id', 'uuid', (c) => c.references('teams.id').onDelete('set null'))
		.addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 80`))
		.addColumn('top_n', 'integer', (c) => c.notNull().defaultTo(10).check(sql`top_n between 1 and 50`))
		.addColumn('celebrations', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('epoch_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('pinned_slide_id', 'uuid')
		.addColumn('blackout', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('created_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('displays_org_idx').on('displays').columns(['organization_id', 'name']).execute();

	await db.schema
		.createTable('display_slides')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('display_id', 'uuid', (c) => c.notNull().references('displays.id').onDelete('cascade'))
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('type', 'text', (c) => c.notNull().check(sql`char_length(type) between 1 and 40`))
		.addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('duration_s', 'integer', (c) => c.notNull().defaultTo(15).check(sql`duration_s between 5 and 600`))
		.addColumn('schedule', 'jsonb')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('display_slides_display_idx').on('display_slides').columns(['display_id', 'position']).execute();

	await db.schema
		.createTable('display_screens')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('display_id', 'uuid', (c) => c.notNull().references('displays.id').onDelete('cascade'))
		.addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
		.addColumn('paired_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('user_agent', 'text')
		.addColumn('resolution', 'text')
		.addColumn('current_slide', 'text')
		.addColumn('last_seen_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('revoked_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('display_screens_display_idx').on('display_screens').columns(['organization_id', 'display_id']).execute();

	await db.schema
		.createTable('display_pairings')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('code', 'text', (c) => c.notNull().check(sql`code ~ '^[A-Z2-9]{6}$'`))
		.addColumn('secret_hash', 'bytea', (c) => c.notNull())
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('used_at', 'timestamptz')
		.addColumn('screen_id', 'uuid', (c) => c.references('display_screens.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	// How a member appears on displays: their name, their initials, or an alias of their choosing.
	await db.schema
		.alterTable('memberships')
		.addColumn('display_as', 'text', (c) => c.notNull().defaultTo('name').check(sql`display_as in ('name', 'initials', 'alias')`))
		.execute();
	await db.schema
		.alterTable('memberships')
		.addColumn('display_alias', 'text', (c) => c.check(sql`display_alias is null or char_length(display_alias) between 1 and 40`))
		.execute();
	await db.schema.createIndex('display_pairings_code_idx').on('display_pairings').columns(['code', 'expires_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('memberships').dropColumn('display_alias').execute();
	await db.schema.alterTable('memberships').dropColumn('display_as').execute();
	await db.schema.dropTable('display_pairings').ifExists().execute();
	await db.schema.dropTable('display_screens').ifExists().execute();
	await db.schema.dropTable('display_slides').ifExists().execute();
	await db.schema.dropTable('displays').ifExists().execute();
}
