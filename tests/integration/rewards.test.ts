// Coins, the rewards store and the ideas board against the real app (PGlite and the memory store, or
// real Postgres and Redis): concurrent redemptions never overdraw a balance, a stock or a per-person
// limit and refused ones write nothing; a decline refunds once however often it is sent; approve and
// cancel race to one winner; an idea adopted concurrently pays its author once; the earning rules credit
// once per fact; the coins API answers by scope. With Postgres, a second process redeems at the same time.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { fileURLToPath } from 'node:url';
import { APP_START_TIMEOUT, startApp, type ActionResult, type App } from '../helpers/app';
import { addMember, createTeam, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { startReportingChild, until } from '../helpers/child';
import { usingPostgres } from '../helpers/env';
import { moveCoins } from '../../src/lib/server/recognition/coin.service';
import { balanceOf, ledgerSum } from '../../src/lib/server/recognition/coin.repository';
import { insertContest, insertResults } from '../../src/lib/server/contests/contest.repository';
import { finalizeContest } from '../../src/lib/server/contests/contest.lifecycle';
import { closeAllSockets, collect, connectSocket, settled } from '../helpers/sockets';
import { createValue } from '../../src/lib/server/recognition/values.service';
import { giveKudos } from '../../src/lib/server/recognition/kudos.service';

vi.setConfig({ testTimeout: 120_000 });

let app: App;
let admin: SignedUp;
let leader: Member;
let teamId: string;

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	teamId = await createTeam(app, admin);
	leader = await addMember(app, admin, 'leader');
	const led = await admin.browser.action('/admin/teams?/update', { teamId, name: `Led ${Date.now()}`, leaderIds: [leader.userId] });
	expect(led.type).toBe('success');
}, APP_START_TIMEOUT + 60_000);

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

const db = () => app.runtime.db;
const org = () => admin.organizationId;

async function grant(userId: string, amount: number) {
	await db()
		.transaction()
		.execute((trx) => moveCoins(trx, { organizationId: org(), userId, amount, reason: 'adjustment', ref: `test:${crypto.randomUUID()}` }));
}

async function addReward(fields: { cost: number; stock?: number | ''; perPersonLimit?: number | '' }) {
	const name = `Reward ${crypto.randomUUID().slice(0, 8)}`;
	const result = await admin.browser.action('/admin/rewards?/createReward', {
		'name.en': name,
		'name.zh-CN': '',
		image: '☕',
		cost: fields.cost,
		stock: fields.stock ?? '',
		perPersonLimit: fields.perPersonLimit ?? ''
	});
	expect(result.type, JSON.stringify(result)).toBe('success');
	const row = await db().selectFrom('rewards').select(['id']).where('organization_id', '=', org()).where(sql`name->>'en'`, '=', name).executeTakeFirstOrThrow();
	return row.id;
}

const stockOf = async (rewardId: string) => (await db().selectFrom('rewards').select('stock').where('id', '=', rewardId).executeTakeFirstOrThrow()).stock;
const redemptionCount = async (rewardId: string) =>
	Number((await sql<{ n: string }>`select count(*) as n from reward_redemptions where reward_id = ${rewardId}`.execute(db())).rows[0].n);
const redeem = (member: Member, rewardId: string) => member.browser.action('/rewards?/redeem', { rewardId });
const refusedField = (r: ActionResult) => (r.type === 'failure' ? `${r.status} ${Object.keys(r.data?.errors ?? {}).join(',')}` : r.type);

async function expectConsistent(userId: string) {
	const [balance, sum] = await Promise.all([balanceOf(db(), org(), userId), ledgerSum(db(), org(), userId)]);
	expect(balance).toBe(sum);
	expect(balance).toBeGreaterThanOrEqual(0);
	return balance;
}

