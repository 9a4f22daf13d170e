// The rewards store, end to end: an admin turns points into coins (one coin per point) and puts a
// reward in the store; a rep logs calls, sees the coins, redeems the reward behind its confirmation
// and sees the request pending; the rep's leader approves it in their own browser, and the rep's page
// shows it approved without a reload. Then screenshots of the store, the approval queue and the ideas
// board at phone and laptop sizes, in English and Chinese, saved to artifacts/screenshots/ (each also
// checked for sideways scrolling).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVE, expectLive, inviteRep, joinAsRep, logCalls, newAdmin, openCallsBoard, signUp, uniqueSuffix, visit, LOCALE_COOKIE } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

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

async function capture(page: Page, name: string) {
	await page.evaluate(() => document.fonts.ready);
	await page.waitForTimeout(900);
	await page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect.soft(overflow, `${name} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

test('a rep redeems a reward with coins earned from calls, and their leader approves it live', async ({ browser, baseURL }) => {
	test.setTimeout(240_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Rewards'));
	const team = `Closers ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();
	const rep = { name: `Rita Rep ${id}`, email: `rita+${id}@example.com` };
	const repSide = await joinAsRep(browser, await inviteRep(admin, rep, team), rep);
	const leaderSide = await addLeader(browser, admin, { name: `Leo Leader ${id}`, email: `leo+${id}@example.com` }, team);

	// The admin converts points to coins (100 per 100 points) and stocks the store.
	await visit(admin, '/admin/rewards');
	const rules = admin.locator('form[action="?/saveRules"]');
	await rules.getByLabel('Coins per 100 points').fill('100');
	await rules.getByRole('button', { name: 'Save rules' }).click();
	await expect(admin.getByText('Earning rules saved.')).toBeVisible();
	const create = admin.locator('form[action="?/createReward"]');
	await create.getByLabel('Name (English)').fill(`Coffee voucher ${id}`);
	await create.getByLabel('Name (Chinese)').fill('咖啡券');
	await create.locator('label.pic', { has: admin.locator('input[value="art:coffee"]') }).click();
	await create.getByLabel('Cost in coins').fill('3');
	await create.getByLabel('Stock').fill('2');
	await create.getByRole('button', { name: 'Add a reward' }).click();
	await expect(admin.getByText('Reward added to the store.')).toBeVisible();

	// The rep earns 5 coins with 5 calls, then redeems the voucher for 3.
	const page = repSide.page;
	await openCallsBoard(page);
	await logCalls(page, 5);
	await expect
		.poll(async () => {
			await visit(page, '/rewards');
			return page.getByTestId('coin-balance').getAttribute('data-value');
		}, LIVE)
		.toBe('5');
	await expectLive(page);
	const card = page.getByTestId('reward-card').filter({ hasText: `Coffee voucher ${id}` });
	await expect(card).toContainText('2 left');
	await card.getByRole('button', { name: 'Redeem' }).click();
	const dialog = page.getByRole('dialog', { name: `Redeem Coffee voucher ${id}?` });
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Yes, redeem' }).click();
	await expect(page.getByText('Redeemed! Your request is waiting for approval.')).toBeVisible();
	await expect(page.getByTestId('coin-balance')).toHaveAttribute('data-value', '2');
	await expect(page.getByTestId('coin-balance')).toHaveText('2');
	await expect(card).toContainText('1 left');
	const mine = page.getByTestId('my-redemption').first();
	await expect(mine).toHaveAttribute('data-status', 'pending');

	// The leader approves it from the queue; the rep's page turns it to approved by itself.
	const leader = leaderSide.page;
	await visit(leader, '/admin/rewards');
	const item = leader.getByTestId('queue-item').filter({ hasText: rep.name });
	await expect(item).toHaveAttribute('data-status', 'pending');
	await item.getByRole('button', { name: 'Approve' }).click();
	await expect(leader.getByText('Approved. The rep gets a celebration.')).toBeVisible();
	await expect(leader.getByTestId('queue-item').filter({ hasText: rep.name })).toHaveAttribute('data-status', 'approved');
	await expect(page.getByTestId('approved-toast')).toContainText(`Approved: Coffee voucher ${id}!`, LIVE);
	await expect(mine).toHaveAttribute('data-status', 'approved', LIVE);
	await expect(mine).toContainText('Approved');

	// Screenshots: the rep's store and the leader's queue, with an idea on the board.
	mkdirSync(OUT, { recursive: true });
	await visit(page, '/ideas');
	// The form is open on an empty board.
	const share = page.locator('details.new');
	if (!(await share.evaluate((d) => (d as HTMLDetailsElement).open))) await share.locator('summary').click();
	await page.getByLabel('Title').fill('Call back inbound leads within 5 minutes');
	await page.getByLabel('Your idea').fill('Leads called back within five minutes book twice as many meetings.');
	await page.getByRole('button', { name: 'Post idea' }).click();
	await expect(page.getByTestId('idea-card')).toContainText('Call back inbound leads within 5 minutes');
	for (const locale of ['en', 'zh-CN'] as const) {
		for (const context of [repSide.context, leaderSide.context]) await context.addCookies([{ name: LOCALE_COOKIE, value: locale, url: baseURL! }]);
		for (const viewport of [
			{ width: 390, height: 844 },
			{ width: 1440, height: 900 }
		]) {
			await page.setViewportSize(viewport);
			await leader.setViewportSize(viewport);
			await visit(page, '/rewards');
			await capture(page, `rewards-store-${locale}-${viewport.width}`);
			await visit(page, '/ideas');
			await capture(page, `rewards-ideas-${locale}-${viewport.width}`);
			await visit(leader, '/admin/rewards');
			await capture(leader, `rewards-queue-${locale}-${viewport.width}`);
		}
	}
	await Promise.all([adminContext.close(), repSide.context.close(), leaderSide.context.close()]);
});
