// The realtime gateway: one Socket.IO server on the app's HTTP server, in dev and in production.
// Only this layer knows rooms: it maps domain events to them. With REDIS_URL it fans out across
// processes through the Redis Streams adapter, which resumes after Redis restarts.
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { SESSION_COOKIE, validateSessionToken } from '../../src/lib/server/auth/session';
import { checkApiToken } from '../../src/lib/server/scoring/token.service';
import type { PodiumIo, RealtimeContext, RealtimeDomain } from './domain';
import { scoringHandlers } from './handlers/scoring';
import { sessionHandlers } from './handlers/session';
import { authPushes } from './pushes/auth';
import { orgPushes } from './pushes/org';
import { scoringPushes } from './pushes/scoring';
import { createWatchers } from './watchers';
import { contestHandlers } from './handlers/contests';
import { contestPushes } from './pushes/contests';
import { recognitionPushes } from './pushes/recognition';
import { kudosHandlers } from './handlers/kudos';
import { kudosPushes } from './pushes/kudos';
import { trainingPushes } from './pushes/training';
import { reviewPushes } from './pushes/reviews';
import { displayHandlers } from './handlers/displays';
import { displayPushes } from './pushes/displays';
import { authenticateScreen } from '../../src/lib/server/displays/display.service';
import { RedisDomainEventBus } from '../../src/lib/server/platform/events';
import { RedisLiveStore } from '../../src/lib/server/live/redis.store';
import { log } from '../../src/lib/server/platform/log';
import { getRuntime, type Runtime } from '../../src/lib/server/platform/runtime';
import { RATE_LIMIT_ERROR, rooms, type SocketData } from '../../src/lib/shared/socket-events';

/**
 * The domains on the socket: each brings its handlers (handlers/<domain>.ts) and its pushes
 * (pushes/<domain>.ts). A new domain adds its entry here.
 */
export const REALTIME_DOMAINS: RealtimeDomain[] = [
	{ name: 'session', handlers: sessionHandlers, pushes: authPushes, audiences: ['member', 'display'] },
	{ name: 'org', pushes: orgPushes },
	{ name: 'scoring', handlers: scoringHandlers, pushes: scoringPushes },
	{ name: 'contests', handlers: contestHandlers, pushes: contestPushes },
	{ name: 'recognition', pushes: recognitionPushes },
	{ name: 'kudos', handlers: kudosHandlers, pushes: kudosPushes },
	{ name: 'training', pushes: trainingPushes },
	{ name: 'reviews', pushes: reviewPushes },
	{ name: 'displays', handlers: displayHandlers, pushes: displayPushes, audiences: ['member', 'display', 'pairing'] }
];

export type { PodiumIo } from './domain';

/**
 * Messages a socket may send: a bucket of RATE_BURST that refills RATE_PER_SECOND a second. A message
 * over it is dropped with the RATE_LIMIT_ERROR ack; RATE_DISCONNECT_AFTER of them in a row disconnect.
 */
export const RATE_BURST = 100;
export const RATE_PER_SECOND = 50;
export const RATE_DISCONNECT_AFTER = 200;
/** A revocation is remembered this long, for sockets whose handshake was checked just before it (a handshake takes less). */
const REVOCATION_MEMORY_MS = 10_000;

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

/**
 * Whether a cookie-authenticated handshake comes from our own origin: the configured ORIGIN, else the
 * Host the request came to. Browsers always send Origin on cross-origin requests and on WebSockets, so
 * a handshake without one is not a cross-site browser request (same-origin polling may omit it).
 */
export function sameOrigin(origin: string | undefined, host: string | undefined, configured: string | undefined): boolean {
	if (origin === undefined) return true;
	let from: URL;
	try {
		from = new URL(origin);
	} catch {
		return false;
	}
	if (configured) return from.origin === new URL(configured).origin;
	return !!host && from.host === host.toLowerCase();
}

