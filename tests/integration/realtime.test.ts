// The Socket.IO gateway on the real app: handshake authentication by the session cookie, rooms,
// pushes scoped to an organization, revocation, and (with Postgres and Redis) fan-out across processes.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App } from '../helpers/app';
import { uniqueSuffix, usingPostgres, usingRedis } from '../helpers/env';
import { signIn, signUpOrganization } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { ACTIVITY_FLUSH_MS } from '../../server/realtime/pushes/scoring';
import type { ActivityPayload } from '../../src/lib/shared/socket-events';
import {
	closeAllSockets,
	collect,
	connectSocket,
	nextEvent,
	refusal,
	settled,
	startChildRealtime,
	whoami,
	type ChildRealtime
} from '../helpers/sockets';

let app: App;

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterEach(() => {
	closeAllSockets();
});

afterAll(async () => {
	closeAllSockets();
	await app?.close();
});

describe('handshake', () => {
	test('without a session cookie the connection is refused', async () => {
		expect(await refusal(app.url)).toBe('unauthorized');
		expect(await refusal(app.url, 'podium_theme=dark')).toBe('unauthorized');
	});

	test('with a garbage or forged session cookie the connection is refused', async () => {
		const admin = await signUpOrganization(app);
		const [id, secret] = admin.token.split('.');
		expect(await refusal(app.url, 'podium_session=garbage')).toBe('unauthorized');
		expect(await refusal(app.url, 'podium_session=%E0%A4%A')).toBe('unauthorized');
		expect(await refusal(app.url, `podium_session=${id}.${'a'.repeat(24)}`)).toBe('unauthorized');
		expect(await refusal(app.url, `podium_session=${'a'.repeat(24)}.${secret}`)).toBe('unauthorized');
	});

	test('with a valid session it connects and joins its organization and user rooms', async () => {
		const admin = await signUpOrganization(app);
		const socket = await connectSocket(app.url, `podium_theme=dark; podium_session=${admin.token}`);
		const me = await whoami(socket);
		expect(me.userId).toBe(admin.userId);
		expect(me.organizationId).toBe(admin.organizationId);
		expect([...me.rooms].sort()).toEqual([`org:${admin.organizationId}`, `user:${admin.userId}`].sort());
	});

	test('a session cookie sent from a foreign page is refused; the same origin and API tokens are not', async () => {
		const admin = await signUpOrganization(app);
		const cookie = `podium_session=${admin.token}`;
		// A page on another site opening a socket here: the browser attaches the member's cookie.
		expect(await refusal(app.url, cookie, { headers: { origin: 'https://evil.example' } })).toBe('unauthorized');
		expect(await refusal(app.url, cookie, { headers: { origin: 'null' } })).toBe('unauthorized');
		// Same host on another port is another origin too.
		expect(await refusal(app.url, cookie, { headers: { origin: 'http://127.0.0.1:1' } })).toBe('unauthorized');
		const same = await connectSocket(app.url, cookie, { headers: { origin: app.url } });
		expect((await whoami(same)).userId).toBe(admin.userId);
		// A display's API token is no ambient credential: a page elsewhere may use it.
		const { token } = await addApiToken(app.runtime.db, admin.organizationId, ['leaderboards:read']);
		const display = await connectSocket(app.url, undefined, { token, headers: { origin: 'https://tv.example' } });
		expect((await whoami(display)).organizationId).toBe(admin.organizationId);
	});

	test('a signed-out session cannot connect any more', async () => {
		const admin = await signUpOrganization(app);
		const cookie = `podium_session=${admin.token}`;
		(await connectSocket(app.url, cookie)).close();
		expect((await admin.browser.postForm('/logout')).status).toBe(303);
		expect(await refusal(app.url, cookie)).toBe('unauthorized');
	});
});

