// Contest subscriptions: a socket of the organization may follow any contest it can read (a hidden
// one only if its member manages it; a display or token socket, non-hidden ones). Validated and
// authorized before the room is announced and joined; the snapshot is read after joining, so a
// change after the read reaches the socket as a push.
import { z } from 'zod';
import { log } from '../../../src/lib/server/platform/log';
import { accessOf } from '../../../src/lib/server/org/access';
import { findContest } from '../../../src/lib/server/contests/contest.repository';
import { canManageContest, viewOf } from '../../../src/lib/server/contests/contest.service';
import { localeSchema } from '../../../src/lib/shared/schemas';
import { MAX_CONTEST_SUBSCRIPTIONS, rooms, type ClientToServerEvents } from '../../../src/lib/shared/socket-events';
import type { PodiumSocket, RealtimeContext } from '../domain';

const selectorSchema = z.object({ id: z.uuid() });
// The snapshot's texts (name, description, prizes, the whole organization's label) in the reader's language.
const subscribeSchema = selectorSchema.extend({ locale: localeSchema.default('en') });
const NOT_FOUND = 'contest not found';

export function contestHandlers(socket: PodiumSocket, { rt, watchers }: RealtimeContext) {
	const followed = new Set<string>();
	// One subscribe of a socket at a time (as for boards): a burst from one socket queues behind itself
	// instead of taking every database connection from everybody else.
	let subscribing: Promise<unknown> = Promise.resolve();
	socket.on('contest:subscribe', (selector, ack) => {
		if (typeof ack !== 'function') return;
		const run = () => (socket.connected ? subscribe(selector, ack) : undefined);
		subscribing = subscribing.then(run, run);
	});
	const subscribe = async (selector: Parameters<ClientToServerEvents['contest:subscribe']>[0], ack: Parameters<ClientToServerEvents['contest:subscribe']>[1]) => {
		const parsed = subscribeSchema.safeParse(selector);
		if (!parsed.success) return ack({ error: `${parsed.error.issues[0]?.path[0] === 'locale' ? 'locale' : 'id'} is not valid` });
		const org = socket.data.organizationId;
		const room = rooms.contest(org, parsed.data.id);
		let reserved = false;
		try {
			if (!followed.has(room)) {
				if (followed.size >= MAX_CONTEST_SUBSCRIPTIONS) return ack({ error: `too many contests: at most ${MAX_CONTEST_SUBSCRIPTIONS} per connection` });
				followed.add(room);
				reserved = true;
			}
			const row = await findContest(rt.db, org, parsed.data.id);
			const { userId, role } = socket.data;
			const access = userId && (role === 'admin' || role === 'leader' || role === 'rep') ? await accessOf(rt.db, { userId, organizationId: org, role }) : null;
			const canManage = !!row && !!access && canManageContest(access, row);
			if (!row || (row.hidden && !canManage)) throw new Error(NOT_FOUND);
			await watchers.watch(org, [room], () => socket.join(room));
			const view = await viewOf(rt, row, { userId, canManage }, parsed.data.locale);
			ack({ data: view });
		} catch (error) {
			if (reserved) {
				followed.delete(room);
				await socket.leave(room);
			}
			if (!(error instanceof Error && error.message === NOT_FOUND)) log.warn('realtime: contest:subscribe failed', error);
			ack({ error: error instanceof Error && error.message === NOT_FOUND ? NOT_FOUND : 'unavailable' });
		}
	};
	socket.on('contest:unsubscribe', async (selector, ack) => {
		const parsed = selectorSchema.safeParse(selector);
		if (parsed.success) {
			const room = rooms.contest(socket.data.organizationId, parsed.data.id);
			followed.delete(room);
			await socket.leave(room);
		}
		if (typeof ack === 'function') ack(parsed.success ? { data: true } : { error: 'id is not valid' });
	});
}
