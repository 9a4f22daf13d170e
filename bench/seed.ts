// Bench fixtures written straight into the bench database: organizations with reps, teams, the default
// metrics and an API token, and bulk event history generated in SQL (generate_series INSERT ... SELECT),
// so that a million events take seconds, not minutes. Generated history ignores daily caps.
import type pg from 'pg';
import { generateSecureRandomString, hashSecret } from '../src/lib/server/auth/tokens';
import { DEFAULT_METRICS } from '../src/lib/server/scoring/metric.repository';

export interface BenchOrg {
	id: string;
	slug: string;
	reps: number;
	/** API token with events:write and leaderboards:read. */
	token: string;
	/** User ids of reps 0..reps-1. */
	userIds: string[];
	email(k: number): string;
}

const email = (slug: string, k: number) => `rep${k}@${slug}.bench.test`;

/** A helper table mapping rep numbers to users; it lives only in the bench database. */
export async function prepareSeedTables(client: pg.Client) {
	await client.query(`create table if not exists bench_reps (org uuid not null, k int not null, user_id uuid not null, team_id uuid, primary key (org, k))`);
}

export async function createOrg(client: pg.Client, slug: string, reps: number, teams: number, timeZone = 'Asia/Shanghai'): Promise<BenchOrg> {
	const {
		rows: [org]
	} = await client.query<{ id: string }>(`insert into organizations (name, slug, time_zone) values ($1, $2, $3) returning id`, [`Bench ${slug}`, slug, timeZone]);
	await client.query(
		`insert into metrics (organization_id, key, name, unit, currency, step, points_per_step, daily_cap, max_value, self_report)
		 select $1, key, name, unit, currency, step, points_per_step, daily_cap, max_value, self_report
		 from jsonb_to_recordset($2::jsonb) as x(key text, name jsonb, unit text, currency text, step bigint, points_per_step int, daily_cap int, max_value bigint, self_report boolean)`,
		[org.id, JSON.stringify(DEFAULT_METRICS)]
	);
	await client.query(`insert into teams (organization_id, name) select $1, format('Team %s', g) from generate_series(1, $2) g`, [org.id, teams]);
	await client.query(
		`with u as (
			insert into users (email, name, password_hash)
			select format('rep%s@%s.bench.test', g, $2::text), format('Rep %s', g), '!' from generate_series(0, $3 - 1) g
			returning id, email
		)
		insert into bench_reps (org, k, user_id) select $1, substring(email from '^rep(\\d+)@')::int, id from u`,
		[org.id, slug, reps]
	);
	await client.query(
		`update bench_reps r set team_id = t.id
		 from (select id, row_number() over (order by name) - 1 as i from teams where organization_id = $1) t
		 where r.org = $1 and t.i = r.k % $2`,
		[org.id, teams]
	);
	await client.query(`insert into memberships (organization_id, user_id, role) select org, user_id, 'rep' from bench_reps where org = $1`, [org.id]);
	await client.query(`insert into team_members (organization_id, user_id, team_id) select org, user_id, team_id from bench_reps where org = $1`, [org.id]);
	// One level: the bench's reps score thousands of points in seconds, and each level they crossed would
	// be a celebration pushed to every socket of the org, measured in the board-push latency rows. Level-ups
	// are rare in a real org; their cost belongs to a recognition row of its own.
	await client.query(`insert into levels (organization_id, number, name, threshold) values ($1, 1, '{"en":"Bench"}', 0) on conflict do nothing`, [org.id]);
	const token = `pod_${generateSecureRandomString(32)}`;
	await client.query(`insert into api_tokens (organization_id, name, token_hash, scopes) values ($1, 'bench', $2, $3)`, [
		org.id,
		Buffer.from(hashSecret(token)),
		['events:write', 'leaderboards:read']
	]);
	const { rows } = await client.query<{ user_id: string }>(`select user_id from bench_reps where org = $1 order by k`, [org.id]);
	return { id: org.id, slug, reps, token, userIds: rows.map((r) => r.user_id), email: (k) => email(slug, k) };
}

/**
 * Inserts `count` events over the last `days` days. Metric mix: calls 50%, meetings 20%, deals 15%,
 * revenue 10%, new customers 5%. With `everyRep`, rep = n mod reps (every rep appears); otherwise reps are
 * skewed (some sell far more than others). recorded_at = occurred_at: this is history, not a burst.
 */
export async function generateEvents(client: pg.Client, org: BenchOrg, count: number, days: number, everyRep: boolean) {
	await client.query(`select setseed(0.42)`);
	// The rows reference reps, teams and metrics made above, by construction: skip the per-row foreign-key
	// triggers while loading (superuser only; this session only), as a bulk restore would.
	await client.query(`set session_replication_role = replica`);
	try {
		await insertGenerated(client, org, count, days, everyRep);
	} finally {
		await client.query(`reset session_replication_role`);
	}
}

async function insertGenerated(client: pg.Client, org: BenchOrg, count: number, days: number, everyRep: boolean) {
	// Events are numbered within the organization (org_seq) after its existing ones, in the order they
	// occurred, and the organization's counter ends at the last number, as ingest keeps it.
	const {
		rows: [{ last }]
	} = await client.query<{ last: string }>(`select coalesce(max(org_seq), 0)::text as last from score_events where organization_id = $1`, [org.id]);
	await client.query(
		`insert into score_events (organization_id, metric_id, user_id, team_id, value, points, occurred_at, recorded_at, source, idempotency_key, content_hash, org_seq)
		 select $1, m.id, r.user_id, r.team_id, x.value, ((x.value / m.step) * m.points_per_step)::int, x.ts, x.ts, 'import', 'gen-' || x.g, md5(x.g::text),
			$6::bigint + row_number() over (order by x.ts, x.g)
		 from (
			select g, k, key,
				case when key = 'revenue' then (1000 + floor(random() * 500000))::bigint * 100 else 1::bigint end as value,
				now() - random() * make_interval(days => $4) as ts
			from (
				select g,
					(case when $3 then g % $2 else floor($2 * power(random(), 1.6)) end)::int as k,
					case when u < 0.50 then 'call' when u < 0.70 then 'meeting' when u < 0.85 then 'deal' when u < 0.95 then 'revenue' else 'new_customer' end as key
				from (select g, random() as u from generate_series(1, $5::int) g) s0
			) s1
		 ) x
		 join bench_reps r on r.org = $1 and r.k = x.k
		 join metrics m on m.organization_id = $1 and m.key = x.key
		 order by x.ts`,
		[org.id, org.reps, everyRep, days, count, last]
	);
	await client.query(
		`select setval(org_seq_name($1::uuid)::regclass, max(org_seq), true) from score_events where organization_id = $1 having max(org_seq) > 0`,
		[org.id]
	);
}
