// HTTP hardening as a browser or an attacker meets it: security headers on pages and answers, the
// origin check on every cookie-authenticated state change (whatever its content type), and bad input
// (NUL characters, unknown members) answered with a 4xx naming the field rather than a 500.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type ActionResult, type App } from '../helpers/app';
import { sessionsOf, signUpOrganization, type SignedUp } from '../helpers/fixtures';
import { addApiToken, addRep, countEvents } from '../helpers/scoring';

let app: App;
let admin: SignedUp;
let other: SignedUp;

vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	app = await startApp();
	[admin, other] = await Promise.all([signUpOrganization(app), signUpOrganization(app)]);
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

function failure(result: ActionResult, status: number) {
	expect(result.type, JSON.stringify(result.type === 'success' ? result.data : result)).toBe('failure');
	expect(result.status).toBe(status);
	return (result as Extract<ActionResult, { type: 'failure' }>).data as { errors: Record<string, string>; message: string };
}

describe('security headers', () => {
	test('a page carries a nonce-based CSP that forbids framing, with the socket origin in connect-src', async () => {
		const res = await app.browser().get('/login', { accept: 'text/html' });
		expect(res.status).toBe(200);
		const csp = String(res.headers['content-security-policy']);
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
		expect(csp).toContain("base-uri 'self'");
		expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
		expect(csp).toContain(`connect-src 'self' ws://${new URL(app.url).host}`);
		expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
		// Every inline script of the page carries the header's nonce.
		const nonce = /'nonce-([^']+)'/.exec(csp)![1];
		const inline = [...res.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
		expect(inline.length).toBeGreaterThan(0);
		for (const attributes of inline) expect(attributes).toContain(`nonce="${nonce}"`);
		expect(res.headers['x-content-type-options']).toBe('nosniff');
		expect(res.headers['referrer-policy']).toBe('same-origin');
		expect(res.headers['x-frame-options']).toBe('DENY');
		// Plain http without an https ORIGIN: no HSTS.
		expect(res.headers['strict-transport-security']).toBeUndefined();
	});

	test('signed-in pages are never stored, and admin pages cannot be framed', async () => {
		for (const path of ['/leaderboards', '/admin/members', '/admin/tokens']) {
			const res = await admin.browser.get(path, { accept: 'text/html' });
			expect(res.status, path).toBe(200);
			expect(res.headers['cache-control'], path).toBe('no-store');
			expect(res.headers['x-frame-options'], path).toBe('DENY');
			expect(String(res.headers['content-security-policy']), path).toContain("frame-ancestors 'none'");
		}
	});

	test('API answers carry nosniff and a policy that loads nothing', async () => {
		const res = await app.browser().get('/api/v1/leaderboards');
		expect(res.status).toBe(401);
		expect(res.headers['x-content-type-options']).toBe('nosniff');
		expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
	});

	test('the ingest API, answered before SvelteKit, carries nosniff, no-store and a policy that loads nothing', async () => {
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		for (const res of [
			await app.browser().request('POST', '/api/v1/events', {
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ events: [] })
			}),
			await app.browser().request('POST', '/api/v1/events', { headers: { 'content-type': 'application/json' }, body: '{}' }),
			await app.browser().get('/api/v1/events')
		]) {
			expect(res.headers['content-type']).toBe('application/json');
			expect(res.headers['x-content-type-options']).toBe('nosniff');
			expect(res.headers['cache-control']).toBe('no-store');
			expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
		}
	});

	test('HSTS is sent when ORIGIN is https', async () => {
		const config = app.runtime.config;
		const before = config.origin;
		config.origin = 'https://podium.example.com';
		try {
			const res = await app.browser().get('/login', { accept: 'text/html' });
			expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
		} finally {
			config.origin = before;
		}
	});
});

