import { sql, type Kysely } from 'kysely';

// Durable jobs for the scheduler (src/lib/server/platform/scheduler.ts): anything that happens at a
// time. A row is claimed with FOR UPDATE SKIP LOCKED and a lease (locked_until); a worker that dies
// leaves its row to be claimed again once the lease has passed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('jobs')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		// Null for system jobs (the reconciler, clean-ups); an organization's jobs go with it.
		.addColumn('organization_id', 'uuid', (c) => c.references('organizations.id').onDelete('cascade'))
		.addColumn('run_at', 'timestamptz', (c) => c.notNull())
		.addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0).check(sql`attempts >= 0`))
		.addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5).check(sql`max_attempts > 0`))
		.addColumn('status', 'text', (c) =>
			c.notNull().defaultTo('pending').check(sql`status in ('pending', 'running', 'done', 'failed')`)
		)
		.addColumn('last_error', 'text')
		.addColumn('locked_by', 'text')
		.addColumn('locked_until', 'timestamptz')
		// A recurring job is put back to pending this many ms after each run instead of finishing.
		.addColumn('every_ms', 'integer', (c) => c.check(sql`every_ms is null or every_ms > 0`))
		// Scheduling twice with the same key keeps the first row: a job can be scheduled once, idempotently.
		.addColumn('dedupe_key', 'text', (c) => c.unique())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	// The two ways a row becomes claimable: due, or its worker's lease has run out.
	await sql`create index jobs_due on jobs (run_at) where status = 'pending'`.execute(db);
	await sql`create index jobs_lease on jobs (locked_until) where status = 'running'`.execute(db);
	await sql`create index jobs_organization on jobs (organization_id, updated_at desc)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('jobs').execute();
}
