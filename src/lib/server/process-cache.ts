// A map shared by every copy of a module in this process. The SvelteKit bundle, the Vite dev server's
// module graph and server/index.ts can each load their own copy of a service module (the runtime is
// shared the same way, see runtime.ts); a cache forgotten through one copy must be forgotten for all.
export function processMap<K, V>(name: string): Map<K, V> {
	const key = Symbol.for(`podium.cache.${name}`);
	const holder = globalThis as unknown as Record<symbol, Map<K, V> | undefined>;
	return (holder[key] ??= new Map<K, V>());
}
