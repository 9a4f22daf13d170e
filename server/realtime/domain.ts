// What a domain adds to the realtime gateway: socket handlers (subscribe, unsubscribe, ask) registered
// on every connection, and pushes (domain event -> rooms) registered once. Services never know rooms;
// a domain's handlers file and pushes file are the only places that map its events and selectors to
// rooms. The gateway owns the server, authentication, rate limits and revocations, and lists the domains.
import type { Server, Socket } from 'socket.io';
import type { Runtime } from '../../src/lib/server/platform/runtime';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/shared/socket-events';
import type { Watchers } from './watchers';

export type PodiumIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type PodiumSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeContext {
	rt: Runtime;
	io: PodiumIo;
	watchers: Watchers;
	/** Disconnects this process's sockets in `room` whose credentials `matches` (see the gateway). */
	revoke(room: string, matches: (data: SocketData) => boolean): void;
}

export interface RealtimeDomain {
	name: string;
	/**
	 * Who its handlers serve: members and API tokens (default), paired TVs ('display') and TVs waiting to
	 * pair ('pairing'). A TV's socket gets only the handlers of domains that name it.
	 */
	audiences?: ('member' | 'display' | 'pairing')[];
	/** Registers the domain's socket handlers on one new connection. */
	handlers?(socket: PodiumSocket, ctx: RealtimeContext): void;
	/** Subscribes the domain's pushes to domain events; returns what stops them. */
	pushes?(ctx: RealtimeContext): () => void;
}
