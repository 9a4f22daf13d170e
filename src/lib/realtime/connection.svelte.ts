// The browser's one Socket.IO connection. It exposes its status as reactive state and lets pages
// react to pushes; mutations never go through it.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/shared/socket-events';

export type ConnectionStatus = 'connecting' | 'connected' | 'offline';

class RealtimeConnection {
	status = $state<ConnectionStatus>('connecting');
	socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
	private users = 0;

	acquire() {
		this.users += 1;
		if (!this.socket) {
			const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
				path: '/socket.io/',
				transports: ['websocket', 'polling'],
				withCredentials: true
			});
			socket.on('connect', () => (this.status = 'connected'));
			socket.on('disconnect', (reason) => {
				this.status = 'offline';
				// The server ends a socket whose credentials were revoked or changed (a new role): connect
				// again once, which a still-valid session passes and a revoked one is refused.
				if (reason === 'io server disconnect') setTimeout(() => this.socket === socket && socket.connect(), 1_000);
			});
			socket.on('connect_error', () => (this.status = 'offline'));
			socket.io.on('reconnect_attempt', () => (this.status = 'connecting'));
			this.socket = socket;
		}
		return this.socket;
	}

	release() {
		this.users -= 1;
		if (this.users <= 0 && this.socket) {
			this.socket.disconnect();
			this.socket = undefined;
			this.users = 0;
			this.status = 'connecting';
		}
	}
}

export const realtime = new RealtimeConnection();
