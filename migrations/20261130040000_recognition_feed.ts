import type { Kysely } from 'kysely';

// The activity feed reads an organization's latest badge awards and levels reached when a page opens.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.createIndex('badge_awards_org_time_idx').on('badge_awards').columns(['organization_id', 'awarded_at']).execute();
	await db.schema.createIndex('levels_reached_org_time_idx').on('levels_reached').columns(['organization_id', 'reached_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('levels_reached_org_time_idx').ifExists().execute();
	await db.schema.dropIndex('badge_awards_org_time_idx').ifExists().execute();
}
