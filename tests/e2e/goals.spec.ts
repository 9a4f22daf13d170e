// Goals, end to end: an admin sets a rep's monthly calls goal on /goals, the rep opens their goals and
// watches the attainment and pace move live as calls are logged (no reload), and reaching the target is
// celebrated. Then screenshots of the goals page at phone, laptop and 1080p sizes, in English and
// Chinese, saved to artifacts/screenshots/ (each checked for sideways scrolling).
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVE, expectLive, inviteRep, joinAsRep, logCalls, newAdmin, setLocale, signUp, uniqueSuffix, visit, type Locale } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

test('an admin sets a rep goal; the rep sees attainment and pace move live, and reaching it is celebrated', async ({ browser, baseURL }) => {
	test.setTimeout(180_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Goals'));
	await admin.goto('/admin/teams');
	const team = `Hunters ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();
	const rep = { name: `Gina Goal ${id}`, email: `gina+${id}@example.com` };
	const repSide = await joinAsRep(browser, await inviteRep(admin, rep, team), rep);

	// The admin sets the rep's goal: 10 calls this month, paced evenly over the days.
	await visit(admin, '/goals');
	await expectLive(admin);
	await admin.getByTestId('goal-new').click();
	const form = admin.getByTestId('goal-form');
	await form.getByLabel('A rep').check();
	await form.getByRole('combobox', { name: 'Rep' }).selectOption({ label: rep.name });
	await form.getByRole('combobox', { name: 'What counts' }).selectOption({ label: 'Calls' });
	await form.getByTestId('goal-target').fill('10');
	await form.getByRole('combobox', { name: 'Pace by' }).selectOption('linear');
	await form.getByTestId('goal-save').click();
	await expect(admin.getByRole('status').filter({ hasText: 'Goal saved.' })).toBeVisible();
	const adminCard = admin.locator('[data-testid=goal-card]', { hasText: rep.name });
	await expect(adminCard).toBeVisible();

	// The rep opens their goals: nothing done yet.
	const page = repSide.page;
	await visit(page, '/goals');
	await expectLive(page);
	const card = page.locator('section[aria-labelledby=g-mine] [data-testid=goal-card]');
	await expect(card.getByTestId('goal-attainment')).toHaveText('0%');
	await expect(card).toContainText('0 of 10');

	// Calls logged elsewhere (the admin's quick log) move the rep's open page, without a reload.
	await visit(admin, '/leaderboards?board=call&window=day');
	await expectLive(admin);
	await logCalls(admin, 4, rep.name);
	await expect(card.getByTestId('goal-attainment')).toHaveText('40%', LIVE);
	await expect(card).toContainText('4 of 10');
	// The admin's goals page follows too.
	await logCalls(admin, 6, rep.name);
	await expect(card.getByTestId('goal-attainment')).toHaveText('100%', LIVE);
	await expect(card).toHaveAttribute('data-state', 'reached');
	// Reaching it is the rep's own celebration.
	await expect(page.getByTestId('celebration')).toContainText('Goal reached!', LIVE);
	await page.getByRole('button', { name: 'Awesome!' }).click();

	// Screenshots of the rep's goals page, in both languages and three sizes.
	mkdirSync(OUT, { recursive: true });
	for (const locale of ['en', 'zh-CN'] as Locale[]) {
		await setLocale(repSide.context, baseURL!, locale);
		for (const [name, size] of [
			['phone', { width: 390, height: 844 }],
			['laptop', { width: 1366, height: 768 }],
			['tv', { width: 1920, height: 1080 }]
		] as const) {
			await page.setViewportSize(size);
			await visit(page, '/goals');
			const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
			expect(sideways, `${locale} ${name}: no sideways scrolling`).toBeLessThanOrEqual(0);
			await page.screenshot({ path: `${OUT}goals-${locale}-${name}.png`, fullPage: true });
		}
	}
	await repSide.context.close();
	await adminContext.close();
});
