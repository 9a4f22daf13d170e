// Coaching analytics, end to end: a rep logs calls, opens their profile and finds their performance
// charts, which follow calls logged elsewhere live; the metric filter moves into the URL, the data
// table opens, the CSV downloads; the admin opens team analytics and finds the rep. Then screenshots of the profile and of team analytics in
// English and Chinese at phone and laptop sizes, saved to artifacts/screenshots/ (each checked for
// sideways scrolling).
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVE, createTeam, expectLive, inviteRep, joinAsRep, logCalls, newAdmin, openCallsBoard, setLocale, signUp, uniqueSuffix, visit, type Locale } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const SIZES = [
	['phone', { width: 390, height: 844 }],
	['laptop', { width: 1366, height: 768 }]
] as const;

test('a rep reads their analytics on their profile, and the admin sees the team’s', async ({ browser, baseURL }) => {
	test.setTimeout(240_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Coaching'));
	const team = `Closers ${id}`;
	await createTeam(admin, team);
	const rep = { name: `Rita Rep ${id}`, email: `rita+${id}@example.com` };
	const repSide = await joinAsRep(browser, await inviteRep(admin, rep, team), rep);
	const page = repSide.page;

	// The rep logs 5 calls (1 point each).
	await openCallsBoard(page);
	await logCalls(page, 5);

	// Their profile shows this month's points, and the charts.
	await visit(page, '/');
	const profile = (await page.locator('nav a[href^="/people/"]').first().getAttribute('href'))!;
	await visit(page, profile);
	const analytics = page.getByTestId('rep-analytics');
	await expect(analytics).toBeVisible();
	await expect(analytics.getByTestId('kpi-total')).toHaveText('5');
	await expect(analytics.locator('[data-testid$="-rank-by-week"]')).toBeVisible();
	await expect(analytics.locator('[data-testid$="-activity"] svg rect').first()).toBeAttached();

	// Live: calls the admin logs for the rep move the open profile's figures and charts, no reload.
	await expectLive(page);
	await openCallsBoard(admin);
	await logCalls(admin, 2, rep.name);
	await expect(analytics.getByTestId('kpi-total')).toHaveText('7', LIVE);

	// The metric filter goes into the URL.
	await analytics.getByRole('combobox', { name: 'Metric' }).selectOption({ label: 'Calls' });
	await expect(page).toHaveURL(/metric=call/);
	await expect(analytics.getByRole('heading', { name: 'Calls: running total' })).toBeVisible();
	// The data table opens for anyone; the CSV downloads.
	const line = analytics.locator('figure[data-testid*="-call-"]');
	await line.getByRole('button', { name: 'Table' }).click();
	await expect(line.locator('table')).toBeVisible();
	const download = page.waitForEvent('download');
	await line.getByRole('button', { name: 'CSV' }).click();
	expect((await download).suggestedFilename()).toMatch(/\.csv$/);

	// The admin's team analytics list the rep with their points.
	await visit(admin, '/team/analytics');
	await expectLive(admin);
	await expect(admin.getByRole('heading', { level: 1, name: 'Team analytics' })).toBeVisible();
	await expect(admin.getByTestId('team-reps').getByRole('row', { name: new RegExp(rep.name) })).toContainText('7');

	// Screenshots, both languages, phone and laptop.
	mkdirSync(OUT, { recursive: true });
	for (const locale of ['en', 'zh-CN'] as Locale[]) {
		// Signed in, the language is the member's own setting: chosen on the top bar's switch.
		for (const who of [page, admin]) {
			await setLocale(who.context(), baseURL!, locale);
			await visit(who, '/');
			const choice = who.locator(`button[name="locale"][value="${locale}"]`).first();
			// The switch offers the other language only.
			if (await choice.count()) await Promise.all([who.waitForNavigation(), choice.evaluate((b: HTMLButtonElement) => b.click())]);
			await expect(who.locator('html')).toHaveAttribute('lang', locale === 'en' ? 'en' : /^zh/);
		}
		for (const [name, size] of SIZES) {
			for (const [who, path, shot] of [
				[page, `${profile}?metric=call`, 'profile'],
				[admin, '/team/analytics', 'team-analytics']
			] as const) {
				await who.setViewportSize(size);
				await visit(who, path);
				// Let the first-draw animations finish.
				await who.waitForTimeout(1500);
				const sideways = await who.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
				expect(sideways, `${shot} ${locale} ${name}: no sideways scrolling`).toBeLessThanOrEqual(0);
				await who.screenshot({ path: `${OUT}coaching-${shot}-${locale}-${name}.png`, fullPage: true });
			}
		}
	}
	await repSide.context.close();
	await adminContext.close();
});
