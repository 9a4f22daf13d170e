// Coalesced board pushes. Scores change in bursts; each board gets at most one push per FLUSH_MS,
// carrying every row that changed since the last one and the board's next sequence number.
import { POINTS_BOARD, SCOPES, type ScoredEvent } from '../../src/lib/shared/scoring';
import { periodOf, WINDOWS } from '../../src/lib/shared/time-windows';
import type { Runtime } from '../../src/lib/server/runtime';
import { boardId, changedRowsOfBoards } from '../../src/lib/server/scoring/board.service';
import { orgClock } from '../../src/lib/server/scoring/live.service';
import { log } from '../../src/lib/server/log';
import { rooms, type BoardUpdatePayload } from '../../src/lib/shared/socket-events';

export const FLUSH_MS = 100;

type Pending = { organizationId: string; board: string; scope: 'users' | 'teams'; window: (typeof WINDOWS)[number]; members: Set<string> };

/**
 * `watched` answers which rooms of an org someone watches (null: unknown, push them all). A board
 * nobody watches is neither read nor pushed, and its seq does not move: a subscriber's snapshot already
 * holds every change made before it announced itself (see watchers.ts).
 */
export function createBoardPusher(
	rt: Runtime,
	emit: (room: string, payload: BoardUpdatePayload) => void,
	watched: (organizationId: string) => Promise<((room: string) => boolean) | null> = async () => null
) {
	const pending = new Map<string, Pending>();
	let timer: NodeJS.Timeout | undefined;
	let flushing = false;
	let lastFlushAt = 0;

	async function flush() {
		timer = undefined;
		// One flush at a time, so a board's pushes leave in seq order; the running one schedules the next.
		if (flushing) return;
		flushing = true;
		lastFlushAt = Date.now();
		const batch = [...pending.values()];
		pending.clear();
		try {
			// Each org's boards together: their store reads share round trips and their names one query.
			const byOrg = new Map<string, Pending[]>();
			for (const p of batch) byOrg.set(p.organizationId, [...(byOrg.get(p.organizationId) ?? []), p]);
			await Promise.all(
				[...byOrg].map(async ([organizationId, all]) => {
					const watchedRooms = await watched(organizationId);
					const boards = watchedRooms ? all.filter((p) => watchedRooms(rooms.board(organizationId, boardId(p)))) : all;
					if (boards.length === 0) return;
					const seqs = await Promise.all(boards.map((p) => rt.live.nextSeq(organizationId, boardId(p))));
					const changed = await changedRowsOfBoards(rt, organizationId, boards.map((p) => ({ ...p, members: [...p.members] })));
					boards.forEach((p, i) => {
						// Always emitted through the adapter: watchers may be connected to another process.
						const room = rooms.board(organizationId, boardId(p));
						emit(room, { board: p.board, scope: p.scope, window: p.window, period: changed[i].period.key, seq: seqs[i], rows: changed[i].rows });
					});
				})
			);
		} catch (error) {
			log.warn('realtime: board push failed', error);
		} finally {
			flushing = false;
			if (pending.size) schedule();
		}
	}

	// Leading edge: a change after a quiet spell is pushed at once (with whatever else this tick brings);
	// during a burst, flushes stay FLUSH_MS apart.
	function schedule() {
		timer ??= setTimeout(() => void flush(), Math.max(0, lastFlushAt + FLUSH_MS - Date.now()));
	}

	async function onScores(organizationId: string, events: ScoredEvent[]) {
		const clock = await orgClock(rt.db, organizationId);
		const now = new Date();
		for (const window of WINDOWS) {
			const { start, end } = periodOf(window, now, clock);
			const from = start.getTime();
			const until = end.getTime();
			for (const event of events) {
				// A back-dated event outside the current period changes no live board.
				const at = event.occurredAt.getTime();
				if (at < from || at >= until) continue;
				for (const board of [POINTS_BOARD, event.metricKey]) {
					for (const scope of SCOPES) {
						const member = scope === 'users' ? event.userId : event.teamId;
						if (!member) continue;
						const key = `${organizationId}|${board}|${scope}|${window}`;
						let p = pending.get(key);
						if (!p) pending.set(key, (p = { organizationId, board, scope, window, members: new Set() }));
						p.members.add(member);
					}
				}
			}
		}
		schedule();
	}

	return {
		onScores,
		close() {
			if (timer) clearTimeout(timer);
			pending.clear();
		}
	};
}
