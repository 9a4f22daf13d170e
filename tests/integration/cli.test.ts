// The CLI as users run it: child processes (node --import tsx scripts/cli/index.ts …) against a throwaway
// database: an embedded one in a temporary PODIUM_DATA_DIR by default, or with DATABASE_URL a new
// database on that server (with REDIS_URL too, when set). Checks what the commands print, their exit
// codes, and what they wrote.
import '../helpers/env';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateToLatest, openDatabase, type DbHandle } from '../../src/lib/server/db';
import { uniqueSuffix, usingPostgres, usingRedis } from '../helpers/env';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN_RE = /^pod_[a-km-np-z2-9]{32}$/;

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

interface Target {
	env: Record<string, string>;
	/** Opens the target database in this process (the embedded one only while no CLI runs). */
	open(): Promise<DbHandle>;
	cleanup(): Promise<void>;
}

function cli(target: Target, args: string[], input?: string): Promise<Result> {
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v !== undefined && !/^(DATABASE_URL|REDIS_URL|PODIUM_|VITEST|NODE_ENV)/.test(k)) env[k] = v;
	}
	Object.assign(env, { LOG_LEVEL: 'warn', PODIUM_DEMO_SEED: 'off' }, target.env);
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli/index.ts', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
		child.stdin.end(input ?? '');
	});
}

async function embeddedTarget(): Promise<Target> {
	const dir = await mkdtemp(join(tmpdir(), 'podium-cli-'));
	return {
		env: { PODIUM_DATA_DIR: dir },
		async open() {
			const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
			await migrateToLatest(handle.db);
			return handle;
		},
		cleanup: () => rm(dir, { recursive: true, force: true })
	};
}

