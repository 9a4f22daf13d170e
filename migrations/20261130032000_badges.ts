import { sql, type Kysely } from 'kysely';

// Badges and levels: the organization's badge definitions (a localized name and description, an icon,
// a rule and its steps: tiers with thresholds, or one threshold), the awards (once per badge, tier,
// member and period: a unique key that concurrent evaluations in several processes insert into with
// "on conflict do nothing"), the achievement signals other domains report (once per org and ref), the
// organization's holidays (streaks skip them), its level names and thresholds, and the levels each
// member reached (once each: a level-up is celebrated once).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('badges')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('name', 'jsonb', (c) => c.notNull())
		.addColumn('description', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('icon', 'text', (c) => c.notNull())
		.addColumn('rule', 'jsonb', (c) => c.notNull())
		.addColumn('steps', 'jsonb', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'archived')`))
		.addColumn('created_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('badges_org_idx').on('badges').columns(['organization_id', 'status']).execute();

	await db.schema
		.createTable('badge_awards')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('badge_id', 'uuid', (c) => c.notNull().references('badges.id').onDelete('cascade'))
		// '' for a badge without tiers, so that the unique key holds (nulls are never equal).
		.addColumn('tier', 'text', (c) => c.notNull().check(sql`tier in ('', 'bronze', 'silver', 'gold')`))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('period_key', 'text', (c) => c.notNull())
		.addColumn('awarded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('awarded_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('reason', 'text')
		.addUniqueConstraint('badge_awards_once', ['badge_id', 'tier', 'user_id', 'period_key'])
		.execute();
	await db.schema.createIndex('badge_awards_user_idx').on('badge_awards').columns(['organization_id', 'user_id', 'awarded_at']).execute();

	await db.schema
		.createTable('achievement_signals')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('ref', 'text', (c) => c.notNull())
		.addColumn('value', 'bigint')
		.addColumn('at', 'timestamptz', (c) => c.notNull())
		.addUniqueConstraint('achievement_signals_once', ['organization_id', 'ref'])
		.execute();
	await db.schema.createIndex('achievement_signals_user_idx').on('achievement_signals').columns(['organization_id', 'user_id', 'kind', 'at']).execute();

	await db.schema
		.createTable('org_holidays')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('day', 'text', (c) => c.notNull().check(sql`day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
		.addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
		.addPrimaryKeyConstraint('org_holidays_pk', ['organization_id', 'day'])
		.execute();

	await db.schema
		.createTable('levels')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('number', 'integer', (c) => c.notNull().check(sql`number between 1 and 10`))
		.addColumn('name', 'jsonb', (c) => c.notNull())
		.addColumn('threshold', 'bigint', (c) => c.notNull().check(sql`threshold >= 0`))
		.addPrimaryKeyConstraint('levels_pk', ['organization_id', 'number'])
		.execute();

	await db.schema
		.createTable('levels_reached')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('number', 'integer', (c) => c.notNull())
		.addColumn('reached_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('levels_reached_pk', ['organization_id', 'user_id', 'number'])
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('levels_reached').ifExists().execute();
	await db.schema.dropTable('levels').ifExists().execute();
	await db.schema.dropTable('org_holidays').ifExists().execute();
	await db.schema.dropTable('achievement_signals').ifExists().execute();
	await db.schema.dropTable('badge_awards').ifExists().execute();
	await db.schema.dropTable('badges').ifExists().execute();
}
