// Shared steps for the end-to-end specs. Every spec signs up its own organization with unique
// e-mails, so specs can run in parallel against one server and one database.
import { expect, type BrowserContext, type Page } from '@playwright/test';
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
export async function signUp(page: Page, admin: Admin) {
	await page.goto('/signup');
	await page.locator('input[name="organizationName"]').fill(admin.organization);
	await page.locator('input[name="name"]').fill(admin.name);
	await page.locator('input[name="email"]').fill(admin.email);
	await page.locator('input[name="password"]').fill(admin.password);
	await page.locator('form button:not([type="button"])').last().click();
	await expect(page).toHaveURL(/\/admin\/teams$/);
}

/** Creates a team on /admin/teams through the "Create team" form, in any language. */
export async function createTeam(page: Page, name: string) {
	if (!new URL(page.url()).pathname.endsWith('/admin/teams')) await page.goto('/admin/teams');
	const form = page.locator('form[action="?/create"]');
	await form.locator('input[name="name"]').fill(name);
	await form.locator('button').click();
	await expect(page.locator('.teams li', { hasText: name }).first()).toBeVisible();
}
