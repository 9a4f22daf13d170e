// The public API over HTTP against the real app: POST /api/v1/events (ingest contract, every refusal
// with nothing written, duplicates under concurrency, daily caps, organization isolation) and
// GET /api/v1/leaderboards (shape, ranks and ties, parameters, around-me).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { APP_START_TIMEOUT, startApp, type App, type HttpResponse } from '../helpers/app';
import { uniqueSuffix } from '../helpers/env';
import { addApiToken, addRep, addTeam, countEvents, createOrg, type TestOrg, type TestRep } from '../helpers/scoring';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import { lastOrgSeq } from '../../src/lib/server/scoring/event.repository';
import { revokeApiToken } from '../../src/lib/server/scoring/token.repository';
import { FakeClock } from '../../src/lib/server/platform/clock';
import { setCacheClock } from '../../src/lib/server/platform/process-cache';
import { LOOKUP_TTL_MS } from '../../src/lib/server/scoring/lookups';
import { setMetricArchived } from '../../src/lib/server/scoring/metric.service';
import { setMemberActive } from '../../src/lib/server/org/member.service';
import { revokeToken, TOKEN_CACHE_MS } from '../../src/lib/server/scoring/token.service';

let app: App;

// Generous: 20 parallel posts and a 1000-event batch on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	app = await startApp();
}, APP_START_TIMEOUT);

afterAll(async () => {
	await app?.close();
});

const HOUR = 3_600_000;

