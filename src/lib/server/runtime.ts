// The process-wide runtime: config, database, live store and domain events.
// It lives on globalThis so that the SvelteKit bundle, the Vite dev server and server/index.ts,
// which each load their own copy of this module, share one database and one event bus.
import { configFromProcess, type Config } from './config';
import { migrateToLatest, openDatabase, type Db, type DbKind } from './db';
import { DomainEventBus } from './events';
import { MemoryLiveStore } from './live/memory.store';
import { RedisLiveStore } from './live/redis.store';
import type { LiveStore } from './live/store';
import { log, setLogLevel } from './log';
import { forgetOrgClock, rebuildOrg, reconcile, releaseRebuildLocks } from './scoring/live.service';
import { forgetOrgLookups } from './scoring/lookups';
import { seedDemoIfEmpty, type DemoCredentials } from './services/demo.service';

export interface RealtimeStatus {
	status: 'up' | 'down';
	adapter: 'memory' | 'redis-streams';
	clients: number;
}

export interface Runtime {
	config: Config;
	db: Db;
	dbKind: DbKind;
	live: LiveStore;
	events: DomainEventBus;
	demo: DemoCredentials | undefined;
	realtime: (() => RealtimeStatus) | undefined;
	close(): Promise<void>;
}

const KEY = Symbol.for('podium.runtime');
const RECONCILE_MS = 10_000;
type Holder = { [KEY]?: Promise<Runtime> };

async function createRuntime(config: Config): Promise<Runtime> {
	setLogLevel(config.logLevel);
	const handle = await openDatabase(config);
	let live: LiveStore | undefined;
	try {
		const applied = await migrateToLatest(handle.db);
		if (applied.length) log.info(`database: applied migrations ${applied.join(', ')}`);
		live = config.redisUrl ? await RedisLiveStore.connect(config.redisUrl) : new MemoryLiveStore();
		const demo =
			handle.kind === 'pglite' && config.demoSeed === 'auto' ? await seedDemoIfEmpty(handle.db) : undefined;
		const liveStore = live;
		const events = new DomainEventBus();
		// Events committed but never applied (a crash between commit and apply) and boards lost to a
		// flush are repaired now and then every RECONCILE_MS.
		const deps = { db: handle.db, live: liveStore };
		await reconcile(deps, 24 * 60 * 60_000);
		let reconciling = false;
		const timer = setInterval(() => {
			if (reconciling) return;
			reconciling = true;
			reconcile(deps)
				.catch((error) => log.warn('live store: reconcile failed', error))
				.finally(() => (reconciling = false));
		}, RECONCILE_MS);
		timer.unref();
		// A new time zone or week start moves every window: rebuild that organization's boards.
		events.on('org.changed', ({ organizationId, what }) => {
			// Members, teams or settings changed: ingest's cached lookups of the org are stale.
			forgetOrgLookups(organizationId);
			if (what !== 'settings') return;
			forgetOrgClock(organizationId);
			rebuildOrg(deps, organizationId).catch((error) => log.warn('live store: rebuild after settings change failed', error));
		});
		const runtime: Runtime = {
			config,
			db: handle.db,
			dbKind: handle.kind,
			live: liveStore,
			events,
			demo,
			realtime: undefined,
			async close() {
				clearInterval(timer);
				await releaseRebuildLocks(liveStore);
				await liveStore.close();
				await handle.close();
			}
		};
		return runtime;
	} catch (error) {
		await live?.close().catch(() => {});
		await handle.close().catch(() => {});
		throw error;
	}
}

export function getRuntime(): Promise<Runtime> {
	const holder = globalThis as Holder;
	if (!holder[KEY]) {
		const created = Promise.resolve().then(() => createRuntime(configFromProcess()));
		holder[KEY] = created;
		// A failed start must not be cached forever: the next call tries again.
		created.catch(() => {
			if (holder[KEY] === created) delete holder[KEY];
		});
	}
	return holder[KEY]!;
}

export async function closeRuntime(): Promise<void> {
	const holder = globalThis as Holder;
	const current = holder[KEY];
	delete holder[KEY];
	if (current) await (await current).close();
}
