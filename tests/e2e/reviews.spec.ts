// Performance reviews, end to end: a leader starts a review of their rep from the month's data (the
// calls the rep logged are on the scorecard), writes it, opens an improvement plan with an action and
// shares it; the rep finds it under "Next up", reads it, acknowledges it once (a second time is a 409
// with a clear message) and comments. Screenshots of the review page at phone and laptop sizes, in
// English and Chinese, for the rep and the leader, saved to artifacts/screenshots/.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CALLS_BOARD, expectLive, hydrated, inviteRep, joinAsRep, logCalls, newAdmin, setLocale, signUp, uniqueSuffix, visit } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const SIZES = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 768 } } as const;

async function shoot(page: Page, name: string) {
	mkdirSync(OUT, { recursive: true });
	for (const [size, viewport] of Object.entries(SIZES)) {
		await page.setViewportSize(viewport);
		// Nothing scrolls sideways.
		expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
		await page.screenshot({ path: `${OUT}reviews-${name}-${size}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
	}
	await page.setViewportSize(SIZES.laptop);
}

/** Invites a leader of `team`, has them join in their own browser, and makes them the team's leader. */
async function addLeader(browser: Browser, admin: Page, leader: { name: string; email: string }, team: string) {
	await visit(admin, '/admin/members');
	const form = admin.locator('form[action="?/invite"]');
	await form.locator('input[name="email"]').fill(leader.email);
	await form.locator('select[name="role"]').selectOption('leader');
	await form.locator('select[name="teamId"]').selectOption({ label: team });
	await form.locator('button').click();
	const link = await admin.getByTestId('invitation-link').inputValue();
	const joined = await joinAsRep(browser, link, leader);
	await visit(admin, '/admin/teams');
	const row = admin.locator('.teams li', { hasText: team }).first();
	await row.locator('summary').click();
	const update = row.locator('form[action="?/update"]');
	await update.getByLabel(leader.name).check();
	await update.locator('button').click();
	await expect(row).toContainText(leader.name);
	return joined;
}

test('a leader reviews a rep from the month’s data and shares it; the rep acknowledges it once and comments', async ({ browser, baseURL }) => {
	test.setTimeout(240_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Reviews'));
	const team = `Closers ${id}`;
	await admin.locator('form[action="?/create"] input[name="name"]').fill(team);
	await admin.locator('form[action="?/create"] button').click();
	await expect(admin.locator('.teams li', { hasText: team }).first()).toBeVisible();
	const ana = { name: `Ana Review ${id}`, email: `ana+${id}@example.com` };
	const lea = { name: `Lea Leader ${id}`, email: `lea+${id}@example.com` };
	const anaSide = await joinAsRep(browser, await inviteRep(admin, ana, team), ana);
	const leaSide = await addLeader(browser, admin, lea, team);
	await adminContext.close();

	// Ana logs 4 calls this month.
	const rep = anaSide.page;
	await visit(rep, CALLS_BOARD);
	await expectLive(rep);
	await logCalls(rep, 4);

	// Lea starts this month's review of Ana: the scorecard is filled in from the log.
	const leader = leaSide.page;
	await visit(leader, '/reviews');
	const start = leader.locator('form[action="?/create"]');
	await start.getByRole('combobox', { name: 'Rep' }).selectOption({ label: ana.name });
	await start.getByRole('radio', { name: 'Month' }).check();
	await start.getByRole('combobox', { name: 'Period' }).selectOption({ index: 0 });
	await start.getByRole('button', { name: 'Start review' }).click();
	await expect(leader).toHaveURL(/\/reviews\/[0-9a-f-]{36}$/);
	await hydrated(leader);
	const reviewUrl = new URL(leader.url()).pathname;
	const scorecard = leader.getByTestId('scorecard');
	await expect(scorecard.locator('[data-key="call"] .value strong')).toHaveText('4');
	await expect(scorecard.locator('[data-key="points"] .value strong')).toHaveText('4');
	await expect(scorecard.locator('.tile.rank strong')).toHaveText('#1');
	await expect(leader.getByTestId('review-status')).toHaveText('Draft');

	// She writes it, opens a plan with an action for Ana, and shares it.
	const text = leader.getByTestId('review-text');
	await text.getByRole('textbox', { name: /^Strengths/ }).fill('Four calls logged on day one, and clear notes after each.');
	await text.getByRole('textbox', { name: /^Areas to improve/ }).fill('Book a meeting from more of the calls.');
	await text.getByRole('textbox', { name: /^Feedback/ }).fill('A good start. Let us aim for two meetings a week; I will join your Tuesday calls.');
	await text.getByRole('button', { name: 'Save draft' }).click();
	await expect(leader.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
	const plan = leader.getByTestId('plan');
	await plan.getByRole('textbox', { name: /^Objective/ }).fill('Two meetings booked every week.');
	await plan.getByRole('button', { name: 'Open an improvement plan' }).click();
	await expect(plan.locator('.objective')).toHaveText('Two meetings booked every week.');
	const tomorrow = await leader.evaluate(() => new Date(Date.now() + 86_400_000 * 3).toISOString().slice(0, 10));
	const addAction = plan.locator('form[action="?/addAction"]');
	await addAction.getByRole('textbox', { name: 'Action' }).fill('Ask for the meeting at the end of every call');
	await addAction.getByRole('combobox', { name: 'Owner' }).selectOption('rep');
	await addAction.getByLabel('Due').fill(tomorrow);
	await addAction.getByRole('button', { name: 'Add action' }).click();
	await expect(plan.getByTestId('plan-action')).toHaveCount(1);
	const addCheckin = plan.locator('form[action="?/addCheckin"]');
	await addCheckin.getByLabel('Day').fill(tomorrow);
	await addCheckin.getByRole('textbox', { name: /Agenda/ }).fill('Listen to two calls together');
	await addCheckin.getByRole('button', { name: 'Plan check-in' }).click();
	await expect(plan.locator('.checkins li')).toHaveCount(1);
	await leader.getByTestId('share').click();
	await expect(leader.getByTestId('review-status')).toHaveText('Shared');
	await expect(leader.getByTestId('history').getByTestId('revision')).toHaveCount(1);

	// Ana finds it under "Next up", reads it and acknowledges it.
	await visit(rep, '/');
	const next = rep.getByRole('link', { name: 'Read' }).first();
	await expect(rep.getByText(/Your review for .+ is ready to read/)).toBeVisible();
	await next.click();
	await expect(rep).toHaveURL(new RegExp(`${reviewUrl}$`));
	await hydrated(rep);
	await expect(rep.getByTestId('text-feedback')).toContainText('two meetings a week');
	await expect(rep.getByTestId('scorecard').locator('[data-key="call"] .value strong')).toHaveText('4');
	await expect(rep.getByTestId('review-text')).toHaveCount(0);
	await shoot(rep, 'rep-before-ack-en');
	await rep.getByTestId('acknowledge').getByRole('button', { name: 'I have read this review' }).click();
	await expect(rep.getByTestId('acknowledged')).toContainText('Acknowledged on');
	await expect(rep.getByTestId('review-status')).toHaveText('Acknowledged');
	await expect(rep.getByTestId('acknowledge')).toHaveCount(0);
	// A second acknowledgement is refused with a clear message.
	const reviewId = reviewUrl.split('/').pop();
	const again = await rep.request.post(`/api/v1/reviews/${reviewId}/acknowledgement`, { headers: { origin: baseURL!, 'content-type': 'application/json' }, data: {} });
	expect(again.status()).toBe(409);
	expect((await again.json()).error).toBe('You have already acknowledged this review.');

	// She ticks her action and comments; Lea answers in the thread.
	await rep.getByTestId('plan-action').getByRole('button', { name: 'Mark done' }).click();
	await expect(rep.getByTestId('plan-action')).toHaveClass(/done/);
	await rep.getByRole('textbox', { name: 'Write a comment' }).fill('Thanks Lea. Tuesday works for me.');
	await rep.getByTestId('comments').getByRole('button', { name: 'Send' }).click();
	await expect(rep.getByTestId('comment')).toHaveCount(1);
	await visit(leader, reviewUrl);
	await expect(leader.getByTestId('comment')).toContainText('Tuesday works for me.');
	await leader.getByRole('textbox', { name: 'Write a comment' }).fill('Great, see you then.');
	await leader.getByTestId('comments').getByRole('button', { name: 'Send' }).click();
	await expect(leader.getByTestId('comment')).toHaveCount(2);
	await shoot(leader, 'leader-en');

	// 1:1 notes on Ana's profile: Lea writes a private note and a shared one with action items.
	const profile = (await rep.locator('.sidebar a[href^="/people/"]').first().getAttribute('href'))!;
	await visit(leader, profile);
	const notes = leader.getByTestId('coaching-notes');
	const form = notes.getByTestId('note-form');
	await form.getByRole('textbox', { name: 'Note', exact: true }).fill('Talked about workload; keep an eye on Fridays.');
	await form.getByRole('button', { name: 'Add note' }).click();
	await expect(notes.getByTestId('note')).toHaveCount(1);
	await form.getByRole('textbox', { name: 'Note', exact: true }).fill('Role-played the pricing objection. Strong finish.');
	await form.getByRole('textbox', { name: /Action items/ }).fill('Send the pricing sheet after demos\nPractise the close twice');
	await form.getByRole('checkbox', { name: `Share with ${ana.name}` }).check();
	await form.getByRole('button', { name: 'Add note' }).click();
	await expect(notes.getByTestId('note')).toHaveCount(2);
	await expect(notes.locator('[data-shared="true"] .items li')).toHaveCount(2);
	// This month's review, named by its month (the organization's time zone is the browser's).
	const month = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' }).format(new Date());
	await expect(leader.getByTestId('profile-reviews')).toContainText(month);
	await notes.scrollIntoViewIfNeeded();
	await shoot(leader, 'profile-notes-en');
	// Ana sees the shared note only, and ticks an item.
	await visit(rep, profile);
	const mine = rep.getByTestId('coaching-notes');
	await expect(mine.getByTestId('note')).toHaveCount(1);
	await expect(mine).not.toContainText('Fridays');
	await expect(mine.getByTestId('note-form')).toHaveCount(0);
	await mine.getByRole('button', { name: 'Send the pricing sheet after demos' }).click();
	await expect(mine.locator('.items li.done')).toHaveCount(1);

	await visit(rep, reviewUrl);
	await expect(rep.getByTestId('comment')).toHaveCount(2);
	await shoot(rep, 'rep-en');
	await setLocale(anaSide.context, baseURL!, 'zh-CN');
	await visit(rep, reviewUrl);
	await expect(rep.getByTestId('review-status')).toHaveText('已确认');
	await shoot(rep, 'rep-zh-CN');
	// Dark theme, from the top bar's switcher.
	await rep.locator('button[name="theme"][value="dark"]:visible').first().click();
	await expect(rep.locator('html')).toHaveAttribute('data-theme', 'dark');
	await hydrated(rep);
	await shoot(rep, 'rep-zh-CN-dark');
	await rep.locator('button[name="theme"][value="light"]:visible').first().click();
	await setLocale(anaSide.context, baseURL!, 'en');
	await visit(rep, reviewUrl);
	await rep.locator('button[name="theme"][value="dark"]:visible').first().click();
	await expect(rep.locator('html')).toHaveAttribute('data-theme', 'dark');
	await hydrated(rep);
	await shoot(rep, 'rep-en-dark');
	await setLocale(leaSide.context, baseURL!, 'zh-CN');
	await visit(leader, reviewUrl);
	await shoot(leader, 'leader-zh-CN');
	await visit(leader, profile);
	await shoot(leader, 'profile-notes-zh-CN');
	// The list, and the print layout (no navigation, one column).
	await visit(leader, '/reviews');
	await shoot(leader, 'list-zh-CN');
	await visit(leader, reviewUrl);
	await leader.emulateMedia({ media: 'print' });
	await expect(leader.locator('.sidebar')).toBeHidden();
	await expect(leader.locator('form[action="?/save"]')).toBeHidden();
	await leader.screenshot({ path: `${OUT}reviews-print-zh-CN.png`, fullPage: true, animations: 'disabled' });
	await leader.emulateMedia({ media: 'screen' });
	await anaSide.context.close();
	await leaSide.context.close();
});
