// What a live board in the browser does with each push: apply it, ignore it, or take a fresh snapshot.
import { describe, expect, test } from 'vitest';
import { decideUpdate, type BoardPosition } from '../../src/lib/realtime/board-sequence';

const at: BoardPosition = { epoch: 'e1', seq: 35, period: 'W2026-11-23', teamView: false };
const update = (over: Partial<{ epoch: string; seq: number; period: string }> = {}) => ({ epoch: 'e1', seq: 36, period: 'W2026-11-23', ...over });

describe('decideUpdate', () => {
	test('the next push of the same epoch and period is applied', () => {
		expect(decideUpdate(at, update())).toBe('apply');
	});

	test('a new epoch means a refetch, even when its seq restarted below what the board shows', () => {
		// Redis was flushed: the counters restart at 1 under a new epoch. Before epochs these were ignored.
		expect(decideUpdate(at, update({ epoch: 'e2', seq: 1 }))).toBe('refetch');
		expect(decideUpdate(at, update({ epoch: 'e2', seq: 36 }))).toBe('refetch');
		expect(decideUpdate(at, update({ epoch: 'e2', seq: 99 }))).toBe('refetch');
	});

	test('a gap in seq means missed pushes: refetch', () => {
		expect(decideUpdate(at, update({ seq: 37 }))).toBe('refetch');
		expect(decideUpdate(at, update({ seq: 80 }))).toBe('refetch');
	});

	test('a push the board already holds (stale or duplicate) is ignored', () => {
		expect(decideUpdate(at, update({ seq: 35 }))).toBe('ignore');
		expect(decideUpdate(at, update({ seq: 2 }))).toBe('ignore');
		expect(decideUpdate(at, update({ seq: 30, period: 'W2026-11-30' }))).toBe('ignore');
	});

	test('a new period or a team view takes a fresh snapshot', () => {
		expect(decideUpdate(at, update({ period: 'W2026-11-30' }))).toBe('refetch');
		expect(decideUpdate({ ...at, teamView: true }, update())).toBe('refetch');
	});

	test('after the refetch, the snapshot of the new epoch is followed push by push', () => {
		const refetched: BoardPosition = { ...at, epoch: 'e2', seq: 3 };
		expect(decideUpdate(refetched, update({ epoch: 'e2', seq: 4 }))).toBe('apply');
		expect(decideUpdate(refetched, update({ epoch: 'e1', seq: 36 }))).toBe('refetch');
	});
});
