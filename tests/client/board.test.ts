// The live board store as the browser runs it (compiled for the client, in happy-dom), against a fake
// Socket.IO client: in-order updates are applied, a gap or a new period refetches the snapshot, a
// stale update changes nothing, and every reconnect takes a fresh snapshot.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { BoardRowPayload, BoardSelector, BoardSnapshotPayload, BoardUpdatePayload, ViewRowPayload } from '../../src/lib/shared/socket-events';
import { fakeSockets } from './fake-socket';

vi.mock('socket.io-client', async () => (await import('./fake-socket')).socketIoClientMock);

const { LiveBoard } = await import('../../src/lib/realtime/board.svelte');
const { realtime } = await import('../../src/lib/realtime/connection.svelte');

const selector: BoardSelector = { board: 'points', scope: 'users', window: 'week' };
const PERIOD = '2026-W02';

const row = (id: string, score: number, rank = 1, tie = 0): BoardRowPayload => ({ rank, id, name: id.toUpperCase(), team: null, score, tie });

function snapshot(seq: number, entries: ViewRowPayload[], period = PERIOD, epoch = 'e1'): BoardSnapshotPayload {
	return {
		board: 'points',
		scope: 'users',
		window: { kind: 'week', key: period, start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' },
		team: null,
		epoch,
		seq,
		total: entries.length,
		entries
	};
}

function update(seq: number, rows: BoardRowPayload[], period = PERIOD, epoch = 'e1'): BoardUpdatePayload {
	return { board: 'points', scope: 'users', window: 'week', period, epoch, seq, rows };
}

const view = (board: InstanceType<typeof LiveBoard>) => board.rows.map((r) => `${r.rank}:${r.id}:${r.score}`);

let detach: (() => void) | undefined;

/** A board rendered from `initial`, connected over a fake socket that answers subscribes with `server()`. */
function openBoard(initial: BoardSnapshotPayload, server: () => BoardSnapshotPayload) {
	const board = new LiveBoard(initial, selector);
	detach = board.connect();
	const socket = fakeSockets.at(-1)!;
	socket.answerSubscribe = server;
	return { board, socket };
}

beforeEach(() => {
	fakeSockets.length = 0;
});

afterEach(() => {
	detach?.();
	detach = undefined;
});

describe('LiveBoard', () => {
	test('applies updates that follow in sequence and ranks the rows again, without refetching', async () => {
		const served = snapshot(5, [row('ada', 100, 1), row('bob', 50, 2)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toEqual([selector]);

		socket.push(update(6, [row('bob', 120, 1, 9)]));
		expect(board.seq).toBe(6);
		expect(view(board)).toEqual(['1:bob:120', '2:ada:100']);
		socket.push(update(7, [row('cy', 10, 3, 10)]));
		expect(view(board)).toEqual(['1:bob:120', '2:ada:100', '3:cy:10']);
		expect(board.total).toBe(3);
		expect(socket.subscribes).toHaveLength(1);
	});

	test('a gap in seq refetches the snapshot instead of applying the update', async () => {
		let served = snapshot(3, [row('ada', 100, 1), row('bob', 50, 2)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(1);

		socket.push(update(4, [row('bob', 150, 1, 7)]));
		expect(view(board)).toEqual(['1:bob:150', '2:ada:100']);
		expect(socket.subscribes).toHaveLength(1);

		// seq 5 never arrives; 6 does: the store must not guess, it asks for the board as it is now.
		served = snapshot(6, [row('cy', 300, 1), row('bob', 150, 2), row('ada', 100, 3)]);
		socket.push(update(6, [row('cy', 300, 1, 11)]));
		await socket.settled();
		expect(socket.subscribes).toHaveLength(2);
		expect(board.seq).toBe(6);
		expect(view(board)).toEqual(['1:cy:300', '2:bob:150', '3:ada:100']);
		expect(socket.subscribes[1]).toEqual(selector);

		// And carries on from the refetched seq.
		socket.push(update(7, [row('ada', 400, 1, 12)]));
		expect(board.seq).toBe(7);
		expect(view(board)[0]).toBe('1:ada:400');
	});

	test('stale or repeated updates (seq at or below the current one) change nothing and refetch nothing', async () => {
		const served = snapshot(10, [row('ada', 100, 1), row('bob', 50, 2)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(1);
		const before = view(board);

		socket.push(update(10, [row('bob', 999, 1)]));
		socket.push(update(7, [row('bob', 999, 1)]));
		expect(view(board)).toEqual(before);
		expect(board.seq).toBe(10);
		expect(socket.subscribes).toHaveLength(1);
	});

	test('an update of a new epoch (the counters were lost) refetches the snapshot, however low its seq', async () => {
		let served = snapshot(40, [row('ada', 100, 1), row('bob', 50, 2)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(1);

		// Redis was flushed: the board's counter restarted at 1 under a new epoch.
		served = snapshot(1, [row('bob', 200, 1), row('ada', 100, 2)], PERIOD, 'e2');
		socket.push(update(1, [row('bob', 200, 1, 20)], PERIOD, 'e2'));
		await socket.settled();
		expect(socket.subscribes).toHaveLength(2);
		expect(view(board)).toEqual(['1:bob:200', '2:ada:100']);

		// And it keeps updating in the new epoch: the freeze this guards against.
		socket.push(update(2, [row('ada', 300, 1, 21)], PERIOD, 'e2'));
		expect(view(board)[0]).toBe('1:ada:300');
		expect(socket.subscribes).toHaveLength(2);
	});

	test('an update of a new period refetches the snapshot of that period', async () => {
		let served = snapshot(2, [row('ada', 100, 1)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(1);

		served = snapshot(3, [row('bob', 5, 1)], '2026-W03');
		socket.push(update(3, [row('bob', 5, 1)], '2026-W03'));
		await socket.settled();
		expect(board.period).toBe('2026-W03');
		expect(view(board)).toEqual(['1:bob:5']);
		expect(socket.subscribes).toHaveLength(2);
	});

	test('every reconnect takes a fresh snapshot, so updates missed while offline are not lost', async () => {
		let served = snapshot(1, [row('ada', 100, 1)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(1);
		expect(realtime.status).toBe('connected');

		socket.serverDisconnects();
		expect(realtime.status).toBe('offline');
		// While offline the board moved on by several pushes this client never saw.
		served = snapshot(4, [row('bob', 300, 1), row('ada', 100, 2)]);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(2);
		expect(board.seq).toBe(4);
		expect(view(board)).toEqual(['1:bob:300', '2:ada:100']);
		expect(realtime.status).toBe('connected');
	});

	test('a refetch already under way is not started twice by a burst of gapped updates', async () => {
		const served = snapshot(1, [row('ada', 100, 1)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(1);

		const gate = socket.holdSubscribes();
		socket.push(update(5, [row('ada', 110, 1)]));
		socket.push(update(6, [row('ada', 120, 1)]));
		socket.push(update(7, [row('ada', 130, 1)]));
		expect(socket.subscribes).toHaveLength(2);
		socket.answerSubscribe = () => snapshot(7, [row('ada', 130, 1)]);
		gate.release();
		await socket.settled();
		expect(board.seq).toBe(7);
		expect(socket.subscribes).toHaveLength(2);
	});

	test('disconnecting unsubscribes the board and releases the shared socket', async () => {
		const served = snapshot(1, []);
		const { socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(1);
		detach!();
		detach = undefined;
		expect(socket.emitted.map(([event]) => event)).toContain('board:unsubscribe');
		expect(socket.closed).toBe(true);
		expect(socket.listenerCount('board:update')).toBe(0);
	});

	test('a limited view’s push carries no rows: the board reads its own view again, once more if one arrives meanwhile', async () => {
		const masked = (id: string, rank: number): ViewRowPayload => ({ ...row(id, 0, rank), score: null });
		const served = snapshot(3, [masked('ada', 1), row('me', 40, 2)]);
		const { board, socket } = openBoard(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(view(board)).toEqual(['1:ada:null', '2:me:40']);
		expect(socket.subscribes).toHaveLength(1);

		const gate = socket.holdSubscribes();
		socket.push({ ...update(4, []), refresh: true } as BoardUpdatePayload);
		expect(socket.subscribes).toHaveLength(2);
		// Another while the read is out: it may have missed that change, so one more read follows.
		socket.push({ ...update(5, []), refresh: true } as BoardUpdatePayload);
		expect(socket.subscribes).toHaveLength(2);
		socket.answerSubscribe = () => snapshot(5, [masked('bob', 1), masked('ada', 2), row('me', 40, 3)]);
		gate.release();
		await socket.settled();
		await socket.settled();
		expect(socket.subscribes).toHaveLength(3);
		expect(view(board)).toEqual(['1:bob:null', '2:ada:null', '3:me:40']);
		expect(board.seq).toBe(5);
	});
});
