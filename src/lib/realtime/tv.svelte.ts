// The TV's client: pairing (a code, its QR URL, a pairing socket that waits for the code to be claimed)
// and playback (a socket authenticated with the device token, the display's state, the rotation by
// server time, live slide data and the celebration queue). It owns its own socket, never the member's.
// Built to run for weeks: every timer and listener is owned by this object and cleared by stop(), and
// every collection it keeps is bounded.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/shared/socket-events';
import { triggerMatches, triggersOf, type SoundKind, type TvCelebration, type TvSlideData, type TvState } from '$lib/shared/displays/displays';
import { slideAt, type Showing } from '$lib/shared/displays/rotation';
import type { TvSlide } from '$lib/shared/displays/displays';
import { translate, type Locale } from '$lib/i18n';

type TvSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export const TOKEN_KEY = 'podium.tv.token';
const CELEBRATION_MS = 6_500;
const SEEN_MAX = 300;
/** Slide data is refetched at most this often while pushes arrive. */
const REFRESH_MS = 1_000;
/** Goal pace and KPI tiles (sums over a team) at most this often. */
const SUMS_REFRESH_MS = 5_000;

export class TvClient {
	mode = $state<'starting' | 'pairing' | 'playing'>('starting');
	status = $state<'connecting' | 'live' | 'reconnecting'>('connecting');
	code = $state('');
	expiresAt = $state(0);
	state = $state<TvState | null>(null);
	showing = $state<Showing<TvSlide> | null>(null);
	data = $state<Record<string, TvSlideData>>({});
	/** When live data last arrived (ms, local clock). */
	updatedAt = $state(0);
	now = $state(Date.now());
	celebration = $state<TvCelebration | null>(null);
	/** Server time minus local time (ms). */
	offset = 0;

	private socket: TvSocket | undefined;
	private timers = new Set<ReturnType<typeof setTimeout>>();
	private ticker: ReturnType<typeof setInterval> | undefined;
	private queue: TvCelebration[] = [];
	private seen = new Set<string>();
	private refreshing = new Map<string, number>();
	private stopped = false;

	constructor(
		private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
		private readonly report: { userAgent: string; resolution: string },
		/** Told when a celebration takes the screen (the page plays its sound). */
		private readonly onCelebration?: (celebration: TvCelebration) => void
	) {}

	/** An uploaded celebration sound, over the TV's own socket. */
	async fetchSound(kind: SoundKind): Promise<{ mime: string; version: string; data: string } | null> {
		const socket = this.socket;
		if (!socket?.connected) return null;
		try {
			const response = await socket.timeout(15_000).emitWithAck('tv:sound', { kind });
			return 'data' in response ? response.data : null;
		} catch {
			return null;
		}
	}

	get locale(): Locale {
		return this.state?.display.locale ?? 'en';
	}

	start() {
		this.stopped = false;
		this.ticker = setInterval(() => this.tick(), 250);
		const token = this.storage.getItem(TOKEN_KEY);
		if (token) this.play(token);
		else void this.pair();
	}

	stop() {
		this.stopped = true;
		if (this.ticker) clearInterval(this.ticker);
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.closeSocket();
	}

