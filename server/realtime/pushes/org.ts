// The organization's pushes: teams, members or settings changed, so pages refetch what they show.
// org.changed reaches every process, so each one tells its own sockets only (io.local).
import { rooms } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';

export function orgPushes({ rt, io }: RealtimeContext) {
	return rt.events.on('org.changed', ({ organizationId, what }) => {
		io.local.to(rooms.org(organizationId)).emit('org:changed', { what, at: new Date().toISOString() });
	});
}
