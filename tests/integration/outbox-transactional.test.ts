// Notifications commit with their cause. A big deal sent through POST /api/v1/events has its outbox
// row when the API answers, written by the events' own transaction (the same xmin), once per channel
// over its threshold and never again on a retry; a batch refused queues nothing, and a write whose
// outbox row cannot be stored rolls back with its events. A CSV import's big deal likewise. A contest's start and end, a badge award
// (manual and by a rule) and a spotlighted kudos queue their rows with the change that causes them; a
// hidden contest queues none. A new contest leader and a reached goal, decided in the live store, queue
// theirs before the live once-mark moves, so a row that cannot be stored leaves the mark for the next
// event. Runs on this mode's database and live store.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App, type HttpResponse } from '../helpers/app';
import { addApiToken, addRep, addTeam, countEvents, createOrg, uniqueSuffix, type TestOrg, type TestRep } from '../helpers/scoring';
import type { Actor } from '../../src/lib/server/org/actor';
import { createChannel } from '../../src/lib/server/integrations/notification.service';
import { createContest } from '../../src/lib/server/contests/contest.service';
import { endContest, startContest } from '../../src/lib/server/contests/contest.lifecycle';
import { awardManually, createBadge } from '../../src/lib/server/recognition/badge.service';
import { engineIdle } from '../../src/lib/server/recognition/badge.engine';
import { giveKudos, spotlight } from '../../src/lib/server/recognition/kudos.service';
import { createValue } from '../../src/lib/server/recognition/values.service';
import { systemClock } from '../../src/lib/server/platform/clock';
import { runImport } from '../../src/lib/server/scoring/import/import.service';

vi.setConfig({ testTimeout: 90_000 });

let app: App;
let org: TestOrg;
let admin: Actor;
let ann: TestRep;
let bob: TestRep;
let token: string;
let goalsToken: string;

