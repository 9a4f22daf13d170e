import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ out: "build" }),
		// mode 'auto': every server-rendered page gets a fresh nonce on SvelteKit's own inline script (and
		// hashes on prerendered pages, of which there are none). In dev SvelteKit adds what Vite's injected
		// styles need. hooks.server.ts adds the socket's ws(s) origin to connect-src and the other headers.
		// Styles allow 'unsafe-inline': Svelte renders style attributes (style:, transitions) that a
		// nonce cannot cover; scripts never do.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:', 'https:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				// Training videos embed only these two players (shared/training/markdown.ts); nothing else may be framed.
				'frame-src': ['https://www.youtube-nocookie.com', 'https://player.vimeo.com'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
