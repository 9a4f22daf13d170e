// Scoring's socket handlers: board subscriptions (validated, bounded per socket, one at a time) and the
// activity feed's opt-in. A socket joins a board's room only once the board is known to exist.
// Transparency: a socket whose view is limited (a rep under the org's settings) joins the board's
// `#limited` room instead, whose pushes carry no rows, and its snapshots are its own view (viewBoard);
// when the settings change, regroupBoardViewers moves this process's sockets and tells them to re-read.
import { describeError, parseInput } from '../../../src/lib/server/platform/validation';
import { AppError } from '../../../src/lib/server/platform/errors';
import { log } from '../../../src/lib/server/platform/log';
import { assertBoardExists, boardId, boardQuerySchema, type BoardQuery } from '../../../src/lib/server/scoring/board.service';
import { lensFor, viewBoard } from '../../../src/lib/server/transparency/transparency.service';
import { MAX_BOARD_SUBSCRIPTIONS, rooms, SUBSCRIPTION_LIMIT_ERROR, type ClientToServerEvents } from '../../../src/lib/shared/socket-events';
import type { PodiumSocket, RealtimeContext } from '../domain';

/** This process's board subscribers per organization: each moves its own rooms after a settings change. */
const viewers = new Map<string, Set<() => Promise<unknown>>>();

/** The org's transparency changed: every local subscriber joins the room its view now belongs in. */
export async function regroupBoardViewers(organizationId: string) {
	await Promise.all([...(viewers.get(organizationId) ?? [])].map((regroup) => regroup().catch((error) => log.warn('realtime: board regroup failed', error))));
}

