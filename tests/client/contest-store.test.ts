// The live contest store as the browser runs it, against a fake Socket.IO client: updates that follow
// in seq are applied and reorder the standings, a gap refetches the view (contest:subscribe), a stale
// push changes nothing, moments of this contest are queued, and every reconnect takes a fresh view.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ContestMoment, ContestStanding, ContestUpdatePayload, ContestView } from '../../src/lib/shared/contests';
import { contestFixture, standing } from './contest-fixtures';
import { fakeSockets } from './fake-socket';

vi.mock('socket.io-client', async () => (await import('./fake-socket')).socketIoClientMock);

const { LiveContest } = await import('../../src/lib/realtime/contests.svelte');

const ID = 'race-1';

function view(seq: number, standings: ContestStanding[], extra: Partial<ContestView> = {}): ContestView {
	return { ...contestFixture(ID), seq, standings, ...extra };
}

function update(seq: number, rows: ContestStanding[], extra: Partial<ContestUpdatePayload> = {}): ContestUpdatePayload {
	return { contestId: ID, epoch: 'e1', seq, status: 'live', rows, ...extra };
}

const shown = (c: InstanceType<typeof LiveContest>) => c.standings.map((r) => `${r.rank}:${r.id}:${r.score}`);

let detach: (() => void) | undefined;

function open(initial: ContestView, server: () => ContestView) {
	const contest = new LiveContest(initial);
	detach = contest.connect();
	const socket = fakeSockets.at(-1)!;
	socket.answerContest = server;
	return { contest, socket };
}

beforeEach(() => {
	fakeSockets.length = 0;
});

afterEach(() => {
	detach?.();
	detach = undefined;
});