beforeAll(async () => {
	app = await startApp();
	const db = app.runtime.db;
	org = await createOrg(db, { timeZone: 'UTC' });
	admin = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' };
	const team = await addTeam(db, org.organizationId);
	ann = await addRep(db, org.organizationId, { teamId: team, name: `Ann ${uniqueSuffix()}` });
	bob = await addRep(db, org.organizationId, { teamId: team, name: `Bob ${uniqueSuffix()}` });
	({ token } = await addApiToken(db, org.organizationId));
	({ token: goalsToken } = await addApiToken(db, org.organizationId, ['goals:read', 'goals:write'], org.adminId));
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const postEvents = (body: unknown): Promise<HttpResponse> =>
	app.browser().request('POST', '/api/v1/events', { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

/** A channel whose rows stay as queued: paused, so that the app's own sender never claims (and rewrites) them. */
async function channel(moments: string[], extra: Record<string, string> = {}) {
	const { id } = await createChannel(app.runtime, admin, { kind: 'webhook', name: `Ch ${uniqueSuffix()}`, url: 'https://hooks.example.com/podium', moments, ...extra });
	await sql`update notification_channels set paused = true where id = ${id}`.execute(app.runtime.db);
	return id;
}

interface Row {
	channel_id: string;
	dedupe_key: string;
	moment: string;
	message: { key: string; params: Record<string, string>; amountMinor?: number };
}
async function outbox(channelIds: string[]): Promise<Row[]> {
	const { rows } = await sql<Row>`select channel_id, dedupe_key, moment, message from notification_outbox where channel_id = any(${channelIds}::uuid[]) order by id`.execute(app.runtime.db);
	return rows;
}

/** The transaction that wrote a row (Postgres's xmin): equal for rows written in one transaction. */
async function writtenBy(table: 'score_events' | 'contests' | 'badge_awards', id: string | number) {
	const { rows } = await sql<{ xid: string }>`select xmin::text as xid from ${sql.table(table)} where id = ${id}`.execute(app.runtime.db);
	expect(rows).toHaveLength(1);
	return rows[0].xid;
}
async function queuedBy(channelId: string, dedupeKey: string) {
	const { rows } = await sql<{ xid: string }>`select xmin::text as xid from notification_outbox where channel_id = ${channelId} and dedupe_key = ${dedupeKey}`.execute(app.runtime.db);
	expect(rows).toHaveLength(1);
	return rows[0].xid;
}

async function eventId(key: string) {
	const { rows } = await sql<{ id: string }>`select id from score_events where organization_id = ${org.organizationId} and idempotency_key = ${key}`.execute(app.runtime.db);
	return rows[0] ? Number(rows[0].id) : null;
}

/** Makes every outbox insert of this organization fail until undone (the row of a cause that must then roll back). */
async function blockOutbox() {
	const name = `outbox_test_block_${uniqueSuffix().replace(/[^a-z0-9_]/gi, '_')}`;
	await sql`alter table notification_outbox add constraint ${sql.id(name)} check (organization_id <> ${sql.lit(org.organizationId)}::uuid) not valid`.execute(app.runtime.db);
	return () => sql`alter table notification_outbox drop constraint ${sql.id(name)}`.execute(app.runtime.db);
}

const lifecycle = () => ({ db: app.runtime.db, live: app.runtime.live, events: app.runtime.events, scheduler: app.runtime.scheduler });

describe('a big deal through the public API', () => {
	test('its outbox row is there when the API answers, once per channel over its threshold, and a retry queues nothing', async () => {
		const [from1000, from5000, kudosOnly] = [await channel(['big_deal'], { bigDeal: '1000' }), await channel(['big_deal'], { bigDeal: '5000' }), await channel(['kudos'])];
		const key = `big-${uniqueSuffix()}`;
		const batch = {
			events: [
				{ id: key, metric: 'revenue', user: ann.email, value: 250_000 },
				{ id: `small-${uniqueSuffix()}`, metric: 'revenue', user: ann.email, value: 99_999 },
				{ id: `call-${uniqueSuffix()}`, metric: 'call', user: ann.email, value: 1 }
			]
		};
		const res = await postEvents(batch);
		expect(res.status).toBe(200);
		expect(res.json()).toMatchObject({ accepted: 3 });
		// No waiting: the row committed with the events.
		const id = await eventId(key);
		expect(await outbox([from1000, from5000, kudosOnly])).toEqual([
			{ channel_id: from1000, dedupe_key: `deal:${id}`, moment: 'big_deal', message: { key: 'big_deal', params: { who: ann.userId }, amountMinor: 250_000 } }
		]);
		// Written by the transaction that wrote the event, not by one after it.
		expect(await queuedBy(from1000, `deal:${id}`)).toBe(await writtenBy('score_events', id!));

		// The same batch again: duplicates, nothing more queued; and nothing is queued later either.
		expect((await postEvents(batch)).json()).toMatchObject({ accepted: 0, duplicates: 3 });
		await engineIdle();
		await new Promise((r) => setTimeout(r, 500));
		expect(await outbox([from1000, from5000, kudosOnly])).toHaveLength(1);
	});

	test('a batch refused, or an event rejected, queues nothing', async () => {
		const from1 = await channel(['big_deal'], { bigDeal: '1' });
		const events = await countEvents(app.runtime.db, org.organizationId);
		// Refused whole by validation (too many events): nothing is written, nothing queued.
		const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: `many-${uniqueSuffix()}-${i}`, metric: 'revenue', user: ann.email, value: 500_000 }));
		expect((await postEvents({ events: tooMany })).status).toBe(400);
		// Rejected events (an unknown member, a reserved id) beside an accepted call.
		const res = await postEvents({
			events: [
				{ id: `nobody-${uniqueSuffix()}`, metric: 'revenue', user: 'nobody@example.test', value: 500_000 },
				{ id: `void:${uniqueSuffix()}`, metric: 'revenue', user: ann.email, value: 500_000 },
				{ id: `call-${uniqueSuffix()}`, metric: 'call', user: ann.email, value: 1 }
			]
		});
		expect(res.json()).toMatchObject({ accepted: 1, rejected: 2 });
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(events + 1);
		expect(await outbox([from1])).toEqual([]);
	});

	test('when its outbox row cannot be stored, the events roll back with it (503); the retry stores both', async () => {
		const from1 = await channel(['big_deal'], { bigDeal: '1' });
		const events = await countEvents(app.runtime.db, org.organizationId);
		const key = `rollback-${uniqueSuffix()}`;
		const batch = { events: [{ id: key, metric: 'revenue', user: ann.email, value: 700_000 }, { id: `${key}-call`, metric: 'call', user: ann.email, value: 1 }] };
		const unblock = await blockOutbox();
		try {
			expect((await postEvents(batch)).status).toBe(503);
		} finally {
			await unblock();
		}
		expect(await countEvents(app.runtime.db, org.organizationId)).toBe(events);
		expect(await eventId(key)).toBeNull();
		expect(await outbox([from1])).toEqual([]);

		expect((await postEvents(batch)).json()).toMatchObject({ accepted: 2 });
		expect(await outbox([from1])).toMatchObject([{ dedupe_key: `deal:${await eventId(key)}`, message: { amountMinor: 700_000 } }]);
	});
});

describe('a big deal imported from a CSV file', () => {
	test('is queued in the transaction that writes its event', async () => {
		const from1000 = await channel(['big_deal'], { bigDeal: '1000' });
		const key = `csv-big-${uniqueSuffix()}`;
		const csv = `id,metric,user,value,occurredAt\n${key},revenue,${bob.email},300000,${new Date(Date.now() - 60_000).toISOString()}\n`;
		expect(await runImport(app.runtime, admin, 'en', csv)).toMatchObject({ accepted: 1 });
		const id = await eventId(key);
		expect(await outbox([from1000])).toMatchObject([{ dedupe_key: `deal:${id}`, message: { key: 'big_deal', params: { who: bob.userId }, amountMinor: 300_000 } }]);
		expect(await queuedBy(from1000, `deal:${id}`)).toBe(await writtenBy('score_events', id!));
	});
});

describe('contests', () => {
	async function scheduled(hidden = false, members = [ann.email]) {
		const now = Date.now();
		const { id } = await createContest(lifecycle(), admin, {
			name: { en: `Sprint ${uniqueSuffix()}`, 'zh-CN': '冲刺' },
			format: 'race',
			scoring: { metrics: [{ metric: 'deal', weight: 1 }] },
			startsAt: new Date(now + 60 * 60_000).toISOString(),
			endsAt: new Date(now + 2 * 60 * 60_000).toISOString(),
			participants: { members },
			places: 1,
			hidden,
			status: 'scheduled'
		});
		// Due now: started here rather than by the hour-ahead job.
		await sql`update contests set starts_at = now() - interval '1 second' where id = ${id}`.execute(app.runtime.db);
		return id;
	}
	const nameOf = async (id: string) => (await sql<{ name: { en: string } }>`select name from contests where id = ${id}`.execute(app.runtime.db)).rows[0].name.en;

	test('the start and the end queue their rows with the status change, the final one naming the winner; a hidden contest queues none', async () => {
		const ch = await channel(['contest_started', 'contest_final', 'contest_leader']);
		const id = await scheduled();
		expect(await startContest(lifecycle(), id)).toBe(true);
		expect(await outbox([ch])).toEqual([{ channel_id: ch, dedupe_key: `contest:${id}:started`, moment: 'contest_started', message: { key: 'contest_started', params: { name: await nameOf(id) } } }]);
		expect(await queuedBy(ch, `contest:${id}:started`)).toBe(await writtenBy('contests', id));

		expect((await postEvents({ events: [{ id: `deal-${uniqueSuffix()}`, metric: 'deal', user: ann.email, value: 2 }] })).status).toBe(200);
		expect(await endContest(lifecycle(), id, { early: true })).toBe(true);
		expect(await queuedBy(ch, `contest:${id}:ended`)).toBe(await writtenBy('contests', id));
		const rows = (await outbox([ch])).filter((r) => r.moment !== 'contest_leader');
		expect(rows.map((r) => r.dedupe_key)).toEqual([`contest:${id}:started`, `contest:${id}:ended`]);
		expect(rows[1].message).toEqual({ key: 'contest_final', params: { name: await nameOf(id), who: ann.name } });
		// Ended once: a second end changes nothing and queues nothing.
		expect(await endContest(lifecycle(), id, { early: true })).toBe(false);
		expect((await outbox([ch])).filter((r) => r.moment !== 'contest_leader')).toHaveLength(2);

		const hidden = await scheduled(true);
		expect(await startContest(lifecycle(), hidden)).toBe(true);
		expect(await endContest(lifecycle(), hidden, { early: true })).toBe(true);
		expect((await outbox([ch])).filter((r) => r.dedupe_key.includes(hidden))).toEqual([]);
	});

	test('a start whose outbox row cannot be stored does not happen: the contest stays scheduled', async () => {
		await channel(['contest_started']);
		const id = await scheduled();
		const unblock = await blockOutbox();
		try {
			await expect(startContest(lifecycle(), id)).rejects.toThrow();
		} finally {
			await unblock();
		}
		expect((await sql<{ status: string }>`select status from contests where id = ${id}`.execute(app.runtime.db)).rows[0].status).toBe('scheduled');
		expect(await startContest(lifecycle(), id)).toBe(true);
	});

	test('each change of leader is queued once, numbered by the live leader mark', async () => {
		const ch = await channel(['contest_leader']);
		const id = await scheduled(false, [ann.email, bob.email]);
		expect(await startContest(lifecycle(), id)).toBe(true);
		const leaders = async () => (await outbox([ch])).filter((r) => r.dedupe_key.startsWith(`contest:${id}:`)).map((r) => [r.dedupe_key, r.message.params.who]);
		const deal = (who: TestRep, value: number) => postEvents({ events: [{ id: `deal-${uniqueSuffix()}`, metric: 'deal', user: who.email, value }] });
		await deal(ann, 1);
		await vi.waitFor(async () => expect(await leaders()).toEqual([[`contest:${id}:leader:1:${ann.userId}`, ann.name]]), { timeout: 10_000, interval: 100 });
		await deal(bob, 3);
		await vi.waitFor(async () => expect(await leaders()).toHaveLength(2), { timeout: 10_000, interval: 100 });
		await deal(bob, 1);
		await deal(ann, 5);
		await vi.waitFor(async () => expect(await leaders()).toHaveLength(3), { timeout: 10_000, interval: 100 });
		await new Promise((r) => setTimeout(r, 500));
		expect(await leaders()).toEqual([
			[`contest:${id}:leader:1:${ann.userId}`, ann.name],
			[`contest:${id}:leader:2:${bob.userId}`, bob.name],
			[`contest:${id}:leader:3:${ann.userId}`, ann.name]
		]);
		expect(await app.runtime.live.peek(`contest:${id}:leader`)).toBe(`${ann.userId}|3`);
	});
});

describe('recognition', () => {
	const engine = () => ({ db: app.runtime.db, events: app.runtime.events, live: app.runtime.live, clock: systemClock });

	test('a manual badge award queues its row in the award’s transaction; when the row cannot be stored there is no award', async () => {
		const ch = await channel(['badge']);
		const badgeName = `Saver ${uniqueSuffix()}`;
		const { id: badgeId } = await createBadge(engine(), admin, { name: { en: badgeName, 'zh-CN': '救星' }, icon: 'crown', kind: 'manual' });
		const awards = async () => (await sql<{ id: string }>`select id from badge_awards where badge_id = ${badgeId}`.execute(app.runtime.db)).rows;

		const unblock = await blockOutbox();
		try {
			await expect(awardManually(engine(), admin, { badgeId, userId: ann.userId, reason: 'Saved the Acme deal' })).rejects.toThrow();
		} finally {
			await unblock();
		}
		expect(await awards()).toEqual([]);

		expect(await awardManually(engine(), admin, { badgeId, userId: ann.userId, reason: 'Saved the Acme deal' })).toEqual({ awarded: true });
		const [award] = await awards();
		expect(await outbox([ch])).toEqual([{ channel_id: ch, dedupe_key: `recognition:badge:${award.id}`, moment: 'badge', message: { key: 'badge', params: { who: ann.name, name: badgeName } } }]);
		expect(await queuedBy(ch, `recognition:badge:${award.id}`)).toBe(await writtenBy('badge_awards', award.id));
	});

	test('a badge awarded by a rule queues its row with the award', async () => {
		const ch = await channel(['badge']);
		const badgeName = `First meeting ${uniqueSuffix()}`;
		const { id: badgeId } = await createBadge(engine(), admin, { name: { en: badgeName, 'zh-CN': '首次会议' }, icon: 'star', kind: 'first_time', metric: 'meeting' });
		expect((await postEvents({ events: [{ id: `meeting-${uniqueSuffix()}`, metric: 'meeting', user: bob.email, value: 1 }] })).status).toBe(200);
		await engineIdle();
		const [award] = (await sql<{ id: string }>`select id from badge_awards where badge_id = ${badgeId} and user_id = ${bob.userId}`.execute(app.runtime.db)).rows;
		expect(await outbox([ch])).toEqual([{ channel_id: ch, dedupe_key: `recognition:badge:${award.id}`, moment: 'badge', message: { key: 'badge', params: { who: bob.name, name: badgeName } } }]);
		expect(await queuedBy(ch, `recognition:badge:${award.id}`)).toBe(await writtenBy('badge_awards', award.id));
	});

	test('a reached goal’s row is queued before its once-mark is set: while the row cannot be stored the mark stays unset, and the next event queues it once', async () => {
		const ch = await channel(['goal_reached']);
		const created = await app.browser().request('POST', '/api/v1/goals', {
			headers: { 'content-type': 'application/json', authorization: `Bearer ${goalsToken}` },
			body: JSON.stringify({ owner: { member: ann.email }, metric: 'new_customer', target: 2, period: { window: 'month' } })
		});
		expect(created.status, created.body).toBe(201);
		const goalId = created.json().id as string;
		const reached: string[] = [];
		const stop = app.runtime.events.on('recognition.moment', ({ moment }) => void (moment.type === 'goal_reached' && reached.push(moment.id)));
		const customer = () => postEvents({ events: [{ id: `customer-${uniqueSuffix()}`, metric: 'new_customer', user: ann.email, value: 1 }] });
		const settle = () => new Promise((r) => setTimeout(r, 500));
		try {
			await customer();
			const unblock = await blockOutbox();
			try {
				await customer(); // reached, but its notification cannot be stored
				await settle();
			} finally {
				await unblock();
			}
			expect(await app.runtime.live.peek(`goal-reached:${goalId}`)).toBeNull();
			expect(await outbox([ch])).toEqual([]);
			expect(reached).toEqual([]);

			await customer();
			await vi.waitFor(async () => expect(reached).toEqual([`goal_reached:${goalId}`]), { timeout: 10_000, interval: 100 });
			expect(await outbox([ch])).toEqual([{ channel_id: ch, dedupe_key: `recognition:goal_reached:${goalId}`, moment: 'goal_reached', message: { key: 'goal_reached', params: { who: ann.name } } }]);
			expect(await app.runtime.live.peek(`goal-reached:${goalId}`)).toBe('1');
			await customer();
			await settle();
			expect(reached).toHaveLength(1);
			expect(await outbox([ch])).toHaveLength(1);
		} finally {
			stop();
		}
	});

	test('a spotlighted kudos queues its row with the spotlight; each spotlight is its own moment', async () => {
		const ch = await channel(['kudos']);
		const { id: value } = await createValue(app.runtime.db, admin, { name: { en: `Team play ${uniqueSuffix()}`, 'zh-CN': '协作' }, emoji: '🤝' });
		const { kudos } = await giveKudos(app.runtime, { userId: ann.userId, organizationId: org.organizationId, role: 'rep' }, { to: [bob.userId], value, message: 'Great demo', points: 0 });
		expect(await spotlight(app.runtime, admin, { kudosId: kudos.id })).toEqual({ spotlight: true });
		const rows = await outbox([ch]);
		expect(rows).toHaveLength(1);
		expect(rows[0].dedupe_key).toMatch(new RegExp(`^recognition:kudos_spotlight:${kudos.id}:`));
		expect(rows[0].message).toEqual({ key: 'kudos', params: { text: `${ann.name} → ${bob.name}: Great demo` } });
		expect(await spotlight(app.runtime, admin, { kudosId: kudos.id })).toEqual({ spotlight: false });
		expect(await spotlight(app.runtime, admin, { kudosId: kudos.id })).toEqual({ spotlight: true });
		expect(await outbox([ch])).toHaveLength(2);
	});
});
