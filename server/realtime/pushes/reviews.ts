// Review pushes: a plan's reminder goes to its owners' own sockets (their user rooms), through the
// adapter, so whichever process holds them hears it once.
import { rooms } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';

export function reviewPushes({ rt, io }: RealtimeContext) {
	const stops = [
		rt.events.on('review.reminder', ({ userIds, reminder }) => {
			for (const userId of userIds) io.to(rooms.user(userId)).emit('review:reminder', reminder);
		})
	];
	return () => stops.forEach((stop) => stop());
}