describe('LiveContest', () => {
	test('applies the next seq, moves the rows to their new ranks and marks who climbed, without refetching', async () => {
		const served = view(4, [standing('ada', 30, 1), standing('bob', 20, 2), standing('cy', 10, 3)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.contestSubscribes).toEqual([{ id: ID }]);

		socket.push('contest:update', update(5, [standing('cy', 35, 1, { tie: 9 }), standing('ada', 30, 2), standing('bob', 20, 3)]));
		expect(contest.seq).toBe(5);
		expect(shown(contest)).toEqual(['1:cy:35', '2:ada:30', '3:bob:20']);
		expect(contest.standings[0]).toMatchObject({ moved: 2, bumped: 25 });
		expect(contest.standings[1]).toMatchObject({ moved: -1, bumped: 0 });
		expect(contest.view.leader).toEqual({ id: 'cy', name: 'CY', score: 35 });
		expect(socket.contestSubscribes).toHaveLength(1);
	});

	test('a pushed row keeps the name the reader was shown (pushes name the whole organization in English)', async () => {
		const served = view(4, [standing('org', 30, 1, { name: '全公司' }), standing('bob', 20, 2)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();
		socket.push('contest:update', update(5, [standing('org', 45, 1, { name: 'Whole organization' }), standing('dee', 5, 3, { name: 'Dee' })]));
		expect(contest.standings.map((r) => [r.name, r.score])).toEqual([
			['全公司', 45],
			['BOB', 20],
			['Dee', 5]
		]);
	});

	test('a gap in seq refetches the view instead of guessing, then carries on from its seq', async () => {
		let served = view(2, [standing('ada', 30, 1), standing('bob', 20, 2)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		// seq 3 never arrives; 4 does.
		served = view(4, [standing('bob', 50, 1), standing('ada', 40, 2)]);
		socket.push('contest:update', update(4, [standing('bob', 50, 1)]));
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(2);
		expect(contest.seq).toBe(4);
		expect(shown(contest)).toEqual(['1:bob:50', '2:ada:40']);

		socket.push('contest:update', update(5, [standing('ada', 60, 1), standing('bob', 50, 2)]));
		expect(contest.seq).toBe(5);
		expect(shown(contest)).toEqual(['1:ada:60', '2:bob:50']);
		expect(socket.contestSubscribes).toHaveLength(2);
	});

	test('a limited view’s row-less refresh push reads the view again, whatever its seq; masked values show as null', async () => {
		let served = view(2, [standing('ada', 30, 1), { ...standing('bob', 20, 2), score: null }]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(1);

		served = view(3, [{ ...standing('bob', 0, 1), score: null }, standing('ada', 35, 2)]);
		socket.push('contest:update', update(3, [], { refresh: true }));
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(2);
		expect(shown(contest)).toEqual(['1:bob:null', '2:ada:35']);
		// Even one at the seq shown: a limited push's seq says nothing about the rows it did not carry.
		socket.push('contest:update', update(3, [], { refresh: true }));
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(3);
	});

	test('a push of a new epoch refetches, even when its seq restarted below the one shown (a Redis flush or restart)', async () => {
		let served = view(40, [standing('ada', 30, 1), standing('bob', 20, 2)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		// The live store lost its counters: the next push of the contest is seq 1 of a new epoch.
		served = view(1, [standing('bob', 50, 1), standing('ada', 30, 2)], { epoch: 'e2' });
		socket.push('contest:update', update(1, [standing('bob', 50, 1)], { epoch: 'e2' }));
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(2);
		expect(contest.view.epoch).toBe('e2');
		expect(contest.seq).toBe(1);
		expect(shown(contest)).toEqual(['1:bob:50', '2:ada:30']);

		// And it follows the new epoch push by push; a late push of the old epoch asks for a fresh view.
		socket.push('contest:update', update(2, [standing('ada', 60, 1), standing('bob', 50, 2)], { epoch: 'e2' }));
		expect(shown(contest)).toEqual(['1:ada:60', '2:bob:50']);
		expect(socket.contestSubscribes).toHaveLength(2);
		socket.push('contest:update', update(41, [standing('bob', 99, 1)]));
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(3);
	});

	test('a push at or below the seq shown, or of another contest, changes nothing', async () => {
		const served = view(9, [standing('ada', 30, 1), standing('bob', 20, 2)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();
		const before = shown(contest);

		socket.push('contest:update', update(9, [standing('bob', 99, 1)]));
		socket.push('contest:update', update(3, [standing('bob', 99, 1)]));
		socket.push('contest:update', { ...update(10, [standing('bob', 99, 1)]), contestId: 'other' });
		expect(shown(contest)).toEqual(before);
		expect(contest.seq).toBe(9);
		expect(socket.contestSubscribes).toHaveLength(1);
	});

	test('a burst of gapped pushes during a refetch asks once more afterwards, not once per push', async () => {
		const served = view(1, [standing('ada', 1, 1)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		const gate = socket.holdSubscribes();
		socket.push('contest:update', update(4, [standing('ada', 4, 1)]));
		socket.push('contest:update', update(5, [standing('ada', 5, 1)]));
		socket.push('contest:update', update(6, [standing('ada', 6, 1)]));
		expect(socket.contestSubscribes).toHaveLength(2);
		socket.answerContest = () => view(6, [standing('ada', 6, 1)]);
		gate.release();
		await socket.settled();
		await socket.settled();
		// The answer in flight may predate the later pushes: one more, and only one.
		expect(socket.contestSubscribes).toHaveLength(3);
		expect(contest.seq).toBe(6);
		expect(shown(contest)).toEqual(['1:ada:6']);
	});

	test('status pushes never move the seq or take the status back: a row push with that seq still applies', async () => {
		let served = view(1, [standing('ada', 2, 1)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		// As two processes may send them: the final status (no rows) overtakes the last row push.
		served = view(2, [standing('ada', 3, 1, { place: 1 })], { status: 'final' });
		socket.push('contest:update', update(2, [], { status: 'final' }));
		expect(contest.view.status).toBe('final');
		socket.push('contest:update', update(2, [standing('ada', 3, 1)], { status: 'ended' }));
		expect(contest.view.status).toBe('final');
		expect(shown(contest)).toEqual(['1:ada:3']);
		await socket.settled();
		await socket.settled();
		expect(contest.view.status).toBe('final');
		expect(contest.standings[0].place).toBe(1);
		// A late push of an older status changes nothing.
		socket.push('contest:update', update(2, [], { status: 'live' }));
		expect(contest.view.status).toBe('final');
	});

	test('a new status takes the whole view again (places and prizes once final)', async () => {
		let served = view(3, [standing('ada', 30, 1), standing('bob', 20, 2)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		served = view(4, [standing('ada', 30, 1, { place: 1, prize: { text: 'Lunch', points: 100 } }), standing('bob', 20, 2, { place: 2 })], { status: 'final' });
		socket.push('contest:update', update(4, [], { status: 'final' }));
		expect(contest.view.status).toBe('final');
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(2);
		expect(contest.standings[0]).toMatchObject({ id: 'ada', place: 1, prize: { text: 'Lunch', points: 100 } });
	});

	test('a push without rows at the seq shown carries a status change: shown at once, then the view is refetched', async () => {
		let served = view(6, [standing('ada', 30, 1)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		served = view(6, [standing('ada', 30, 1, { place: 1 })], { status: 'final' });
		socket.push('contest:update', update(6, [], { status: 'ended' }));
		expect(contest.view.status).toBe('ended');
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(2);
		expect(contest.view.status).toBe('final');
		expect(contest.standings[0].place).toBe(1);
		// The same status again is a repeat: nothing to do.
		socket.push('contest:update', update(6, [], { status: 'final' }));
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(2);
	});

	test('a refetched view keeps the texts in the reader’s language (the socket answers in its own)', async () => {
		const zh = { ...view(1, [standing('ada', 1, 1)]), name: '冲刺一小时', prizes: [{ place: 1, text: '团队午餐', points: 100 }] };
		const contest = new LiveContest(zh, 'zh-CN');
		detach = contest.connect();
		const socket = fakeSockets.at(-1)!;
		socket.answerContest = () => view(3, [standing('ada', 5, 1, { place: 1, prize: { text: 'Team lunch', points: 100 } })], { status: 'final', prizes: [{ place: 1, text: 'Team lunch', points: 100 }] });
		socket.serverConnects();
		await socket.settled();
		expect(contest.view.seq).toBe(3);
		expect(contest.view.name).toBe('冲刺一小时');
		expect(contest.view.prizes[0].text).toBe('团队午餐');
		expect(contest.standings[0].prize?.text).toBe('团队午餐');
	});

	test('moments of this contest are queued in order; those of others are not', async () => {
		const served = view(1, [standing('ada', 1, 1)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		const moment = (type: ContestMoment['type'], contestId = ID): ContestMoment => ({ type, contestId, contestName: 'Power hour', at: '2026-12-01T10:00:00.000Z', participant: { id: 'ada', name: 'ADA' } });
		socket.push('contest:moment', moment('new_leader'));
		socket.push('contest:moment', moment('target_reached', 'other'));
		socket.push('contest:moment', moment('ended'));
		expect(contest.moments.map((m) => m.type)).toEqual(['new_leader', 'ended']);
		expect(contest.nextMoment()?.type).toBe('new_leader');
		expect(contest.moments.map((m) => m.type)).toEqual(['ended']);
	});

	test('a reconnect takes a fresh view, so pushes missed while offline are not lost', async () => {
		let served = view(1, [standing('ada', 10, 1)]);
		const { contest, socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();

		socket.serverDisconnects();
		served = view(5, [standing('bob', 30, 1), standing('ada', 10, 2)]);
		socket.serverConnects();
		await socket.settled();
		expect(socket.contestSubscribes).toHaveLength(2);
		expect(contest.seq).toBe(5);
		expect(shown(contest)).toEqual(['1:bob:30', '2:ada:10']);
	});

	test('disconnecting unsubscribes and stops listening', async () => {
		const served = view(1, []);
		const { socket } = open(served, () => served);
		socket.serverConnects();
		await socket.settled();
		detach!();
		detach = undefined;
		expect(socket.emitted).toContainEqual(['contest:unsubscribe', { id: ID }]);
		expect(socket.listenerCount('contest:update')).toBe(0);
		expect(socket.listenerCount('contest:moment')).toBe(0);
	});
});
