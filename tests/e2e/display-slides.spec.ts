// The TV's domain slides, end to end: an admin with three reps runs a call race, a team challenge and a
// bracket, sets goals, and builds a display of standings, bracket, challenge, goal pace and KPI tiles
// through the editor (editing one); a paired TV shows each with live data, and its one-time "enable
// sound" button. Screenshots of each at 1920×1080 and 3840×2160 go to artifacts/screenshots/.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { carryQuota, createTeam, inviteRep, joinAsRep, newAdmin, openPanel, signUp, uniqueSuffix, visit } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

async function apiToken(page: Page) {
	await visit(page, '/admin/tokens');
	const form = page.locator('form[action="?/create"]');
	await form.locator('input[name="name"]').fill('Floor');
	for (const box of await form.locator('input[name="scopes"]').all()) await box.check();
	await form.locator('button').click();
	return page.getByTestId('token-value').inputValue();
}

async function openTv(browser: Browser, size: { width: number; height: number }) {
	const context = await browser.newContext({ viewport: size });
	const page = await context.newPage();
	await page.goto('/tv');
	const code = page.getByTestId('tv-code');
	await expect(code).toBeVisible({ timeout: 20_000 });
	return { context, page, code: (await code.getAttribute('aria-label'))! };
}

test('standings, bracket, challenge, goal pace and KPI tiles on a TV, built and edited in the editor', async ({ browser, baseURL }) => {
	test.setTimeout(300_000);
	const adminContext = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
	const admin = await adminContext.newPage();
	const who = newAdmin('Floor');
	await signUp(admin, who);
	await carryQuota(admin, who);
	const suffix = uniqueSuffix();
	const reps = ['Grace Chen', 'Omar Haddad', 'Lena Petrova'].map((name, i) => ({ name, email: `rep${i}-${suffix}@example.com` }));
	const team = 'Floor';
	await createTeam(admin, team);
	for (const rep of reps) {
		const link = await inviteRep(admin, rep, team);
		const joined = await joinAsRep(browser, link, rep);
		await joined.context.close();
	}
	const token = await apiToken(admin);
	const api = async (method: 'POST', path: string, body: unknown) => {
		const res = await admin.request.fetch(`${baseURL}${path}`, { method, data: body, headers: { authorization: `Bearer ${token}` } });
		expect(res.status(), await res.text()).toBeLessThan(300);
		return res.json();
	};
	const everyone = [who.email, ...reps.map((r) => r.email)];
	const window = { startsAt: new Date(Date.now() - 60_000).toISOString(), status: 'scheduled' };
	const calls = { metrics: [{ metric: 'call', weight: 1 }] };
	await api('POST', '/api/v1/contests', { name: { en: 'Call sprint' }, format: 'race', scoring: calls, participants: { members: everyone }, endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(), prizes: [{ place: 1, text: { en: 'Team dinner' } }, { place: 2, text: { en: 'Movie tickets' } }, { place: 3, text: { en: 'Coffee' } }], ...window });
	await api('POST', '/api/v1/contests', { name: { en: '200 calls together' }, format: 'team_challenge', scoring: calls, participants: { all: true }, target: 200, endsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(), ...window });
	await api('POST', '/api/v1/contests', { name: { en: 'Call-off' }, format: 'bracket', scoring: calls, participants: { members: everyone }, bracket: { roundMinutes: 720, seeding: 'manual' }, ...window, endsAt: new Date(Date.parse(window.startsAt) + 2 * 720 * 60_000).toISOString() });
	for (const email of everyone) await api('POST', '/api/v1/goals', { owner: { member: email }, metric: 'call', target: 150, period: { window: 'month' } });
	await api('POST', '/api/v1/goals', { owner: { org: true }, metric: 'call', target: 500, period: { window: 'month' } });
	// Calls today (after the contests started) and over the last days.
	const events = everyone.flatMap((user, i) => [
		{ id: `t-${suffix}-${i}`, metric: 'call', user, value: 12 + i * 7, occurredAt: new Date().toISOString() },
		...[1, 2, 3, 4, 5].map((d) => ({ id: `y-${suffix}-${i}-${d}`, metric: 'call', user, value: 8 + ((i + d) % 4) * 5, occurredAt: new Date(Date.now() - d * 86_400_000).toISOString() }))
	]);
	await api('POST', '/api/v1/events', { events });

	// The display, built in the editor.
	await visit(admin, '/displays');
	const create = admin.getByTestId('display-create');
	await create.locator('input[name=name]').fill('Sales floor');
	await create.getByRole('button').click();
	const card = admin.getByTestId('display-card').first();
	const types = ['contest', 'bracket', 'challenge', 'goals', 'kpis'];
	for (const type of types) {
		const before = await card.getByTestId('slide-row').count();
		const details = card.locator('details.add');
		const form = card.getByTestId('slide-form');
		await openPanel(details, form.getByTestId('slide-type'));
		await form.getByTestId('slide-type').selectOption(type);
		if (type === 'kpis') for (const key of ['points', 'call', 'meeting', 'deal']) await form.locator(`input[name="settings.metrics"][value="${key}"]`).check();
		await form.getByTestId('slide-add').click();
		await expect(card.getByTestId('slide-row')).toHaveCount(before + 1);
	}
	// Edit the KPI slide: this week against last week.
	await card.getByTestId('slide-edit').nth(4).click();
	const edit = card.getByTestId('slide-edit-form');
	await expect(edit.locator('input[name="settings.metrics"][value="call"]')).toBeChecked();
	await edit.locator('select[name="settings.compare"]').selectOption('week');
	await edit.getByTestId('slide-save').click();
	await expect(card.getByTestId('slide-row').nth(4)).toContainText('This week with last week');
	mkdirSync(OUT, { recursive: true });
	await admin.screenshot({ path: `${OUT}displays-editor.png`, fullPage: true });

	const displayId = await card.getAttribute('data-display-id');
	const tvs = [await openTv(browser, { width: 1920, height: 1080 }), await openTv(browser, { width: 3840, height: 2160 })];
	for (const tv of tvs) {
		const res = await admin.request.post(`${baseURL}/api/v1/displays/${displayId}/screens`, { data: { code: tv.code }, headers: { origin: baseURL! } });
		expect(res.status()).toBe(201);
		await expect(tv.page.getByTestId('tv-slide')).toBeVisible({ timeout: 20_000 });
	}
	// Sound needs one click on the TV, once.
	const [hd, uhd] = tvs;
	await expect(hd.page.getByTestId('tv-sound')).toBeVisible();
	await hd.page.getByTestId('tv-sound').click();
	await expect(hd.page.getByTestId('tv-sound')).toBeHidden();
	expect(await hd.page.evaluate(() => localStorage.getItem('podium.tv.sound'))).toBe('on');

	const remote = await adminContext.newPage();
	await visit(remote, `/displays/${displayId}/remote`);
	for (const [i, type] of types.entries()) {
		await remote.locator('form', { has: remote.locator('input[name=slideId]') }).nth(i).getByRole('button').click();
		for (const [tv, label] of [
			[hd, '1080p'],
			[uhd, '4k']
		] as const) {
			const slide = tv.page.getByTestId('tv-slide');
			await expect(slide).toHaveAttribute('data-slide-type', type, { timeout: 8_000 });
			if (type === 'contest') await expect(slide.getByTestId('tv-contest-row')).toHaveCount(4);
			if (type === 'bracket') await expect(slide.getByTestId('tv-match').first()).toContainText(/\w/);
			if (type === 'challenge') await expect(slide.getByTestId('tv-challenge-total')).not.toHaveText('0');
			if (type === 'goals') await expect(slide.getByTestId('tv-goal-row')).toHaveCount(4);
			if (type === 'kpis') {
				await expect(slide.getByTestId('tv-kpi')).toHaveCount(4);
				await expect(slide).toContainText('This week');
			}
			await tv.page.waitForTimeout(1_200);
			await tv.page.screenshot({ path: `${OUT}tv-${type}-${label}.png`, timeout: 30_000 });
		}
	}
	// The standings move live while shown.
	await remote.locator('form', { has: remote.locator('input[name=slideId]') }).nth(0).getByRole('button').click();
	await expect(hd.page.getByTestId('tv-slide')).toHaveAttribute('data-slide-type', 'contest');
	await api('POST', '/api/v1/events', { events: [{ id: `late-${suffix}`, metric: 'call', user: reps[0].email, value: 90, occurredAt: new Date().toISOString() }] });
	await expect(hd.page.getByTestId('tv-contest-row').first()).toContainText(reps[0].name, { timeout: 5_000 });

	for (const tv of tvs) await tv.context.close();
	await adminContext.close();
});
