// Integrations, end to end: an admin adds a HubSpot connection (the webhook URL shown, the typed secret
// not shown back), pastes a sample payload, previews what the mapping rules make of it (a deal and its
// amount as revenue, for the admin as the deal's owner), and saves the rules; adds a DingTalk channel
// (a loopback URL refused first). Then screenshots of the
// page at phone and laptop sizes, in English and Chinese, saved to artifacts/screenshots/ (each checked
// for sideways scrolling).
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newAdmin, setLocale, signUp, visit, type Locale } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

test('an admin creates a connection, previews the mapping of a pasted sample and saves it', async ({ browser, baseURL }) => {
	test.setTimeout(120_000);
	const context = await browser.newContext();
	const page = await context.newPage();
	const admin = newAdmin('Integrations');
	await signUp(page, admin);

	await visit(page, '/admin/integrations');
	await expect(page.getByRole('link', { name: 'Integrations' })).toHaveAttribute('aria-current', 'page');
	const create = page.getByTestId('create-connection');
	await create.getByLabel('CRM').selectOption('hubspot');
	await create.getByLabel('Name').fill('HubSpot sales');
	await create.getByLabel('App secret').fill('hubspot-client-secret-123');
	await create.getByRole('button', { name: 'Add connection' }).click();
	const created = page.getByTestId('new-connection');
	await expect(created).toContainText('Connection “HubSpot sales” added.');
	await expect(page.getByTestId('hook-url')).toHaveValue(/\/api\/v1\/hooks\/[0-9a-f-]{36}$/);
	await expect(page.getByTestId('hook-secret')).toHaveCount(0);

	const item = page.locator('[data-connection="HubSpot sales"]');
	await item.getByText('Mapping rules').click();
	const sample = JSON.stringify(
		[{ objectId: 1246965, subscriptionType: 'deal.propertyChange', propertyName: 'dealstage', propertyValue: 'closedwon', ownerEmail: admin.email, amount: '1500.50', occurredAt: Date.now() }],
		null,
		2
	);
	await item.getByTestId('sample').fill(sample);
	await item.getByRole('button', { name: 'Preview' }).click();
	const preview = item.getByTestId('preview');
	await expect(preview).toContainText('Preview: 2 events from 1 records');
	await expect(preview).toContainText(`deal · 1 for ${admin.email}`);
	await expect(preview).toContainText(`revenue · 150050 for ${admin.email}`);

	// A broken sample is answered under its field; nothing is saved.
	await item.getByTestId('sample').fill('[{"objectId": 1,');
	await item.getByRole('button', { name: 'Preview' }).click();
	await expect(item.getByRole('alert')).toContainText('Sample payload:');

	await item.getByTestId('sample').fill(sample);
	await item.getByRole('button', { name: 'Save rules' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Rules saved.' })).toBeVisible();

	// A chat channel with its moments and a daily digest; a loopback URL is refused without the allowance.
	const channel = page.locator('form[action="?/addChannel"]');
	await channel.getByLabel('Chat tool').selectOption('dingtalk');
	await channel.getByLabel('Name', { exact: true }).fill('Sales floor');
	await channel.getByLabel('Webhook URL').fill('https://127.0.0.1/robot/send?access_token=x');
	await channel.getByLabel('Big deal', { exact: true }).check();
	await channel.getByRole('button', { name: 'Add channel' }).click();
	await expect(channel.getByRole('alert')).toContainText('private or loopback');
	await channel.getByLabel('Webhook URL').fill('https://oapi.dingtalk.com/robot/send?access_token=x');
	await channel.getByLabel('Signing secret (DingTalk, Feishu)').fill('SEC000111222');
	await channel.getByLabel('Keyword (DingTalk)').fill('Podium');
	await channel.getByLabel('Big deal', { exact: true }).check();
	await channel.getByLabel('Contest final').check();
	await channel.getByLabel('Digest').selectOption('daily');
	await channel.getByLabel('Big deal from (amount in major units)').fill('10000');
	await channel.getByRole('button', { name: 'Add channel' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Channel “Sales floor” added.' })).toBeVisible();
	await expect(page.locator('[data-channel="Sales floor"]')).toContainText('Healthy');

	// Editing: a bad URL is refused naming the field; a new keyword and digest time are saved.
	const floor = page.locator('[data-channel="Sales floor"]');
	await floor.getByText('Edit', { exact: true }).click();
	const edit = floor.locator('form[action="?/editChannel"]');
	await edit.getByLabel('New webhook URL (leave empty to keep the current one)').fill('https://10.0.0.8/robot/send');
	await edit.getByRole('button', { name: 'Save channel' }).click();
	await expect(page.locator('[data-channel="Sales floor"] form[action="?/editChannel"]')).toContainText('private or loopback');
	await page.locator('[data-channel="Sales floor"] form[action="?/editChannel"]').getByLabel('New webhook URL (leave empty to keep the current one)').fill('');
	await page.locator('[data-channel="Sales floor"] form[action="?/editChannel"]').getByLabel('Keyword (DingTalk)').fill('Sales');
	await page.locator('[data-channel="Sales floor"] form[action="?/editChannel"]').getByLabel('At (the organization’s local time)').fill('17:30');
	await page.locator('[data-channel="Sales floor"] form[action="?/editChannel"]').getByRole('button', { name: 'Save channel' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Channel “Sales floor” saved.' })).toBeVisible();
	await expect(page.locator('[data-channel="Sales floor"]')).toContainText('17:30');

	mkdirSync(OUT, { recursive: true });
	for (const locale of ['en', 'zh-CN'] as Locale[]) {
		await setLocale(context, baseURL!, locale);
		// A signed-in member's language is their own preference (the switcher in the header posts here).
		const switched = await page.request.post('/preferences', { form: { locale }, headers: { origin: baseURL! }, maxRedirects: 0 });
		expect(switched.status()).toBeLessThan(400);
		for (const [name, size] of [
			['phone', { width: 390, height: 844 }],
			['laptop', { width: 1366, height: 768 }]
		] as const) {
			await page.setViewportSize(size);
			await visit(page, '/admin/integrations');
			await page.locator('[data-connection="HubSpot sales"] summary').click();
			await page.locator('[data-connection="HubSpot sales"] [data-testid=sample]').fill(sample);
			await page.locator('[data-connection="HubSpot sales"] form[action="?/preview"] button').first().click();
			await expect(page.getByTestId('preview')).toBeVisible();
			const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
			expect(sideways, `${locale} ${name}: no sideways scrolling`).toBeLessThanOrEqual(0);
			await page.screenshot({ path: `${OUT}integrations-${locale}-${name}.png`, fullPage: true });
		}
	}
	await context.close();
});
