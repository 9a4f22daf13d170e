// Who is on the reps' board, end to end: an admin who logs for herself does not rank among the reps
// until she says she carries a quota, and a rep deactivated on Admin → Members leaves the board that
// another browser shows, at once and without a reload (the office TV must not keep a rep who has left).
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createTeam, inviteRep as invite, joinAsRep as join, LIVE, logCalls, newAdmin, openCallsBoard as openBoard, signUp, uniqueSuffix, type Rep, visit } from './support';

declare global {
	interface Window {
		__marker?: number;
	}
}

const rows = (page: Page) => page.locator('.board .row[data-member]');

async function expectBoard(page: Page, expected: { name: string; score: string }[]) {
	await expect(rows(page)).toHaveCount(expected.length, LIVE);
	for (const [i, { name, score }] of expected.entries()) {
		await expect(rows(page).nth(i)).toContainText(name, LIVE);
		await expect(rows(page).nth(i).getByRole('button')).toHaveText(score);
	}
}

test('an admin logging for herself stays off the reps board; a deactivated rep leaves it live', async ({ page: admin, browser }) => {
	test.setTimeout(180_000);
	const owner = newAdmin('Quota');
	const team = `Dialers ${uniqueSuffix()}`;
	const rita: Rep = { name: `Rita Rep ${uniqueSuffix()}`, email: `rita+${uniqueSuffix()}@example.com` };
	const sam: Rep = { name: `Sam Seller ${uniqueSuffix()}`, email: `sam+${uniqueSuffix()}@example.com` };
	const contexts: BrowserContext[] = [];
	try {
		await signUp(admin, owner);
		await createTeam(admin, team);
		const ritaLink = await invite(admin, rita, team);
		const samLink = await invite(admin, sam, team);
		const a = await join(browser, ritaLink, rita);
		const b = await join(browser, samLink, sam);
		contexts.push(a.context, b.context);
		const watcher = a.page;

		await test.step('both reps log calls; the admin logs more for herself and is not ranked among them', async () => {
			await openBoard(watcher);
			await logCalls(watcher, 2);
			await openBoard(b.page);
			await logCalls(b.page, 1);
			await openBoard(admin);
			await logCalls(admin, 5, owner.name);
			await expectBoard(watcher, [
				{ name: rita.name, score: '2' },
				{ name: sam.name, score: '1' }
			]);
			await expectBoard(admin, [
				{ name: rita.name, score: '2' },
				{ name: sam.name, score: '1' }
			]);
			await watcher.evaluate(() => (window.__marker = 1));
		});

		await test.step('the admin deactivates Sam: he leaves Rita’s board without a reload', async () => {
			await visit(admin, '/admin/members');
			await admin.locator(`tr[data-member="${sam.email}"]`).getByRole('button', { name: 'Deactivate' }).click();
			// Deactivating asks first.
			await admin.locator('form.confirm').getByRole('button', { name: 'Confirm' }).click();
			await expect(admin.locator(`tr[data-member="${sam.email}"]`)).toContainText('Deactivated');
			await expectBoard(watcher, [{ name: rita.name, score: '2' }]);
			await expect(watcher.getByText('1 ranked')).toBeVisible(LIVE);
			expect(await watcher.evaluate(() => window.__marker), 'the page was not reloaded').toBe(1);
		});

		await test.step('the admin says she carries a quota: she joins Rita’s board live, at the top', async () => {
			await visit(admin, '/admin/members');
			const mine = admin.locator(`tr[data-member="${owner.email}"]`).getByRole('checkbox', { name: /carries a quota/ });
			await expect(mine).not.toBeChecked();
			// A click submits the setting; check() would race the re-render that follows.
			await mine.click();
			await expect(admin.getByText(`${owner.name} now competes on the reps' boards.`)).toBeVisible();
			await expect(mine).toBeChecked();
			await expectBoard(watcher, [
				{ name: owner.name, score: '5' },
				{ name: rita.name, score: '2' }
			]);
			expect(await watcher.evaluate(() => window.__marker), 'the page was not reloaded').toBe(1);
		});

		await test.step('after a reload, and in the API, Sam stays off the board', async () => {
			await openBoard(watcher);
			await expectBoard(watcher, [
				{ name: owner.name, score: '5' },
				{ name: rita.name, score: '2' }
			]);
			const api = await watcher.request.get('/api/v1/leaderboards?board=call&window=day');
			expect(api.status()).toBe(200);
			expect((await api.json()).entries.map((e: { name: string }) => e.name)).toEqual([owner.name, rita.name]);
		});
	} finally {
		for (const c of contexts) await c.close();
	}
});
