// Appeals, end to end: a rep appeals a line of their own receipt ("not mine: Ben's"), the admin re-credits
// it on /appeals, and the calls board the rep has open moves live from one rep to the other. Screenshots
// of the receipt's appeal form and of /appeals at phone and laptop sizes, in English and Chinese, saved to
// artifacts/screenshots/.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CALLS_BOARD, LIVE, expectLive, hydrated, inviteRep, joinAsRep, logCalls, newAdmin, setLocale, signUp, uniqueSuffix, visit } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const SIZES = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 768 } } as const;

async function shoot(page: Page, name: string) {
	mkdirSync(OUT, { recursive: true });
	for (const [size, viewport] of Object.entries(SIZES)) {
		await page.setViewportSize(viewport);
		// Nothing scrolls sideways.
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
		await page.screenshot({ path: `${OUT}appeals-${name}-${size}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
	}
}

test('a rep appeals a line of their receipt, the admin re-credits it, and the board moves live', async ({ browser, baseURL }) => {
	test.setTimeout(240_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Appeals'));
	const team = `Closers ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();
	const ana = { name: `Ana Appeal ${id}`, email: `ana+${id}@example.com` };
	const ben = { name: `Ben Credit ${id}`, email: `ben+${id}@example.com` };
	const anaSide = await joinAsRep(browser, await inviteRep(admin, ana, team), ana);
	await joinAsRep(browser, await inviteRep(admin, ben, team), ben);

	// Ana logs 3 calls that were Ben's.
	const rep = anaSide.page;
	await visit(rep, CALLS_BOARD);
	await expectLive(rep);
	await logCalls(rep, 3);
	const anaRow = rep.getByRole('row').filter({ hasText: ana.name }).first();
	// The row ends with the score, after the team's name.
	const scored = (n: number) => new RegExp(`${team}\\s*${n}\\s*$`);
	await expect(anaRow).toHaveText(scored(3), LIVE);

	// From her receipt she appeals the line.
	await anaRow.getByRole('button', { name: '3' }).click();
	const dialog = rep.getByRole('dialog');
	await expect(dialog.locator('tbody tr')).toHaveCount(1);
	await dialog.getByTestId('appeal-line').click();
	const form = dialog.getByTestId('appeal-form');
	await form.getByRole('combobox', { name: 'What is wrong' }).selectOption('not_mine');
	await form.getByRole('combobox', { name: /credited to/ }).selectOption({ label: ben.name });
	// An empty reason is refused, naming the field, and nothing is sent.
	await form.getByRole('textbox', { name: 'Reason' }).fill('   ');
	await form.getByRole('button', { name: 'Send appeal' }).click();
	await expect(form.getByRole('alert').first()).toContainText('Reason');
	await form.getByRole('textbox', { name: 'Reason' }).fill('Ben made these calls while I was at the client.');
	await rep.setViewportSize(SIZES.phone);
	mkdirSync(OUT, { recursive: true });
	await rep.screenshot({ path: `${OUT}appeals-receipt-form-phone.png`, animations: 'disabled', caret: 'hide' });
	await rep.setViewportSize(SIZES.laptop);
	await form.getByRole('button', { name: 'Send appeal' }).click();
	await expect(dialog.getByRole('status')).toContainText('Appeal sent.');
	await expect(dialog.getByRole('link', { name: 'Under appeal' })).toBeVisible();
	await dialog.getByRole('button', { name: 'Close' }).click();

	// The admin's home counts it; the appeals page shows it with the thread and the resolve controls.
	await visit(admin, '/');
	await expect(admin.getByText('Open appeals from your reps: 1')).toBeVisible();
	await visit(admin, '/appeals');
	const card = admin.getByTestId('appeal').filter({ hasText: ana.name });
	await expect(card).toHaveAttribute('data-status', 'open');
	await card.getByRole('textbox', { name: 'Write a message' }).fill('Checking the CRM now.');
	await card.getByRole('button', { name: 'Send' }).click();
	await expect(admin.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();
	await expect(card.locator('.messages')).toContainText('Checking the CRM now.');
	await shoot(admin, 'leader-en');
	// A signed-in member's language is their preference: switch it with the top bar's control.
	await admin.locator('button[name="locale"][value="zh-CN"]:visible').first().click();
	await expect(admin.getByRole('heading', { level: 1, name: '申诉' })).toBeVisible();
	await hydrated(admin);
	await shoot(admin, 'leader-zh-CN');
	await admin.locator('button[name="locale"][value="en"]:visible').first().click();
	await expect(admin.getByRole('heading', { level: 1, name: 'Appeals' })).toBeVisible();
	await visit(admin, '/appeals');

	// Re-credit to Ben: Ana's open board moves without a reload.
	const resolve = card.getByTestId('resolve');
	await expect(resolve.getByRole('radio', { name: 'Re-credit to another member' })).toBeChecked();
	await expect(resolve.getByRole('combobox', { name: 'Credit to' })).toHaveValue(/.+/);
	await resolve.getByRole('combobox', { name: 'Credit to' }).selectOption({ label: ben.name });
	await resolve.getByRole('textbox', { name: /Reason/ }).fill('The CRM shows Ben on these calls.');
	await resolve.getByRole('button', { name: 'Resolve appeal' }).click();
	await expect(admin.getByRole('status').filter({ hasText: 'Appeal resolved.' })).toBeVisible();
	await expect(card).toHaveAttribute('data-status', 'recredited');
	const benRow = rep.getByRole('row').filter({ hasText: ben.name });
	await expect(benRow).toHaveText(scored(3), LIVE);
	await expect(anaRow).toHaveText(scored(0), LIVE);

	// Ana reads the outcome.
	await visit(rep, '/appeals');
	const mine = rep.getByTestId('appeal');
	await expect(mine).toHaveAttribute('data-status', 'recredited');
	await expect(mine).toContainText('The CRM shows Ben on these calls.');
	await expect(mine).toContainText(`Credited to ${ben.name}`);
	await shoot(rep, 'rep-en');
	await setLocale(anaSide.context, baseURL!, 'zh-CN');
	await visit(rep, '/appeals');
	await shoot(rep, 'rep-zh-CN');
	await adminContext.close();
	await anaSide.context.close();
});
