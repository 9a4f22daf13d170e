// The realtime gateway: one Socket.IO server on the app's HTTP server, in dev and in production.
// Only this layer knows rooms: it maps domain events to them. With REDIS_URL it fans out across
// processes through the Redis Streams adapter, which resumes after Redis restarts.
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { SESSION_COOKIE, validateSessionToken } from '../../src/lib/server/auth/session';
import { describeError } from '../../src/lib/server/validation';
import { boardId, boardQuerySchema, readBoard } from '../../src/lib/server/scoring/board.service';
import { activityOf } from '../../src/lib/server/scoring/activity.service';
import { checkApiToken } from '../../src/lib/server/scoring/token.service';
import { createBoardPusher } from './board-pushes';
import { createWatchers } from './watchers';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import { log } from '../../src/lib/server/log';
import { getRuntime, type Runtime } from '../../src/lib/server/runtime';
import {
	rooms,
	type ClientToServerEvents,
	type InterServerEvents,
	type ServerToClientEvents,
	type SocketData
} from '../../src/lib/shared/socket-events';

/** The newest events one activity push carries: a page shows 40. */
const ACTIVITY_MAX = 50;
/**
 * Activity is coalesced over a longer window than boards: every socket of the org receives it, so at
 * thousands of sockets each push costs thousands of writes, and a feed item half a second late is not
 * noticed where a rank that lags is.
 */
export const ACTIVITY_FLUSH_MS = 500;

