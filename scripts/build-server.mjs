// The production server entry, compiled: server/index.ts and the server code it imports, bundled by
// esbuild into build/podium.js (packages stay imports of node_modules). `npm start` runs it with plain
// node: no TypeScript loader at run time, which costs a loader thread, its transform caches and a
// module resolution round trip per dynamic import. Runs after `vite build` (npm run build).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
	absWorkingDir: root,
	entryPoints: ['server/index.ts'],
	outfile: 'build/podium.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	alias: { $lib: './src/lib' },
	// The SvelteKit handler is vite's build, loaded at run time (server/index.ts imports it by path).
	external: ['../build/*'],
	// Stack traces map back to the TypeScript with NODE_OPTIONS=--enable-source-maps.
	sourcemap: 'linked',
	logLevel: 'warning'
});
