// What every command shares: the app's modules (loaded on first use), flag values, and the database
// and live store opened from the environment as the server opens them.
import { resolve } from 'node:path';
import type { Config } from '../../src/lib/server/platform/config';
import type { Db, DbHandle } from '../../src/lib/server/db';
import { embeddedDatabaseHolders } from '../../src/lib/server/db/embedded-holders';
import type { LiveStore } from '../../src/lib/server/live/store';
import { CliError, suggest, UsageError } from './args';
import type { Flags, Io } from './command';

// The app's modules load on first use (after the flags parse), so that --help and usage errors answer
// at once. Redis loads only with REDIS_URL.
async function loadLib() {
	const modules = await Promise.all([
		import('../../src/lib/shared/schemas'),
		import('../../src/lib/server/auth/password'),
		import('../../src/lib/server/auth/tokens'),
		import('../../src/lib/server/platform/config'),
		import('../../src/lib/server/db'),
		import('../../src/lib/server/platform/errors'),
		import('../../src/lib/server/live/memory.store'),
		import('../../src/lib/server/platform/log'),
		import('../../src/lib/server/org/audit.repository'),
		import('../../src/lib/server/scoring/event.repository'),
		import('../../src/lib/server/org/membership.repository'),
		import('../../src/lib/server/scoring/metric.repository'),
		import('../../src/lib/server/org/organization.repository'),
		import('../../src/lib/server/org/team.repository'),
		import('../../src/lib/server/scoring/token.repository'),
		import('../../src/lib/server/auth/user.repository'),
		import('../../src/lib/server/scoring/live.service'),
		import('../../src/lib/server/scoring/token.service'),
		import('../../src/lib/server/auth/auth.service'),
		import('../../src/lib/server/demo/demo.service'),
		import('../../src/lib/server/platform/validation')
	] as const);
	return Object.assign({}, ...modules) as UnionToIntersection<(typeof modules)[number]>;
}
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export let L: Awaited<ReturnType<typeof loadLib>>;

/** Loads the app's modules once, after the flags parse (so that --help and usage errors answer at once). */
export async function ensureLib() {
	if (!L) {
		L = await loadLib();
		// The domains' board families, as the server registers them at start-up: without them a rebuild
		// would leave out (and so drop) contest and goal boards, and a verification would skip them.
		const [{ registerContestFamily }, { registerGoalFamily }] = await Promise.all([
			import('../../src/lib/server/contests/contest.family'),
			import('../../src/lib/server/goals/goal.family')
		]);
		registerContestFamily();
		registerGoalFamily();
	}
	return L;
}

/** True when the app's modules are loaded (an error before that cannot be one of theirs). */
export const libLoaded = () => L !== undefined;

export const fmt = (n: number) => n.toLocaleString('en-US');

export function slugFlag(flags: Flags, name = 'slug') {
	const slug = flags[name]!.trim();
	if (!L.SLUG_RE.test(slug)) {
		throw new UsageError(`--${name} "${slug}" is not a valid slug: use 1 to 48 lowercase letters, digits and inner hyphens, like acme-sales`);
	}
	return slug;
}

export function orgFlag(flags: Flags) {
	const slug = flags.org!.trim();
	if (!L.SLUG_RE.test(slug)) throw new UsageError(`--org "${slug}" is not an organization slug (like demo-sales-co)`);
	return slug;
}

export function emailFlag(flags: Flags, name: string) {
	const r = L.emailSchema.safeParse(flags[name]);
	if (!r.success) throw new UsageError(`--${name} "${flags[name]}" is not a valid e-mail address`);
	return r.data;
}

export function nameFlag(flags: Flags, name: string) {
	const value = flags[name]!.trim();
	if (value.length > L.NAME_MAX) throw new UsageError(`--${name} must be at most ${L.NAME_MAX} characters`);
	return value;
}

async function readStdinLine(): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** A password flag; "-" reads it from standard input, which keeps it out of shell history. */
export async function passwordFlag(flags: Flags, name: string, owner: { name: string; email: string }): Promise<string | undefined> {
	let value = flags[name];
	if (value === undefined) return undefined;
	if (value === '-') value = await readStdinLine();
	const problem = L.checkPasswordPolicy(value, owner);
	if (problem === 'too_short') throw new UsageError(`--${name} must be at least ${L.PASSWORD_MIN} characters`);
	if (problem === 'too_long') throw new UsageError(`--${name} must be at most ${L.PASSWORD_MAX} characters`);
	if (problem === 'blank') throw new UsageError(`--${name} must not be blank`);
	if (problem === 'low_variety') throw new UsageError(`--${name} must use at least ${L.PASSWORD_MIN_DISTINCT} different characters`);
	if (problem === 'common') throw new UsageError(`--${name} is one of the most common passwords; choose something harder to guess`);
	if (problem === 'personal') throw new UsageError(`--${name} must not be based on the person's name or e-mail`);
	return value;
}

export function numberFlag(flags: Flags, name: string, min: number, max: number): number | undefined {
	const raw = flags[name];
	if (raw === undefined) return undefined;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw new UsageError(`--${name} must be a number from ${min} to ${fmt(max)}, not "${raw}"`);
	}
	return value;
}

