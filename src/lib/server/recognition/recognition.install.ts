// Recognition's start-up, called once per process by the runtime: each feature of the domain (kudos,
// badges and levels, coins and rewards, ideas) adds its installer here: its scheduler jobs and its
// listeners on domain events. Returns what stops them all.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import { installKudos } from './kudos.install';
import { installCoins } from './coin.install';
import { installBadges } from './badge.install';

export interface RecognitionDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
}

export type RecognitionInstaller = (deps: RecognitionDeps) => Promise<() => void>;

/** The features' installers, in the order they start. */
const INSTALLERS: RecognitionInstaller[] = [installKudos, installBadges, installCoins];

export async function installRecognition(deps: RecognitionDeps): Promise<() => void> {
	const stops: (() => void)[] = [];
	for (const install of INSTALLERS) stops.push(await install(deps));
	return () => stops.forEach((stop) => stop());
}
