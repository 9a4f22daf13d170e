// The kudos feed's subscription: any socket of the organization may follow it (a member sees their own
// reactions and, if they may moderate, the report counts; a token socket the plain feed). The first page
// is read after joining, so a kudos given meanwhile reaches the socket as a push (the store dedupes).
import { log } from '../../../src/lib/server/platform/log';
import { listFeed } from '../../../src/lib/server/recognition/kudos.service';
import { rooms } from '../../../src/lib/shared/socket-events';
import type { PodiumSocket, RealtimeContext } from '../domain';

export function kudosHandlers(socket: PodiumSocket, { rt, watchers }: RealtimeContext) {
	socket.on('kudos:subscribe', async (ack) => {
		if (typeof ack !== 'function') return;
		const org = socket.data.organizationId;
		const room = rooms.kudos(org);
		try {
			await watchers.watch(org, [room], () => socket.join(room));
			const { userId, role } = socket.data;
			const actor = userId && (role === 'admin' || role === 'leader' || role === 'rep') ? { userId, organizationId: org, role } : null;
			ack({ data: await listFeed(rt.db, org, actor) });
		} catch (error) {
			await socket.leave(room);
			log.warn('realtime: kudos:subscribe failed', error);
			ack({ error: 'unavailable' });
		}
	});
	socket.on('kudos:unsubscribe', async (ack) => {
		await socket.leave(rooms.kudos(socket.data.organizationId));
		if (typeof ack === 'function') ack({ data: true });
	});
}
