import { sql, type Kysely } from 'kysely';

// Goals: an owner (a rep, a team or the organization), a metric or points (metric_id null), a target
// over a period ([starts_at, ends_at): a calendar month, quarter or year, named by its period key, or
// custom dates), an optional parent (the cascade: organization → team → rep) and a description.
// A rep's own proposal waits as `proposed` until a leader approves (`active`) or declines it. Once the
// period and its grace have passed, `final_actual` keeps the actual the goal ended with. Targets and
// actuals are integers in the metric's stored unit (currency in minor units), as event values are.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('goals')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('owner_kind', 'text', (c) => c.notNull().check(sql`owner_kind in ('org', 'team', 'member')`))
		.addColumn('team_id', 'uuid', (c) => c.references('teams.id'))
		.addColumn('user_id', 'uuid', (c) => c.references('users.id'))
		.addColumn('metric_id', 'uuid', (c) => c.references('metrics.id'))
		.addColumn('target', 'bigint', (c) => c.notNull().check(sql`target > 0`))
		.addColumn('window', 'text', (c) => c.notNull().check(sql`"window" in ('month', 'quarter', 'year', 'custom')`))
		.addColumn('period_key', 'text', (c) => c.notNull())
		.addColumn('starts_at', 'timestamptz', (c) => c.notNull())
		.addColumn('ends_at', 'timestamptz', (c) => c.notNull())
		.addColumn('pace_mode', 'text', (c) => c.notNull().defaultTo('working_days').check(sql`pace_mode in ('linear', 'working_days')`))
		.addColumn('parent_id', 'uuid', (c) => c.references('goals.id').onDelete('set null'))
		.addColumn('description', 'jsonb')
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('proposed', 'active', 'declined')`))
		.addColumn('created_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('decided_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('decided_at', 'timestamptz')
		.addColumn('decline_reason', 'text')
		.addColumn('final_actual', 'bigint')
		.addColumn('finalized_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('goals_period', sql`ends_at > starts_at`)
		.addCheckConstraint(
			'goals_owner',
			sql`(owner_kind = 'org' and team_id is null and user_id is null) or (owner_kind = 'team' and team_id is not null and user_id is null) or (owner_kind = 'member' and user_id is not null and team_id is null)`
		)
		.execute();
	// One live (proposed or active) goal per owner, measure and period.
	await sql`create unique index goals_one_per_period on goals (organization_id, owner_kind, coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(metric_id, '00000000-0000-0000-0000-000000000000'::uuid), starts_at, ends_at) where status <> 'declined'`.execute(
		db
	);
	await db.schema.createIndex('goals_org_period_idx').on('goals').columns(['organization_id', 'ends_at']).execute();
	await db.schema.createIndex('goals_parent_idx').on('goals').columns(['parent_id']).execute();
	await db.schema.createIndex('goals_user_idx').on('goals').columns(['organization_id', 'user_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('goals').execute();
}
