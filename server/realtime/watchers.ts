// Which rooms someone watches, across every app process. Pushing a board nobody watches costs a read
// of the board, names from Postgres and a message through the adapter, for each of the ~24 boards an
// event touches, ten times a second: under load most of the pushing work. Pushes go only to watched rooms.
//
// Each process knows its own rooms exactly (the adapter's local room map). Other processes' rooms are
// announced in a Redis hash per organization, room -> expiry time, refreshed every REFRESH_MS.
// Correctness with coalesced pushes: a subscriber announces its room before it joins and before its
// snapshot is read, so a change is either in the snapshot or in a push to a watched room.
import type { RedisClientType } from 'redis';
import { log } from '../../src/lib/server/log';

export const WATCH_REFRESH_MS = 5_000;
/** A process that died stops counting as a watcher after this long. */
export const WATCH_TTL_MS = 20_000;

export interface Watchers {
	/** Marks rooms of an org as watched by this process; resolves once other processes can see it. */
	announce(organizationId: string, rooms: string[]): Promise<void>;
	/** Whether someone in any process watches a room of the org (one Redis read per call, not per room). */
	watched(organizationId: string): Promise<(room: string) => boolean>;
	close(): void;
}

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
	const prefix = options.prefix ?? 'podium:';
	const key = (org: string) => `${prefix}{${org}}:watch`;

	async function announce(organizationId: string, rooms: string[]) {
		if (!redis || rooms.length === 0) return;
		const until = String(Date.now() + WATCH_TTL_MS);
		await redis.hSet(key(organizationId), Object.fromEntries(rooms.map((room) => [room, until])));
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
		announce,
		async watched(organizationId) {
			const local = localRooms();
			if (!redis) return (room) => local.has(room);
			const now = Date.now();
			const remote = new Set<string>();
			for (const [room, until] of Object.entries(await redis.hGetAll(key(organizationId)))) if (Number(until) > now) remote.add(room);
			return (room) => local.has(room) || remote.has(room);
		},
		close() {
			if (timer) clearInterval(timer);
		}
	};
}
