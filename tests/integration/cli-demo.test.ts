// The demo organization once seeded into a database: created with its history in one go, idempotent,
// boards equal to the log, daily caps respected per local day as Postgres computes it, and an older
// demo organization without history gets one. Embedded PGlite by default; with DATABASE_URL a
// throwaway database on that server (the demo slug is global, so it stays out of the shared one).
import '../helpers/env';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateToLatest, openDatabase, type DbHandle } from '../../src/lib/server/db';
import { MemoryLiveStore } from '../../src/lib/server/live/memory.store';
import { setLogLevel } from '../../src/lib/server/platform/log';
import { insertMembership } from '../../src/lib/server/org/membership.repository';
import { insertDefaultMetrics } from '../../src/lib/server/scoring/metric.repository';
import { insertOrganization } from '../../src/lib/server/org/organization.repository';
import { insertTeam, setTeamMembership } from '../../src/lib/server/org/team.repository';
import { insertUser } from '../../src/lib/server/auth/user.repository';
import { readBoard } from '../../src/lib/server/scoring/board.service';
import { verifyOrg } from '../../src/lib/server/scoring/live.service';
import { DEMO_SLUG, DEMO_TEAMS, DEMO_TIME_ZONE, demoEmail, seedDemo } from '../../src/lib/server/demo/demo.service';
import { uniqueSuffix, usingPostgres } from '../helpers/env';

interface Scratch {
	handle: DbHandle;
	drop(): Promise<void>;
}

