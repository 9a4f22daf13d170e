// Production entry: the SvelteKit handler (adapter-node) and the realtime gateway on one HTTP server.
import { createServer } from 'node:http';
import { ConfigError } from '../src/lib/server/platform/config';
import { log } from '../src/lib/server/platform/log';
import { closeRuntime, getRuntime } from '../src/lib/server/platform/runtime';
import { ingestFastPath } from './api/ingest-fast-path';
import { attachRealtime } from './realtime/gateway';

async function main() {
	let runtime;
	try {
		runtime = await getRuntime();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
	const { config } = runtime;
	// build/handler.js exists after `npm run build`; it reuses the runtime created above (see runtime.ts).
	// adapter-node refuses bodies over BODY_SIZE_LIMIT (512 KB by default) before our routes see them;
	// the ingest API (1 MB) and CSV import (2 MB of CSV, more as a form post) answer 413 themselves.
	process.env.BODY_SIZE_LIMIT ??= '7M';
	const handlerPath = '../build/handler.js';
	const { handler } = await import(/* @vite-ignore */ handlerPath);
	const ingest = ingestFastPath(runtime);
	const server = createServer((req, res) => ingest(req, res) || handler(req, res));
	const realtime = await attachRealtime(server, runtime);

	await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	const url = config.origin ?? `http://localhost:${port}`;
	log.info(`Podium is running at ${url} (database: ${runtime.dbKind}, live store: ${runtime.live.kind})`);
	if (runtime.demo) log.info(`Demo sign-in: ${runtime.demo.email} / ${runtime.demo.password}`);

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		log.info(`${signal}: shutting down`);
		const force = setTimeout(() => process.exit(1), 10_000);
		force.unref();
		await realtime.close().catch(() => {});
		server.closeAllConnections?.();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		await closeRuntime().catch(() => {});
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
	log.error('Podium failed to start', error);
	process.exit(1);
});
