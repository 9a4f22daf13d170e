// ?next= after sign-in: only paths of this site, whatever the encoding tricks.
import { describe, expect, test } from 'vitest';
import { safeNext } from '../../src/lib/server/platform/http';

describe('safeNext', () => {
	test.each([
		['/team', '/team'],
		['/leaderboards?board=points&window=week', '/leaderboards?board=points&window=week'],
		['/admin/members#invite', '/admin/members#invite'],
		['/invite/abcdefghijkmnpqrstuvwxyz23456789', '/invite/abcdefghijkmnpqrstuvwxyz23456789'],
		['/a/../team', '/team'],
		['/%2F%2Fevil.example', '/%2F%2Fevil.example'] // still a path here: percent-escapes are not slashes
	])('keeps the local path %j', (input, expected) => {
		expect(safeNext(input)).toBe(expected);
	});

	test.each([
		null,
		undefined,
		'',
		'team',
		'//evil.example',
		'//evil.example/path',
		'///evil.example',
		'/\\evil.example',
		'\\\\evil.example',
		'/\t/evil.example', // what ?next=/%09/evil.example decodes to: browsers drop the tab
		'/\n/evil.example',
		'/\r\n/evil.example',
		'/%0a'.replace('%0a', '\n'),
		'/\u0000/evil.example',
		'/\u007f/evil.example',
		'/\u0085/evil.example',
		' /evil',
		'http://evil.example/',
		'https:evil.example',
		'https://podium.invalid/team',
		'javascript:alert(1)',
		'/'.padEnd(3000, 'a')
	])('sends %j to the fallback', (input) => {
		expect(safeNext(input)).toBe('/');
		expect(safeNext(input, '/leaderboards')).toBe('/leaderboards');
	});

	test('what it returns is a single-slash path with no control characters', () => {
		const tricky = ['/./evil.example', '/.//evil.example', '/..//evil.example', '/a/..//evil.example'];
		for (const input of tricky) {
			const out = safeNext(input);
			expect(out.startsWith('/') && !out.startsWith('//'), `${input} -> ${out}`).toBe(true);
			expect(new URL(out, 'https://podium.example.com').origin).toBe('https://podium.example.com');
		}
	});
});