/** A database of its own: in-memory PGlite, or a new database on DATABASE_URL's server. */
async function scratchDatabase(): Promise<Scratch> {
	if (!usingPostgres) {
		const handle = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
		await migrateToLatest(handle.db);
		return { handle, drop: () => handle.close() };
	}
	const base = process.env.DATABASE_URL!;
	const name = `podium_demo_${uniqueSuffix()}`;
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	await admin.query(`create database "${name}"`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://' });
	await migrateToLatest(handle.db);
	return {
		handle,
		async drop() {
			await handle.close();
			await dropDatabase(admin, name);
			await admin.end();
		}
	};
}

/** pg's pool.end() resolves before its sockets close: wait for them rather than terminate them. */
async function dropDatabase(admin: pg.Client, name: string) {
	for (let attempt = 0; attempt < 20; attempt++) {
		try {
			await admin.query(`drop database if exists "${name}"`);
			return;
		} catch (error) {
			if ((error as { code?: string }).code !== '55006') throw error; // object in use
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	await admin.query(`drop database if exists "${name}" with (force)`);
}

const NOW = new Date('2026-11-25T08:00:00Z'); // a Wednesday, 16:00 in Shanghai
setLogLevel('error');

describe('seeding the demo organization', () => {
	let scratch: Scratch;
	beforeAll(async () => {
		scratch = await scratchDatabase();
	}, 120_000);
	afterAll(async () => {
		await scratch?.drop();
	});

	test('creates it with 90 days of history, and a second seed changes nothing', async () => {
		const { db } = scratch.handle;
		const live = new MemoryLiveStore();
		const first = await seedDemo(db, { live, now: NOW });
		expect(first.status).toBe('created');
		expect(first.events).toBeGreaterThan(12_000);
		console.info(`demo seed: ${first.events} events in ${first.ms} ms (with the live rebuild)`);

		// The history's events, the points of the demo's kudos (source 'kudos', in the last three weeks) and
		// of its completed courses (source 'training', one per completion).
		const { rows } = await sql<{ n: number; first: Date; last: Date; demo: number; kudos: number; training: number }>`
			select count(*)::int as n, min(occurred_at) as first, max(occurred_at) as last,
				count(*) filter (where source = 'demo')::int as demo, count(*) filter (where source = 'kudos')::int as kudos,
				count(*) filter (where source = 'training')::int as training
			from score_events where organization_id = ${first.organizationId}`.execute(db);
		expect(rows[0].kudos).toBeGreaterThan(0);
		const { rows: completions } = await sql<{ n: number }>`select count(*)::int as n from training_completions where organization_id = ${first.organizationId}`.execute(db);
		expect(rows[0].training).toBe(completions[0].n);
		expect(rows[0].n).toBe(first.events + rows[0].kudos + rows[0].training);
		expect(rows[0].demo).toBe(first.events);
		const spanDays = (new Date(rows[0].last).getTime() - new Date(rows[0].first).getTime()) / 86_400_000;
		expect(spanDays).toBeGreaterThan(87);
		expect(spanDays).toBeLessThan(90);
		expect(new Date(rows[0].last).getTime()).toBeLessThanOrEqual(NOW.getTime());

		// The live store was rebuilt from the log as part of the seed: every current board matches it.
		const verified = await verifyOrg({ db, live }, first.organizationId, NOW);
		expect(verified.boards).toBeGreaterThan(40);
		expect(verified.drift).toEqual([]);
		const board = await readBoard({ db, live }, first.organizationId, { board: 'points', scope: 'users', window: 'month', limit: 50 }, NOW);
		expect(board.total).toBe(24);
		expect(board.entries[0].score).toBeGreaterThan(board.entries[23].score * 1.5);

		// A dozen badges, earned from the history by several reps, in several tiers, and no level left to celebrate.
		const { rows: badges } = await sql<{ badges: number; holders: number; tiers: number; awards: number }>`
			select (select count(*)::int from badges where organization_id = ${first.organizationId}) as badges,
				count(distinct user_id)::int as holders, count(distinct tier)::int as tiers, count(*)::int as awards
			from badge_awards where organization_id = ${first.organizationId}`.execute(db);
		expect(badges[0].badges).toBe(12);
		expect(badges[0].holders).toBeGreaterThanOrEqual(6);
		expect(badges[0].tiers).toBeGreaterThanOrEqual(3);
		expect(badges[0].awards).toBeGreaterThanOrEqual(12);
		const { rows: reached } = await sql<{ n: number }>`select count(*)::int as n from levels_reached where organization_id = ${first.organizationId}`.execute(db);
		expect(reached[0].n).toBeGreaterThan(0);

		const second = await seedDemo(db, { live, now: new Date(NOW.getTime() + 86_400_000) });
		expect(second.status).toBe('present');
		expect(second.events).toBe(0);
		const { rows: after } = await sql<{ n: number }>`select count(*)::int as n from score_events where organization_id = ${first.organizationId}`.execute(db);
		expect(after[0].n).toBe(first.events + rows[0].kudos + rows[0].training);
	}, 300_000);

	test('weekdays are busier than weekends, and capped metrics stay under their cap per local day', async () => {
		const { db } = scratch.handle;
		const org = await db.selectFrom('organizations').select('id').where('slug', '=', DEMO_SLUG).executeTakeFirstOrThrow();
		const { rows: byDow } = await sql<{ weekend: boolean; per_day: number }>`
			select extract(isodow from occurred_at at time zone ${DEMO_TIME_ZONE}) >= 6 as weekend,
				count(*)::float8 / count(distinct (occurred_at at time zone ${DEMO_TIME_ZONE})::date) as per_day
			from score_events where organization_id = ${org.id}
			group by 1`.execute(db);
		const perDay = Object.fromEntries(byDow.map((r) => [r.weekend ? 'weekend' : 'weekday', Number(r.per_day)]));
		expect(perDay.weekday).toBeGreaterThan(8 * perDay.weekend);

		const { rows: over } = await sql<{ n: number }>`
			select count(*)::int as n from (
				select e.user_id, e.metric_id, (e.occurred_at at time zone ${DEMO_TIME_ZONE})::date as day, sum(e.points) as points, m.daily_cap
				from score_events e join metrics m on m.id = e.metric_id
				where e.organization_id = ${org.id} and m.daily_cap is not null
				group by 1, 2, 3, 5
			) d where d.points > d.daily_cap`.execute(db);
		expect(over[0].n).toBe(0);
		// And the cap did bite somewhere: a call that earned nothing.
		const { rows: capped } = await sql<{ n: number }>`
			select count(*)::int as n from score_events e join metrics m on m.id = e.metric_id
			where e.organization_id = ${org.id} and m.key = 'call' and e.points = 0`.execute(db);
		expect(capped[0].n).toBeGreaterThan(0);
	}, 120_000);
});

describe('a demo organization seeded before scoring existed', () => {
	let scratch: Scratch;
	beforeAll(async () => {
		scratch = await scratchDatabase();
	}, 120_000);
	afterAll(async () => {
		await scratch?.drop();
	});

	test('gets its history from a later seed', async () => {
		const { db } = scratch.handle;
		const org = await insertOrganization(db, { name: 'Demo Sales Co', slug: DEMO_SLUG, time_zone: DEMO_TIME_ZONE, locale: 'en', week_start: 1 });
		await insertDefaultMetrics(db, org.id);
		const team = await insertTeam(db, { organization_id: org.id, name: DEMO_TEAMS[2].name, parent_id: null });
		for (const name of DEMO_TEAMS[2].reps.slice(0, 3)) {
			const user = await insertUser(db, { email: demoEmail(name), name, password_hash: 'x' });
			await insertMembership(db, { organization_id: org.id, user_id: user.id, role: 'rep' });
			await setTeamMembership(db, org.id, user.id, team.id);
		}
		const live = new MemoryLiveStore();
		const outcome = await seedDemo(db, { live, now: NOW });
		expect(outcome.status).toBe('history-added');
		expect(outcome.events).toBeGreaterThan(1_000);
		const users = await db.selectFrom('score_events').select('user_id').distinct().where('organization_id', '=', org.id).execute();
		expect(users).toHaveLength(3);
		expect((await verifyOrg({ db, live }, org.id, NOW)).drift).toEqual([]);
		expect((await seedDemo(db, { live, now: NOW })).status).toBe('present');
	}, 120_000);
});
