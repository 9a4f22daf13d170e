// What a new organization meets on its first day, in English and Chinese, at phone, laptop and TV
// sizes: a board that is never blank on the first day of a period (last period's podium), a feed
// with days, a members page that asks before deactivating, a team tree, an audit log and a CSV
// preview that fit a phone, a phone menu that Escape closes. Screenshots go to artifacts/screenshots/.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD, setLocale, signUp, uniqueSuffix, type Locale, visit } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const VIEWPORTS = [
	{ width: 390, height: 844 },
	{ width: 1366, height: 768 },
	{ width: 1920, height: 1080 }
];
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const PEOPLE: Record<Locale, { admin: string; team: string; sub: string; reps: string[] }> = {
	en: { admin: 'Ada Lovelace', team: 'Sales', sub: 'Inside Sales', reps: ['Grace Hopper', 'Alan Turing', 'Katherine Coleman Johnson', 'Bartholomew Maximilian Fitzgerald-Worthington'] },
	'zh-CN': { admin: '王小明', team: '销售部', sub: '电话销售组', reps: ['李娜', '张伟', '刘洋', '欧阳娜娜'] }
};
// A name with no spaces must not widen any page.
const LONG = 'Supercalifragilisticexpialidocious-Enterprise-Accounts-Northwest';

mkdirSync(OUT, { recursive: true });

async function shot(page: Page, locale: Locale, viewport: { width: number; height: number }, name: string, fullPage = true) {
	await page.evaluate(() => document.fonts.ready);
	await page.screenshot({ path: join(OUT, `first-use-${locale}-${viewport.width}x${viewport.height}-${name}.png`), fullPage, animations: 'disabled', caret: 'hide' });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect.soft(overflow, `${name} scrolls sideways by ${overflow}px at ${viewport.width}px`).toBeLessThanOrEqual(0);
}

async function createTeam(page: Page, name: string, parent?: string) {
	await visit(page, '/admin/teams');
	const form = page.locator('form[action="?/create"]');
	await form.locator('input[name="name"]').fill(name);
	if (parent) await form.locator('select[name="parentId"]').selectOption({ label: parent });
	await form.locator('button').click();
	await expect(page.locator('.teams li', { hasText: name }).first()).toBeVisible();
}

async function joinTeam(browser: Browser, baseURL: string, page: Page, locale: Locale, name: string, team: string) {
	await visit(page, '/admin/members');
	const invite = page.locator('form[action="?/invite"]');
	await invite.locator('input[name="email"]').fill(`rep-${uniqueSuffix()}@example.com`);
	await invite.locator('select[name="role"]').selectOption('rep');
	const option = invite.locator('select[name="teamId"] option').filter({ hasText: new RegExp(`^(— )*${team}$`) });
	await invite.locator('select[name="teamId"]').selectOption((await option.getAttribute('value'))!);
	await invite.locator('button').click();
	const link = await page.getByTestId('invitation-link').inputValue();
	const context = await browser.newContext({ baseURL });
	try {
		await setLocale(context, baseURL, locale);
		const repPage = await context.newPage();
		await visit(repPage, link);
		await repPage.locator('input[name="name"]').fill(name);
		await repPage.locator('input[name="password"]').fill(PASSWORD);
		await repPage.locator('form button').click();
		await expect(repPage).toHaveURL(/\/$/);
	} finally {
		await context.close();
	}
}

/** An API token made on /admin/tokens with both scopes. */
async function apiToken(page: Page) {
	await visit(page, '/admin/tokens');
	const form = page.locator('form[action="?/create"]');
	await form.locator('input[name="name"]').fill('Seed');
	for (const box of await form.locator('input[name="scopes"]').all()) await box.check();
	await form.locator('button').click();
	return page.getByTestId('token-value').inputValue();
}

/**
 * Signs up, builds Sales → Inside Sales (+ a team with a long name), has four reps join, and sends
 * their deals through the API dated in last week only: this week is as empty as on a Monday morning.
 */
