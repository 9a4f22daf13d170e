// Domain events. Services emit them; only the realtime gateway knows which rooms they reach.
import { EventEmitter } from 'node:events';
import type { ScoredEvent } from '../shared/scoring';

export interface DomainEvents {
	'org.changed': { organizationId: string; what: 'teams' | 'members' | 'settings' };
	'user.sessions_revoked': { userId: string; organizationId: string };
	/** Events were committed (and applied live, or left to the reconciler). */
	'scores.changed': { organizationId: string; events: ScoredEvent[] };
}

export type DomainEventName = keyof DomainEvents;

export class DomainEventBus {
	private emitter = new EventEmitter();

	constructor() {
		this.emitter.setMaxListeners(100);
	}

	emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]) {
		this.emitter.emit(name, payload);
	}

	on<K extends DomainEventName>(name: K, listener: (payload: DomainEvents[K]) => void) {
		this.emitter.on(name, listener);
		return () => this.emitter.off(name, listener);
	}
}
