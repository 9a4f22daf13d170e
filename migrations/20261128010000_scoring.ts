import { sql, type Kysely } from 'kysely';

// Metrics, the append-only score event log, and API tokens.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('memberships').addColumn('external_id', 'text').execute();
	await sql`create unique index memberships_external_id_key on memberships (organization_id, external_id) where external_id is not null`.execute(
		db
	);

	await db.schema
		.createTable('metrics')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('name_en', 'text', (c) => c.notNull())
		.addColumn('name_zh', 'text', (c) => c.notNull())
		.addColumn('unit', 'text', (c) => c.notNull().check(sql`unit in ('count', 'currency', 'minutes')`))
		.addColumn('currency', 'text')
		// points = floor(value / step) * points_per_step
		.addColumn('step', 'bigint', (c) => c.notNull().defaultTo(1).check(sql`step > 0`))
		.addColumn('points_per_step', 'integer', (c) => c.notNull().defaultTo(1).check(sql`points_per_step >= 0`))
		.addColumn('daily_cap', 'integer', (c) => c.check(sql`daily_cap is null or daily_cap >= 0`))
		.addColumn('self_report', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'archived')`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('metrics_org_key', ['organization_id', 'key'])
		.execute();

	// Organizations that exist already get the starting metrics every new organization gets.
	await sql`
		insert into metrics (organization_id, key, name_en, name_zh, unit, currency, step, points_per_step, daily_cap, self_report)
		select o.id, d.key, d.name_en, d.name_zh, d.unit, d.currency, d.step, d.points_per_step, d.daily_cap, d.self_report
		from organizations o cross join (values
			('deal', 'Deals won', '成交', 'count', null, 1, 50, null::int, false),
			('revenue', 'Revenue', '收入', 'currency', 'CNY', 100000, 1, null::int, false),
			('call', 'Calls', '通话', 'count', null, 1, 1, 60, true),
			('meeting', 'Meetings', '会议', 'count', null, 1, 5, 40, true),
			('new_customer', 'New customers', '新客户', 'count', null, 1, 30, null::int, false)
		) as d(key, name_en, name_zh, unit, currency, step, points_per_step, daily_cap, self_report)
	`.execute(db);

	// Append-only: rows are never updated or deleted. A correction is a new row that voids an earlier one
	// by carrying its negated value and points, in the same windows (same occurred_at) and team.
	await db.schema
		.createTable('score_events')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('metric_id', 'uuid', (c) => c.notNull().references('metrics.id'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		.addColumn('team_id', 'uuid', (c) => c.references('teams.id'))
		.addColumn('value', 'bigint', (c) => c.notNull())
		.addColumn('points', 'integer', (c) => c.notNull())
		.addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
		.addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
		.addColumn('source', 'text', (c) =>
			c.notNull().check(sql`source in ('manual', 'api', 'import', 'correction', 'training', 'kudos', 'demo')`)
		)
		.addColumn('actor_id', 'uuid', (c) => c.references('users.id'))
		.addColumn('note', 'text')
		.addColumn('idempotency_key', 'text', (c) => c.notNull())
		.addColumn('content_hash', 'text', (c) => c.notNull())
		.addColumn('voids_event_id', 'bigint', (c) => c.references('score_events.id'))
		.addColumn('void_reason', 'text')
		.addUniqueConstraint('score_events_idempotency', ['organization_id', 'idempotency_key'])
		.execute();
	await sql`create unique index score_events_voids_key on score_events (voids_event_id) where voids_event_id is not null`.execute(db);
	await db.schema.createIndex('score_events_org_time_idx').on('score_events').columns(['organization_id', 'occurred_at']).execute();
	await db.schema
		.createIndex('score_events_user_idx')
		.on('score_events')
		.columns(['organization_id', 'user_id', 'occurred_at'])
		.execute();
	await db.schema.createIndex('score_events_recorded_idx').on('score_events').column('recorded_at').execute();

	await db.schema
		.createTable('api_tokens')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
		.addColumn('scopes', sql`text[]`, (c) => c.notNull())
		.addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('last_used_at', 'timestamptz')
		.addColumn('revoked_at', 'timestamptz')
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('api_tokens').ifExists().execute();
	await db.schema.dropTable('score_events').ifExists().execute();
	await db.schema.dropTable('metrics').ifExists().execute();
	await sql`drop index if exists memberships_external_id_key`.execute(db);
	await db.schema.alterTable('memberships').dropColumn('external_id').execute();
}
