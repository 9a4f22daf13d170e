// Kudos pushes: the feed's changes go to the sockets following the organization's kudos feed, through
// the adapter (so every process's sockets get them once).
import { rooms } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';

export function kudosPushes({ rt, io }: RealtimeContext) {
	const stops = [
		rt.events.on('kudos.created', ({ organizationId, kudos }) => {
			io.to(rooms.kudos(organizationId)).emit('kudos:new', kudos);
		}),
		rt.events.on('kudos.reaction', ({ organizationId, reaction }) => {
			io.to(rooms.kudos(organizationId)).emit('kudos:reaction', reaction);
		}),
		rt.events.on('kudos.hidden', ({ organizationId, id }) => {
			io.to(rooms.kudos(organizationId)).emit('kudos:hidden', { id });
		}),
		rt.events.on('kudos.spotlight', ({ organizationId, id, spotlight }) => {
			io.to(rooms.kudos(organizationId)).emit('kudos:spotlight', { id, spotlight });
		})
	];
	return () => stops.forEach((stop) => stop());
}
