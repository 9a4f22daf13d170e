// A long receipt in the browser: a score made of more events than one page shows its true total and
// how many of its events are listed, and "Show more" loads the rest 100 at a time.
import { expect, test } from '@playwright/test';
import { carryQuota, newAdmin, signUp, visit } from './support';

test('a score of 150 events lists 100, then all 150 after "Show more", with the total of all', async ({ page, baseURL }) => {
	const admin = newAdmin('Receipt');
	await signUp(page, admin);
	// What the admin logs for herself ranks only once she carries a quota.
	await carryQuota(page, admin);

	await visit(page, '/admin/tokens');
	const form = page.locator('form[action="?/create"]');
	await form.locator('input[name="name"]').fill('CRM');
	await form.locator('button').click();
	const token = await page.getByTestId('token-value').inputValue();

	const events = Array.from({ length: 150 }, (_, i) => ({ id: `e2e-${i}`, metric: 'call', user: admin.email, value: 1 }));
	const posted = await page.request.post(`${baseURL}/api/v1/events`, {
		headers: { authorization: `Bearer ${token}` },
		data: { events }
	});
	expect(posted.status()).toBe(200);
	expect((await posted.json()).accepted).toBe(150);

	await visit(page, '/leaderboards?board=call&window=day');
	await page.getByRole('row').filter({ hasText: admin.name }).getByRole('button', { name: '150' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(`Why ${admin.name} has 150`);
	await expect(dialog.locator('tbody tr')).toHaveCount(100);
	await expect(dialog).toContainText('Showing 100 of 150 events');
	await dialog.getByRole('button', { name: 'Show more' }).click();
	await expect(dialog.locator('tbody tr')).toHaveCount(150);
	await expect(dialog.getByRole('button', { name: 'Show more' })).toHaveCount(0);
	await expect(dialog.locator('tfoot')).toContainText('150');
});
