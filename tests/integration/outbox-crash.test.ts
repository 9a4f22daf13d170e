// The outbox survives kill -9 without a duplicate (only with DATABASE_URL: a second process must open
// the same database). A Podium process (tests/helpers/outbox-child.ts) commits a moment's outbox row for
// a Standard Webhooks channel whose receiver is a local server here, and is killed with SIGKILL — once
// between the commit and any send, once while the receiver holds its request open (the request never
// completes), and once the instant the transaction that wrote a big deal's event (through the public
// API's handler) commits, before ingest goes on: its outbox row committed with the event, so nothing
// after the commit had to run. A fresh process sends: the receiver completes exactly one delivery after
// a settle period, and the row is marked sent. The killed process's claims (the outbox row's lease, the
// sender job's lease) stand until their leases run out; the test ends them at once, as time would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Db } from '../../src/lib/server/db';
import { parseConfig } from '../../src/lib/server/platform/config';
import { createChannel } from '../../src/lib/server/integrations/notification.service';
import { standardSignature } from '../../src/lib/server/integrations/signatures';
import { usingPostgres } from '../helpers/env';
import { startReportingChild, until, type ReportingChild } from '../helpers/child';
import { addApiToken, addRep, createOrg, createScratchDatabase } from '../helpers/scoring';

vi.setConfig({ testTimeout: 180_000 });

interface Line {
	event: 'ready' | 'queued' | 'committed' | 'not-in-a-transaction';
	pid: number;
	count?: number;
}
type Child = ReportingChild<Line>;

