// npm run podium -- <command> [flags]: operational commands for Podium (organizations, people, API
// tokens, the live store, demo data and a load simulator). Run with --help for the list.
//
// Exit codes: 0 done, 1 failed (a refusal or an error at run time), 2 bad usage (an unknown or missing
// flag, a bad value), 3 live:verify found drift. User errors print one message, never a stack trace.
// The embedded database (PGlite) can be open in one process only: with it, stop the server first.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config } from '../src/lib/server/config';
import type { Db, DbHandle } from '../src/lib/server/db';
import { embeddedDatabaseHolders } from '../src/lib/server/db/embedded-holders';
import type { LiveStore } from '../src/lib/server/live/store';

// The app's modules load on first use (after the flags parse), so that --help and usage errors answer
// at once. Redis loads only with REDIS_URL.
async function loadLib() {
	const modules = await Promise.all([
		import('../src/lib/shared/schemas'),
		import('../src/lib/server/auth/password'),
		import('../src/lib/server/auth/tokens'),
		import('../src/lib/server/config'),
		import('../src/lib/server/db'),
		import('../src/lib/server/errors'),
		import('../src/lib/server/live/memory.store'),
		import('../src/lib/server/log'),
		import('../src/lib/server/repositories/audit.repository'),
		import('../src/lib/server/repositories/event.repository'),
		import('../src/lib/server/repositories/membership.repository'),
		import('../src/lib/server/repositories/metric.repository'),
		import('../src/lib/server/repositories/organization.repository'),
		import('../src/lib/server/repositories/team.repository'),
		import('../src/lib/server/repositories/token.repository'),
		import('../src/lib/server/repositories/user.repository'),
		import('../src/lib/server/scoring/live.service'),
		import('../src/lib/server/scoring/token.service'),
		import('../src/lib/server/services/auth.service'),
		import('../src/lib/server/services/demo.service'),
		import('../src/lib/server/validation')
	] as const);
	return Object.assign({}, ...modules) as UnionToIntersection<(typeof modules)[number]>;
}
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
let L: Awaited<ReturnType<typeof loadLib>>;

const PROGRAM = 'npm run podium --';

/** Bad usage: exit 2, with a pointer to the command's help. */
export class UsageError extends Error {
	constructor(
		message: string,
		readonly command?: string
	) {
		super(message);
		this.name = 'UsageError';
	}
}

/** A refusal or failure at run time that the user can act on: exit 1, message only. */
export class CliError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1
	) {
		super(message);
		this.name = 'CliError';
	}
}

// ---------------------------------------------------------------------------------------------------
// Arguments

interface FlagSpec {
	name: string;
	/** Placeholder of the value; absent for a switch. */
	value?: string;
	required?: boolean;
	help: string;
}

export interface CommandSpec {
	name: string;
	summary: string;
	flags: FlagSpec[];
	details?: string[];
	examples: string[];
	run(flags: Flags, io: Io): Promise<number | void>;
}

export type Flags = Record<string, string | undefined>;

export interface Io {
	out(line?: string): void;
	err(line?: string): void;
}

function distance(a: string, b: string): number {
	const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let prev = dp[0];
		dp[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const tmp = dp[j];
			dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = tmp;
		}
	}
	return dp[b.length];
}

function suggest(input: string, options: string[], prefix = ''): string {
	const best = options.map((o) => ({ o, d: distance(input, o) })).sort((a, b) => a.d - b.d)[0];
	return best && best.d <= Math.max(2, Math.floor(input.length / 3)) ? ` (did you mean ${prefix}${best.o}?)` : '';
}

/** Strict flag parsing: --flag value or --flag=value; unknown, repeated or valueless flags and stray words are errors. */
export function parseFlags(command: CommandSpec, argv: string[]): Flags {
	const known = new Map(command.flags.map((f) => [f.name, f]));
	const flags: Flags = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--') || arg === '--') {
			throw new UsageError(`unexpected argument "${arg}": every value follows a flag, like --org demo-sales-co`, command.name);
		}
		const eq = arg.indexOf('=');
		const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
		const spec = known.get(name);
		if (!spec) {
			throw new UsageError(`unknown flag --${name} for ${command.name}${suggest(name, [...known.keys()], '--')}`, command.name);
		}
		if (name in flags) throw new UsageError(`flag --${name} is given twice`, command.name);
		if (!spec.value) {
			if (eq >= 0) throw new UsageError(`flag --${name} takes no value`, command.name);
			flags[name] = 'true';
			continue;
		}
		let value: string | undefined;
		if (eq >= 0) value = arg.slice(eq + 1);
		else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
		if (value === undefined || value.trim() === '') throw new UsageError(`flag --${name} needs a value: --${name} <${spec.value}>`, command.name);
		flags[name] = value;
	}
	const missing = command.flags.filter((f) => f.required && flags[f.name] === undefined).map((f) => `--${f.name}`);
	if (missing.length === 1) throw new UsageError(`missing required flag ${missing[0]}`, command.name);
	if (missing.length > 1) throw new UsageError(`missing required flags ${missing.join(', ')}`, command.name);
	return flags;
}

function commandHelp(c: CommandSpec): string {
	const usage = c.flags.map((f) => {
		const part = f.value ? `--${f.name} <${f.value}>` : `--${f.name}`;
		return f.required ? part : `[${part}]`;
	});
	const width = Math.max(...c.flags.map((f) => (f.value ? f.name.length + f.value.length + 5 : f.name.length + 2)), 10);
	const lines = [
		`${PROGRAM} ${c.name} ${usage.join(' ')}`.trimEnd(),
		'',
		c.summary,
		'',
		'Flags:',
		...c.flags.map((f) => `  ${(f.value ? `--${f.name} <${f.value}>` : `--${f.name}`).padEnd(width + 2)} ${f.help}${f.required ? '' : ' (optional)'}`),
		`  ${'--help'.padEnd(width + 2)} this help`
	];
	if (c.details?.length) lines.push('', ...c.details);
	lines.push('', c.examples.length > 1 ? 'Examples:' : 'Example:', ...c.examples.map((e) => `  ${e}`));
	return lines.join('\n');
}

