// /admin/jobs: an admin sees the organization's jobs and the system's (failed and retrying first,
// with attempts and the last error), never another organization's; leaders and reps get 403.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { uniqueSuffix } from '../helpers/env';
import { addMember, signUpOrganization } from '../helpers/fixtures';

let app: App;

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

async function addJob(values: { kind: string; organizationId: string | null; status: 'pending' | 'failed' | 'done'; attempts: number; lastError?: string }) {
	const now = new Date();
	const row = await app.runtime.db
		.insertInto('jobs')
		.values({
			kind: values.kind,
			payload: '{}',
			organization_id: values.organizationId,
			run_at: new Date(now.getTime() + 60_000),
			status: values.status,
			attempts: values.attempts,
			max_attempts: 3,
			last_error: values.lastError ?? null,
			locked_by: null,
			locked_until: null,
			every_ms: null,
			dedupe_key: null,
			updated_at: now
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

const rowOf = (body: string, id: number) => body.match(new RegExp(`<tr[^>]*data-job="${id}"[^>]*>([\\s\\S]*?)</tr>`))?.[0];

describe('/admin/jobs', () => {
	test('an admin sees the organization’s failed and retrying jobs and the system jobs, not another organization’s', async () => {
		const admin = await signUpOrganization(app);
		const stranger = await signUpOrganization(app);
		const tag = uniqueSuffix();
		const failed = await addJob({ kind: `contest.end.${tag}`, organizationId: admin.organizationId, status: 'failed', attempts: 3, lastError: `contest ${tag} is gone` });
		const retrying = await addJob({ kind: `goal.reminder.${tag}`, organizationId: admin.organizationId, status: 'pending', attempts: 1, lastError: `smtp ${tag} timed out` });
		const foreign = await addJob({ kind: `secret.${tag}`, organizationId: stranger.organizationId, status: 'failed', attempts: 1, lastError: `other ${tag}` });

		const page = await admin.browser.get('/admin/jobs');
		expect(page.status).toBe(200);
		expect(page.body).toContain('Scheduled jobs');
		expect(page.body).toContain('href="/admin/jobs"');
		expect(rowOf(page.body, failed)).toMatch(/data-status="failed"[\s\S]*Failed[\s\S]*3 of 3[\s\S]*is gone/);
		expect(rowOf(page.body, retrying)).toMatch(/data-status="retrying"[\s\S]*Retrying[\s\S]*1 of 3[\s\S]*timed out/);
		expect(page.body.indexOf(`data-job="${failed}"`)).toBeLessThan(page.body.indexOf(`data-job="${retrying}"`));
		// The runtime's recurring reconcile is a system job every admin sees (a per-process timer when
		// each process has its own memory store on a shared PostgreSQL).
		const shared = app.runtime.live.kind === 'redis' || app.runtime.dbKind === 'pglite';
		if (shared) expect(page.body).toMatch(/Live board repair[\s\S]*Every 10 s[\s\S]*System/);
		expect(page.body).not.toContain(`secret.${tag}`);
		expect(rowOf(page.body, foreign)).toBeUndefined();
	});

	test('the page speaks Simplified Chinese', async () => {
		const admin = await signUpOrganization(app, { locale: 'zh-CN' });
		const page = await admin.browser.get('/admin/jobs');
		expect(page.status).toBe(200);
		expect(page.body).toContain('定时任务');
		if (app.runtime.live.kind === 'redis' || app.runtime.dbKind === 'pglite') expect(page.body).toContain('实时榜单修复');
	});

	test('leaders and reps may not see it, nor the link to it', async () => {
		const admin = await signUpOrganization(app);
		for (const role of ['leader', 'rep'] as const) {
			const who = await addMember(app, admin, role);
			expect((await who.browser.get('/admin/jobs')).status).toBe(403);
		}
		const leader = await addMember(app, admin, 'leader');
		const teams = await leader.browser.get('/admin/teams');
		expect(teams.status).toBe(200);
		expect(teams.body).not.toContain('href="/admin/jobs"');
	});
});
