// Training, end to end: an admin writes a course (a reading module, then a quiz module) on Training →
// Manage courses, publishes it and assigns it to a rep; the rep opens it from their training page, reads
// the first module, passes the quiz, sees the completion celebration with the points earned, and finds
// those points on the leaderboard. Screenshots of the rep's page and the player at phone, laptop and TV
// sizes in both languages go to artifacts/screenshots/ (each checked for sideways scrolling).
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTeam, inviteRep, joinAsRep, newAdmin, signUp, uniqueSuffix, visit, type Locale } from './support';

const OUT = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const SIZES = { phone: { width: 390, height: 844 }, laptop: { width: 1366, height: 768 }, tv: { width: 1920, height: 1080 } } as const;

async function shoot(page: Page, path: string, name: string) {
	mkdirSync(OUT, { recursive: true });
	for (const locale of ['en', 'zh-CN'] as Locale[]) {
		await page.context().addCookies([{ name: 'podium_locale', value: locale, url: new URL(page.url()).origin }]);
		for (const [size, viewport] of Object.entries(SIZES)) {
			await page.setViewportSize(viewport);
			await visit(page, path);
			await page.screenshot({ path: `${OUT}training-${name}-${size}-${locale}.png`, fullPage: true });
			const sideways = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
			expect(sideways, `${name} at ${size} in ${locale} scrolls sideways`).toBe(false);
		}
	}
	await page.context().addCookies([{ name: 'podium_locale', value: 'en', url: new URL(page.url()).origin }]);
	await page.setViewportSize(SIZES.laptop);
}

test('a rep completes an assigned course with a quiz and sees the points on the leaderboard', async ({ browser }) => {
	test.setTimeout(240_000);
	const id = uniqueSuffix();
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await signUp(admin, newAdmin('Training'));
	const team = `Learners ${id}`;
	await createTeam(admin, team);
	const rep = { name: `Tess Trainee ${id}`, email: `tess+${id}@example.com` };
	const link = await inviteRep(admin, rep, team);
	const { page: repPage } = await joinAsRep(browser, link, rep);

	// The admin writes the course.
	await visit(admin, '/training/manage');
	const title = `Discovery ${id}`;
	await admin.locator('input[name="title.en"]').fill(title);
	await admin.locator('input[name="title.zh-CN"]').fill(`需求挖掘 ${id}`);
	await admin.locator('input[name="points"]').fill('150');
	await admin.getByTestId('course-create').click();
	await expect(admin).toHaveURL(/\/training\/manage\/[0-9a-f-]{36}$/);

	// A video link that is not http(s) is refused under its field, and nothing is saved; then the reading module.
	const editor = admin.getByTestId('module-editor');
	await editor.locator('input[name="title.en"]').fill('Listen first');
	await editor.locator('textarea[name="body.en"]').fill('## Listen first\n\nAsk **open** questions. <b>not bold</b>');
	await editor.locator('input[name="videoUrl"]').fill('ftp://example.com/video.mp4');
	await editor.getByTestId('module-save').click();
	await expect(editor.getByRole('alert').filter({ hasText: 'Video link is not valid.' })).toBeVisible();
	await expect(admin.getByTestId('editor-modules').locator('li')).toHaveCount(0);
	await editor.locator('input[name="videoUrl"]').fill('');
	await editor.getByTestId('module-save').click();
	await expect(admin.getByTestId('editor-modules').locator('li')).toHaveCount(1);

	// The quiz module: two questions, one of them with two right answers.
	await admin.getByTestId('add-module').click();
	const quizEditor = admin.getByTestId('module-editor');
	await quizEditor.locator('input[name="title.en"]').fill('Check yourself');
	await quizEditor.getByTestId('add-quiz').click();
	const questions = quizEditor.locator('.question');
	await questions.nth(0).getByLabel('Question (English)').fill('How much of a call is listening?');
	await questions.nth(0).getByLabel('Option 1 (English)').fill('About 20%');
	await questions.nth(0).getByLabel('Option 2 (English)').fill('About 80%');
	await questions.nth(0).locator('.correct-box input').nth(1).check();
	await quizEditor.getByTestId('add-question').click();
	await questions.nth(1).getByText('Several right answers').click();
	await questions.nth(1).getByLabel('Question (English)').fill('Good discovery questions?');
	await questions.nth(1).getByRole('button', { name: /Add an option/ }).click();
	await questions.nth(1).getByLabel('Option 1 (English)').fill('What have you tried so far?');
	await questions.nth(1).getByLabel('Option 2 (English)').fill('Can I show you our pricing?');
	await questions.nth(1).getByLabel('Option 3 (English)').fill('Walk me through your day.');
	await questions.nth(1).locator('.correct-box input').nth(0).check();
	await questions.nth(1).locator('.correct-box input').nth(2).check();
	await quizEditor.getByTestId('module-save').click();
	await expect(admin.getByTestId('editor-modules').locator('li')).toHaveCount(2);

	await admin.getByTestId('course-publish').click();
	await expect(admin.getByTestId('course-status')).toHaveText('Published');
	const assign = admin.locator('form[action="?/assign"]');
	await assign.getByLabel(rep.name).check();
	await assign.getByTestId('assign-submit').click();
	await expect(admin.getByText('Assigned to 1 person.')).toBeVisible();

	// The rep takes it.
	await visit(repPage, '/training');
	const card = repPage.getByTestId('training-mine').getByTestId('course-card').filter({ hasText: title });
	await expect(card).toHaveAttribute('data-state', 'not_started');
	await card.click();
	await expect(repPage.getByRole('heading', { level: 1, name: title })).toBeVisible();
	// The author's HTML is text, never markup.
	await expect(repPage.getByTestId('module-body')).toContainText('<b>not bold</b>');
	await repPage.getByTestId('module-complete').click();
	await repPage.getByTestId('module-next').click();
	await expect(repPage.getByTestId('course-progress')).toHaveText('1 of 2 modules');

	// A wrong try first: the result says so and marks the questions.
	const quiz = repPage.getByTestId('quiz');
	await quiz.getByLabel('About 20%').check();
	await quiz.getByLabel('What have you tried so far?').check();
	await quiz.getByTestId('quiz-submit').click();
	await expect(quiz.getByTestId('quiz-result')).toHaveAttribute('data-passed', 'false');
	await quiz.getByLabel('About 80%').check();
	await quiz.getByLabel('Walk me through your day.').check();
	await quiz.getByTestId('quiz-submit').click();
	const celebration = repPage.getByTestId('course-complete');
	await expect(celebration).toBeVisible();
	await expect(celebration.getByTestId('course-complete-points')).toHaveAttribute('data-points', '150');
	await expect(celebration.getByTestId('course-complete-points')).toHaveText('+150 points');

	// The points are on the leaderboard.
	await celebration.getByTestId('course-complete-board').click();
	await expect(repPage).toHaveURL(/\/leaderboards/);
	const row = repPage.locator('.board .row[data-member]', { hasText: rep.name });
	await expect(row).toContainText('150');

	// Screenshots of the rep's page and of the completed course.
	await visit(repPage, '/training');
	await expect(repPage.getByTestId('training-stats')).toContainText('150');
	const courseUrl = await repPage.getByTestId('course-card').filter({ hasText: title }).getAttribute('href');
	await shoot(repPage, '/training', 'rep');
	await shoot(repPage, courseUrl!, 'player');
	await shoot(admin, '/training/report', 'report');
});