describe('redemptions under concurrency', () => {
	test('10 concurrent redemptions beyond the balance: exactly as many as it covers, never below zero', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		await grant(rep.userId, 100);
		const rewardId = await addReward({ cost: 30 });
		const results = await Promise.all(Array.from({ length: 10 }, () => redeem(rep, rewardId)));
		const ok = results.filter((r) => r.type === 'success');
		expect(ok).toHaveLength(3);
		expect(results.filter((r) => r.type !== 'success').map(refusedField)).toEqual(Array(7).fill('409 balance'));
		expect(await expectConsistent(rep.userId)).toBe(10);
		// Refused redemptions wrote nothing: no row, no ledger entry.
		expect(await redemptionCount(rewardId)).toBe(3);
	});

	test('10 concurrent redemptions beyond the stock: exactly the stock, which ends at zero', async () => {
		const reps = await Promise.all([addMember(app, admin, 'rep', teamId), addMember(app, admin, 'rep', teamId)]);
		for (const rep of reps) await grant(rep.userId, 1000);
		const rewardId = await addReward({ cost: 10, stock: 4 });
		const results = await Promise.all(Array.from({ length: 10 }, (_, i) => redeem(reps[i % 2], rewardId)));
		expect(results.filter((r) => r.type === 'success')).toHaveLength(4);
		expect(results.filter((r) => r.type !== 'success').map(refusedField)).toEqual(Array(6).fill('409 stock'));
		expect(await stockOf(rewardId)).toBe(0);
		expect(await redemptionCount(rewardId)).toBe(4);
		const balances = await Promise.all(reps.map((r) => expectConsistent(r.userId)));
		expect(balances.reduce((a, b) => a + b, 0)).toBe(2000 - 40);
	});

	test('the per-person limit holds under concurrent redemptions', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		await grant(rep.userId, 1000);
		const rewardId = await addReward({ cost: 5, perPersonLimit: 2 });
		const results = await Promise.all(Array.from({ length: 6 }, () => redeem(rep, rewardId)));
		expect(results.filter((r) => r.type === 'success')).toHaveLength(2);
		expect(results.filter((r) => r.type !== 'success').map(refusedField)).toEqual(Array(4).fill('409 perPersonLimit'));
		expect(await expectConsistent(rep.userId)).toBe(990);
	});

	test.skipIf(!usingPostgres)('two processes redeeming at once share one balance and one stock', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		await grant(rep.userId, 100);
		const rewardId = await addReward({ cost: 10, stock: 7 });
		const child = await startReportingChild<{ event: string; ok?: number; refused?: Record<string, number> }>(
			'rewards child',
			fileURLToPath(new URL('../helpers/rewards-child.ts', import.meta.url)),
			{ args: [org(), rep.userId, rewardId, '6'], env: { ...process.env }, stdin: true }
		);
		try {
			child.process.stdin!.write('go\n');
			const mine = await Promise.all(Array.from({ length: 6 }, () => redeem(rep, rewardId)));
			await until(() => child.lines.some((l) => l.event === 'done'), 60_000, 'the child to finish');
			const theirs = child.lines.find((l) => l.event === 'done')!;
			const accepted = mine.filter((r) => r.type === 'success').length + theirs.ok!;
			expect(accepted).toBe(7);
			expect(await stockOf(rewardId)).toBe(0);
			expect(await expectConsistent(rep.userId)).toBe(30);
			expect(await redemptionCount(rewardId)).toBe(7);
		} finally {
			await child.stop();
		}
	});
});

