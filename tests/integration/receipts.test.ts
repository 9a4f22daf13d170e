// Receipts over HTTP: a member of another organization is a missing one (404, nothing of theirs shown),
// and a score with more events than one page is paged (100 lines a page, no line skipped or repeated)
// while its total and number of lines are those of the whole period.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { signUpOrganization, type SignedUp } from '../helpers/fixtures';
import { addRep, addTeam, type TestRep } from '../helpers/scoring';
import { uniqueSuffix } from '../helpers/env';
import { insertEvents, type NewScoreEvent } from '../../src/lib/server/scoring/event.repository';

let app: App;
let orgA: SignedUp;
let orgB: SignedUp;

vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	app = await startApp();
	[orgA, orgB] = await Promise.all([signUpOrganization(app), signUpOrganization(app)]);
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

type Receipt = { name: string; total: number; count: number; lines: { eventId: number; points: number; voided: boolean; metric: unknown }[]; next: string | null };

const metricId = async (organizationId: string, key: string) =>
	(await app.runtime.db.selectFrom('metrics').select('id').where('organization_id', '=', organizationId).where('key', '=', key).executeTakeFirstOrThrow()).id;

describe('receipt of another organization', () => {
	test('a rep of another organization is not found, and their name is not shown', async () => {
		const foreign = await addRep(app.runtime.db, orgB.organizationId, { name: `Foreign ${uniqueSuffix()}` });
		const res = await orgA.browser.get(`/leaderboards/receipt?member=${foreign.userId}&board=points&scope=users&window=all`);
		expect(res.status, res.body).toBe(404);
		expect(res.body).not.toContain(foreign.name);
		expect(res.json().fields).toHaveProperty('member');
	});

	test("another organization's team is not found either", async () => {
		const team = await addTeam(app.runtime.db, orgB.organizationId, `Foreign team ${uniqueSuffix()}`);
		const res = await orgA.browser.get(`/leaderboards/receipt?member=${team}&board=points&scope=teams&window=all`);
		expect(res.status, res.body).toBe(404);
		expect(res.body).not.toContain('Foreign team');
	});

	test('a rep of the own organization answers 200 with their name', async () => {
		const rep = await addRep(app.runtime.db, orgA.organizationId);
		const res = await orgA.browser.get(`/leaderboards/receipt?member=${rep.userId}&board=points&scope=users&window=all`);
		expect(res.status, res.body).toBe(200);
		expect(res.json<Receipt>()).toMatchObject({ name: rep.name, total: 0, count: 0, lines: [], next: null });
	});
});

describe('long receipts', () => {
	let rep: TestRep;
	const N = 1_050;

	beforeAll(async () => {
		rep = await addRep(app.runtime.db, orgA.organizationId);
		const call = await metricId(orgA.organizationId, 'call');
		const now = Date.now();
		// Half the events share one instant, so that pages must also be ordered by id within a timestamp.
		const rows: NewScoreEvent[] = Array.from({ length: N }, (_, i) => ({
			organization_id: orgA.organizationId,
			metric_id: call,
			user_id: rep.userId,
			team_id: null,
			value: 1,
			points: 2,
			occurred_at: new Date(i % 2 === 0 ? now - 60_000 : now - 60_000 - i * 1_000),
			source: 'api',
			actor_id: null,
			note: null,
			idempotency_key: `receipt-${uniqueSuffix()}-${i}`,
			content_hash: 'h'
		}));
		const inserted = await insertEvents(app.runtime.db, rows);
		expect(inserted).toHaveLength(N);
		// One correction voids one event: the line stays, struck through, and the total drops by its points.
		const voided = inserted[0];
		await insertEvents(app.runtime.db, [
			{
				...rows[0],
				value: -1,
				points: -2,
				idempotency_key: `void-${uniqueSuffix()}`,
				voids_event_id: Number(voided.id),
				void_reason: 'duplicate call'
			}
		]);
	});

	test('the total and line count cover the whole period, and pages of 100 list every line once', async () => {
		const base = `/leaderboards/receipt?member=${rep.userId}&board=points&scope=users&window=all`;
		const first = await orgA.browser.get(base);
		expect(first.status, first.body).toBe(200);
		const page = first.json<Receipt>();
		expect(page.total).toBe((N - 1) * 2);
		expect(page.count).toBe(N);
		expect(page.lines).toHaveLength(100);
		expect(page.next).toEqual(expect.any(String));

		const seen = page.lines.map((l) => l.eventId);
		let next = page.next;
		let pages = 1;
		while (next) {
			const res = await orgA.browser.get(`${base}&cursor=${encodeURIComponent(next)}`);
			expect(res.status, res.body).toBe(200);
			const more = res.json<Receipt>();
			expect(more.total).toBe((N - 1) * 2);
			expect(more.count).toBe(N);
			seen.push(...more.lines.map((l) => l.eventId));
			next = more.next;
			pages++;
		}
		expect(pages).toBe(Math.ceil(N / 100));
		expect(seen).toHaveLength(N);
		expect(new Set(seen).size).toBe(N);
	});

	test('the metric board totals values, not points', async () => {
		const res = await orgA.browser.get(`/leaderboards/receipt?member=${rep.userId}&board=call&scope=users&window=all`);
		expect(res.status, res.body).toBe(200);
		expect(res.json<Receipt>()).toMatchObject({ total: N - 1, count: N });
		// Each line names its metric in both languages, for the reader's language to pick.
		expect(res.json<Receipt>().lines[0].metric).toEqual({ key: 'call', name: { en: 'Calls', 'zh-CN': '通话' }, unit: 'count', currency: null });
	});

	test('a malformed cursor is a 400 naming the field', async () => {
		const res = await orgA.browser.get(`/leaderboards/receipt?member=${rep.userId}&board=points&window=all&cursor=abc`);
		expect(res.status, res.body).toBe(400);
		expect(res.json().fields).toHaveProperty('cursor');
	});
});
