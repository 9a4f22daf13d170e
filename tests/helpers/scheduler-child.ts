// A Podium process for the multi-process scheduler tests: the real runtime from the environment
// (DATABASE_URL: the database the parent uses), with a handler for one test job kind that prints a
// JSON line per run: {"event":"ran","id":…,"label":…,"attempt":…,"at":ms,"dueAt":ms,"pid":…}.
// A payload with hangOnFirst prints {"event":"started",…} on its first attempt and never finishes
// (the parent kills the process there). Prints {"event":"ready"} once polling, {"event":"polled"} after
// each poll (the parent waits for polls, not for time); exits on SIGTERM.
// Run: node --import tsx tests/helpers/scheduler-child.ts <kind> <leaseMs>
import { writeSync } from 'node:fs';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';

declare module '../../src/lib/server/platform/scheduler' {
	interface JobPayloads {
		'test.child': { label: string; hangOnFirst?: boolean };
	}
}

const [kind, leaseMs] = process.argv.slice(2);
const say = (line: Record<string, unknown>) => writeSync(1, `${JSON.stringify({ ...line, pid: process.pid })}\n`);

const runtime = await getRuntime();
runtime.scheduler.register(
	kind as 'test.child',
	async (payload, job) => {
		if (payload.hangOnFirst && job.attempt === 1) {
			say({ event: 'started', id: job.id, attempt: job.attempt });
			await new Promise(() => {});
		}
		say({ event: 'ran', id: job.id, label: payload.label, attempt: job.attempt, at: Date.now(), dueAt: job.dueAt.getTime() });
	},
	{ leaseMs: Number(leaseMs) || 30_000 }
);
runtime.scheduler.onPoll(() => say({ event: 'polled' }));
say({ event: 'ready' });

async function stop() {
	setTimeout(() => process.exit(1), 5000).unref();
	await closeRuntime().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
