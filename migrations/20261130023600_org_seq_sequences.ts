import { sql, type Kysely } from 'kysely';

// Each organization's org_seq numbers come from a sequence of its own (org_seq_<organization id without
// dashes>), created and dropped with the organization by triggers, instead of the score_event_counters
// row. The counter row was updated in the statement that inserts the events, so its lock was held until
// that transaction committed: concurrent ingest writes of one organization queued behind each other's
// WAL flush and never shared one. nextval takes no lock that lasts the transaction. What stays: numbers
// are per organization and start at 1, and only keys not stored yet take one (a rolled-back write or a
// key sent by two writers at once may leave an unused number: a gap is harmless).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		create function org_seq_name(org uuid) returns text language sql immutable
		as $$ select 'org_seq_' || replace(org::text, '-', '') $$
	`.execute(db);
	await sql`
		create function org_seq_create() returns trigger language plpgsql as $$
		begin
			execute format('create sequence if not exists %I as bigint', org_seq_name(new.id));
			return null;
		end $$
	`.execute(db);
	await sql`
		create function org_seq_drop() returns trigger language plpgsql as $$
		begin
			execute format('drop sequence if exists %I', org_seq_name(old.id));
			return null;
		end $$
	`.execute(db);
	await sql`create trigger organizations_org_seq_create after insert on organizations for each row execute function org_seq_create()`.execute(db);
	await sql`create trigger organizations_org_seq_drop after delete on organizations for each row execute function org_seq_drop()`.execute(db);
	// Existing organizations continue from their counter (or their largest org_seq, whichever is larger).
	await sql`
		do $$
		declare
			o record;
			last bigint;
		begin
			for o in select id from organizations loop
				execute format('create sequence if not exists %I as bigint', org_seq_name(o.id));
				select greatest(
					coalesce((select c.last_seq from score_event_counters c where c.organization_id = o.id), 0),
					coalesce((select max(e.org_seq) from score_events e where e.organization_id = o.id), 0)
				) into last;
				if last > 0 then perform setval(org_seq_name(o.id)::regclass, last, true); end if;
			end loop;
		end $$
	`.execute(db);
	await db.schema.dropTable('score_event_counters').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('score_event_counters')
		.addColumn('organization_id', 'uuid', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
		.addColumn('last_seq', 'bigint', (c) => c.notNull())
		.execute();
	await sql`
		insert into score_event_counters (organization_id, last_seq)
		select organization_id, max(org_seq) from score_events group by organization_id
	`.execute(db);
	await sql`drop trigger if exists organizations_org_seq_create on organizations`.execute(db);
	await sql`drop trigger if exists organizations_org_seq_drop on organizations`.execute(db);
	await sql`
		do $$
		declare o record;
		begin
			for o in select id from organizations loop
				execute format('drop sequence if exists %I', org_seq_name(o.id));
			end loop;
		end $$
	`.execute(db);
	await sql`drop function if exists org_seq_drop()`.execute(db);
	await sql`drop function if exists org_seq_create()`.execute(db);
	await sql`drop function if exists org_seq_name(uuid)`.execute(db);
}
