// The home page live: it subscribes to today's boards of the figures it shows (and the month's points
// board of the rank). A push that carries the reader's own row moves their figure and rank at once;
// kudos and badges of the reader (or their team) do too; every push also schedules a reload of the page's data (soon when it is about the reader or their
// team, later when it is about anyone else, whose scores move the reader's rank), so a burst of events
// is one reload and figures never drift from what the server would say.
import { invalidate } from '$app/navigation';
import type { BoardSelector, BoardUpdatePayload } from '$lib/shared/socket-events';
import type { RecognitionMoment } from '$lib/shared/recognition';
import { realtime } from './connection.svelte';

export const HOME_RELOAD = 'podium:home';
/** Reload delay after a push about the reader (or their team). */
export const NEAR_RELOAD_MS = 1_500;
/** Reload delay after a push about anyone else (their scores move the reader's rank). */
export const FAR_RELOAD_MS = 10_000;

export class LiveHome {
	/** The reader's figure per board while on today's boards, once a push moved it. */
	today = $state<Record<string, number>>({});
	/** The reader's month rank and score once a push moved them. */
	rank = $state<{ rank: number; score: number } | null>(null);
	/** Boards whose figure moved in the last push (a brief highlight), by time. */
	bumped = $state<Record<string, number>>({});
	private timer: ReturnType<typeof setTimeout> | undefined;
	private due = 0;

	constructor(private readonly options: () => { me: string; members: ReadonlySet<string>; boards: string[]; rankBoard: string | null }) {}

	/** Clears what pushes moved: the page's data, just reloaded, already holds it. */
	reset() {
		this.today = {};
		this.rank = null;
	}

	private schedule(ms: number) {
		const at = Date.now() + ms;
		if (this.timer && this.due <= at) return;
		clearTimeout(this.timer);
		this.due = at;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void invalidate(HOME_RELOAD);
		}, ms);
	}

	private apply(u: BoardUpdatePayload) {
		const { me, members, boards, rankBoard } = this.options();
		const daily = u.scope === 'users' && u.window === 'day' && boards.includes(u.board);
		const monthly = rankBoard !== null && u.board === rankBoard && u.scope === 'users' && u.window === 'month';
		if (!daily && !monthly) return;
		const mine = u.rows.find((r) => r.id === me);
		if (mine && daily) {
			this.today = { ...this.today, [u.board]: mine.score };
			this.bumped = { ...this.bumped, [u.board]: Date.now() };
		}
		if (mine && monthly) this.rank = { rank: mine.rank, score: mine.score };
		const near = u.rows.some((r) => r.id === me || members.has(r.id)) || (u.removed ?? []).some((id) => members.has(id));
		this.schedule(near ? NEAR_RELOAD_MS : FAR_RELOAD_MS);
	}

	/** For an $effect: subscribes to the boards; returns the cleanup. */
	start(): () => void {
		const socket = realtime.acquire();
		const selectors = (): BoardSelector[] => {
			const { boards, rankBoard } = this.options();
			return [
				...boards.map((board) => ({ board, scope: 'users' as const, window: 'day' as const })),
				...(rankBoard ? [{ board: rankBoard, scope: 'users' as const, window: 'month' as const }] : [])
			];
		};
		const subscribe = () => {
			for (const s of selectors()) socket.emit('board:subscribe', s, () => {});
		};
		const onUpdate = (u: BoardUpdatePayload) => this.apply(u);
		// Kudos, badges and levels of the reader (or their team) show in the page's recognition list.
		const onMoment = (m: RecognitionMoment) => {
			const { me, members } = this.options();
			if (m?.user && (m.user.id === me || members.has(m.user.id))) this.schedule(NEAR_RELOAD_MS);
		};
		// A reconnect may have missed pushes: subscribe again and reload.
		let first = true;
		const onConnect = () => {
			subscribe();
			if (!first) this.schedule(0);
			first = false;
		};
		socket.on('board:update', onUpdate);
		socket.on('recognition:moment', onMoment);
		socket.on('connect', onConnect);
		if (socket.connected) onConnect();
		return () => {
			clearTimeout(this.timer);
			this.timer = undefined;
			socket.off('board:update', onUpdate);
			socket.off('recognition:moment', onMoment);
			socket.off('connect', onConnect);
			for (const s of selectors()) socket.emit('board:unsubscribe', s);
			realtime.release();
		};
	}
}
