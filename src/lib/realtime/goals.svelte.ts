// Goals live in the browser: the page's goals start from the server's figures; each goal names the
// board its owner's attainment is pushed on (GoalView.live), and board:update rows of those boards move
// the goal's actual (and with it the pace, computed here with the same module as the server). A gap in
// a board's seq, a new epoch or a reconnect reloads the page's data instead of guessing.
import { invalidate } from '$app/navigation';
import type { BoardSnapshotPayload, BoardUpdatePayload, BoardWindow } from '$lib/shared/socket-events';
import type { GoalView } from '$lib/shared/goals/goals';
import { actualOfScore } from '$lib/shared/goals/boards';
import { paceAt } from '$lib/shared/goals/pace';
import type { OrgClock } from '$lib/shared/time-windows';
import { realtime } from './connection.svelte';

const RELOAD = 'podium:goals';
type Channel = { board: string; scope: 'users' | 'teams'; window: BoardWindow };
const channelKey = (c: { board: string; scope: string; window: string }) => `${c.board}|${c.scope}|${c.window}`;

export class LiveGoals {
	/** Live actual per goal id, once a push moved it. */
	actuals = $state<Record<string, number>>({});
	/** Goal ids whose actual moved in the last push (a brief highlight). */
	bumped = $state<Record<string, number>>({});

	constructor(private goalsOf: () => GoalView[]) {}

	/** The goal as it stands now: the live actual and the pace recomputed for it. */
	view(goal: GoalView, clock: OrgClock, holidays: ReadonlySet<string>, now = new Date()): GoalView {
		const actual = this.actuals[goal.id];
		if (actual === undefined || actual === goal.actual || goal.final) return goal;
		const p = paceAt({ target: goal.target, actual, start: new Date(goal.period.start), end: new Date(goal.period.end) }, now, clock, goal.paceMode, { holidays });
		return {
			...goal,
			actual,
			attainment: p.attainment,
			expected: p.expected,
			pace: p.status === 'done' ? 'on_track' : p.status,
			reached: p.status === 'done',
			needPerDay: p.needPerDay,
			remainingDays: p.remainingDays
		};
	}

	/** For an $effect: subscribes to the boards of the goals shown; returns the cleanup. */
	start(): () => void {
		const socket = realtime.acquire();
		const seqs = new Map<string, { epoch: string; seq: number }>();
		let reloading = false;
		const reload = () => {
			if (reloading) return;
			reloading = true;
			this.actuals = {};
			void invalidate(RELOAD).finally(() => (reloading = false));
		};
		const channels = () => {
			const out = new Map<string, Channel>();
			for (const g of this.goalsOf()) if (g.live) out.set(channelKey(g.live), { board: g.live.board, scope: g.live.scope, window: g.live.window as BoardWindow });
			return [...out.values()];
		};
		const subscribe = () => {
			for (const c of channels()) {
				socket.emit('board:subscribe', c, (response: { data: BoardSnapshotPayload } | { error: string }) => {
					if ('data' in response) seqs.set(channelKey(c), { epoch: response.data.epoch, seq: response.data.seq });
				});
			}
		};
		const onUpdate = (u: BoardUpdatePayload) => {
			const key = channelKey(u);
			const known = seqs.get(key);
			if (!known) return;
			// A limited view's push (transparency settings) carries no rows: read the figures again.
			if (u.refresh || u.epoch !== known.epoch || u.seq > known.seq + 1) {
				seqs.set(key, { epoch: u.epoch, seq: u.seq });
				reload();
				return;
			}
			if (u.seq <= known.seq) return;
			known.seq = u.seq;
			const actuals = { ...this.actuals };
			const bumped = { ...this.bumped };
			let changed = false;
			for (const goal of this.goalsOf()) {
				const live = goal.live;
				if (!live || live.board !== u.board || live.scope !== u.scope || live.window !== u.window || live.period !== u.period) continue;
				const row = u.rows.find((r) => r.id === live.member);
				if (!row) continue;
				actuals[goal.id] = actualOfScore(row.score, goal.target);
				bumped[goal.id] = Date.now();
				changed = true;
			}
			if (changed) {
				this.actuals = actuals;
				this.bumped = bumped;
			}
		};
		let connectedOnce = socket.connected;
		const onConnect = () => {
			subscribe();
			// Pushes missed while away: read the figures again.
			if (connectedOnce) reload();
			connectedOnce = true;
		};
		socket.on('board:update', onUpdate);
		socket.on('connect', onConnect);
		if (socket.connected) subscribe();
		return () => {
			socket.off('board:update', onUpdate);
			socket.off('connect', onConnect);
			for (const c of channels()) socket.emit('board:unsubscribe', c);
			realtime.release();
		};
	}
}
