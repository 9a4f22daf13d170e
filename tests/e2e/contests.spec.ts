// Contests, end to end: a leader builds a race to target in the builder, a rep logs calls until they win,
// and the leader's open contest page shows it live, without a reload: the score moves, the moment is
// celebrated, and the podium appears once the results are final. Then screenshots of the contest list,
// a live contest and the builder at phone, laptop and 1080p sizes, in English and Chinese, saved to
// artifacts/screenshots/ (each also checked for sideways scrolling).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVE, PASSWORD, expectLive, inviteRep, joinAsRep, logCalls, newAdmin, setLocale, signUp, uniqueSuffix, type Locale } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

/** Invites a leader of `team` on /admin/members, has them join in their own browser, and makes them the team's leader. */
async function addLeader(browser: Browser, admin: Page, leader: { name: string; email: string }, team: string) {
	await admin.goto('/admin/members');
	const form = admin.locator('form[action="?/invite"]');
	await form.locator('input[name="email"]').fill(leader.email);
	await form.locator('select[name="role"]').selectOption('leader');
	await form.locator('select[name="teamId"]').selectOption({ label: team });
	await form.locator('button').click();
	const link = await admin.getByTestId('invitation-link').inputValue();
	const joined = await joinAsRep(browser, link, leader);

	await admin.goto('/admin/teams');
	const row = admin.locator('.teams li', { hasText: team }).first();
	await row.locator('summary').click();
	const update = row.locator('form[action="?/update"]');
	await update.getByLabel(leader.name).check();
	await update.locator('button').click();
	await expect(row).toContainText(leader.name);
	return joined;
}

/** Opens the builder and waits until it runs (it posts its state once the page is live). */
async function openBuilder(page: Page) {
	await page.goto('/contests/new');
	await expect(page.locator('form.builder')).toHaveAttribute('data-ready', 'true');
}

