// `npm run bench`: Podium's performance benchmark against real Postgres and Redis. It prints one table
// (measure | result | baseline | ratio | target | met?) under a short header describing the machine. Progress
// goes to stderr. Beside each Podium figure that has one, the baseline is the same work done by the bare
// tools in the same run (raw INSERTs, a bare Socket.IO server) and the ratio compares the two: this shared
// machine's figures swing by 2× from run to run, so only ratios compare between commits.
//
// It owns a fresh database (dropped and created: podium_bench) and a dedicated Redis logical database
// (db 9), starts one production server process (npm start's build/podium.js) on a free loopback port, and
// stops everything it started. Every loop is bounded by time or count; a watchdog ends a stuck run.
// Settings (environment, all optional): BENCH_PG_ADMIN_URL, BENCH_DB, BENCH_REDIS_URL, BENCH_QUICK=1
// (a small smoke run), BENCH_KEEP=1 (keep the database afterwards), BENCH_NO_BUILD=1, BENCH_CPU_PROF=<dir>
// (runs the server under node --cpu-prof and writes its profile there), BENCH_PHASES=baselines,rebuild,reads,
// ingest,latency (a subset, for profiling one phase), BENCH_INGEST=single,batched (the plain ingest shapes),
// BENCH_EXTRAS=0 (no rows with live contests or badge rules).
import { execSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient } from 'redis';
import { openDatabase, migrateToLatest, type DbHandle } from '../src/lib/server/db';
import { RedisLiveStore } from '../src/lib/server/live/redis.store';
import { setLogLevel } from '../src/lib/server/platform/log';
import { boardQuerySchema, readBoard } from '../src/lib/server/scoring/board.service';
import { rebuildOrg } from '../src/lib/server/scoring/live.service';
import { FLUSH_MS } from '../server/realtime/pushes/scoring';
import { encodeBoardKey, POINTS_BOARD } from '../src/lib/shared/boards/identity';
import type { BoardSelector } from '../src/lib/shared/socket-events';
import { startLiveContests } from './contests';
import { addBadgeRules, archiveBadgeRules } from './badges';
import { createOrg, generateEvents, prepareSeedTables, type BenchOrg } from './seed';
import { fmtInt, fmtMs, fmtS, Histogram, summarize, wallMs } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const S = {
	adminUrl: env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
	dbName: env.BENCH_DB ?? 'podium_bench',
	redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9',
	keep: env.BENCH_KEEP === '1',
	noBuild: env.BENCH_NO_BUILD === '1',
	cpuProf: env.BENCH_CPU_PROF,
	phases: new Set((env.BENCH_PHASES ?? 'baselines,rebuild,reads,ingest,latency').split(',').map((p) => p.trim())),
	rebuildEvents: QUICK ? 100_000 : 1_000_000,
	rebuildReps: QUICK ? 500 : 5_000,
	readMembers: QUICK ? 10_000 : 100_000,
	readEvents: QUICK ? 30_000 : 300_000,
	ingestReps: 1_000,
	ingestSeconds: QUICK ? 4 : 10,
	warmupSeconds: QUICK ? 1 : 2,
	/** BENCH_INGEST=single or batched: one of the two ingest shapes only (for profiling). */
	ingestShapes: new Set((env.BENCH_INGEST ?? 'single,batched').split(',').map((p) => p.trim())),
	/** BENCH_EXTRAS=0 skips the rows with live contests and badge rules (profiling plain ingest). */
	extras: env.BENCH_EXTRAS !== '0',
	single: { batch: 1, connections: 64 },
	batched: { batch: 100, connections: 8 },
	clients: QUICK ? 200 : 2_000,
	clientProcesses: 2,
	latencyReps: 200,
	rate: 100,
	latencySeconds: QUICK ? 6 : 20,
	latencyWarmupSeconds: 2
};
const TARGETS = { single: 1_500, batched: 5_000, p99: 150, readRatio: 20, rebuildMs: 10_000, rssMb: 400, contestRatio: 0.7, badgeRatio: 0.7 };
const CONTESTS = 20;
const BADGE_RULES = 30;

