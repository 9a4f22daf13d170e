// The live leaderboard, end to end: two reps log calls in their own browsers while a third browser
// watches the Calls board for today. The watcher sees rows appear, move and drop over the socket,
// without a reload; a click on a score opens its receipt; an admin's void corrects the board.
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { CALLS_BOARD as BOARD, createTeam, expectLive, inviteRep as invite, joinAsRep as join, LIVE, logCalls, newAdmin, openCallsBoard as openBoard, signUp, uniqueSuffix, type Rep, visit } from './support';

declare global {
	interface Window {
		__marker?: number;
	}
}

const rows = (page: Page) => page.locator('.board .row[data-member]');
const rowOf = (page: Page, rep: Rep) => rows(page).filter({ hasText: rep.name });

/** Asserts the board's rows, top to bottom: who, at which rank, with which score. */
async function expectBoard(page: Page, expected: { rep: Rep; rank: number; score: string }[]) {
	await expect(rows(page)).toHaveCount(expected.length, LIVE);
	for (const [i, { rep, rank, score }] of expected.entries()) {
		const row = rows(page).nth(i);
		await expect(row, `row ${i + 1} is ${rep.name}`).toContainText(rep.name, LIVE);
		await expect(row).toHaveAttribute('data-rank', String(rank));
		await expect(row.getByRole('button')).toHaveText(score);
	}
}

async function expectNotReloaded(page: Page) {
	expect(await page.evaluate(() => window.__marker), 'the page was not reloaded').toBe(1);
}

function feedItem(page: Page, rep: Rep, amount: number): Locator {
	return page
		.getByRole('region', { name: 'Activity', exact: true })
		.locator('li:not(.correction)')
		.filter({ hasText: `${rep.name} · Calls: ${amount}` });
}