	private later(fn: () => void, ms: number) {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (!this.stopped) fn();
		}, ms);
		this.timers.add(timer);
	}

	/** Ends the socket and every timer of it (each socket starts its own: no chain outlives it). */
	private closeSocket() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.refreshing.clear();
		this.queue = [];
		this.celebration = null;
		this.socket?.removeAllListeners();
		this.socket?.io.removeAllListeners();
		this.socket?.disconnect();
		this.socket = undefined;
	}

	// ---- pairing ----

	private async pair(attempt = 0) {
		this.closeSocket();
		this.mode = 'pairing';
		this.state = null;
		this.showing = null;
		let body: { code: string; expiresAt: string; secret: string };
		try {
			const res = await fetch('/api/v1/tv/pairings', { method: 'POST' });
			if (!res.ok) throw new Error(String(res.status));
			body = await res.json();
		} catch {
			// The server is down or restarting: try again with backoff.
			this.status = 'reconnecting';
			this.later(() => void this.pair(attempt + 1), Math.min(30_000, 1_000 * 2 ** attempt));
			return;
		}
		if (this.stopped) return;
		this.code = body.code;
		this.expiresAt = Date.parse(body.expiresAt);
		const socket: TvSocket = io({ path: '/socket.io/', transports: ['websocket', 'polling'], auth: { pairing: true }, reconnectionDelayMax: 30_000 });
		this.socket = socket;
		const wait = () =>
			socket.timeout(10_000).emit('tv:await', { code: body.code, secret: body.secret }, (err, response) => {
				if (err || !response || 'error' in response) return;
				if (response.data.status === 'paired' && response.data.token) this.paired(response.data.token);
				else if (response.data.status === 'expired') void this.pair();
			});
		socket.on('connect', () => {
			this.status = 'live';
			wait();
		});
		socket.on('disconnect', () => (this.status = 'reconnecting'));
		socket.on('tv:paired', ({ token }) => this.paired(token));
		// A new code shortly before this one expires.
		this.later(() => this.mode === 'pairing' && this.code === body.code && void this.pair(), Math.max(5_000, this.expiresAt - Date.now() - 5_000));
	}

	private paired(token: string) {
		this.storage.setItem(TOKEN_KEY, token);
		this.play(token);
	}

	// ---- playback ----

	private play(token: string) {
		this.closeSocket();
		this.mode = 'playing';
		this.status = 'connecting';
		const socket: TvSocket = io({
			path: '/socket.io/',
			transports: ['websocket', 'polling'],
			auth: { display: token },
			reconnectionDelay: 1_000,
			reconnectionDelayMax: 30_000,
			randomizationFactor: 0.5
		});
		this.socket = socket;
		socket.on('connect', () => void this.hello());
		socket.on('connect_error', (error) => {
			this.status = 'reconnecting';
			// The token was revoked (or the display deleted): back to pairing.
			if (error.message === 'unauthorized') this.forget();
		});
		socket.on('disconnect', (reason) => {
			this.status = 'reconnecting';
			// The server ended it (a revocation, or a process that lost Redis): connect again, which a revoked token fails.
			if (reason === 'io server disconnect') this.later(() => this.socket === socket && socket.connect(), 300);
		});
		socket.io.on('reconnect_attempt', () => (this.status = 'reconnecting'));
		socket.on('tv:changed', () => void this.hello());
		socket.on('tv:celebrate', (c) => this.celebrate(c));
		// Celebrations arrive as tv:celebrate, worded and named for displays by the server.
		socket.on('recognition:moment', (m) => {
			if (m.type === 'badge_awarded') this.refreshType('badges');
		});
		socket.on('board:update', (u) => {
			for (const [id, d] of Object.entries(this.data)) {
				if (d.type === 'leaderboard' && d.board === u.board && d.scope === u.scope && d.window === u.window) this.refresh(id);
				// Sums over many people: read again only while shown (the next showing reads them anyway).
				else if ((d.type === 'goals' || d.type === 'kpis') && d.boards.includes(u.board) && this.showing?.slide.id === id) this.refresh(id, false, SUMS_REFRESH_MS);
			}
		});
		socket.on('contest:update', (u) => {
			for (const [id, d] of Object.entries(this.data)) if (d.type === 'contest' && d.contest?.id === u.contestId) this.refresh(id);
		});
		socket.on('kudos:new', () => this.refreshType('kudos'));
		socket.on('kudos:spotlight', () => this.refreshType('kudos'));
		socket.on('kudos:hidden', () => this.refreshType('kudos'));
		// The clock's offset drifts: learn it again every minute.
		const resync = () => {
			this.learnOffset();
			this.later(resync, 60_000);
		};
		this.later(resync, 60_000);
		// The heartbeat the displays page reads as "online".
		const beat = () => {
			if (this.showing && this.socket?.connected) this.socket.emit('tv:showing', { slide: `${this.showing.index + 1}. ${this.showing.slide.type}` });
			this.later(beat, 30_000);
		};
		this.later(beat, 30_000);
	}

	private forget() {
		this.storage.removeItem(TOKEN_KEY);
		this.data = {};
		void this.pair();
	}

	private async hello() {
		const socket = this.socket;
		if (!socket) return;
		const sent = Date.now();
		try {
			const response = await socket.timeout(10_000).emitWithAck('tv:hello', this.report);
			if ('error' in response) return;
			const received = Date.now();
			this.offset = response.data.serverNow - (sent + received) / 2;
			this.state = response.data;
			this.status = 'live';
			this.updatedAt = received;
			// Drop data of slides that left; refetch what is shown (a reconnect may have missed pushes).
			const ids = new Set(response.data.slides.map((s: TvSlide) => s.id));
			this.data = Object.fromEntries(Object.entries(this.data).filter(([id]) => ids.has(id)));
			this.tick(true);
		} catch {
			// The next connect or change asks again.
		}
	}

	private async learnOffset() {
		const socket = this.socket;
		if (!socket?.connected) return;
		const sent = Date.now();
		try {
			const response = await socket.timeout(5_000).emitWithAck('tv:time');
			if ('data' in response) this.offset = response.data - (sent + Date.now()) / 2;
		} catch {
			// Kept as it was.
		}
	}

	/** Server time now. */
	serverNow() {
		return Date.now() + this.offset;
	}

	private tick(force = false) {
		this.now = Date.now();
		if (this.mode !== 'playing' || !this.state) return;
		const at = this.serverNow();
		const next = slideAt(this.state.slides, this.state.epochAt, at, this.state.display.timeZone, this.state.pinnedSlideId);
		const changed = next?.slide.id !== this.showing?.slide.id || next?.index !== this.showing?.index;
		if (changed || force || (next && this.showing && next.endsAt !== this.showing.endsAt)) this.showing = next;
		if (next && (changed || force)) {
			this.refresh(next.slide.id, true);
			this.socket?.emit('tv:showing', { slide: `${next.index + 1}. ${next.slide.type}` });
		}
		// Fetch the next slide's data a little before it shows.
		if (next && next.endsAt - at < 2_000 && next.endsAt !== Infinity) {
			const after = slideAt(this.state.slides, this.state.epochAt, next.endsAt + 1, this.state.display.timeZone, this.state.pinnedSlideId);
			if (after && !this.data[after.slide.id]) this.refresh(after.slide.id);
		}
	}

	private refreshType(type: TvSlideData['type']) {
		for (const [id, d] of Object.entries(this.data)) if (d.type === type) this.refresh(id);
	}

	private refresh(slideId: string, now = false, gap = REFRESH_MS) {
		const last = this.refreshing.get(slideId) ?? 0;
		const wait = now ? 0 : Math.max(0, last + gap - Date.now());
		if (this.refreshing.has(slideId) && last > Date.now()) return; // one already scheduled
		this.refreshing.set(slideId, Date.now() + wait);
		this.later(async () => {
			const socket = this.socket;
			if (!socket?.connected) return this.refreshing.delete(slideId);
			try {
				const response = await socket.timeout(10_000).emitWithAck('tv:slide', { slideId });
				if ('data' in response) {
					this.data = { ...this.data, [slideId]: response.data };
					this.updatedAt = Date.now();
				}
			} catch {
				// Asked again at the next push or reconnect.
			}
		}, wait);
	}

	// ---- celebrations: queued, merged, never overlapping ----

	private wants(kind: TvCelebration['kind']) {
		const c = this.state?.display.celebrations;
		if (kind === 'manual') return true;
		return !!c && c.enabled && c.kinds.includes(kind);
	}

	celebrate(c: TvCelebration) {
		if (this.seen.has(c.id)) return;
		this.seen.add(c.id);
		if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value!);
		if (!this.wants(c.kind)) return;
		if (c.kind === 'deal' && !triggerMatches(triggersOf(this.state!.display.celebrations), c)) return;
		this.queue.push(c);
		if (this.queue.length > 50) this.queue.splice(0, this.queue.length - 50);
		if (!this.celebration) this.nextCelebration();
	}

	private nextCelebration() {
		const first = this.queue.shift();
		if (!first) {
			this.celebration = null;
			return;
		}
		// A burst is merged: what waits behind is told in one moment.
		if (this.queue.length >= 2) {
			const all = [first, ...this.queue.splice(0)];
			this.celebration = {
				...first,
				id: `burst:${first.id}`,
				headline: translate(this.locale, 'displays.celebrate.burst', { count: all.length }),
				detail: [...new Set(all.map((c) => c.name))].slice(0, 5).join(' · ')
			};
		} else this.celebration = first;
		this.onCelebration?.(this.celebration);
		this.later(() => this.nextCelebration(), CELEBRATION_MS);
	}
}
