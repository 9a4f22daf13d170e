// Shared steps for the end-to-end specs. Every spec signs up its own organization with unique
// e-mails, so specs can run in parallel against one server and one database.
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';

export const PASSWORD = 'correct-horse-battery-staple';
export const LOCALE_COOKIE = 'podium_locale';
export type Locale = 'en' | 'zh-CN';

export function uniqueSuffix(): string {
	return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface Admin {
	organization: string;
	name: string;
	email: string;
	password: string;
}

export function newAdmin(label = 'Acme'): Admin {
	const id = uniqueSuffix();
	return {
		organization: `${label} ${id}`,
		name: `Ada Admin ${id}`,
		email: `ada+${id}@example.com`,
		password: PASSWORD
	};
}

/** Sets the language cookie that signed-out visitors (and sign-up) use. */
export async function setLocale(context: BrowserContext, baseURL: string, locale: Locale) {
	await context.addCookies([{ name: LOCALE_COOKIE, value: locale, url: baseURL }]);
}

/**
 * Signs up through the form, in whatever language the page shows (fields are found by their
 * input names there, since labels are translated); lands on /admin/teams.
 */
/** Navigates and waits until the page is hydrated, so that clicks reach their handlers. */
export async function visit(page: Page, path: string) {
	await page.goto(path);
	await hydrated(page);
}

/** Waits until the current page is hydrated (the root layout marks <html data-hydrated>). */
export async function hydrated(page: Page) {
	await expect(page.locator('html[data-hydrated]')).toHaveCount(1, { timeout: 20_000 });
}

export async function signUp(page: Page, admin: Admin) {
	await visit(page, '/signup');
	await page.locator('input[name="organizationName"]').fill(admin.organization);
	await page.locator('input[name="name"]').fill(admin.name);
	await page.locator('input[name="email"]').fill(admin.email);
	await page.locator('input[name="password"]').fill(admin.password);
	await page.locator('form button:not([type="button"])').last().click();
	await expect(page).toHaveURL(/\/admin\/teams$/);
}

/** Creates a team on /admin/teams through the "Create team" form, in any language. */
export async function createTeam(page: Page, name: string) {
	if (!new URL(page.url()).pathname.endsWith('/admin/teams')) await visit(page, '/admin/teams');
	const form = page.locator('form[action="?/create"]');
	await form.locator('input[name="name"]').fill(name);
	await form.locator('button').click();
	await expect(page.locator('.teams li', { hasText: name }).first()).toBeVisible();
}

/**
 * Ticks "carries a quota" for the signed-in admin on Admin → Members, so that what they log for
 * themselves ranks on the reps' boards (admins and leaders stay off them otherwise). English pages.
 */
export async function carryQuota(page: Page, admin: Admin) {
	await visit(page, '/admin/members');
	const mine = page.locator(`tr[data-member="${admin.email}"]`).getByRole('checkbox');
	await expect(mine).not.toBeChecked();
	// A click submits the setting; the page then shows it saved (check() would race the re-render).
	await mine.click();
	await expect(page.getByText(`${admin.name} now competes on the reps' boards.`)).toBeVisible();
	await expect(mine).toBeChecked();
}

// Pushes travel through the server's coalescing timer and a loaded machine: give them room.
export const LIVE = { timeout: 20_000 };
/** Today's calls board: one point per call, so scores read as the calls logged. */
export const CALLS_BOARD = '/leaderboards?board=call&window=day';

export interface Rep {
	name: string;
	email: string;
}

/** Creates an invitation link for a rep in `team` on /admin/members. */
export async function inviteRep(admin: Page, rep: Rep, team: string): Promise<string> {
	await visit(admin, '/admin/members');
	const form = admin.locator('form[action="?/invite"]');
	await form.getByLabel('E-mail').fill(rep.email);
	await form.getByRole('combobox', { name: /^Role/ }).selectOption('rep');
	await form.getByRole('combobox', { name: /^Team/ }).selectOption({ label: team });
	await form.getByRole('button', { name: 'Create invitation link' }).click();
	const link = admin.getByTestId('invitation-link');
	await expect(link).toBeVisible();
	await expect(admin.getByText(rep.email).first()).toBeVisible();
	return link.inputValue();
}

/** Opens the invitation in a fresh browser context and joins; the context stays signed in as the rep. */
export async function joinAsRep(browser: Browser, link: string, rep: Rep): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await visit(page, link);
	await page.getByLabel('Your name').fill(rep.name);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: /^Join / }).click();
	// Home first; the journeys that follow start from the leaderboard.
	await expect(page).toHaveURL(/\/$/);
	await visit(page, '/leaderboards');
	return { context, page };
}

/** Waits until the page's socket is connected ("Live" in the top bar). */
export async function expectLive(page: Page) {
	await expect(page.locator('.topbar [data-status]')).toHaveAttribute('data-status', 'connected', LIVE);
	await expect(page.locator('.topbar [data-status]')).toHaveText('Live');
}

/** Opens today's calls board and waits until it is live. */
export async function openCallsBoard(page: Page) {
	await visit(page, CALLS_BOARD);
	await expect(page.getByRole('heading', { level: 1, name: 'Calls' })).toBeVisible();
	await expectLive(page);
}

/** Logs calls on the quick log, for `forName` when given (a leader's or admin's log starts on the first rep). */
export async function logCalls(page: Page, amount: number, forName?: string) {
	const form = page.getByRole('region', { name: 'Log activity' });
	if (forName) {
		const who = form.getByRole('combobox', { name: 'For' });
		const label = await who.locator('option', { hasText: forName }).first().textContent();
		await who.selectOption({ label: label!.trim() });
	}
	const activity = form.getByRole('combobox', { name: 'Activity' });
	// The select starts on a real activity, never blank (a blank one posts no metric).
	await expect(activity).not.toHaveValue('');
	await activity.selectOption({ label: 'Calls' });
	await form.getByRole('textbox', { name: 'Amount' }).fill(String(amount));
	await form.getByRole('button', { name: 'Log it' }).click();
	// One point per call, so the confirmation names the amount.
	await expect(form.getByRole('status')).toHaveText(amount === 1 ? 'Logged: +1 point.' : `Logged: +${amount} points.`);
	await expect(form.getByRole('button', { name: 'Log it' })).toBeEnabled();
}


/** Opens a <details> panel (if it is shut) and waits until `inside` shows, retrying a click that raced a re-render. */
export async function openPanel(details: Locator, inside: Locator) {
	await expect(async () => {
		if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator(':scope > summary').click();
		await expect(inside).toBeVisible({ timeout: 1_000 });
	}).toPass({ timeout: 15_000 });
}
