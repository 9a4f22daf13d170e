// The Content-Security-Policy in a real browser: signing up, the live leaderboard (its socket must
// connect under connect-src), a receipt, the admin pages and the language and theme switches all
// work without a single CSP violation or console error.
import { expect, test, type Page } from '@playwright/test';
import { carryQuota, newAdmin, signUp, visit } from './support';

declare global {
	interface Window {
		__cspViolations?: string[];
	}
}

/** Records every CSP violation of every page the context opens, and console errors. */
async function watch(page: Page) {
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', (error) => errors.push(String(error)));
	await page.addInitScript(() => {
		window.__cspViolations = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__cspViolations!.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
		});
	});
	return errors;
}

async function expectNoViolations(page: Page, errors: string[]) {
	expect(await page.evaluate(() => window.__cspViolations ?? [])).toEqual([]);
	expect(errors).toEqual([]);
}

test('pages render and the socket connects under the CSP', async ({ page }) => {
	const errors = await watch(page);
	const admin = newAdmin('Csp');
	await signUp(page, admin);
	// What the admin logs for herself ranks only once she carries a quota.
	await carryQuota(page, admin);
	await expectNoViolations(page, errors);

	const response = await page.goto('/leaderboards');
	expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(response?.headers()['x-frame-options']).toBe('DENY');
	await expect(page.locator('.topbar [data-status]')).toHaveAttribute('data-status', 'connected', { timeout: 20_000 });
	await expectNoViolations(page, errors);

	// Log calls for oneself, then open the receipt of that score (a fetch under connect-src 'self').
	const form = page.getByRole('region', { name: 'Log activity' });
	await form.getByRole('combobox', { name: 'Activity' }).selectOption({ label: 'Calls' });
	await form.getByRole('textbox', { name: 'Amount' }).fill('3');
	await form.getByRole('button', { name: 'Log it' }).click();
	await expect(form.getByRole('status')).toHaveText('Logged: +3 points.');
	await visit(page, '/leaderboards?board=call&window=day');
	await page.getByRole('row').filter({ hasText: admin.name }).getByRole('button', { name: '3' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(`Why ${admin.name} has 3`);
	await expectNoViolations(page, errors);

	for (const path of ['/admin/members', '/admin/teams', '/admin/metrics', '/admin/tokens', '/admin/import', '/account']) {
		await visit(page, path);
		await expect(page.locator('main h1').first()).toBeVisible();
		await expectNoViolations(page, errors);
	}
});
