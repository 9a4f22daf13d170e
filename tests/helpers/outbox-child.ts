// A Podium process for the outbox crash test: the real runtime from the environment (DATABASE_URL, the
// parent's scratch database), so its scheduler runs the outbox sender every 2 s as in production.
// Modes (argv: <mode> <organizationId>):
//   queue  — stops its scheduler, commits the moment's outbox rows, prints {"event":"queued"} and kills
//            itself with SIGKILL: dead between the commit and any send.
//   send   — commits the moment and lets its sender post it (the parent kills it while the receiver
//            holds the request).
//   serve  — hears the same moment again (a restarted process replaying what it heard) and sends.
// Prints {"event":"ready"} first.
// Run: node --import tsx tests/helpers/outbox-child.ts <mode> <organizationId>
import { writeSync } from 'node:fs';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';
import { announce } from '../../src/lib/server/integrations/notification.service';

const [mode, organizationId] = process.argv.slice(2);
const say = (line: Record<string, unknown>) => writeSync(1, `${JSON.stringify({ ...line, pid: process.pid })}\n`);
const moment = () => announce(runtime, organizationId, 'kudos', 'recognition:crash-test', { key: 'kudos', params: { text: 'Ana → Ben: thank you' } });

const runtime = await getRuntime();
say({ event: 'ready' });
if (mode === 'queue') {
	await runtime.scheduler.stop();
	say({ event: 'queued', count: await moment() });
	process.kill(process.pid, 'SIGKILL');
} else {
	say({ event: 'queued', count: await moment() });
}

async function stop() {
	setTimeout(() => process.exit(1), 5000).unref();
	await closeRuntime().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