async function prepare(browser: Browser, baseURL: string, locale: Locale): Promise<{ state: StorageState; seededAt: number }> {
	const people = PEOPLE[locale];
	const context = await browser.newContext({ baseURL });
	try {
		await setLocale(context, baseURL, locale);
		const page = await context.newPage();
		const id = uniqueSuffix();
		await signUp(page, { organization: `${locale === 'en' ? 'Northwind' : '示例公司'} ${id}`, name: people.admin, email: `admin-${id}@example.com`, password: PASSWORD });
		await createTeam(page, people.team);
		await createTeam(page, people.sub, people.team);
		await createTeam(page, LONG, people.team);
		for (const [i, name] of people.reps.entries()) {
			await joinTeam(browser, baseURL, page, locale, name, i % 2 ? people.team : people.sub);
		}
		const token = await apiToken(page);
		const auth = { authorization: `Bearer ${token}` };
		const week = await page.request.get('/api/v1/leaderboards?board=points&scope=users&window=week&limit=1', { headers: auth });
		expect(week.ok()).toBe(true);
		// The last hour of last week: always an earlier day, and inside the feed's 7 days but in the last hour of a week.
		const lastWeek = new Date(Date.parse((await week.json()).window.start) - 3_600_000).toISOString();
		await visit(page, '/admin/members');
		const byName = async (name: string) => (await page.locator(`tr[data-member]`, { hasText: name }).getAttribute('data-member'))!;
		const deals = [3, 2, 1, 1];
		const events = [];
		for (const [i, name] of people.reps.entries()) {
			const email = await byName(name);
			for (let n = 0; n < deals[i]; n++) events.push({ id: `seed-${i}-${n}`, metric: 'deal', user: email, value: 1, occurredAt: lastWeek });
		}
		const posted = await page.request.post('/api/v1/events', { headers: { ...auth, 'content-type': 'application/json' }, data: { events } });
		expect(posted.ok(), await posted.text()).toBe(true);
		return { state: await context.storageState(), seededAt: Date.parse(lastWeek) };
	} finally {
		await context.close();
	}
}