/** A Standard Webhooks receiver that counts completed deliveries per webhook-id; it can hold requests open. */
function receiver(secret: () => string) {
	const completed: string[] = [];
	const arrived: string[] = [];
	const heldOpen: http.ServerResponse[] = [];
	let hold = false;
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const id = String(req.headers['webhook-id']);
			const expected = standardSignature(secret(), id, String(req.headers['webhook-timestamp']), body);
			if (!String(req.headers['webhook-signature']).split(' ').includes(expected)) {
				res.writeHead(401).end();
				return;
			}
			arrived.push(id);
			if (hold) {
				heldOpen.push(res);
				return;
			}
			completed.push(id);
			res.writeHead(204).end();
		});
	});
	return {
		completed,
		arrived,
		setHold: (on: boolean) => (hold = on),
		listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
		close: () => {
			heldOpen.forEach((r) => r.destroy());
			server.closeAllConnections();
			return new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

describe.runIf(usingPostgres)('the outbox across a process killed between commit and send', () => {
	let db: Db;
	let closeDb: () => Promise<void>;
	let drop: () => Promise<void>;
	let url: string;
	const children: Child[] = [];

	beforeAll(async () => {
		const scratch = await createScratchDatabase('podium_outbox_crash');
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

	function startChild(mode: 'queue' | 'send' | 'serve' | 'ingest' | 'sender', organizationId: string, extra: string[] = []): Promise<Child> {
		const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error', PODIUM_DEMO_SEED: 'off' };
		delete env.REDIS_URL;
		return startReportingChild<Line>('outbox child', 'tests/helpers/outbox-child.ts', { args: [mode, organizationId, ...extra], env }).then((c) => {
			children.push(c);
			return c;
		});
	}

	async function setUp(moments: string[] = ['kudos'], extra: Record<string, string> = {}) {
		const org = await createOrg(db, { timeZone: 'UTC' });
		const admin = { userId: org.adminId, organizationId: org.organizationId, role: 'admin' as const };
		let secret = '';
		const hook = receiver(() => secret);
		const base = await hook.listen();
		const config = parseConfig({ ...process.env, DATABASE_URL: url });
		const channel = await createChannel({ db, config }, admin, { kind: 'webhook', name: 'Receiver', url: `${base}/podium`, moments, allowPrivate: 'on', ...extra });
		secret = channel.signingSecret!;
		const rows = () =>
			sql<{ id: string; status: string; sent_at: Date | null; dedupe_key: string }>`select id, status, sent_at, dedupe_key from notification_outbox where channel_id = ${channel.id}`.execute(db).then((r) => r.rows);
		return { org, hook, rows };
	}

	/** Ends the dead process's leases (the outbox row's and the sender job's), as time would. */
	const endLeases = async () => {
		await sql`update notification_outbox set claimed_until = now() where claimed_until is not null and status = 'pending'`.execute(db);
		await sql`update jobs set locked_until = now() where status = 'running'`.execute(db);
	};

	async function restartAndSettle(organizationId: string, hook: ReturnType<typeof receiver>, rows: () => Promise<{ status: string; sent_at: Date | null }[]>) {
		const second = await startChild('serve', organizationId);
		await until(() => second.lines.some((l) => l.event === 'queued'), 30_000, 'the restarted process to hear the moment');
		// Hearing the moment again queues nothing more.
		expect(second.lines.find((l) => l.event === 'queued')!.count).toBe(0);
		await until(() => hook.completed.length >= 1, 60_000, 'the delivery after the restart');
		await new Promise((r) => setTimeout(r, 6_000)); // three sender runs more
		await until(async () => (await rows())[0]?.status === 'sent', 10_000, 'the row marked sent');
		await second.stop();
	}

	test('killed after the commit, before any send: the next process sends it once', async () => {
		const { org, hook, rows } = await setUp();
		try {
			const first = await startChild('queue', org.organizationId);
			await first.exited;
			expect(first.process.signalCode).toBe('SIGKILL');
			expect(first.lines.find((l) => l.event === 'queued')?.count).toBe(1);
			expect(hook.arrived).toEqual([]);
			expect(await rows()).toMatchObject([{ status: 'pending', sent_at: null }]);

			await restartAndSettle(org.organizationId, hook, rows);
			expect(hook.completed).toHaveLength(1);
			expect(hook.arrived).toHaveLength(1);
			const [row] = await rows();
			expect(row.status).toBe('sent');
			expect(row.sent_at).not.toBeNull();
		} finally {
			await hook.close();
		}
	});

	test('killed the instant a big deal’s transaction commits, before ingest goes on: the next process sends it once', async () => {
		const { org, hook, rows } = await setUp(['big_deal'], { bigDeal: '1000' });
		try {
			const rep = await addRep(db, org.organizationId, { name: 'Ana Crash' });
			const { token } = await addApiToken(db, org.organizationId);
			const first = await startChild('ingest', org.organizationId, [token, rep.email]);
			await first.exited;
			expect(first.process.signalCode).toBe('SIGKILL');
			expect(first.lines.map((l) => l.event)).toEqual(['ready', 'committed']);
			// The cause is committed, and so is its notification; nothing after the commit ran.
			const { rows: events } = await sql<{ id: string }>`select id from score_events where organization_id = ${org.organizationId} and idempotency_key = 'crash-deal'`.execute(db);
			expect(events).toHaveLength(1);
			expect(await rows()).toMatchObject([{ status: 'pending', sent_at: null, dedupe_key: `deal:${events[0].id}` }]);
			expect(hook.arrived).toEqual([]);

			const second = await startChild('sender', org.organizationId);
			await until(() => hook.completed.length >= 1, 60_000, 'the delivery after the restart');
			await new Promise((r) => setTimeout(r, 6_000)); // three sender runs more
			await until(async () => (await rows())[0]?.status === 'sent', 10_000, 'the row marked sent');
			await second.stop();
			expect(hook.completed).toHaveLength(1);
			expect(hook.arrived).toHaveLength(1);
			expect(await rows()).toMatchObject([{ status: 'sent', dedupe_key: `deal:${events[0].id}` }]);
		} finally {
			await hook.close();
		}
	});

	test('killed while the receiver holds the request open: exactly one completed delivery after the restart', async () => {
		const { org, hook, rows } = await setUp();
		try {
			hook.setHold(true);
			const first = await startChild('send', org.organizationId);
			await until(() => hook.arrived.length === 1, 30_000, 'the first post to reach the receiver');
			first.process.kill('SIGKILL');
			await first.exited;
			expect(hook.completed).toEqual([]);
			expect(await rows()).toMatchObject([{ status: 'pending', sent_at: null }]);
			hook.setHold(false);

			await endLeases();
			await restartAndSettle(org.organizationId, hook, rows);
			expect(hook.completed).toHaveLength(1);
			// The retry carries the same webhook-id as the post that never completed.
			expect(hook.arrived).toHaveLength(2);
			expect(hook.arrived[1]).toBe(hook.arrived[0]);
			expect((await rows())[0].status).toBe('sent');
		} finally {
			await hook.close();
		}
	});
});
