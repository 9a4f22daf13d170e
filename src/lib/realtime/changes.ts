// Pages that show what colleagues change (the rewards store, the approval queue, the ideas board) reload
// when a 'recognition:changed' push names it. The push says only what changed; the reload reads it as
// this member may see it. A burst of changes (votes in a row) is one reload.
import { invalidate } from '$app/navigation';
import type { RecognitionChange } from '$lib/shared/recognition';
import { realtime } from './connection.svelte';

export const RELOAD_AFTER_MS = 250;

/** For an $effect: reloads `dependency` (a load's depends()) when one of `what` changes; returns the cleanup. */
export function reloadOnChange(what: readonly RecognitionChange[], dependency: string): () => void {
	const socket = realtime.acquire();
	let timer: ReturnType<typeof setTimeout> | undefined;
	const onChanged = (payload: { what: RecognitionChange }) => {
		if (!payload || !what.includes(payload.what) || timer) return;
		timer = setTimeout(() => {
			timer = undefined;
			void invalidate(dependency);
		}, RELOAD_AFTER_MS);
	};
	socket.on('recognition:changed', onChanged);
	return () => {
		clearTimeout(timer);
		socket.off('recognition:changed', onChanged);
		realtime.release();
	};
}
