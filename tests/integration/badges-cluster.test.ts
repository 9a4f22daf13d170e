// Badges across real processes (only with DATABASE_URL): two Podium processes sharing one database
// (and Redis when REDIS_URL is set) each ingest their half of an event stream at the same time; each
// evaluates the events it committed. Every tier is awarded once, and announced by one process once.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { usingPostgres, uniqueSuffix } from '../helpers/env';
import { startReportingChild, until, type ReportingChild } from '../helpers/child';
import { addRep, createOrg, createScratchDatabase } from '../helpers/scoring';

vi.setConfig({ testTimeout: 180_000 });

interface Line {
	event: 'ready' | 'done' | 'moment';
	pid: number;
	batch?: number;
	id?: string;
	type?: string;
	tier?: string | null;
	userId?: string;
}
type Child = ReportingChild<Line>;

function startChild(databaseUrl: string): Promise<Child> {
	return startReportingChild<Line>('badge child', 'tests/helpers/badge-child.ts', {
		env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', PODIUM_DEMO_SEED: 'off' },
		stdin: true
	});
}

describe.runIf(usingPostgres)('badges across processes', () => {
	let db: Db;
	let closeDb: () => Promise<void>;
	let drop: () => Promise<void>;
	let url: string;
	const children: Child[] = [];

	beforeAll(async () => {
		const scratch = await createScratchDatabase('podium_badges_cluster');
		url = scratch.url;
		drop = scratch.drop;
		const handle = await openDatabase({ databaseUrl: url, dataDir: 'memory://' });
		db = handle.db;
		closeDb = handle.close;
		await migrateToLatest(db);
	});

	afterAll(async () => {
		await Promise.all(children.map((c) => c.stop()));
		await closeDb?.();
		await drop?.();
	});

	test('an event stream split over two processes awards each badge tier once', async () => {
		children.push(...(await Promise.all([startChild(url), startChild(url)])));
		const org = await createOrg(db);
		const reps = [await addRep(db, org.organizationId), await addRep(db, org.organizationId)];
		const steps = JSON.stringify([{ tier: 'bronze', threshold: 3 }, { tier: 'silver', threshold: 6 }, { tier: 'gold', threshold: 10 }]);
		await db
			.insertInto('badges')
			.values([
				{ organization_id: org.organizationId, name: JSON.stringify({ en: 'Dialer' }), icon: 'phone', rule: JSON.stringify({ kind: 'window', metric: 'call', measure: 'count', window: 'day' }), steps, created_by: null },
				{ organization_id: org.organizationId, name: JSON.stringify({ en: 'First call' }), icon: 'star', rule: JSON.stringify({ kind: 'first_time', metric: 'call' }), steps: JSON.stringify([{ tier: null, threshold: 1 }]), created_by: null }
			])
			.execute();
		// 8 batches of 1 call per rep, sent to the two processes alternately and all at once: 8 calls each.
		const now = new Date().toISOString();
		for (let batch = 0; batch < 8; batch++) {
			const events = reps.map((r) => ({ id: `c-${uniqueSuffix()}`, metric: 'call', user: r.email, value: 1, occurredAt: now }));
			children[batch % 2].process.stdin!.write(`${JSON.stringify({ batch, organizationId: org.organizationId, events })}\n`);
		}
		await until(() => children.every((c) => c.lines.filter((l) => l.event === 'done').length === 4), 60_000, 'every batch');
		expect(children.flatMap((c) => c.lines.filter((l) => l.event === 'done').map((l) => (l as { accepted?: number }).accepted))).toEqual(Array(8).fill(2));

		const awards = await db.selectFrom('badge_awards').select(['user_id', 'tier', 'badge_id', 'id']).where('organization_id', '=', org.organizationId).execute();
		for (const rep of reps) {
			expect(awards.filter((a) => a.user_id === rep.userId).map((a) => a.tier).sort()).toEqual(['', 'bronze', 'silver']);
		}
		// Every award announced exactly once, by one of the two processes; no moment without its award.
		const moments = children.flatMap((c) => c.lines.filter((l) => l.event === 'moment' && l.type === 'badge_awarded'));
		const ids = moments.map((m) => m.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.every((id) => awards.some((a) => `badge:${a.id}` === id))).toBe(true);
		// A jump of two tiers in one evaluation announces the higher only; each rep hears of silver once.
		for (const rep of reps) expect(moments.filter((m) => m.userId === rep.userId && m.tier === 'silver')).toHaveLength(1);
	});
});
