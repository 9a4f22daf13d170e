// The pure parts of HTTP hardening: which errors mean "a backing service is down" (503, not 500), and
// which state-changing requests the origin check refuses.
import { describe, expect, test } from 'vitest';
import { crossSiteRefusal, nulQueryParameter } from '../../src/lib/server/platform/security';
import { isUnavailableError } from '../../src/lib/server/platform/unavailable';
import { fieldWithNul } from '../../src/lib/server/platform/validation';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const named = (name: string) => {
	const error = new Error(name);
	error.name = name;
	return error;
};

describe('isUnavailableError', () => {
	test.each([
		['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
		['Node 20 happy eyeballs', new AggregateError([withCode('x', 'ECONNREFUSED'), withCode('y', 'ECONNREFUSED')], '')],
		['admin shutdown', withCode('terminating connection due to administrator command', '57P01')],
		['starting up', withCode('the database system is starting up', '57P03')],
		['too many connections', withCode('sorry, too many clients already', '53300')],
		['connection failure class 08', withCode('connection failure', '08006')],
		['pg connection lost', new Error('Connection terminated unexpectedly')],
		['pg pool timeout', new Error('timeout exceeded when trying to connect')],
		['PGlite closed', new Error('PGlite is closed')],
		['redis offline', named('ClientOfflineError')],
		['redis closed', named('ClientClosedError')],
		['wrapped in a cause', new Error('query failed', { cause: withCode('reset', 'ECONNRESET') })]
	])('%s is unavailable', (_, error) => {
		expect(isUnavailableError(error)).toBe(true);
	});

	test.each([
		['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
		['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
		['bad input to Postgres', withCode('invalid input syntax for type uuid', '22P02')],
		['not an error', 'ECONNREFUSED']
	])('%s is not', (_, error) => {
		expect(isUnavailableError(error)).toBe(false);
	});
});

describe('crossSiteRefusal', () => {
	const url = new URL('http://podium.test/logout?/all');
	const post = (headers: Record<string, string>, method = 'POST') => new Request(url, { method, headers });

	test('safe methods are never refused', () => {
		expect(crossSiteRefusal(new Request(url, { headers: { origin: 'https://evil.example' } }), url, true, undefined)).toBeNull();
	});

	test('Origin decides when present', () => {
		expect(crossSiteRefusal(post({ origin: 'http://podium.test' }), url, true, undefined)).toBeNull();
		expect(crossSiteRefusal(post({ origin: 'https://evil.example' }), url, true, undefined)).toBe('cross-site');
		expect(crossSiteRefusal(post({ origin: 'null' }), url, true, undefined)).toBe('cross-site');
		// ORIGIN names the public origin behind a proxy.
		expect(crossSiteRefusal(post({ origin: 'https://podium.example.com' }), url, true, 'https://podium.example.com')).toBeNull();
		for (const method of ['PUT', 'PATCH', 'DELETE']) {
			expect(crossSiteRefusal(post({ origin: 'https://evil.example' }, method), url, true, undefined)).toBe('cross-site');
		}
	});

	test('without Origin: Sec-Fetch-Site, then Referer, then refuse only with the session cookie', () => {
		expect(crossSiteRefusal(post({ 'sec-fetch-site': 'same-origin' }), url, true, undefined)).toBeNull();
		expect(crossSiteRefusal(post({ 'sec-fetch-site': 'same-site' }), url, true, undefined)).toBe('cross-site');
		expect(crossSiteRefusal(post({ referer: 'http://podium.test/account' }), url, true, undefined)).toBeNull();
		expect(crossSiteRefusal(post({ referer: 'http://podium.test.evil.example/' }), url, true, undefined)).toBe('cross-site');
		expect(crossSiteRefusal(post({}), url, true, undefined)).toBe('cross-site');
		expect(crossSiteRefusal(post({}), url, false, undefined)).toBeNull();
	});

	test('bearer-token requests are exempt', () => {
		expect(crossSiteRefusal(post({ origin: 'https://evil.example', authorization: 'Bearer pod_x' }), url, true, undefined)).toBeNull();
	});
});

describe('NUL characters', () => {
	test('in query parameters, by name', () => {
		expect(nulQueryParameter(new URL('http://p.test/a?board=points&window=%00'))).toBe('window');
		expect(nulQueryParameter(new URL('http://p.test/a?board=points'))).toBeNull();
	});

	test('in form fields, by name', () => {
		expect(fieldWithNul({ name: 'a\u0000b' })).toBe('name');
		expect(fieldWithNul({ leaderIds: ['x', 'y\u0000'] })).toBe('leaderIds');
		expect(fieldWithNul({ name: 'fine', count: 3 })).toBeNull();
	});
});
