import { sql, type Kysely } from 'kysely';

// Every score event gets its number within its organization (org_seq: 1, 2, 3, … with no gaps made by
// duplicates), the index of its applied mark in the live store. The global id is shared by every
// organization and advances even for a duplicate (a sequence value is taken before ON CONFLICT skips
// the row), so a bitmap indexed by it grew with everybody's traffic, retries included.
// score_event_counters holds each organization's last number; ingest takes numbers from it in the
// same statement that inserts the new rows, and only for rows whose key is new.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('score_events').addColumn('org_seq', 'bigint').execute();
	await sql`
		update score_events e set org_seq = s.n
		from (select id, row_number() over (partition by organization_id order by id) as n from score_events) s
		where s.id = e.id
	`.execute(db);
	await sql`alter table score_events alter column org_seq set not null`.execute(db);
	await sql`create unique index score_events_org_seq_key on score_events (organization_id, org_seq)`.execute(db);

	await db.schema
		.createTable('score_event_counters')
		.addColumn('organization_id', 'uuid', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
		.addColumn('last_seq', 'bigint', (c) => c.notNull())
		.execute();
	await sql`
		insert into score_event_counters (organization_id, last_seq)
		select organization_id, max(org_seq) from score_events group by organization_id
	`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('score_event_counters').ifExists().execute();
	await sql`drop index if exists score_events_org_seq_key`.execute(db);
	await db.schema.alterTable('score_events').dropColumn('org_seq').execute();
}
