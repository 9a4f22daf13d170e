// The realtime gateway: one Socket.IO server on the app's HTTP server, in dev and in production.
// Only this layer knows rooms: it maps domain events to them. With REDIS_URL it fans out across
// processes through the Redis Streams adapter, which resumes after Redis restarts.
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { SESSION_COOKIE, validateSessionToken } from '../../src/lib/server/auth/session';
import { log } from '../../src/lib/server/log';
import { getRuntime, type Runtime } from '../../src/lib/server/runtime';
import {
	rooms,
	type ClientToServerEvents,
	type InterServerEvents,
	type ServerToClientEvents,
	type SocketData
} from '../../src/lib/shared/socket-events';

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

	io.use(async (socket, next) => {
		try {
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
		socket.join([rooms.org(socket.data.organizationId), rooms.user(socket.data.userId)]);
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

	const unsubscribe = [
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

	rt.realtime = () => ({
		status: redis && !redis.isReady ? 'down' : 'up',
		adapter: redis ? 'redis-streams' : 'memory',
		clients: io.engine?.clientsCount ?? 0
	});

	return {
		io,
		async close() {
			unsubscribe.forEach((off) => off());
			rt.realtime = undefined;
			io.disconnectSockets(true);
			await new Promise<void>((resolve) => io.close(() => resolve()));
			if (redis?.isOpen) await redis.quit().catch(() => redis?.destroy());
		}
	};
}