export function scoringHandlers(socket: PodiumSocket, { rt, watchers }: RealtimeContext) {
	const org = socket.data.organizationId;
	// The board rooms this socket holds or is joining (by their full room's name), reserved before any
	// await so that concurrent subscribes cannot pass the limit together; with the query and the room
	// (full or limited) it joined.
	const boards = new Set<string>();
	const joined = new Map<string, { query: BoardQuery; room: string }>();
	const roomFor = async (query: BoardQuery) => {
		const lens = query.scope === 'users' ? await lensFor(rt.db, org, socket.data) : ({ kind: 'full' } as const);
		return { lens, room: lens.kind === 'full' ? rooms.board(org, boardId(query)) : rooms.boardLimited(org, boardId(query)) };
	};
	/** Joins `room` for the board (announced first, see watchers.ts) and leaves the board's other room. */
	const enter = async (key: string, query: BoardQuery, room: string) => {
		const before = joined.get(key)?.room;
		await watchers.watch(org, [room], () => socket.join(room));
		joined.set(key, { query, room });
		if (before && before !== room) await socket.leave(before);
	};
	// One subscribe of a socket at a time: a burst from one socket queues behind itself instead of
	// taking every database connection (PGlite has one) from everybody else.
	let subscribing: Promise<unknown> = Promise.resolve();
	socket.on('board:subscribe', (selector, ack) => {
		if (typeof ack !== 'function') return;
		const run = () => (socket.connected ? subscribe(selector, ack) : undefined);
		subscribing = subscribing.then(run, run);
	});
	const subscribe: (...args: Parameters<ClientToServerEvents['board:subscribe']>) => Promise<void> = async (selector, ack) => {
		let key: string | undefined;
		let reserved = false;
		try {
			// A bad selector is refused with a message naming the field.
			const query = parseInput(boardQuerySchema, { ...(selector && typeof selector === 'object' ? selector : {}), limit: 100, around: undefined });
			key = rooms.board(org, boardId(query));
			if (!boards.has(key)) {
				if (boards.size >= MAX_BOARD_SUBSCRIPTIONS) return ack({ error: SUBSCRIPTION_LIMIT_ERROR });
				boards.add(key);
				reserved = true;
			}
			// Validated before anything is announced or joined: a made-up board never becomes a room.
			await assertBoardExists(rt.db, org, query.board);
			if (query.team && query.scope === 'teams') throw new AppError(400, 'validation.invalid', undefined, 'team');
			// Watched (announced, then joined) before the snapshot is read: a change made after the read
			// reaches this socket in a push; one made before is in the snapshot (see watchers.ts).
			const { lens, room } = await roomFor(query);
			await enter(key, query, room);
			const snapshot = await viewBoard(rt, org, query, lens);
			ack({ data: { ...snapshot, entries: snapshot.entries } });
		} catch (error) {
			if (reserved && key) {
				boards.delete(key);
				const room = joined.get(key)?.room;
				joined.delete(key);
				if (room) await socket.leave(room);
			}
			const described = describeError('en', error);
			if (!described) log.warn('realtime: board:subscribe failed', error);
			ack({ error: described?.message ?? 'invalid board selector' });
		}
	};
	socket.on('board:unsubscribe', async (selector, ack) => {
		const parsed = boardQuerySchema.safeParse({ ...(selector ?? {}), around: undefined });
		if (parsed.success) {
			const key = rooms.board(org, boardId(parsed.data));
			const room = joined.get(key)?.room;
			boards.delete(key);
			joined.delete(key);
			await socket.leave(key);
			if (room) await socket.leave(room);
		}
		if (typeof ack === 'function') ack(parsed.success ? { data: true } : { error: 'invalid board selector' });
	});
	// After a transparency change: each board moves to the room its view now belongs in, and the socket
	// is told to read its view again (a push with `refresh`).
	const regroupNow = async () => {
		for (const [key, { query, room: before }] of [...joined]) {
			if (!socket.connected) return;
			const { lens, room } = await roomFor(query);
			if (room !== before) await enter(key, query, room);
			else if (lens.kind === 'full') continue;
			const { epoch, seq } = await rt.live.currentSeq(org, boardId(query));
			socket.emit('board:update', { board: query.board, scope: query.scope, window: query.window, period: '', epoch, seq, rows: [], refresh: true });
		}
	};
	const regroupAll = async () => {
		if (activityRoom && socket.connected) await enterActivity();
		await regroupNow();
	};
	// In line with subscribes, so a subscribe in flight and a regroup never interleave.
	const regroup = () => (subscribing = subscribing.then(regroupAll, regroupAll));
	if (org) {
		const set = viewers.get(org) ?? new Set();
		viewers.set(org, set.add(regroup));
		socket.on('disconnect', () => {
			set.delete(regroup);
			if (set.size === 0 && viewers.get(org) === set) viewers.delete(org);
		});
	}
	// The feed's room: a rep shown ranks only gets the masked feed (others' values null).
	let activityRoom: string | undefined;
	const mineRoom = socket.data.userId ? rooms.activityMaskedFor(org, socket.data.userId) : undefined;
	const enterActivity = async () => {
		const lens = await lensFor(rt.db, org, socket.data);
		const masked = lens.kind === 'limited' && !lens.values;
		const room = masked ? rooms.activityMasked(org) : rooms.activity(org);
		const before = activityRoom;
		// A masked reader also sits in its own room, where its own items come with their values.
		await watchers.watch(org, [room], () => socket.join(masked && mineRoom ? [room, mineRoom] : room));
		activityRoom = room;
		if (before && before !== room) await socket.leave(before);
		if (!masked && mineRoom) await socket.leave(mineRoom);
	};
	// The activity feed goes only to sockets that show it: at thousands of sockets each push is
	// thousands of writes, wasted on a display that only shows a board.
	socket.on('activity:subscribe', async (ack) => {
		try {
			await enterActivity();
			if (typeof ack === 'function') ack({ data: true });
		} catch (error) {
			log.warn('realtime: activity:subscribe failed', error);
			if (typeof ack === 'function') ack({ error: 'unavailable' });
		}
	});
	socket.on('activity:unsubscribe', async (ack) => {
		activityRoom = undefined;
		await socket.leave(rooms.activity(org));
		await socket.leave(rooms.activityMasked(org));
		if (mineRoom) await socket.leave(mineRoom);
		if (typeof ack === 'function') ack({ data: true });
	});
}
