// The leaderboard's flair against the real app (PGlite and the memory store, or Postgres and Redis): a
// streak of working days with a score survives a weekend and an organization holiday, breaks on a
// working day without one, and grows live with the first score of the day; a personal best lights up
// when the current period beats the member's best earlier one, and not before. The page shows both.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { uniqueSuffix } from '../helpers/env';
import { boardForm } from '../../src/lib/server/scoring/form.service';
import { insertHoliday } from '../../src/lib/server/org/holiday.repository';
import { periodOf } from '../../src/lib/shared/time-windows';
import { dayKey, dayNumber, isWorkingDay } from '../../src/lib/shared/streaks';
import { formNow } from '../../src/lib/shared/scoring';

vi.setConfig({ testTimeout: 90_000 });

const CLOCK = { timeZone: 'Europe/Berlin', weekStart: 1 };
let app: App;
let admin: SignedUp;
let token: string;

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	token = (await addApiToken(app.runtime.db, admin.organizationId, ['events:write'], admin.userId)).token;
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const post = async (events: unknown[]) => {
	const res = await app
		.browser()
		.request('POST', '/api/v1/events', { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ events }) });
	expect(res.status, res.body).toBe(200);
};
const event = (who: Member, metric: string, at: string | Date) => ({ id: `f-${uniqueSuffix()}`, metric, user: who.email, value: 1, occurredAt: new Date(at).toISOString() });
const noon = (key: string) => `${key}T10:00:00Z`;
/** `pattern` inside a member's row (the podium's or the table's): after their data-member, before the next one's. */
const inRow = (id: string, pattern: string) => new RegExp(`data-member="${id}"(?:(?!data-member=)[^])*?${pattern}`);

/** The working days before today, latest first (weekends and `holidays` skipped). */
function workingDaysBefore(today: string, n: number, holidays: Set<string>): string[] {
	const out: string[] = [];
	for (let d = dayNumber(today) - 1; out.length < n; d--) if (isWorkingDay(dayKey(d), { holidays })) out.push(dayKey(d));
	return out;
}

describe('streaks', () => {
	test('survive weekends and holidays, break on a working day without a score, and grow with the first score of the day', async () => {
		const rep = await addMember(app, admin, 'rep');
		const today = periodOf('day', new Date(), CLOCK).key;
		// The working day before yesterday's is a holiday: it neither counts nor breaks the streak.
		// Latest first: a meeting, the holiday, two meetings, a working day without one, a meeting.
		const [d1, holiday, d2, d3, , d5] = workingDaysBefore(today, 6, new Set());
		await insertHoliday(app.runtime.db, admin.organizationId, holiday, 'Founders’ day');
		await post([event(rep, 'meeting', noon(d1)), event(rep, 'meeting', noon(d2)), event(rep, 'meeting', noon(d3)), event(rep, 'meeting', noon(d5))]);

		const form = await boardForm(app.runtime.db, admin.organizationId, 'meeting', 'week', [rep.userId]);
		expect(form.members[rep.userId]?.streak).toBe(3);
		// Another metric's board knows nothing of it; the points board counts it (meetings earn points).
		expect((await boardForm(app.runtime.db, admin.organizationId, 'call', 'week', [rep.userId])).members[rep.userId]).toBeUndefined();
		expect((await boardForm(app.runtime.db, admin.organizationId, 'points', 'week', [rep.userId])).members[rep.userId]?.streak).toBe(3);

		const withToday = 3 + (form.todayCounts ? 1 : 0);
		expect(formNow(form, rep.userId, 0, 0).streak).toBe(3);
		expect(formNow(form, rep.userId, 1, 1).streak).toBe(withToday);

		// The page: the flame says 3 before today's first meeting, and one more once it is logged.
		const page = () => admin.browser.get('/leaderboards?board=meeting&window=month');
		await post([event(rep, 'meeting', new Date())]);
		const html = (await page()).body;
		expect(html.match(inRow(rep.userId, 'data-testid="streak" data-days="(\\d+)"'))?.[1]).toBe(String(withToday));
	});

	test('one working day in a row is no flame', async () => {
		const rep = await addMember(app, admin, 'rep');
		const today = periodOf('day', new Date(), CLOCK).key;
		const [d1] = workingDaysBefore(today, 1, new Set());
		await post([event(rep, 'deal', noon(d1))]);
		const form = await boardForm(app.runtime.db, admin.organizationId, 'deal', 'day', [rep.userId]);
		expect(form.members[rep.userId]?.streak).toBe(1);
		const html = (await admin.browser.get('/leaderboards?board=deal&window=week')).body;
		expect(html).toContain(`data-member="${rep.userId}"`);
		expect(html).not.toMatch(inRow(rep.userId, 'data-testid="streak"'));
	});
});

describe('personal bests', () => {
	test('light up when the current period beats the best earlier one, and not before', async () => {
		const runner = await addMember(app, admin, 'rep');
		const steady = await addMember(app, admin, 'rep');
		const today = periodOf('day', new Date(), CLOCK).key;
		const earlier = dayKey(dayNumber(today) - 9);
		await post([event(runner, 'new_customer', noon(earlier)), event(runner, 'new_customer', noon(earlier))]);
		await post(Array.from({ length: 5 }, () => event(steady, 'new_customer', noon(earlier))));
		const form = await boardForm(app.runtime.db, admin.organizationId, 'new_customer', 'day', [runner.userId, steady.userId]);
		expect(form.members[runner.userId]?.best).toBe(2);
		expect(form.members[steady.userId]?.best).toBe(5);
		// Equal to the best is not a new best; above it is.
		expect(formNow(form, runner.userId, 2, 2).personalBest).toBeNull();
		expect(formNow(form, runner.userId, 3, 3).personalBest).toBe(2);

		await post(Array.from({ length: 3 }, () => event(runner, 'new_customer', new Date())));
		await post([event(steady, 'new_customer', new Date())]);
		const html = (await admin.browser.get('/leaderboards?board=new_customer&window=day')).body;
		const marked = (id: string) => inRow(id, 'data-testid="personal-best"').test(html);
		expect(marked(runner.userId)).toBe(true);
		expect(marked(steady.userId)).toBe(false);
	});

	test('the all-time board has no personal best to beat', async () => {
		const form = await boardForm(app.runtime.db, admin.organizationId, 'points', 'all', [admin.userId]);
		expect(Object.values(form.members).every((m) => m.best === null)).toBe(true);
	});
});