const log = (message: string) => process.stderr.write(`[bench ${((wallMs() - T0) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
const T0 = wallMs();
const LOAD0 = os.loadavg();
const pct = (fraction: number) => (Number.isFinite(fraction) ? `${Math.round(100 * fraction)}%` : 'n/a');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------- cleanup
const started: ChildProcess[] = [];
let cleaning: Promise<void> | undefined;
async function cleanup() {
	cleaning ??= (async () => {
		for (const child of started) {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				const done = new Promise((r) => child.once('exit', r));
				await Promise.race([done, sleep(5_000)]);
				if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			}
		}
	})();
	return cleaning;
}
const watchdog = setTimeout(() => {
	log('watchdog: the bench ran over 12 minutes; stopping');
	void cleanup().finally(() => process.exit(3));
}, 12 * 60_000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void cleanup().finally(() => process.exit(130)));

// ---------------------------------------------------------------------------------------------- helpers
function dbUrl(name: string) {
	const url = new URL(S.adminUrl);
	url.pathname = `/${name}`;
	return url.toString();
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as net.AddressInfo).port;
			srv.close(() => resolve(port));
		});
	});
}

function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
	}
	return newest;
}

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Seconds the process's main thread has spent waiting for a CPU (runnable but not running). */
function runQueueSeconds(pid: number): number {
	try {
		return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
	} catch {
		return NaN;
	}
}

const agentOf = (connections: number) => new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });

function post(agent: http.Agent, port: number, path: string, token: string, body: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: '127.0.0.1',
				port,
				path,
				method: 'POST',
				agent,
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			}
		);
		req.setTimeout(30_000, () => req.destroy(new Error(`POST ${path} timed out`)));
		req.on('error', reject);
		req.end(body);
	});
}

// ---------------------------------------------------------------------------------------------- results
type Row = { measure: string; result: string; baseline: string; ratio: string; target: string; met: string };
const rows: Row[] = [];
/** A Podium figure beside the same work done bare in this run: the baseline and Podium / baseline. */
type Versus = { baseline: string; ratio: string };
const row = (measure: string, result: string, target = 'baseline', met: boolean | null = null, versus?: Versus) =>
	rows.push({ measure, result, baseline: versus?.baseline ?? '—', ratio: versus?.ratio ?? '—', target, met: met === null ? '—' : met ? 'yes' : 'NO' });
const ratioOf = (podium: number, baseline: number) => (Number.isFinite(podium / baseline) && baseline > 0 ? `${(podium / baseline).toFixed(2)}×` : 'n/a');
/** Rates measured by the baselines, for the ratios of the Podium rows measured later. */
const measured = { singleInsertRate: NaN };

function printTable(header: string[]) {
	const cols: (keyof Row)[] = ['measure', 'result', 'baseline', 'ratio', 'target', 'met'];
	const titles: Row = { measure: 'measure', result: 'result', baseline: 'baseline (same run)', ratio: 'ratio', target: 'target', met: 'met?' };
	const width = Object.fromEntries(cols.map((c) => [c, Math.max(titles[c].length, ...rows.map((r) => r[c].length))])) as Record<keyof Row, number>;
	const line = (r: Row) => `| ${cols.map((c) => r[c].padEnd(width[c])).join(' | ')} |`;
	const out = [
		...header,
		'',
		line(titles),
		`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`,
		...rows.map(line)
	];
	process.stdout.write(`${out.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------- phases
async function baselines(client: pg.Client, redisUrl: string) {
	log('baseline: Postgres single-row inserts (3 s)');
	await client.query(`create table bench_baseline (id bigserial primary key, v integer not null, note text, at timestamptz not null default now())`);
	let n = 0;
	let t = wallMs();
	const pgEnd = t + 3_000;
	while (wallMs() < pgEnd) {
		await client.query('insert into bench_baseline (v, note) values ($1, $2)', [n, 'baseline']);
		n++;
	}
	const pgRate = n / ((wallMs() - t) / 1000);
	measured.singleInsertRate = pgRate;
	const sync = (await client.query(`select current_setting('synchronous_commit') as s`)).rows[0].s;
	row(`Postgres single-row INSERT, 1 connection, sequential, autocommit (synchronous_commit=${sync})`, `${fmtInt(pgRate)} rows/s`);

	const redis = createClient({ url: redisUrl });
	await redis.connect();
	log('baseline: Redis INCR sequential (2 s) and pipelined (2 s)');
	n = 0;
	t = wallMs();
	while (wallMs() < t + 2_000) {
		await redis.incr('bench:incr:seq');
		n++;
	}
	const seqRate = n / ((wallMs() - t) / 1000);
	n = 0;
	t = wallMs();
	while (wallMs() < t + 2_000) {
		await Promise.all(Array.from({ length: 1000 }, () => redis.incr('bench:incr:pipe')));
		n += 1000;
	}
	const pipeRate = n / ((wallMs() - t) / 1000);
	await redis.quit();
	row('Redis INCR, sequential (one command in flight)', `${fmtInt(seqRate)} ops/s`);
	row('Redis INCR, pipelined (1,000 commands per round trip)', `${fmtInt(pipeRate)} ops/s`);
}

async function rebuildPhase(client: pg.Client, handle: DbHandle, live: RedisLiveStore) {
	log(`rebuild: generating ${fmtInt(S.rebuildEvents)} events for ${fmtInt(S.rebuildReps)} reps over 90 days (INSERT ... SELECT generate_series)`);
	const org = await createOrg(client, 'rebuild', S.rebuildReps, 25);
	let t = wallMs();
	await generateEvents(client, org, S.rebuildEvents, 90, false);
	await client.query('analyze score_events');
	const genMs = wallMs() - t;
	log(`rebuild: generated in ${fmtS(genMs)}; rebuilding the live store with rebuildOrg`);
	t = wallMs();
	await rebuildOrg({ db: handle.db, live }, org.id);
	const ms = wallMs() - t;
	row(
		`Rebuild live store from ${fmtInt(S.rebuildEvents)} events (rebuildOrg; ${fmtInt(S.rebuildReps)} reps, 25 teams, 90 days)`,
		fmtS(ms),
		`≤ ${TARGETS.rebuildMs / 1000} s`,
		ms <= TARGETS.rebuildMs
	);
	return { genMs };
}

async function readPhase(client: pg.Client, handle: DbHandle, live: RedisLiveStore) {
	log(`reads: ${fmtInt(S.readMembers)} reps with ${fmtInt(S.readEvents)} events, then rebuildOrg`);
	let t = wallMs();
	const org = await createOrg(client, 'reads', S.readMembers, 100);
	await generateEvents(client, org, S.readEvents, 90, true);
	await client.query('analyze');
	log(`reads: generated in ${fmtS(wallMs() - t)}`);
	t = wallMs();
	await rebuildOrg({ db: handle.db, live }, org.id);
	log(`reads: rebuilt in ${fmtS(wallMs() - t)}`);

	// The board: points, users, window "all" (every member, and no calendar edge can shrink it mid-run).
	const key = encodeBoardKey({ board: POINTS_BOARD, scope: 'users', window: 'all', period: 'all' });
	const size = await live.size(org.id, key);
	// "Around me" for a rep in the middle of the board.
	const middle = (await live.top(org.id, key, Math.floor(size / 2) + 1)).at(-1)!;
	const meK = org.userIds.indexOf(middle.member);
	const query = boardQuerySchema.parse({ board: 'points', scope: 'users', window: 'all', limit: 50, around: org.email(meK) });

	const viaService = async () => {
		const snapshot = await readBoard({ db: handle.db, live }, org.id, query);
		if (snapshot.entries.length !== 50 || !snapshot.around?.length) throw new Error('readBoard answered a short board');
		return snapshot;
	};
	const viaStore = async () => {
		const [top, around] = await Promise.all([live.top(org.id, key, 50), live.around(org.id, key, middle.member, 2)]);
		const ranks = await Promise.all([...new Set(around.map((e) => e.score))].map((s) => live.countAbove(org.id, key, s)));
		return top.length + around.length + ranks.length;
	};
	// The same answer from the event log: totals per rep, ranked, top 50 plus 2 either side of one rep, with names.
	const sqlText = `
		with totals as (
			select user_id, sum(points) as score, max(id) as tie
			from score_events where organization_id = $1
			group by user_id
		), ranked as (
			select user_id, score, rank() over (order by score desc) as rank,
				row_number() over (order by score desc, tie, user_id) as pos
			from totals
		), me as (select pos from ranked where user_id = $2)
		select r.rank, r.user_id, u.name, r.score
		from ranked r join users u on u.id = r.user_id
		where r.pos <= 50 or r.pos between (select pos from me) - 2 and (select pos from me) + 2
		order by r.pos`;
	const viaSql = async () => {
		const { rows: answer } = await client.query(sqlText, [org.id, middle.member]);
		if (answer.length < 52) throw new Error(`SQL answered ${answer.length} rows`);
	};

	const time = async (fn: () => Promise<unknown>, runs: number, warm: number) => {
		for (let i = 0; i < warm; i++) await fn();
		const samples: number[] = [];
		for (let i = 0; i < runs; i++) {
			const t = wallMs();
			await fn();
			samples.push(wallMs() - t);
		}
		return summarize(samples);
	};
	log('reads: timing readBoard, RedisLiveStore and SQL');
	const topOnly = await time(() => live.top(org.id, key, 50), QUICK ? 50 : 300, 10);
	// Scores are whole points: the reps at exactly this score are those above score - 1 but not above score.
	const tieGroup = (await live.countAbove(org.id, key, middle.score - 1)) - (await live.countAbove(org.id, key, middle.score));
	const service = await time(viaService, QUICK ? 50 : 300, 10);
	const store = await time(viaStore, QUICK ? 50 : 300, 10);
	const plain = await time(viaSql, QUICK ? 5 : 15, 2);
	const members = fmtInt(size);
	row(`Read top 50 + around-me (±2), ${members} members: readBoard (Redis + names from Postgres), p50 / p95`, `${fmtMs(service.p50)} / ${fmtMs(service.p95)}`, '—');
	row(`Read top 50 + around-me, ${members} members: RedisLiveStore top + around + ranks only, p50 / p95`, `${fmtMs(store.p50)} / ${fmtMs(store.p95)}`, '—');
	row(
		`… of which top 50 alone (RedisLiveStore.top), p50; around-me is for the median rep, whose score ${fmtInt(tieGroup)} reps share`,
		fmtMs(topOnly.p50),
		'—'
	);
	row(`Read top 50 + around-me, ${members} members: SQL GROUP BY over ${fmtInt(S.readEvents)} events, p50 / p95`, `${fmtMs(plain.p50)} / ${fmtMs(plain.p95)}`, '—');
	const ratio = plain.p50 / service.p50;
	row(
		`Read speed-up, SQL p50 / live p50 (readBoard; store only: ${(plain.p50 / store.p50).toFixed(0)}×)`,
		`${ratio.toFixed(0)}×`,
		`≥ ${TARGETS.readRatio}×`,
		ratio >= TARGETS.readRatio
	);
}

async function ensureBuild() {
	const handler = join(ROOT, 'build/podium.js');
	const stale = existsSync(handler) && Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'server'))) > statSync(handler).mtimeMs;
	if (existsSync(handler) && (!stale || S.noBuild)) return stale ? 'build/ is older than src/ (BENCH_NO_BUILD=1: not rebuilt)' : 'build/ up to date';
	log(existsSync(handler) ? 'build/ is older than src/: npm run build' : 'build/ is missing: npm run build');
	execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	return 'built by the bench';
}

