// Faults of the backing services, as a user meets them: with Postgres or Redis unreachable, pages and
// APIs answer 503 with Retry-After (a friendly page in the user's language, or JSON) within a second,
// never a 500 or a hang. Nothing is stopped globally (other test files share the services): the app's
// runtime is pointed, for one test, at a database or Redis reached through a TCP proxy that the test
// closes, and pointed back afterwards.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App, type HttpResponse } from '../helpers/app';
import { usingPostgres, usingRedis } from '../helpers/env';
import { invite, signUpOrganization, type SignedUp } from '../helpers/fixtures';
import { addApiToken } from '../helpers/scoring';
import { openDatabase, type Db } from '../../src/lib/server/db';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import type { LiveStore } from '../../src/lib/server/live/store';

let app: App;
let admin: SignedUp;

vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	app = await startApp();
	admin = await signUpOrganization(app);
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

/**
 * A TCP proxy to host:port (or to nothing) on an ephemeral port; close() drops every connection and
 * stops listening; stall() keeps every connection open but stops carrying bytes either way (a paused
 * server, or a network path that drops packets).
 */
async function tcpProxy(target?: { host: string; port: number }) {
	const sockets = new Set<net.Socket>();
	const pairs: [net.Socket, net.Socket][] = [];
	const server = net.createServer((client) => {
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		if (!target) return client.destroy();
		const upstream = net.connect(target.port, target.host);
		sockets.add(upstream);
		upstream.on('close', () => sockets.delete(upstream));
		client.on('error', () => upstream.destroy());
		upstream.on('error', () => client.destroy());
		client.pipe(upstream).pipe(client);
		pairs.push([client, upstream]);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	return {
		port,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
		stall() {
			for (const [client, upstream] of pairs) {
				client.unpipe(upstream);
				upstream.unpipe(client);
				client.pause();
				upstream.pause();
			}
		}
	};
}

async function timed(request: Promise<HttpResponse>) {
	const started = performance.now();
	const response = await request;
	return { response, ms: performance.now() - started };
}

function expectUnavailable({ response, ms }: { response: HttpResponse; ms: number }, label: string) {
	expect(response.status, `${label}: ${response.body.slice(0, 300)}`).toBe(503);
	expect(response.headers['retry-after'], label).toMatch(/^\d+$/);
	expect(ms, label).toBeLessThan(1_000);
}

describe('Postgres unreachable', () => {
	let dead: { db: Db; close(): Promise<void> };
	let realDb: Db;
	let proxy: Awaited<ReturnType<typeof tcpProxy>>;

	beforeAll(async () => {
		// With real Postgres the proxy first works, so the pool has had live connections when it closes;
		// embedded, there is no server to reach and the proxy refuses from the start.
		const url = usingPostgres ? new URL(process.env.DATABASE_URL!) : undefined;
		proxy = await tcpProxy(url ? { host: url.hostname, port: Number(url.port || 5432) } : undefined);
		const proxied = new URL(url ?? 'postgres://postgres@127.0.0.1/podium');
		proxied.hostname = '127.0.0.1';
		proxied.port = String(proxy.port);
		dead = await openDatabase({ databaseUrl: proxied.toString(), dataDir: 'memory://' });
		if (usingPostgres) await dead.db.selectFrom('organizations').select('id').limit(1).execute();
		await proxy.close();
		realDb = app.runtime.db;
	});

	afterAll(async () => {
		app.runtime.db = realDb;
		await dead?.close().catch(() => {});
	});

	test('pages, form actions and read APIs answer 503 with Retry-After, in the user’s language', async () => {
		const { token } = await addApiToken(realDb, admin.organizationId);
		const invitation = await invite(app, admin, { role: 'rep' });
		// Vite compiles a route on its first request: compile these now, so that only the outage is timed.
		expect((await app.browser().get(`/invite/${invitation.token}`, { accept: 'text/html' })).status).toBe(200);
		expect((await admin.browser.get('/leaderboards', { accept: 'text/html' })).status).toBe(200);
		app.runtime.db = dead.db;
		try {
			// Signed in: the session cannot be checked.
			const page = await timed(admin.browser.get('/leaderboards', { accept: 'text/html' }));
			expectUnavailable(page, 'signed-in page');
			expect(page.response.headers['content-type']).toContain('text/html');
			expect(page.response.body).toContain('Podium is briefly unavailable');
			expect(page.response.headers['cache-control']).toBe('no-store');
			// Anonymous, a page whose load reads the database: handleError classifies, the hook answers 503.
			const zh = app.browser({ acceptLanguage: 'zh-CN' });
			const invitePage = await timed(zh.get(`/invite/${invitation.token}`, { accept: 'text/html' }));
			expectUnavailable(invitePage, 'invitation page');
			expect(invitePage.response.body).toContain('Podium 暂时无法使用');
			// A read API with a bearer token never seen before (nothing cached).
			const api = await timed(app.browser().get('/api/v1/leaderboards?board=points', { authorization: `Bearer ${token}` }));
			expectUnavailable(api, 'leaderboard API');
			expect(api.response.json().error).toEqual(expect.any(String));
			// A form action sent by use:enhance.
			const action = await timed(
				app.browser().postForm('/login', { email: admin.email, password: admin.password }, { 'x-sveltekit-action': 'true', accept: 'application/json' })
			);
			expectUnavailable(action, 'sign-in action');
		} finally {
			app.runtime.db = realDb;
		}
		// And back: the same session works again.
		expect((await admin.browser.get('/leaderboards')).status).toBe(200);
	});
});

describe.skipIf(!usingRedis)('Redis unreachable', () => {
	let realLive: LiveStore;
	let proxied: RedisLiveStore;
	let proxy: Awaited<ReturnType<typeof tcpProxy>>;

	beforeAll(async () => {
		const url = new URL(process.env.REDIS_URL!);
		proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
		const through = new URL(url);
		through.hostname = '127.0.0.1';
		through.port = String(proxy.port);
		proxied = await RedisLiveStore.connect(through.toString());
		realLive = app.runtime.live;
	});

	afterAll(async () => {
		app.runtime.live = realLive;
		proxied?.client.destroy();
		await proxy?.close().catch(() => {});
	});

	test('the leaderboard API and sign-in answer 503 with Retry-After within a second', async () => {
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		app.runtime.live = proxied;
		try {
			// Works through the proxy first.
			const ok = await app.browser().get('/api/v1/leaderboards?board=points', { authorization: `Bearer ${token}` });
			expect(ok.status, ok.body).toBe(200);
			await proxy.close();
			const api = await timed(app.browser().get('/api/v1/leaderboards?board=points', { authorization: `Bearer ${token}` }));
			expectUnavailable(api, 'leaderboard API');
			// The sign-in rate limiter cannot be reached: sign-in fails closed, quickly.
			const signIn = await timed(
				app.browser().postForm('/login', { email: admin.email, password: admin.password }, { 'x-sveltekit-action': 'true', accept: 'application/json' })
			);
			expectUnavailable(signIn, 'sign-in');
			const page = await timed(app.browser().postForm('/login', { email: admin.email, password: 'wrong password here' }, { accept: 'text/html' }));
			expectUnavailable(page, 'sign-in without JavaScript');
		} finally {
			app.runtime.live = realLive;
		}
	});

	test('a Redis that keeps the connection open but stops answering gets the same 503 within a second', async () => {
		const url = new URL(process.env.REDIS_URL!);
		const stalling = await tcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
		const through = new URL(url);
		through.hostname = '127.0.0.1';
		through.port = String(stalling.port);
		const stalled = await RedisLiveStore.connect(through.toString());
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		app.runtime.live = stalled;
		try {
			const ok = await app.browser().get('/api/v1/leaderboards?board=points', { authorization: `Bearer ${token}` });
			expect(ok.status, ok.body).toBe(200);
			stalling.stall();
			expectUnavailable(await timed(app.browser().get('/api/v1/leaderboards?board=points', { authorization: `Bearer ${token}` })), 'leaderboard API');
			expectUnavailable(
				await timed(app.browser().postForm('/login', { email: admin.email, password: admin.password }, { 'x-sveltekit-action': 'true', accept: 'application/json' })),
				'sign-in'
			);
		} finally {
			app.runtime.live = realLive;
			stalled.client.destroy();
			await stalling.close().catch(() => {});
		}
	});
});
