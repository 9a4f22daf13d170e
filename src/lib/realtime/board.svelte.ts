// A live board in the browser: starts from the server-rendered snapshot, applies pushed rows in
// sequence, and refetches the snapshot when it sees a gap in seq, a new epoch or after a reconnect
// (the rules are in board-sequence.ts).
import type { BoardSelector, BoardSnapshotPayload, BoardUpdatePayload, ViewRowPayload } from '$lib/shared/socket-events';
import { decideUpdate } from './board-sequence';
import { realtime } from './connection.svelte';

export interface LiveRow extends ViewRowPayload {
	/** Positive when the row climbed since the page opened, negative when it fell. */
	moved: number;
	/** Score change since the last render, for a brief highlight. */
	bumped: number;
}

function rankRows(rows: LiveRow[]): LiveRow[] {
	const sorted = [...rows].sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || (a.tie ?? 0) - (b.tie ?? 0) || a.name.localeCompare(b.name));
	let rank = 1;
	return sorted.map((row, i) => {
		if (i > 0 && row.score !== sorted[i - 1].score) rank = i + 1;
		return { ...row, rank };
	});
}

export class LiveBoard {
	rows = $state<LiveRow[]>([]);
	epoch = $state('');
	seq = $state(0);
	total = $state(0);
	period = $state('');
	/** Score changes of the members, summed since the page loaded (for the "today" column). */
	deltas = $state<Record<string, number>>({});
	private selector: BoardSelector;
	private initialRanks = new Map<string, number>();
	private detach: (() => void) | undefined;
	private refetching = false;

	constructor(snapshot: BoardSnapshotPayload, selector: BoardSelector) {
		this.selector = selector;
		this.load(snapshot, true);
	}

	private load(snapshot: BoardSnapshotPayload, first = false) {
		if (first) this.initialRanks = new Map(snapshot.entries.map((e) => [e.id, e.rank]));
		const old = new Map(this.rows.map((r) => [r.id, r]));
		this.rows = snapshot.entries.map((e) => ({
			...e,
			moved: (this.initialRanks.get(e.id) ?? e.rank) - e.rank,
			bumped: first || e.score === null ? 0 : e.score - (old.get(e.id)?.score ?? e.score)
		}));
		this.epoch = snapshot.epoch;
		this.seq = snapshot.seq;
		this.total = snapshot.total;
		this.period = snapshot.window.key;
	}

	private matches(u: BoardUpdatePayload) {
		return u.board === this.selector.board && u.scope === this.selector.scope && u.window === this.selector.window;
	}

	private apply(update: BoardUpdatePayload) {
		if (!this.matches(update)) return;
		// A limited view (the organization's transparency settings): the push carries no rows, only that
		// the board changed; this viewer's own view is read again, as the server allows it.
		if (update.refresh) {
			if (this.refetching) this.again = true;
			else void this.refetch();
			return;
		}
		const decision = decideUpdate({ epoch: this.epoch, seq: this.seq, period: this.period, teamView: !!this.selector.team }, update);
		if (decision === 'refetch') void this.refetch();
		if (decision !== 'apply') return;
		this.seq = update.seq;
		const byId = new Map(this.rows.map((r) => [r.id, r]));
		const deltas = { ...this.deltas };
		for (const row of update.rows) {
			const prev = byId.get(row.id);
			const change = (row.score ?? 0) - (prev?.score ?? 0);
			deltas[row.id] = (deltas[row.id] ?? 0) + (prev ? change : 0);
			byId.set(row.id, { ...row, moved: 0, bumped: change });
		}
		if (update.rows.some((r) => !this.rows.some((x) => x.id === r.id))) this.total += update.rows.filter((r) => !this.rows.some((x) => x.id === r.id)).length;
		// Members who left the board (deactivated, or no longer competing).
		for (const id of update.removed ?? []) {
			if (byId.delete(id)) this.total = Math.max(0, this.total - 1);
			delete deltas[id];
		}
		this.deltas = deltas;
		this.rows = rankRows([...byId.values()]).map((row) => ({
			...row,
			moved: (this.initialRanks.get(row.id) ?? row.rank) - row.rank
		}));
	}

	/** A limited view's push arrived during a read, which may have missed its change: read once more. */
	private again = false;

	private async refetch() {
		if (this.refetching) return;
		this.refetching = true;
		this.again = false;
		const socket = realtime.acquire();
		try {
			const response = await socket.timeout(10_000).emitWithAck('board:subscribe', this.selector);
			if ('data' in response) this.load(response.data);
		} catch {
			// The next update or reconnect will try again.
		} finally {
			realtime.release();
			this.refetching = false;
			if (this.again) void this.refetch();
		}
	}

	/** Subscribes over the shared socket; call the returned function to stop. */
	connect(): () => void {
		const socket = realtime.acquire();
		const onUpdate = (u: BoardUpdatePayload) => this.apply(u);
		// Every (re)connect subscribes again and takes a fresh snapshot, so a reconnect never leaves a stale board.
		const onConnect = () => void this.refetch();
		socket.on('board:update', onUpdate);
		socket.on('connect', onConnect);
		if (socket.connected) onConnect();
		this.detach = () => {
			socket.off('board:update', onUpdate);
			socket.off('connect', onConnect);
			socket.emit('board:unsubscribe', this.selector);
			realtime.release();
		};
		return this.detach;
	}
}
