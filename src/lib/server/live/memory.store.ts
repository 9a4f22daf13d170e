import type { LiveStore } from './store';

export class MemoryLiveStore implements LiveStore {
	readonly kind = 'memory' as const;
	private counters = new Map<string, { count: number; expiresAt: number }>();

	constructor(private readonly now: () => number = Date.now) {}

	private live(key: string) {
		const entry = this.counters.get(key);
		if (!entry) return undefined;
		if (entry.expiresAt <= this.now()) {
			this.counters.delete(key);
			return undefined;
		}
		return entry;
	}

	async ping() {
		return true;
	}

	async hit(key: string, windowMs: number) {
		const entry = this.live(key);
		if (entry) {
			entry.count += 1;
			return entry.count;
		}
		this.counters.set(key, { count: 1, expiresAt: this.now() + windowMs });
		return 1;
	}

	async count(key: string) {
		return this.live(key)?.count ?? 0;
	}

	async ttl(key: string) {
		const entry = this.live(key);
		return entry ? entry.expiresAt - this.now() : 0;
	}

	async reset(key: string) {
		this.counters.delete(key);
	}

	async close() {
		this.counters.clear();
	}
}
