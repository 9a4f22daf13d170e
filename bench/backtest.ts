// The contest backtest over 90 days of the demo organization's history: the time backtestContest takes
// (what POST /api/v1/contests/backtest answers with), per kind of draft, median and worst of several
// runs. The acceptance is under 2 s; exits 1 when a draft is slower.
// Run: npx tsx bench/backtest.ts   (DATABASE_URL: a Postgres database to seed the demo into, e.g.
// postgres://postgres@127.0.0.1:5432/podium_bench; without it, embedded PGlite in memory)
import { migrateToLatest, openDatabase } from '../src/lib/server/db';
import { seedDemo, DEMO_HISTORY_DAYS } from '../src/lib/server/demo/demo.service';
import { listMembers } from '../src/lib/server/org/membership.repository';
import { listTeams } from '../src/lib/server/org/team.repository';
import { Scheduler } from '../src/lib/server/platform/scheduler';
import { backtestContest } from '../src/lib/server/contests/contest.service';

const RUNS = 7;
const LIMIT_MS = 2000;
const databaseUrl = process.env.DATABASE_URL || undefined;
const { db, close } = await openDatabase({ databaseUrl, dataDir: 'memory://' });
try {
	await migrateToLatest(db);
	const seeded = await seedDemo(db);
	const org = seeded.organizationId;
	const members = await listMembers(db, org);
	const admin = members.find((m) => m.role === 'admin')!;
	const teams = await listTeams(db, org);
	const actor = { userId: admin.user_id, organizationId: org, role: 'admin' as const };
	const deps = { db, scheduler: new Scheduler({ db, pollMs: 0 }) };
	const to = new Date();
	const from = new Date(to.getTime() - DEMO_HISTORY_DAYS * 24 * 3600_000);
	const base = { name: { en: 'Backtest' }, startsAt: from.toISOString(), endsAt: to.toISOString(), status: 'draft', from: from.toISOString(), to: to.toISOString(), places: 3 };
	const drafts: [string, Record<string, unknown>][] = [
		['race, points, every member', { format: 'race', scoring: { metrics: 'points' }, participants: { all: true } }],
		['race, weighted metrics, every member', { format: 'race', scoring: { metrics: [{ metric: 'call', weight: 1 }, { metric: 'deal', weight: 50 }, { metric: 'meeting', weight: 5 }] }, participants: { all: true } }],
		['team vs team, points', { format: 'team_vs_team', scoring: { metrics: 'points' }, participants: { teams: teams.map((t) => t.id) } }],
		['team challenge, whole organization', { format: 'team_challenge', scoring: { metrics: 'points' }, target: 1_000_000, participants: { all: true } }]
	];
	console.log(`Contest backtest over ${DEMO_HISTORY_DAYS} days of the demo (${seeded.events || 'existing'} events, ${members.length} members, ${databaseUrl ? 'Postgres' : 'PGlite'}), ${RUNS} runs each:`);
	console.log(`${'draft'.padEnd(40)} ${'median ms'.padStart(10)} ${'worst ms'.padStart(10)}`);
	let worst = 0;
	for (const [label, draft] of drafts) {
		const times: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const started = performance.now();
			await backtestContest(deps, actor, { ...base, ...draft });
			times.push(performance.now() - started);
		}
		times.sort((a, b) => a - b);
		worst = Math.max(worst, times.at(-1)!);
		console.log(`${label.padEnd(40)} ${times[Math.floor(RUNS / 2)].toFixed(1).padStart(10)} ${times.at(-1)!.toFixed(1).padStart(10)}`);
	}
	console.log(worst < LIMIT_MS ? `ok: every backtest under ${LIMIT_MS} ms` : `SLOW: a backtest took ${worst.toFixed(0)} ms (limit ${LIMIT_MS} ms)`);
	process.exitCode = worst < LIMIT_MS ? 0 : 1;
} finally {
	await close();
}