function overallHelp(): string {
	const width = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		`Podium command line: ${PROGRAM} <command> [flags]`,
		'',
		'Commands:',
		...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		`Run "${PROGRAM} <command> --help" for a command's flags and an example.`,
		'',
		'The database and live store come from the environment, as for the server: DATABASE_URL,',
		'REDIS_URL, PODIUM_DATA_DIR (see the README). Without DATABASE_URL the CLI opens the embedded',
		'database in PODIUM_DATA_DIR (.data), which only one process can hold: stop the server first.',
		'',
		'Exit codes: 0 done, 1 failed, 2 bad usage, 3 live:verify found drift.'
	].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Values

const fmt = (n: number) => n.toLocaleString('en-US');

function slugFlag(flags: Flags, name = 'slug') {
	const slug = flags[name]!.trim();
	if (!L.SLUG_RE.test(slug)) {
		throw new UsageError(`--${name} "${slug}" is not a valid slug: use 1 to 48 lowercase letters, digits and inner hyphens, like acme-sales`);
	}
	return slug;
}

function orgFlag(flags: Flags) {
	const slug = flags.org!.trim();
	if (!L.SLUG_RE.test(slug)) throw new UsageError(`--org "${slug}" is not an organization slug (like demo-sales-co)`);
	return slug;
}

function emailFlag(flags: Flags, name: string) {
	const r = L.emailSchema.safeParse(flags[name]);
	if (!r.success) throw new UsageError(`--${name} "${flags[name]}" is not a valid e-mail address`);
	return r.data;
}

function nameFlag(flags: Flags, name: string) {
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
async function passwordFlag(flags: Flags, name: string): Promise<string | undefined> {
	let value = flags[name];
	if (value === undefined) return undefined;
	if (value === '-') value = await readStdinLine();
	const problem = L.checkPasswordPolicy(value);
	if (problem === 'too_short') throw new UsageError(`--${name} must be at least ${L.PASSWORD_MIN} characters`);
	if (problem === 'too_long') throw new UsageError(`--${name} must be at most ${L.PASSWORD_MAX} characters`);
	if (problem === 'blank') throw new UsageError(`--${name} must not be blank`);
	return value;
}

function numberFlag(flags: Flags, name: string, min: number, max: number): number | undefined {
	const raw = flags[name];
	if (raw === undefined) return undefined;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw new UsageError(`--${name} must be a number from ${min} to ${fmt(max)}, not "${raw}"`);
	}
	return value;
}

