import { sql, type Kysely } from 'kysely';

// Kudos and company values. A value is archived, never deleted, once a kudos names it. A kudos carries
// `points` per recipient (the giver spends points × recipients from a monthly allowance set per role);
// a client request id makes a double submit one kudos (unique per giver). Hidden kudos stay in the table
// (with who hid them and why) but leave the feed; reactions and reports are one row per person.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('company_values')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('name', 'jsonb', (c) => c.notNull())
		.addColumn('description', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('emoji', 'text')
		.addColumn('color', 'text', (c) => c.check(sql`color is null or color ~ '^#[0-9a-f]{6}$'`))
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('archived_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('company_values_org_idx').on('company_values').columns(['organization_id', 'position']).execute();

	await db.schema
		.createTable('kudos_allowances')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'leader', 'rep')`))
		.addColumn('points', 'integer', (c) => c.notNull().check(sql`points between 0 and 100000`))
		.addPrimaryKeyConstraint('kudos_allowances_pk', ['organization_id', 'role'])
		.execute();

	await db.schema
		.createTable('kudos')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('giver_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('value_id', 'uuid', (c) => c.notNull().references('company_values.id'))
		.addColumn('message', 'text', (c) => c.notNull().check(sql`char_length(message) between 1 and 500`))
		.addColumn('points', 'integer', (c) => c.notNull().defaultTo(0).check(sql`points >= 0`))
		.addColumn('spent', 'integer', (c) => c.notNull().defaultTo(0).check(sql`spent >= 0`))
		.addColumn('request_id', 'text')
		.addColumn('source', 'text', (c) => c.notNull().defaultTo('app').check(sql`source in ('app', 'api', 'demo')`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('hidden_at', 'timestamptz')
		.addColumn('hidden_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('hidden_reason', 'text')
		.addColumn('spotlight_at', 'timestamptz')
		.execute();
	await sql`create unique index kudos_request on kudos (organization_id, giver_id, request_id) where request_id is not null`.execute(db);
	await db.schema.createIndex('kudos_feed_idx').on('kudos').columns(['organization_id', 'created_at']).execute();
	await db.schema.createIndex('kudos_giver_idx').on('kudos').columns(['organization_id', 'giver_id', 'created_at']).execute();

	await db.schema
		.createTable('kudos_recipients')
		.addColumn('kudos_id', 'uuid', (c) => c.notNull().references('kudos.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addPrimaryKeyConstraint('kudos_recipients_pk', ['kudos_id', 'user_id'])
		.execute();
	await db.schema.createIndex('kudos_recipients_user_idx').on('kudos_recipients').columns(['organization_id', 'user_id']).execute();

	await db.schema
		.createTable('kudos_reactions')
		.addColumn('kudos_id', 'uuid', (c) => c.notNull().references('kudos.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('emoji', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('kudos_reactions_pk', ['kudos_id', 'user_id', 'emoji'])
		.execute();

	await db.schema
		.createTable('kudos_reports')
		.addColumn('kudos_id', 'uuid', (c) => c.notNull().references('kudos.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('reason', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('kudos_reports_pk', ['kudos_id', 'user_id'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('kudos_reports').execute();
	await db.schema.dropTable('kudos_reactions').execute();
	await db.schema.dropTable('kudos_recipients').execute();
	await db.schema.dropTable('kudos').execute();
	await db.schema.dropTable('kudos_allowances').execute();
	await db.schema.dropTable('company_values').execute();
}