describe('decisions', () => {
	async function pendingRedemption(cost = 40, stock: number | '' = 3) {
		const rep = await addMember(app, admin, 'rep', teamId);
		await grant(rep.userId, 100);
		const rewardId = await addReward({ cost, stock });
		expect((await redeem(rep, rewardId)).type).toBe('success');
		const row = await db().selectFrom('reward_redemptions').select('id').where('reward_id', '=', rewardId).executeTakeFirstOrThrow();
		return { rep, rewardId, redemptionId: row.id };
	}

	test('declined twice at once: one decline, one 409, the coins and the stock come back once', async () => {
		const { rep, rewardId, redemptionId } = await pendingRedemption();
		expect(await balanceOf(db(), org(), rep.userId)).toBe(60);
		expect(await stockOf(rewardId)).toBe(2);
		const results = await Promise.all([
			leader.browser.action('/admin/rewards?/decline', { redemptionId }),
			admin.browser.action('/admin/rewards?/decline', { redemptionId })
		]);
		expect(results.map((r) => r.type).sort()).toEqual(['failure', 'success']);
		expect(results.map(refusedField).filter((f) => f !== 'success')).toEqual(['409 status']);
		expect(await expectConsistent(rep.userId)).toBe(100);
		expect(await stockOf(rewardId)).toBe(3);
		const audit = await db().selectFrom('audit_log').select('action').where('target_id', '=', redemptionId).orderBy('id').execute();
		expect(audit.map((a) => a.action)).toEqual(['reward.redeemed', 'reward.declined']);
	});

	test('approve and cancel at once: exactly one wins, the other is a 409', async () => {
		const { rep, redemptionId } = await pendingRedemption();
		const [approved, cancelled] = await Promise.all([
			leader.browser.action('/admin/rewards?/approve', { redemptionId }),
			rep.browser.action('/rewards?/cancel', { redemptionId })
		]);
		expect([approved.type, cancelled.type].filter((t) => t === 'success')).toHaveLength(1);
		const loser = approved.type === 'success' ? cancelled : approved;
		expect(refusedField(loser)).toBe('409 status');
		const status = (await db().selectFrom('reward_redemptions').select('status').where('id', '=', redemptionId).executeTakeFirstOrThrow()).status;
		expect(status).toBe(approved.type === 'success' ? 'approved' : 'cancelled');
		expect(await expectConsistent(rep.userId)).toBe(status === 'approved' ? 60 : 100);
	});

	test('approved, then fulfilled; a fulfilled request cannot be declined or cancelled', async () => {
		const { rep, redemptionId } = await pendingRedemption();
		expect((await admin.browser.action('/admin/rewards?/fulfil', { redemptionId })).type).toBe('failure');
		expect((await leader.browser.action('/admin/rewards?/approve', { redemptionId })).type).toBe('success');
		expect((await leader.browser.action('/admin/rewards?/fulfil', { redemptionId })).type).toBe('success');
		expect(refusedField(await admin.browser.action('/admin/rewards?/decline', { redemptionId }))).toBe('409 status');
		expect(refusedField(await rep.browser.action('/rewards?/cancel', { redemptionId }))).toBe('409 status');
		expect(await expectConsistent(rep.userId)).toBe(60);
	});

	test('nobody approves their own request, an admin included', async () => {
		await grant(admin.userId, 100);
		const rewardId = await addReward({ cost: 10 });
		expect((await admin.browser.action('/rewards?/redeem', { rewardId })).type).toBe('success');
		const own = await db().selectFrom('reward_redemptions').select('id').where('reward_id', '=', rewardId).executeTakeFirstOrThrow();
		expect(refusedField(await admin.browser.action('/admin/rewards?/approve', { redemptionId: own.id }))).toBe('403 ');
		expect((await admin.browser.action('/rewards?/cancel', { redemptionId: own.id })).type).toBe('success');
		expect(await expectConsistent(admin.userId)).toBe(100);
	});

	test('bad input names its field and changes nothing', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		expect(refusedField(await rep.browser.action('/rewards?/redeem', { rewardId: 'nope' }))).toBe('400 rewardId');
		expect(refusedField(await rep.browser.action('/rewards?/redeem', { rewardId: crypto.randomUUID() }))).toBe('404 rewardId');
		const bad = await admin.browser.action('/admin/rewards?/createReward', { 'name.en': 'X', image: 'javascript:alert(1)', cost: 0, stock: -1 });
		expect(refusedField(bad)).toBe('400 image,cost,stock');
		const http = await admin.browser.action('/admin/rewards?/createReward', { 'name.en': 'X', image: 'http://example.com/a.png', cost: 5 });
		expect(refusedField(http)).toBe('400 image');
		expect(refusedField(await admin.browser.action('/admin/rewards?/createReward', { 'name.en': '  ', 'name.zh-CN': '', image: 'art:gift', cost: 5 }))).toBe('400 name');
		expect(refusedField(await admin.browser.action('/admin/rewards?/saveRules', { perContestWin: -1, perContestPlace: 1, perBadge: 1, perKudos: 1, per100Points: 1, ideaPoints: 1 }))).toBe('400 perContestWin');
		expect(await balanceOf(db(), org(), rep.userId)).toBe(0);
	});
});

