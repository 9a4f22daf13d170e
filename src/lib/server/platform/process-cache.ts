// A map shared by every copy of a module in this process. The SvelteKit bundle, the Vite dev server's
// module graph and server/index.ts can each load their own copy of a service module (the runtime is
// shared the same way, see runtime.ts); a cache forgotten through one copy must be forgotten for all.
import { systemClock, type Clock } from './clock';

export function processMap<K, V>(name: string): Map<K, V> {
	const key = Symbol.for(`podium.cache.${name}`);
	const holder = globalThis as unknown as Record<symbol, Map<K, V> | undefined>;
	return (holder[key] ??= new Map<K, V>());
}

// The clock every process cache reads its entries' ages from, shared like the maps themselves. The system
// clock unless a test sets a FakeClock to age the caches without waiting.
const CLOCK_KEY = Symbol.for('podium.cache.clock');
const clockHolder = globalThis as unknown as Record<symbol, Clock | undefined>;

/** Milliseconds since the epoch by the process caches' clock. */
export function cacheNow(): number {
	return (clockHolder[CLOCK_KEY] ?? systemClock).now().getTime();
}

/** For tests: ages every process cache by `clock`; the returned function puts the system clock back. */
export function setCacheClock(clock: Clock): () => void {
	clockHolder[CLOCK_KEY] = clock;
	return () => {
		if (clockHolder[CLOCK_KEY] === clock) delete clockHolder[CLOCK_KEY];
	};
}
