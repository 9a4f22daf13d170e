// Totals must stay exact. The live store keeps a board's totals as doubles (a Redis sorted-set score),
// exact only below 2^53, so ingest refuses an event that would take an all-time total (a rep's or a
// team's, on the points board or on its metric's board) past TOTAL_BOUND = 2^52. The other 2^52 are
// headroom for what other processes add while this process's view of a board is up to VIEW_MS old.
// The view is the largest total on each all-time board, read from the live store, raised by what this
// process adds since: while every total is far from the bound (always, in practice) a batch reads nothing.
import { encodeBoardKey, POINTS_BOARD } from '../../shared/boards/identity';
import type { LiveStore } from '../live/store';
import { log } from '../platform/log';
import { processMap } from '../platform/process-cache';

export const TOTAL_BOUND = 2 ** 52;
const VIEW_MS = 2_000;

export interface BoundedEvent {
	metricKey: string;
	userId: string;
	teamId: string | null;
	value: number;
	points: number;
}

const views = processMap<string, { at: number; max: number }>('total-bound-views');

const allTimeKeys = new Map<string, string>();
/** A board's all-time key (memoized: ingest asks for the same few keys for every event). */
function allTime(board: string, scope: 'users' | 'teams') {
	const memo = `${board}|${scope}`;
	let key = allTimeKeys.get(memo);
	if (key === undefined) {
		key = encodeBoardKey({ board, scope, window: 'all', period: 'all' });
		if (allTimeKeys.size < 10_000) allTimeKeys.set(memo, key);
	}
	return key;
}

function movesOf(e: BoundedEvent) {
	const moves: { key: string; member: string; delta: number }[] = [];
	for (const [board, delta] of [
		[POINTS_BOARD, e.points],
		[e.metricKey, e.value]
	] as const) {
		if (delta <= 0) continue;
		moves.push({ key: allTime(board, 'users'), member: e.userId, delta });
		if (e.teamId) moves.push({ key: allTime(board, 'teams'), member: e.teamId, delta });
	}
	return moves;
}

/**
 * For each event, whether it would take one of its all-time totals past TOTAL_BOUND, given the totals
 * now and the events before it in the list that are not over. Only those within the bound count on.
 */
export async function overTotalBound(live: LiveStore, org: string, events: BoundedEvent[], now = Date.now()): Promise<boolean[]> {
	const moves = events.map(movesOf);
	// The batch's own sum per (board, member), and the largest per board.
	const batch = new Map<string, Map<string, number>>();
	for (const list of moves) {
		for (const m of list) {
			let members = batch.get(m.key);
			if (!members) batch.set(m.key, (members = new Map()));
			members.set(m.member, (members.get(m.member) ?? 0) + m.delta);
		}
	}
	const keys = [...batch.keys()];
	const stale = keys.filter((key) => {
		const view = views.get(`${org}|${key}`);
		return !view || now - view.at > VIEW_MS;
	});
	if (stale.length) {
		try {
			const tops = await Promise.all(stale.map((key) => live.top(org, key, 1)));
			stale.forEach((key, i) => views.set(`${org}|${key}`, { at: now, max: Math.max(0, tops[i][0]?.score ?? 0) }));
		} catch (error) {
			// Ingest does not depend on the live store being up (the reconciler applies later): keep the
			// last view, however old, raised by what this process added since; none means nothing known.
			log.warn('ingest: could not read the all-time totals from the live store; checking against the last known ones', error);
			for (const key of stale) if (!views.has(`${org}|${key}`)) views.set(`${org}|${key}`, { at: 0, max: 0 });
		}
	}
	const largest = (members: Map<string, number>) => Math.max(...members.values());
	const danger = keys.filter((key) => views.get(`${org}|${key}`)!.max + largest(batch.get(key)!) > TOTAL_BOUND);

	const over = events.map(() => false);
	if (danger.length) {
		// Near the bound: each member's exact total, and the events in order.
		const base = new Map<string, number>();
		await Promise.all(
			danger.map(async (key) => {
				const members = [...batch.get(key)!.keys()];
				// Without the live store, every member counts as holding the board's largest total.
				const entries = await live.entries(org, key, members).catch(() => members.map(() => ({ score: views.get(`${org}|${key}`)!.max })));
				members.forEach((member, i) => base.set(`${key}|${member}`, entries[i]?.score ?? 0));
			})
		);
		const running = new Map<string, number>();
		moves.forEach((list, i) => {
			const at = list.filter((m) => base.has(`${m.key}|${m.member}`));
			if (at.some((m) => base.get(`${m.key}|${m.member}`)! + (running.get(`${m.key}|${m.member}`) ?? 0) + m.delta > TOTAL_BOUND)) {
				over[i] = true;
				return;
			}
			for (const m of at) running.set(`${m.key}|${m.member}`, (running.get(`${m.key}|${m.member}`) ?? 0) + m.delta);
		});
	}
	// What this batch may add raises the view (an upper bound until the next read).
	const added = new Map<string, Map<string, number>>();
	moves.forEach((list, i) => {
		if (over[i]) return;
		for (const m of list) {
			let members = added.get(m.key);
			if (!members) added.set(m.key, (members = new Map()));
			members.set(m.member, (members.get(m.member) ?? 0) + m.delta);
		}
	});
	for (const [key, members] of added) views.get(`${org}|${key}`)!.max += largest(members);
	return over;
}