function postEvents(token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
	return app.browser().request('POST', '/api/v1/events', {
		headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
}

function getBoard(token: string, params: Record<string, string | number> = {}) {
	const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
	return app.browser().get(`/api/v1/leaderboards?${query}`, { authorization: `Bearer ${token}` });
}

interface Setup {
	org: TestOrg;
	token: string;
	team: string;
	reps: TestRep[];
}

async function setup(repCount = 2): Promise<Setup> {
	const db = app.runtime.db;
	const org = await createOrg(db, { timeZone: 'Asia/Shanghai' });
	const team = await addTeam(db, org.organizationId, `Hunters ${uniqueSuffix()}`);
	const reps: TestRep[] = [];
	for (let i = 0; i < repCount; i++) reps.push(await addRep(db, org.organizationId, { teamId: i % 2 === 0 ? team : null, externalId: `crm-${i}` }));
	const { token } = await addApiToken(db, org.organizationId);
	return { org, token, team, reps };
}

const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR).toISOString();
/** Up to `h` hours ago but still today in Shanghai (UTC+8, no DST), so that day boards hold it at any hour of the run. */
const todayAgo = (h: number) => {
	const now = Date.now();
	const midnight = Math.floor((now + 8 * HOUR) / (24 * HOUR)) * 24 * HOUR - 8 * HOUR;
	return new Date(Math.min(Math.max(now - h * HOUR, midnight + 1000), now)).toISOString();
};

describe('POST /api/v1/events', () => {
	let s: Setup;
	beforeAll(async () => {
		s = await setup(3);
	});

	test('200 with counts and one result per event, in order; the boards move', async () => {
		const [ann, bob] = s.reps;
		const res = await postEvents(s.token, {
			events: [
				{ id: `deal-${uniqueSuffix()}`, metric: 'deal', user: ann.email, value: 1, occurredAt: hoursAgo(1), note: 'Acme renewal' },
				{ id: `rev-${uniqueSuffix()}`, metric: 'revenue', user: ann.email.toUpperCase(), value: 12_000_000 },
				{ id: `call-${uniqueSuffix()}`, metric: 'call', user: 'crm-1' },
				{ id: `bad-${uniqueSuffix()}`, metric: 'telepathy', user: bob.email }
			]
		});
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/^application\/json/);
		const body = res.json();
		expect(Object.keys(body).sort()).toEqual(['accepted', 'duplicates', 'rejected', 'results']);
		expect(body).toMatchObject({ accepted: 3, duplicates: 0, rejected: 1 });
		expect(body.results).toEqual([
			{ id: expect.stringMatching(/^deal-/), status: 'accepted', points: 50 },
			{ id: expect.stringMatching(/^rev-/), status: 'accepted', points: 120 },
			{ id: expect.stringMatching(/^call-/), status: 'accepted', points: 1 },
			{ id: expect.stringMatching(/^bad-/), status: 'rejected', error: expect.stringContaining('metric') }
		]);
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(3);

		const board = (await getBoard(s.token, { board: 'points', scope: 'users', window: 'week' })).json();
		expect(board.entries.map((e: { id: string; score: number }) => [e.id, e.score])).toEqual([
			[ann.userId, 170],
			[bob.userId, 1]
		]);
		const teams = (await getBoard(s.token, { board: 'points', scope: 'teams', window: 'all' })).json();
		expect(teams.entries).toEqual([{ rank: 1, id: s.team, name: expect.stringMatching(/^Hunters /), team: null, score: 170 }]);
	});

	test('a known id with the same content is a duplicate; with different content a conflict; nothing changes', async () => {
		const [ann] = s.reps;
		const id = `dup-${uniqueSuffix()}`;
		const event = { id, metric: 'meeting', user: ann.email, value: 2, occurredAt: hoursAgo(2) };
		const first = (await postEvents(s.token, { events: [event] })).json();
		expect(first).toEqual({ accepted: 1, duplicates: 0, rejected: 0, results: [{ id, status: 'accepted', points: 10 }] });
		const before = await countEvents(app.runtime.db, s.org.organizationId);
		const boardBefore = (await getBoard(s.token, { board: 'meeting', window: 'all' })).json();

		const again = (await postEvents(s.token, { events: [event, { ...event, value: 3 }, { ...event, user: ann.email.toUpperCase() }] })).json();
		expect(again).toEqual({
			accepted: 0,
			duplicates: 2,
			rejected: 1,
			results: [
				{ id, status: 'duplicate', points: 10 },
				{ id, status: 'conflict', error: expect.stringContaining('different content') },
				{ id, status: 'duplicate', points: 10 }
			]
		});
		// Twice in one new batch: the first wins, the second is a duplicate of it.
		const twin = { id: `twin-${uniqueSuffix()}`, metric: 'deal', user: ann.email, occurredAt: hoursAgo(1) };
		expect((await postEvents(s.token, { events: [twin, twin] })).json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'duplicate']);
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(before + 1);
		expect((await getBoard(s.token, { board: 'meeting', window: 'all' })).json().entries).toEqual(boardBefore.entries);
	});

	test('each invalid event is rejected with an error naming its field; the valid ones still count', async () => {
		const [ann] = s.reps;
		const ok = { id: `ok-${uniqueSuffix()}`, metric: 'deal', user: ann.email, value: 1 };
		const cases: [unknown, RegExp][] = [
			[{ metric: 'deal', user: ann.email }, /^id is required$/],
			[{ id: 7, metric: 'deal', user: ann.email }, /^id must be a string$/],
			[{ id: '', metric: 'deal', user: ann.email }, /^id\b/],
			[{ id: 'x'.repeat(129), metric: 'deal', user: ann.email }, /^id\b.*128/],
			[{ id: `m-${uniqueSuffix()}`, user: ann.email }, /^metric is required$/],
			[{ id: `m2-${uniqueSuffix()}`, metric: 7, user: ann.email }, /^metric must be a string$/],
			[{ id: `u-${uniqueSuffix()}`, metric: 'deal' }, /^user is required$/],
			[{ id: `u3-${uniqueSuffix()}`, metric: 'deal', user: [ann.email] }, /^user must be a string$/],
			[{ id: `u2-${uniqueSuffix()}`, metric: 'deal', user: 'nobody@example.test' }, /^user\b.*not an active member/],
			[{ id: `v1-${uniqueSuffix()}`, metric: 'deal', user: ann.email, value: -1 }, /^value\b/],
			[{ id: `v2-${uniqueSuffix()}`, metric: 'deal', user: ann.email, value: 1.5 }, /^value must be a whole number$/],
			[{ id: `v3-${uniqueSuffix()}`, metric: 'deal', user: ann.email, value: '5' }, /^value must be a number$/],
			[{ id: `o1-${uniqueSuffix()}`, metric: 'deal', user: ann.email, occurredAt: 'yesterday' }, /^occurredAt\b/],
			[{ id: `o2-${uniqueSuffix()}`, metric: 'deal', user: ann.email, occurredAt: '2026-11-28T10:00:00' }, /^occurredAt\b/],
			[{ id: `o3-${uniqueSuffix()}`, metric: 'deal', user: ann.email, occurredAt: new Date(Date.now() + 24 * HOUR).toISOString() }, /^occurredAt\b.*future/],
			[{ id: `n-${uniqueSuffix()}`, metric: 'deal', user: ann.email, note: 'n'.repeat(501) }, /^note\b/],
			[42, /^event must be an object$/],
			[null, /^event must be an object$/]
		];
		const before = await countEvents(app.runtime.db, s.org.organizationId);
		const res = await postEvents(s.token, { events: [...cases.map(([event]) => event), ok] });
		expect(res.status).toBe(200);
		const body = res.json();
		expect(body).toMatchObject({ accepted: 1, duplicates: 0, rejected: cases.length });
		cases.forEach(([event, pattern], i) => {
			expect(body.results[i].status, JSON.stringify(event)).toBe('rejected');
			expect(body.results[i].error, JSON.stringify(event)).toMatch(pattern);
			expect(body.results[i].points).toBeUndefined();
		});
		expect(body.results.at(-1)).toEqual({ id: ok.id, status: 'accepted', points: 50 });
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(before + 1);
	});

	/** A new customer for the first rep and a deal for the second, under the given ids. */
	const newCustomerAndDeal = async (own: Setup, first: string, second: string) =>
		(
			await postEvents(own.token, {
				events: [
					{ id: first, metric: 'new_customer', user: own.reps[0].email },
					{ id: second, metric: 'deal', user: own.reps[1].email }
				]
			})
		).json();

	test('a metric archived and a rep deactivated on the admin pages are rejected from the next request', async () => {
		const db = app.runtime.db;
		const own = await setup(2);
		// Ingest has cached the org's metrics and both reps.
		expect((await newCustomerAndDeal(own, 'warm-0', 'warm-1')).accepted).toBe(2);
		const admin = { userId: own.org.adminId, organizationId: own.org.organizationId, role: 'admin' as const };
		const metric = await db.selectFrom('metrics').select('id').where('organization_id', '=', own.org.organizationId).where('key', '=', 'new_customer').executeTakeFirstOrThrow();
		await setMetricArchived(db, admin, { metricId: metric.id }, true);
		await setMemberActive(app.runtime, admin, { userId: own.reps[1].userId }, false);
		const body = await newCustomerAndDeal(own, 'a', 'b');
		expect(body.results).toEqual([
			{ id: 'a', status: 'rejected', error: expect.stringMatching(/^metric "new_customer" is not an active metric/) },
			{ id: 'b', status: 'rejected', error: expect.stringMatching(/^user .* is not an active member/) }
		]);
		expect(await countEvents(db, own.org.organizationId)).toBe(2);
	});

	test('a metric archived and a rep deactivated by another process are rejected within LOOKUP_TTL_MS', async () => {
		const db = app.runtime.db;
		const own = await setup(2);
		// The caches age by a clock the test moves, not by waiting.
		const clock = new FakeClock(Date.now());
		const restore = setCacheClock(clock);
		try {
			expect((await newCustomerAndDeal(own, 'warm-0', 'warm-1')).accepted).toBe(2);
			// Straight in the database, as another process would: this process is not told.
			await db.updateTable('metrics').set({ status: 'archived' }).where('organization_id', '=', own.org.organizationId).where('key', '=', 'new_customer').execute();
			await db.updateTable('memberships').set({ status: 'deactivated' }).where('organization_id', '=', own.org.organizationId).where('user_id', '=', own.reps[1].userId).execute();
			// Still cached just inside LOOKUP_TTL_MS: the other process's change is not seen yet.
			await clock.advance(LOOKUP_TTL_MS - 100);
			expect((await newCustomerAndDeal(own, 'c', 'd')).accepted).toBe(2);
			await clock.advance(101);
			const body = await newCustomerAndDeal(own, 'a', 'b');
			expect(body.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected']);
			expect(await countEvents(db, own.org.organizationId)).toBe(4);
		} finally {
			restore();
		}
	});

	test('an occurredAt before 1970 or a value too large for its points is rejected, and the rest of the batch counts', async () => {
		const [ann] = s.reps;
		const before = await countEvents(app.runtime.db, s.org.organizationId);
		const res = await postEvents(s.token, {
			events: [
				{ id: `moon-${uniqueSuffix()}`, metric: 'deal', user: ann.email, occurredAt: '1969-07-20T20:17:00Z' },
				{ id: `huge-${uniqueSuffix()}`, metric: 'deal', user: ann.email, value: 1_000_000_000_000 },
				{ id: `fine-${uniqueSuffix()}`, metric: 'call', user: ann.email, value: 1 }
			]
		});
		expect(res.status, res.body).toBe(200);
		const body = res.json();
		expect(body.results[0]).toEqual({ id: expect.any(String), status: 'rejected', error: expect.stringMatching(/^occurredAt\b/) });
		expect(body.results[1]).toEqual({ id: expect.any(String), status: 'rejected', error: expect.stringMatching(/^value\b/) });
		expect(body.results[2]).toMatchObject({ status: 'accepted' });
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(before + 1);
	});
});

