import { sql, type Kysely } from 'kysely';

// A metric's name becomes one localized value, { "en"?: text, "zh-CN"?: text }, with at least one
// language, in place of the two columns name_en and name_zh (which forced both languages). Empty
// names are dropped; a metric left with none is named by its key. Down gives both columns back, each
// language falling back to the other.

/** An object of languages, each a string with something other than spaces, and at least one of them. */
const LOCALIZED_CHECK = sql`jsonb_typeof(name) = 'object' and name <> '{}'::jsonb
	and not jsonb_path_exists(name, 'strict $.* ? (@.type() != "string" || !(@ like_regex "[^[:space:]]"))')`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('metrics').addColumn('name', 'jsonb').execute();
	await sql`
		update metrics set name = jsonb_strip_nulls(jsonb_build_object(
			'en', case when btrim(name_en) <> '' then name_en end,
			'zh-CN', case when btrim(name_zh) <> '' then name_zh end
		))
	`.execute(db);
	await sql`update metrics set name = jsonb_build_object('en', key) where name = '{}'::jsonb`.execute(db);
	await sql`alter table metrics alter column name set not null`.execute(db);
	await sql`alter table metrics add constraint metrics_name_localized check (${LOCALIZED_CHECK})`.execute(db);
	await db.schema.alterTable('metrics').dropColumn('name_en').dropColumn('name_zh').execute();
}

// Every language in `name` is non-blank (the check), so the first one present is the name; a language
// other than these two leaves the key.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('metrics').addColumn('name_en', 'text').addColumn('name_zh', 'text').execute();
	await sql`
		update metrics set
			name_en = coalesce(name->>'en', name->>'zh-CN', key),
			name_zh = coalesce(name->>'zh-CN', name->>'en', key)
	`.execute(db);
	await sql`alter table metrics alter column name_en set not null`.execute(db);
	await sql`alter table metrics alter column name_zh set not null`.execute(db);
	await db.schema.alterTable('metrics').dropConstraint('metrics_name_localized').execute();
	await db.schema.alterTable('metrics').dropColumn('name').execute();
}
