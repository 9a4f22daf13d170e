import { sql, type Kysely } from 'kysely';

// Appeals: a rep disputes one line of their receipt (an event of theirs). At most one open appeal per
// event (a partial unique index), so a second appeal on a line already under appeal is refused by the
// database too. Resolution moves status out of 'open' exactly once (a conditional update in the
// service). Messages form the thread both sides read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('appeals')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('event_id', 'bigint', (c) => c.notNull().references('score_events.id'))
		.addColumn('appellant_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('not_mine', 'duplicate', 'wrong_value', 'other')`))
		.addColumn('reason', 'text', (c) => c.notNull().check(sql`char_length(reason) between 1 and 1000`))
		.addColumn('suggested_user_id', 'uuid', (c) => c.references('users.id'))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'voided', 'recredited', 'rejected')`))
		.addColumn('resolver_id', 'uuid', (c) => c.references('users.id'))
		.addColumn('resolution_reason', 'text', (c) => c.check(sql`resolution_reason is null or char_length(resolution_reason) between 1 and 1000`))
		.addColumn('recredit_user_id', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('resolved_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('appeals_org_status_idx').on('appeals').columns(['organization_id', 'status', 'created_at']).execute();
	await db.schema.createIndex('appeals_appellant_idx').on('appeals').columns(['appellant_id']).execute();
	await sql`create unique index appeals_one_open_per_event on appeals (event_id) where status = 'open'`.execute(db);

	await db.schema
		.createTable('appeal_messages')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('appeal_id', 'uuid', (c) => c.notNull().references('appeals.id').onDelete('cascade'))
		.addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 1000`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('appeal_messages_appeal_idx').on('appeal_messages').columns(['appeal_id', 'id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('appeal_messages').ifExists().execute();
	await db.schema.dropTable('appeals').ifExists().execute();
}
