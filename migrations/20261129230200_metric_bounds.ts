import { sql, type Kysely } from 'kysely';

// A largest value per event for each metric (in the metric's unit: items, minutes or minor currency
// units), editable by admins, with a default per unit; and a flag on events a leader should look at
// (an unusual self-report), which never changes what the event counts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('metrics').addColumn('max_value', 'bigint').execute();
	await sql`update metrics set max_value = case unit when 'count' then 1000 when 'minutes' then 1440 else 100000000000 end`.execute(db);
	await sql`alter table metrics alter column max_value set not null`.execute(db);
	await sql`alter table metrics add constraint metrics_max_value_check check (max_value > 0)`.execute(db);

	await db.schema
		.alterTable('score_events')
		.addColumn('flag', 'text', (c) => c.check(sql`flag is null or flag in ('near_max', 'above_usual')`))
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('score_events').dropColumn('flag').execute();
	await db.schema.alterTable('metrics').dropColumn('max_value').execute();
}
