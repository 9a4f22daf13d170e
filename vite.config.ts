import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin, ViteDevServer } from 'vite';
import { defineConfig } from 'vitest/config';

/** Attaches the same realtime gateway and ingest fast path as production to the dev server. */
function podiumRealtime(): Plugin {
	return {
		name: 'podium-realtime',
		apply: 'serve',
		async configureServer(server: ViteDevServer) {
			if (!server.httpServer || server.config.mode === 'test') return;
			// Loaded through Vite so that it shares the runtime (database, events) with SvelteKit's SSR.
			const { attachRealtime } = await server.ssrLoadModule('/server/realtime/gateway.ts');
			const { getRuntime } = await server.ssrLoadModule('/src/lib/server/platform/runtime.ts');
			const { ingestFastPath } = await server.ssrLoadModule('/server/api/ingest-fast-path.ts');
			const runtime = await getRuntime();
			const gateway = await attachRealtime(server.httpServer, runtime);
			// The ingest API's fast path, as in production (server/index.ts), ahead of SvelteKit.
			const ingest = ingestFastPath(runtime);
			server.middlewares.use((req, res, next) => {
				if (!ingest(req, res)) next();
			});
			server.httpServer.once('listening', () => {
				const address = server.httpServer?.address();
				const port = typeof address === 'object' && address ? address.port : '';
				const log = server.config.logger;
				log.info(`\n  Podium database: ${runtime.dbKind}, live store: ${runtime.live.kind}`);
				if (runtime.demo) {
					log.info(`  Demo sign-in at http://localhost:${port}/login: ${runtime.demo.email} / ${runtime.demo.password}\n`);
				}
			});
			server.httpServer.once('close', () => void gateway.close());
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), podiumRealtime()],
	server: { port: 5173, strictPort: false },
	test: {
		testTimeout: 30_000,
		hookTimeout: 60_000,
		pool: 'forks',
		maxWorkers: 2,
		fileParallelism: true,
		// `npm test` runs both; `vitest run --project client` one of them.
		projects: [
			{
				extends: true,
				test: { name: 'server', include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'], environment: 'node' }
			},
			{
				// Browser-side stores (src/lib/realtime), compiled for the browser, in a DOM without a browser.
				extends: true,
				// Svelte's browser build, so that components can be mounted (tests/client/*.svelte.test.ts).
				resolve: { conditions: ['browser'] },
				test: { name: 'client', include: ['tests/client/**/*.test.ts'], environment: 'happy-dom' }
			}
		]
	}
});
