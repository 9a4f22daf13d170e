// A Podium process for the badges cluster test: the real runtime from the environment (DATABASE_URL,
// and REDIS_URL when set), with the badge engine installed as in production. It reads JSON lines on
// stdin, {"batch":n,"organizationId":…,"events":[…]}, ingests each batch (the engine evaluates the
// events this process committed), waits for the engine, and prints {"event":"done","batch":n}; each
// recognition moment it emits is printed as {"event":"moment","id":…,"type":…,"tier":…}. Exits on SIGTERM.
// Run: node --import tsx tests/helpers/badge-child.ts
import { writeSync } from 'node:fs';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';
import { engineIdle } from '../../src/lib/server/recognition/badge.engine';

const say = (line: Record<string, unknown>) => writeSync(1, `${JSON.stringify({ ...line, pid: process.pid })}\n`);
const runtime = await getRuntime();
runtime.events.on('recognition.moment', ({ moment }) => say({ event: 'moment', id: moment.id, type: moment.type, tier: moment.badge?.tier ?? null, userId: moment.user.id }));

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	input += chunk;
	let newline: number;
	while ((newline = input.indexOf('\n')) >= 0) {
		const line = JSON.parse(input.slice(0, newline));
		input = input.slice(newline + 1);
		void (async () => {
			const results = await ingestEvents(runtime, { organizationId: line.organizationId, source: 'api', actorId: null }, line.events);
			await engineIdle();
			say({ event: 'done', batch: line.batch, accepted: results.filter((r) => r.status === 'accepted').length });
		})();
	}
});
say({ event: 'ready' });

async function stop() {
	setTimeout(() => process.exit(1), 5000).unref();
	await closeRuntime().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