describe('POST /api/v1/events refusals write nothing', () => {
	let s: Setup;
	let valid: { events: unknown[] };
	beforeAll(async () => {
		s = await setup(1);
		valid = { events: [{ id: `r-${uniqueSuffix()}`, metric: 'deal', user: s.reps[0].email, value: 1 }] };
	});

	async function refused(send: () => Promise<HttpResponse>, status: number, message: RegExp) {
		const before = await countEvents(app.runtime.db, s.org.organizationId);
		const res = await send();
		expect(res.status, res.body.slice(0, 300)).toBe(status);
		expect(res.json().error).toMatch(message);
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(before);
		return res;
	}

	test('401 without a token, with a malformed, unknown or revoked token', async () => {
		await refused(() => postEvents(undefined, valid), 401, /Bearer/);
		await refused(() => postEvents(undefined, valid, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 401, /Bearer/);
		await refused(() => postEvents('garbage', valid), 401, /not valid/);
		await refused(() => postEvents(`pod_${'a'.repeat(32)}`, valid), 401, /not valid/);
		const { id, token } = await addApiToken(app.runtime.db, s.org.organizationId, ['events:write']);
		expect((await postEvents(token, { events: [{ id: `pre-${uniqueSuffix()}`, metric: 'call', user: s.reps[0].email }] })).status).toBe(200);
		// Revoked on the tokens page (the service): refused from the very next request.
		await revokeToken(app.runtime, { userId: s.org.adminId, organizationId: s.org.organizationId, role: 'admin' }, { tokenId: id });
		await refused(() => postEvents(token, valid), 401, /revoked/);
	});

	test('a token revoked by another process stops working within TOKEN_CACHE_MS', async () => {
		// The token cache ages by a clock the test moves, not by waiting.
		const clock = new FakeClock(Date.now());
		const restore = setCacheClock(clock);
		try {
			const { id, token } = await addApiToken(app.runtime.db, s.org.organizationId, ['events:write']);
			expect((await postEvents(token, { events: [{ id: `pre-${uniqueSuffix()}`, metric: 'call', user: s.reps[0].email }] })).status).toBe(200);
			// Straight in the database, as another process (or the CLI) would: this process's cache is not told.
			expect(await revokeApiToken(app.runtime.db, s.org.organizationId, id)).toBe(true);
			// Just inside TOKEN_CACHE_MS the cached row still lets it in.
			await clock.advance(TOKEN_CACHE_MS - 100);
			expect((await postEvents(token, { events: [{ id: `late-${uniqueSuffix()}`, metric: 'call', user: s.reps[0].email }] })).status).toBe(200);
			await clock.advance(100);
			const before = await countEvents(app.runtime.db, s.org.organizationId);
			await refused(() => postEvents(token, valid), 401, /revoked/);
			expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(before);
		} finally {
			restore();
		}
	});

	test('403 with a token that may only read leaderboards', async () => {
		const { token } = await addApiToken(app.runtime.db, s.org.organizationId, ['leaderboards:read']);
		await refused(() => postEvents(token, valid), 403, /events:write/);
		// And a write-only token cannot read.
		const { token: writer } = await addApiToken(app.runtime.db, s.org.organizationId, ['events:write']);
		const res = await getBoard(writer);
		expect(res.status).toBe(403);
		expect(res.json().error).toMatch(/leaderboards:read/);
	});

	test('415 unless the body is declared as JSON', async () => {
		await refused(() => postEvents(s.token, valid, { 'content-type': 'text/plain' }), 415, /application\/json/);
		await refused(() => postEvents(s.token, valid, { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/);
		expect((await postEvents(s.token, { events: [{ id: `cs-${uniqueSuffix()}`, metric: 'call', user: s.reps[0].email }] }, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
	});

	test('405 naming POST for any other method', async () => {
		const before = await countEvents(app.runtime.db, s.org.organizationId);
		for (const method of ['GET', 'PUT', 'DELETE']) {
			const res = await app.browser().request(method, '/api/v1/events', { headers: { authorization: `Bearer ${s.token}` } });
			expect(res.status, method).toBe(405);
			expect(res.headers.allow).toBe('POST');
			expect(res.json().error).toMatch(/use POST/);
		}
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(before);
	});

	test('400 for malformed JSON and for every wrong shape', async () => {
		await refused(() => postEvents(s.token, '{"events": [{"id": "x", '), 400, /JSON/);
		await refused(() => postEvents(s.token, ''), 400, /JSON/);
		await refused(() => postEvents(s.token, JSON.stringify(valid.events)), 400, /object/);
		await refused(() => postEvents(s.token, 'null'), 400, /object/);
		await refused(() => postEvents(s.token, '"events"'), 400, /object/);
		await refused(() => postEvents(s.token, { event: valid.events[0] }), 400, /events must be an array/);
		await refused(() => postEvents(s.token, { events: valid.events[0] }), 400, /events must be an array/);
		await refused(() => postEvents(s.token, { events: [] }), 400, /at least 1/);
	});

	test('400 for more than 1000 events; exactly 1000 are taken', async () => {
		const many = (n: number, tag: string) => ({ events: Array.from({ length: n }, (_, i) => ({ id: `${tag}-${i}`, metric: 'revenue', user: s.reps[0].email, value: 100 })) });
		await refused(() => postEvents(s.token, many(1001, `over-${uniqueSuffix()}`)), 400, /at most 1000/);
		const before = await countEvents(app.runtime.db, s.org.organizationId);
		const res = await postEvents(s.token, many(1000, `max-${uniqueSuffix()}`));
		expect(res.status).toBe(200);
		expect(res.json().accepted).toBe(1000);
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(before + 1000);
	});

	test('413 for a body over 1 MB, declared or streamed', async () => {
		const big = JSON.stringify({ events: [{ ...(valid.events[0] as object), id: `big-${uniqueSuffix()}`, note: 'x'.repeat(1024 * 1024) }] });
		await refused(() => postEvents(s.token, big).catch((error) => ({ status: -1, body: String(error), json: () => ({}) }) as unknown as HttpResponse), 413, /1 MB/);
		// Without a Content-Length (chunked), the limit holds while reading.
		await refused(() => postChunked(s.token, big), 413, /1 MB/);
	});
});

/** A POST whose body is sent in chunks with no Content-Length. */
function postChunked(token: string, body: string): Promise<HttpResponse> {
	const target = new URL('/api/v1/events', app.url);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, setCookies: [], json: () => JSON.parse(text) });
				});
			}
		);
		req.on('error', (error) => (error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error));
		const step = 64 * 1024;
		for (let i = 0; i < body.length; i += step) req.write(body.slice(i, i + step));
		req.end();
	});
}

