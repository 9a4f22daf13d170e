// Domain events. Services emit them; only the realtime gateway knows which rooms they reach.
//
// Delivery: a listener always hears an event emitted in its own process, synchronously and once. With
// REDIS_URL, the CLUSTER_EVENTS below are also published on a Redis channel and heard once by every
// other process (a process ignores its own publications), so that caches are forgotten and sockets
// disconnected wherever they live. Per event:
// - org.changed: cluster-wide. Each process forgets its cached clock and lookups of the org and pushes
//   org:changed to its own sockets (never through the Socket.IO adapter, or sockets would hear it twice).
// - user.sessions_revoked, session.revoked, token.revoked, member.access_changed: cluster-wide. Each
//   process disconnects its own matching sockets (and forgets cached API tokens).
// - transparency.changed: cluster-wide. Each process forgets its cached transparency settings and hidden
//   members and tells its TVs; after a settings change it also moves its own reps' sockets between full
//   and limited board rooms and pushes org:changed to its own sockets.
// - contest.changed: cluster-wide. Each process forgets its cached contests and pushes the new status.
// - goal.changed: cluster-wide. Each process forgets its cached goals and tells its own sockets.
// - display.paired, screen.revoked: cluster-wide. The TV's pairing socket and a revoked screen's socket
//   live in any process; each tells or disconnects its own.
// - contest.moment, recognition.moment, recognition.changed, kudos.*: process-local, pushed through the Socket.IO adapter like
//   scores.changed.
// - scores.changed: process-local. It carries the scored events; the emitting process coalesces them
//   into board pushes with one shared seq and sends them through the Socket.IO adapter, which already
//   reaches sockets of every process. Relaying it too would number and send every push once per process.
// An event published while a process is cut off from Redis is not replayed: caches expire by themselves
// (30 s at most) and sockets of a process that lost Redis reconnect through a fresh handshake.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import type { ScoredEvent } from '../../shared/scoring';
import type { ContestMoment, ContestStatus } from '../../shared/contests';
import type { AchievementKind, RecognitionChange, RecognitionMoment } from '../../shared/recognition';
import type { KudosReactionPayload, KudosView } from '../../shared/kudos';
import type { TrainingReminder } from '../../shared/training/training';
import type { ReviewReminder } from '../../shared/reviews';
import { log } from './log';

