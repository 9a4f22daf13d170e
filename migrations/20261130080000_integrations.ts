import { sql, type Kysely } from 'kysely';

// Integrations: CRM connections (secrets encrypted by the app, mapping rules as jsonb), the webhook ids
// seen per connection (a replayed id is refused), the delivery log, chat channels and the notification
// outbox. An outbox row is unique per (channel, dedupe key), so a moment announced twice, or after a
// restart, is queued once; a row is sent once because it is claimed under a lease and marked sent.
// A channel's digest (daily, or weekly on the week's last day) is due at a local time of the organization.
// Score events gain the source 'integration'.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('integration_connections')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('generic', 'hubspot', 'salesforce', 'pipedrive', 'zoho', 'fxiaoke')`))
		.addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 80`))
		.addColumn('secret_enc', 'text', (c) => c.notNull())
		.addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('rules', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
		.addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
		.addColumn('created_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('integration_connections_org_idx').on('integration_connections').column('organization_id').execute();

	await db.schema
		.createTable('integration_webhook_ids')
		.addColumn('connection_id', 'uuid', (c) => c.notNull().references('integration_connections.id').onDelete('cascade'))
		.addColumn('webhook_id', 'text', (c) => c.notNull())
		.addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('integration_webhook_ids_pk', ['connection_id', 'webhook_id'])
		.execute();

	await db.schema
		.createTable('integration_deliveries')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('connection_id', 'uuid', (c) => c.notNull().references('integration_connections.id').onDelete('cascade'))
		.addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('accepted', 'duplicate', 'rejected', 'unmapped')`))
		.addColumn('reason', 'text')
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('events', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
		.addColumn('replay_of', 'bigint')
		.addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('integration_deliveries_conn_idx').on('integration_deliveries').columns(['connection_id', 'id']).execute();

	await db.schema
		.createTable('notification_channels')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('slack', 'teams', 'wecom', 'dingtalk', 'feishu', 'webhook')`))
		.addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 80`))
		.addColumn('url_enc', 'text', (c) => c.notNull())
		.addColumn('secret_enc', 'text')
		.addColumn('keyword', 'text')
		.addColumn('moments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
		.addColumn('big_deal_minor', 'bigint')
		.addColumn('digest', 'text', (c) => c.check(sql`digest in ('daily', 'weekly')`))
		.addColumn('digest_at', 'text', (c) => c.check(sql`digest_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`))
		.addColumn('allow_private', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('paused', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('last_error', 'text')
		.addColumn('last_sent_at', 'timestamptz')
		.addColumn('created_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema.createIndex('notification_channels_org_idx').on('notification_channels').column('organization_id').execute();

	await db.schema
		.createTable('notification_outbox')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('channel_id', 'uuid', (c) => c.notNull().references('notification_channels.id').onDelete('cascade'))
		.addColumn('dedupe_key', 'text', (c) => c.notNull())
		.addColumn('moment', 'text', (c) => c.notNull())
		.addColumn('message', 'jsonb', (c) => c.notNull())
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'failed')`))
		.addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('claimed_until', 'timestamptz')
		.addColumn('sent_at', 'timestamptz')
		.addColumn('last_error', 'text')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('notification_outbox_dedupe', ['channel_id', 'dedupe_key'])
		.execute();
	await db.schema.createIndex('notification_outbox_due_idx').on('notification_outbox').columns(['status', 'next_attempt_at']).execute();

	await sql`alter table score_events drop constraint score_events_source_check`.execute(db);
	await sql`alter table score_events add constraint score_events_source_check check (source in ('manual', 'api', 'import', 'correction', 'training', 'kudos', 'demo', 'contest', 'badge', 'idea', 'integration'))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table score_events drop constraint score_events_source_check`.execute(db);
	await sql`alter table score_events add constraint score_events_source_check check (source in ('manual', 'api', 'import', 'correction', 'training', 'kudos', 'demo', 'contest', 'badge', 'idea')) not valid`.execute(db);
	await db.schema.dropTable('notification_outbox').execute();
	await db.schema.dropTable('notification_channels').execute();
	await db.schema.dropTable('integration_deliveries').execute();
	await db.schema.dropTable('integration_webhook_ids').execute();
	await db.schema.dropTable('integration_connections').execute();
}
