// Office TV displays: pairing with nobody signed in (codes single use, expiring), the device token the
// TV learns on its pairing socket, what a screen may read (its own display only, never another
// organization's), live slides, celebrations, the presenter's remote, and revoking a screen, which
// disconnects it within 1 s, also from another process (with Postgres and Redis).
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { APP_START_TIMEOUT, describeResult, startApp, type App } from '../helpers/app';
import { usingPostgres, usingRedis } from '../helpers/env';
import { addMember, createTeam, signUpOrganization, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { closeAllSockets, connectSocket, disconnection, startChildRealtime, type ChildRealtime } from '../helpers/sockets';
import { addSlide, createDisplay, createPairing, pairScreen, remote, revokeScreen } from '../../src/lib/server/displays/display.service';
import { PAIRING_CODE_RE, type TvSlideData, type TvState } from '../../src/lib/shared/displays/displays';
import { slideAt } from '../../src/lib/shared/displays/rotation';

let app: App;
let second: ChildRealtime | undefined;
const crossProcess = usingPostgres && usingRedis;
const opened = new Set<Socket>();

beforeAll(async () => {
	[app, second] = await Promise.all([startApp(), crossProcess ? startChildRealtime() : undefined]);
}, APP_START_TIMEOUT);

afterEach(() => {
	for (const s of opened) s.close();
	opened.clear();
	closeAllSockets();
});

afterAll(async () => {
	await second?.stop();
	await app?.close();
});

function tvSocket(url: string, auth: Record<string, unknown>): Promise<Socket> {
	const socket = io(url, { path: '/socket.io/', transports: ['websocket'], reconnection: false, forceNew: true, auth });
	opened.add(socket);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', (error) => reject(error));
	});
}

function ask<T>(socket: Socket, event: string, ...args: unknown[]): Promise<{ data?: T; error?: string }> {
	return new Promise((resolve, reject) => socket.timeout(3000).emit(event, ...args, (err: Error | null, response: { data?: T; error?: string }) => (err ? reject(err) : resolve(response))));
}

const actorOf = (org: SignedUp) => ({ userId: org.userId, organizationId: org.organizationId, role: 'admin' as const });
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json', origin: app.url }, body: JSON.stringify(body) });

/** A TV asks for a code and waits on its pairing socket; an admin pairs it; the TV's token. */
async function pairedTv(org: SignedUp, displayId: string, url = app.url) {
	const res = await app.browser().request('POST', '/api/v1/tv/pairings');
	expect(res.status).toBe(201);
	const { code, secret } = res.json<{ code: string; secret: string }>();
	const pairing = await tvSocket(url, { pairing: true });
	expect((await ask<{ status: string }>(pairing, 'tv:await', { code, secret })).data?.status).toBe('waiting');
	const paired = new Promise<{ token: string }>((resolve) => pairing.once('tv:paired', resolve));
	const answer = await org.browser.request('POST', `/api/v1/displays/${displayId}/screens`, json({ code: code.toLowerCase() }));
	expect(answer.status, answer.body).toBe(201);
	const { token } = await paired;
	pairing.close();
	return { token, code, screenId: answer.json<{ screenId: string }>().screenId };
}

