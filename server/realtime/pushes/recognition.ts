// Recognition pushes: every celebration moment goes to the whole organization's sockets (the rep it
// celebrates shows the full animation, colleagues a toast, displays a slide), and the store's and ideas
// board's changes (open pages reload), through the adapter.
import { rooms } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';

export function recognitionPushes({ rt, io }: RealtimeContext) {
	const stops = [
		rt.events.on('recognition.moment', ({ organizationId, moment }) => {
			io.to(rooms.org(organizationId)).emit('recognition:moment', moment);
		}),
		rt.events.on('recognition.changed', ({ organizationId, what, id }) => {
			io.to(rooms.org(organizationId)).emit('recognition:changed', { what, id });
		})
	];
	return () => stops.forEach((stop) => stop());
}