export interface DomainEvents {
	'org.changed': { organizationId: string; what: 'teams' | 'members' | 'settings' };
	/** Every session of a person ended: in one organization, or in all of them (organizationId null). */
	'user.sessions_revoked': { userId: string; organizationId: string | null };
	/** One session ended (signed out). */
	'session.revoked': { sessionId: string; userId: string; organizationId: string };
	/** An API token was revoked. */
	'token.revoked': { tokenId: string; organizationId: string };
	/** A member's role changed: sockets carry the role they connected with, so they must reconnect. */
	'member.access_changed': { userId: string; organizationId: string };
	/** The org's transparency settings changed (settings), or a member hid from or came back to public displays (hidden). */
	'transparency.changed': { organizationId: string; what: 'settings' | 'hidden' };
	/** Events were committed (and applied live, or left to the reconciler). */
	'scores.changed': { organizationId: string; events: ScoredEvent[] };
	/**
	 * A contest was created, edited, scheduled, started, ended, frozen, cancelled or deleted. Cluster-wide:
	 * each process forgets its cached contests (their boards count from them) and pushes the new status.
	 */
	'contest.changed': { organizationId: string; contestId: string; status: ContestStatus };
	/**
	 * A goal was set, proposed, decided, edited, split, deleted or made final. Cluster-wide: each process
	 * forgets its cached goals (their boards count from them) and open goal pages reload.
	 */
	'goal.changed': { organizationId: string; goalId: string };
	/**
	 * Something to celebrate in a contest (started, new leader, target reached…). Process-local: the
	 * emitting process pushes it through the Socket.IO adapter, which reaches every process's sockets.
	 */
	'contest.moment': { organizationId: string; hidden: boolean; moment: ContestMoment };
	/**
	 * Something to celebrate in recognition (a badge, a level, a spotlighted kudos…). Process-local: the
	 * emitting process pushes it through the Socket.IO adapter, which reaches every process's sockets.
	 */
	'recognition.moment': { organizationId: string; moment: RecognitionMoment };
	/**
	 * A fact a badge may count (kudos received, a contest won or placed, a goal attained, a course
	 * completed, an idea adopted). Process-local, emitted after its transaction committed; `ref` is unique
	 * per fact (e.g. "kudos:<id>:<recipient>"), so hearing it twice counts once.
	 */
	'achievement.signal': { organizationId: string; userId: string; kind: AchievementKind; ref: string; at: Date; value?: number };
	/** Members left the users boards (removed: deactivated, or no longer competing) or came back onto them. */
	'boards.members_changed': { organizationId: string; members: string[]; removed: boolean };
	/**
	 * Kudos changes for the live feed (a new kudos, a reaction toggled, one hidden or spotlighted).
	 * Process-local: the emitting process pushes them through the Socket.IO adapter.
	 */
	'kudos.created': { organizationId: string; kudos: KudosView };
	'kudos.reaction': { organizationId: string; reaction: KudosReactionPayload };
	'kudos.hidden': { organizationId: string; id: string };
	'kudos.spotlight': { organizationId: string; id: string; spotlight: boolean };
	/**
	 * The rewards store or the ideas board changed (a redemption asked for or decided, the catalog
	 * edited, an idea posted, voted, commented or moved): open pages reload what they show. Process-local,
	 * pushed through the Socket.IO adapter; it names what changed, never what it says.
	 */
	'recognition.changed': { organizationId: string; what: RecognitionChange; id: string };
	/**
	 * A training assignment's due day came (the scheduler's reminder): pushed to the rep's own sockets.
	 * Process-local, pushed through the Socket.IO adapter.
	 */
	'training.reminder': { organizationId: string; userId: string; reminder: TrainingReminder };
	/**
	 * An improvement plan's action is due, or a check-in is today (the scheduler's reminder): pushed to the
	 * owners' own sockets. Process-local, pushed through the Socket.IO adapter.
	 */
	'review.reminder': { organizationId: string; userIds: string[]; reminder: ReviewReminder };
	/**
	 * A display's slides, settings or presenter controls changed: its TVs ask for their state again.
	 * Process-local, pushed through the Socket.IO adapter.
	 */
	'display.changed': { organizationId: string; displayId: string };
	/** "Celebrate now" from the presenter's remote: to the display's TVs. Process-local, through the adapter. */
	'display.celebrate': { organizationId: string; displayId: string; celebration: import('../../shared/displays/displays').TvCelebration };
	/**
	 * A TV's pairing code was claimed. Cluster-wide: the process holding the TV's pairing socket (which
	 * knows the TV's secret) tells it that its secret is now its device token.
	 */
	'display.paired': { pairingId: string; organizationId: string; displayId: string; screenId: string };
	/** A screen was revoked (or its display deleted). Cluster-wide: each process disconnects its own sockets of it. */
	'screen.revoked': { organizationId: string; screenId: string };
	/** A member completed a course (its points were paid). Process-local. */
	'training.completed': { organizationId: string; userId: string; courseId: string; points: number };
}

export type DomainEventName = keyof DomainEvents;

/** The events every process hears (see the header); the others stay in the process that emits them. */
export const CLUSTER_EVENTS: ReadonlySet<DomainEventName> = new Set<DomainEventName>([
	'org.changed',
	'user.sessions_revoked',
	'session.revoked',
	'token.revoked',
	'member.access_changed',
	'transparency.changed',
	'contest.changed',
	'goal.changed',
	'display.paired',
	'screen.revoked'
]);

/** The in-process bus; RedisDomainEventBus relays the cluster-wide events between processes. */
export class DomainEventBus {
	protected emitter = new EventEmitter();

	constructor() {
		this.emitter.setMaxListeners(100);
	}

	emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]) {
		this.deliver(name, payload);
	}

	on<K extends DomainEventName>(name: K, listener: (payload: DomainEvents[K]) => void) {
		this.emitter.on(name, listener);
		return () => this.emitter.off(name, listener);
	}

	/** Runs this process's listeners; one that throws is logged and does not stop the others. */
	protected deliver(name: DomainEventName, payload: unknown) {
		for (const listener of this.emitter.listeners(name)) {
			try {
				listener(payload);
			} catch (error) {
				log.warn(`domain event ${name}: a listener failed`, error);
			}
		}
	}

	async close(): Promise<void> {}
}