describe('pairing', () => {
	test('a code is six unambiguous characters, expires in ten minutes, pairs once, and hands the TV its token', async () => {
		const admin = await signUpOrganization(app);
		const created = await admin.browser.request('POST', '/api/v1/displays', json({ name: 'Sales floor' }));
		expect(created.status, created.body).toBe(201);
		const displayId = created.json<{ id: string }>().id;

		const res = await app.browser().request('POST', '/api/v1/tv/pairings');
		const body = res.json<{ code: string; expiresAt: string; secret: string }>();
		expect(body.code).toMatch(PAIRING_CODE_RE);
		expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
		expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);

		// Somebody who only saw the code on the TV learns nothing on a pairing socket.
		const snoop = await tvSocket(app.url, { pairing: true });
		expect((await ask(snoop, 'tv:await', { code: body.code, secret: `tvs_${'a'.repeat(40)}` })).error).toBe('not found');

		const tv = await pairedTv(admin, displayId);
		expect(tv.token).toMatch(/^tvs_/);
		// Used: a second claim is a 404 naming the code.
		const again = await app.browser().request('POST', '/api/v1/tv/pairings');
		const { code } = again.json<{ code: string }>();
		const reuse = await admin.browser.request('POST', `/api/v1/displays/${displayId}/screens`, json({ code: tv.code }));
		expect(reuse.status).toBe(404);
		expect(reuse.json().fields).toHaveProperty('code');
		// Malformed codes and bodies are 400s naming the field.
		const malformed = await admin.browser.request('POST', `/api/v1/displays/${displayId}/screens`, json({ code: 'O0I1' }));
		expect(malformed.status).toBe(400);
		expect(malformed.json().fields).toHaveProperty('code');
		expect((await admin.browser.request('POST', `/api/v1/displays/not-an-id/screens`, json({ code }))).status).toBe(400);
		const notJson = await admin.browser.request('POST', `/api/v1/displays/${displayId}/screens`, { headers: { 'content-type': 'application/json', origin: app.url }, body: '{' });
		expect(notJson.status).toBe(400);
	});

	test('an expired code pairs nothing', async () => {
		const admin = await signUpOrganization(app);
		const { id } = await createDisplay(app.runtime, actorOf(admin), { name: 'Old' });
		const long = await createPairing({ ...app.runtime, now: () => new Date(Date.now() - 11 * 60_000) }, `203.0.113.${Math.floor(Math.random() * 200)}`);
		await expect(pairScreen(app.runtime, actorOf(admin), id, { code: long.code })).rejects.toMatchObject({ status: 404, field: 'code' });
	});

	test('a displays:write token pairs; a token without it, a rep and a leader of another team may not', async () => {
		const admin = await signUpOrganization(app);
		const team = await createTeam(app, admin, 'East');
		const { id: teamDisplay } = await createDisplay(app.runtime, actorOf(admin), { name: 'East floor', team });
		const writer = await addApiToken(app.runtime.db, admin.organizationId, ['displays:write'], admin.userId);
		const reader = await addApiToken(app.runtime.db, admin.organizationId, ['displays:read'], admin.userId);
		const { code } = (await app.browser().request('POST', '/api/v1/tv/pairings')).json<{ code: string }>();
		const as = (token: string) => app.browser().request('POST', `/api/v1/displays/${teamDisplay}/screens`, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ code }) });
		expect((await as(reader.token)).status).toBe(403);
		const rep = await addMember(app, admin, 'rep', team);
		const otherLeader = await addMember(app, admin, 'leader');
		expect((await rep.browser.request('POST', `/api/v1/displays/${teamDisplay}/screens`, json({ code }))).status).toBe(403);
		expect((await otherLeader.browser.request('POST', `/api/v1/displays/${teamDisplay}/screens`, json({ code }))).status).toBe(403);
		expect((await as(writer.token)).status).toBe(201);
	});
});

