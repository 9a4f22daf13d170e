// Home, end to end: a rep opens their home page and watches it move live, without a reload, as calls
// are logged elsewhere: today's figures, their rank on the month's board, and who to pass next when a
// colleague overtakes them. The admin's home is the organization's version (top movers today). Then
// screenshots of both at phone and laptop sizes, in English and Chinese, saved to artifacts/screenshots/
// (each checked for sideways scrolling).
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVE, expectLive, inviteRep, joinAsRep, logCalls, newAdmin, setLocale, signUp, uniqueSuffix, visit, type Locale } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

test("a rep's home moves live: today's figures, rank, and who to pass next", async ({ browser, baseURL }) => {
	test.setTimeout(240_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Home'));
	await admin.goto('/admin/teams');
	const team = `Closers ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();
	const rep = { name: `Hana Home ${id}`, email: `hana+${id}@example.com` };
	const rival = { name: `Rui Rival ${id}`, email: `rui+${id}@example.com` };
	const repSide = await joinAsRep(browser, await inviteRep(admin, rep, team), rep);
	const rivalSide = await joinAsRep(browser, await inviteRep(admin, rival, team), rival);
	await rivalSide.context.close();

	// Nothing yet this month: the home says how to get on the board.
	const page = repSide.page;
	await visit(page, '/');
	await expectLive(page);
	const hero = page.getByTestId('home-hero');
	await expect(hero).toContainText('Not on the board yet this month');
	await expect(page.getByTestId('home-figure-points')).toContainText('0');

	// Calls logged elsewhere move the open home page: the figures at once, then the rank.
	await visit(admin, '/leaderboards?board=call&window=day');
	await expectLive(admin);
	await logCalls(admin, 3, rep.name);
	await expect(page.getByTestId('home-figure-points').locator('.value')).toHaveText('3', LIVE);
	await expect(page.getByTestId('home-figure-call').locator('.value')).toHaveText('3', LIVE);
	await expect(page.getByTestId('home-rank')).toHaveText('#1', LIVE);
	await expect(hero).toContainText('You lead this month');

	// A colleague overtakes: the rank falls and the home says what it takes to pass them back.
	await logCalls(admin, 5, rival.name);
	await expect(page.getByTestId('home-rank')).toHaveText('#2', LIVE);
	await expect(hero).toContainText(`3 points to pass ${rival.name}`);
	await expect(page.getByTestId('home-month-points')).toHaveText('3 points this month');

	// The admin's home is the organization's version: today's top movers, the rival first.
	await visit(admin, '/');
	await expect(admin.getByTestId('home-team-points')).toHaveText('8');
	await expect(admin.locator('.movers li').first()).toContainText(rival.name);

	// Screenshots, in both languages, at phone and laptop sizes.
	mkdirSync(OUT, { recursive: true });
	for (const locale of ['en', 'zh-CN'] as Locale[]) {
		for (const [who, side] of [
			['rep', repSide],
			['admin', { context: adminContext, page: admin }]
		] as const) {
			await setLocale(side.context, baseURL!, locale);
			for (const [name, size] of [
				['phone', { width: 390, height: 844 }],
				['laptop', { width: 1366, height: 768 }]
			] as const) {
				await side.page.setViewportSize(size);
				await visit(side.page, '/');
				await expect(side.page.getByTestId('home-hero')).toBeVisible();
				const sideways = await side.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
				expect(sideways, `${locale} ${who} ${name}: no sideways scrolling`).toBeLessThanOrEqual(0);
				await side.page.screenshot({ path: `${OUT}home-${who}-${locale}-${name}.png`, fullPage: true });
			}
		}
	}
	await repSide.context.close();
	await adminContext.close();
});