describe('ideas', () => {
	test('an idea adopted by concurrent requests pays its author once', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		const posted = await rep.browser.action('/ideas?/post', { title: 'Call back within 5 minutes', body: 'Leads called back within five minutes convert twice as often.' });
		expect(posted.type).toBe('success');
		const ideaId = posted.type === 'success' ? (posted.data.posted as string) : '';
		// Colleagues vote (a second vote takes it back); the author cannot vote for their own idea.
		const colleague = await addMember(app, admin, 'rep', teamId);
		expect((await colleague.browser.action('/ideas?/vote', { ideaId })).type).toBe('success');
		expect(refusedField(await rep.browser.action('/ideas?/vote', { ideaId }))).toBe('400 ideaId');
		expect((await colleague.browser.action('/ideas?/comment', { ideaId, body: 'Let us try it this week.' })).type).toBe('success');
		expect(refusedField(await rep.browser.action('/ideas?/move', { ideaId, status: 'adopted' }))).toBe('403 ');

		const results = await Promise.all([
			...Array.from({ length: 3 }, () => admin.browser.action('/ideas?/move', { ideaId, status: 'adopted', note: 'Great one' })),
			...Array.from({ length: 2 }, () => leader.browser.action('/ideas?/move', { ideaId, status: 'adopted' }))
		]);
		expect(results.filter((r) => r.type === 'success')).toHaveLength(1);
		expect(results.filter((r) => r.type !== 'success').map(refusedField)).toEqual(Array(4).fill('409 status'));
		const events = await db().selectFrom('score_events').select(['points', 'source', 'idempotency_key']).where('organization_id', '=', org()).where('user_id', '=', rep.userId).execute();
		expect(events).toEqual([{ points: 50, source: 'idea', idempotency_key: `idea:${ideaId}` }]);
		// Adopted is final.
		expect(refusedField(await admin.browser.action('/ideas?/move', { ideaId, status: 'declined' }))).toBe('409 status');
		const page = await rep.browser.get('/ideas');
		expect(page.status).toBe(200);
		expect(page.body).toContain('Call back within 5 minutes');
	});

	test('over-long titles and texts are refused, naming the field', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		expect(refusedField(await rep.browser.action('/ideas?/post', { title: 'x'.repeat(121), body: 'ok' }))).toBe('400 title');
		expect(refusedField(await rep.browser.action('/ideas?/post', { title: 'ok', body: 'x'.repeat(2001) }))).toBe('400 body');
	});
});

