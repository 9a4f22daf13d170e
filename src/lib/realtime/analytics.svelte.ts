// Analytics pages live: they listen to today's points board, and a push that moves one of the members
// they chart (or a void or correction of theirs) reloads the page's data once the burst settles. The
// reload reads everything as this reader may see it; the charts then animate to the new figures.
import { invalidate } from '$app/navigation';
import { POINTS_BOARD } from '$lib/shared/boards/identity';
import type { BoardSelector, BoardUpdatePayload } from '$lib/shared/socket-events';
import { realtime } from './connection.svelte';

export const ANALYTICS_RELOAD = 'podium:analytics';
export const ANALYTICS_RELOAD_MS = 1_200;

/** For an $effect: reloads ANALYTICS_RELOAD when a score of one of `members` changes; returns the cleanup. */
export function reloadOnScores(members: () => ReadonlySet<string>): () => void {
	const socket = realtime.acquire();
	const selector: BoardSelector = { board: POINTS_BOARD, scope: 'users', window: 'day' };
	let timer: ReturnType<typeof setTimeout> | undefined;
	const onUpdate = (u: BoardUpdatePayload) => {
		if (u.board !== POINTS_BOARD || u.scope !== 'users' || u.window !== 'day' || timer) return;
		const ids = members();
		if (!u.rows.some((r) => ids.has(r.id)) && !(u.removed ?? []).some((id) => ids.has(id))) return;
		timer = setTimeout(() => {
			timer = undefined;
			void invalidate(ANALYTICS_RELOAD);
		}, ANALYTICS_RELOAD_MS);
	};
	const onConnect = () => socket.emit('board:subscribe', selector, () => {});
	socket.on('board:update', onUpdate);
	socket.on('connect', onConnect);
	if (socket.connected) onConnect();
	return () => {
		clearTimeout(timer);
		socket.off('board:update', onUpdate);
		socket.off('connect', onConnect);
		socket.emit('board:unsubscribe', selector);
		realtime.release();
	};
}
