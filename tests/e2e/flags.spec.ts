// Anti-gaming flags, end to end: a rep self-reports five calls with the same note; their leader finds
// nothing yet, scans now, sees the flag (and the count on their home), opens its events and dismisses it
// with a reason. Screenshots of the flags page (a flag, the empty state) and of a flag's events in
// English and Chinese at phone and laptop sizes, saved to artifacts/screenshots/ (each checked for
// sideways scrolling).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTeam, hydrated, inviteRep, joinAsRep, newAdmin, signUp, uniqueSuffix, visit } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const SIZES = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 768 } } as const;

async function shoot(page: Page, name: string) {
	mkdirSync(OUT, { recursive: true });
	for (const [size, viewport] of Object.entries(SIZES)) {
		await page.setViewportSize(viewport);
		await page.evaluate(() => document.fonts.ready);
		await page.waitForTimeout(400);
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name} at ${size} scrolls sideways`).toBe(true);
		await page.screenshot({ path: `${OUT}flags-${name}-${size}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
	}
	await page.setViewportSize(SIZES.laptop);
}

/** Invites a leader of `team`, has them join in their own browser, and makes them the team's leader. */
async function addLeader(browser: Browser, admin: Page, leader: { name: string; email: string }, team: string) {
	await visit(admin, '/admin/members');
	const form = admin.locator('form[action="?/invite"]');
	await form.locator('input[name="email"]').fill(leader.email);
	await form.locator('select[name="role"]').selectOption('leader');
	await form.locator('select[name="teamId"]').selectOption({ label: team });
	await form.locator('button').click();
	const link = await admin.getByTestId('invitation-link').inputValue();
	const joined = await joinAsRep(browser, link, leader);
	await visit(admin, '/admin/teams');
	const row = admin.locator('.teams li', { hasText: team }).first();
	await row.locator('summary').click();
	const update = row.locator('form[action="?/update"]');
	await update.getByLabel(leader.name).check();
	await update.locator('button').click();
	await expect(row).toContainText(leader.name);
	return joined;
}

async function switchLocale(page: Page, locale: 'en' | 'zh-CN', heading: string) {
	await page.locator(`button[name="locale"][value="${locale}"]:visible`).first().click();
	await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
	await hydrated(page);
}

test('a leader scans, sees a flag, opens its events and dismisses it with a reason', async ({ browser, baseURL }) => {
	test.setTimeout(300_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Flags'));
	const team = `Closers ${id}`;
	await createTeam(admin, team);
	const rep = { name: `Rita Rep ${id}`, email: `rita+${id}@example.com` };
	const repSide = await joinAsRep(browser, await inviteRep(admin, rep, team), rep);
	const leaderSide = await addLeader(browser, admin, { name: `Leo Leader ${id}`, email: `leo+${id}@example.com` }, team);
	const leader = leaderSide.page;

	// The rep self-reports five calls with the same note, and one with another (through the quick log's action).
	await visit(repSide.page, '/');
	const profile = (await repSide.page.locator('nav a[href^="/people/"]').first().getAttribute('href'))!;
	const repId = profile.split('/').pop()!;
	for (const note of ['Called the client about the renewal', 'Called the client about the renewal', 'called the client about the renewal.', 'Called the client about the renewal', 'Called the client about the renewal', 'Demo for a new prospect']) {
		const res = await repSide.page.request.post('/leaderboards?/log', { form: { userId: repId, metric: 'call', value: '1', note, key: crypto.randomUUID() }, headers: { origin: baseURL! } });
		expect(res.ok()).toBe(true);
	}

	// Nothing flagged yet: the empty state. Team analytics links here.
	await visit(leader, '/team/analytics');
	await leader.getByTestId('flags-link').click();
	await expect(leader.getByRole('heading', { level: 1, name: 'Flags to review' })).toBeVisible();
	await hydrated(leader);
	await expect(leader.getByTestId('flags-empty')).toContainText('No open flags');
	await shoot(leader, 'empty-en');

	// Scan now: one flag, for the repeated note.
	await leader.getByTestId('scan-now').click();
	await expect(leader.getByRole('status').filter({ hasText: 'Scan done: 1 new flag.' })).toBeVisible();
	const card = leader.getByTestId('flag');
	await expect(card).toHaveCount(1);
	await expect(card).toHaveAttribute('data-kind', 'duplicate_notes');
	await expect(card).toContainText(rep.name);
	await expect(card).toContainText('Same note repeated');
	await expect(card).toContainText('“Called the client about the renewal” on 5 events');
	// Scanning again finds nothing new.
	await leader.getByTestId('scan-now').click();
	await expect(leader.getByRole('status').filter({ hasText: 'Scan done: nothing new.' })).toBeVisible();
	await expect(card).toHaveCount(1);
	await shoot(leader, 'leader-en');

	// The leader's home says there is one to review.
	await visit(leader, '/');
	await expect(leader.getByText('Flags to review in your reps’ events: 1')).toBeVisible();
	await visit(leader, '/team/flags');
	await switchLocale(leader, 'zh-CN', '待核查标记');
	await expect(leader.getByTestId('flag')).toContainText('重复相同备注');
	await shoot(leader, 'leader-zh-CN');
	await leader.getByTestId('flag-events').click();
	await expect(leader.getByTestId('flag-events-table').locator('tbody tr')).toHaveCount(5);
	await hydrated(leader);
	await shoot(leader, 'events-zh-CN');
	await switchLocale(leader, 'en', 'Same note repeated');

	// Its events: the five receipt lines with the note, entered by the rep by hand.
	const rows = leader.getByTestId('flag-events-table').locator('tbody tr');
	await expect(rows).toHaveCount(5);
	await expect(rows.first()).toContainText('Logged by hand');
	await expect(rows.first()).toContainText(rep.name);
	await shoot(leader, 'events-en');

	// Dismiss with a reason.
	const dismiss = leader.getByTestId('dismiss');
	await dismiss.getByRole('textbox', { name: 'Reason for dismissing' }).fill('Renewal week: the same call to many contacts.');
	await dismiss.getByRole('button', { name: 'Dismiss flag' }).click();
	await expect(leader.getByRole('status').filter({ hasText: 'Flag dismissed.' })).toBeVisible();
	await expect(leader.getByTestId('flag-detail')).toHaveAttribute('data-status', 'dismissed');
	await expect(leader.getByTestId('flag-detail')).toContainText('Renewal week: the same call to many contacts.');

	// Nothing open any more; the dismissed one keeps its reason.
	await visit(leader, '/team/flags');
	await expect(leader.getByTestId('flags-empty')).toBeVisible();
	await visit(leader, '/team/flags?status=dismissed');
	await expect(leader.getByTestId('flag')).toContainText('Dismissed by Leo Leader');
	await shoot(leader, 'dismissed-en');
	// Dark mode: the same page with the dark theme chosen.
	await leader.locator('button[name="theme"][value="dark"]:visible').first().click();
	await expect(leader.locator('html[data-theme="dark"]')).toHaveCount(1);
	await shoot(leader, 'dismissed-dark-en');
	await leader.locator('button[name="theme"][value="system"]:visible').first().click();

	// Reps never see flags.
	const refused = await repSide.page.goto('/team/flags');
	expect(refused?.status()).toBe(403);
	await adminContext.close();
	await repSide.context.close();
	await leaderSide.context.close();
});
