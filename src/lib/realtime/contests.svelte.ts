// A live contest in the browser: starts from the server-rendered view, applies pushed rows in seq
// order, and refetches the view (contest:subscribe) on a gap in seq and after every (re)connect.
// Invariant: a contest's pushes carry a seq that grows by one per push within an epoch; a push at or
// below the seq shown is already in the view, and one more than a step ahead means missed pushes. A new
// epoch (the live store lost its counters to a flush or restart, and seq began again) means a refetch.
import type { ContestMoment, ContestStanding, ContestUpdatePayload, ContestView } from '$lib/shared/contests';
import type { Locale } from '$lib/i18n';
import { localize } from '$lib/shared/localized';
import { realtime } from './connection.svelte';

export interface LiveStanding extends ContestStanding {
	/** Positive when the row climbed since the page opened, negative when it fell. */
	moved: number;
	/** Score change of the last update, for a brief highlight. */
	bumped: number;
}

export type ContestDecision = 'apply' | 'status' | 'refetch' | 'ignore';

/** Statuses in the order a contest goes through them; a push never takes a contest back. */
const STATUS_ORDER: Record<ContestView['status'], number> = { draft: 0, scheduled: 1, live: 2, ended: 3, final: 4, cancelled: 5 };
export const laterStatus = (a: ContestView['status'], b: ContestView['status']) => (STATUS_ORDER[b] > STATUS_ORDER[a] ? b : a);

/**
 * What a live contest does with a push, given the seq and status it shows. A push without rows carries
 * a status change only: it never moves the seq (a row push may still come with that seq), and an
 * older status (pushes of two processes may cross) changes nothing.
 */
export function decideContestUpdate(
	current: { id: string; epoch: string; seq: number; status: ContestView['status'] },
	update: Pick<ContestUpdatePayload, 'contestId' | 'epoch' | 'seq' | 'status' | 'rows' | 'refresh'>
): ContestDecision {
	if (update.contestId !== current.id) return 'ignore';
	// A limited view's push: something changed, and only a read of its own view tells what.
	if (update.refresh) return 'refetch';
	// Another epoch: seq restarted, so it says nothing about what the view holds.
	if (update.epoch !== current.epoch) return 'refetch';
	if (update.rows.length === 0) return laterStatus(current.status, update.status) !== current.status ? 'status' : 'ignore';
	if (update.seq <= current.seq) return 'ignore';
	return update.seq === current.seq + 1 ? 'apply' : 'refetch';
}

/** Standings in rank order; equal ranks keep the higher score, then who got there first, then the name. */
export function orderStandings<T extends ContestStanding>(rows: T[]): T[] {
	return [...rows].sort((a, b) => a.rank - b.rank || (b.score ?? 0) - (a.score ?? 0) || (a.tie ?? 0) - (b.tie ?? 0) || a.name.localeCompare(b.name));
}

const socketOf = () => realtime.acquire();

export class LiveContest {
	view = $state() as ContestView;
	standings = $state<LiveStanding[]>([]);
	/** Moments pushed since the page opened, oldest first; the page celebrates and shifts them. */
	moments = $state<ContestMoment[]>([]);
	private initialRanks = new Map<string, number>();
	private refetching = false;
	/** A refetch asked for while one was under way: its answer may predate what asked, so fetch again. */
	private again = false;
	private detach: (() => void) | undefined;

	/** The reader's language: the texts of a refetched view are read in it (the socket answers in its own). */
	private locale: Locale | undefined;

	constructor(snapshot: ContestView, locale?: Locale) {
		this.locale = locale;
		this.load(snapshot, true);
	}

	/** The view with its user-named texts in the reader's language; prize texts (locked once live) as first shown. */
	private readable(snapshot: ContestView, first: boolean): ContestView {
		if (first || !this.locale) return snapshot;
		const locale = this.locale;
		const prizeText = new Map(this.view.prizes.map((p) => [p.place, p.text]));
		return {
			...snapshot,
			name: localize(snapshot.texts.name, locale) || snapshot.name,
			description: localize(snapshot.texts.description, locale),
			prizes: snapshot.prizes.map((p) => ({ ...p, text: prizeText.get(p.place) ?? p.text })),
			standings: snapshot.standings.map((s) => (s.prize && s.place && prizeText.has(s.place) ? { ...s, prize: { ...s.prize, text: prizeText.get(s.place)! } } : s))
		};
	}