/** Refusals from the services (AppError, ValidationError) as one English line. */
export function explain(error: unknown): string | undefined {
	const described = L.describeError('en', error);
	return described ? described.message : undefined;
}

export function assertEmbeddedFree(io: Io, config: Config, alternative?: string) {
	if (config.databaseUrl || config.dataDir === 'memory://') return;
	const holders = embeddedDatabaseHolders(config.dataDir);
	const where = resolve(config.dataDir);
	if (holders === 'unknown') {
		io.err(`warning: cannot tell whether a Podium server has the embedded database in ${where} open; stop it before using the CLI.`);
		return;
	}
	if (holders.length === 0) return;
	const who = holders.map((h) => `process ${h.pid}${h.command ? ` (${h.command})` : ''}`).join(', ');
	const lines = [
		`the embedded database in ${where} can be open in one process at a time, and ${who} has it open.`,
		'Stop the Podium server (npm run dev or npm start) and run this command again,',
		'or run Podium on PostgreSQL (DATABASE_URL) to use the CLI while the server runs.'
	];
	if (alternative) lines.push(alternative);
	throw new CliError(lines.join('\n'));
}

export interface Context {
	config: Config;
	db: Db;
	handle: DbHandle;
}

let debug = false;
/** LOG_LEVEL=debug: errors print their stack. */
export const isDebug = () => debug;
let logLevel: Config['logLevel'] = 'warn';

function loadConfig(): Config {
	try {
		const config = L.configFromProcess();
		debug = config.logLevel === 'debug';
		// Keep the CLI's output its own: the services' info logs only with LOG_LEVEL=debug.
		logLevel = config.logLevel === 'info' ? 'warn' : config.logLevel;
		L.setLogLevel(logLevel);
		return config;
	} catch (error) {
		if (error instanceof L.ConfigError) throw new CliError(error.message);
		throw error;
	}
}

export async function openContext(io: Io, alternative?: string): Promise<Context> {
	const config = loadConfig();
	assertEmbeddedFree(io, config, alternative);
	if (!config.databaseUrl && config.dataDir === 'memory://') {
		io.err('warning: PODIUM_DATA_DIR=memory:// gives this command a database of its own that vanishes when it ends.');
	}
	let handle: DbHandle;
	try {
		handle = await L.openDatabase(config);
	} catch (error) {
		throw new CliError(`cannot open the database: ${(error as Error).message}`);
	}
	try {
		const applied = await L.migrateToLatest(handle.db);
		if (applied.length) io.err(`Applied migrations: ${applied.join(', ')}`);
	} catch (error) {
		await handle.close().catch(() => {});
		throw new CliError(`cannot reach or migrate the database: ${(error as Error).message}`);
	}
	return { config, db: handle.db, handle };
}

export async function withDb<T>(io: Io, fn: (ctx: Context) => Promise<T>, alternative?: string): Promise<T> {
	const ctx = await openContext(io, alternative);
	try {
		return await fn(ctx);
	} finally {
		await ctx.handle.close().catch(() => {});
	}
}

const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/** A URL fit to print: its credentials masked. */
export function withoutPassword(url: string) {
	return url.replace(/\/\/[^@/]*@/, '//…@');
}

export async function connectLive(config: Config): Promise<LiveStore> {
	if (!config.redisUrl) return new L.MemoryLiveStore();
	const where = withoutPassword(config.redisUrl);
	const { RedisLiveStore } = await import('../../src/lib/server/live/redis.store');
	// The store retries its connection forever, logging each failure (right for a server waiting for
	// Redis); a command gives up, quietly.
	L.setLogLevel('error');
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			RedisLiveStore.connect(config.redisUrl),
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`no answer after ${REDIS_CONNECT_TIMEOUT_MS / 1000} s`)), REDIS_CONNECT_TIMEOUT_MS);
			})
		]);
	} catch (error) {
		throw new CliError(`cannot connect to Redis at ${where}: ${(error as Error).message}; is it running?`);
	} finally {
		clearTimeout(timer);
		L.setLogLevel(logLevel);
	}
}

export async function requireOrganization(db: Db, slug: string) {
	const org = await L.findOrganizationBySlug(db, slug);
	if (org) return org;
	const known = (await L.listOrgIds(db)).map((o) => o.slug).sort();
	const hint = known.length
		? ` Organizations: ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, and ${known.length - 10} more` : ''}.${suggest(slug, known)}`
		: ' There are no organizations yet: create one with org:create.';
	throw new CliError(`no organization with the slug "${slug}".${hint}`);
}

export const MEMORY_LIVE_NOTE =
	'Note: without REDIS_URL the live store lives inside each server process and is rebuilt from the event log when the server starts; this command worked on a copy of its own.';

export async function organizationsFor(db: Db, slug: string | undefined) {
	if (slug) {
		const org = await requireOrganization(db, slug);
		return [{ id: org.id, slug: org.slug }];
	}
	return (await L.listOrgIds(db)).sort((a, b) => a.slug.localeCompare(b.slug));
}

export function printTable(io: Io, rows: string[][]) {
	if (rows.length === 0) return;
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	for (const row of rows) io.out(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   '));
}