/** The org a room belongs to: org:<org>, activity:<org>[#masked], tvs:<org>, board:<org>:<board id>, contest:<org>:<contest id>, display:<org>:<display id>; undefined for user, pairing and socket rooms. */
export function orgOfRoom(room: string): string | undefined {
	if (room.startsWith('org:')) return room.slice(4);
	if (room.startsWith('activity:')) return room.slice(9).split('#')[0];
	if (room.startsWith('tvs:')) return room.slice(4);
	for (const prefix of ['board:', 'contest:', 'display:']) {
		if (!room.startsWith(prefix)) continue;
		const end = room.indexOf(':', prefix.length);
		return end > prefix.length ? room.slice(prefix.length, end) : undefined;
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

	const liveClient = rt.live instanceof RedisLiveStore ? rt.live.client : undefined;
	const watchers = createWatchers({
		redis: liveClient,
		localRooms: () => io.of('/').adapter.rooms,
		orgOfRoom
	});

	io.use(async (socket, next) => {
		socket.data.checkedAt = Date.now();
		try {
			socket.data.screenId = null;
			socket.data.displayId = null;
			const handshakeAuth = socket.handshake.auth as { token?: unknown; display?: unknown; pairing?: unknown } | undefined;
			// A paired TV authenticates with its display's device token: it reads its own display only.
			if (handshakeAuth?.display !== undefined) {
				const screen = await authenticateScreen(rt.db, handshakeAuth.display);
				if (!screen) return next(new Error('unauthorized'));
				socket.data.userId = null;
				socket.data.organizationId = screen.organizationId;
				socket.data.role = 'display';
				socket.data.sessionId = null;
				socket.data.tokenId = null;
				socket.data.screenId = screen.screenId;
				socket.data.displayId = screen.displayId;
				return next();
			}
			// A TV waiting to pair: nobody, in no organization; it may only wait for its code (tv:await).
			if (handshakeAuth?.pairing === true) {
				socket.data.userId = null;
				socket.data.organizationId = '';
				socket.data.role = 'pairing';
				socket.data.sessionId = null;
				socket.data.tokenId = null;
				return next();
			}
			// Bots (and older displays) authenticate with an API token that has leaderboards:read.
			const apiToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
			if (typeof apiToken === 'string') {
				const check = await checkApiToken(rt.db, apiToken, 'leaderboards:read');
				if (!check.ok) return next(new Error('unauthorized'));
				socket.data.userId = null;
				socket.data.organizationId = check.organizationId;
				socket.data.role = 'token';
				socket.data.sessionId = null;
				socket.data.tokenId = check.tokenId;
				return next();
			}
			// The browser sends the cookie to whichever page opens the socket: only our own pages may.
			if (!sameOrigin(socket.handshake.headers.origin, socket.handshake.headers.host, rt.config.origin)) return next(new Error('unauthorized'));
			const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
			const auth = token ? await validateSessionToken(rt.db, token, rt.config.sessionIdleMs) : null;
			if (!auth) return next(new Error('unauthorized'));
			socket.data.userId = auth.user.id;
			socket.data.organizationId = auth.organization.id;
			socket.data.role = auth.membership.role;
			socket.data.sessionId = auth.session.id;
			socket.data.tokenId = null;
			next();
		} catch (error) {
			log.error('realtime handshake failed', error);
			next(new Error('unavailable'));
		}
	});

	// This process's sockets whose credentials a revocation ended: each process disconnects its own.
	const recentRevocations: { at: number; matches: (data: SocketData) => boolean }[] = [];
	function revoke(room: string, matches: (data: SocketData) => boolean) {
		const now = Date.now();
		while (recentRevocations.length && now - recentRevocations[0].at > REVOCATION_MEMORY_MS) recentRevocations.shift();
		recentRevocations.push({ at: now, matches });
		const ids = io.of('/').adapter.rooms.get(room);
		for (const id of ids ? [...ids] : []) {
			const socket = io.of('/').sockets.get(id);
			if (socket && matches(socket.data)) socket.disconnect(true);
		}
	}

	const ctx: RealtimeContext = { rt, io, watchers, revoke };

	io.of('/').adapter.on('delete-room', (room: string) => watchers.forget(room));

	io.on('connection', (socket) => {
		// Its credentials were checked before a revocation that arrived meanwhile: it goes now.
		if (recentRevocations.some((r) => r.at > socket.data.checkedAt && r.matches(socket.data))) {
			socket.disconnect(true);
			return;
		}
		const audience = socket.data.role === 'display' ? 'display' : socket.data.role === 'pairing' ? 'pairing' : 'member';
		if (audience !== 'pairing') {
			const own = [rooms.org(socket.data.organizationId)];
			if (socket.data.userId) own.push(rooms.user(socket.data.userId));
			if (audience === 'display') own.push(rooms.display(socket.data.organizationId, socket.data.displayId!), rooms.tvs(socket.data.organizationId));
			socket.join(own);
		}

		// A token bucket per socket: a flood of messages is answered cheaply, and a persistent one disconnects.
		let tokens = RATE_BURST;
		let filledAt = Date.now();
		let refusedInARow = 0;
		socket.use((packet, next) => {
			const now = Date.now();
			tokens = Math.min(RATE_BURST, tokens + ((now - filledAt) / 1000) * RATE_PER_SECOND);
			filledAt = now;
			if (tokens >= 1) {
				tokens -= 1;
				refusedInARow = 0;
				return next();
			}
			const ack = packet[packet.length - 1];
			if (typeof ack === 'function') ack({ error: RATE_LIMIT_ERROR });
			if (++refusedInARow >= RATE_DISCONNECT_AFTER) socket.disconnect(true);
		});

		for (const domain of REALTIME_DOMAINS) if ((domain.audiences ?? ['member']).includes(audience)) domain.handlers?.(socket, ctx);
	});

	const stopPushes = REALTIME_DOMAINS.map((domain) => domain.pushes?.(ctx) ?? (() => {}));

	// Sockets of a process that was cut off from Redis reconnect through a fresh handshake once it is
	// back: pushes meant for them meanwhile were lost, a restarted Redis has forgotten their watched
	// rooms (other processes stop pushing to them) and restarted the boards' counters. A reconnecting
	// client subscribes again, announcing its rooms, and takes a snapshot rebuilt from the event log.
	const redisClients = [redis, liveClient].filter((c) => c !== undefined);
	let cutOff = false;
	const onReconnecting = () => (cutOff = true);
	const onReady = () => {
		if (!cutOff || !redisClients.every((c) => c.isReady)) return;
		cutOff = false;
		log.warn("realtime: Redis is back; this process's sockets reconnect to subscribe again");
		io.local.disconnectSockets(true);
	};
	for (const client of redisClients) {
		client.on('reconnecting', onReconnecting);
		client.on('ready', onReady);
	}

	rt.realtime = () => ({
		// Down while the adapter's connection or the domain events' subscriber is cut off from Redis.
		status: (redis && !redis.isReady) || (rt.events instanceof RedisDomainEventBus && !rt.events.healthy) ? 'down' : 'up',
		adapter: redis ? 'redis-streams' : 'memory',
		clients: io.engine?.clientsCount ?? 0,
		rooms: [...io.of('/').adapter.rooms.keys()].filter((room) => orgOfRoom(room) !== undefined || room.startsWith('user:')).length
	});

	return {
		io,
		async close() {
			stopPushes.forEach((stop) => stop());
			for (const client of redisClients) {
				client.off('reconnecting', onReconnecting);
				client.off('ready', onReady);
			}
			watchers.close();
			rt.realtime = undefined;
			// This process's sockets only: through the Redis adapter io.disconnectSockets() reaches every
			// process, so one process stopping (a deploy, a test file ending) disconnected the whole cluster.
			io.local.disconnectSockets(true);
			await new Promise<void>((resolve) => io.close(() => resolve()));
			if (redis?.isOpen) await redis.quit().catch(() => redis?.destroy());
		}
	};
}
