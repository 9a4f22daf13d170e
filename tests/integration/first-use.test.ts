// What a new user meets first, over HTTP as the browser does: a board that is never blank on the
// first day of a period, a feed that says which day things happened, a quick log that starts on a
// rep, and a members page that shows leaders' teams and asks before deactivating or promoting.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type SignedUp } from '../helpers/fixtures';
import { addApiToken, addRep, countEvents } from '../helpers/scoring';

let app: App;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

async function postEvents(token: string, events: unknown[]) {
	const res = await app.browser().request('POST', '/api/v1/events', {
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
		body: JSON.stringify({ events })
	});
	expect(res.status, res.body).toBe(200);
	expect(res.json<{ accepted: number }>().accepted).toBe(events.length);
}

async function windowStart(token: string, window: string) {
	const res = await app.browser().get(`/api/v1/leaderboards?board=points&scope=users&window=${window}&limit=1`, { authorization: `Bearer ${token}` });
	expect(res.status, res.body).toBe(200);
	return Date.parse(res.json<{ window: { start: string } }>().window.start);
}

/** The text of the page between two markers, tags stripped, white space collapsed. */
function section(html: string, from: string, to?: string) {
	const start = html.indexOf(from);
	expect(start, `missing ${from}`).toBeGreaterThanOrEqual(0);
	const end = to ? html.indexOf(to, start) : -1;
	return html
		.slice(start, end < 0 ? undefined : end)
		.replace(/<!--.*?-->/g, '')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ');
}