describe('applied marks are numbered per organization', () => {
	test('1,000 posts of a known event take no number; a new organization marks its first event at bit 1', async () => {
		const a = await setup(1);
		const id = `call-${uniqueSuffix()}`;
		const event = { id, metric: 'call', user: a.reps[0].email };
		expect((await postEvents(a.token, { events: [event] })).json().accepted).toBe(1);
		expect(await lastOrgSeq(app.runtime.db, a.org.organizationId)).toBe(1);
		// A token posting the same event over and over: 1,000 requests, 50 at a time.
		for (let round = 0; round < 20; round++) {
			const answers = await Promise.all(Array.from({ length: 50 }, () => postEvents(a.token, { events: [event] })));
			expect(answers.map((r) => r.json().duplicates)).toEqual(answers.map(() => 1));
		}
		expect(await lastOrgSeq(app.runtime.db, a.org.organizationId)).toBe(1);
		const next = { id: `call-${uniqueSuffix()}`, metric: 'call', user: a.reps[0].email };
		expect((await postEvents(a.token, { events: [next] })).json().accepted).toBe(1);
		const seqs = await app.runtime.db
			.selectFrom('score_events')
			.select(['idempotency_key', 'org_seq'])
			.where('organization_id', '=', a.org.organizationId)
			.orderBy('org_seq')
			.execute();
		expect(seqs.map((r) => [r.idempotency_key, Number(r.org_seq)])).toEqual([
			[id, 1],
			[next.id, 2]
		]);

		// Whatever ids other organizations used up, a new organization's marks start at 1.
		const b = await setup(1);
		expect((await postEvents(b.token, { events: [{ id: 'first', metric: 'call', user: b.reps[0].email }] })).json().accepted).toBe(1);
		expect(await lastOrgSeq(app.runtime.db, b.org.organizationId)).toBe(1);
		expect(await app.runtime.live.applied(b.org.organizationId, [1, 2])).toEqual([true, false]);
		const live = app.runtime.live;
		if (live instanceof RedisLiveStore) {
			// One byte holds bits 0-7: the bitmap does not grow with the global event id.
			expect(await live.client.strLen(`podium:{${b.org.organizationId}}:applied`)).toBe(1);
		}
	});
});

