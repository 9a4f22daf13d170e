// The live store holds derived, rebuildable state (rate-limit counters now; live scores later).
// Two implementations share this interface and one contract test suite: memory and Redis.
export type LiveStoreKind = 'memory' | 'redis';

export interface LiveStore {
	readonly kind: LiveStoreKind;
	/** True when the store answers. Never throws. */
	ping(): Promise<boolean>;
	/** Adds one to a counter that expires windowMs after its first hit; returns the new count. */
	hit(key: string, windowMs: number): Promise<number>;
	/** The current count of a counter, 0 when absent or expired. */
	count(key: string): Promise<number>;
	/** Milliseconds until the counter expires, 0 when absent. */
	ttl(key: string): Promise<number>;
	reset(key: string): Promise<void>;
	close(): Promise<void>;
}