describe('the first screen', () => {
	test('on the first day of a week the board shows last week’s final standings with its podium', async () => {
		const admin = await signUpOrganization(app);
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		const [gold, silver, bronze, fourth] = await Promise.all(
			['Grace Gold', 'Sam Silver', 'Bea Bronze', 'Finn Fourth'].map((name) => addRep(app.runtime.db, admin.organizationId, { name }))
		);
		// Everything happened last week: this week is as empty as it is on a Monday morning.
		const lastWeek = new Date((await windowStart(token, 'week')) - 86_400_000).toISOString();
		await postEvents(
			token,
			[gold, gold, gold, silver, silver, bronze, fourth].map((rep, i) => ({ id: `prev-${i}`, metric: 'deal', user: rep.email, value: 1, occurredAt: lastWeek }))
		);

		const page = await admin.browser.get('/leaderboards');
		expect(page.status).toBe(200);
		expect(page.body).toContain('A new period has begun');
		const panel = section(page.body, 'data-testid="previous-standings"', '<p class="legend');
		expect(panel).toContain('Last week’s final standings');
		// Podium first (1, 2, 3 in reading order), then the rest of the top ten.
		const order = ['Grace Gold', 'Sam Silver', 'Bea Bronze', 'Finn Fourth'].map((name) => panel.indexOf(name));
		expect(order.every((at) => at >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(panel).toContain('150');

		// The language button is a plain form: it works before (and without) the page's scripts.
		const switched = await admin.browser.postForm('/preferences', { locale: 'zh-CN', redirectTo: '/leaderboards' });
		expect(switched.status).toBe(303);
		const chinese = await admin.browser.get('/leaderboards');
		expect(section(chinese.body, 'data-testid="previous-standings"', '<p class="legend')).toContain('上周最终排名');
	});

	test('with scores in the current period there is no previous panel', async () => {
		const admin = await signUpOrganization(app);
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		const rep = await addRep(app.runtime.db, admin.organizationId, { name: 'Nora Now' });
		await postEvents(token, [{ id: 'now-1', metric: 'call', user: rep.email, value: 1 }]);
		const page = await admin.browser.get('/leaderboards');
		expect(page.body).toContain('Nora Now');
		expect(page.body).not.toContain('data-testid="previous-standings"');
	});
});

describe('the activity feed', () => {
	test('orders by when events happened, says which day, and leaves out what is older than its window', async () => {
		const admin = await signUpOrganization(app);
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		const rep = await addRep(app.runtime.db, admin.organizationId, { name: 'Fay Feed' });
		const today = await windowStart(token, 'day');
		const now = Date.now();
		// Sent in this order: the import of older events arrives last but must not top the feed.
		await postEvents(token, [{ id: 'f-now', metric: 'call', user: rep.email, value: 1, occurredAt: new Date(now - 60_000).toISOString() }]);
		await postEvents(token, [
			{ id: 'f-yesterday', metric: 'meeting', user: rep.email, value: 2, occurredAt: new Date(today - 3_600_000).toISOString() },
			{ id: 'f-old', metric: 'deal', user: rep.email, value: 1, occurredAt: new Date(now - 20 * 86_400_000).toISOString() }
		]);

		const page = await admin.browser.get('/leaderboards');
		const feed = section(page.body, 'id="feed-title"', '</section>');
		const times = [...page.body.matchAll(/<time datetime="([^"]+)"[^>]*>([^<]+)<\/time>/g)].map((m) => ({ at: m[1], text: m[2].trim() }));
		expect(times.map((t) => Date.parse(t.at))).toEqual([now - 60_000, today - 3_600_000]);
		expect(times[1].text).toMatch(/^Yesterday \d{1,2}:\d{2}/);
		expect(times[0].text).toMatch(/^\d{1,2}:\d{2}/);
		expect(feed.indexOf('Calls')).toBeLessThan(feed.indexOf('Meetings'));
		expect(feed).not.toContain('Deals');

		expect((await admin.browser.postForm('/preferences', { locale: 'zh-CN', redirectTo: '/leaderboards' })).status).toBe(303);
		const zh = await admin.browser.get('/leaderboards');
		const zhTimes = [...zh.body.matchAll(/<time datetime="[^"]+"[^>]*>([^<]+)<\/time>/g)].map((m) => m[1].trim());
		expect(zhTimes[1]).toMatch(/^昨天 /);
	});

	test('an empty feed says how far back it looks', async () => {
		const admin = await signUpOrganization(app);
		const page = await admin.browser.get('/leaderboards');
		expect(section(page.body, 'id="feed-title"', '</section>')).toContain('No activity in the last 7 days.');
	});
});

describe('quick log', () => {
	test('an admin’s picker starts on the first rep, not on the admin; a rep logs for themself', async () => {
		const admin = await signUpOrganization(app);
		const team = await createTeam(app, admin);
		await addRep(app.runtime.db, admin.organizationId, { name: 'Aaron Leader', role: 'leader', teamId: team });
		const first = await addRep(app.runtime.db, admin.organizationId, { name: 'Bob Rep', teamId: team });
		await addRep(app.runtime.db, admin.organizationId, { name: 'Zed Rep', teamId: team });
		const page = await admin.browser.get('/leaderboards');
		const picker = page.body.slice(page.body.indexOf('name="userId"'), page.body.indexOf('</select>', page.body.indexOf('name="userId"')));
		const selected = [...picker.matchAll(/<option value="([^"]+)"[^>]*selected/g)].map((m) => m[1]);
		expect(selected).toEqual([first.userId]);

		const rep = await addMember(app, admin, 'rep', team);
		const repPage = await rep.browser.get('/leaderboards');
		expect(repPage.body).toMatch(new RegExp(`name="userId" value="${rep.userId}"`));
	});
});

describe('admin → members', () => {
	let admin: SignedUp;
	let teamName: string;
	beforeAll(async () => {
		admin = await signUpOrganization(app);
		teamName = `Inside Sales ${Date.now()}`;
		const team = await createTeam(app, admin, teamName);
		const leader = await addRep(app.runtime.db, admin.organizationId, { name: 'Lea Leader', role: 'leader' });
		await app.runtime.db.insertInto('team_leaders').values({ organization_id: admin.organizationId, team_id: team, user_id: leader.userId }).execute();
	});

	test('a leader without a team of their own shows the teams they lead, not "No team"', async () => {
		const page = await admin.browser.get('/admin/members');
		const row = section(page.body, 'Lea Leader', '</tr>');
		expect(row).toContain(`Leads ${teamName}`);
		expect(row).not.toContain('No team');
	});

	test('deactivating asks first: the button opens a confirmation, only confirming changes anything', async () => {
		const rep = await addRep(app.runtime.db, admin.organizationId, { name: 'Dee Deactivate' });
		const list = await admin.browser.get('/admin/members');
		// The Deactivate button is a GET form to the confirmation, not a POST to the action.
		const form = list.body.slice(list.body.lastIndexOf('<form', list.body.indexOf(`name="userId" value="${rep.userId}"`, list.body.indexOf('value="deactivate"'))));
		expect(form).toMatch(/^<form method="GET"/);

		const asking = await admin.browser.get(`/admin/members?confirm=deactivate&userId=${rep.userId}`);
		expect(asking.status).toBe(200);
		expect(section(asking.body, 'class="confirm-row', '</tr>')).toContain('Deactivate Dee Deactivate? They are signed out at once');
		const status = () =>
			app.runtime.db.selectFrom('memberships').select('status').where('organization_id', '=', admin.organizationId).where('user_id', '=', rep.userId).executeTakeFirstOrThrow();
		expect((await status()).status).toBe('active');

		expect(await admin.browser.action('/admin/members?/deactivate', { userId: rep.userId })).toMatchObject({ type: 'success' });
		expect((await status()).status).toBe('deactivated');
	});

	test('promoting to admin asks with a warning; a question for another person or a no-op shows nothing', async () => {
		const rep = await addRep(app.runtime.db, admin.organizationId, { name: 'Pat Promote' });
		const asking = await admin.browser.get(`/admin/members?confirm=role&userId=${rep.userId}&role=admin`);
		const confirm = section(asking.body, 'class="confirm-row', '</tr>');
		expect(confirm).toContain('Make Pat Promote an admin? Admins can change everything');
		expect(asking.body).toMatch(/<input type="hidden" name="role" value="admin"/);
		const same = await admin.browser.get(`/admin/members?confirm=role&userId=${rep.userId}&role=rep`);
		expect(same.body).not.toContain('class="confirm-row');
		const events = await countEvents(app.runtime.db, admin.organizationId);
		expect(events).toBe(0);
	});
});

describe('team page', () => {
	test('shows the hierarchy: sub-teams inside their parent, with leaders and members', async () => {
		const admin = await signUpOrganization(app);
		const sales = await createTeam(app, admin, 'Sales HQ');
		const inside = await createTeam(app, admin, 'Inside Sales', sales);
		await createTeam(app, admin, 'Field Sales', sales);
		await addRep(app.runtime.db, admin.organizationId, { name: 'Ivy Inside', teamId: inside });
		const page = await admin.browser.get('/team');
		expect(page.status).toBe(200);
		const parent = page.body.slice(page.body.indexOf('data-team="Sales HQ"'));
		const subteams = parent.slice(parent.indexOf('class="subteams'));
		expect(subteams).toContain('data-team="Inside Sales"');
		expect(subteams).toContain('data-team="Field Sales"');
		expect(section(subteams, 'data-team="Inside Sales"', 'data-team="Field Sales"')).toContain('Ivy Inside');
		// Sub-teams are not repeated as cards of their own.
		expect(page.body.match(/data-team="Inside Sales"/g)).toHaveLength(1);
	});
});