describe('concurrency and caps', () => {
	test('20 parallel posts of the same events count once', async () => {
		const s = await setup(2);
		const [ann, bob] = s.reps;
		const tag = uniqueSuffix();
		const events = [
			{ id: `c1-${tag}`, metric: 'deal', user: ann.email, occurredAt: hoursAgo(1) },
			{ id: `c2-${tag}`, metric: 'deal', user: bob.email, occurredAt: hoursAgo(1) },
			{ id: `c3-${tag}`, metric: 'revenue', user: ann.email, value: 500_000, occurredAt: hoursAgo(1) }
		];
		const responses = await Promise.all(Array.from({ length: 20 }, () => postEvents(s.token, { events })));
		expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
		const bodies = responses.map((r) => r.json());
		for (let i = 0; i < events.length; i++) {
			const statuses = bodies.map((b) => b.results[i].status);
			expect(statuses.filter((x) => x === 'accepted'), `event ${i}`).toHaveLength(1);
			expect(statuses.filter((x) => x === 'duplicate'), `event ${i}`).toHaveLength(19);
		}
		expect(bodies.reduce((n, b) => n + b.accepted, 0)).toBe(3);
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(3);
		const board = (await getBoard(s.token, { board: 'points', window: 'all' })).json();
		expect(board.entries.map((e: { id: string; score: number }) => [e.id, e.score])).toEqual([
			[ann.userId, 55],
			[bob.userId, 50]
		]);
		expect((await getBoard(s.token, { board: 'deal', window: 'all' })).json().entries.map((e: { score: number }) => e.score)).toEqual([1, 1]);
	});

	test('many single-event requests at once, written together, each get exactly their own answer', async () => {
		const s = await setup(2);
		const [ann, bob] = s.reps;
		const tag = uniqueSuffix();
		// 60 requests in flight together: 40 new events, 10 repeats of 5 of them (5 pairs, same content),
		// 5 reuses of an id with other content, 5 with an unknown rep. Whatever the server merges, each
		// request's answer must be the one it would get alone, in its own order.
		const requests: { id: string; metric: string; user: string; note?: string }[][] = [];
		for (let i = 0; i < 40; i++) requests.push([{ id: `g-${tag}-${i}`, metric: 'deal', user: i % 2 ? ann.email : bob.email }]);
		for (let i = 0; i < 10; i++) requests.push([{ id: `g-${tag}-${i % 5}`, metric: 'deal', user: i % 5 % 2 ? ann.email : bob.email }]);
		for (let i = 10; i < 15; i++) requests.push([{ id: `g-${tag}-${i}`, metric: 'deal', user: i % 2 ? ann.email : bob.email, note: 'other content' }]);
		for (let i = 0; i < 5; i++) requests.push([{ id: `x-${tag}-${i}`, metric: 'deal', user: `nobody-${i}@example.test` }]);
		// And two larger requests among them.
		requests.push([{ id: `g-${tag}-big-0`, metric: 'call', user: ann.email }, { id: `g-${tag}-0`, metric: 'deal', user: bob.email }, { id: `g-${tag}-big-1`, metric: 'meeting', user: bob.email }]);
		const order = requests.map((_, i) => i).sort(() => Math.random() - 0.5);
		const answers = new Array(requests.length);
		await Promise.all(order.map(async (i) => (answers[i] = (await postEvents(s.token, { events: requests[i] })).json())));
		const statusOf = (id: string) => answers.flatMap((a, i) => a.results.filter((r: { id: string }, j: number) => requests[i][j].id === id && r.id === id)).map((r: { status: string }) => r.status);
		answers.forEach((a, i) => expect(a.results.map((r: { id: string }) => r.id), `request ${i}`).toEqual(requests[i].map((e) => e.id)));
		for (let i = 0; i < 5; i++) expect(statusOf(`g-${tag}-${i}`).sort(), `g-${i}`).toEqual(i === 0 ? ['accepted', 'duplicate', 'duplicate', 'duplicate'] : ['accepted', 'duplicate', 'duplicate']);
		for (let i = 10; i < 15; i++) expect(statusOf(`g-${tag}-${i}`).sort(), `g-${i}`).toEqual(['accepted', 'conflict']);
		for (let i = 0; i < 5; i++) expect(answers[55 + i].results[0]).toMatchObject({ status: 'rejected', error: expect.stringMatching(/not an active member/) });
		expect(answers.reduce((n, a) => n + a.accepted, 0)).toBe(42);
		expect(await countEvents(app.runtime.db, s.org.organizationId)).toBe(42);
		const board = (await getBoard(s.token, { board: 'deal', window: 'all' })).json();
		expect(board.entries.map((e: { id: string; score: number }) => [e.id, e.score]).sort()).toEqual([[ann.userId, 20], [bob.userId, 20]].sort());
	});

	test('calls earn at most 60 points a day each, counted per local day; the call board counts them all', async () => {
		const s = await setup(1);
		const [ann] = s.reps;
		const tag = uniqueSuffix();
		const today = todayAgo(0.5);
		const yesterday = new Date(Date.parse(today) - 24 * HOUR).toISOString();
		const calls = (n: number, at: string, prefix: string) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${tag}-${i}`, metric: 'call', user: ann.email, occurredAt: at }));

		const first = (await postEvents(s.token, { events: calls(50, today, 'a') })).json();
		expect(first.results.every((r: { points: number }) => r.points === 1)).toBe(true);
		// In parallel, 2 × 10 more the same day: only 10 of them earn a point.
		const more = await Promise.all([postEvents(s.token, { events: calls(10, today, 'b') }), postEvents(s.token, { events: calls(10, today, 'c') })]);
		const earned = more.flatMap((r) => r.json().results).reduce((n: number, r: { points: number }) => n + r.points, 0);
		expect(earned).toBe(10);
		const yest = (await postEvents(s.token, { events: calls(5, yesterday, 'y') })).json();
		expect(yest.results.map((r: { points: number }) => r.points)).toEqual([1, 1, 1, 1, 1]);

		const points = (await getBoard(s.token, { board: 'points', window: 'all' })).json();
		expect(points.entries[0]).toMatchObject({ id: ann.userId, score: 65 });
		const callsBoard = (await getBoard(s.token, { board: 'call', window: 'all' })).json();
		expect(callsBoard.entries[0]).toMatchObject({ id: ann.userId, score: 75 });
	});
});

describe('organization isolation', () => {
	test("a token of org A cannot score org B's reps, nor read B's boards", async () => {
		const a = await setup(1);
		const b = await setup(1);
		const bRep = b.reps[0];
		expect((await postEvents(b.token, { events: [{ id: 'b-1', metric: 'deal', user: bRep.email }] })).json().accepted).toBe(1);
		// The same idempotency key in another org is another event.
		const res = (await postEvents(a.token, { events: [{ id: 'b-1', metric: 'deal', user: a.reps[0].email }, { id: 'b-2', metric: 'deal', user: bRep.email }, { id: 'b-3', metric: 'deal', user: 'crm-0' }] })).json();
		expect(res.results).toEqual([
			{ id: 'b-1', status: 'accepted', points: 50 },
			{ id: 'b-2', status: 'rejected', error: expect.stringMatching(/^user .* not an active member/) },
			// crm-0 is an external id in both orgs: A's token means A's rep.
			{ id: 'b-3', status: 'accepted', points: 50 }
		]);
		expect(await countEvents(app.runtime.db, b.org.organizationId)).toBe(1);
		expect(await countEvents(app.runtime.db, a.org.organizationId)).toBe(2);

		const boardA = (await getBoard(a.token, { window: 'all' })).json();
		expect(boardA.entries).toEqual([expect.objectContaining({ id: a.reps[0].userId, score: 100 })]);
		expect(boardA.total).toBe(1);
		const boardB = (await getBoard(b.token, { window: 'all' })).json();
		expect(boardB.entries).toEqual([expect.objectContaining({ id: bRep.userId, score: 50 })]);
		// B's people and teams are unknown to A's token.
		const around = await getBoard(a.token, { around: bRep.email });
		expect(around.status).toBe(404);
		expect(around.json().fields).toHaveProperty('around');
		expect((await getBoard(a.token, { team: b.team })).status).toBe(404);
		// A's teams board never shows B's team.
		expect((await getBoard(a.token, { scope: 'teams', window: 'all' })).json().entries.map((e: { id: string }) => e.id)).toEqual([a.team]);
	});
});

describe('GET /api/v1/leaderboards', () => {
	let s: Setup;
	beforeAll(async () => {
		s = await setup(5);
		const [r0, r1, r2, r3, r4] = s.reps;
		const tag = uniqueSuffix();
		const post = async (events: unknown[]) => expect((await postEvents(s.token, { events })).json().rejected).toBe(0);
		// r2 reaches 50 first, r0 later: tied, r2 listed first. r1 leads; r4 trails; r3 has nothing.
		// r0, r2 and r4 are in the team; r1 and r3 are not.
		await post([{ id: `${tag}-1`, metric: 'deal', user: r2.email, occurredAt: todayAgo(3) }]);
		await post([{ id: `${tag}-2`, metric: 'deal', user: r0.email, occurredAt: todayAgo(3) }]);
		await post([{ id: `${tag}-3`, metric: 'deal', user: r1.email, value: 2, occurredAt: todayAgo(3) }]);
		await post([{ id: `${tag}-4`, metric: 'meeting', user: r4.email, occurredAt: todayAgo(3) }]);
		void r3;
	});

	test('the answer: board, scope, window with its period, seq, total and ranked entries; ties share a rank', async () => {
		const [r0, r1, r2, , r4] = s.reps;
		const res = await getBoard(s.token, { board: 'points', scope: 'users', window: 'week', limit: 50 });
		expect(res.status).toBe(200);
		expect(res.headers['cache-control']).toBe('no-store');
		const body = res.json();
		expect(body).toEqual({
			board: 'points',
			scope: 'users',
			window: { kind: 'week', period: expect.stringMatching(/^W\d{4}-\d{2}-\d{2}$/), start: expect.any(String), end: expect.any(String) },
			team: null,
			seq: expect.any(Number),
			total: 4,
			entries: [
				{ rank: 1, id: r1.userId, name: r1.name, team: null, score: 100 },
				{ rank: 2, id: r2.userId, name: r2.name, team: expect.stringMatching(/^Hunters /), score: 50 },
				{ rank: 2, id: r0.userId, name: r0.name, team: expect.stringMatching(/^Hunters /), score: 50 },
				{ rank: 4, id: r4.userId, name: r4.name, team: expect.stringMatching(/^Hunters /), score: 5 }
			]
		});
		const start = Date.parse(body.window.start);
		const end = Date.parse(body.window.end);
		expect(end - start).toBe(7 * 24 * HOUR); // Shanghai has no DST
		expect(start).toBeLessThanOrEqual(Date.now());
		expect(end).toBeGreaterThan(Date.now());
		// Defaults: points, users, week, 50. The coalesced push may have advanced seq in between.
		const defaults = (await getBoard(s.token)).json();
		expect(defaults.seq).toBeGreaterThanOrEqual(body.seq);
		expect({ ...defaults, seq: body.seq }).toEqual(body);
		// limit cuts the list, not the total; a tie at the cut is resolved by who reached it first.
		const two = (await getBoard(s.token, { limit: 2 })).json();
		expect(two.total).toBe(4);
		expect(two.entries.map((e: { id: string }) => e.id)).toEqual([r1.userId, r2.userId]);
	});

	test('a metric board, the teams scope, a team filter and around-me', async () => {
		const [r0, r1, r2, r3, r4] = s.reps;
		const deals = (await getBoard(s.token, { board: 'deal', window: 'day' })).json();
		expect(deals.window.kind).toBe('day');
		expect(deals.entries.map((e: { id: string; score: number; rank: number }) => [e.id, e.score, e.rank])).toEqual([
			[r1.userId, 2, 1],
			[r2.userId, 1, 2],
			[r0.userId, 1, 2]
		]);
		const teams = (await getBoard(s.token, { scope: 'teams', window: 'month' })).json();
		expect(teams.entries).toEqual([{ rank: 1, id: s.team, name: expect.any(String), team: null, score: 105 }]);
		const team = (await getBoard(s.token, { team: s.team })).json();
		expect(team.team).toBe(s.team);
		expect(team.entries.map((e: { id: string }) => e.id)).toEqual([r2.userId, r0.userId, r4.userId]);

		const around = (await getBoard(s.token, { around: r0.email.toUpperCase(), limit: 1 })).json();
		expect(around.entries).toHaveLength(1);
		expect(around.around.map((e: { id: string; rank: number }) => [e.id, e.rank])).toEqual([
			[r1.userId, 1],
			[r2.userId, 2],
			[r0.userId, 2],
			[r4.userId, 4]
		]);
		expect((await getBoard(s.token, { around: 'crm-4' })).json().around.map((e: { id: string }) => e.id)).toEqual([r2.userId, r0.userId, r4.userId]);
		// A member with no score this window has no neighbours.
		expect((await getBoard(s.token, { around: r3.email })).json().around).toEqual([]);
	});

	test('400 naming the field for bad parameters; 404 for an unknown board or person', async () => {
		const bad: [Record<string, string | number>, string][] = [
			[{ scope: 'planets' }, 'scope'],
			[{ window: 'decade' }, 'window'],
			[{ limit: 0 }, 'limit'],
			[{ limit: 1001 }, 'limit'],
			[{ limit: 'ten' }, 'limit'],
			[{ team: 'not-a-uuid' }, 'team'],
			[{ board: 'x'.repeat(65) }, 'board'],
			[{ scope: 'teams', team: s.team }, 'team']
		];
		for (const [params, field] of bad) {
			const res = await getBoard(s.token, params);
			expect(res.status, JSON.stringify(params)).toBe(400);
			expect(Object.keys(res.json().fields), JSON.stringify(params)).toContain(field);
			expect(res.json().error).toEqual(expect.any(String));
		}
		const unknown = await getBoard(s.token, { board: 'telepathy' });
		expect(unknown.status).toBe(404);
		expect(unknown.json().fields).toHaveProperty('board');
		expect((await getBoard(s.token, { around: 'nobody@example.test' })).status).toBe(404);
		const noTeam = await getBoard(s.token, { team: '6f1c2b9e-8d7a-4c3b-9e2f-1a2b3c4d5e6f' });
		expect(noTeam.status).toBe(404);
		expect(noTeam.json().error).toBe('Team was not found.');
		expect((await app.browser().get('/api/v1/leaderboards')).status).toBe(401);
	});
});
