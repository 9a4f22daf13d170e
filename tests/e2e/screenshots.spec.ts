// Screenshots of the key pages, in English and Simplified Chinese, at phone, laptop and desktop sizes,
// saved to artifacts/screenshots/ for review. Each page is also checked for two cheap layout faults:
// horizontal overflow, and (in Chinese) visible Latin-script text that is not user data.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD, setLocale, signUp, type Locale, visit } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const VIEWPORTS = [
	{ width: 390, height: 844 },
	{ width: 1440, height: 900 },
	{ width: 1920, height: 1080 }
];
const SIGNED_OUT = ['login', 'signup'] as const;
const SIGNED_IN = ['leaderboards', 'team', 'admin/teams', 'admin/members'] as const;

// Words that may legitimately appear in Latin script on a Chinese page. "API" is the usual term in
// Chinese too (the leaderboard's "source" of an event, "API 令牌" in the admin section).
const LATIN_ALLOWED = new Set(['Podium', 'English', 'API']);

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

interface Org {
	organization: string;
	admin: string;
	email: string;
	team: string;
	rep: string;
	repEmail: string;
	/** A second rep, so the leaderboard has a few rows. */
	rep2: string;
	rep2Email: string;
}

function orgFor(locale: Locale): Org {
	// Digits only, so that any Latin letters on a Chinese page come from the interface, not from data.
	const n = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
	return locale === 'zh-CN'
		? {
				organization: `示例销售公司 ${n}`,
				admin: '王小明',
				email: `admin-zh-${n}@example.com`,
				team: '华东一组',
				rep: '李娜',
				repEmail: `rep-zh-${n}@example.com`,
				rep2: '张伟',
				rep2Email: `rep2-zh-${n}@example.com`
			}
		: {
				organization: `Northwind Traders ${n}`,
				admin: 'Ada Lovelace',
				email: `admin-en-${n}@example.com`,
				team: 'Enterprise West',
				rep: 'Grace Hopper',
				repEmail: `rep-en-${n}@example.com`,
				rep2: 'Alan Turing',
				rep2Email: `rep2-en-${n}@example.com`
			};
}

/**
 * Logs one activity with the leaderboard's "Log activity" form, in any language: for `person` (found by
 * their name in the "For" list; omitted when the form has no such list), `metric` by its key.
 */
async function logActivity(page: Page, metric: string, value: string, person?: string) {
	const form = page.locator('form[action="?/log"]');
	if (person) {
		const option = form.locator('select[name="userId"] option').filter({ hasText: person }).first();
		await form.locator('select[name="userId"]').selectOption((await option.getAttribute('value'))!);
	}
	await form.locator('select[name="metric"]').selectOption(metric);
	await form.locator('input[name="value"]').fill(value);
	const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/log'));
	await form.locator('button').click();
	expect((await posted).ok()).toBe(true);
	await expect(form.locator('.field-error')).toHaveCount(0);
	// The form is busy until the page has reloaded its data, which brings a fresh idempotency key.
	await expect(form.locator('button')).toBeEnabled();
}

/** Creates an invitation link for a rep in the org's team. */
async function inviteRep(page: Page, org: Org, email: string): Promise<string> {
	await visit(page, '/admin/members');
	const invite = page.locator('form[action="?/invite"]');
	await invite.locator('input[name="email"]').fill(email);
	await invite.locator('select[name="role"]').selectOption('rep');
	await invite.locator('select[name="teamId"]').selectOption({ label: org.team });
	await invite.locator('button').click();
	return page.getByTestId('invitation-link').inputValue();
}

/** Has a rep join by link in their own browser and log some activity of their own. */
async function joinAndLog(browser: Browser, baseURL: string, locale: Locale, link: string, name: string, logs: [string, string][]) {
	const repContext = await browser.newContext({ baseURL });
	try {
		await setLocale(repContext, baseURL, locale);
		const repPage = await repContext.newPage();
		await visit(repPage, link);
		await repPage.locator('input[name="name"]').fill(name);
		await repPage.locator('input[name="password"]').fill(PASSWORD);
		await repPage.locator('form button').click();
		await expect(repPage).toHaveURL(/\/$/);
		await visit(repPage, '/leaderboards');
		for (const [metric, value] of logs) await logActivity(repPage, metric, value);
	} finally {
		await repContext.close();
	}
}

/**
 * Signs up an admin in the given language, creates a team, has two reps join it and log activity,
 * and logs a few deals as the admin, so the leaderboard has scores; returns the admin's session.
 */
async function prepareOrg(browser: Browser, baseURL: string, locale: Locale, org: Org): Promise<StorageState> {
	const context = await browser.newContext({ baseURL });
	try {
		await setLocale(context, baseURL, locale);
		const page = await context.newPage();
		await signUp(page, { organization: org.organization, name: org.admin, email: org.email, password: PASSWORD });

		const create = page.locator('form[action="?/create"]');
		await create.locator('input[name="name"]').fill(org.team);
		await create.locator('button').click();
		await expect(page.locator('.teams li', { hasText: org.team })).toBeVisible();

		const link = await inviteRep(page, org, org.repEmail);
		await joinAndLog(browser, baseURL, locale, link, org.rep, [
			['call', '24'],
			['meeting', '3']
		]);
		const link2 = await inviteRep(page, org, org.rep2Email);
		await joinAndLog(browser, baseURL, locale, link2, org.rep2, [
			['call', '12'],
			['meeting', '2']
		]);

		await visit(page, '/leaderboards');
		await logActivity(page, 'deal', '1', org.rep);
		await logActivity(page, 'deal', '1', org.admin);
		await logActivity(page, 'revenue', '128000', org.admin);
		return await context.storageState();
	} finally {
		await context.close();
	}
}