describe('earning rules', () => {
	test('points convert to coins once per event, and a correction takes them back but never below zero', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		const saved = await admin.browser.action('/admin/rewards?/saveRules', { perContestWin: 100, perContestPlace: 50, perBadge: 25, perKudos: 5, per100Points: 50, ideaPoints: 50 });
		expect(saved.type).toBe('success');
		const logged = await admin.browser.action('/leaderboards?/log', { userId: rep.userId, metric: 'deal', value: '1', key: crypto.randomUUID() });
		expect(logged.type, JSON.stringify(logged)).toBe('success');
		const event = await db().selectFrom('score_events').select(['id', 'points']).where('user_id', '=', rep.userId).executeTakeFirstOrThrow();
		expect(event.points).toBeGreaterThan(0);
		const coins = Math.trunc((event.points * 50) / 100);
		await until(async () => (await balanceOf(db(), org(), rep.userId)) === coins, 10_000, 'the coins for the points');
		// Spend some, then void the event: the correction takes back what is left, not more.
		const rewardId = await addReward({ cost: Math.max(1, coins - 1) });
		expect((await redeem(rep, rewardId)).type).toBe('success');
		const voided = await admin.browser.action('/leaderboards?/void', { eventId: event.id, reason: 'entered twice' });
		expect(voided.type, JSON.stringify(voided)).toBe('success');
		await until(async () => (await balanceOf(db(), org(), rep.userId)) === 0, 10_000, 'the correction to take the coins back');
		expect(await expectConsistent(rep.userId)).toBe(0);
	});

	test('a kudos and a badge credit their coins once, in the transaction that gives or awards them', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		const adminActor = { userId: admin.userId, organizationId: org(), role: 'admin' as const };
		const { id: value } = await createValue(db(), adminActor, { name: `Value ${crypto.randomUUID().slice(0, 6)}`, emoji: '🤝' });
		// The same request three times at once (a retry, two tabs): one kudos, its coins once.
		const requestId = crypto.randomUUID();
		const gives = await Promise.all(Array.from({ length: 3 }, () => giveKudos(app.runtime, adminActor, { to: [rep.userId], value, message: 'Thanks for the cover', points: 0, requestId })));
		expect(new Set(gives.map((g) => g.kudos.id)).size).toBe(1);
		// Paid when the give answered: no listener to wait for.
		expect(await balanceOf(db(), org(), rep.userId)).toBe(5);

		const created = await admin.browser.action('/admin/badges?/create', { 'name.en': `Closer ${crypto.randomUUID().slice(0, 6)}`, icon: 'crown', kind: 'manual' });
		expect(created.type).toBe('success');
		const badge = await db().selectFrom('badges').select('id').where('organization_id', '=', org()).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
		const award = () => admin.browser.action(`/people/${rep.userId}?/award`, { badgeId: badge.id, reason: 'Saved the Acme deal' });
		const results = await Promise.all([award(), award(), award()]);
		expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
		// Paid when the award answered: no listener to wait for.
		expect(await expectConsistent(rep.userId)).toBe(30);
		const credits = await db().selectFrom('coin_ledger').select(['reason', 'amount']).where('organization_id', '=', org()).where('user_id', '=', rep.userId).orderBy('reason').execute();
		expect(credits).toEqual([
			{ reason: 'badge', amount: 25 },
			{ reason: 'kudos', amount: 5 }
		]);
	});
});

describe('contest places', () => {
	test('a final contest pays its places with its prizes, once however often the job runs; a hidden one pays nothing', async () => {
		const [first, second, third, teamRep] = await Promise.all([
			addMember(app, admin, 'rep', teamId),
			addMember(app, admin, 'rep', teamId),
			addMember(app, admin, 'rep', teamId),
			addMember(app, admin, 'rep')
		]);
		const placedTeam = await createTeam(app, admin);
		expect((await admin.browser.action('/admin/members?/move', { userId: teamRep.userId, teamId: placedTeam })).type).toBe('success');
		const saved = await admin.browser.action('/admin/rewards?/saveRules', { perContestWin: 100, perContestPlace: 40, perBadge: 25, perKudos: 5, per100Points: 0, ideaPoints: 50 });
		expect(saved.type).toBe('success');
		const contest = async (hidden: boolean) => {
			const id = await insertContest(db(), {
				organization_id: org(),
				name: JSON.stringify({ en: `Sprint ${hidden ? 'test' : 'real'}` }),
				format: 'race',
				scoring: JSON.stringify('points'),
				rank_by: 'total',
				starts_at: new Date(Date.now() - 7200_000),
				ends_at: new Date(Date.now() - 3600_000),
				status: 'final',
				hidden
			});
			const row = (participant_id: string, rank: number, place: number | null, score: number) => ({ contest_id: id, organization_id: org(), participant_id, rank, place, score, value: score, tie: rank });
			await insertResults(db(), [row(first.userId, 1, 1, 30), row(placedTeam, 2, 2, 20), row(second.userId, 3, 3, 0), row(third.userId, 4, null, 5)]);
			return id;
		};
		const hidden = await contest(true);
		const real = await contest(false);
		// The freeze job pays the places with the prizes; run again (a retry after a crash), and at once, it pays nothing twice.
		await Promise.all([hidden, real, hidden, real, real].map((id) => finalizeContest(app.runtime, id)));
		// Place 1 the winner's coins, the placed team's member a place's; a place without a score, or no place, nothing.
		expect(await Promise.all([first, teamRep, second, third].map((m) => expectConsistent(m.userId)))).toEqual([100, 40, 0, 0]);
	});
});