/** A database of its own on DATABASE_URL's server, so that "all organizations" means this test's. */
async function postgresTarget(): Promise<Target> {
	const base = process.env.DATABASE_URL!;
	const name = `podium_cli_${uniqueSuffix()}`;
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	await admin.query(`create database "${name}"`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	const env: Record<string, string> = { DATABASE_URL: url.toString() };
	if (usingRedis) env.REDIS_URL = process.env.REDIS_URL!;
	return {
		env,
		async open() {
			const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://' });
			await migrateToLatest(handle.db);
			return handle;
		},
		async cleanup() {
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

const lastLine = (text: string) => text.trimEnd().split('\n').pop() ?? '';

describe(`the podium CLI on ${usingPostgres ? `PostgreSQL${usingRedis ? ' and Redis' : ''}` : 'the embedded database'}`, () => {
	let target: Target;
	const slug = `acme-${uniqueSuffix()}`;
	const admin = `ops-${uniqueSuffix()}@acme.test`;
	const rep = `mia-${uniqueSuffix()}@acme.test`;
	const leader = `liu-${uniqueSuffix()}@acme.test`;

	beforeAll(async () => {
		target = usingPostgres ? await postgresTarget() : await embeddedTarget();
	}, 60_000);
	afterAll(async () => {
		await target?.cleanup();
	});

	test('org:create, user:create and token:create; the token is the last line', async () => {
		const org = await cli(target, ['org:create', '--name', 'Acme Sales', '--slug', slug, '--tz', 'Asia/Shanghai', '--admin-email', admin, '--admin-password', '-'], 'correct horse battery\n');
		expect(org, org.stderr).toMatchObject({ code: 0 });
		expect(org.stdout).toContain(`Created organization "Acme Sales" (${slug}), time zone Asia/Shanghai`);
		expect(org.stdout).toContain('deal, revenue, call, meeting, new_customer');

		const taken = await cli(target, ['org:create', '--name', 'Other', '--slug', slug, '--tz', 'UTC', '--admin-email', `x-${admin}`, '--admin-password', 'long enough password']);
		expect(taken.code).toBe(1);
		expect(taken.stderr).toContain(`the slug "${slug}" is taken`);

		const repRun = await cli(target, ['user:create', '--org', slug, '--email', rep, '--name', 'Mia Novak', '--role', 'rep', '--team', 'Inside Sales']);
		expect(repRun, repRun.stderr).toMatchObject({ code: 0 });
		expect(repRun.stdout).toContain('Created team "Inside Sales"');
		expect(repRun.stdout).toMatch(/Password \(shown once\): [a-km-np-z2-9]{16}/);

		const leaderRun = await cli(target, ['user:create', '--org', slug, '--email', leader, '--name', 'Liu Yang', '--role', 'leader', '--team', 'inside sales', '--password', 'a long passphrase']);
		expect(leaderRun, leaderRun.stderr).toMatchObject({ code: 0 });
		expect(leaderRun.stdout).toContain('as leader, leading "Inside Sales"');
		expect(leaderRun.stdout).not.toContain('Password');

		const again = await cli(target, ['user:create', '--org', slug, '--email', rep, '--name', 'Mia', '--role', 'rep', '--team', 'Inside Sales']);
		expect(again.code).toBe(1);
		expect(again.stderr).toContain('is a member of');

		const token = await cli(target, ['token:create', '--org', slug, '--name', 'CRM sync', '--scopes', 'events:write,leaderboards:read']);
		expect(token, token.stderr).toMatchObject({ code: 0 });
		expect(lastLine(token.stdout)).toMatch(TOKEN_RE);

		const unknown = await cli(target, ['token:create', '--org', 'no-such-org', '--name', 'x', '--scopes', 'leaderboards:read']);
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('no organization with the slug "no-such-org"');
		expect(unknown.stderr).not.toMatch(/\n\s+at /);
	}, 300_000);

	test('bad flags exit 2 with a message naming the flag, and no stack trace', async () => {
		const cases: [string[], string][] = [
			[['org:create', '--name', 'X', '--slug', 'x', '--tz', 'UTC', '--admin-email', 'a@b.test', '--admin-pasword', 'long enough password'], '--admin-pasword'],
			[['user:create', '--org', slug, '--email', rep, '--name', 'Mia', '--team', 'A'], 'missing required flag --role'],
			[['token:create', '--org', slug, '--name', 'x', '--scopes', 'events:read'], '--scopes: unknown scope "events:read"'],
			// The password policy of the app: repetitive, common and personal passwords are refused here too.
			[['user:create', '--org', slug, '--email', rep, '--name', 'Mia', '--role', 'rep', '--team', 'A', '--password', 'aaaaaaaaaa'], '--password must use at least 5 different characters'],
			[['org:create', '--name', 'X', '--slug', 'x', '--tz', 'UTC', '--admin-email', 'a@b.test', '--admin-password', 'Password2026!'], '--admin-password is one of the most common passwords'],
			[['user:create', '--org', slug, '--email', 'mia.novak@acme.test', '--name', 'Mia Novak', '--role', 'rep', '--team', 'A', '--password', 'MiaNovak2026'], "--password must not be based on the person's name or e-mail"]
		];
		for (const [args, message] of cases) {
			const result = await cli(target, args);
			expect(result.code, result.stderr).toBe(2);
			expect(result.stderr).toContain(message);
			expect(result.stderr).not.toMatch(/\n\s+at /);
			expect(result.stdout).toBe('');
		}
	}, 120_000);

	test('live:rebuild, then live:verify finds no drift', async () => {
		const rebuild = await cli(target, ['live:rebuild']);
		expect(rebuild, rebuild.stderr).toMatchObject({ code: 0 });
		expect(rebuild.stdout).toContain(`Live store: ${usingRedis && usingPostgres ? 'redis' : 'memory'}`);
		expect(rebuild.stdout).toMatch(new RegExp(`${slug}\\s+0 events\\s+0 boards\\s+[\\d,]+ ms`));
		const verify = await cli(target, ['live:verify', '--org', slug]);
		expect(verify, verify.stderr).toMatchObject({ code: 0 });
		expect(verify.stdout).toContain(`${slug}: `);
		expect(verify.stdout).toContain('No drift');
	}, 120_000);

	test.runIf(usingPostgres)('demo:seed seeds once, boards verify clean, and a second run changes nothing', async () => {
		const first = await cli(target, ['demo:seed']);
		expect(first, first.stderr).toMatchObject({ code: 0 });
		expect(first.stdout).toMatch(/Seeded the demo organization Demo Sales Co \(demo-sales-co\): 4 teams, 28 people and [\d,]+ events over 90 days/);
		expect(first.stdout).toContain('admin@demo.podium.test / podium-demo-2026');
		const second = await cli(target, ['demo:seed']);
		expect(second.code).toBe(0);
		expect(second.stdout).toContain('nothing changed');
		const verify = await cli(target, ['live:verify']);
		expect(verify, verify.stdout + verify.stderr).toMatchObject({ code: 0 });
		expect(verify.stdout).toMatch(/demo-sales-co: \d+ boards checked, no drift/);
		if (usingRedis) {
			// A rebuild from the command line keeps the domains' boards (the demo's contests and goals) that servers read.
			const rebuilt = await cli(target, ['live:rebuild', '--org', 'demo-sales-co']);
			expect(rebuilt, rebuilt.stderr).toMatchObject({ code: 0 });
			const handle = await target.open();
			const org = await handle.db.selectFrom('organizations').select('id').where('slug', '=', 'demo-sales-co').executeTakeFirstOrThrow();
			await handle.close();
			const { createClient } = await import('redis');
			const redis = createClient({ url: process.env.REDIS_URL });
			await redis.connect();
			try {
				const kinds = new Set<string>();
				// Boards under b: (ranked by Redis) and w: (read whole: contests).
				for await (const batch of redis.scanIterator({ MATCH: `podium:{${org.id}}:[bw]:*`, COUNT: 1000 })) {
					for (const key of batch as unknown as string[]) {
						const board = key.split(/:[bw]:/)[1] ?? '';
						if (board.startsWith('goal:')) kinds.add('goal');
						if (board.startsWith('contest:')) kinds.add('contest');
					}
				}
				expect([...kinds].sort()).toEqual(['contest', 'goal']);
			} finally {
				await redis.quit();
			}
			const again = await cli(target, ['live:verify', '--org', 'demo-sales-co']);
			expect(again, again.stdout + again.stderr).toMatchObject({ code: 0 });
		}
	}, 300_000);

	test('wrote the organization, people, team, token and audit trail', async () => {
		const handle = await target.open();
		try {
			const { db } = handle;
			const org = await db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
			expect(org.time_zone).toBe('Asia/Shanghai');
			const metrics = await db.selectFrom('metrics').select('key').where('organization_id', '=', org.id).execute();
			expect(metrics.map((m) => m.key).sort()).toEqual(['call', 'deal', 'meeting', 'new_customer', 'revenue']);
			const members = await sql<{ email: string; role: string; team: string | null; leads: string | null }>`
				select u.email, m.role, t.name as team, lt.name as leads
				from memberships m join users u on u.id = m.user_id
				left join team_members tm on tm.user_id = m.user_id and tm.organization_id = m.organization_id
				left join teams t on t.id = tm.team_id
				left join team_leaders tl on tl.user_id = m.user_id and tl.organization_id = m.organization_id
				left join teams lt on lt.id = tl.team_id
				where m.organization_id = ${org.id} order by u.email`.execute(db);
			expect(members.rows).toEqual(
				[
					{ email: admin, role: 'admin', team: null, leads: null },
					{ email: leader, role: 'leader', team: null, leads: 'Inside Sales' },
					{ email: rep, role: 'rep', team: 'Inside Sales', leads: null }
				].sort((a, b) => a.email.localeCompare(b.email))
			);
			const tokens = await db.selectFrom('api_tokens').select(['name', 'scopes', 'revoked_at']).where('organization_id', '=', org.id).execute();
			expect(tokens).toEqual([{ name: 'CRM sync', scopes: ['events:write', 'leaderboards:read'], revoked_at: null }]);
			const audit = await db.selectFrom('audit_log').select('action').where('organization_id', '=', org.id).orderBy('id').execute();
			expect(audit.map((a) => a.action)).toEqual(['organization.created', 'team.created', 'member.created', 'member.created', 'token.created']);

			// While this process holds the embedded database, the CLI refuses to open it and says who has it.
			if (!usingPostgres && process.platform === 'linux') {
				const refused = await cli(target, ['live:verify']);
				expect(refused.code).toBe(1);
				expect(refused.stderr).toContain(`can be open in one process at a time, and process ${process.pid}`);
				expect(refused.stderr).toContain('Stop the Podium server');
			}
		} finally {
			await handle.close();
		}
	}, 180_000);
});
