import { sql, type Kysely } from 'kysely';

// Contests and team challenges: the contest (its rules as the builder saved them), its participants
// (members, teams or ad-hoc contest teams), the ad-hoc teams and their members, the frozen results and
// the notes on corrections that arrived after the freeze. Points and targets are integers. A prize
// paid into the event log carries the source 'contest'.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('contests')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('name', 'jsonb', (c) => c.notNull())
		.addColumn('description', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('format', 'text', (c) =>
			c.notNull().check(sql`format in ('race', 'race_to_target', 'team_vs_team', 'duel', 'bracket', 'elimination', 'team_challenge')`)
		)
		.addColumn('scoring', 'jsonb', (c) => c.notNull())
		.addColumn('rank_by', 'text', (c) => c.notNull().check(sql`rank_by in ('total', 'percent_of_target', 'average_per_member')`))
		.addColumn('starts_at', 'timestamptz', (c) => c.notNull())
		.addColumn('ends_at', 'timestamptz')
		.addColumn('ended_at', 'timestamptz')
		.addColumn('grace_minutes', 'integer', (c) => c.notNull().defaultTo(10).check(sql`grace_minutes between 0 and 60`))
		.addColumn('status', 'text', (c) =>
			c.notNull().defaultTo('draft').check(sql`status in ('draft', 'scheduled', 'live', 'ended', 'final', 'cancelled')`)
		)
		.addColumn('hidden', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('target', 'bigint', (c) => c.check(sql`target is null or target > 0`))
		.addColumn('places', 'integer', (c) => c.notNull().defaultTo(3).check(sql`places between 1 and 10`))
		.addColumn('prizes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
		.addColumn('repeat', 'jsonb', (c) => c.notNull().defaultTo(sql`'{"every":"none"}'::jsonb`))
		.addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('participants_spec', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('created_by', 'uuid', (c) => c.references('users.id'))
		.addColumn('team_id', 'uuid', (c) => c.references('teams.id'))
		.addColumn('series_id', 'uuid')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('frozen_at', 'timestamptz')
		.addCheckConstraint('contests_range', sql`ends_at is null or ends_at > starts_at`)
		.execute();
	await db.schema.createIndex('contests_org_status_idx').on('contests').columns(['organization_id', 'status', 'starts_at']).execute();
	// One occurrence of a repeating contest per start: two processes scheduling the next one make one.
	await sql`create unique index contests_series_start on contests (series_id, starts_at) where series_id is not null`.execute(db);

	await db.schema
		.createTable('contest_teams')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('contest_id', 'uuid', (c) => c.notNull().references('contests.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('name', 'jsonb', (c) => c.notNull())
		.addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
		.execute();
	await db.schema
		.createTable('contest_team_members')
		.addColumn('contest_team_id', 'uuid', (c) => c.notNull().references('contest_teams.id').onDelete('cascade'))
		.addColumn('contest_id', 'uuid', (c) => c.notNull().references('contests.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
		// A member plays for one ad-hoc team of a contest.
		.addPrimaryKeyConstraint('contest_team_members_pk', ['contest_id', 'user_id'])
		.execute();

	await db.schema
		.createTable('contest_participants')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('contest_id', 'uuid', (c) => c.notNull().references('contests.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('user_id', 'uuid', (c) => c.references('users.id'))
		.addColumn('team_id', 'uuid', (c) => c.references('teams.id'))
		.addColumn('contest_team_id', 'uuid', (c) => c.references('contest_teams.id').onDelete('cascade'))
		/** The whole organization as one participant (a team challenge for everyone). */
		.addColumn('whole_org', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('target', 'bigint', (c) => c.check(sql`target is null or target > 0`))
		.addColumn('seed', 'integer')
		.addColumn('eliminated_at', 'timestamptz')
		.addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint(
			'contest_participants_one',
			sql`(user_id is not null)::int + (team_id is not null)::int + (contest_team_id is not null)::int + whole_org::int = 1`
		)
		.execute();
	await sql`create unique index contest_participants_user on contest_participants (contest_id, user_id) where user_id is not null`.execute(db);
	await sql`create unique index contest_participants_team on contest_participants (contest_id, team_id) where team_id is not null`.execute(db);
	await sql`create unique index contest_participants_adhoc on contest_participants (contest_id, contest_team_id) where contest_team_id is not null`.execute(db);

	await db.schema
		.createTable('contest_results')
		.addColumn('contest_id', 'uuid', (c) => c.notNull().references('contests.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		/** The participant: a member, team or ad-hoc team id, or the organization's for a whole-org challenge. */
		.addColumn('participant_id', 'text', (c) => c.notNull())
		.addColumn('rank', 'integer', (c) => c.notNull())
		.addColumn('place', 'integer')
		.addColumn('score', 'bigint', (c) => c.notNull())
		/** What the contest ranked by (the total, a share of the target, an average per member). */
		.addColumn('value', 'double precision', (c) => c.notNull())
		.addColumn('tie', 'bigint', (c) => c.notNull())
		.addColumn('prize_text', 'text')
		.addColumn('prize_points', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('contest_results_pk', ['contest_id', 'participant_id'])
		.execute();

	await db.schema
		.createTable('contest_notes')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('contest_id', 'uuid', (c) => c.notNull().references('contests.id').onDelete('cascade'))
		.addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
		.addColumn('event_id', 'bigint', (c) => c.notNull())
		.addColumn('data', 'jsonb', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('contest_notes_event', ['contest_id', 'event_id'])
		.execute();

	await sql`alter table score_events drop constraint score_events_source_check`.execute(db);
	await sql`alter table score_events add constraint score_events_source_check check (source in ('manual', 'api', 'import', 'correction', 'training', 'kudos', 'demo', 'contest'))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table score_events drop constraint score_events_source_check`.execute(db);
	await sql`alter table score_events add constraint score_events_source_check check (source in ('manual', 'api', 'import', 'correction', 'training', 'kudos', 'demo')) not valid`.execute(db);
	await db.schema.dropTable('contest_notes').execute();
	await db.schema.dropTable('contest_results').execute();
	await db.schema.dropTable('contest_participants').execute();
	await db.schema.dropTable('contest_team_members').execute();
	await db.schema.dropTable('contest_teams').execute();
	await db.schema.dropTable('contests').execute();
}
