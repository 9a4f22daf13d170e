// Onboarding, end to end: an admin signs up, creates a team and invites a rep by link; the rep
// joins in a second browser context, and both of them see the team and the rep on /team.
import { expect, test } from '@playwright/test';
import { newAdmin, PASSWORD, uniqueSuffix, visit } from './support';

test('sign up, sign out and sign in again', async ({ page }) => {
	const admin = newAdmin('Signin');

	await visit(page, '/');
	await expect(page).toHaveURL(/\/login$/);
	await page.getByRole('link', { name: 'Create an organization' }).click();
	await expect(page).toHaveURL(/\/signup$/);

	await page.getByLabel('Organization name').fill(admin.organization);
	await page.getByLabel('Your name').fill(admin.name);
	await page.getByLabel('E-mail').fill(admin.email);
	await page.getByLabel('Password').fill(admin.password);
	await page.getByRole('button', { name: 'Create organization' }).click();
	await expect(page).toHaveURL(/\/admin\/teams$/);
	await expect(page.getByText(admin.organization).first()).toBeVisible();

	// Sign out from the sidebar, then back in with the same credentials.
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login/);
	await page.getByLabel('E-mail').fill(admin.email);
	await page.getByLabel('Password').fill('wrong-password-123');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toContainText('do not match');

	await page.getByLabel('Password').fill(admin.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

test('sign-up shows field errors and keeps what was typed', async ({ page }) => {
	await visit(page, '/signup');
	await page.getByLabel('Organization name').fill('Half-done Inc');
	await page.getByLabel('E-mail').fill('not-an-email');
	await page.getByLabel('Password').fill('short');
	await page.getByRole('button', { name: 'Create organization' }).click();
	await expect(page).toHaveURL(/\/signup$/);
	await expect(page.getByLabel('Organization name')).toHaveValue('Half-done Inc');
	await expect(page.getByLabel('E-mail')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
});

test('admin creates a team and invites a rep who joins by link', async ({ page, browser }) => {
	const admin = newAdmin('Onboard');
	const team = `Closers ${uniqueSuffix()}`;
	const rep = { name: `Ray Rep ${uniqueSuffix()}`, email: `ray+${uniqueSuffix()}@example.com` };

	await test.step('admin signs up', async () => {
		await visit(page, '/signup');
		await page.getByLabel('Organization name').fill(admin.organization);
		await page.getByLabel('Your name').fill(admin.name);
		await page.getByLabel('E-mail').fill(admin.email);
		await page.getByLabel('Password').fill(admin.password);
		await page.getByRole('button', { name: 'Create organization' }).click();
		await expect(page).toHaveURL(/\/admin\/teams$/);
	});

	await test.step('admin creates a team', async () => {
		const create = page.locator('form[action="?/create"]');
		await create.getByLabel('Team name').fill(team);
		await create.getByRole('button', { name: 'Create team' }).click();
		await expect(page.locator('.teams li').filter({ hasText: team })).toBeVisible();
	});

	let link = '';
	await test.step('admin invites a rep by link', async () => {
		await page.getByRole('link', { name: 'Members' }).click();
		await expect(page).toHaveURL(/\/admin\/members$/);
		const invite = page.locator('form[action="?/invite"]');
		await invite.getByLabel('E-mail').fill(rep.email);
		await invite.getByRole('combobox', { name: /^Role/ }).selectOption('rep');
		await invite.getByRole('combobox', { name: /^Team/ }).selectOption({ label: team });
		await invite.getByRole('button', { name: 'Create invitation link' }).click();
		const linkInput = page.getByTestId('invitation-link');
		await expect(linkInput).toBeVisible();
		link = await linkInput.inputValue();
		expect(link).toMatch(/\/invite\/[^/]+$/);
		await expect(page.getByText(rep.email).first()).toBeVisible();
	});

	const repContext = await browser.newContext();
	try {
		const repPage = await repContext.newPage();
		await test.step('rep opens the link in another browser and joins', async () => {
			await visit(repPage, link);
			await expect(repPage.getByRole('heading', { level: 1 })).toContainText(admin.organization);
			await expect(repPage.getByText(team).first()).toBeVisible();
			await repPage.getByLabel('Your name').fill(rep.name);
			await repPage.getByLabel('Password').fill(PASSWORD);
			await repPage.getByRole('button', { name: `Join ${admin.organization}` }).click();
			// Home, with a one-time welcome.
			await expect(repPage).toHaveURL(/\/$/);
			await expect(repPage.getByTestId('welcome')).toContainText(`Welcome to ${admin.organization}!`);
		});

		await test.step('rep sees the team with themselves in it', async () => {
			await visit(repPage, '/team');
			const card = repPage.getByRole('region', { name: team });
			await expect(card).toBeVisible();
			await expect(card.getByText(rep.name)).toBeVisible();
			// A rep has no admin section in the navigation.
			await expect(repPage.getByRole('link', { name: 'Admin' })).toHaveCount(0);
		});

		await test.step('admin sees the rep in the team on /team', async () => {
			await visit(page, '/team');
			const card = page.getByRole('region', { name: team });
			await expect(card).toBeVisible();
			await expect(card.getByText(rep.name)).toBeVisible();
		});

		await test.step('the link works only once', async () => {
			const stranger = await browser.newContext();
			try {
				const strangerPage = await stranger.newPage();
				const response = await strangerPage.goto(link);
				expect(response?.status()).toBe(410);
				await expect(strangerPage.getByRole('heading', { level: 1 })).toHaveText('This invitation no longer works');
				await expect(strangerPage.getByText('This invitation was already used.')).toBeVisible();
			} finally {
				await stranger.close();
			}
		});
	} finally {
		await repContext.close();
	}
});