describe('origin check on cookie-authenticated state changes', () => {
	async function signedInAdmin() {
		// A second session of the same admin, so that signing it out leaves the shared one alone.
		const browser = app.browser();
		const result = await browser.action('/login', { email: admin.email, password: admin.password });
		expect(result.type).toBe('redirect');
		return browser;
	}

	const stillSignedIn = async (browser: ReturnType<App['browser']>) => (await browser.get('/account')).status === 200;

	test('POST /logout?/all with no content type from another site is refused, and every session survives', async () => {
		const browser = await signedInAdmin();
		const before = (await sessionsOf(app.runtime.db, admin.userId)).length;
		const attempts: Record<string, string>[] = [
			{ origin: 'https://evil.example' },
			{ 'sec-fetch-site': 'cross-site' },
			{ referer: 'https://evil.example/page' },
			{} // a cookie and none of Origin, Sec-Fetch-Site, Referer: no browser sends that
		];
		for (const headers of attempts) {
			const res = await browser.request('POST', '/logout?/all', { headers, body: '' });
			expect(res.status, JSON.stringify(headers)).toBe(403);
		}
		expect((await sessionsOf(app.runtime.db, admin.userId)).length).toBe(before);
		expect(await stillSignedIn(browser)).toBe(true);
		expect(await stillSignedIn(admin.browser)).toBe(true);
	});

	test('a JSON or text/plain post from another site is refused too', async () => {
		const browser = await signedInAdmin();
		for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
			const res = await browser.request('POST', '/admin/teams?/create', {
				headers: { origin: 'https://evil.example', 'content-type': type },
				body: 'name=Evil'
			});
			expect(res.status, type).toBe(403);
		}
		const teams = await app.runtime.db.selectFrom('teams').select('name').where('organization_id', '=', admin.organizationId).execute();
		expect(teams.map((t) => t.name)).not.toContain('Evil');
	});

	test('the same request from the app itself signs out', async () => {
		const browser = await signedInAdmin();
		const res = await browser.request('POST', '/logout', { headers: { origin: app.url }, body: '' });
		expect(res.status).toBe(303);
		expect(await stillSignedIn(browser)).toBe(false);
		const viaFetchMetadata = await signedInAdmin();
		const res2 = await viaFetchMetadata.request('POST', '/logout', { headers: { 'sec-fetch-site': 'same-origin' }, body: '' });
		expect(res2.status).toBe(303);
		expect(await stillSignedIn(viaFetchMetadata)).toBe(false);
		expect(await stillSignedIn(admin.browser)).toBe(true);
	});

	test('bearer-token requests are not subject to it', async () => {
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		const res = await app.browser().request('PUT', '/api/v1/events', {
			headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example', 'content-type': 'application/json' },
			body: '{}'
		});
		expect(res.status).not.toBe(403);
	});
});

describe('the preference forms', () => {
	test.each(['/\t/evil.example', '/\\evil.example', '//evil.example', 'https://evil.example/', '/\n/evil.example', '/a\r\nSet-Cookie: x=1'])(
		'redirectTo %j goes back to / (a path of this site only), never to 500',
		async (redirectTo) => {
			const res = await app.browser().postForm('/preferences', { theme: 'dark', redirectTo });
			expect(res.status).toBe(303);
			expect(res.headers.location).toBe('/');
		}
	);

	test('the language and theme menus are submit buttons of plain forms in the served page: they act before any script has loaded', async () => {
		const browser = app.browser();
		const page = await browser.get('/login?next=%2Fteam', { accept: 'text/html' });
		const forms = new Map(
			[...page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)]
				.filter(([, attributes]) => /action="\/preferences"/.test(attributes) && /method="POST"/i.test(attributes))
				.map(([, attributes, inner]) => [/id="([^"]+)"/.exec(attributes)?.[1], /name="redirectTo" value="([^"]*)"/.exec(inner)?.[1]])
		);
		const buttons = [...page.body.matchAll(/<button\b([^>]*)>/g)].map(([, attributes]) => ({
			form: /form="([^"]+)"/.exec(attributes)?.[1],
			name: /name="([^"]+)"/.exec(attributes)?.[1],
			value: /value="([^"]+)"/.exec(attributes)?.[1]
		}));
		const choices = (name: string) => buttons.filter((b) => b.name === name && b.form && forms.has(b.form));
		expect(choices('locale').map((b) => b.value)).toEqual(['zh-CN']);
		expect(choices('theme').map((b) => b.value)).toEqual(['system', 'light', 'dark']);

		// What the browser posts when the Chinese button is pressed, with no script running.
		const zh = choices('locale')[0];
		const res = await browser.postForm('/preferences', { locale: 'zh-CN', redirectTo: forms.get(zh.form)!.replaceAll('&amp;', '&') });
		expect(res.status).toBe(303);
		expect(res.headers.location).toBe('/login?next=%2Fteam');
		expect(browser.cookie('podium_locale')).toBe('zh-CN');
	});

	test('a path of this site is kept', async () => {
		const res = await app.browser().postForm('/preferences', { theme: 'dark', redirectTo: '/leaderboards?board=points' });
		expect(res.status).toBe(303);
		expect(res.headers.location).toBe('/leaderboards?board=points');
	});
});