/** Refusals from the services (AppError, ValidationError) as one English line. */
function explain(error: unknown): string | undefined {
	const described = L.describeError('en', error);
	return described ? described.message : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Database and live store

function assertEmbeddedFree(io: Io, config: Config, alternative?: string) {
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

interface Context {
	config: Config;
	db: Db;
	handle: DbHandle;
}

let debug = false;
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

async function openContext(io: Io, alternative?: string): Promise<Context> {
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

async function withDb<T>(io: Io, fn: (ctx: Context) => Promise<T>, alternative?: string): Promise<T> {
	const ctx = await openContext(io, alternative);
	try {
		return await fn(ctx);
	} finally {
		await ctx.handle.close().catch(() => {});
	}
}

const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/** A URL fit to print: its credentials masked. */
function withoutPassword(url: string) {
	return url.replace(/\/\/[^@/]*@/, '//…@');
}

async function connectLive(config: Config): Promise<LiveStore> {
	if (!config.redisUrl) return new L.MemoryLiveStore();
	const where = withoutPassword(config.redisUrl);
	const { RedisLiveStore } = await import('../src/lib/server/live/redis.store');
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

async function requireOrganization(db: Db, slug: string) {
	const org = await L.findOrganizationBySlug(db, slug);
	if (org) return org;
	const known = (await L.listOrgIds(db)).map((o) => o.slug).sort();
	const hint = known.length
		? ` Organizations: ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, and ${known.length - 10} more` : ''}.${suggest(slug, known)}`
		: ' There are no organizations yet: create one with org:create.';
	throw new CliError(`no organization with the slug "${slug}".${hint}`);
}

const MEMORY_LIVE_NOTE =
	'Note: without REDIS_URL the live store lives inside each server process and is rebuilt from the event log when the server starts; this command worked on a copy of its own.';

// ---------------------------------------------------------------------------------------------------
// Commands

const orgCreate: CommandSpec = {
	name: 'org:create',
	summary: 'Create an organization with its first admin and the default metrics.',
	flags: [
		{ name: 'name', value: 'name', required: true, help: 'the organization name, e.g. "Acme Sales"' },
		{ name: 'slug', value: 'slug', required: true, help: 'its short id, used by --org: lowercase letters, digits, hyphens' },
		{ name: 'tz', value: 'time zone', required: true, help: 'IANA time zone of its leaderboard windows, e.g. Asia/Shanghai' },
		{ name: 'admin-email', value: 'e-mail', required: true, help: 'e-mail of the first admin (a new account)' },
		{ name: 'admin-password', value: 'password', required: true, help: 'the admin\'s password, at least 10 characters; "-" reads it from stdin' },
		{ name: 'admin-name', value: 'name', help: "the admin's display name; defaults to the e-mail's local part" },
		{ name: 'locale', value: 'en|zh-CN', help: 'the organization language; defaults to en' }
	],
	examples: [`${PROGRAM} org:create --name "Acme Sales" --slug acme --tz Asia/Shanghai --admin-email ops@acme.example --admin-password 'correct horse battery'`],
	async run(flags, io) {
		const name = nameFlag(flags, 'name');
		const slug = slugFlag(flags);
		let timeZone = flags.tz!.trim();
		if (!L.isValidTimeZone(timeZone)) throw new UsageError(`--tz "${timeZone}" is not an IANA time zone (like Asia/Shanghai or Europe/Berlin)`);
		// Spelled as the time zone database spells it: asia/shanghai becomes Asia/Shanghai.
		const canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
		if (canonical.toLowerCase() === timeZone.toLowerCase()) timeZone = canonical;
		const email = emailFlag(flags, 'admin-email');
		const locale = flags.locale ?? 'en';
		if (!L.localeSchema.safeParse(locale).success) throw new UsageError(`--locale must be en or zh-CN, not "${locale}"`);
		const adminName = flags['admin-name'] ? nameFlag(flags, 'admin-name') : email.split('@')[0].replace(/[._+-]+/g, ' ').trim().replace(/\b\w/g, (c) => c.toUpperCase()).slice(0, L.NAME_MAX) || 'Admin';
		const password = (await passwordFlag(flags, 'admin-password'))!;
		await withDb(io, async ({ db }) => {
			if (await L.slugExists(db, slug)) throw new CliError(`the slug "${slug}" is taken by another organization`);
			if (await L.findUserByEmail(db, email)) throw new CliError(`an account with the e-mail ${email} exists already; choose another --admin-email`);
			const passwordHash = await L.hashPassword(password);
			const { organization } = await db.transaction().execute((trx) =>
				L.createOrganizationWithAdmin(trx, {
					organization: { name, slug, timeZone, locale },
					admin: { email, name: adminName, passwordHash, locale },
					audit: { via: 'cli' }
				})
			);
			io.out(`Created organization "${organization.name}" (${organization.slug}), time zone ${timeZone}, id ${organization.id}.`);
			io.out(`Admin: ${adminName} <${email}>; sign in at /login.`);
			io.out(`Metrics: ${L.DEFAULT_METRICS.map((m) => m.key).join(', ')}.`);
		});
	}
};

const ROLES = ['admin', 'leader', 'rep'] as const;

const userCreate: CommandSpec = {
	name: 'user:create',
	summary: 'Add a person to an organization as admin, leader or rep, in a team.',
	flags: [
		{ name: 'org', value: 'slug', required: true, help: 'the organization' },
		{ name: 'email', value: 'e-mail', required: true, help: 'their e-mail, which they sign in with' },
		{ name: 'name', value: 'name', required: true, help: 'their display name' },
		{ name: 'role', value: 'admin|leader|rep', required: true, help: 'what they may do' },
		{ name: 'team', value: 'team name', help: 'a rep joins this team, a leader leads it; required for reps and leaders; created when missing' },
		{ name: 'password', value: 'password', help: 'at least 10 characters; "-" reads it from stdin; generated and printed when omitted' }
	],
	details: [
		'Someone who has an account in another organization keeps it (and their password): they are',
		'added to this one. Team names match without regard to case.'
	],
	examples: [
		`${PROGRAM} user:create --org acme --email mia@acme.example --name "Mia Novak" --role rep --team "Inside Sales"`,
		`${PROGRAM} user:create --org acme --email lead@acme.example --name "Liu Yang" --role leader --team "Inside Sales" --password 'a long passphrase'`
	],
	async run(flags, io) {
		const slug = orgFlag(flags);
		const email = emailFlag(flags, 'email');
		const name = nameFlag(flags, 'name');
		const role = flags.role!.trim() as (typeof ROLES)[number];
		if (!ROLES.includes(role)) throw new UsageError(`--role must be admin, leader or rep, not "${flags.role}"${suggest(flags.role!, [...ROLES])}`);
		const teamName = flags.team?.trim();
		if (!teamName && role !== 'admin') throw new UsageError(`missing required flag --team: a ${role} belongs to a team`);
		if (teamName && teamName.length > L.NAME_MAX) throw new UsageError(`--team must be at most ${L.NAME_MAX} characters`);
		const password = await passwordFlag(flags, 'password');
		await withDb(io, async ({ db }) => {
			const org = await requireOrganization(db, slug);
			const existing = await L.findUserByEmail(db, email);
			if (existing && (await L.findMembership(db, org.id, existing.id))) {
				throw new CliError(`${email} is a member of ${slug} already`);
			}
			if (existing && password) {
				throw new CliError(`${email} has an account already (in another organization); it keeps its password, so leave out --password`);
			}
			const generated = existing || password ? undefined : L.generateSecureRandomString(16);
			const passwordHash = existing ? undefined : await L.hashPassword(password ?? generated!);
			const result = await db.transaction().execute(async (trx) => {
				const user = existing ?? (await L.insertUser(trx, { email, name, password_hash: passwordHash! }));
				await L.insertMembership(trx, { organization_id: org.id, user_id: user.id, role });
				let team: { id: string; name: string; created: boolean } | undefined;
				if (teamName) {
					const found = (await L.listTeams(trx, org.id)).find((t) => !t.archived_at && t.name.toLowerCase() === teamName.toLowerCase());
					if (found) team = { id: found.id, name: found.name, created: false };
					else {
						const inserted = await L.insertTeam(trx, { organization_id: org.id, name: teamName, parent_id: null });
						team = { id: inserted.id, name: inserted.name, created: true };
						await L.recordAudit(trx, {
							organizationId: org.id,
							actorId: null,
							action: 'team.created',
							targetType: 'team',
							targetId: inserted.id,
							data: { name: inserted.name, parentId: null, via: 'cli' }
						});
					}
					if (role === 'leader') {
						const leaders = (await L.listTeamLeaders(trx, org.id)).filter((l) => l.team_id === team!.id).map((l) => l.user_id);
						await L.replaceTeamLeaders(trx, org.id, team.id, [...new Set([...leaders, user.id])]);
					} else {
						await L.setTeamMembership(trx, org.id, user.id, team.id);
					}
				}
				await L.recordAudit(trx, {
					organizationId: org.id,
					actorId: null,
					action: 'member.created',
					targetType: 'user',
					targetId: user.id,
					data: { email, role, teamId: team?.id ?? null, via: 'cli' }
				});
				return { user, team };
			});
			const { team } = result;
			if (team?.created) io.out(`Created team "${team.name}" in ${slug}.`);
			const where = team ? (role === 'leader' ? `, leading "${team.name}"` : `, in "${team.name}"`) : '';
			io.out(`Added ${result.user.name} <${email}> to ${slug} as ${role}${where}.`);
			if (existing) io.out('They already had an account: their password is unchanged.');
			if (generated) io.out(`Password (shown once): ${generated}`);
		});
	}
};

const tokenCreate: CommandSpec = {
	name: 'token:create',
	summary: 'Create an API token for the public API; prints the token as the last line.',
	flags: [
		{ name: 'org', value: 'slug', required: true, help: 'the organization the token acts for' },
		{ name: 'name', value: 'name', required: true, help: 'what it is for, e.g. "CRM sync"' },
		{ name: 'scopes', value: 'scopes', required: true, help: 'comma-separated: events:write, leaderboards:read' }
	],
	details: ['The token is shown once; only its hash is stored. Revoke it on the Admin → API tokens page.'],
	examples: [
		`${PROGRAM} token:create --org acme --name "CRM sync" --scopes events:write,leaderboards:read`,
		`TOKEN=$(${PROGRAM} token:create --org acme --name TV --scopes leaderboards:read | tail -n 1)`
	],
	async run(flags, io) {
		const slug = orgFlag(flags);
		const name = flags.name!.trim();
		if (name.length > 80) throw new UsageError('--name must be at most 80 characters');
		const scopes = [...new Set(flags.scopes!.split(',').map((s) => s.trim()).filter(Boolean))];
		if (scopes.length === 0) throw new UsageError(`--scopes needs at least one of ${L.TOKEN_SCOPES.join(', ')}`);
		for (const scope of scopes) {
			if (!(L.TOKEN_SCOPES as readonly string[]).includes(scope)) {
				throw new UsageError(`--scopes: unknown scope "${scope}"; choose from ${L.TOKEN_SCOPES.join(', ')}${suggest(scope, [...L.TOKEN_SCOPES])}`);
			}
		}
		await withDb(io, async ({ db }) => {
			const org = await requireOrganization(db, slug);
			const created = await L.createApiToken(db, org.id, null, { name, scopes });
			io.out(`Created API token "${created.name}" for ${slug} with ${created.scopes.join(', ')}.`);
			io.out('It is shown once, below; only its hash is kept. Revoke it on the Admin → API tokens page.');
			io.out(created.token);
		});
	}
};

async function organizationsFor(db: Db, slug: string | undefined) {
	if (slug) {
		const org = await requireOrganization(db, slug);
		return [{ id: org.id, slug: org.slug }];
	}
	return (await L.listOrgIds(db)).sort((a, b) => a.slug.localeCompare(b.slug));
}

const liveRebuild: CommandSpec = {
	name: 'live:rebuild',
	summary: 'Rebuild the live store (every board) from the event log, for one organization or all.',
	flags: [{ name: 'org', value: 'slug', help: 'only this organization; all when omitted' }],
	details: [
		'Safe while servers run on PostgreSQL and Redis: events arriving during the rebuild are applied',
		'after it. Without REDIS_URL each server holds its own live store and rebuilds it on start.'
	],
	examples: [`${PROGRAM} live:rebuild`, `${PROGRAM} live:rebuild --org demo-sales-co`],
	async run(flags, io) {
		const slug = flags.org === undefined ? undefined : orgFlag(flags);
		await withDb(io, async ({ db, config }) => {
			const live = await connectLive(config);
			try {
				io.out(`Live store: ${live.kind}${config.redisUrl ? ` (${withoutPassword(config.redisUrl)})` : ' (in this process)'}`);
				const orgs = await organizationsFor(db, slug);
				const started = Date.now();
				const rows: string[][] = [];
				let events = 0;
				for (const org of orgs) {
					const t0 = Date.now();
					await L.rebuildOrg({ db, live }, org.id);
					const ms = Date.now() - t0;
					const count = (await L.eventIds(db, org.id, Number.MAX_SAFE_INTEGER)).length;
					const boards = (await live.boardKeys(org.id)).length;
					events += count;
					rows.push([org.slug, `${fmt(count)} events`, `${fmt(boards)} boards`, `${fmt(ms)} ms`]);
				}
				printTable(io, rows);
				io.out(`Rebuilt ${orgs.length} organization${orgs.length === 1 ? '' : 's'} (${fmt(events)} events) in ${fmt(Date.now() - started)} ms.`);
				if (live.kind === 'memory') io.out(MEMORY_LIVE_NOTE);
			} finally {
				await live.close().catch(() => {});
			}
		});
	}
};

function printTable(io: Io, rows: string[][]) {
	if (rows.length === 0) return;
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	for (const row of rows) io.out(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   '));
}

const MAX_DRIFT_LINES = 40;

const liveVerify: CommandSpec = {
	name: 'live:verify',
	summary: 'Compare every current board of the live store with the event log; exit 3 on drift.',
	flags: [{ name: 'org', value: 'slug', help: 'only this organization; all when omitted' }],
	details: [
		'Checks the current period of every window (day, week, month, quarter, year, all), for users and',
		'teams, points and every metric. An organization whose boards are missing is rebuilt first.',
		'Without REDIS_URL the live store is in each server process, so this can only check that the',
		'event log rebuilds cleanly; run it with REDIS_URL to check what servers serve.'
	],
	examples: [`${PROGRAM} live:verify`, `${PROGRAM} live:verify --org demo-sales-co || ${PROGRAM} live:rebuild --org demo-sales-co`],
	async run(flags, io) {
		const slug = flags.org === undefined ? undefined : orgFlag(flags);
		return withDb(io, async ({ db, config }) => {
			const live = await connectLive(config);
			try {
				const orgs = await organizationsFor(db, slug);
				let drifting = 0;
				let boards = 0;
				for (const org of orgs) {
					const result = await L.verifyOrg({ db, live }, org.id);
					boards += result.boards;
					if (result.drift.length === 0) {
						io.out(`${org.slug}: ${fmt(result.boards)} boards checked, no drift`);
						continue;
					}
					drifting++;
					io.out(`${org.slug}: ${fmt(result.boards)} boards checked, ${fmt(result.drift.length)} entries drift:`);
					const labels = await memberLabels(db, org.id);
					for (const d of result.drift.slice(0, MAX_DRIFT_LINES)) {
						const who = labels.get(d.member) ?? d.member;
						io.out(`  ${d.key}  ${who}: log ${d.expected ?? 'absent'}, live ${d.live ?? 'absent'}`);
					}
					if (result.drift.length > MAX_DRIFT_LINES) io.out(`  … and ${fmt(result.drift.length - MAX_DRIFT_LINES)} more`);
				}
				io.out(
					drifting
						? `Drift in ${drifting} of ${orgs.length} organization${orgs.length === 1 ? '' : 's'}: repair with ${PROGRAM} live:rebuild${slug ? ` --org ${slug}` : ''}.`
						: `No drift: ${fmt(boards)} boards in ${orgs.length} organization${orgs.length === 1 ? '' : 's'} match the event log.`
				);
				if (live.kind === 'memory') io.out(MEMORY_LIVE_NOTE);
				return drifting ? 3 : 0;
			} finally {
				await live.close().catch(() => {});
			}
		});
	}
};

async function memberLabels(db: Db, organizationId: string) {
	const [members, teams] = await Promise.all([L.listMembers(db, organizationId), L.listTeams(db, organizationId)]);
	const out = new Map<string, string>();
	for (const m of members) out.set(m.user_id, `${m.name} (${m.user_id})`);
	for (const t of teams) out.set(t.id, `team ${t.name} (${t.id})`);
	return out;
}

const demoSeed: CommandSpec = {
	name: 'demo:seed',
	summary: 'Seed the demo organization (demo-sales-co) with 90 days of history, if it is absent.',
	flags: [],
	details: [
		'Idempotent: an existing demo organization is left alone, or gets its history if it has none.',
		'Works on the embedded database (with the server stopped) and on DATABASE_URL, which the server',
		'never seeds by itself. Everyone in it signs in with the password podium-demo-2026.'
	],
	examples: [`${PROGRAM} demo:seed`, `DATABASE_URL=postgres://podium@db.internal:5432/podium REDIS_URL=redis://cache:6379 ${PROGRAM} demo:seed`],
	async run(_flags, io) {
		await withDb(io, async ({ db, config }) => {
			// With Redis the boards are shared: rebuild them now. An in-process store is the server's own.
			const live = config.redisUrl ? await connectLive(config) : undefined;
			try {
				const outcome = await L.seedDemo(db, { live });
				const seconds = (outcome.ms / 1000).toFixed(1);
				if (outcome.status === 'created') {
					io.out(`Seeded the demo organization Demo Sales Co (demo-sales-co): 4 teams, 28 people and ${fmt(outcome.events)} events over ${L.DEMO_HISTORY_DAYS} days, in ${seconds} s.`);
				} else if (outcome.status === 'history-added') {
					io.out(`Added ${L.DEMO_HISTORY_DAYS} days of history (${fmt(outcome.events)} events) to the existing demo organization, in ${seconds} s.`);
				} else {
					io.out('The demo organization is seeded already: nothing changed.');
				}
				io.out(`Sign in with ${outcome.credentials.email} / ${outcome.credentials.password} (a leader: ${outcome.credentials.leaderEmail}, a rep: ${outcome.credentials.repEmail}).`);
				if (outcome.status !== 'present') {
					io.out(
						live
							? 'Its boards were rebuilt in Redis.'
							: 'Its boards are built from the event log when the server starts (a running server on DATABASE_URL picks a new organization up within seconds; restart it for added history).'
					);
				}
			} finally {
				await live?.close().catch(() => {});
			}
		});
	}
};

// ---------------------------------------------------------------------------------------------------
// simulate: realistic events through the public API, for demos and TV events.

const TOKEN_RE = /^pod_[a-km-np-z2-9]{32}$/;
const CUSTOMERS = ['Hangzhou Lianhe Logistics', 'Nordic Timber AB', 'Chengdu Panda Foods', 'Atlas Freight GmbH', 'Wuhan Optics', 'Helios Solar', 'Orchid Software', 'Lotus Pharmacy Chain', 'Tianjin Steelworks', 'Blue Lake Clinics'];
const PRODUCTS = ['annual licence', '3-year licence', 'expansion', 'pilot', 'renewal'];

interface SimMember {
	id: string;
	name: string;
	email: string;
	externalId: string | null;
	team: string | null;
}

interface SimEvent {
	id: string;
	metric: string;
	user: string;
	value: number;
	note?: string;
}

/** Builds batches of plausible events: mostly calls and meetings, sometimes a won deal with its revenue. */
export class EventFaker {
	private n = 0;
	private readonly recent: SimEvent[] = [];
	private readonly weights: { member: SimMember; activity: number; skill: number }[];
	private readonly total: number;

	constructor(
		members: SimMember[],
		private readonly runId: string,
		private readonly rand: () => number = Math.random,
		/** Share of events re-sent as a retry would, to show deduplication at work. */
		private readonly retryShare = 0.01
	) {
		this.weights = members.map((member) => {
			let h = 2166136261;
			for (const ch of member.id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
			const u = (h >>> 0) / 4294967296;
			return { member, activity: 0.6 + 0.8 * u, skill: 0.5 + ((u * 7919) % 1) };
		});
		this.total = this.weights.reduce((s, w) => s + w.activity, 0);
	}

	private pick() {
		let r = this.rand() * this.total;
		for (const w of this.weights) if ((r -= w.activity) <= 0) return w;
		return this.weights[this.weights.length - 1];
	}

	/** At least `count` events (a deal brings two or three), including an occasional retry. */
	next(count: number): SimEvent[] {
		const out: SimEvent[] = [];
		while (out.length < count) {
			if (this.recent.length > 20 && this.rand() < this.retryShare) {
				out.push(this.recent[Math.floor(this.rand() * this.recent.length)]);
				continue;
			}
			const w = this.pick();
			const user = w.member.externalId ?? w.member.email;
			const id = () => `sim-${this.runId}-${++this.n}`;
			const r = this.rand();
			const made: SimEvent[] = [];
			if (r < 0.74) made.push({ id: id(), metric: 'call', user, value: 1 });
			else if (r < 0.92 - 0.04 * (w.skill - 1)) made.push({ id: id(), metric: 'meeting', user, value: 1 });
			else {
				const customer = CUSTOMERS[Math.floor(this.rand() * CUSTOMERS.length)];
				const note = `${customer} · ${PRODUCTS[Math.floor(this.rand() * PRODUCTS.length)]}`;
				// 20,000 to 500,000 CNY, most deals small, better reps closing bigger ones; in fen.
				const cny = Math.round((20_000 * Math.exp(Math.log(25) * Math.pow(this.rand(), 2.2 - 0.6 * w.skill))) / 100) * 100;
				made.push({ id: id(), metric: 'deal', user, value: 1, note });
				made.push({ id: id(), metric: 'revenue', user, value: Math.min(500_000, cny) * 100, note });
				if (this.rand() < 0.6) made.push({ id: id(), metric: 'new_customer', user, value: 1, note: customer });
			}
			for (const e of made) {
				out.push(e);
				this.recent.push(e);
				if (this.recent.length > 500) this.recent.shift();
			}
		}
		return out;
	}
}

function percentile(sorted: number[], p: number) {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function apiFetch(url: URL, init: RequestInit): Promise<Response> {
	try {
		return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
	} catch (error) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		const why = cause?.code ?? cause?.message ?? (error as Error).message;
		throw new CliError(`cannot reach ${url.origin} (${why}): is the server running? npm run dev serves port 5173, npm start port 3000; point --url at it.`);
	}
}

async function fetchMembers(base: URL, token: string) {
	const res = await apiFetch(new URL('/api/v1/members', base), { headers: { authorization: `Bearer ${token}` } });
	const body = (await res.json().catch(() => ({}))) as { error?: string; organization?: { slug: string }; members?: SimMember[] };
	if (res.status === 401 || res.status === 403) throw new CliError(`the server refused the token (${res.status}): ${body.error ?? res.statusText}`);
	if (res.status === 404) throw new CliError(`${base.origin} has no /api/v1/members: is it Podium, and up to date?`);
	if (!res.ok || !Array.isArray(body.members)) throw new CliError(`GET /api/v1/members answered ${res.status}${body.error ? `: ${body.error}` : ''}`);
	return { organization: body.organization, members: body.members };
}

const simulate: CommandSpec = {
	name: 'simulate',
	summary: 'Post realistic events through the public API at a steady rate, for demos and TV events.',
	flags: [
		{ name: 'org', value: 'slug', required: true, help: 'the organization to score for' },
		{ name: 'rate', value: 'events/s', required: true, help: 'events per second, 0.1 to 20,000' },
		{ name: 'duration', value: 'seconds', help: 'stop after this long; runs until Ctrl-C when omitted' },
		{ name: 'url', value: 'url', help: 'the server, default http://localhost:5173 (npm run dev); npm start listens on 3000' },
		{ name: 'token', value: 'pod_…', help: 'an API token with events:write and leaderboards:read; created (and revoked at the end) when omitted, which needs database access' }
	],
	details: [
		'Events go to POST /api/v1/events in batches about every 100 ms, for the organization\'s members',
		'that are in a team: mostly calls and meetings, sometimes a won deal with its revenue (20,000 to',
		'500,000 CNY) and a new customer. About 1% are re-sent, as a flaky CRM would, and come back as',
		'duplicates. Every 5 seconds a line shows what was sent, accepted, duplicate and rejected, and the',
		'request latency. Ctrl-C stops it and prints the totals.',
		'On the embedded database the server holds the database, so pass --token (create one on the',
		'Admin → API tokens page, or with token:create while the server is stopped).'
	],
	examples: [
		`${PROGRAM} simulate --org demo-sales-co --rate 20 --token pod_…`,
		`${PROGRAM} simulate --org demo-sales-co --rate 500 --duration 60 --url http://localhost:3000`
	],
	async run(flags, io) {
		const slug = orgFlag(flags);
		const rate = numberFlag(flags, 'rate', 0.1, 20_000)!;
		const duration = numberFlag(flags, 'duration', 1, 7 * 24 * 3600);
		let base: URL;
		try {
			base = new URL(flags.url ?? 'http://localhost:5173');
			if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('protocol');
		} catch {
			throw new UsageError(`--url "${flags.url}" is not an http(s) URL like http://localhost:5173`);
		}
		let token = flags.token?.trim();
		if (token !== undefined && !TOKEN_RE.test(token)) throw new UsageError('--token is not an API token: they look like pod_ and 32 letters and digits');

		// Without a token: make one for this run, and revoke it when the run ends.
		let temporary: { ctx: Context; organizationId: string; tokenId: string } | undefined;
		if (!token) {
			const ctx = await openContext(io, 'Or pass --token with an API token (Admin → API tokens) and no database access is needed.');
			try {
				const org = await requireOrganization(ctx.db, slug);
				const created = await L.createApiToken(ctx.db, org.id, null, { name: `simulate ${new Date().toISOString().slice(0, 19)}`, scopes: ['events:write', 'leaderboards:read'] });
				token = created.token;
				temporary = { ctx, organizationId: org.id, tokenId: created.id };
				io.out('Created a temporary API token for this run; it is revoked when the run ends.');
			} catch (error) {
				await ctx.handle.close().catch(() => {});
				throw error;
			}
		}
		try {
			return await runSimulation(io, { base, token, slug, rate, duration });
		} finally {
			if (temporary) {
				const { db } = temporary.ctx;
				const { organizationId, tokenId } = temporary;
				try {
					await L.revokeApiToken(db, organizationId, tokenId);
					await L.recordAudit(db, { organizationId, actorId: null, action: 'token.revoked', targetType: 'token', targetId: tokenId, data: { via: 'cli' } });
				} catch (error) {
					io.err(`warning: could not revoke the temporary token: ${(error as Error).message}`);
				}
				await temporary.ctx.handle.close().catch(() => {});
			}
		}
	}
};

interface SimTotals {
	sent: number;
	accepted: number;
	duplicates: number;
	rejected: number;
	failed: number;
	requests: number;
	latencies: number[];
}

const emptyTotals = (): SimTotals => ({ sent: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0, requests: 0, latencies: [] });

async function runSimulation(io: Io, opts: { base: URL; token: string; slug: string; rate: number; duration: number | undefined }): Promise<number> {
	const { organization, members } = await fetchMembers(opts.base, opts.token);
	if (organization && organization.slug !== opts.slug) {
		throw new CliError(`the token belongs to ${organization.slug}, not ${opts.slug}`);
	}
	const inTeams = members.filter((m) => m.team);
	const pool = inTeams.length ? inTeams : members;
	if (pool.length === 0) throw new CliError(`${opts.slug} has no active members to score for: add some with user:create`);
	const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
	const faker = new EventFaker(pool, runId);
	const endpoint = new URL('/api/v1/events', opts.base);
	io.out(
		`Simulating ${fmt(opts.rate)} events/s for ${pool.length} members of ${opts.slug} at ${endpoint.origin}${opts.duration ? ` for ${fmt(opts.duration)} s` : ''}; Ctrl-C stops.`
	);

	const TICK_MS = 100;
	const REPORT_MS = 5_000;
	const MAX_IN_FLIGHT = 8;
	const MAX_BATCH = 1_000;
	const total = emptyTotals();
	let interval = emptyTotals();
	const errors = new Map<string, number>();
	let inFlight = 0;
	let generated = 0;
	let behind = 0;
	let fatal: CliError | undefined;
	let stopping = false;
	const started = performance.now();
	let lastReport = started;

	const noteError = (message: string) => {
		if (!errors.has(message)) io.err(`  ${message}`);
		errors.set(message, (errors.get(message) ?? 0) + 1);
	};

	const post = async (events: SimEvent[]) => {
		inFlight++;
		const t0 = performance.now();
		const add = (f: (t: SimTotals) => void) => {
			f(total);
			f(interval);
		};
		add((t) => (t.sent += events.length));
		try {
			const res = await fetch(endpoint, {
				method: 'POST',
				headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ events }),
				signal: AbortSignal.timeout(30_000)
			});
			const body = (await res.json().catch(() => ({}))) as {
				accepted?: number;
				duplicates?: number;
				rejected?: number;
				error?: string;
				results?: { status: string; error?: string }[];
			};
			const ms = performance.now() - t0;
			add((t) => {
				t.requests++;
				t.latencies.push(ms);
			});
			if (res.status === 401 || res.status === 403) {
				fatal = new CliError(`the server refused the token (${res.status}): ${body.error ?? res.statusText}`);
				add((t) => (t.failed += events.length));
				return;
			}
			if (!res.ok) {
				add((t) => (t.failed += events.length));
				noteError(`POST /api/v1/events answered ${res.status}${body.error ? `: ${body.error}` : ''}`);
				return;
			}
			add((t) => {
				t.accepted += body.accepted ?? 0;
				t.duplicates += body.duplicates ?? 0;
				t.rejected += body.rejected ?? 0;
			});
			for (const r of body.results ?? []) if (r.status === 'rejected' || r.status === 'conflict') noteError(`rejected: ${r.error ?? r.status}`);
		} catch (error) {
			add((t) => (t.failed += events.length));
			const cause = (error as { cause?: { code?: string } }).cause;
			noteError(`POST /api/v1/events failed: ${cause?.code ?? (error as Error).message}`);
		} finally {
			inFlight--;
		}
	};

	const line = (label: string, t: SimTotals, seconds: number) => {
		const sorted = [...t.latencies].sort((a, b) => a - b);
		const latency = sorted.length
			? `latency p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`
			: 'no answers yet';
		const parts = [
			`${label} sent ${fmt(t.sent)} (${(t.sent / Math.max(seconds, 0.001)).toFixed(1)}/s)`,
			`accepted ${fmt(t.accepted)}`,
			`duplicates ${fmt(t.duplicates)}`,
			`rejected ${fmt(t.rejected)}`,
			...(t.failed ? [`failed ${fmt(t.failed)}`] : []),
			latency
		];
		io.out(parts.join(', '));
	};

	const tick = () => {
		const now = performance.now();
		const elapsed = (now - started) / 1000;
		if (opts.duration !== undefined && elapsed >= opts.duration) stopping = true;
		if (!stopping && !fatal) {
			const until = opts.duration === undefined ? elapsed : Math.min(elapsed, opts.duration);
			let due = Math.floor(opts.rate * until) - generated;
			// More than 5 s behind: the server cannot keep up; skip ahead rather than pile up.
			const backlog = opts.rate * 5;
			if (due > backlog) {
				behind += due - backlog;
				generated += due - backlog;
				due = backlog;
			}
			while (due > 0 && inFlight < MAX_IN_FLIGHT) {
				const events = faker.next(Math.min(due, MAX_BATCH - 2));
				generated += events.length;
				due -= events.length;
				void post(events);
			}
		}
		if (now - lastReport >= REPORT_MS) {
			line(`[${Math.round(elapsed).toString().padStart(4)} s]`, interval, (now - lastReport) / 1000);
			interval = emptyTotals();
			lastReport = now;
		}
	};

	let interrupted = 0;
	const onSignal = () => {
		interrupted++;
		if (interrupted > 1) process.exit(130);
		stopping = true;
		io.err('Stopping: waiting for requests in flight (Ctrl-C again to quit now)…');
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	try {
		const timer = setInterval(tick, TICK_MS);
		tick();
		await new Promise<void>((done) => {
			const check = setInterval(() => {
				if ((stopping || fatal) && inFlight === 0) {
					clearInterval(check);
					done();
				}
			}, 20);
		});
		clearInterval(timer);
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
	const seconds = (performance.now() - started) / 1000;
	line(`Total after ${seconds.toFixed(1)} s:`, total, seconds);
	if (behind) io.out(`The server could not keep up: ${fmt(behind)} events were skipped rather than queued.`);
	if (errors.size) {
		io.out('Problems:');
		for (const [message, count] of errors) io.out(`  ${fmt(count)} × ${message}`);
	}
	if (fatal) throw fatal;
	return total.sent > 0 && total.accepted + total.duplicates === 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------
// Entry

export const COMMANDS: CommandSpec[] = [orgCreate, userCreate, tokenCreate, liveRebuild, liveVerify, demoSeed, simulate];

const consoleIo: Io = {
	out: (line = '') => process.stdout.write(`${line}\n`),
	err: (line = '') => process.stderr.write(`${line}\n`)
};

/** Runs the CLI with the arguments after the script name; resolves to the exit code. */
export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
	const [name, ...rest] = argv;
	try {
		if (name === undefined) {
			io.err(overallHelp());
			return 2;
		}
		if (name === '--help' || name === '-h' || name === 'help') {
			const topic = rest[0] && COMMANDS.find((c) => c.name === rest[0]);
			if (rest[0] && !topic) throw new UsageError(`unknown command "${rest[0]}"${suggest(rest[0], COMMANDS.map((c) => c.name))}`);
			io.out(topic ? commandHelp(topic) : overallHelp());
			return 0;
		}
		const command = COMMANDS.find((c) => c.name === name);
		if (!command) {
			if (name.startsWith('-')) throw new UsageError(`expected a command before ${name}`);
			throw new UsageError(`unknown command "${name}"${suggest(name, COMMANDS.map((c) => c.name))}`);
		}
		if (rest.includes('--help') || rest.includes('-h')) {
			io.out(commandHelp(command));
			return 0;
		}
		const flags = parseFlags(command, rest);
		L ??= await loadLib();
		return (await command.run(flags, io)) ?? 0;
	} catch (error) {
		if (error instanceof UsageError) {
			const command = error.command ?? (COMMANDS.some((c) => c.name === name) ? name : undefined);
			io.err(`error: ${error.message}`);
			io.err(command ? `Run "${PROGRAM} ${command} --help" for its flags.` : `Run "${PROGRAM} --help" for the commands.`);
			return 2;
		}
		if (error instanceof CliError) {
			io.err(`error: ${error.message}`);
			return error.exitCode;
		}
		const refusal = L && (error instanceof L.AppError || error instanceof L.ValidationError) ? explain(error) : undefined;
		if (refusal) {
			io.err(`error: ${refusal}`);
			return 1;
		}
		// Not the user's doing: say what failed; the stack only with LOG_LEVEL=debug.
		io.err(`error: ${(error as Error)?.message ?? String(error)}`);
		if (debug && error instanceof Error && error.stack) io.err(error.stack);
		else io.err('(LOG_LEVEL=debug shows the details)');
		return 1;
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
			// Open handles (a Redis socket, an idle keep-alive) must not keep a finished command alive.
			setTimeout(() => process.exit(code), 50).unref();
		},
		(error) => {
			console.error(error);
			process.exit(1);
		}
	);
}