test('a rep logs a call, and a second browser watching the leaderboard sees the row move without a reload', async ({
	page: admin,
	browser
}) => {
	test.setTimeout(180_000);
	const owner = newAdmin('Board');
	const team = `Dialers ${uniqueSuffix()}`;
	const rita: Rep = { name: `Rita Rep ${uniqueSuffix()}`, email: `rita+${uniqueSuffix()}@example.com` };
	const sam: Rep = { name: `Sam Seller ${uniqueSuffix()}`, email: `sam+${uniqueSuffix()}@example.com` };
	const contexts: BrowserContext[] = [];

	try {
		let ritaLink = '';
		let samLink = '';
		await test.step('admin signs up, creates a team and invites two reps', async () => {
			await signUp(admin, owner);
			await createTeam(admin, team);
			ritaLink = await invite(admin, rita, team);
			samLink = await invite(admin, sam, team);
		});

		let watcher!: Page; // Rita's browser, context A
		let sams!: Page; // Sam's browser, context B
		await test.step('both reps join in their own browsers', async () => {
			const a = await join(browser, ritaLink, rita);
			const b = await join(browser, samLink, sam);
			contexts.push(a.context, b.context);
			watcher = a.page;
			sams = b.page;
		});

		await test.step('Rita opens the Calls board for today and logs 2 calls', async () => {
			await openBoard(watcher);
			await expect(watcher.getByText('No scores yet in this period.')).toBeVisible();
			await logCalls(watcher, 2);
			await expectBoard(watcher, [{ rep: rita, rank: 1, score: '2' }]);
			// From here on, Rita's page must only change through pushes.
			await watcher.evaluate(() => (window.__marker = 1));
		});

		await test.step('Sam logs 1 call: his row appears below Rita on her screen', async () => {
			await openBoard(sams);
			await expectBoard(sams, [{ rep: rita, rank: 1, score: '2' }]);
			await logCalls(sams, 1);
			await expectBoard(sams, [
				{ rep: rita, rank: 1, score: '2' },
				{ rep: sam, rank: 2, score: '1' }
			]);
			await expectBoard(watcher, [
				{ rep: rita, rank: 1, score: '2' },
				{ rep: sam, rank: 2, score: '1' }
			]);
			await expect(watcher.getByText('2 ranked')).toBeVisible();
			await expectNotReloaded(watcher);
		});

		await test.step('Sam logs 5 more calls: on Rita’s screen he moves to rank 1', async () => {
			await logCalls(sams, 5);
			await expectBoard(watcher, [
				{ rep: sam, rank: 1, score: '6' },
				{ rep: rita, rank: 2, score: '2' }
			]);
			// Rita fell one place since she opened the page; the row says so.
			await expect(rowOf(watcher, rita).getByText('Down 1', { exact: true })).toBeAttached();
			await expect(feedItem(watcher, sam, 5)).toBeVisible();
			await expectLive(watcher);
			await expectNotReloaded(watcher);
		});

		await test.step('Rita clicks Sam’s score and sees the receipt', async () => {
			await rowOf(watcher, sam).getByRole('button', { name: '6' }).click();
			const dialog = watcher.getByRole('dialog');
			await expect(dialog).toBeVisible();
			await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(`Why ${sam.name} has 6`, LIVE);
			await expect(dialog).toContainText('Calls, Today');
			const lines = dialog.locator('tbody tr');
			await expect(lines).toHaveCount(2);
			for (const line of await lines.all()) {
				await expect(line.locator('td').nth(1)).toContainText('Calls');
				await expect(line).toContainText('Logged by hand');
			}
			// Newest first or oldest first, the two events are 5 and 1 calls.
			const values = await lines.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td:nth-child(3)')?.textContent?.trim()));
			expect(values.sort()).toEqual(['1', '5']);
			const total = dialog.locator('tfoot tr');
			await expect(total).toContainText('Total');
			await expect(total.locator('th.num')).toHaveText('6');
			await dialog.getByRole('button', { name: 'Close' }).click();
			await expect(dialog).toBeHidden();
			await expectNotReloaded(watcher);
		});

		await test.step('the admin voids Sam’s 5 calls; Rita’s board drops him back without a reload', async () => {
			await visit(admin, BOARD);
			await expectBoard(admin, [
				{ rep: sam, rank: 1, score: '6' },
				{ rep: rita, rank: 2, score: '2' }
			]);
			const item = feedItem(admin, sam, 5);
			await expect(item).toBeVisible();
			await item.getByRole('button', { name: 'Void' }).click();
			await item.getByLabel('Why is this event wrong?').fill('Logged twice by mistake');
			await item.getByRole('button', { name: 'Void event' }).click();
			await expect(item.getByText('Voided', { exact: true })).toBeVisible(LIVE);
			await expect(item.getByRole('button', { name: 'Void' })).toHaveCount(0);
			// The other events keep their Void button.
			await expect(feedItem(admin, sam, 1).getByRole('button', { name: 'Void' })).toBeVisible();
			await expectBoard(admin, [
				{ rep: rita, rank: 1, score: '2' },
				{ rep: sam, rank: 2, score: '1' }
			]);

			await expectBoard(watcher, [
				{ rep: rita, rank: 1, score: '2' },
				{ rep: sam, rank: 2, score: '1' }
			]);
			// The correction reaches Rita's feed over the socket too.
			await expect(
				watcher.getByRole('region', { name: 'Activity', exact: true }).locator('li.correction').filter({ hasText: `Correction for ${sam.name}: Calls −5` })
			).toBeVisible(LIVE);
			await expectLive(watcher);
			await expectNotReloaded(watcher);
		});

		await test.step('the receipt now shows the voided event and the corrected total', async () => {
			await rowOf(watcher, sam).getByRole('button', { name: '1' }).click();
			const dialog = watcher.getByRole('dialog');
			await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(`Why ${sam.name} has 1`, LIVE);
			await expect(dialog.locator('tfoot th.num')).toHaveText('1');
			await expect(dialog.getByText('Voided: Logged twice by mistake')).toBeVisible();
			await dialog.getByRole('button', { name: 'Close' }).click();
			await expect(dialog).toBeHidden();
		});

		await test.step('Sam’s own page, also never reloaded since his last log, agrees', async () => {
			await expectBoard(sams, [
				{ rep: rita, rank: 1, score: '2' },
				{ rep: sam, rank: 2, score: '1' }
			]);
		});
	} finally {
		for (const context of contexts) await context.close();
	}
});
