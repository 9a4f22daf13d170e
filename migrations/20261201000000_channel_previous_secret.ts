import type { Kysely } from 'kysely';

// A signed webhook channel's secret rotation with a grace period: the previous secret (sealed like the
// current one) keeps signing beside the new one until previous_secret_until, so a receiver not yet
// updated keeps accepting messages for a while; after it only the new secret signs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('notification_channels').addColumn('previous_secret_enc', 'text').addColumn('previous_secret_until', 'timestamptz').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('notification_channels').dropColumn('previous_secret_until').dropColumn('previous_secret_enc').execute();
}
