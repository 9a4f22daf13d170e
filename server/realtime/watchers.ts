// Which rooms someone watches, across every app process. Pushing a board nobody watches costs a read
// of the board, names from Postgres and a message through the adapter, for each of the ~24 boards an
// event touches, ten times a second: under load most of the pushing work. Pushes go only to watched rooms.
//
// Each process knows its own rooms exactly (the adapter's local room map). Other processes' rooms are
// announced in a Redis hash per organization, "<process id>|<room>" -> expiry time: a process removes
// its field when its room empties (unsubscribe, disconnect), re-announces its rooms every REFRESH_MS,
// and the fields of a process that died are dropped by the next reader; the hash itself expires
// WATCH_TTL_MS after the last announcement. So the hash holds about one field per watched room and process.
// Correctness with coalesced pushes: a subscriber announces its room before it joins and before its
// snapshot is read, so a change is either in the snapshot or in a push to a watched room.
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { log } from '../../src/lib/server/platform/log';

export const WATCH_REFRESH_MS = 5_000;
/** A process that died stops counting as a watcher after this long. */
export const WATCH_TTL_MS = 20_000;

export interface Watchers {
	/**
	 * Announces rooms of an org as watched by this process (resolves once other processes can see it),
	 * then runs `join`, which makes them local rooms. A room emptied meanwhile keeps its announcement.
	 */
	watch(organizationId: string, rooms: string[], join: () => unknown): Promise<void>;
	/** This process's room emptied: other processes stop counting it (unless it is being joined again). */
	forget(room: string): void;
	/** Whether someone in any process watches a room of the org (one Redis read per call, not per room). */
	watched(organizationId: string): Promise<(room: string) => boolean>;
	close(): void;
}

/** The Redis hash of an org's watched rooms (exported for tests). */
export const watchKey = (organizationId: string, prefix = 'podium:') => `${prefix}{${organizationId}}:watch`;

/**
 * `localRooms` is this process's map of non-empty rooms (the adapter's); room names carry the org id
 * (see socket-events rooms), which `orgOfRoom` reads back.
 */
export function createWatchers(options: {
	redis?: RedisClientType;
	prefix?: string;
	localRooms: () => Map<string, unknown>;
	orgOfRoom: (room: string) => string | undefined;
}): Watchers {
	const { redis, localRooms, orgOfRoom } = options;
	const key = (org: string) => watchKey(org, options.prefix);
	const processId = randomUUID();
	const field = (room: string) => `${processId}|${room}`;
	/** Rooms announced whose join has not happened yet: their emptying must not remove the announcement. */
	const joining = new Map<string, number>();

	async function announce(organizationId: string, rooms: string[]) {
		if (!redis || rooms.length === 0) return;
		const until = String(Date.now() + WATCH_TTL_MS);
		await redis
			.multi()
			.hSet(key(organizationId), Object.fromEntries(rooms.map((room) => [field(room), until])))
			.pExpire(key(organizationId), WATCH_TTL_MS)
			.exec();
	}

	// Re-announce this process's rooms before they expire elsewhere.
	const timer = redis
		? setInterval(() => {
				const byOrg = new Map<string, string[]>();
				for (const room of localRooms().keys()) {
					const org = orgOfRoom(room);
					if (org) byOrg.set(org, [...(byOrg.get(org) ?? []), room]);
				}
				for (const [org, rooms] of byOrg) announce(org, rooms).catch((error) => log.warn('realtime: could not announce watched rooms', error));
			}, WATCH_REFRESH_MS)
		: undefined;
	timer?.unref();

	return {
		async watch(organizationId, rooms, join) {
			for (const room of rooms) joining.set(room, (joining.get(room) ?? 0) + 1);
			try {
				await announce(organizationId, rooms);
				await join();
			} finally {
				for (const room of rooms) {
					const left = (joining.get(room) ?? 1) - 1;
					if (left > 0) joining.set(room, left);
					else joining.delete(room);
				}
			}
		},
		forget(room) {
			const org = orgOfRoom(room);
			if (!redis || !org || joining.has(room) || localRooms().has(room)) return;
			// Sent at once, so it reaches Redis before any later announcement of the same room (one connection, in order).
			redis.hDel(key(org), field(room)).catch((error) => log.warn('realtime: could not forget a watched room', error));
		},
		async watched(organizationId) {
			const local = localRooms();
			if (!redis) return (room) => local.has(room);
			const now = Date.now();
			const remote = new Set<string>();
			const dead: string[] = [];
			for (const [name, until] of Object.entries(await redis.hGetAll(key(organizationId)))) {
				if (Number(until) > now) remote.add(name.slice(name.indexOf('|') + 1));
				else dead.push(name);
			}
			// Fields of processes that stopped without removing them.
			if (dead.length) redis.hDel(key(organizationId), dead).catch(() => {});
			return (room) => local.has(room) || remote.has(room);
		},
		close() {
			if (timer) clearInterval(timer);
		}
	};
}
