import { createClient, type RedisClientType } from 'redis';
import { log } from '../log';
import type { LiveStore } from './store';

// INCR and the expiry of its first hit happen together, so a counter can never live forever.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

export class RedisLiveStore implements LiveStore {
	readonly kind = 'redis' as const;

	private constructor(
		readonly client: RedisClientType,
		private readonly prefix: string
	) {}

	static async connect(url: string, prefix = 'podium:'): Promise<RedisLiveStore> {
		const client = createClient({
			url,
			socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 3000) }
		}) as RedisClientType;
		// Without an error listener node-redis would crash the process on a Redis outage.
		client.on('error', (error) => log.warn(`redis live store: ${error?.message ?? error}`));
		await client.connect();
		return new RedisLiveStore(client, prefix);
	}

	async ping() {
		if (!this.client.isReady) return false;
		try {
			return (await this.client.ping()) === 'PONG';
		} catch {
			return false;
		}
	}

	async hit(key: string, windowMs: number) {
		const result = await this.client.eval(HIT_SCRIPT, {
			keys: [this.prefix + key],
			arguments: [String(windowMs)]
		});
		return Number(result);
	}

	async count(key: string) {
		const value = await this.client.get(this.prefix + key);
		return value ? Number(value) : 0;
	}

	async ttl(key: string) {
		const ms = await this.client.pTTL(this.prefix + key);
		return ms > 0 ? ms : 0;
	}

	async reset(key: string) {
		await this.client.del(this.prefix + key);
	}

	async close() {
		if (this.client.isOpen) await this.client.quit().catch(() => this.client.disconnect());
	}
}
