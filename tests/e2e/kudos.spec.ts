// Kudos, end to end: an admin sets up company values on Admin → Values & kudos, a rep gives kudos with
// points to a colleague from the give card (search, value, message, points), and the colleague's open
// feed shows it live, without a reload; the colleague's reaction reaches the giver's feed live too.
// Then screenshots of /kudos and the admin page at phone and laptop sizes, in English and Chinese, saved
// to artifacts/screenshots/ (each also checked for sideways scrolling).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIVE, PASSWORD, expectLive, inviteRep, joinAsRep, newAdmin, setLocale, signUp, uniqueSuffix, visit, type Locale } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

async function addValue(page: Page, en: string, zh: string, emoji: string) {
	const form = page.locator('form[action="?/create"]');
	await form.locator('input[name="name.en"]').fill(en);
	await form.locator('input[name="name.zh-CN"]').fill(zh);
	await form.locator('input[name="emoji"]').fill(emoji);
	await form.locator('button').click();
	await expect(page.locator('.values [data-testid="value-chip"]', { hasText: new RegExp(`${en}|${zh}`) }).first()).toBeVisible();
}

async function giveKudos(page: Page, to: string, value: string, message: string, points: number) {
	const card = page.getByTestId('give-kudos');
	await card.locator('#kudos-to').fill(to.split(' ')[0]);
	await card.getByTestId('pick-person').filter({ hasText: to }).click();
	await card.locator('label.value', { hasText: value }).click();
	await card.locator('textarea[name="message"]').fill(message);
	await card.locator('input[name="points"]').fill(String(points));
	await card.locator('button[type="submit"]').click();
}

