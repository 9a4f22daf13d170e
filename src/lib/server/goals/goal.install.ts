// The goals domain's start-up: its board family in the catalog (before anything is rebuilt), the job
// that makes a goal final, and the listener that forgets cached goals on a change in any process.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import { registerGoalFamily } from './goal.family';
import { installGoalJobs } from './goal.service';

export { registerGoalFamily };

export async function installGoals(deps: { db: Db; live: LiveStore; events: DomainEventBus; scheduler: Scheduler }): Promise<() => void> {
	registerGoalFamily();
	return installGoalJobs(deps);
}
