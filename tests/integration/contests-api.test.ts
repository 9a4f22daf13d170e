// The contests API and socket against the real app: a token with contests:write creates a contest
// (bad input is a 400 naming the field, with nothing written), the app's own scheduler starts it on
// time, a subscribed socket gets the snapshot, then contest:update with the changed rows and the next
// seq, and the moment; concurrent cancels succeed once.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { addMember, signUpOrganization, type Member, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { closeAllSockets, connectSocket, nextEvent } from '../helpers/sockets';
import type { ContestMoment, ContestUpdatePayload, ContestView } from '../../src/lib/shared/contests';

vi.setConfig({ testTimeout: 60_000 });

let app: App;
let admin: SignedUp;
let rep: Member;
let writeToken: string;
let readToken: string;
let eventsToken: string;

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
	rep = await addMember(app, admin, 'rep');
	const db = app.runtime.db;
	writeToken = (await addApiToken(db, admin.organizationId, ['contests:write', 'contests:read'], admin.userId)).token;
	readToken = (await addApiToken(db, admin.organizationId, ['leaderboards:read'], admin.userId)).token;
	eventsToken = (await addApiToken(db, admin.organizationId, ['events:write'], admin.userId)).token;
}, APP_START_TIMEOUT);

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

const call = (method: string, path: string, token: string | null, body?: unknown) =>
	app
		.browser()
		.request(method, path, { headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });

const race = (overrides: Record<string, unknown> = {}) => ({
	name: { en: 'Call blitz', 'zh-CN': '电话冲刺' },
	format: 'race',
	scoring: { metrics: [{ metric: 'call', weight: 1 }] },
	startsAt: new Date(Date.now() - 1000).toISOString(),
	endsAt: new Date(Date.now() + 3600_000).toISOString(),
	participants: { members: [rep.email, admin.email] },
	prizes: [{ place: 1, text: 'Coffee', points: 10 }],
	status: 'scheduled',
	...overrides
});

