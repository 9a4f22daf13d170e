import { sql, type Kysely } from 'kysely';

// Anti-gaming flags: unusual patterns of a rep for a leader to review, never a penalty. A flag is
// stored once per (rep, kind, window): the unique key makes the daily scan and "scan now" idempotent,
// and dismissal moves status out of 'open' exactly once (a conditional update in the service).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('coaching_flags')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('self_report_spike', 'bunching', 'voids', 'duplicate_notes')`))
		.addColumn('window_key', 'text', (c) => c.notNull().check(sql`char_length(window_key) between 1 and 120`))
		.addColumn('window_start', 'timestamptz', (c) => c.notNull())
		.addColumn('window_end', 'timestamptz', (c) => c.notNull())
		.addColumn('score', 'double precision', (c) => c.notNull())
		.addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('event_ids', sql`bigint[]`, (c) => c.notNull().defaultTo(sql`'{}'::bigint[]`))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'dismissed')`))
		.addColumn('dismissed_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('dismissed_at', 'timestamptz')
		.addColumn('dismiss_reason', 'text', (c) => c.check(sql`dismiss_reason is null or char_length(dismiss_reason) between 1 and 500`))
		.addColumn('detected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`create unique index coaching_flags_once on coaching_flags (organization_id, user_id, kind, window_key)`.execute(db);
	await db.schema.createIndex('coaching_flags_org_status_idx').on('coaching_flags').columns(['organization_id', 'status', 'detected_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('coaching_flags').ifExists().execute();
}
