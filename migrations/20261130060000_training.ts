import { sql, type Kysely } from 'kysely';

// Training: courses made of ordered modules (localized title and Markdown body, an optional video link
// and an optional quiz kept as jsonb with the module), assignments of a course to a member (unique per
// course and member: assigning again moves the due date), each member's progress per module, quiz
// attempts numbered per member and module (unique, so concurrent submissions cannot both take the last
// attempt), and completions, unique per member and course (an external LMS's id unique per organization),
// so a course is completed, and its points paid, once. Due days are local days (YYYY-MM-DD text, as
// holidays are) in the organization's time zone.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('training_courses')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('title', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(title) = 'object' and title <> '{}'::jsonb`))
		.addColumn('description', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'published', 'archived')`))
		.addColumn('points', 'integer', (c) => c.notNull().defaultTo(0).check(sql`points between 0 and 100000`))
		.addColumn('created_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('published_at', 'timestamptz')
		.execute();
	await db.schema.createIndex('training_courses_org_idx').on('training_courses').columns(['organization_id', 'status']).execute();

	await db.schema
		.createTable('training_modules')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('course_id', 'uuid', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('title', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(title) = 'object' and title <> '{}'::jsonb`))
		.addColumn('body', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('video_url', 'text', (c) => c.check(sql`video_url is null or video_url ~ '^https?://'`))
		.addColumn('quiz', 'jsonb')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('training_modules_course_idx').on('training_modules').columns(['course_id', 'position']).execute();

	await db.schema
		.createTable('training_assignments')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('course_id', 'uuid', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('assigned_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('due_on', 'text', (c) => c.notNull().check(sql`due_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
		.addColumn('note', 'text', (c) => c.check(sql`note is null or char_length(note) between 1 and 1000`))
		.addColumn('plan', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('reminded_on', 'text', (c) => c.check(sql`reminded_on is null or reminded_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('training_assignments_course_user', ['course_id', 'user_id'])
		.execute();
	await db.schema.createIndex('training_assignments_user_idx').on('training_assignments').columns(['organization_id', 'user_id']).execute();

	await db.schema
		.createTable('training_progress')
		.addColumn('module_id', 'uuid', (c) => c.notNull().references('training_modules.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('course_id', 'uuid', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
		.addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('completed_at', 'timestamptz')
		.addPrimaryKeyConstraint('training_progress_pk', ['module_id', 'user_id'])
		.execute();
	await db.schema.createIndex('training_progress_user_idx').on('training_progress').columns(['organization_id', 'user_id', 'course_id']).execute();

	await db.schema
		.createTable('training_quiz_attempts')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('course_id', 'uuid', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
		.addColumn('module_id', 'uuid', (c) => c.notNull().references('training_modules.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('attempt', 'integer', (c) => c.notNull().check(sql`attempt >= 1`))
		.addColumn('answers', 'jsonb', (c) => c.notNull())
		.addColumn('correct', 'integer', (c) => c.notNull().check(sql`correct >= 0`))
		.addColumn('total', 'integer', (c) => c.notNull().check(sql`total >= 1`))
		.addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 0 and 100`))
		.addColumn('passed', 'boolean', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('training_quiz_attempts_number', ['module_id', 'user_id', 'attempt'])
		.execute();
	await db.schema.createIndex('training_quiz_attempts_course_idx').on('training_quiz_attempts').columns(['organization_id', 'course_id']).execute();

	await db.schema
		.createTable('training_completions')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('course_id', 'uuid', (c) => c.notNull().references('training_courses.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('internal', 'external', 'demo')`))
		.addColumn('external_id', 'text', (c) => c.check(sql`external_id is null or char_length(external_id) between 1 and 128`))
		.addColumn('points', 'integer', (c) => c.notNull().defaultTo(0).check(sql`points >= 0`))
		.addColumn('completed_at', 'timestamptz', (c) => c.notNull())
		.addColumn('recorded_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('training_completions_course_user', ['course_id', 'user_id'])
		.execute();
	await sql`create unique index training_completions_external on training_completions (organization_id, external_id) where external_id is not null`.execute(db);
	await db.schema.createIndex('training_completions_org_idx').on('training_completions').columns(['organization_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('training_completions').execute();
	await db.schema.dropTable('training_quiz_attempts').execute();
	await db.schema.dropTable('training_progress').execute();
	await db.schema.dropTable('training_assignments').execute();
	await db.schema.dropTable('training_modules').execute();
	await db.schema.dropTable('training_courses').execute();
}