async function startServer(databaseUrl: string, redisUrl: string) {
	const port = await freePort();
	const args: string[] = [];
	if (S.cpuProf) args.push('--cpu-prof', `--cpu-prof-dir=${S.cpuProf}`);
	args.push('build/podium.js');
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		env: {
			PATH: env.PATH,
			HOME: env.HOME,
			NODE_ENV: 'production',
			DATABASE_URL: databaseUrl,
			REDIS_URL: redisUrl,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${port}`,
			LOG_LEVEL: 'warn',
			PODIUM_DEMO_SEED: 'off'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	started.push(child);
	const output: string[] = [];
	const keep = (chunk: Buffer) => {
		output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
		if (output.length > 200) output.splice(0, output.length - 200);
	};
	child.stdout!.on('data', keep);
	child.stderr!.on('data', keep);
	const deadline = wallMs() + 90_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output.join('\n')}`);
		if (wallMs() > deadline) throw new Error(`the server did not answer /api/health in 90 s:\n${output.join('\n')}`);
		const ok = await new Promise<boolean>((resolve) => {
			const req = http.get({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (res) => {
				res.resume();
				resolve(res.statusCode === 200);
			});
			req.on('error', () => resolve(false));
			req.setTimeout(2_000, () => req.destroy());
		});
		if (ok) break;
		await sleep(250);
	}
	return { child, port, pid: child.pid!, output };
}

