// GET /api/v1/members (what the simulator learns the reps from) and `simulate` itself, as a child
// process posting through the public API of the real app.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addApiToken, addRep, addTeam, countEvents, createOrg, type TestOrg, type TestRep } from '../helpers/scoring';
import { revokeApiToken } from '../../src/lib/server/scoring/token.repository';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let app: App;
beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);
afterAll(async () => {
	await app?.close();
});

interface Setup {
	org: TestOrg;
	team: string;
	reps: TestRep[];
	token: string;
}

async function setup(): Promise<Setup> {
	const db = app.runtime.db;
	const org = await createOrg(db);
	const team = await addTeam(db, org.organizationId, 'Hunters');
	const reps = [
		await addRep(db, org.organizationId, { teamId: team, name: 'Ann Archer', externalId: 'crm-ann' }),
		await addRep(db, org.organizationId, { teamId: team, name: 'Bob Baker' }),
		await addRep(db, org.organizationId, { teamId: null, name: 'Cy Teamless' })
	];
	const { token } = await addApiToken(db, org.organizationId);
	return { org, team, reps, token };
}

function members(token?: string) {
	return app.browser().get('/api/v1/members', token ? { authorization: `Bearer ${token}` } : {});
}

describe('GET /api/v1/members', () => {
	let s: Setup;
	beforeAll(async () => {
		s = await setup();
	});

	test('lists the active members of the token’s organization with their team', async () => {
		const res = await members(s.token);
		expect(res.status).toBe(200);
		expect(res.headers['cache-control']).toBe('no-store');
		const body = res.json();
		expect(body.organization).toEqual({ slug: s.org.slug, name: expect.any(String) });
		expect(body.members).toEqual(
			expect.arrayContaining([
				{ id: s.reps[0].userId, name: 'Ann Archer', email: s.reps[0].email, externalId: 'crm-ann', team: 'Hunters' },
				{ id: s.reps[1].userId, name: 'Bob Baker', email: s.reps[1].email, externalId: null, team: 'Hunters' },
				{ id: s.reps[2].userId, name: 'Cy Teamless', email: s.reps[2].email, externalId: null, team: null },
				{ id: s.org.adminId, name: 'Ada Admin', email: s.org.adminEmail, externalId: null, team: null }
			])
		);
		expect(body.members).toHaveLength(4);
		for (const m of body.members) expect(Object.keys(m).sort()).toEqual(['email', 'externalId', 'id', 'name', 'team']);
	});

	test('leaves out deactivated members', async () => {
		await app.runtime.db.updateTable('memberships').set({ status: 'deactivated' }).where('user_id', '=', s.reps[2].userId).execute();
		const body = (await members(s.token)).json();
		expect(body.members.map((m: { id: string }) => m.id)).not.toContain(s.reps[2].userId);
		await app.runtime.db.updateTable('memberships').set({ status: 'active' }).where('user_id', '=', s.reps[2].userId).execute();
	});

	test('401 without a token or with a bad or revoked one; 403 without leaderboards:read', async () => {
		const none = await members();
		expect(none.status).toBe(401);
		expect(none.json().error).toMatch(/Bearer/);
		expect((await members('pod_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(401);
		expect((await members('not-a-token')).status).toBe(401);
		const writeOnly = await addApiToken(app.runtime.db, s.org.organizationId, ['events:write']);
		const forbidden = await members(writeOnly.token);
		expect(forbidden.status).toBe(403);
		expect(forbidden.json().error).toContain('leaderboards:read');
		const revoked = await addApiToken(app.runtime.db, s.org.organizationId);
		await revokeApiToken(app.runtime.db, s.org.organizationId, revoked.id);
		expect((await members(revoked.token)).status).toBe(401);
	});

	test('never shows another organization’s members', async () => {
		const other = await setup();
		const body = (await members(other.token)).json();
		expect(body.organization.slug).toBe(other.org.slug);
		const ids = body.members.map((m: { id: string }) => m.id);
		for (const rep of s.reps) expect(ids).not.toContain(rep.userId);
	});
});

function simulate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(DATABASE_URL|REDIS_URL|PODIUM_|VITEST)/.test(k)) env[k] = v;
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli/index.ts', 'simulate', ...args], { cwd: ROOT, env });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

describe('npm run podium -- simulate', () => {
	test('posts events for the team members through the API and reports what the server answered', async () => {
		const s = await setup();
		// Warm the dev server's route up, so that the run measures the API rather than its first compile.
		await app.browser().request('POST', '/api/v1/events', { headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body: '{}' });
		const run = await simulate(['--org', s.org.slug, '--rate', '40', '--duration', '3', '--url', app.url, '--token', s.token]);
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(run.stdout).toContain(`for 2 members of ${s.org.slug}`);
		const total = /Total after [\d.]+ s: sent ([\d,]+) \([\d.]+\/s\), accepted ([\d,]+), duplicates ([\d,]+), rejected ([\d,]+), latency p50 \d+ ms/.exec(run.stdout);
		expect(total, run.stdout).not.toBeNull();
		const [sent, accepted, duplicates, rejected] = total!.slice(1).map((n) => Number(n.replace(/,/g, '')));
		// 120 are due in 3 s; a slow machine sends fewer (the simulator never queues more than 8 requests).
		expect(sent).toBeGreaterThanOrEqual(10);
		expect(sent).toBeLessThanOrEqual(125);
		expect(accepted + duplicates + rejected).toBe(sent);
		expect(rejected).toBe(0);
		// Only accepted events were written, all through the API, and only for reps in a team.
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(accepted);
		const rows = await app.runtime.db
			.selectFrom('score_events')
			.select(['user_id', 'source'])
			.distinct()
			.where('organization_id', '=', s.org.organizationId)
			.execute();
		expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['api']));
		for (const r of rows) expect([s.reps[0].userId, s.reps[1].userId]).toContain(r.user_id);
	}, 120_000);

	test('refuses a token of another organization, or one the server rejects, with exit 1', async () => {
		const s = await setup();
		const other = await setup();
		const wrongOrg = await simulate(['--org', other.org.slug, '--rate', '5', '--duration', '1', '--url', app.url, '--token', s.token]);
		expect(wrongOrg.code).toBe(1);
		expect(wrongOrg.stderr).toContain(`the token belongs to ${s.org.slug}, not ${other.org.slug}`);
		const bad = await simulate(['--org', s.org.slug, '--rate', '5', '--duration', '1', '--url', app.url, '--token', 'pod_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain('the server refused the token (401)');
		expect(bad.stderr).not.toMatch(/\n\s+at /);
	}, 120_000);
});