type Envelope = { o: string; n: string; p?: unknown };

/**
 * The channel of one Podium installation. Redis pub/sub ignores logical databases (a message published
 * while on db 2 reaches subscribers on every db), so the channel names the database the client uses.
 */
export function eventsChannel(client: RedisClientType): string {
	return `podium:events:db${client.options?.database ?? 0}`;
}
/** How often the subscriber's health is checked: it must hear its own heartbeat within 3 of these. */
export const EVENTS_HEARTBEAT_MS = 2_000;
const HEARTBEAT = '~heartbeat';

/**
 * Publishes cluster-wide events on a Redis channel and hears the other processes' ones, through a
 * duplicate()d subscriber connection. node-redis may not restore a subscription after a reconnect, so
 * the bus publishes a heartbeat and subscribes again whenever it stops hearing its own.
 */
export class RedisDomainEventBus extends DomainEventBus {
	readonly origin = randomUUID();
	private lastHeard = Date.now();
	private timer: NodeJS.Timeout | undefined;
	private resubscribing = false;
	private closed = false;

	private constructor(
		private readonly publisher: RedisClientType,
		/** The duplicate()d connection in subscriber mode (exposed for fault tests). */
		readonly subscriber: RedisClientType,
		readonly channel: string,
		private readonly heartbeatMs: number
	) {
		super();
	}

	/** `client` publishes; a duplicate of it subscribes. Tests pass their own channel and a short heartbeat. */
	static async connect(
		client: RedisClientType,
		options: { channel?: string; heartbeatMs?: number } = {}
	): Promise<RedisDomainEventBus> {
		const subscriber = client.duplicate() as RedisClientType;
		subscriber.on('error', (error: Error) => log.warn(`domain events redis: ${error?.message ?? error}`));
		await subscriber.connect();
		const bus = new RedisDomainEventBus(client, subscriber, options.channel ?? eventsChannel(client), options.heartbeatMs ?? EVENTS_HEARTBEAT_MS);
		await subscriber.subscribe(bus.channel, bus.onMessage);
		bus.timer = setInterval(() => bus.heartbeat(), bus.heartbeatMs);
		bus.timer.unref();
		return bus;
	}

	/** Whether the subscriber heard its own heartbeat lately (false while cut off from Redis). */
	get healthy() {
		return Date.now() - this.lastHeard < 3 * this.heartbeatMs;
	}

	override emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]) {
		this.deliver(name, payload);
		if (CLUSTER_EVENTS.has(name)) this.publish({ o: this.origin, n: name, p: payload });
	}

	private publish(envelope: Envelope) {
		this.publisher.publish(this.channel, JSON.stringify(envelope)).catch((error) => log.warn(`domain events: could not publish ${envelope.n}`, error));
	}

	private onMessage = (message: string) => {
		let envelope: Envelope;
		try {
			envelope = JSON.parse(message);
		} catch {
			return;
		}
		if (envelope.o === this.origin) {
			if (envelope.n === HEARTBEAT) this.lastHeard = Date.now();
			return;
		}
		if (envelope.n === HEARTBEAT || !CLUSTER_EVENTS.has(envelope.n as DomainEventName)) return;
		this.deliver(envelope.n as DomainEventName, envelope.p);
	};

	private heartbeat() {
		if (this.closed) return;
		if (!this.healthy && !this.resubscribing && this.subscriber.isReady && this.publisher.isReady) void this.resubscribe();
		this.publish({ o: this.origin, n: HEARTBEAT });
	}

	/** How many times the subscriber found itself deaf and subscribed again (for health and tests). */
	resubscriptions = 0;

	private async resubscribe() {
		this.resubscribing = true;
		this.resubscriptions++;
		log.warn('domain events: the subscriber stopped hearing its heartbeat; subscribing again');
		try {
			await this.subscriber.unsubscribe(this.channel).catch(() => {});
			await this.subscriber.subscribe(this.channel, this.onMessage);
			this.lastHeard = Date.now();
		} catch (error) {
			log.warn('domain events: could not subscribe again', error);
		} finally {
			this.resubscribing = false;
		}
	}

	override async close() {
		this.closed = true;
		if (this.timer) clearInterval(this.timer);
		if (this.subscriber.isOpen) await this.subscriber.quit().catch(() => this.subscriber.destroy());
	}
}
