// The process-wide runtime: config, database, live store and domain events.
// It lives on globalThis so that the SvelteKit bundle, the Vite dev server and server/index.ts,
// which each load their own copy of this module, share one database and one event bus.
import { forgetTransparency } from '../transparency/transparency.service';
import { configFromProcess, type Config } from './config';
import { migrateToLatest, openDatabase, type Db, type DbKind } from '../db';
import { DomainEventBus, RedisDomainEventBus } from './events';
import { forgetApiTokens } from '../scoring/token.service';
import { MemoryLiveStore } from '../live/memory.store';
import { RedisLiveStore } from '../live/redis.store';
import type { LiveStore } from '../live/store';
import { log, setLogLevel } from './log';
import { forgetOrgClock, rebuildOrg, reconcile, releaseRebuildLocks } from '../scoring/live.service';
import { forgetOrgLookups } from '../scoring/lookups';
import { Scheduler } from './scheduler';
import { startJobPruning, startReconciler } from './system-jobs';
import { seedDemoIfEmpty, type DemoCredentials } from '../demo/demo.service';
import { installContests } from '../contests/contest.lifecycle';
import { installRecognition } from '../recognition/recognition.install';
import { installTraining } from '../training/training.install';
import { installReviews } from '../coaching/review.service';
import { registerContestFamily } from '../contests/contest.family';
import { installGoals, registerGoalFamily } from '../goals/goal.install';
import { installNotifications } from '../integrations/notification.service';
import { installFlags } from '../coaching/flags.service';

export interface RealtimeStatus {
	status: 'up' | 'down';
	adapter: 'memory' | 'redis-streams';
	clients: number;
	/** Rooms (organization, user, board, activity) with a socket in this process. */
	rooms: number;
}

export interface Runtime {
	config: Config;
	db: Db;
	dbKind: DbKind;
	live: LiveStore;
	events: DomainEventBus;
	demo: DemoCredentials | undefined;
	/** Durable jobs; a domain registers its job kinds here (platform/scheduler.ts). */
	scheduler: Scheduler;
	realtime: (() => RealtimeStatus) | undefined;
	close(): Promise<void>;
}

const KEY = Symbol.for('podium.runtime');
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
		// With Redis, cluster-wide domain events reach every process (see events.ts).
		const events = liveStore instanceof RedisLiveStore ? await RedisDomainEventBus.connect(liveStore.client) : new DomainEventBus();
		// Events committed but never applied (a crash between commit and apply) and boards lost to a
		// flush are repaired now and then every 10 s.
		const deps = { db: handle.db, live: liveStore };
		// The domains' board families are in the catalog before anything is rebuilt.
		registerContestFamily();
		registerGoalFamily();
		await reconcile(deps, 24 * 60 * 60_000);
		// Then periodically, as a scheduler job (platform/system-jobs.ts).
		const scheduler = new Scheduler({ db: handle.db });
		// What it applies is announced, so that open boards are pushed events whose own push failed.
		const stopReconciler = await startReconciler(scheduler, { ...deps, events }, liveStore.kind === 'redis' || handle.kind === 'pglite');
		await startJobPruning(scheduler, handle.db);
		const stopContests = await installContests({ db: handle.db, live: liveStore, events, scheduler });
		const stopRecognition = await installRecognition({ db: handle.db, live: liveStore, events, scheduler });
		const stopGoals = await installGoals({ db: handle.db, live: liveStore, events, scheduler });
		const stopTraining = await installTraining({ db: handle.db, live: liveStore, events, scheduler });
		const stopReviews = await installReviews({ db: handle.db, live: liveStore, events, scheduler });
		const stopNotifications = await installNotifications({ db: handle.db, config, live: liveStore, scheduler });
		const stopFlags = await installFlags({ db: handle.db, scheduler });
		scheduler.start();
		// A new time zone or week start moves every window: rebuild that organization's boards.
		events.on('org.changed', ({ organizationId, what }) => {
			// Members, teams or settings changed: ingest's cached lookups of the org are stale.
			forgetOrgLookups(organizationId);
			if (what !== 'settings') return;
			forgetOrgClock(organizationId);
			rebuildOrg(deps, organizationId).catch((error) => log.warn('live store: rebuild after settings change failed', error));
		});
		// A token revoked in any process stops working here at once, not after its cache entry expires.
		events.on('token.revoked', () => forgetApiTokens());
		// What reps see of the boards changed in some process: this one reads it again at once.
		events.on('transparency.changed', ({ organizationId }) => forgetTransparency(organizationId));
		const runtime: Runtime = {
			config,
			db: handle.db,
			dbKind: handle.kind,
			live: liveStore,
			events,
			demo,
			scheduler,
			realtime: undefined,
			async close() {
				stopReconciler();
				stopContests();
				stopRecognition();
				stopTraining();
				stopReviews();
				stopGoals();
				stopNotifications();
				stopFlags();
				await scheduler.stop();
				await releaseRebuildLocks(liveStore);
				await events.close();
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
