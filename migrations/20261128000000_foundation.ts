import { sql, type Kysely } from 'kysely';

// Organizations, people, teams, sessions, invitations and the audit log.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('organizations')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('slug', 'text', (c) => c.notNull().unique())
		.addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
		.addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
		.addColumn('week_start', 'smallint', (c) => c.notNull().defaultTo(1).check(sql`week_start between 1 and 7`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('users')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('locale', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create unique index users_email_key on users (lower(email))`.execute(db);

	await db.schema
		.createTable('memberships')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'leader', 'rep')`))
		.addColumn('status', 'text', (c) =>
			c.notNull().defaultTo('active').check(sql`status in ('active', 'deactivated')`)
		)
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('memberships_pkey', ['organization_id', 'user_id'])
		.execute();
	await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

	await db.schema
		.createTable('teams')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('parent_id', 'uuid', (c) => c.references('teams.id'))
		.addColumn('archived_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('teams_org_idx').on('teams').column('organization_id').execute();
	await sql`create unique index teams_active_name_key on teams (organization_id, lower(name)) where archived_at is null`.execute(
		db
	);

	await db.schema
		.createTable('team_leaders')
		.addColumn('team_id', 'uuid', (c) => c.notNull().references('teams.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addPrimaryKeyConstraint('team_leaders_pkey', ['team_id', 'user_id'])
		.execute();
	await db.schema.createIndex('team_leaders_user_idx').on('team_leaders').columns(['organization_id', 'user_id']).execute();

	// A person is a member of at most one team per organization: moving changes this row.
	await db.schema
		.createTable('team_members')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('team_id', 'uuid', (c) => c.notNull().references('teams.id').onDelete('cascade'))
		.addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('team_members_pkey', ['organization_id', 'user_id'])
		.execute();
	await db.schema.createIndex('team_members_team_idx').on('team_members').column('team_id').execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('secret_hash', 'bytea', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('last_verified_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('user_agent', 'text')
		.execute();
	await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

	await db.schema
		.createTable('invitations')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'leader', 'rep')`))
		.addColumn('team_id', 'uuid', (c) => c.references('teams.id'))
		.addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
		.addColumn('invited_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('accepted_at', 'timestamptz')
		.addColumn('accepted_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('revoked_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('invitations_org_idx').on('invitations').column('organization_id').execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('target_type', 'text')
		.addColumn('target_id', 'text')
		.addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('audit_log_org_idx').on('audit_log').columns(['organization_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'audit_log',
		'invitations',
		'sessions',
		'team_members',
		'team_leaders',
		'teams',
		'memberships',
		'users',
		'organizations'
	]) {
		await db.schema.dropTable(table).ifExists().execute();
	}
}
