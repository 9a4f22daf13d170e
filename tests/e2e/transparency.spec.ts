// Transparency end to end: an admin switches to "ranks only, top 3 + neighbourhood" on Admin →
// Settings, and a rep's open leaderboard changes live, without a reload, to the top three and the rows
// around them, with no other rep's value. Screenshots of the settings section and the rep's restricted
// board at phone and laptop sizes, in English and Chinese, go to artifacts/screenshots/.
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { createTeam, inviteRep, joinAsRep, LIVE, logCalls, newAdmin, openCallsBoard, signUp, uniqueSuffix, visit, type Rep } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const SIZES = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 900 } } as const;

declare global {
	interface Window {
		__marker?: number;
	}
}

const rows = (page: Page) => page.locator('.board .row[data-member]');

test('ranks only, top 3 + neighbourhood: a rep’s open board shows only those rows, without values, live', async ({ page: admin, browser }) => {
	test.setTimeout(300_000);
	const owner = newAdmin('Transparent');
	const team = `Floor ${uniqueSuffix()}`;
	// Seven reps: the viewer, Vera, ends sixth, so the top 3 and one row either side of her leave out the fourth.
	const names = ['Ann', 'Bob', 'Cat', 'Dan', 'Eve', 'Vera', 'Zed'];
	const reps: Rep[] = names.map((n) => ({ name: `${n} ${uniqueSuffix()}`, email: `${n.toLowerCase()}+${uniqueSuffix()}@example.com` }));
	const calls = [7, 6, 5, 4, 3, 2, 1];
	const contexts: BrowserContext[] = [];
	try {
		await signUp(admin, owner);
		await createTeam(admin, team);
		const links: string[] = [];
		for (const rep of reps) links.push(await inviteRep(admin, rep, team));
		let vera: Page | undefined;
		for (const [i, rep] of reps.entries()) {
			const joined = await joinAsRep(browser, links[i], rep);
			contexts.push(joined.context);
			if (rep === reps[5]) vera = joined.page;
			else await joined.context.close();
		}
		const rep = vera!;

		await test.step('the admin logs calls for everyone; Vera sees the whole board with values', async () => {
			await openCallsBoard(admin);
			for (const [i, r] of reps.entries()) await logCalls(admin, calls[i], r.name);
			await openCallsBoard(rep);
			await expect(rows(rep)).toHaveCount(7, LIVE);
			await expect(rows(rep).nth(0).getByRole('button')).toHaveText('7');
			await rep.evaluate(() => (window.__marker = 1));
		});

		await test.step('the admin switches to ranks only, top 3 + 1 row around the rep', async () => {
			await visit(admin, '/admin/settings');
			const section = admin.getByTestId('transparency-settings');
			await expect(section).toContainText('Bandiera, Barankay & Rasul 2013');
			await section.getByLabel('The top N and their own neighbourhood').check();
			await section.locator('input[name="topN"]').fill('3');
			await section.locator('input[name="neighbours"]').fill('1');
			await section.getByLabel(/Reps see only ranks/).check();
			await section.getByRole('button', { name: 'Save' }).click();
			await expect(section.getByRole('status')).toHaveText('Transparency settings saved.');
		});

		await test.step('Vera’s open board changes live: ranks 1–3 and 5–7, only her own value', async () => {
			await expect(rows(rep)).toHaveCount(6, LIVE);
			await expect(rows(rep)).toHaveText([reps[0].name, reps[1].name, reps[2].name, reps[4].name, reps[5].name, reps[6].name].map((n) => new RegExp(n)));
			await expect(rep.locator('.board .row[data-member]').locator('.medal')).toHaveText(['1', '2', '3', '5', '6', '7']);
			await expect(rep.getByTestId('board-gap')).toHaveCount(1);
			// Only her own row has a value (a receipt button); the others' values are absent.
			await expect(rows(rep).getByRole('button')).toHaveCount(1);
			await expect(rows(rep).nth(4).getByRole('button')).toHaveText('2');
			await expect(rep.getByTestId('board-limited')).toContainText('You see the top 3');
			// Dan (fourth) is on no board row; the feed may say he logged calls, never how many.
			await expect(rep.locator('.board')).not.toContainText(reps[3].name);
			await expect(rep.locator('.feed')).not.toContainText('+4');
			// Without a reload: the marker set before is still there.
			expect(await rep.evaluate(() => window.__marker)).toBe(1);
			// What the server sends her holds the same rows, with null for every value but hers.
			const api = await rep.evaluate(async () => (await fetch('/api/v1/leaderboards?board=call&window=day')).json());
			expect(api.entries.map((e: { rank: number }) => e.rank)).toEqual([1, 2, 3, 5, 6, 7]);
			expect(api.entries.map((e: { score: number | null }) => e.score)).toEqual([null, null, null, null, 2, null]);
		});

		await test.step('screenshots: the settings section and the restricted board, phone and laptop, both languages', async () => {
			await rep.emulateMedia({ reducedMotion: 'reduce' });
			for (const locale of ['en', 'zh-CN'] as const) {
				// The signed-in user's language is their own setting: switch it on the account page.
				for (const page of [admin, rep]) {
					await visit(page, '/account');
					const form = page.locator('form[action="?/profile"]');
					await form.locator('select[name="locale"]').selectOption(locale);
					await form.locator('button').click();
					await expect(form.locator('select[name="locale"]')).toHaveValue(locale);
				}
				for (const [size, viewport] of Object.entries(SIZES)) {
					await admin.setViewportSize(viewport);
					await visit(admin, '/admin/settings');
					const section = admin.getByTestId('transparency-settings');
					await section.scrollIntoViewIfNeeded();
					await section.screenshot({ path: `${OUT}transparency-settings-${locale}-${size}.png` });
					await rep.setViewportSize(viewport);
					await visit(rep, '/leaderboards?board=call&window=day');
					await expect(rows(rep)).toHaveCount(6, LIVE);
					// The board from its notice down, her own row in view (its pinned copy then stays hidden).
					await rep.getByTestId('board-limited').evaluate((el) => {
						el.scrollIntoView({ block: 'start' });
						window.scrollBy(0, -80);
					});
					await expect(rep.locator('.row.pinned')).toHaveClass(/off/);
					await rep.waitForTimeout(1000);
					await rep.screenshot({ path: `${OUT}transparency-board-${locale}-${size}.png` });
				}
			}
		});
	} finally {
		for (const context of contexts) await context.close().catch(() => {});
	}
});