describe('NUL characters', () => {
	test('in a query parameter: 400 naming it, on the API and on pages', async () => {
		const { token } = await addApiToken(app.runtime.db, admin.organizationId);
		const api = await app.browser().get('/api/v1/leaderboards?board=po%00ints', { authorization: `Bearer ${token}` });
		expect(api.status, api.body).toBe(400);
		expect(api.json().fields).toHaveProperty('board');
		const page = await admin.browser.get('/leaderboards?board=%00', { accept: 'text/html' });
		expect(page.status).toBe(400);
		expect(page.body).toContain('Board');
		const receipt = await admin.browser.get(`/leaderboards/receipt?member=${admin.userId}&window=week&board=x%00y`);
		expect(receipt.status).toBe(400);
		expect(receipt.json().fields).toHaveProperty('board');
	});

	test('in a name at sign-up: 400 naming it, no account created', async () => {
		const email = `nul-${randomUUID()}@example.test`;
		const result = await app.browser().action('/signup', {
			organizationName: 'Nul Org',
			name: 'Ada\u0000Lovelace',
			email,
			password: 'correct horse battery staple',
			timeZone: 'Europe/Berlin',
			locale: 'en'
		});
		expect(failure(result, 400).errors).toHaveProperty('name');
		const users = await app.runtime.db.selectFrom('users').select('id').where('email', '=', email).execute();
		expect(users).toEqual([]);
	});

	test('in a form field: 400 naming it, nothing created', async () => {
		const data = failure(await admin.browser.action('/admin/teams?/create', { name: 'Night\u0000shift' }), 400);
		expect(data.errors).toHaveProperty('name');
		const teams = await app.runtime.db.selectFrom('teams').select('name').where('organization_id', '=', admin.organizationId).execute();
		expect(teams.some((t) => t.name.startsWith('Night'))).toBe(false);
	});
});

describe('quick log', () => {
	test('for an unknown person or one of another organization: 404 naming the person, nothing written', async () => {
		const foreign = await addRep(app.runtime.db, other.organizationId);
		for (const userId of [randomUUID(), foreign.userId]) {
			const data = failure(await admin.browser.action('/leaderboards?/log', { userId, metric: 'call', value: '1', key: randomUUID() }), 404);
			expect(data.errors).toHaveProperty('userId');
		}
		expect(await countEvents(app.runtime.db, admin.organizationId)).toBe(0);
		expect(await countEvents(app.runtime.db, other.organizationId)).toBe(0);
	});

	test('for a rep of the organization it still logs', async () => {
		const rep = await addRep(app.runtime.db, admin.organizationId);
		const result = await admin.browser.action('/leaderboards?/log', { userId: rep.userId, metric: 'call', value: '2', key: randomUUID() });
		expect(result.type, JSON.stringify(result)).toBe('success');
		expect(await countEvents(app.runtime.db, admin.organizationId)).toBe(1);
	});
});
