// The whole app (SvelteKit pages and API, the realtime gateway) in a child process, for fault tests
// that must point it at services of their own (a private Redis they restart). Configured from the
// environment like production. Prints {"port":N} once listening; exits on SIGTERM/SIGINT or when
// the parent closes its stdin.
// Run: node --import tsx tests/helpers/app-server.ts
import { startApp } from './app';

const app = await startApp();
process.stdout.write(`${JSON.stringify({ port: Number(new URL(app.url).port) })}\n`);

let stopping = false;
async function stop() {
	if (stopping) return;
	stopping = true;
	setTimeout(() => process.exit(1), 5000).unref();
	await app.close().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The parent holds our stdin: if it dies without cleaning up, we go too.
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