async function contestCount() {
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from contests where organization_id = ${admin.organizationId}`.execute(app.runtime.db);
	return Number(rows[0].n);
}

describe('contests API', () => {
	test('refuses bad input naming the field, and callers without the scope, writing nothing', async () => {
		const bad = await call('POST', '/api/v1/contests', writeToken, '{"name":');
		expect([bad.status, Object.keys(bad.json().fields)]).toEqual([400, ['body']]);
		const backwards = await call('POST', '/api/v1/contests', writeToken, race({ endsAt: new Date(Date.now() - 3600_000).toISOString() }));
		expect([backwards.status, Object.keys(backwards.json().fields)]).toEqual([400, ['endsAt']]);
		expect(backwards.json().error).toMatch(/\bend\b/i);
		const stranger = await call('POST', '/api/v1/contests', writeToken, race({ participants: { members: ['nobody@example.test'] } }));
		expect([stranger.status, Object.keys(stranger.json().fields)]).toEqual([400, ['participants']]);
		expect((await call('POST', '/api/v1/contests', readToken, race())).status).toBe(403);
		expect((await call('POST', '/api/v1/contests', null, race())).status).toBe(401);
		const list = await call('GET', '/api/v1/contests?status=bogus', writeToken);
		expect([list.status, Object.keys(list.json().fields)]).toEqual([400, ['status']]);
		expect((await call('GET', '/api/v1/contests/not-a-uuid', writeToken)).status).toBe(400);
		expect((await call('GET', `/api/v1/contests/${crypto.randomUUID()}`, writeToken)).status).toBe(404);
		expect(await contestCount()).toBe(0);
	});

	test('takes a body only as application/json (the media type parsed): look-alikes get 415 and write nothing', async () => {
		const send = (contentType: string, body: unknown = race()) =>
			app.browser().request('POST', '/api/v1/contests', { headers: { 'content-type': contentType, authorization: `Bearer ${writeToken}` }, body: JSON.stringify(body) });
		for (const contentType of ['application/json-patch+json', 'application/jsonx', 'text/plain', 'application/x-www-form-urlencoded']) {
			const res = await send(contentType);
			expect([contentType, res.status, Object.keys(res.json().fields)]).toEqual([contentType, 415, ['body']]);
		}
		expect(await contestCount()).toBe(0);
		// The same media type in any case and with parameters gets through to the schema.
		const parsed = await send('Application/JSON; charset=utf-8', race({ format: 'marathon' }));
		expect([parsed.status, Object.keys(parsed.json().fields)]).toEqual([400, ['format']]);
	});

	test('a draft reads back its rules with members as ids for those who manage it, and not for reps', async () => {
		const start = new Date(Date.now() + 3600_000);
		const created = await call('POST', '/api/v1/contests', writeToken, race({
			status: 'draft',
			startsAt: start.toISOString(),
			endsAt: new Date(start.getTime() + 3600_000).toISOString(),
			scoring: { metrics: 'points', by: 'percent_of_target' },
			targets: { [rep.email]: 40, [admin.email]: 25 },
			repeat: { every: 'week', days: [1, 3] }
		}));
		expect(created.status).toBe(201);
		const id = created.json().id;
		const read = (await call('GET', `/api/v1/contests/${id}`, writeToken)).json();
		expect(read.rules.participants.members.sort()).toEqual([rep.userId, admin.userId].sort());
		expect(read.rules.targets).toEqual({ [rep.userId]: 40, [admin.userId]: 25 });
		expect(read.rules.repeat).toEqual({ every: 'week', days: [1, 3] });
		expect(read.rules.prizes).toEqual([{ place: 1, text: { en: 'Coffee' }, points: 10 }]);
		const repToken = (await addApiToken(app.runtime.db, admin.organizationId, ['contests:read'], rep.userId)).token;
		const asRep = await call('GET', `/api/v1/contests/${id}`, repToken);
		// A rep does not see drafts, or sees them without the rules.
		if (asRep.status === 200) expect(asRep.json().rules).toBeUndefined();
		else expect(asRep.status).toBe(404);
		expect((await call('DELETE', `/api/v1/contests/${id}`, writeToken)).status).toBeLessThan(300);
	});

	test('a contest created through the API starts on time and pushes its standings and moments', async () => {
		const created = await call('POST', '/api/v1/contests', writeToken, race());
		expect(created.status).toBe(201);
		const { id } = created.json();
		await vi.waitFor(async () => expect((await call('GET', `/api/v1/contests/${id}`, writeToken)).json().status).toBe('live'), { timeout: 5000, interval: 100 });

		const socket = await connectSocket(app.url, admin.browser.cookieHeader());
		const snapshot = await new Promise<{ data?: ContestView; error?: string }>((resolve) => socket.emit('contest:subscribe', { id }, resolve));
		expect(snapshot.data?.standings.map((s) => s.score)).toEqual([0, 0]);
		expect(snapshot.data?.name).toBe('Call blitz');
		// The snapshot speaks the reader's language when the socket asks for one, and refuses another.
		const chinese = await new Promise<{ data?: ContestView; error?: string }>((resolve) => socket.emit('contest:subscribe', { id, locale: 'zh-CN' }, resolve));
		expect(chinese.data?.name).toBe('电话冲刺');
		const klingon = await new Promise<{ data?: ContestView; error?: string }>((resolve) => socket.emit('contest:subscribe', { id, locale: 'tlh' } as never, resolve));
		expect(klingon.error).toBe('locale is not valid');
		const update = nextEvent<ContestUpdatePayload>(socket, 'contest:update');
		const moment = nextEvent<ContestMoment>(socket, 'contest:moment');
		const logged = await call('POST', '/api/v1/events', eventsToken, { events: [{ id: `c-${crypto.randomUUID()}`, metric: 'call', user: rep.email, value: 3 }] });
		expect(logged.status).toBe(200);
		const pushed = await update;
		expect(pushed.contestId).toBe(id);
		expect(pushed.seq).toBeGreaterThan(snapshot.data!.seq);
		expect(pushed.rows.map((r) => [r.id, r.score, r.rank])).toEqual([
			[rep.userId, 3, 1],
			[admin.userId, 0, 2]
		]);
		expect(await moment).toMatchObject({ type: 'new_leader', contestId: id, participant: { id: rep.userId } });

		const listed = (await call('GET', '/api/v1/contests?status=live', writeToken)).json().contests;
		expect(listed.map((c: { id: string }) => c.id)).toContain(id);
		const read = (await call('GET', `/api/v1/contests/${id}`, writeToken)).json();
		expect(read.leader).toMatchObject({ id: rep.userId, score: 3 });

		// Two concurrent cancels: one succeeds, the other is told it is too late.
		const [a, b] = await Promise.all([call('POST', `/api/v1/contests/${id}/cancel`, writeToken), call('POST', `/api/v1/contests/${id}/cancel`, writeToken)]);
		expect([a.status, b.status].sort()).toEqual([200, 409]);
		const cancelled = nextEvent<ContestUpdatePayload>(socket, 'contest:update');
		expect((await call('GET', `/api/v1/contests/${id}`, writeToken)).json().status).toBe('cancelled');
		void cancelled.catch(() => {});
	});

	test('the backtest replays a draft over a past period, quickly, naming a bad period', async () => {
		// A period of the past that ends before this file's other events (logged now) began.
		const from = new Date(Date.now() - 2 * 3600_000).toISOString();
		const to = new Date(Date.now() - 30 * 60_000).toISOString();
		const at = new Date(Date.now() - 3600_000).toISOString();
		const logged = await call('POST', '/api/v1/events', eventsToken, {
			events: [
				{ id: `bt-${crypto.randomUUID()}`, metric: 'call', user: rep.email, value: 4, occurredAt: at },
				{ id: `bt-${crypto.randomUUID()}`, metric: 'call', user: admin.email, value: 1, occurredAt: at }
			]
		});
		expect(logged.status).toBe(200);
		const body = { ...race(), status: 'draft', places: 1, targets: { [rep.email]: 8, [admin.email]: 1 }, from, to };
		const result = await call('POST', '/api/v1/contests/backtest', writeToken, body);
		expect(result.status).toBe(200);
		const figures = result.json();
		expect(figures.asSet).toMatchObject({ winners: [{ place: 1, id: rep.userId, score: 4 }], participants: 2, scored: 2, topShare: 0.8 });
		expect(figures.percentOfTarget.winners).toMatchObject([{ place: 1, id: admin.userId }]);
		expect(figures.tookMs).toBeLessThan(2000);
		const backwards = await call('POST', '/api/v1/contests/backtest', writeToken, { ...body, from: to, to: from });
		expect([backwards.status, Object.keys(backwards.json().fields)]).toEqual([400, ['to']]);
	});
});
