// Badges, end to end: an admin defines badges on Admin → Badges (with a preview first), a rep logs calls
// and sees the celebration of each badge earned, live, one after the other; an admin awards a manual
// badge from the rep's trophy case and the rep, on a phone, is celebrated again; the trophy case shows
// the badges with their tier. Screenshots of the admin page, the trophy case and the celebration at
// phone and laptop sizes go to artifacts/screenshots/ (each checked for sideways scrolling).
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVE, LOCALE_COOKIE, expectLive, inviteRep, joinAsRep, logCalls, newAdmin, signUp, uniqueSuffix, visit } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1440, height: 900 };

async function shoot(page: Page, name: string, size: { width: number; height: number }, fullPage = true) {
	mkdirSync(OUT, { recursive: true });
	await page.setViewportSize(size);
	await page.waitForTimeout(300);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
	await page.screenshot({ path: `${OUT}${name}.png`, fullPage, timeout: 30_000 });
}

async function createBadge(admin: Page, fields: { name: string; icon: string; kind: string; metric?: string; measure?: string; window?: string; tiers?: [string, string, string] }) {
	const form = admin.locator('form[action="?/create"]');
	await form.getByLabel('Name (English)').fill(fields.name);
	await form.locator(`label.icon-choice[title="${fields.icon}"]`).click();
	await form.getByRole('combobox', { name: 'Earned by' }).selectOption(fields.kind);
	if (fields.metric) await form.getByRole('combobox', { name: 'Metric' }).selectOption(fields.metric);
	if (fields.measure) await form.getByRole('combobox', { name: 'Counting' }).selectOption(fields.measure);
	if (fields.window) await form.getByRole('combobox', { name: 'Within' }).selectOption(fields.window);
	if (fields.tiers) {
		await form.getByLabel('Bronze, silver and gold tiers').check();
		await form.getByLabel('Bronze', { exact: true }).fill(fields.tiers[0]);
		await form.getByLabel('Silver', { exact: true }).fill(fields.tiers[1]);
		await form.getByLabel('Gold', { exact: true }).fill(fields.tiers[2]);
	}
	await form.getByRole('button', { name: 'Create badge' }).click();
	await expect(admin.locator('p.alert.success')).toHaveText('Badge created.');
	await expect(admin.locator(`article[data-badge="${fields.name}"]`)).toBeVisible();
}

