// The CLI's argument handling, in-process: help, strict flags, exit codes and messages that name the
// flag. Nothing here opens a database: every case fails (or answers) before that.
import { describe, expect, test } from 'vitest';
import { COMMANDS, main, parseFlags, type Io } from '../../scripts/cli/index';
import { EventFaker } from '../../scripts/simulator';

async function run(...argv: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const io: Io = { out: (line = '') => out.push(line), err: (line = '') => err.push(line) };
	const code = await main(argv, io);
	return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const command = (name: string) => COMMANDS.find((c) => c.name === name)!;

describe('help', () => {
	test('--help lists every command and exits 0', async () => {
		const { code, stdout } = await run('--help');
		expect(code).toBe(0);
		for (const name of ['org:create', 'user:create', 'token:create', 'live:rebuild', 'live:verify', 'demo:seed', 'simulate']) {
			expect(stdout).toContain(name);
		}
		expect(stdout).toMatch(/one process/);
	});

	test('every command has help with its flags and an example', async () => {
		for (const c of COMMANDS) {
			const viaFlag = await run(c.name, '--help');
			expect(viaFlag.code).toBe(0);
			expect(viaFlag.stdout).toContain(`npm run podium -- ${c.name}`);
			for (const flag of c.flags) expect(viaFlag.stdout).toContain(`--${flag.name}`);
			expect(viaFlag.stdout).toMatch(/Examples?:/);
			const viaHelp = await run('help', c.name);
			expect(viaHelp).toEqual(viaFlag);
		}
	});

	test('no command prints the help on stderr and exits 2', async () => {
		const { code, stderr } = await run();
		expect(code).toBe(2);
		expect(stderr).toContain('Commands:');
	});

	test('an unknown command exits 2 and suggests the nearest one', async () => {
		const { code, stderr } = await run('live:verfy');
		expect(code).toBe(2);
		expect(stderr).toContain('unknown command "live:verfy" (did you mean live:verify?)');
	});
});

describe('strict flags', () => {
	test('an unknown flag exits 2 naming it, with a suggestion', async () => {
		const { code, stdout, stderr } = await run('org:create', '--nmae', 'Acme', '--slug', 'acme');
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toContain('unknown flag --nmae for org:create (did you mean --name?)');
		expect(stderr).toContain('npm run podium -- org:create --help');
		expect(stderr).not.toMatch(/\n\s+at /);
	});

	test('missing required flags exit 2 naming each', async () => {
		const one = await run('token:create', '--org', 'acme', '--name', 'CRM');
		expect(one.code).toBe(2);
		expect(one.stderr).toContain('missing required flag --scopes');
		const many = await run('org:create', '--name', 'Acme');
		expect(many.code).toBe(2);
		expect(many.stderr).toContain('missing required flags --slug, --tz, --admin-email, --admin-password');
	});

	test('a repeated flag, a flag without its value and a stray word exit 2', async () => {
		expect((await run('live:verify', '--org', 'a', '--org', 'b')).stderr).toContain('flag --org is given twice');
		const valueless = await run('live:verify', '--org');
		expect(valueless.code).toBe(2);
		expect(valueless.stderr).toContain('flag --org needs a value');
		expect((await run('token:create', '--org', '--name', 'x', '--scopes', 'events:write')).stderr).toContain('flag --org needs a value');
		const stray = await run('live:rebuild', 'acme');
		expect(stray.code).toBe(2);
		expect(stray.stderr).toContain('unexpected argument "acme"');
		expect((await run('demo:seed', '--force')).stderr).toContain('unknown flag --force for demo:seed');
	});

	test('--flag=value and --flag value both work', () => {
		expect(parseFlags(command('token:create'), ['--org=acme', '--name', 'CRM sync', '--scopes=events:write'])).toEqual({
			org: 'acme',
			name: 'CRM sync',
			scopes: 'events:write'
		});
	});
});

describe('values', () => {
	const org = ['--name', 'Acme', '--slug', 'acme', '--tz', 'Asia/Shanghai', '--admin-email', 'ops@acme.test', '--admin-password', 'long enough password'];
	const replace = (args: string[], flag: string, value: string) => args.map((a, i) => (args[i - 1] === flag ? value : a));

	test.each([
		['--tz', 'Mars/Olympus_Mons', /--tz "Mars\/Olympus_Mons" is not an IANA time zone/],
		['--slug', 'Acme Sales', /--slug "Acme Sales" is not a valid slug/],
		['--slug', '-acme', /--slug "-acme" is not a valid slug/],
		['--admin-email', 'not-an-email', /--admin-email "not-an-email" is not a valid e-mail/],
		['--admin-password', 'short', /--admin-password must be at least 10 characters/]
	])('org:create %s %s exits 2 naming the flag', async (flag, value, message) => {
		const { code, stderr } = await run('org:create', ...replace(org, flag, value));
		expect(code).toBe(2);
		expect(stderr).toMatch(message);
	});

	test('user:create checks the role and needs a team for reps and leaders', async () => {
		const base = ['--org', 'acme', '--email', 'mia@acme.test', '--name', 'Mia'];
		const role = await run('user:create', ...base, '--role', 'boss', '--team', 'A');
		expect(role.code).toBe(2);
		expect(role.stderr).toContain('--role must be admin, leader or rep, not "boss"');
		const team = await run('user:create', ...base, '--role', 'rep');
		expect(team.code).toBe(2);
		expect(team.stderr).toContain('missing required flag --team');
		expect((await run('user:create', ...base, '--role', 'rep', '--team', 'A', '--password', 'short')).stderr).toContain(
			'--password must be at least 10 characters'
		);
	});

	test('token:create names an unknown scope', async () => {
		const { code, stderr } = await run('token:create', '--org', 'acme', '--name', 'x', '--scopes', 'events:write,leaderbords:read');
		expect(code).toBe(2);
		expect(stderr).toContain('--scopes: unknown scope "leaderbords:read"');
		expect(stderr).toContain('did you mean leaderboards:read?');
	});

	test('simulate checks rate, duration, url and token before doing anything', async () => {
		const base = ['--org', 'demo-sales-co'];
		expect((await run('simulate', ...base, '--rate', '0')).stderr).toContain('--rate must be a number from 0.1 to 20,000, not "0"');
		expect((await run('simulate', ...base, '--rate', 'fast')).stderr).toContain('--rate must be a number');
		expect((await run('simulate', ...base, '--rate', '5', '--duration', '-1')).stderr).toContain('--duration must be a number');
		expect((await run('simulate', ...base, '--rate', '5', '--url', 'ftp://x')).stderr).toContain('--url "ftp://x" is not an http(s) URL');
		const token = await run('simulate', ...base, '--rate', '5', '--token', 'secret');
		expect(token.code).toBe(2);
		expect(token.stderr).toContain('--token is not an API token');
		expect((await run('live:verify', '--org', 'Not A Slug')).stderr).toContain('--org "Not A Slug" is not an organization slug');
	});
});

describe('the simulator', () => {
	const members = Array.from({ length: 12 }, (_, i) => ({
		id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
		name: `Rep ${i}`,
		email: `rep${i}@acme.test`,
		externalId: i === 0 ? 'crm-0' : null,
		team: 'Sales'
	}));

	function seeded(seed: number) {
		let a = seed;
		return () => {
			a = (a * 1664525 + 1013904223) % 4294967296;
			return a / 4294967296;
		};
	}

	test('makes plausible events: mostly calls, deals with revenue of 20,000 to 500,000 CNY, some retries', () => {
		const faker = new EventFaker(members, 'run1', seeded(7), 0.01);
		const events = Array.from({ length: 200 }, () => faker.next(25)).flat();
		expect(events.length).toBeGreaterThanOrEqual(5000);
		const unique = [...new Map(events.map((e) => [e.id, e])).values()];
		const byMetric = new Map<string, number>();
		for (const e of unique) byMetric.set(e.metric, (byMetric.get(e.metric) ?? 0) + 1);
		expect([...byMetric.keys()].sort()).toEqual(['call', 'deal', 'meeting', 'new_customer', 'revenue']);
		expect(byMetric.get('call')!).toBeGreaterThan(unique.length / 2);
		expect(byMetric.get('revenue')).toBe(byMetric.get('deal'));
		for (const e of events.filter((e) => e.metric === 'revenue')) {
			expect(e.value).toBeGreaterThanOrEqual(20_000 * 100);
			expect(e.value).toBeLessThanOrEqual(500_000 * 100);
			expect(Number.isInteger(e.value)).toBe(true);
		}
		const users = new Set(events.map((e) => e.user));
		expect(users.has('crm-0')).toBe(true);
		expect(users.has('rep0@acme.test')).toBe(false);
		// Retries re-send an earlier event unchanged: the server answers them as duplicates.
		const ids = events.map((e) => e.id);
		const retries = ids.length - new Set(ids).size;
		expect(retries).toBeGreaterThan(0);
		expect(retries).toBeLessThan(ids.length * 0.03);
		expect(ids.every((id) => id.startsWith('sim-run1-'))).toBe(true);
	});

	test('a batch holds at least what was asked and at most two more (a deal comes with its revenue)', () => {
		const faker = new EventFaker(members, 'run2', seeded(3));
		for (let i = 0; i < 300; i++) {
			const n = 1 + (i % 40);
			const batch = faker.next(n);
			expect(batch.length).toBeGreaterThanOrEqual(n);
			expect(batch.length).toBeLessThanOrEqual(n + 2);
		}
	});
});
