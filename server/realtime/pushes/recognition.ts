// Recognition pushes: every celebration moment goes to the whole organization's sockets (the rep it
// celebrates shows the full animation, colleagues a toast, displays a slide), through the adapter.
import { rooms } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';

export function recognitionPushes({ rt, io }: RealtimeContext) {
	const stops = [
		rt.events.on('recognition.moment', ({ organizationId, moment }) => {
			io.to(rooms.org(organizationId)).emit('recognition:moment', moment);
		})
	];
	return () => stops.forEach((stop) => stop());
}