test('a rep logs calls, earns badges and sees each celebration; a manual award reaches their phone', async ({ browser }) => {
	test.setTimeout(240_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Badges'));
	const team = `Closers ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();
	const rep = { name: `Rita Rep ${id}`, email: `rita+${id}@example.com` };
	const repSide = await joinAsRep(browser, await inviteRep(admin, rep, team), rep);

	// A bad rule is refused naming its field, then the preview shows nobody holds the badge yet.
	await visit(admin, '/admin/badges');
	const form = admin.locator('form[action="?/create"]');
	await form.getByLabel('Name (English)').fill('Never');
	await form.getByRole('combobox', { name: 'Earned by' }).selectOption('window');
	await form.getByLabel('Threshold').fill('0');
	await form.getByRole('button', { name: 'Create badge' }).click();
	await expect(form.locator('#f-threshold-error')).toHaveText('Enter a whole number of at least 1.');
	await form.getByLabel('Threshold').fill('3');
	await form.getByRole('button', { name: 'Preview' }).click();
	await expect(admin.getByTestId('badge-preview')).toContainText('Nobody would hold it today.');
	await visit(admin, '/admin/badges');

	await createBadge(admin, { name: 'First call', icon: 'phone', kind: 'first_time', metric: 'call' });
	await createBadge(admin, { name: 'Dialer', icon: 'lightning', kind: 'window', metric: 'call', measure: 'value', window: 'day', tiers: ['5', '10', '20'] });
	await createBadge(admin, { name: 'Team player', icon: 'crown', kind: 'manual' });

	// The rep logs 25 calls at once: the first call, and the Dialer straight to gold, celebrated in turn.
	const page = repSide.page;
	await page.setViewportSize(LAPTOP);
	await expectLive(page);
	await logCalls(page, 25);
	const celebration = page.getByTestId('celebration');
	await expect(celebration).toBeVisible({ timeout: 20_000 });
	await expect(celebration).toContainText('You earned a badge!');
	const first = (await celebration.locator('h2').textContent())!.trim();
	expect(['First call', 'Dialer']).toContain(first);
	await page.waitForTimeout(900);
	await shoot(page, 'badges-celebration-laptop', LAPTOP, false);
	// Then the other one. A celebration also closes by itself after 7 s, so on a slow machine the second may
	// already be on screen (or even gone) by now: each is recorded as it shows, whichever way it leaves.
	const shown = new Set([first]);
	const other = first === 'First call' ? 'Dialer' : 'First call';
	await expect(async () => {
		const heading = celebration.locator('h2');
		if (await heading.count()) {
			const name = (await heading.textContent())!.trim();
			if (name === 'Dialer') await expect(celebration).toContainText('Gold', { timeout: 1000 });
			shown.add(name);
			if (name === first) await celebration.getByRole('button', { name: 'Awesome!' }).click({ timeout: 1000 }).catch(() => {});
		}
		expect([...shown]).toContain(other);
	}).toPass(LIVE);
	await page.keyboard.press('Escape');
	await expect(celebration).toHaveCount(0);

	// The trophy case: both badges, the Dialer in gold.
	await page.getByRole('link', { name: 'My trophy case' }).click();
	await expect(page.getByRole('heading', { level: 1, name: rep.name })).toBeVisible();
	await expect(page.getByTestId('trophy')).toHaveCount(2);
	await expect(page.getByTestId('trophy').filter({ hasText: 'Dialer' })).toContainText('Gold');
	const repPath = new URL(page.url()).pathname;

	// On the phone, the rep stays on the trophy case while an admin awards them the manual badge with a reason.
	await page.setViewportSize(PHONE);
	await expectLive(page);
	await visit(admin, repPath);
	await admin.getByLabel('Reason').fill('Covered every inbound lead during the offsite.');
	await admin.getByRole('button', { name: 'Award', exact: true }).click();
	await expect(admin.locator('p.alert.success')).toHaveText('Badge awarded.');
	await expect(celebration).toBeVisible({ timeout: 20_000 });
	await expect(celebration.locator('h2')).toHaveText('Team player');
	await page.waitForTimeout(900);
	await shoot(page, 'badges-celebration-phone', PHONE, false);
	await celebration.getByRole('button', { name: 'Awesome!' }).click();

	await visit(page, repPath);
	await expect(page.getByTestId('trophy')).toHaveCount(3);
	await expect(page.getByText('“Covered every inbound lead during the offsite.”')).toBeVisible();
	await shoot(page, 'badges-trophy-case-phone', PHONE);
	await shoot(page, 'badges-trophy-case-laptop', LAPTOP);
	// The same trophy case in Simplified Chinese.
	await repSide.context.addCookies([{ name: LOCALE_COOKIE, value: 'zh-CN', url: page.url() }]);
	await visit(page, repPath);
	await expect(page.getByRole('heading', { name: '徽章' })).toBeVisible();
	await expect(page.getByTestId('trophy').filter({ hasText: 'Dialer' })).toContainText('金');
	await shoot(page, 'badges-trophy-case-phone-zh', PHONE);

	await visit(admin, '/admin/badges');
	await expect(admin.locator('article[data-badge="Dialer"]')).toContainText('1 holder');
	await shoot(admin, 'badges-admin-laptop', LAPTOP);
	await shoot(admin, 'badges-admin-phone', PHONE);
	await adminContext.close();
	await repSide.context.close();
});