/** Visible Latin-script text (text nodes and accessible attributes) that is neither allowed nor user data. */
async function latinLeftovers(page: Page, userData: string[]): Promise<string[]> {
	const found = await page.evaluate(() => {
		const out: string[] = [];
		const visible = (el: Element | null) =>
			!!el && (el as HTMLElement).checkVisibility?.({ visibilityProperty: true, opacityProperty: true }) !== false;
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const parent = node.parentElement;
			if (!parent || parent.closest('script, style, noscript, option:not(:checked), .sr-only')) continue;
			const text = node.textContent?.trim();
			if (text && visible(parent)) out.push(text);
		}
		for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
			for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
				const value = el.getAttribute(attr)?.trim();
				if (value) out.push(`[${attr}] ${value}`);
			}
		}
		out.push(`[title] ${document.title}`);
		return out;
	});
	return found.filter((text) => {
		let rest = text.replace(/^\[[a-z-]+\] /, '');
		for (const data of userData) rest = rest.split(data).join(' ');
		rest = rest.replace(/[\w.+-]+@[\w.-]+/g, ' ');
		const words = rest.match(/[A-Za-z]{2,}/g) ?? [];
		return words.some((word) => !LATIN_ALLOWED.has(word));
	});
}

async function capture(
	page: Page,
	locale: Locale,
	viewport: { width: number; height: number },
	name: string,
	org: Org,
	fullPage = true
) {
	await page.evaluate(() => document.fonts.ready);
	const file = join(OUT, `${locale}-${viewport.width}x${viewport.height}-${name.replace('/', '-')}.png`);
	await page.screenshot({ path: file, fullPage, animations: 'disabled', caret: 'hide' });

	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect.soft(overflow, `${name} scrolls sideways by ${overflow}px at ${viewport.width}px`).toBeLessThanOrEqual(0);

	if (locale === 'zh-CN') {
		const leftovers = await latinLeftovers(page, [org.organization, org.admin, org.team, org.rep, org.rep2]);
		if (leftovers.length) {
			test.info().annotations.push({ type: 'untranslated', description: `${name}: ${leftovers.join(' | ')}` });
		}
		expect.soft(leftovers, `untranslated text on ${name}`).toEqual([]);
	}
}

mkdirSync(OUT, { recursive: true });

for (const locale of ['en', 'zh-CN'] as const) {
	test.describe(`screenshots (${locale})`, () => {
		const org = orgFor(locale);
		let state: StorageState;

		test.beforeAll(async ({ browser, baseURL }) => {
			// Two reps join and log in their own browsers: on a loaded machine this takes a while.
			test.setTimeout(180_000);
			state = await prepareOrg(browser, baseURL!, locale, org);
		});

		for (const viewport of VIEWPORTS) {
			test(`${viewport.width}x${viewport.height}`, async ({ browser, baseURL }) => {
				const signedOut = await browser.newContext({ baseURL, viewport });
				try {
					await setLocale(signedOut, baseURL!, locale);
					const page = await signedOut.newPage();
					for (const name of SIGNED_OUT) {
						await visit(page, `/${name}`);
						await expect(page.locator('html')).toHaveAttribute('lang', locale === 'en' ? 'en' : /^zh/);
						await capture(page, locale, viewport, name, org);
					}
				} finally {
					await signedOut.close();
				}

				const signedIn = await browser.newContext({ baseURL, viewport, storageState: state });
				try {
					const page = await signedIn.newPage();
					for (const name of SIGNED_IN) {
						await visit(page, `/${name}`);
						await expect(page).toHaveURL(new RegExp(`/${name}$`));
						await expect(page.locator('html')).toHaveAttribute('lang', locale === 'en' ? 'en' : /^zh/);
						await capture(page, locale, viewport, name, org);
					}
					// The leaderboard with a receipt open: the rep's score, which the admin logged part of.
					await visit(page, '/leaderboards');
					const row = page.locator('.board .row[data-member]').filter({ hasText: org.rep });
					await row.locator('button.score').click();
					const receipt = page.getByRole('dialog');
					await expect(receipt.locator('tbody tr')).toHaveCount(3);
					await expect(receipt.locator('tfoot')).toBeVisible();
					// The dialog is fixed to the viewport and scrolls inside itself.
					await capture(page, locale, viewport, 'leaderboards-receipt', org, false);
					await receipt.locator('header button').click();
					await expect(receipt).toBeHidden();

					if (viewport.width < 900) {
						// On a phone the navigation lives behind the menu button.
						await page.locator('button.menu-btn').click();
						await expect(page.locator('#sidebar')).toBeVisible();
						// The open menu is fixed to the viewport, so a full-page capture would show the page behind it.
						await capture(page, locale, viewport, 'menu-open', org, false);
					}
				} finally {
					await signedIn.close();
				}
			});
		}
	});
}

test.afterAll(() => {
	writeFileSync(join(OUT, 'README.txt'), 'PNG files are named <locale>-<width>x<height>-<page>.png.\n');
});