describe('pushes', () => {
	test('a change to one organization reaches its members and nobody else', async () => {
		const a = await signUpOrganization(app);
		const b = await signUpOrganization(app);
		const { browser: colleague } = await signIn(app, a.email);
		const socketA = await connectSocket(app.url, `podium_session=${a.token}`);
		const socketA2 = await connectSocket(app.url, `podium_session=${colleague.cookie('podium_session')}`);
		const socketB = await connectSocket(app.url, `podium_session=${b.token}`);
		const seenByB = collect(socketB, 'org:changed');

		const arrivals = Promise.all([nextEvent(socketA, 'org:changed'), nextEvent(socketA2, 'org:changed')]);
		const created = await a.browser.action('/admin/teams?/create', { name: `Team ${uniqueSuffix()}` });
		expect(created.type).toBe('success');
		const [first, second] = (await arrivals) as { what: string; at: string }[];
		expect(first).toEqual({ what: 'teams', at: expect.any(String) });
		expect(Number.isNaN(Date.parse(first.at))).toBe(false);
		expect(second.what).toBe('teams');

		// The push went out to the org's room before A heard it: had B been in it, B would have it by now.
		await settled(socketB);
		expect(seenByB).toEqual([]);
	});

	test('the activity feed reaches the sockets that subscribed to it, until they unsubscribe', async () => {
		const a = await signUpOrganization(app);
		const { token } = await addApiToken(app.runtime.db, a.organizationId, ['events:write']);
		const watcher = await connectSocket(app.url, `podium_session=${a.token}`);
		const boardOnly = await connectSocket(app.url, `podium_session=${a.token}`);
		// Stays subscribed throughout: what it hears tells when a flush went out.
		const stayer = await connectSocket(app.url, `podium_session=${a.token}`);
		expect(await new Promise((resolve) => watcher.emit('activity:subscribe', resolve))).toEqual({ data: true });
		expect(await new Promise((resolve) => stayer.emit('activity:subscribe', resolve))).toEqual({ data: true });
		const seenByBoardOnly = collect(boardOnly, 'activity:new');
		const post = (id: string) =>
			a.browser.request('POST', '/api/v1/events', {
				headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
				body: JSON.stringify({ events: [{ id, metric: 'deal', user: a.email, value: 2 }] })
			});

		const arrived = nextEvent<ActivityPayload[]>(watcher, 'activity:new');
		const stayerHeard = nextEvent(stayer, 'activity:new');
		expect((await post(`act-${uniqueSuffix()}`)).status).toBe(200);
		await stayerHeard;
		expect(await arrived).toEqual([expect.objectContaining({ userId: a.userId, name: 'Ada Admin', metric: { key: 'deal', name: { en: 'Deals won', 'zh-CN': '成交' }, unit: 'count', currency: null }, value: 2, points: 100 })]);

		const seenAfter = collect(watcher, 'activity:new');
		expect(await new Promise((resolve) => watcher.emit('activity:unsubscribe', resolve))).toEqual({ data: true });
		const flushed = nextEvent(stayer, 'activity:new', ACTIVITY_FLUSH_MS + 10_000);
		expect((await post(`act-${uniqueSuffix()}`)).status).toBe(200);
		// The flush that carries the second event went out to the feed's room; the others are settled after it.
		await flushed;
		await Promise.all([settled(watcher), settled(boardOnly)]);
		expect(seenAfter).toEqual([]);
		expect(seenByBoardOnly).toEqual([]);
	});

	test('signing out everywhere disconnects that person\'s sockets', async () => {
		const admin = await signUpOrganization(app);
		const { browser: laptop } = await signIn(app, admin.email);
		const other = await signUpOrganization(app);
		const mine = await connectSocket(app.url, `podium_session=${admin.token}`);
		const bystander = await connectSocket(app.url, `podium_session=${other.token}`);
		const disconnected = nextEvent<string>(mine, 'disconnect');

		expect((await laptop.postForm('/logout?/all')).status).toBe(303);
		expect(await disconnected).toBe('io server disconnect');
		expect(bystander.connected).toBe(true);
		expect(await refusal(app.url, `podium_session=${admin.token}`)).toBe('unauthorized');
	});
});

describe.runIf(usingPostgres && usingRedis)('across processes (Postgres + Redis)', () => {
	let second: ChildRealtime | undefined;

	beforeAll(async () => {
		second = await startChildRealtime();
	}, 120_000);

	afterAll(async () => {
		closeAllSockets();
		await second?.stop();
	});

	test('a second process authenticates against the shared database', async () => {
		const admin = await signUpOrganization(app);
		const socket = await connectSocket(second!.url, `podium_session=${admin.token}`);
		const me = await whoami(socket);
		expect(me).toEqual({
			userId: admin.userId,
			organizationId: admin.organizationId,
			rooms: expect.arrayContaining([`org:${admin.organizationId}`, `user:${admin.userId}`])
		});
		expect(await refusal(second!.url, 'podium_session=garbage')).toBe('unauthorized');
	});

	test('an event emitted in this process reaches a client connected to the other one', async () => {
		const admin = await signUpOrganization(app);
		const outsider = await signUpOrganization(app);
		const remote = await connectSocket(second!.url, `podium_session=${admin.token}`);
		const remoteOutsider = await connectSocket(second!.url, `podium_session=${outsider.token}`);
		const seenByOutsider = collect(remoteOutsider, 'org:changed');

		const local = await connectSocket(app.url, `podium_session=${admin.token}`);
		const seenRemotely = collect(remote, 'org:changed');
		const seenLocally = collect(local, 'org:changed');
		const arrival = nextEvent<{ what: string; at: string }>(remote, 'org:changed', 10_000);
		app.runtime.events.emit('org.changed', { organizationId: admin.organizationId, what: 'teams' });
		expect(await arrival).toEqual({ what: 'teams', at: expect.any(String) });
		// Every process pushes to its own sockets: each socket hears it once, not once per process. A second
		// change emitted after the first reaches both sockets after any copy of the first that another
		// process would have relayed (sent earlier, through the same Redis), so it marks the end of the first.
		const marked = Promise.all([nextEvent(remote, 'org:changed', 10_000), nextEvent(local, 'org:changed', 10_000)]);
		app.runtime.events.emit('org.changed', { organizationId: admin.organizationId, what: 'members' });
		await marked;
		await Promise.all([settled(remote), settled(local)]);
		expect(seenRemotely.map((e) => (e as { what: string }).what)).toEqual(['teams', 'members']);
		expect(seenLocally.map((e) => (e as { what: string }).what)).toEqual(['teams', 'members']);

		// And through the real path: an HTTP change here, a push there.
		const again = nextEvent<{ what: string }>(remote, 'org:changed', 10_000);
		const saved = await admin.browser.action('/admin/teams?/create', { name: `Team ${uniqueSuffix()}` });
		expect(saved.type).toBe('success');
		expect((await again).what).toBe('teams');

		// That process pushed to the org's room before the member's socket heard it.
		await settled(remoteOutsider);
		expect(seenByOutsider).toEqual([]);
	});

	test('signing out everywhere here disconnects the person\'s sockets there', async () => {
		const admin = await signUpOrganization(app);
		const remote = await connectSocket(second!.url, `podium_session=${admin.token}`);
		const disconnected = nextEvent<string>(remote, 'disconnect', 10_000);
		expect((await admin.browser.postForm('/logout?/all')).status).toBe(303);
		expect(await disconnected).toBe('io server disconnect');
	});
});