async function stopServer(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	await Promise.race([exited, sleep(15_000)]);
	if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * What autovacuum would do for the table now, with its default thresholds: ANALYZE once more than
 * 50 rows + 10 % of the table changed since the last one. Autovacuum is off on this machine; without
 * this, a run without the rebuild and reads phases plans the ingest's daily-cap sums for a table that
 * counts as empty (see docs/performance.md). Called at the end of each ingest warm-up.
 */
async function autoAnalyze(client: pg.Client, table: string) {
	const { rows } = await client.query<{ changed: string; tuples: number }>(
		`select s.n_mod_since_analyze as changed, greatest(c.reltuples, 0) as tuples
		 from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = $1`,
		[table]
	);
	if (rows[0] && Number(rows[0].changed) > 50 + 0.1 * Number(rows[0].tuples)) await client.query(`analyze ${table}`);
}

const INGEST_METRICS = ['call', 'call', 'call', 'call', 'call', 'call', 'call', 'call', 'call', 'call', 'meeting', 'meeting', 'meeting', 'meeting', 'deal', 'deal', 'deal', 'revenue', 'revenue', 'new_customer'];

/** Event number n of an ingest run, the same for Podium's runs and the raw-insert baseline. */
function ingestEvent(n: number, label: string, reps: number) {
	const metric = INGEST_METRICS[n % INGEST_METRICS.length];
	return { id: `${label}-${n}`, metric, rep: (n * 7919) % reps, value: metric === 'revenue' ? 1_500_000 + (n % 97) * 10_000 : 1 };
}

/** Closed-loop ingest: `connections` workers, each posting its next batch as soon as the last one answers. */
async function ingest(pid: number, port: number, org: BenchOrg, batch: number, connections: number, label: string, atMeasureStart: () => Promise<unknown>) {
	const agent = agentOf(connections);
	let n = 0;
	const body = () => {
		const events = [];
		for (let i = 0; i < batch; i++, n++) {
			const e = ingestEvent(n, label, org.reps);
			events.push({ id: e.id, metric: e.metric, user: org.email(e.rep), value: e.value });
		}
		return JSON.stringify({ events });
	};
	const start = wallMs();
	const measureFrom = start + S.warmupSeconds * 1000;
	const end = measureFrom + S.ingestSeconds * 1000;
	let accepted = 0;
	let other = 0;
	let failures = 0;
	let lastDone = measureFrom;
	const latencies: number[] = [];
	let firstProblem: string | undefined;
	let cpu0 = NaN;
	let wait0 = NaN;
	setTimeout(() => {
		cpu0 = cpuSeconds(pid);
		wait0 = runQueueSeconds(pid);
		atMeasureStart().catch((error) => log(`ingest: ${(error as Error).message}`));
	}, measureFrom - start);
	await Promise.all(
		Array.from({ length: connections }, async () => {
			while (wallMs() < end) {
				const text = body();
				const t = wallMs();
				try {
					const res = await post(agent, port, '/api/v1/events', org.token, text);
					const done = wallMs();
					if (t < measureFrom) continue;
					lastDone = Math.max(lastDone, done);
					latencies.push(done - t);
					if (res.status !== 200) {
						failures++;
						firstProblem ??= `${res.status} ${res.body.slice(0, 200)}`;
						continue;
					}
					const answer = JSON.parse(res.body) as { accepted: number; duplicates: number; rejected: number };
					accepted += answer.accepted;
					other += answer.duplicates + answer.rejected;
					if (answer.rejected && !firstProblem) firstProblem = res.body.slice(0, 300);
				} catch (error) {
					failures++;
					firstProblem ??= (error as Error).message;
					await sleep(50);
				}
			}
		})
	);
	const seconds = (lastDone - measureFrom) / 1000;
	const cpu = (cpuSeconds(pid) - cpu0) / seconds;
	const waiting = (runQueueSeconds(pid) - wait0) / seconds;
	agent.destroy();
	const lat = summarize(latencies);
	if (failures || other) log(`ingest ${label}: ${failures} failed requests, ${other} events not accepted; first: ${firstProblem}`);
	return { rate: accepted / seconds, accepted, failures, other, lat, cpu, waiting };
}

/**
 * The batched-ingest baseline: the rows a batched run writes (the same events, with their points, team and
 * idempotency key), INSERTed straight into a copy of score_events (its columns, defaults, indexes, unique
 * key and foreign keys; org_seq from a sequence), `batch` rows per statement over `connections` connections in a closed loop, with
 * the same warm-up and duration. What Podium adds on top: HTTP, validation, lookups, caps, the live apply.
 */
async function rawInsert(databaseUrl: string, client: pg.Client, org: BenchOrg, batch: number, connections: number, label: string) {
	await client.query(`create table if not exists bench_raw_events (like score_events including all)`);
	// Each row still gets its number within the organization (org_seq, unique per organization), here
	// from a plain sequence: the baseline pays for the column and its index, not for ingest's counter.
	await client.query(`create sequence if not exists bench_raw_events_seq`);
	await client.query(`alter table bench_raw_events alter column org_seq set default nextval('bench_raw_events_seq')`);
	for (const [column, target] of [
		['organization_id', 'organizations'],
		['metric_id', 'metrics'],
		['user_id', 'users'],
		['team_id', 'teams']
	]) {
		await client.query(`alter table bench_raw_events add foreign key (${column}) references ${target}(id)`);
	}
	const reps = (await client.query<{ user_id: string; team_id: string | null }>(`select user_id, team_id from bench_reps where org = $1 order by k`, [org.id])).rows;
	const metrics = new Map(
		(await client.query<{ id: string; key: string; step: number; points_per_step: number }>(`select id, key, step::int as step, points_per_step from metrics where organization_id = $1`, [org.id])).rows.map((m) => [m.key, m])
	);
	const workers = await Promise.all(
		Array.from({ length: connections }, async () => {
			const c = new pg.Client({ connectionString: databaseUrl });
			await c.connect();
			return c;
		})
	);
	const statement = `
		insert into bench_raw_events (organization_id, metric_id, user_id, team_id, value, points, occurred_at, source, idempotency_key, content_hash)
		select $1, x.metric_id, x.user_id, x.team_id, x.value, x.points, x.occurred_at, 'api', x.key, x.hash
		from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::bigint[], $6::int[], $7::timestamptz[], $8::text[], $9::text[])
			as x(metric_id, user_id, team_id, value, points, occurred_at, key, hash)`;
	let n = 0;
	const params = () => {
		const cols: unknown[][] = [[], [], [], [], [], [], [], []];
		const now = new Date();
		for (let i = 0; i < batch; i++, n++) {
			const e = ingestEvent(n, label, org.reps);
			const m = metrics.get(e.metric)!;
			const values = [m.id, reps[e.rep].user_id, reps[e.rep].team_id, e.value, Math.floor(e.value / m.step) * m.points_per_step, now, e.id, e.id];
			values.forEach((v, j) => cols[j].push(v));
		}
		return [org.id, ...cols];
	};
	const start = wallMs();
	const measureFrom = start + S.warmupSeconds * 1000;
	const end = measureFrom + S.ingestSeconds * 1000;
	let rowsWritten = 0;
	let lastDone = measureFrom;
	try {
		await Promise.all(
			workers.map(async (c) => {
				while (wallMs() < end) {
					const t = wallMs();
					const result = await c.query(statement, params());
					if (t < measureFrom) continue;
					rowsWritten += result.rowCount ?? 0;
					lastDone = Math.max(lastDone, wallMs());
				}
			})
		);
	} finally {
		await Promise.all(workers.map((c) => c.end().catch(() => {})));
	}
	return rowsWritten / ((lastDone - measureFrom) / 1000);
}

type LatencyMode = { kind: 'bare' } | { kind: 'podium'; idleRss: number; bare: { p99: number } | undefined };

/**
 * Event-to-client latency over 2,000 socket.io clients (bench/clients.ts). Against Podium it adds the
 * latency rows; against the bare Socket.IO server (bench/bare-server.ts, the baseline) it adds none and
 * returns its percentiles.
 */
async function latencyPhase(port: number, pid: number, org: BenchOrg, mode: LatencyMode) {
	const selector: BoardSelector = { board: POINTS_BOARD, scope: 'users', window: 'all' };
	const per = Math.ceil(S.clients / S.clientProcesses);
	const children = Array.from({ length: S.clientProcesses }, () => {
		const child = fork(join(ROOT, 'bench/clients.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		started.push(child);
		return child;
	});
	const message = (child: ChildProcess, type: string, timeoutMs: number) =>
		new Promise<any>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no ${type} from a client process in ${timeoutMs} ms`)), timeoutMs);
			const exited = (code: number | null) => {
				clearTimeout(timer);
				reject(new Error(`a client process exited (${code}) before its ${type}`));
			};
			const on = (msg: any) => {
				if (msg?.type !== type) return;
				clearTimeout(timer);
				child.off('message', on);
				child.off('exit', exited);
				resolve(msg);
			};
			child.on('message', on);
			child.once('exit', exited);
		});

	// Peak RSS of this phase only: reset the high-water mark (Linux clear_refs 5) before the clients come.
	let hwmReset = true;
	try {
		writeFileSync(`/proc/${pid}/clear_refs`, '5');
	} catch {
		hwmReset = false;
	}
	let rssMax = 0;
	const sampler = setInterval(() => {
		try {
			rssMax = Math.max(rssMax, procStatus(pid, 'VmRSS'));
		} catch {
			/* the server is gone; reported below */
		}
	}, 200);

	log(`latency: connecting ${fmtInt(S.clients)} socket.io clients in ${S.clientProcesses} processes, subscribing to points|users|all`);
	const t = wallMs();
	const ready = children.map((child) => message(child, 'ready', 180_000));
	children.forEach((child, i) =>
		child.send({
			type: 'start',
			url: `http://127.0.0.1:${port}`,
			token: org.token,
			count: Math.min(per, S.clients - i * per),
			selector,
			userIds: org.userIds,
			concurrency: 20
		})
	);
	const readiness = await Promise.all(ready);
	const subscribed = readiness.reduce((a, r) => a + r.subscribed, 0);
	const failed = readiness.reduce((a, r) => a + r.failed, 0);
	log(`latency: ${subscribed} clients subscribed in ${fmtS(wallMs() - t)}${failed ? `, ${failed} failed (${readiness.find((r) => r.error)?.error})` : ''}`);
	await sleep(1_000);

	log(`latency: posting ${S.rate} events/s for ${S.latencySeconds} s (batches of 1, open loop)`);
	const agent = agentOf(64);
	const totals = new Array(org.reps).fill(0);
	const count = S.rate * S.latencySeconds;
	const interval = 1000 / S.rate;
	const postLat: number[] = [];
	let postFailures = 0;
	let firstPostProblem: string | undefined;
	const inflight: Promise<void>[] = [];
	const cpu0 = cpuSeconds(pid);
	const wait0 = runQueueSeconds(pid);
	const child0 = children.map((c) => cpuSeconds(c.pid!));
	const begin = wallMs();
	for (let i = 0; i < count; i++) {
		const due = begin + i * interval;
		const wait = due - wallMs();
		if (wait > 1) await sleep(wait);
		const u = i % org.reps;
		totals[u] += 50; // one deal = 50 points, uncapped
		const measure = i >= S.rate * S.latencyWarmupSeconds;
		const t0 = wallMs();
		for (const child of children) child.send({ type: 'event', i, u, target: totals[u], t0, measure });
		const body =
			mode.kind === 'bare'
				? JSON.stringify({ u: org.userIds[u], score: totals[u] })
				: JSON.stringify({ events: [{ id: `lat-${i}`, metric: 'deal', user: org.email(u), value: 1 }] });
		inflight.push(
			post(agent, port, '/api/v1/events', org.token, body).then(
				(res) => {
					if (res.status !== 200 || JSON.parse(res.body).accepted !== 1) {
						postFailures++;
						firstPostProblem ??= `${res.status} ${res.body.slice(0, 200)}`;
					}
					postLat.push(wallMs() - t0);
				},
				(error) => {
					postFailures++;
					firstPostProblem ??= (error as Error).message;
				}
			)
		);
	}
	const sentIn = wallMs() - begin;
	await Promise.all(inflight);
	if (firstPostProblem) log(`latency: ${postFailures} posts failed; first: ${firstPostProblem}`);
	const cpuServer = (cpuSeconds(pid) - cpu0) / ((wallMs() - begin) / 1000);
	const waitServer = (runQueueSeconds(pid) - wait0) / ((wallMs() - begin) / 1000);
	log(`latency: all ${count} posts answered ${fmtS(wallMs() - begin)} after the first`);
	const cpuClients = children.reduce((a, c, i) => a + cpuSeconds(c.pid!) - child0[i], 0) / ((wallMs() - begin) / 1000);
	agent.destroy();
	const results = children.map((child) => message(child, 'result', 60_000));
	children.forEach((child) => child.send({ type: 'finish', graceMs: 2_000 }));
	const done = await Promise.all(results);
	clearInterval(sampler);
	const hwm = procStatus(pid, 'VmHWM');

	const hist = new Histogram();
	for (const r of done) hist.merge(r.hist);
	const delivered = done.reduce((a, r) => a + r.delivered, 0);
	const expected = done.reduce((a, r) => a + r.expected, 0);
	const gaps = done.reduce((a, r) => a + r.gaps, 0);
	const activity = done.reduce((a, r) => a + r.activity, 0);
	const measured = count - S.rate * S.latencyWarmupSeconds;
	const p = (q: number) => hist.percentile(q);
	// The first client to see each event (over both processes): the pipeline without the fan-out.
	const firstOf = new Map<number, number>();
	for (const r of done) for (const [i, ms] of r.first as [number, number][]) if (ms >= 0) firstOf.set(i, Math.min(firstOf.get(i) ?? Infinity, ms));
	const first = summarize([...firstOf.values()]);
	const label = `${fmtInt(subscribed)} clients on 1 board, ${S.rate} events/s for ${S.latencySeconds} s`;
	if (mode.kind === 'bare') {
		log(`latency (bare socket.io): p50 ${fmtMs(p(50))}, p99 ${fmtMs(p(99))}; ${fmtInt(delivered)} of ${fmtInt(expected)} delivered; server CPU ${cpuServer.toFixed(2)}`);
		return { p50: p(50), p95: p(95), p99: p(99) };
	}
	const bare = mode.bare;
	row(`Event-to-client latency p50 (POST start -> board:update; ${label})`, fmtMs(p(50)), '—');
	row('Event-to-client latency p95', fmtMs(p(95)), '—');
	row('Event-to-client latency p99', fmtMs(p(99)), `≤ ${TARGETS.p99} ms`, p(99) <= TARGETS.p99, {
		baseline: bare ? `${fmtMs(bare.p99)} bare (same ${FLUSH_MS} ms coalescing)` : 'n/a',
		// The bare server coalesces as Podium does, so its p99 includes the window: Podium p99 / bare p99 is
		// what Podium's database, live store and reads add to the same pushes.
		ratio: bare ? ratioOf(p(99), bare.p99) : 'n/a'
	});
	row('Event-to-first-client latency p50 / p99 (fastest client per event: the pipeline without the fan-out)', `${fmtMs(first.p50)} / ${fmtMs(first.p99)}`, '—');
	row(
		`Updates delivered (events × clients after ${S.latencyWarmupSeconds} s warm-up; seq gaps seen: ${fmtInt(gaps)})`,
		`${fmtInt(delivered)} of ${fmtInt(expected)} (${((100 * delivered) / Math.max(1, expected)).toFixed(2)}%)`,
		'all',
		delivered === expected && expected === measured * subscribed
	);
	const pl = summarize(postLat);
	row(
		`During that phase: POST /api/v1/events p50 / p99; ${postFailures} failed; sent ${count} in ${fmtS(sentIn)}`,
		`${fmtMs(pl.p50)} / ${fmtMs(pl.p99)}`,
		'—'
	);
	row(
		`During that phase: CPU, server / both client processes (1.0 = one core; server waiting for a CPU ${pct(waitServer)} of the time; ${fmtInt(activity)} activity:new received)`,
		`${cpuServer.toFixed(2)} / ${cpuClients.toFixed(2)}`,
		'—'
	);
	row(
		`Server peak RSS with ${fmtInt(subscribed)} clients (VmHWM${hwmReset ? ' from before they connected' : ', lifetime'}; sampled max ${fmtInt(rssMax)} MB; idle after start ${fmtInt(mode.idleRss)} MB)`,
		`${fmtInt(hwm)} MB`,
		`≤ ${TARGETS.rssMb} MB`,
		hwm <= TARGETS.rssMb
	);
	return { p50: p(50), p95: p(95), p99: p(99) };
}

