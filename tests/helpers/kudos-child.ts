// A second Podium process for the kudos allowance test: the real runtime from the environment
// (DATABASE_URL: the database the parent uses). It prints {"event":"ready"}, then reads one JSON line on
// stdin ({ actor, input, n }), gives that kudos n times at once and prints
// {"event":"results","accepted":k,"refused":[fields]}; exits on SIGTERM.
// Run: node --import tsx tests/helpers/kudos-child.ts
import { writeSync } from 'node:fs';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';
import { giveKudos } from '../../src/lib/server/recognition/kudos.service';
import { AppError } from '../../src/lib/server/platform/errors';

const say = (line: Record<string, unknown>) => writeSync(1, `${JSON.stringify({ ...line, pid: process.pid })}\n`);
const runtime = await getRuntime();
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (chunk) => {
	input += chunk;
	const newline = input.indexOf('\n');
	if (newline < 0) return;
	const order = JSON.parse(input.slice(0, newline));
	input = '';
	const results = await Promise.allSettled(Array.from({ length: order.n }, (_, i) => giveKudos(runtime, order.actor, { ...order.input, message: `${order.input.message} #${i}` })));
	say({
		event: 'results',
		accepted: results.filter((r) => r.status === 'fulfilled').length,
		refused: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason instanceof AppError ? r.reason.field : String(r.reason)))
	});
});
say({ event: 'ready' });

async function stop() {
	setTimeout(() => process.exit(1), 5000).unref();
	await closeRuntime().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
