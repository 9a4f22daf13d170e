import { sql, type Kysely } from 'kysely';

// Performance reviews and 1:1 coaching notes. A review is one per rep and period (a unique index), its
// scorecard a jsonb snapshot taken at creation. It is acknowledged once: a conditional update on
// acknowledged_at is null. Every text saved once it is shared is a row of review_revisions. Improvement
// plan actions and check-ins carry reminded_on, set conditionally by the reminder job so it notifies once.
// Coaching notes are private to leaders or shared with the rep; their action items are ticked off.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	const day = (column: string) => sql`${sql.ref(column)} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`;
	await db.schema
		.createTable('reviews')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('subject_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('period_window', 'text', (c) => c.notNull().check(sql`period_window in ('month', 'quarter')`))
		.addColumn('period_key', 'text', (c) => c.notNull().check(sql`char_length(period_key) between 1 and 32`))
		.addColumn('period_start', 'timestamptz', (c) => c.notNull())
		.addColumn('period_end', 'timestamptz', (c) => c.notNull())
		.addColumn('scorecard', 'jsonb', (c) => c.notNull())
		.addColumn('strengths', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(strengths) <= 4000`))
		.addColumn('improvements', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(improvements) <= 4000`))
		.addColumn('feedback', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(feedback) <= 4000`))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'shared')`))
		.addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('plan_goal', 'text', (c) => c.check(sql`plan_goal is null or char_length(plan_goal) between 1 and 1000`))
		.addColumn('plan_opened_at', 'timestamptz')
		.addColumn('shared_at', 'timestamptz')
		.addColumn('acknowledged_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create unique index reviews_one_per_period on reviews (organization_id, subject_id, period_window, period_key)`.execute(db);
	await db.schema.createIndex('reviews_subject_idx').on('reviews').columns(['organization_id', 'subject_id', 'created_at']).execute();

	await db.schema
		.createTable('review_revisions')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('review_id', 'uuid', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
		.addColumn('version', 'integer', (c) => c.notNull())
		.addColumn('editor_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('strengths', 'text', (c) => c.notNull())
		.addColumn('improvements', 'text', (c) => c.notNull())
		.addColumn('feedback', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('review_revisions_version_unique', ['review_id', 'version'])
		.execute();

	await db.schema
		.createTable('review_comments')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('review_id', 'uuid', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
		.addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 2000`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('review_comments_review_idx').on('review_comments').columns(['review_id', 'id']).execute();

	await db.schema
		.createTable('review_actions')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('review_id', 'uuid', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
		.addColumn('text', 'text', (c) => c.notNull().check(sql`char_length(text) between 1 and 500`))
		.addColumn('owner', 'text', (c) => c.notNull().check(sql`owner in ('rep', 'leader')`))
		.addColumn('due_on', 'text', (c) => c.notNull().check(day('due_on')))
		.addColumn('done_at', 'timestamptz')
		.addColumn('done_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('reminded_on', 'text', (c) => c.check(sql`reminded_on is null or ${day('reminded_on')}`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('review_actions_review_idx').on('review_actions').columns(['review_id']).execute();

	await db.schema
		.createTable('review_checkins')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('review_id', 'uuid', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
		.addColumn('on_day', 'text', (c) => c.notNull().check(day('on_day')))
		.addColumn('note', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(note) <= 500`))
		.addColumn('reminded_on', 'text', (c) => c.check(sql`reminded_on is null or ${day('reminded_on')}`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('review_checkins_review_idx').on('review_checkins').columns(['review_id']).execute();

	await db.schema
		.createTable('coaching_notes')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('subject_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('on_day', 'text', (c) => c.notNull().check(day('on_day')))
		.addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) between 1 and 4000`))
		.addColumn('shared', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('coaching_notes_subject_idx').on('coaching_notes').columns(['organization_id', 'subject_id', 'on_day']).execute();

	await db.schema
		.createTable('coaching_note_items')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('note_id', 'uuid', (c) => c.notNull().references('coaching_notes.id').onDelete('cascade'))
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('text', 'text', (c) => c.notNull().check(sql`char_length(text) between 1 and 300`))
		.addColumn('done_at', 'timestamptz')
		.addColumn('done_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('coaching_note_items_note_idx').on('coaching_note_items').columns(['note_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['coaching_note_items', 'coaching_notes', 'review_checkins', 'review_actions', 'review_comments', 'review_revisions', 'reviews']) {
		await db.schema.dropTable(table).ifExists().execute();
	}
}
