// A Podium process for the outbox crash test: the real runtime from the environment (DATABASE_URL, the
// parent's scratch database), so its scheduler runs the outbox sender every 2 s as in production.
// Modes (argv: <mode> <organizationId> [<api token> <member e-mail>]):
//   queue  — stops its scheduler, commits the moment's outbox rows, prints {"event":"queued"} and kills
//            itself with SIGKILL: dead between the commit and any send.
//   ingest — stops its scheduler and sends a big deal through the public API's handler (answerIngest);
//            the instant the transaction that wrote it commits, before ingest goes on (the live apply,
//            scores.changed and its listeners), it prints {"event":"committed"} and kills itself with
//            SIGKILL. The hook is this harness's: it wraps the database handle ingest is given. Should
//            the batch commit without a transaction, it prints {"event":"not-in-a-transaction"} and
//            kills itself once ingest returned.
//   send   — commits the moment and lets its sender post it (the parent kills it while the receiver
//            holds the request).
//   serve  — hears the same moment again (a restarted process replaying what it heard) and sends.
//   sender — only runs (a restarted process): its scheduler sends what is due.
// Prints {"event":"ready"} first.
// Run: node --import tsx tests/helpers/outbox-child.ts <mode> <organizationId> [<token> <email>]
import { writeSync } from 'node:fs';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';
import { announce } from '../../src/lib/server/integrations/notification.service';
import { answerIngest } from '../../src/lib/server/scoring/ingest-http';
import type { Db } from '../../src/lib/server/db';

const [mode, organizationId, token, email] = process.argv.slice(2);
const say = (line: Record<string, unknown>) => writeSync(1, `${JSON.stringify({ ...line, pid: process.pid })}\n`);
const moment = () => announce(runtime, organizationId, 'kudos', 'recognition:crash-test', { key: 'kudos', params: { text: 'Ana → Ben: thank you' } });
const die = () => process.kill(process.pid, 'SIGKILL');

/** The database handle with every transaction's commit followed at once, synchronously, by `then`. */
function afterEachCommit(db: Db, then: () => void): Db {
	const bound = (target: object, value: unknown) => (typeof value === 'function' ? value.bind(target) : value);
	return new Proxy(db, {
		get(target, prop) {
			if (prop !== 'transaction') return bound(target, Reflect.get(target, prop, target));
			return () => {
				const builder = target.transaction();
				return new Proxy(builder, {
					get(b, p) {
						if (p !== 'execute') return bound(b, Reflect.get(b, p, b));
						return async (work: Parameters<typeof builder.execute>[0]) => {
							const result = await b.execute(work);
							then();
							return result;
						};
					}
				});
			};
		}
	});
}

const runtime = await getRuntime();
say({ event: 'ready' });
if (mode === 'queue') {
	await runtime.scheduler.stop();
	say({ event: 'queued', count: await moment() });
	die();
} else if (mode === 'ingest') {
	await runtime.scheduler.stop();
	const db = afterEachCommit(runtime.db, () => {
		say({ event: 'committed' });
		die();
	});
	const answer = await answerIngest(
		{ db, live: runtime.live, events: runtime.events },
		{
			authorization: `Bearer ${token}`,
			contentType: 'application/json',
			readBody: async () => JSON.stringify({ events: [{ id: 'crash-deal', metric: 'revenue', user: email, value: 2_500_000 }] })
		}
	);
	say({ event: 'not-in-a-transaction', answer });
	die();
} else if (mode === 'sender') {
	// Nothing to do: the scheduler's outbox job sends what is due.
} else {
	say({ event: 'queued', count: await moment() });
}

async function stop() {
	setTimeout(() => process.exit(1), 5000).unref();
	await closeRuntime().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
