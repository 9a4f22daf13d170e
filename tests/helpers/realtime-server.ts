// A second Podium realtime process for the cross-process test: the gateway and the ingest API
// (POST /api/v1/events) on an ephemeral port, configured from the environment like production (it
// needs DATABASE_URL and REDIS_URL to share anything).
// Prints {"port":N} once listening; exits on SIGTERM/SIGINT or when the parent closes its stdin.
// Run: node --import tsx tests/helpers/realtime-server.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ingestFastPath } from '../../server/api/ingest-fast-path';
import { attachRealtime } from '../../server/realtime/gateway';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';

const runtime = await getRuntime();
const ingest = ingestFastPath(runtime);
const server = createServer((req, res) => {
	if (!ingest(req, res)) res.writeHead(404).end();
});
const gateway = await attachRealtime(server, runtime);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);

let stopping = false;
async function stop() {
	if (stopping) return;
	stopping = true;
	setTimeout(() => process.exit(1), 5000).unref();
	await gateway.close().catch(() => {});
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await closeRuntime().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The parent holds our stdin: if it dies without cleaning up, we go too.
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