describe('a paired TV', () => {
	test('reads its own display live, follows the remote, and hears celebrations', async () => {
		const admin = await signUpOrganization(app);
		const actor = actorOf(admin);
		const { id: displayId } = await createDisplay(app.runtime, actor, { name: 'Floor', topN: 5 });
		await addSlide(app.runtime, actor, displayId, { type: 'announcement', settings: { title: 'Welcome' }, duration: 10 });
		const { id: boardSlide } = await addSlide(app.runtime, actor, displayId, { type: 'leaderboard', settings: { board: 'deal', scope: 'users', window: 'week' }, duration: 10 });
		const { id: badgesSlide } = await addSlide(app.runtime, actor, displayId, { type: 'badges', settings: { days: '7' }, duration: 10 });
		const rep = await addMember(app, admin, 'rep');
		const { token } = await pairedTv(admin, displayId);
		const tv = await tvSocket(app.url, { display: token });

		const hello = await ask<TvState>(tv, 'tv:hello', { resolution: '1920x1080', userAgent: 'test TV' });
		expect(hello.data?.display.name).toBe('Floor');
		expect(hello.data?.slides.map((s) => s.type)).toEqual(['announcement', 'leaderboard', 'badges']);
		expect((await ask<TvSlideData>(tv, 'tv:slide', { slideId: badgesSlide })).data).toEqual({ type: 'badges', items: [] });
		expect(Math.abs(hello.data!.serverNow - Date.now())).toBeLessThan(5_000);
		const first = await ask<TvSlideData>(tv, 'tv:slide', { slideId: boardSlide });
		expect(first.data).toMatchObject({ type: 'leaderboard', rows: [] });

		// A deal: the board slide's room hears it, and a deal celebration reaches the TV.
		const update = new Promise((resolve) => tv.once('board:update', resolve));
		const celebration = new Promise<{ kind: string; name: string }>((resolve) => tv.once('tv:celebrate', resolve));
		const logged = await admin.browser.action('/leaderboards?/log', { userId: rep.userId, metric: 'deal', value: '1', key: crypto.randomUUID() });
		expect(logged.type, describeResult(logged)).toBe('success');
		await update;
		expect((await celebration).kind).toBe('deal');
		const after = await ask<TvSlideData & { rows: { score: number }[] }>(tv, 'tv:slide', { slideId: boardSlide });
		expect(after.data?.rows[0]?.score).toBe(1);

		// The remote's next: the TVs are told, and the new epoch starts the next slide now.
		const told = new Promise((resolve) => tv.once('tv:changed', resolve));
		const before = slideAt(hello.data!.slides, hello.data!.epochAt, Date.now(), 'UTC')!;
		await remote(app.runtime, actor, displayId, { command: 'next' });
		await told;
		const state = (await ask<TvState>(tv, 'tv:hello', {})).data!;
		const now = slideAt(state.slides, state.epochAt, Date.now(), 'UTC')!;
		expect(now.index).toBe((before.index + 1) % 3);

		// Celebrate now reaches the display's screens.
		const manual = new Promise<{ kind: string; headline: string }>((resolve) => tv.once('tv:celebrate', resolve));
		await remote(app.runtime, actor, displayId, { command: 'celebrate', message: 'Record month!' });
		expect(await manual).toMatchObject({ kind: 'manual', name: 'Record month!' });
	});

	test('a display token never reads another organization, nor the boards and feeds a member socket may', async () => {
		const a = await signUpOrganization(app);
		const b = await signUpOrganization(app);
		const { id: displayA } = await createDisplay(app.runtime, actorOf(a), { name: 'A floor' });
		const { id: displayB } = await createDisplay(app.runtime, actorOf(b), { name: 'B floor' });
		const { id: slideB } = await addSlide(app.runtime, actorOf(b), displayB, { type: 'leaderboard', settings: { board: 'points' }, duration: 10 });
		const { id: otherSlideA } = await addSlide(app.runtime, actorOf(a), await createDisplay(app.runtime, actorOf(a), { name: 'A other' }).then((d) => d.id), { type: 'announcement', settings: { title: 'x' } });
		const { token } = await pairedTv(a, displayA);
		const tv = await tvSocket(app.url, { display: token });
		const who = await ask<{ organizationId: string; rooms: string[] }>(tv, 'session:whoami');
		expect(who.data?.organizationId).toBe(a.organizationId);
		expect(who.data?.rooms.every((room) => !room.includes(b.organizationId))).toBe(true);
		expect((await ask(tv, 'tv:slide', { slideId: slideB })).error).toMatch(/not found/i);
		// Another display's slide of its own organization is not its to read either.
		expect((await ask(tv, 'tv:slide', { slideId: otherSlideA })).error).toMatch(/not found/i);
		expect((await ask(tv, 'tv:slide', { slideId: 'nope' })).error).toBeTruthy();
		// A member socket's subscriptions are not handled for a display.
		await expect(ask(tv, 'board:subscribe', { board: 'points', scope: 'users', window: 'week' })).rejects.toThrow();
		await expect(ask(tv, 'kudos:subscribe')).rejects.toThrow();
		// Nor do its pushes reach B's TVs: a celebration in B is not heard in A.
		const heard: unknown[] = [];
		tv.on('tv:celebrate', (c) => heard.push(c));
		await remote(app.runtime, actorOf(b), displayB, { command: 'celebrate', message: 'B only' });
		await ask(tv, 'session:whoami');
		expect(heard).toEqual([]);
		// A made-up device token is refused.
		await expect(tvSocket(app.url, { display: `tvs_${'b'.repeat(40)}` })).rejects.toThrow('unauthorized');
	});
});

const targets: [string, () => string][] = [['this process', () => app.url]];
if (crossProcess) targets.push(['another process', () => second!.url]);

describe.each(targets)('revoking a screen connected to %s', (_label, url) => {
	test('disconnects it within 1 s, and its token is refused after', async () => {
		const admin = await signUpOrganization(app);
		const { id: displayId } = await createDisplay(app.runtime, actorOf(admin), { name: 'Revocable' });
		// Paired while waiting on that process: the claim made through this one reaches it (display.paired).
		const gone = await pairedTv(admin, displayId, url());
		const kept = await pairedTv(admin, displayId, url());
		const tv = await tvSocket(url(), { display: gone.token });
		const other = await tvSocket(url(), { display: kept.token });
		const member = await connectSocket(url(), `podium_session=${admin.token}`);
		const end = disconnection(tv as never);
		await revokeScreen(app.runtime, actorOf(admin), gone.screenId);
		const answered = Date.now();
		const { reason, at } = await end;
		expect(reason).toBe('io server disconnect');
		expect(at - answered).toBeLessThan(1_000);
		expect(other.connected).toBe(true);
		expect(member.connected).toBe(true);
		await expect(tvSocket(url(), { display: gone.token })).rejects.toThrow('unauthorized');
	});
});
