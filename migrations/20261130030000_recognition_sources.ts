import { sql, type Kysely } from 'kysely';

// Recognition writes points to the event log under sources of its own: kudos (already allowed), badge
// (a badge that carries points) and idea (an adopted idea's points for its author).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table score_events drop constraint score_events_source_check`.execute(db);
	await sql`alter table score_events add constraint score_events_source_check check (source in ('manual', 'api', 'import', 'correction', 'training', 'kudos', 'demo', 'contest', 'badge', 'idea'))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table score_events drop constraint score_events_source_check`.execute(db);
	await sql`alter table score_events add constraint score_events_source_check check (source in ('manual', 'api', 'import', 'correction', 'training', 'kudos', 'demo', 'contest')) not valid`.execute(db);
}
