// Ingest's per-batch queries stay cheap for an organization newer than the planner's statistics.
// Statistics gathered before an organization had events say it has none; a plan chosen on that promise
// once read the organization's whole history on every capped ingest (through another index starting
// with organization_id), getting slower with every event. Here: one organization's history is analyzed,
// a second organization then gets events, and its idempotency lookup and daily-cap sums must read only
// the rows they are about. On PGlite, and on Postgres with DATABASE_URL.
import '../helpers/env';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { eventsByKeysQuery, insertEvents, insertEventsQuery, lastOrgSeq, pointsInRangesQuery, type NewScoreEvent } from '../../src/lib/server/scoring/event.repository';
import { addRep, createOrg, openTestDb, type TestRep } from '../helpers/scoring';

vi.setConfig({ testTimeout: 120_000 });

let db: Db;
let close: () => Promise<void>;
const DAY = 86_400_000;
const today = new Date(Math.floor(Date.now() / DAY) * DAY);

async function metricIds(organizationId: string) {
	const rows = await db.selectFrom('metrics').select(['id', 'key']).where('organization_id', '=', organizationId).execute();
	return new Map(rows.map((r) => [r.key, r.id]));
}

/** `count` events spread over the reps, metrics and the last `days` days (today included). */
async function history(organizationId: string, reps: TestRep[], count: number, days: number, prefix: string) {
	const metrics = [...(await metricIds(organizationId)).values()];
	const rows: NewScoreEvent[] = Array.from({ length: count }, (_, i) => ({
		organization_id: organizationId,
		metric_id: metrics[Math.floor(i / reps.length) % metrics.length],
		user_id: reps[i % reps.length].userId,
		team_id: null,
		value: 1,
		points: 1,
		occurred_at: new Date(today.getTime() + (i % days) * -DAY + (i % 997) * 60_000),
		source: 'api',
		actor_id: null,
		note: null,
		idempotency_key: `${prefix}-${i}`,
		content_hash: `h${i}`
	}));
	for (let i = 0; i < rows.length; i += 1000) await insertEvents(db, rows.slice(i, i + 1000));
}

type PlanNode = { 'Relation Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; 'Rows Removed by Index Recheck'?: number; Plans?: PlanNode[] };

/** Rows of score_events the statement looked at (returned or filtered out), from EXPLAIN ANALYZE. */
async function eventRowsRead(query: RawBuilder<unknown>) {
	const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${query}`.execute(db);
	const raw = rows[0]['QUERY PLAN'];
	const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
	let read = 0;
	const walk = (node: PlanNode) => {
		if (node['Relation Name'] === 'score_events') {
			const perLoop = (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
			read += perLoop * (node['Actual Loops'] ?? 1);
		}
		node.Plans?.forEach(walk);
	};
	walk(plan[0].Plan);
	return read;
}

let newer: { organizationId: string; reps: TestRep[] };

beforeAll(async () => {
	({ db, close } = await openTestDb());
	const older = await createOrg(db);
	const olderReps = await Promise.all(Array.from({ length: 20 }, () => addRep(db, older.organizationId)));
	await history(older.organizationId, olderReps, 6000, 30, 'old');
	await sql`analyze score_events`.execute(db);
	// After the statistics: for the planner, this organization has no events.
	const org = await createOrg(db);
	const reps = await Promise.all(Array.from({ length: 30 }, () => addRep(db, org.organizationId)));
	await history(org.organizationId, reps, 3000, 1, 'new');
	newer = { organizationId: org.organizationId, reps };
});

afterAll(async () => {
	await close?.();
});

describe('an organization newer than the statistics, with 3,000 events today', () => {
	test('looking up idempotency keys reads only the events with those keys', async () => {
		const query = eventsByKeysQuery(db, newer.organizationId, ['new-17', 'new-2999', 'new-unknown']);
		expect((await query.execute()).map((r) => r.idempotency_key).sort()).toEqual(['new-17', 'new-2999']);
		const compiled = query.compile();
		expect(await eventRowsRead(sql.raw(interpolate(compiled.sql, compiled.parameters)))).toBeLessThanOrEqual(2);
	});

	test("summing a rep's day for the daily cap reads only that rep's events of the day", async () => {
		const metrics = await metricIds(newer.organizationId);
		const rep = newer.reps[3];
		const range = { userId: rep.userId, metricId: metrics.get('call')!, start: today, end: new Date(today.getTime() + DAY) };
		const { rows } = await pointsInRangesQuery(newer.organizationId, [range]).execute(db);
		// 3,000 events round-robin over 30 reps, each rep's over the 5 metrics: rep 3 has 100 today, 20 of them calls.
		expect(Number(rows[0].points)).toBe(20);
		expect(await eventRowsRead(pointsInRangesQuery(newer.organizationId, [range]))).toBeLessThanOrEqual(100);
	});
});

describe('duplicates', () => {
	test('re-sending 100 stored events reads one index entry each and takes no org_seq, however long the history', async () => {
		const rows = await db
			.selectFrom('score_events')
			.selectAll()
			.where('organization_id', '=', newer.organizationId)
			.orderBy('id')
			.limit(100)
			.execute();
		const again: NewScoreEvent[] = rows.map((r) => ({ ...r, value: Number(r.value), points: Number(r.points), flag: null }));
		const before = await lastOrgSeq(db, newer.organizationId);
		expect(before).toBe(3000);
		expect(await eventRowsRead(insertEventsQuery(again))).toBeLessThanOrEqual(100);
		expect(await insertEvents(db, again)).toEqual([]);
		expect(await lastOrgSeq(db, newer.organizationId)).toBe(before);
	});
});

/** The statement with its parameters written in as literals, for EXPLAIN (which takes no parameters here). */
function interpolate(text: string, parameters: readonly unknown[]) {
	return text.replace(/\$(\d+)/g, (_, n) => {
		const value = parameters[Number(n) - 1];
		if (typeof value === 'number') return String(value);
		return `'${String(value).replace(/'/g, "''")}'`;
	});
}
