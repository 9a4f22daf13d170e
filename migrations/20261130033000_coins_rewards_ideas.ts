import { sql, type Kysely } from 'kysely';

// Coins, the rewards store and the ideas board. Coins are a balance of their own (never points): an
// append-only ledger whose entries carry a ref unique per organization (each credit or debit happens
// once), and one balance row per member that is the sum of the ledger, never below zero, locked by
// every change. Rewards have a localized name and description, a cost, a stock (null: unlimited) and a
// per-person limit; a redemption holds its coins and its unit of stock until declined or cancelled.
// Ideas are posted by members, voted on once per person and commented on.
/** A reward's name: an object of languages, each a string with something other than spaces, at least one. */
const NAME_CHECK = sql`jsonb_typeof(name) = 'object' and name <> '{}'::jsonb
	and not jsonb_path_exists(name, 'strict $.* ? (@.type() != "string" || !(@ like_regex "[^[:space:]]"))')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('coin_settings')
		.addColumn('organization_id', 'uuid', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
		.addColumn('per_contest_win', 'integer', (c) => c.notNull().defaultTo(100).check(sql`per_contest_win between 0 and 1000000`))
		.addColumn('per_contest_place', 'integer', (c) => c.notNull().defaultTo(50).check(sql`per_contest_place between 0 and 1000000`))
		.addColumn('per_badge', 'integer', (c) => c.notNull().defaultTo(25).check(sql`per_badge between 0 and 1000000`))
		.addColumn('per_kudos', 'integer', (c) => c.notNull().defaultTo(5).check(sql`per_kudos between 0 and 1000000`))
		/** Coins per 100 points (0: points earn no coins): an event of p points earns trunc(p × this / 100). */
		.addColumn('per_100_points', 'integer', (c) => c.notNull().defaultTo(0).check(sql`per_100_points between 0 and 100000`))
		.addColumn('idea_points', 'integer', (c) => c.notNull().defaultTo(50).check(sql`idea_points between 0 and 100000`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('coin_balances')
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`balance >= 0`))
		.addPrimaryKeyConstraint('coin_balances_pk', ['organization_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('coin_ledger')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
		.addColumn('reason', 'text', (c) =>
			c.notNull().check(sql`reason in ('points', 'contest', 'badge', 'kudos', 'redemption', 'refund', 'adjustment', 'demo')`)
		)
		.addColumn('ref', 'text', (c) => c.notNull())
		.addColumn('note', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('coin_ledger_ref', ['organization_id', 'ref'])
		.execute();
	await db.schema.createIndex('coin_ledger_user_idx').on('coin_ledger').columns(['organization_id', 'user_id', 'id']).execute();

	await db.schema
		.createTable('rewards')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('name', 'jsonb', (c) => c.notNull())
		.addColumn('description', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		/** An emoji, a built-in illustration ("art:<name>") or an https URL. */
		.addColumn('image', 'text', (c) => c.notNull())
		.addColumn('cost', 'integer', (c) => c.notNull().check(sql`cost > 0`))
		.addColumn('stock', 'integer', (c) => c.check(sql`stock is null or stock >= 0`))
		.addColumn('per_person_limit', 'integer', (c) => c.check(sql`per_person_limit is null or per_person_limit > 0`))
		.addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('rewards_name_localized', NAME_CHECK)
		.execute();
	await db.schema.createIndex('rewards_org_idx').on('rewards').columns(['organization_id', 'active']).execute();

	await db.schema
		.createTable('reward_redemptions')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('reward_id', 'uuid', (c) => c.notNull().references('rewards.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('cost', 'integer', (c) => c.notNull().check(sql`cost > 0`))
		.addColumn('status', 'text', (c) =>
			c.notNull().defaultTo('pending').check(sql`status in ('pending', 'approved', 'fulfilled', 'declined', 'cancelled')`)
		)
		.addColumn('note', 'text')
		.addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('reward_redemptions_org_idx').on('reward_redemptions').columns(['organization_id', 'status', 'created_at']).execute();
	await db.schema.createIndex('reward_redemptions_user_idx').on('reward_redemptions').columns(['organization_id', 'user_id', 'reward_id']).execute();

	await db.schema
		.createTable('ideas')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) between 1 and 120`))
		.addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 2000`))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('new').check(sql`status in ('new', 'trying', 'adopted', 'declined')`))
		.addColumn('note', 'text')
		.addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('ideas_org_idx').on('ideas').columns(['organization_id', 'status', 'created_at']).execute();
	await db.schema
		.createTable('idea_votes')
		.addColumn('idea_id', 'uuid', (c) => c.notNull().references('ideas.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('idea_votes_pk', ['idea_id', 'user_id'])
		.execute();
	await db.schema
		.createTable('idea_comments')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('idea_id', 'uuid', (c) => c.notNull().references('ideas.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 1000`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('idea_comments_idea_idx').on('idea_comments').columns(['idea_id', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('idea_comments').execute();
	await db.schema.dropTable('idea_votes').execute();
	await db.schema.dropTable('ideas').execute();
	await db.schema.dropTable('reward_redemptions').execute();
	await db.schema.dropTable('rewards').execute();
	await db.schema.dropTable('coin_ledger').execute();
	await db.schema.dropTable('coin_balances').execute();
	await db.schema.dropTable('coin_settings').execute();
}