	get id() {
		return this.view.id;
	}

	get seq() {
		return this.view.seq;
	}

	private load(fetched: ContestView, first = false) {
		const snapshot = this.readable(fetched, first);
		if (first) this.initialRanks = new Map(snapshot.standings.map((s) => [s.id, s.rank]));
		const old = new Map(this.standings.map((r) => [r.id, r]));
		this.view = snapshot;
		this.standings = orderStandings(snapshot.standings).map((s) => ({
			...s,
			moved: (this.initialRanks.get(s.id) ?? s.rank) - s.rank,
			bumped: first || s.score === null ? 0 : s.score - (old.get(s.id)?.score ?? s.score)
		}));
	}

	/** Applies one contest:update (exposed for tests and for pages that relay pushes). */
	apply(update: ContestUpdatePayload) {
		const decision = decideContestUpdate({ id: this.view.id, epoch: this.view.epoch, seq: this.view.seq, status: this.view.status }, update);
		if (decision === 'refetch') void this.refetch();
		if (decision === 'status') {
			// A new status can change the whole view (places and prizes once final, the next bracket round).
			this.view = { ...this.view, status: update.status, challenge: update.challenge ?? this.view.challenge };
			void this.refetch();
			return;
		}
		if (decision !== 'apply') return;
		const status = laterStatus(this.view.status, update.status);
		const statusChanged = status !== this.view.status;
		const byId = new Map(this.standings.map((r) => [r.id, r]));
		const changed = new Set(update.rows.map((r) => r.id));
		for (const row of update.rows) {
			const prev = byId.get(row.id);
			// The name shown stays: the snapshot's is in the reader's language, a push's in the server's.
			byId.set(row.id, { ...row, name: prev?.name ?? row.name, moved: 0, bumped: (row.score ?? 0) - (prev?.score ?? 0) });
		}
		this.standings = orderStandings([...byId.values()]).map((row) => ({
			...row,
			bumped: changed.has(row.id) ? row.bumped : 0,
			moved: (this.initialRanks.get(row.id) ?? row.rank) - row.rank
		}));
		this.view = {
			...this.view,
			seq: update.seq,
			status,
			standings: this.standings.map(({ moved: _m, bumped: _b, ...row }) => row),
			challenge: update.challenge ?? this.view.challenge,
			leader: this.standings[0] ? { id: this.standings[0].id, name: this.standings[0].name, score: this.standings[0].score } : this.view.leader
		};
		if (statusChanged) void this.refetch();
	}

	/** Takes the next moment to celebrate off the queue. */
	nextMoment(): ContestMoment | undefined {
		const [first, ...rest] = this.moments;
		this.moments = rest;
		return first;
	}

	async refetch() {
		if (this.refetching) {
			this.again = true;
			return;
		}
		this.refetching = true;
		this.again = false;
		const socket = socketOf();
		try {
			const response = await socket.timeout(10_000).emitWithAck('contest:subscribe', { id: this.view.id, ...(this.locale ? { locale: this.locale } : {}) });
			if ('data' in response) this.load(response.data);
		} catch {
			// The next update or reconnect will try again.
		} finally {
			realtime.release();
			this.refetching = false;
		}
		if (this.again) await this.refetch();
	}

	/** Subscribes over the shared socket; call the returned function to stop. */
	connect(): () => void {
		const socket = socketOf();
		const onUpdate = (u: ContestUpdatePayload) => this.apply(u);
		const onMoment = (m: ContestMoment) => {
			if (m.contestId === this.view.id) this.moments = [...this.moments, m].slice(-20);
		};
		// Every (re)connect subscribes again and takes a fresh view, so a reconnect never leaves it stale.
		const onConnect = () => void this.refetch();
		socket.on('contest:update', onUpdate);
		socket.on('contest:moment', onMoment);
		socket.on('connect', onConnect);
		if (socket.connected) onConnect();
		this.detach = () => {
			socket.off('contest:update', onUpdate);
			socket.off('contest:moment', onMoment);
			socket.off('connect', onConnect);
			socket.emit('contest:unsubscribe', { id: this.view.id });
			realtime.release();
		};
		return this.detach;
	}
}