test('a leader builds a race to target, a rep logs calls until winning, and the contest page shows the winner live', async ({ browser }) => {
	test.setTimeout(180_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Contest'));
	await admin.goto('/admin/teams');
	const team = `Closers ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();

	const rep = { name: `Rita Rep ${id}`, email: `rita+${id}@example.com` };
	const repLink = await inviteRep(admin, rep, team);
	const repSide = await joinAsRep(browser, repLink, rep);
	const leaderSide = await addLeader(browser, admin, { name: `Leo Leader ${id}`, email: `leo+${id}@example.com` }, team);
	const leader = leaderSide.page;

	// The leader builds it: a race to three calls' worth of points, one prize place, for their team, from now.
	await openBuilder(leader);
	await leader.getByLabel('Name (English)').fill(`First to three ${id}`);
	await leader.locator('label.format-choice', { hasText: 'Race to target' }).click();
	await leader.getByRole('button', { name: 'Now', exact: true }).click();
	await leader.locator('label.chip', { hasText: 'Chosen teams' }).click();
	await leader.locator('.pick label', { hasText: team }).locator('input').check();
	await leader.getByLabel('Target', { exact: true }).fill('3');
	// No grace period: the results are final as soon as the only place is taken.
	await leader.locator('input[name="graceMinutes"]').fill('0');
	await leader.locator('select[name="places"]').selectOption('1');
	await leader.locator('.prize-rows li').first().locator('input').first().fill('Team lunch');
	await leader.getByRole('button', { name: 'Schedule' }).click();
	await expect(leader).toHaveURL(/\/contests\/[0-9a-f-]{36}$/);
	const contestUrl = new URL(leader.url()).pathname;
	await expect(leader.getByRole('heading', { level: 1, name: `First to three ${id}` })).toBeVisible();
	await expectLive(leader);
	// The scheduler starts it within a second of its start, which is already past.
	await expect(leader.locator('.hero')).toHaveAttribute('data-status', 'live', LIVE);
	await expect(leader.getByTestId('standings').locator('li', { hasText: rep.name })).toBeVisible();

	// The rep sees it in their list, first among theirs, and logs calls until the target.
	await repSide.page.goto('/contests');
	await expect(repSide.page.locator(`a[href="${contestUrl}"]`)).toContainText('You’re in');
	await repSide.page.goto('/leaderboards');
	await logCalls(repSide.page, 2);

	// The leader's page moves without a reload: the rep's score and progress toward the target.
	const repRow = leader.getByTestId('standings').locator('li', { hasText: rep.name });
	await expect(repRow).toContainText('2', LIVE);
	await expect(repRow).toHaveAttribute('data-rank', '1', LIVE);
	await expect(repRow.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '67', LIVE);

	await logCalls(repSide.page, 1);
	// The moment is celebrated on the open page, naming the winner …
	const celebration = leader.getByTestId('celebration');
	await expect(celebration).toBeVisible(LIVE);
	await expect(celebration).toContainText(rep.name);
	// … and once the only place is taken the contest ends and, with no grace period, the results are final:
	// the podium shows the winner and the prize.
	await expect(leader.locator('.hero')).toHaveAttribute('data-status', /ended|final/, LIVE);
	await expect(leader.getByTestId('podium')).toContainText(rep.name, { timeout: 60_000 });
	await expect(leader.getByTestId('podium')).toContainText('Team lunch');

	await Promise.all([adminContext.close(), repSide.context.close(), leaderSide.context.close()]);
});

const VIEWPORTS = [
	{ width: 390, height: 844 },
	{ width: 1366, height: 768 },
	{ width: 1920, height: 1080 }
];

async function capture(page: Page, name: string) {
	await page.evaluate(() => document.fonts.ready);
	await page.waitForTimeout(900);
	await page.screenshot({ path: `${OUT}${name}.png` });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect.soft(overflow, `${name} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

for (const locale of ['en', 'zh-CN'] as Locale[]) {
	test(`screenshots of the contest list, a live contest and the builder (${locale})`, async ({ browser, baseURL }) => {
		test.setTimeout(240_000);
		mkdirSync(OUT, { recursive: true });
		const n = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
		const zh = locale === 'zh-CN';
		const context = await browser.newContext({ reducedMotion: 'reduce' });
		await setLocale(context, baseURL!, locale);
		const page = await context.newPage();
		await signUp(page, { organization: zh ? `示例销售公司 ${n}` : `Northwind ${n}`, name: zh ? '王小明' : 'Ada Lovelace', email: `contest-shots-${locale}-${n}@example.com`, password: PASSWORD });
		const team = zh ? '华东一组' : 'Enterprise West';
		await page.locator('form[action="?/create"] input[name="name"]').fill(team);
		await page.locator('form[action="?/create"] button').click();
		await expect(page.locator('.teams li', { hasText: team }).first()).toBeVisible();

		const reps = zh ? ['李娜', '张伟', '王芳'] : ['Grace Hopper', 'Alan Turing', 'Katherine Johnson'];
		for (const [i, name] of reps.entries()) {
			await page.goto('/admin/members');
			const form = page.locator('form[action="?/invite"]');
			await form.locator('input[name="email"]').fill(`rep${i}-${locale}-${n}@example.com`);
			await form.locator('select[name="role"]').selectOption('rep');
			await form.locator('select[name="teamId"]').selectOption({ label: team });
			await form.locator('button').click();
			const link = await page.getByTestId('invitation-link').inputValue();
			const repContext = await browser.newContext();
			await setLocale(repContext, baseURL!, locale);
			const repPage = await repContext.newPage();
			await repPage.goto(link);
			await repPage.locator('input[name="name"]').fill(name);
			await repPage.locator('input[name="password"]').fill(PASSWORD);
			await repPage.locator('form button').click();
			await expect(repPage).toHaveURL(/\/$/);
			await repContext.close();
		}

		// A live race with prizes, from now for a day.
		await openBuilder(page);
		await page.locator('input[name="nameEn"]').fill('Power hour');
		await page.locator('input[name="nameZh"]').fill('冲刺一小时');
		await page.locator('textarea[name="descriptionZh"]').fill('通话最多的人赢得午餐。');
		await page.locator('textarea[name="descriptionEn"]').fill('Most calls before the bell wins lunch on the house.');
		await page.locator('.with-button button').click();
		const prizes = page.locator('.prize-rows li');
		await prizes.nth(0).locator('input').first().fill(zh ? '团队午餐' : 'Team lunch');
		await prizes.nth(0).locator('input[type="number"]').fill('100');
		await prizes.nth(1).locator('input').first().fill(zh ? '一周咖啡' : 'Coffee for a week');
		await page.locator('button[name="status"][value="scheduled"]').click();
		await expect(page).toHaveURL(/\/contests\/[0-9a-f-]{36}$/);
		const contestUrl = new URL(page.url()).pathname;
		await expect(page.locator('.hero')).toHaveAttribute('data-status', 'live', LIVE);

		// Some calls, so that the standings have an order.
		await page.goto('/leaderboards');
		for (const [i, name] of reps.entries()) {
			const form = page.locator('form[action="?/log"]');
			const option = form.locator('select[name="userId"] option').filter({ hasText: name }).first();
			await form.locator('select[name="userId"]').selectOption((await option.getAttribute('value'))!);
			await form.locator('select[name="metric"]').selectOption('call');
			await form.locator('input[name="value"]').fill(String(12 - i * 4));
			const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/log'));
			await form.locator('button').click();
			expect((await posted).ok()).toBe(true);
			await expect(form.locator('button')).toBeEnabled();
		}

		for (const viewport of VIEWPORTS) {
			await page.setViewportSize(viewport);
			await page.goto('/contests');
			await expect(page.locator(`a[href="${contestUrl}"]`)).toBeVisible();
			await capture(page, `contests-list-${locale}-${viewport.width}`);
			await page.goto(contestUrl);
			await expect(page.getByTestId('standings').locator('li').first()).toContainText(reps[0], LIVE);
			await capture(page, `contests-live-${locale}-${viewport.width}`);
			await openBuilder(page);
			await capture(page, `contests-builder-${locale}-${viewport.width}`);
		}
		await context.close();
	});
}