export type PodiumIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeGateway {
	io: PodiumIo;
	close(): Promise<void>;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const index = part.indexOf('=');
		if (index < 0) continue;
		if (part.slice(0, index).trim() === name) {
			try {
				return decodeURIComponent(part.slice(index + 1).trim());
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}

/** The org a room belongs to: org:<org>, activity:<org>, board:<org>:<board id>; undefined for user and socket rooms. */
export function orgOfRoom(room: string): string | undefined {
	if (room.startsWith('org:')) return room.slice(4);
	if (room.startsWith('activity:')) return room.slice(9);
	if (room.startsWith('board:')) {
		const end = room.indexOf(':', 6);
		return end > 6 ? room.slice(6, end) : undefined;
	}
	return undefined;
}

export async function attachRealtime(httpServer: HttpServer, runtime?: Runtime): Promise<RealtimeGateway> {
	const rt = runtime ?? (await getRuntime());
	const io: PodiumIo = new Server(httpServer, {
		path: '/socket.io/',
		serveClient: false,
		perMessageDeflate: false,
		pingInterval: 20_000,
		pingTimeout: 20_000
	});

	let redis: ReturnType<typeof createClient> | undefined;
	if (rt.config.redisUrl) {
		redis = createClient({
			url: rt.config.redisUrl,
			socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 3000) }
		});
		// A Redis outage must never crash the process: log it and let the client reconnect.
		redis.on('error', (error) => log.warn(`realtime redis: ${error?.message ?? error}`));
		await redis.connect();
		io.adapter(createAdapter(redis, { streamName: 'podium:socket.io', maxLen: 10_000 }));
	}

	const watchers = createWatchers({
		redis: rt.live instanceof RedisLiveStore ? rt.live.client : undefined,
		localRooms: () => io.of('/').adapter.rooms,
		orgOfRoom
	});

	io.use(async (socket, next) => {
		try {
			// Displays and bots authenticate with an API token that has leaderboards:read.
			const apiToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
			if (typeof apiToken === 'string') {
				const check = await checkApiToken(rt.db, apiToken, 'leaderboards:read');
				if (!check.ok) return next(new Error('unauthorized'));
				socket.data.userId = null;
				socket.data.organizationId = check.organizationId;
				socket.data.role = 'token';
				return next();
			}
			const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
			const auth = token ? await validateSessionToken(rt.db, token, rt.config.sessionIdleMs) : null;
			if (!auth) return next(new Error('unauthorized'));
			socket.data.userId = auth.user.id;
			socket.data.organizationId = auth.organization.id;
			socket.data.role = auth.membership.role;
			next();
		} catch (error) {
			log.error('realtime handshake failed', error);
			next(new Error('unavailable'));
		}
	});

	io.on('connection', (socket) => {
		const own = [rooms.org(socket.data.organizationId)];
		if (socket.data.userId) own.push(rooms.user(socket.data.userId));
		socket.join(own);
		socket.on('board:subscribe', async (selector, ack) => {
			if (typeof ack !== 'function') return;
			try {
				const query = boardQuerySchema.parse({ ...(selector ?? {}), limit: 100, around: undefined });
				const room = rooms.board(socket.data.organizationId, boardId(query));
				// Watched (announced, then joined) before the snapshot is read: a change made after the read
				// reaches this socket in a push; one made before is in the snapshot (see watchers.ts).
				await watchers.announce(socket.data.organizationId, [room]);
				await socket.join(room);
				const snapshot = await readBoard(rt, socket.data.organizationId, query);
				ack({ data: { ...snapshot, entries: snapshot.entries } });
			} catch (error) {
				const described = describeError('en', error);
				if (!described) log.warn('realtime: board:subscribe failed', error);
				ack({ error: described?.message ?? 'invalid board selector' });
			}
		});
		socket.on('board:unsubscribe', async (selector, ack) => {
			const parsed = boardQuerySchema.safeParse({ ...(selector ?? {}), around: undefined });
			if (parsed.success) await socket.leave(rooms.board(socket.data.organizationId, boardId(parsed.data)));
			if (typeof ack === 'function') ack(parsed.success ? { data: true } : { error: 'invalid board selector' });
		});
		// The activity feed goes only to sockets that show it: at thousands of sockets each push is
		// thousands of writes, wasted on a display that only shows a board.
		socket.on('activity:subscribe', async (ack) => {
			const room = rooms.activity(socket.data.organizationId);
			try {
				await watchers.announce(socket.data.organizationId, [room]);
				await socket.join(room);
				if (typeof ack === 'function') ack({ data: true });
			} catch (error) {
				log.warn('realtime: activity:subscribe failed', error);
				if (typeof ack === 'function') ack({ error: 'unavailable' });
			}
		});
		socket.on('activity:unsubscribe', async (ack) => {
			await socket.leave(rooms.activity(socket.data.organizationId));
			if (typeof ack === 'function') ack({ data: true });
		});
		socket.on('session:whoami', (ack) => {
			if (typeof ack !== 'function') return;
			ack({
				data: {
					userId: socket.data.userId,
					organizationId: socket.data.organizationId,
					rooms: [...socket.rooms].filter((room) => room !== socket.id)
				}
			});
		});
	});

	const pusher = createBoardPusher(
		rt,
		(room, payload) => io.to(room).emit('board:update', payload),
		// When Redis cannot say who watches, push every board: a push too many is harmless, one too few is not.
		(organizationId) => watchers.watched(organizationId).catch((error) => (log.warn('realtime: could not read watched rooms', error), null))
	);
	const unsubscribe = [
		rt.events.on('scores.changed', ({ organizationId, events }) => {
			pusher.onScores(organizationId, events).catch((error) => log.warn('realtime: scores push failed', error));
			queueActivity(organizationId, events);
		}),
		rt.events.on('org.changed', ({ organizationId, what }) => {
			io.to(rooms.org(organizationId)).emit('org:changed', { what, at: new Date().toISOString() });
		}),
		rt.events.on('user.sessions_revoked', ({ userId, organizationId }) => {
			io.in(rooms.user(userId)).fetchSockets().then(
				(sockets) => sockets.filter((s) => s.data.organizationId === organizationId).forEach((s) => s.disconnect(true)),
				(error) => log.warn('realtime: could not disconnect revoked sessions', error)
			);
		})
	];

	// Activity waits up to ACTIVITY_FLUSH_MS so that everything committed meanwhile is read in one query,
	// not one per ingest request. What is pushed is every event, except that one batch announces at most
	// its last 50.
	const activity = new Map<string, number[]>();
	let activityTimer: NodeJS.Timeout | undefined;
	function queueActivity(organizationId: string, events: { id: number }[]) {
		const queued = activity.get(organizationId) ?? [];
		for (const e of events.length > ACTIVITY_MAX ? events.slice(-ACTIVITY_MAX) : events) queued.push(e.id);
		activity.set(organizationId, queued);
		activityTimer ??= setTimeout(() => {
			activityTimer = undefined;
			const batch = [...activity];
			activity.clear();
			for (const [org, queuedIds] of batch) announce(org, queuedIds).catch((error) => log.warn('realtime: activity push failed', error));
		}, ACTIVITY_FLUSH_MS);
	}

	/**
	 * The activity feed: one push per organization per flush carrying its newest events (corrections
	 * included), so a burst costs each socket one message rather than one per event.
	 */
	async function announce(organizationId: string, queued: number[]) {
		// Nobody shows the org's feed, in any process: nothing to look up or send.
		const watching = await watchers.watched(organizationId).catch(() => null);
		if (watching && !watching(rooms.activity(organizationId))) return;
		const items = await activityOf(rt.db, organizationId, queued.slice(-ACTIVITY_MAX));
		if (items.length) io.to(rooms.activity(organizationId)).emit('activity:new', items);
	}

	rt.realtime = () => ({
		status: redis && !redis.isReady ? 'down' : 'up',
		adapter: redis ? 'redis-streams' : 'memory',
		clients: io.engine?.clientsCount ?? 0
	});

	return {
		io,
		async close() {
			unsubscribe.forEach((off) => off());
			pusher.close();
			watchers.close();
			if (activityTimer) clearTimeout(activityTimer);
			activity.clear();
			rt.realtime = undefined;
			io.disconnectSockets(true);
			await new Promise<void>((resolve) => io.close(() => resolve()));
			if (redis?.isOpen) await redis.quit().catch(() => redis?.destroy());
		}
	};
}
