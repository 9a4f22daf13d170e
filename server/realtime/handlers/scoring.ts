// Scoring's socket handlers: board subscriptions (validated, bounded per socket, one at a time) and the
// activity feed's opt-in. A socket joins a board's room only once the board is known to exist.
import { describeError, parseInput } from '../../../src/lib/server/platform/validation';
import { AppError } from '../../../src/lib/server/platform/errors';
import { log } from '../../../src/lib/server/platform/log';
import { assertBoardExists, boardId, boardQuerySchema, readBoard } from '../../../src/lib/server/scoring/board.service';
import { MAX_BOARD_SUBSCRIPTIONS, rooms, SUBSCRIPTION_LIMIT_ERROR, type ClientToServerEvents } from '../../../src/lib/shared/socket-events';
import type { PodiumSocket, RealtimeContext } from '../domain';

export function scoringHandlers(socket: PodiumSocket, { rt, watchers }: RealtimeContext) {
	// The board rooms this socket holds or is joining, reserved before any await so that concurrent
	// subscribes cannot pass the limit together.
	const boards = new Set<string>();
	// One subscribe of a socket at a time: a burst from one socket queues behind itself instead of
	// taking every database connection (PGlite has one) from everybody else.
	let subscribing: Promise<unknown> = Promise.resolve();
	socket.on('board:subscribe', (selector, ack) => {
		if (typeof ack !== 'function') return;
		const run = () => (socket.connected ? subscribe(selector, ack) : undefined);
		subscribing = subscribing.then(run, run);
	});
	const subscribe: (...args: Parameters<ClientToServerEvents['board:subscribe']>) => Promise<void> = async (selector, ack) => {
		let room: string | undefined;
		let reserved = false;
		try {
			// A bad selector is refused with a message naming the field.
			const query = parseInput(boardQuerySchema, { ...(selector && typeof selector === 'object' ? selector : {}), limit: 100, around: undefined });
			room = rooms.board(socket.data.organizationId, boardId(query));
			if (!boards.has(room)) {
				if (boards.size >= MAX_BOARD_SUBSCRIPTIONS) return ack({ error: SUBSCRIPTION_LIMIT_ERROR });
				boards.add(room);
				reserved = true;
			}
			// Validated before anything is announced or joined: a made-up board never becomes a room.
			await assertBoardExists(rt.db, socket.data.organizationId, query.board);
			if (query.team && query.scope === 'teams') throw new AppError(400, 'validation.invalid', undefined, 'team');
			// Watched (announced, then joined) before the snapshot is read: a change made after the read
			// reaches this socket in a push; one made before is in the snapshot (see watchers.ts).
			await watchers.watch(socket.data.organizationId, [room], () => socket.join(room!));
			const snapshot = await readBoard(rt, socket.data.organizationId, query);
			ack({ data: { ...snapshot, entries: snapshot.entries } });
		} catch (error) {
			if (reserved && room) {
				boards.delete(room);
				await socket.leave(room);
			}
			const described = describeError('en', error);
			if (!described) log.warn('realtime: board:subscribe failed', error);
			ack({ error: described?.message ?? 'invalid board selector' });
		}
	};
	socket.on('board:unsubscribe', async (selector, ack) => {
		const parsed = boardQuerySchema.safeParse({ ...(selector ?? {}), around: undefined });
		if (parsed.success) {
			const room = rooms.board(socket.data.organizationId, boardId(parsed.data));
			boards.delete(room);
			await socket.leave(room);
		}
		if (typeof ack === 'function') ack(parsed.success ? { data: true } : { error: 'invalid board selector' });
	});
	// The activity feed goes only to sockets that show it: at thousands of sockets each push is
	// thousands of writes, wasted on a display that only shows a board.
	socket.on('activity:subscribe', async (ack) => {
		const room = rooms.activity(socket.data.organizationId);
		try {
			await watchers.watch(socket.data.organizationId, [room], () => socket.join(room));
			if (typeof ack === 'function') ack({ data: true });
		} catch (error) {
			log.warn('realtime: activity:subscribe failed', error);
			if (typeof ack === 'function') ack({ error: 'unavailable' });
		}
	});
	socket.on('activity:unsubscribe', async (ack) => {
		await socket.leave(rooms.activity(socket.data.organizationId));
		if (typeof ack === 'function') ack({ data: true });
	});
}
