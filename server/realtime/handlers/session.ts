// The session's socket handler: who this socket is and which rooms it holds (for clients and tests).
import type { PodiumSocket } from '../domain';

export function sessionHandlers(socket: PodiumSocket) {
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
}