for (const locale of ['en', 'zh-CN'] as const) {
	test.describe(`first use (${locale})`, () => {
		let state: StorageState;
		let seededAt: number;
		test.beforeAll(async ({ browser, baseURL }) => {
			test.setTimeout(180_000);
			({ state, seededAt } = await prepare(browser, baseURL!, locale));
		});

		for (const viewport of VIEWPORTS) {
			test(`${viewport.width}x${viewport.height}`, async ({ browser, baseURL }) => {
				const people = PEOPLE[locale];
				const context = await browser.newContext({ baseURL, viewport, storageState: state });
				try {
					const page = await context.newPage();

					// The first screen has data although this week has none.
					await visit(page, '/leaderboards');
					const previous = page.getByTestId('previous-standings');
					await expect(previous).toBeVisible();
					await expect(previous.getByRole('heading')).toHaveText(locale === 'en' ? /Last week’s final standings/ : /上周最终排名/);
					await expect(previous.locator('.podium li')).toHaveCount(3);
					await expect(previous.locator('.podium li').first()).toContainText(people.reps[0]);
					// The feed says which day: last week's deals are not "today".
					// (In the last hour of a week, last week's last hour is already older than the feed's 7 days.)
					const times = await page.locator('.feed time').allInnerTexts();
					if (Date.now() - seededAt < 7 * 86_400_000) {
						expect(times).toHaveLength(7);
						for (const text of times) expect(text).not.toMatch(/^\d{1,2}:\d{2}( [AP]M)?$/);
					} else {
						expect(times).toHaveLength(0);
						await expect(page.locator('.feed')).toContainText(locale === 'en' ? 'No activity in the last 7 days.' : '最近 7 天没有动态。');
					}
					// Quick log starts on a rep, not on the admin.
					const chosen = await page.locator('form[action="?/log"] select[name="userId"] option:checked').innerText();
					expect(chosen).not.toContain(people.admin);
					await shot(page, locale, viewport, 'leaderboards');

					// On the all-time board, a name of 25 characters is shown whole, even on a phone.
					await visit(page, '/leaderboards?board=points&window=all');
					const name = page.locator('.names strong', { hasText: people.reps[2] }).first();
					await expect(name).toBeVisible();
					const cut = await name.evaluate((el) => Math.max(el.scrollWidth - el.clientWidth, el.scrollHeight - el.clientHeight));
					expect(cut, `${people.reps[2]} is cut by ${cut}px at ${viewport.width}px`).toBeLessThanOrEqual(0);

					await visit(page, '/team');
					const parent = page.getByRole('region', { name: people.team, exact: true });
					await expect(parent.getByRole('region', { name: people.sub })).toBeVisible();
					await expect(parent.getByRole('region', { name: LONG })).toBeVisible();
					await shot(page, locale, viewport, 'team');

					// Deactivating asks first, in place; Cancel leaves everything as it was.
					await visit(page, '/admin/members');
					const row = page.locator('tr[data-member]', { hasText: people.reps[1] });
					await row.locator('form[method="GET"] button.danger').click();
					const confirm = page.locator('tr.confirm-row form');
					await expect(confirm).toBeVisible();
					await expect(confirm).toContainText(people.reps[1]);
					await shot(page, locale, viewport, 'members-confirm');
					await confirm.locator('a').click();
					await expect(confirm).toHaveCount(0);

					await visit(page, '/admin/audit');
					await shot(page, locale, viewport, 'audit');

					// The CSV preview wraps notes between words, and one valid row reads "1 row".
					await visit(page, '/admin/import');
					const email = await (async () => {
						await visit(page, '/admin/members');
						const member = (await page.locator('tr[data-member]', { hasText: people.reps[0] }).getAttribute('data-member'))!;
						await visit(page, '/admin/import');
						return member;
					})();
					const note = locale === 'en' ? 'Renewal of the enterprise agreement with the regional purchasing department, signed after three rounds' : '与区域采购部续签企业协议，经过三轮谈判后签署';
					await page.locator('textarea[name="csv"]').fill(`metric,user,value,occurredAt,note\ncall,${email},2,2026-01-05 10:00,"${note}"\n`);
					await page.locator('form[action="?/preview"] button.btn').click();
					const preview = page.getByTestId('preview');
					await expect(preview).toBeVisible();
					if (locale === 'en') await expect(preview.locator('button', { hasText: 'Import 1 valid row' })).toBeVisible();
					const noteCell = preview.locator('td.note');
					const lines = await noteCell.evaluate((el) => {
						// Every line break falls between words: no word of the note is split across lines.
						const range = document.createRange();
						const text = el.firstChild!;
						const tops = new Map<number, string>();
						for (let i = 0; i < (text.textContent ?? '').length; i++) {
							range.setStart(text, i);
							range.setEnd(text, i + 1);
							const top = Math.round(range.getBoundingClientRect().top);
							tops.set(top, (tops.get(top) ?? '') + text.textContent![i]);
						}
						return [...tops.values()];
					});
					if (locale === 'en') for (const line of lines.slice(0, -1)) expect(line, JSON.stringify(lines)).toMatch(/\s$/);
					await shot(page, locale, viewport, 'import-preview');

					if (viewport.width < 900) {
						const toggle = page.locator('button.menu-btn');
						await toggle.click();
						await expect(page.locator('#sidebar')).toBeVisible();
						await page.keyboard.press('Escape');
						await expect(page.locator('#sidebar')).toBeHidden();
						await expect(toggle).toBeFocused();
					}
				} finally {
					await context.close();
				}
			});
		}
	});
}
