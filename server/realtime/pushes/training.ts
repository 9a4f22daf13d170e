// Training pushes: a due-day reminder goes to the rep's own sockets (their user room), through the
// adapter, so whichever process holds them hears it once.
import { rooms } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';

export function trainingPushes({ rt, io }: RealtimeContext) {
	const stops = [
		rt.events.on('training.reminder', ({ userId, reminder }) => {
			io.to(rooms.user(userId)).emit('training:reminder', reminder);
		})
	];
	return () => stops.forEach((stop) => stop());
}