/** Starts bench/bare-server.ts, the latency baseline, on a free loopback port. */
async function startBareServer() {
	const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], { cwd: ROOT, env: { PATH: env.PATH, HOME: env.HOME, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
	started.push(child);
	const port = await new Promise<number>((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error('the bare socket.io server did not start in 60 s')), 60_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString('utf8');
			const line = out.split('\n').find((l) => l.startsWith('{"port"'));
			if (!line) return;
			clearTimeout(timer);
			resolve(JSON.parse(line).port);
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the bare socket.io server exited (${code})`));
		});
	});
	return { child, port, pid: child.pid! };
}

// ---------------------------------------------------------------------------------------------- main
async function main() {
	setLogLevel('warn');
	const redisDb = new URL(S.redisUrl).pathname.replace('/', '') || '0';
	if (redisDb === '0') throw new Error('BENCH_REDIS_URL must name a dedicated logical database (not db 0, which tests share), e.g. redis://127.0.0.1:6379/9');
	if (!/^[a-z_][a-z0-9_]*$/.test(S.dbName) || !S.dbName.includes('bench')) throw new Error('BENCH_DB must be a plain name containing "bench"');
	const buildNote = await ensureBuild();

	log(`fresh database ${S.dbName}, flushing Redis db ${redisDb}`);
	const admin = new pg.Client({ connectionString: S.adminUrl });
	await admin.connect();
	await admin.query(`drop database if exists ${S.dbName} with (force)`);
	await admin.query(`create database ${S.dbName}`);
	const databaseUrl = dbUrl(S.dbName);
	const flush = createClient({ url: S.redisUrl });
	await flush.connect();
	await flush.flushDb();
	const versions = {
		pg: (await admin.query(`select current_setting('server_version') as v`)).rows[0].v as string,
		redis: /redis_version:(\S+)/.exec(await flush.info('server'))?.[1] ?? '?'
	};
	await flush.quit();

	const handle = await openDatabase({ databaseUrl, dataDir: '.data' });
	await migrateToLatest(handle.db);
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	await prepareSeedTables(client);
	const live = await RedisLiveStore.connect(S.redisUrl);
	let server: Awaited<ReturnType<typeof startServer>> | undefined;
	try {
		if (S.phases.has('baselines')) await baselines(client, S.redisUrl);
		if (S.phases.has('rebuild')) await rebuildPhase(client, handle, live);
		if (S.phases.has('reads')) await readPhase(client, handle, live);

		const ingestOrg = await createOrg(client, 'ingest', S.ingestReps, 20);
		const latencyOrg = await createOrg(client, 'live', S.latencyReps, 10);
		await client.query('analyze');
		// Mark the new orgs' (empty) boards built, as the first board read would: otherwise the server's
		// reconciler rebuilds the ingest org mid-run, deferring live applies meanwhile, and a server stopped
		// during that rebuild leaves its lock behind for the next one to wait on (see docs/performance.md).
		for (const org of [ingestOrg, latencyOrg]) await rebuildOrg({ db: handle.db, live }, org.id);
		const plainRates = new Map<string, number>();
		for (const [name, shape] of [
			['single', S.single],
			['batched', S.batched]
		] as const) {
			if (!S.phases.has('ingest')) break;
			if (!S.ingestShapes.has(name)) continue;
			if (!server) {
				log('server: starting the production process (node build/podium.js)');
				server = await startServer(databaseUrl, S.redisUrl);
			}
			log(`ingest: batches of ${shape.batch}, ${shape.connections} keep-alive connections, ${S.warmupSeconds} s warm-up + ${S.ingestSeconds} s`);
			const r = await ingest(server.pid, server.port, ingestOrg, shape.batch, shape.connections, name, () => autoAnalyze(client, 'score_events'));
			plainRates.set(name, r.rate);
			const target = name === 'single' ? TARGETS.single : TARGETS.batched;
			let versus: Versus;
			if (name === 'single') {
				const base = measured.singleInsertRate;
				versus = { baseline: `${fmtInt(base)} rows/s (1-row INSERTs, 1 connection)`, ratio: ratioOf(r.rate, base) };
			} else {
				log(`ingest baseline: the same rows INSERTed directly, ${shape.batch} per statement over ${shape.connections} connections`);
				const base = await rawInsert(databaseUrl, client, ingestOrg, shape.batch, shape.connections, 'raw-batched');
				versus = { baseline: `${fmtInt(base)} rows/s (raw INSERT of the same rows, ${shape.batch} per statement, ${shape.connections} connections)`, ratio: ratioOf(r.rate, base) };
			}
			row(
				`Ingest POST /api/v1/events, batches of ${shape.batch}, ${shape.connections} keep-alive connections (request p50 ${fmtMs(r.lat.p50)}, p99 ${fmtMs(r.lat.p99)}; server CPU ${r.cpu.toFixed(2)} cores, waiting for a CPU ${pct(r.waiting)} of the time${r.failures ? `; ${r.failures} failed` : ''})`,
				`${fmtInt(r.rate)} events/s`,
				`≥ ${fmtInt(target)}/s`,
				r.rate >= target && r.failures === 0 && r.other === 0,
				versus
			);
		}
		if (server && plainRates.size > 0 && S.extras) {
			// The same ingest again with live contests over the same reps: the contest family's per-event cost.
			log(`ingest: ${CONTESTS} live contests over the same reps`);
			await startLiveContests(handle.db, live, ingestOrg, CONTESTS);
			for (const [name, shape] of [
				['single', S.single],
				['batched', S.batched]
			] as const) {
				const plain = plainRates.get(name);
				if (plain === undefined) continue;
				log(`ingest with ${CONTESTS} live contests: batches of ${shape.batch}, ${shape.connections} keep-alive connections`);
				const r = await ingest(server.pid, server.port, ingestOrg, shape.batch, shape.connections, `${name}-contests`, () => autoAnalyze(client, 'score_events'));
				row(
					`Ingest with ${CONTESTS} live contests over the same reps, batches of ${shape.batch}, ${shape.connections} keep-alive connections (request p50 ${fmtMs(r.lat.p50)}, p99 ${fmtMs(r.lat.p99)}; server CPU ${r.cpu.toFixed(2)} cores${r.failures ? `; ${r.failures} failed` : ''})`,
					`${fmtInt(r.rate)} events/s`,
					`ratio ≥ ${TARGETS.contestRatio}`,
					r.rate / plain >= TARGETS.contestRatio && r.failures === 0 && r.other === 0,
					{ baseline: `${fmtInt(plain)} events/s (the plain ingest row above, same shape)`, ratio: ratioOf(r.rate, plain) }
				);
			}
		}
		if (server && plainRates.size > 0 && S.extras) {
			// The same ingest again with active badge rules: the badge engine's per-event cost. Last, because
			// the engine may still be evaluating a backlog when its rows end. The contests are cancelled first
			// and the server's contest cache (10 s) forgets them, so that this row counts badges only.
			await client.query(`update contests set status = 'cancelled' where organization_id = $1 and status in ('scheduled', 'live', 'ended')`, [ingestOrg.id]);
			await sleep(11_000);
			log(`ingest: ${BADGE_RULES} active badge rules over the same reps`);
			const badgeIds = await addBadgeRules(client, ingestOrg, BADGE_RULES);
			for (const [name, shape] of [
				['single', S.single],
				['batched', S.batched]
			] as const) {
				const plain = plainRates.get(name);
				if (plain === undefined) continue;
				log(`ingest with ${BADGE_RULES} badge rules: batches of ${shape.batch}, ${shape.connections} keep-alive connections`);
				const r = await ingest(server.pid, server.port, ingestOrg, shape.batch, shape.connections, `${name}-badges`, () => autoAnalyze(client, 'score_events'));
				row(
					`Ingest with ${BADGE_RULES} active badge rules (first time, day/week/month counts and values, streaks, personal bests), batches of ${shape.batch}, ${shape.connections} keep-alive connections (request p50 ${fmtMs(r.lat.p50)}, p99 ${fmtMs(r.lat.p99)}; server CPU ${r.cpu.toFixed(2)} cores${r.failures ? `; ${r.failures} failed` : ''})`,
					`${fmtInt(r.rate)} events/s`,
					`ratio ≥ ${TARGETS.badgeRatio}`,
					r.rate / plain >= TARGETS.badgeRatio && r.failures === 0 && r.other === 0,
					{ baseline: `${fmtInt(plain)} events/s (the plain ingest row above, same shape)`, ratio: ratioOf(r.rate, plain) }
				);
			}
			await archiveBadgeRules(client, badgeIds);
		}
		if (S.phases.has('latency')) {
			// A fresh process, so that neither the ingest phases' heap nor their backlog (pushes, the
			// reconciler's scan of recent events) weighs on the latency or the peak RSS measured here.
			if (server) await stopServer(server.child);
			server = undefined;
			// The baseline first, alone on the machine: a bare socket.io server and the same clients and load.
			log('latency baseline: a bare socket.io server (bench/bare-server.ts) with the same clients and load');
			const bareServer = await startBareServer();
			let bare: { p99: number } | undefined;
			try {
				bare = await latencyPhase(bareServer.port, bareServer.pid, latencyOrg, { kind: 'bare' });
			} finally {
				await stopServer(bareServer.child);
			}
			log(`server: starting a fresh production process for the ${fmtInt(S.clients)}-client phase`);
			server = await startServer(databaseUrl, S.redisUrl);
			await sleep(2_000);
			const idle = procStatus(server.pid, 'VmRSS');
			await latencyPhase(server.port, server.pid, latencyOrg, { kind: 'podium', idleRss: idle, bare });
		}
	} finally {
		await cleanup();
		await live.close().catch(() => {});
		await client.end().catch(() => {});
		await handle.close().catch(() => {});
		if (!S.keep) {
			await admin.query(`drop database if exists ${S.dbName} with (force)`).catch(() => {});
			const again = createClient({ url: S.redisUrl });
			await again.connect().then(() => again.flushDb()).then(() => again.quit()).catch(() => {});
		}
		await admin.end().catch(() => {});
	}

	const cpu = os.cpus();
	const commit = (() => {
		try {
			return execSync('git rev-parse --short HEAD', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() + (execSync('git status --porcelain --untracked-files=no', { cwd: ROOT }).toString().trim() ? '+dirty' : '');
		} catch {
			return '?';
		}
	})();
	printTable([
		`Podium bench${QUICK ? ' (BENCH_QUICK: reduced sizes)' : ''} · ${new Date().toISOString().slice(0, 16)}Z · commit ${commit} · ${buildNote} · took ${fmtS(wallMs() - T0)}`,
		`Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()} · Node ${process.version} · PostgreSQL ${versions.pg} · Redis ${versions.redis}`,
		'Server: one production process (node build/podium.js, compiled from server/index.ts, pg pool 10, Redis live store + streams adapter) on loopback;',
		'the load generator (this process) and the socket clients (2 child processes) share the same cores.',
		`Load average (1 min) at start ${LOAD0[0].toFixed(1)}, at end ${os.loadavg()[0].toFixed(1)}${Math.max(LOAD0[0], os.loadavg()[0]) > cpu.length + 1 ? ' — other work was competing for the CPUs: figures are pessimistic' : ''}.`
	]);
}

main().then(
	() => process.exit(0),
	async (error) => {
		log(`failed: ${(error as Error).stack ?? error}`);
		await cleanup();
		process.exit(1);
	}
);
