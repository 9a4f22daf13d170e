// The live kudos feed in the browser: starts from the server-rendered page, follows the organization's
// feed (kudos:subscribe, again after every reconnect, merging the page it answers with) and applies
// pushes. Pushes are idempotent by id: a kudos heard twice (a push and the subscribe's page) shows once.
import type { KudosReactionPayload, KudosView } from '$lib/shared/kudos';
import { realtime } from './connection.svelte';

/** A new kudos on top, unless already shown (then the shown one is kept, with the reader's own fields). */
export function withNew(items: KudosView[], kudos: KudosView): KudosView[] {
	if (items.some((k) => k.id === kudos.id)) return items;
	return [kudos, ...items];
}

/** New counts for a kudos; the reader's own reactions change only when it was them. */
export function withReaction(items: KudosView[], payload: KudosReactionPayload, me: string): KudosView[] {
	return items.map((k) => {
		if (k.id !== payload.id) return k;
		const mine = payload.userId !== me ? k.mine : payload.on ? [...new Set([...k.mine, payload.emoji])] : k.mine.filter((e) => e !== payload.emoji);
		return { ...k, reactions: payload.reactions, mine };
	});
}

/** Merges a fresh first page into what is shown: fresh rows replace theirs, older shown rows stay. */
export function merged(items: KudosView[], fresh: KudosView[]): KudosView[] {
	const ids = new Set(fresh.map((k) => k.id));
	const oldest = fresh.length ? fresh[fresh.length - 1].createdAt : '';
	return [...fresh, ...items.filter((k) => !ids.has(k.id) && k.createdAt < oldest)];
}

export class LiveKudosFeed {
	items = $state<KudosView[]>([]);
	next = $state<string | null>(null);
	/** Ids that arrived live since the page opened (they get an entrance animation). */
	arrived = $state<Set<string>>(new Set());
	/** The latest kudos that arrived live for the reader (the page celebrates it). */
	forMe = $state<KudosView | null>(null);
	private detach: (() => void) | undefined;

	constructor(
		initial: { items: KudosView[]; next: string | null },
		private readonly me: string,
		/** Admins moderate every kudos (a leader's rights on one pushed live come with the next page load). */
		private readonly moderatesAll = false
	) {
		this.items = initial.items;
		this.next = initial.next;
	}

	add(kudos: KudosView, live = true) {
		const before = this.items.length;
		this.items = withNew(this.items, this.moderatesAll && kudos.canModerate === undefined ? { ...kudos, canModerate: true, reports: 0 } : kudos);
		if (live && this.items.length > before) this.arrived = new Set([...this.arrived, kudos.id]);
	}

	remove(id: string) {
		this.items = this.items.filter((k) => k.id !== id);
	}

	update(id: string, change: Partial<KudosView>) {
		this.items = this.items.map((k) => (k.id === id ? { ...k, ...change } : k));
	}

	append(page: { items: KudosView[]; next: string | null }) {
		const ids = new Set(this.items.map((k) => k.id));
		this.items = [...this.items, ...page.items.filter((k) => !ids.has(k.id))];
		this.next = page.next;
	}

	attach() {
		const socket = realtime.acquire();
		const subscribe = () =>
			socket.emit('kudos:subscribe', (response) => {
				if ('data' in response) this.items = merged(this.items, response.data.items);
			});
		const onNew = (kudos: KudosView) => {
			const fresh = !this.items.some((k) => k.id === kudos.id);
			this.add(kudos);
			if (fresh && kudos.to.some((p) => p.id === this.me)) this.forMe = kudos;
		};
		const onReaction = (payload: KudosReactionPayload) => (this.items = withReaction(this.items, payload, this.me));
		const onHidden = ({ id }: { id: string }) => this.remove(id);
		const onSpotlight = ({ id, spotlight }: { id: string; spotlight: boolean }) => this.update(id, { spotlight });
		socket.on('connect', subscribe);
		socket.on('kudos:new', onNew);
		socket.on('kudos:reaction', onReaction);
		socket.on('kudos:hidden', onHidden);
		socket.on('kudos:spotlight', onSpotlight);
		if (socket.connected) subscribe();
		this.detach = () => {
			socket.off('connect', subscribe);
			socket.off('kudos:new', onNew);
			socket.off('kudos:reaction', onReaction);
			socket.off('kudos:hidden', onHidden);
			socket.off('kudos:spotlight', onSpotlight);
			if (socket.connected) socket.emit('kudos:unsubscribe');
			realtime.release();
		};
		return () => this.detach?.();
	}
}