describe('the coins API', () => {
	test('a token with coins:read reads any member by e-mail, with pages; others are refused', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		for (let i = 0; i < 5; i++) await grant(rep.userId, i + 1);
		const { token } = await addApiToken(db(), org(), ['coins:read'], admin.userId);
		const { token: wrong } = await addApiToken(db(), org(), ['leaderboards:read'], admin.userId);
		const get = (path: string, bearer?: string, browser = app.browser()) => browser.request('GET', path, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
		const first = await get(`/api/v1/coins/${encodeURIComponent(rep.email)}?limit=3`, token);
		expect(first.status).toBe(200);
		const body = JSON.parse(first.body);
		expect(body.balance).toBe(15);
		expect(body.entries.map((e: { amount: number }) => e.amount)).toEqual([5, 4, 3]);
		const second = JSON.parse((await get(`/api/v1/coins/${rep.userId}?limit=3&before=${body.next}`, token)).body);
		expect(second.entries.map((e: { amount: number }) => e.amount)).toEqual([2, 1]);
		expect(second.next).toBeNull();
		expect((await get(`/api/v1/coins/${rep.userId}`, wrong)).status).toBe(403);
		expect((await get(`/api/v1/coins/${rep.userId}`)).status).toBe(401);
		expect((await get(`/api/v1/coins/nobody@example.test`, token)).status).toBe(404);
		expect((await get(`/api/v1/coins/${rep.userId}?limit=1000`, token)).status).toBe(400);
		// A rep reads their own coins with their session, not a colleague's; their leader may.
		const colleague = await addMember(app, admin, 'rep', teamId);
		expect((await get(`/api/v1/coins/${rep.userId}`, undefined, rep.browser)).status).toBe(200);
		expect((await get(`/api/v1/coins/${rep.userId}`, undefined, colleague.browser)).status).toBe(403);
		expect((await get(`/api/v1/coins/${rep.userId}`, undefined, leader.browser)).status).toBe(200);
	});
});

describe('live pages', () => {
	test('open pages hear what changed in the store and on the ideas board, never another organization’s changes, and never the content', async () => {
		const rep = await addMember(app, admin, 'rep', teamId);
		await grant(rep.userId, 100);
		const other = await signUpOrganization(app);
		const mine = await connectSocket(app.url, `podium_session=${leader.token}`);
		const theirs = await connectSocket(app.url, `podium_session=${other.token}`);
		const heard = collect<{ what: string; id: string }>(mine, 'recognition:changed');
		const leaked = collect(theirs, 'recognition:changed');

		const rewardId = await addReward({ cost: 10 });
		expect((await redeem(rep, rewardId)).type).toBe('success');
		const redemption = await db().selectFrom('reward_redemptions').select('id').where('reward_id', '=', rewardId).executeTakeFirstOrThrow();
		expect((await leader.browser.action('/admin/rewards?/approve', { redemptionId: redemption.id })).type).toBe('success');
		const posted = await rep.browser.action('/ideas?/post', { title: 'Demo on day one', body: 'Book the demo in the first call.' });
		const ideaId = posted.type === 'success' ? (posted.data.posted as string) : '';
		expect((await leader.browser.action('/ideas?/vote', { ideaId })).type).toBe('success');
		// A refused change says nothing.
		expect(refusedField(await rep.browser.action('/ideas?/vote', { ideaId }))).toBe('400 ideaId');

		await settled(mine);
		await settled(theirs);
		expect(heard).toEqual([
			{ what: 'rewards', id: rewardId },
			{ what: 'redemptions', id: redemption.id },
			{ what: 'redemptions', id: redemption.id },
			{ what: 'ideas', id: ideaId },
			{ what: 'ideas', id: ideaId }
		]);
		expect(leaked).toEqual([]);
	});
});