test('a rep gives kudos and they appear live in a colleague’s feed, with reactions coming back live', async ({ browser }) => {
	test.setTimeout(180_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Kudos'));
	const team = `Closers ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();

	await visit(admin, '/admin/values');
	await addValue(admin, 'Win together', '共同赢', '🤝');
	await addValue(admin, 'Customer first', '客户至上', '💙');

	const giver = { name: `Gina Giver ${id}`, email: `gina+${id}@example.com` };
	const colleague = { name: `Carl Colleague ${id}`, email: `carl+${id}@example.com` };
	const giverSide = await joinAsRep(browser, await inviteRep(admin, giver, team), giver);
	const colleagueSide = await joinAsRep(browser, await inviteRep(admin, colleague, team), colleague);

	const carl = colleagueSide.page;
	await visit(carl, '/kudos');
	await expectLive(carl);
	await expect(carl.getByTestId('kudos-empty')).toBeVisible();

	const gina = giverSide.page;
	await visit(gina, '/kudos');
	await expectLive(gina);
	await expect(gina.getByTestId('allowance')).toContainText('You have 100 of 100 points left this month');
	const message = `You saved the Acme renewal <b>${id}</b>`;
	await giveKudos(gina, colleague.name, 'Win together', message, 15);
	await expect(gina.getByRole('status').filter({ hasText: `Kudos sent to ${colleague.name}` })).toBeVisible();
	await expect(gina.getByTestId('allowance')).toContainText('You have 85 of 100 points left this month');

	// The colleague's feed, open all along, shows it without a reload: the message as text, the value, the points.
	const item = carl.getByTestId('kudos-item').filter({ hasText: id });
	await expect(item).toBeVisible(LIVE);
	await expect(item).toContainText(message);
	await expect(item.locator('b')).toHaveCount(0);
	await expect(item.getByTestId('value-chip')).toContainText('Win together');
	await expect(carl.getByTestId('kudos-for-me')).toContainText(`${giver.name} gave you kudos!`);
	await expect(item).toContainText('+15 pts each');

	// Carl reacts; Gina's feed shows the count live.
	await item.locator('button[data-emoji="🎉"]').click();
	await expect(item.locator('button[data-emoji="🎉"]')).toHaveAttribute('aria-pressed', 'true');
	await expect(gina.getByTestId('kudos-item').filter({ hasText: id }).locator('button[data-emoji="🎉"]')).toContainText('1', LIVE);

	// Giving to oneself is not offered, and too many points are refused before sending.
	await gina.locator('#kudos-to').fill('Gina');
	await expect(gina.getByTestId('pick-person')).toHaveCount(0);

	await Promise.all([adminContext.close(), giverSide.context.close(), colleagueSide.context.close()]);
});

const VIEWPORTS = [
	{ width: 390, height: 844 },
	{ width: 1440, height: 900 }
];

async function capture(page: Page, name: string) {
	await page.evaluate(() => document.fonts.ready);
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.waitForTimeout(900);
	await page.screenshot({ path: `${OUT}${name}.png`, fullPage: name.endsWith('-390') });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect.soft(overflow, `${name} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

async function joinNamed(browser: Browser, baseURL: string, locale: Locale, link: string, name: string) {
	const context = await browser.newContext({ reducedMotion: 'reduce' });
	await setLocale(context, baseURL, locale);
	const page = await context.newPage();
	await page.goto(link);
	await page.locator('input[name="name"]').fill(name);
	await page.locator('input[name="password"]').fill(PASSWORD);
	await page.locator('form button').click();
	await expect(page).toHaveURL(/\/$/);
	return { context, page };
}

for (const locale of ['en', 'zh-CN'] as Locale[]) {
	test(`screenshots of the kudos page and Admin → Values (${locale})`, async ({ browser, baseURL }) => {
		test.setTimeout(240_000);
		mkdirSync(OUT, { recursive: true });
		const n = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
		const zh = locale === 'zh-CN';
		const context = await browser.newContext({ reducedMotion: 'reduce' });
		await setLocale(context, baseURL!, locale);
		const page = await context.newPage();
		await signUp(page, { organization: zh ? `示例销售公司 ${n}` : `Northwind ${n}`, name: zh ? '王小明' : 'Ada Lovelace', email: `kudos-shots-${locale}-${n}@example.com`, password: PASSWORD });
		const team = zh ? '华东一组' : 'Enterprise West';
		await page.locator('form[action="?/create"] input[name="name"]').fill(team);
		await page.locator('form[action="?/create"] button').click();
		await expect(page.locator('.teams li', { hasText: team }).first()).toBeVisible();
		await visit(page, '/admin/values');
		await addValue(page, 'Customer first', '客户至上', '💙');
		await addValue(page, 'Win together', '共同赢', '🤝');
		await addValue(page, 'Own it', '主人翁精神', '🚀');
		await addValue(page, 'Always learning', '持续学习', '📚');

		const names = zh ? ['李娜', '张伟', '王芳'] : ['Grace Hopper', 'Alan Turing', 'Katherine Johnson'];
		const reps = [];
		for (const [i, name] of names.entries()) {
			await visit(page, '/admin/members');
			const form = page.locator('form[action="?/invite"]');
			await form.locator('input[name="email"]').fill(`rep${i}-${locale}-${n}@example.com`);
			await form.locator('select[name="role"]').selectOption('rep');
			await form.locator('select[name="teamId"]').selectOption({ label: team });
			await form.locator('button').click();
			reps.push(await joinNamed(browser, baseURL!, locale, await page.getByTestId('invitation-link').inputValue(), name));
		}
		const messages = zh
			? ['感谢你周五加班帮我完成方案，客户当场签约！', '分享的异议处理笔记太有用了，整个团队都受益。', '耐心跟进难缠的客户，终于续约两年！']
			: ['Thanks for jumping on the Acme call — you turned a “maybe” into a signed deal!', 'Your objection-handling notes helped the whole team this week.', 'Patient follow-up with a tough customer: they renewed for two years!'];
		const values = zh ? ['共同赢', '客户至上', '主人翁精神'] : ['Win together', 'Customer first', 'Own it'];
		for (const [i, rep] of reps.entries()) {
			await visit(rep.page, '/kudos');
			await giveKudos(rep.page, names[(i + 1) % names.length], values[i], messages[i], [10, 20, 5][i]);
			await expect(rep.page.getByTestId('kudos-item').filter({ hasText: messages[i].slice(0, 12) })).toBeVisible();
		}
		await reps[1].page.getByTestId('kudos-item').first().locator('button[data-emoji="🔥"]').click();
		await reps[2].page.getByTestId('kudos-item').first().locator('button[data-emoji="👏"]').click();

		const viewer = reps[0].page;
		for (const viewport of VIEWPORTS) {
			await viewer.setViewportSize(viewport);
			await visit(viewer, '/kudos');
			await expect(viewer.getByTestId('kudos-item')).toHaveCount(3);
			await capture(viewer, `kudos-${locale}-${viewport.width}`);
			await page.setViewportSize(viewport);
			await visit(page, '/admin/values');
			await capture(page, `kudos-admin-values-${locale}-${viewport.width}`);
		}
		await Promise.all([context.close(), ...reps.map((r) => r.context.close())]);
	});
}
