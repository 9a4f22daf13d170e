// Coalesced board pushes. Scores change in bursts; each board gets at most one push per FLUSH_MS,
// carrying every row that changed since the last one and the board's next sequence number. Which boards
// an event changes, and what their pushes carry, is the board catalog's: this file names no family.
// Transparency: viewers with a limited view (reps under the org's settings, TVs) sit in the board's
// `#limited` room, which gets one row-less push per flush; each of them re-reads its own view then.
import { encodeBoardChannel, type BoardChannel } from '../../../src/lib/shared/boards/identity';
import type { ScoredEvent } from '../../../src/lib/shared/scoring';
import type { WindowKind } from '../../../src/lib/shared/time-windows';
import type { Runtime } from '../../../src/lib/server/platform/runtime';
import { changedRowsOfBoards } from '../../../src/lib/server/scoring/board.service';
import { catalog } from '../../../src/lib/server/scoring/boards/catalog';
import { familyContext, orgClock } from '../../../src/lib/server/scoring/live.service';
import { log } from '../../../src/lib/server/platform/log';
import { activityOf } from '../../../src/lib/server/scoring/activity.service';
import { rooms, type BoardUpdatePayload } from '../../../src/lib/shared/socket-events';
import type { RealtimeContext } from '../domain';
import { regroupBoardViewers } from '../handlers/scoring';

export const FLUSH_MS = 100;

type Pending = {
	organizationId: string;
	family: string;
	channel: BoardChannel;
	members: Set<string>;
	/** Members who left the board (see removeFromUsersBoards): the push tells clients to drop them. */
	removed: Set<string>;
};

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
					const room = (p: Pending) => rooms.board(organizationId, encodeBoardChannel(p.channel));
					const limitedRoom = (p: Pending) => rooms.boardLimited(organizationId, encodeBoardChannel(p.channel));
					const boards = watchedRooms ? all.filter((p) => watchedRooms(room(p)) || watchedRooms(limitedRoom(p))) : all;
					if (boards.length === 0) return;
					const seqs = await Promise.all(boards.map((p) => rt.live.nextSeq(organizationId, encodeBoardChannel(p.channel))));
					// Rows are read only for boards somebody with the full view watches.
					const withRows = watchedRooms ? boards.filter((p) => watchedRooms(room(p))) : boards;
					const changed = await changedRowsOfBoards(
						rt,
						organizationId,
						withRows.map((p) => ({ ...p.channel, window: p.channel.window as WindowKind, members: [...p.members] }))
					);
					const rowsOf = new Map(withRows.map((p, i) => [p, changed[i]]));
					// The period a board shows now, for a limited room's push when no row was read.
					const clock = withRows.length < boards.length ? await orgClock(rt.db, organizationId) : null;
					const currentPeriodKey = (p: Pending) =>
						(clock && catalog.family(p.family)?.currentPeriod(p.channel.board, p.channel.window, new Date(), clock)?.key) || '';
					boards.forEach((p, i) => {
						const found = rowsOf.get(p);
						const head = {
							board: p.channel.board,
							scope: p.channel.scope,
							window: p.channel.window as WindowKind,
							period: found?.period.key ?? currentPeriodKey(p),
							epoch: seqs[i].epoch,
							seq: seqs[i].seq
						};
						// Always emitted through the adapter: watchers may be connected to another process.
						if (found) {
							const update: BoardUpdatePayload = { ...head, rows: found.rows, ...(p.removed.size ? { removed: [...p.removed] } : {}) };
							emit(room(p), catalog.family(p.family)?.payload?.(update) ?? update);
						}
						if (!watchedRooms || watchedRooms(limitedRoom(p))) emit(limitedRoom(p), { ...head, rows: [], refresh: true });
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

	function pendingOf(organizationId: string, family: string, channel: BoardChannel): Pending {
		const key = `${organizationId}|${encodeBoardChannel(channel)}`;
		let p = pending.get(key);
		if (!p) pending.set(key, (p = { organizationId, family, channel, members: new Set(), removed: new Set() }));
		return p;
	}

	function mark(organizationId: string, family: string, channel: BoardChannel, member: string, removed = false) {
		const p = pendingOf(organizationId, family, channel);
		if (removed) {
			p.removed.add(member);
			p.members.delete(member);
		} else {
			p.members.add(member);
			p.removed.delete(member);
		}
	}

	async function onScores(organizationId: string, events: ScoredEvent[]) {
		const ctx = await familyContext(rt.db, organizationId);
		const now = new Date(ctx.now);
		// Per board key of the batch, once: its pending push, or null for a back-dated event outside the
		// board's current period (it changes no board a client shows). Then each increment is one Set add.
		const boards = new Map<string, Pending | null>();
		for (const event of events) {
			for (const inc of catalog.incrementsOf(event, ctx, { pushedOnly: true })) {
				let p = boards.get(inc.key);
				if (p === undefined) {
					const owner = catalog.isCurrent(inc.key, now, ctx.clock) ? catalog.owner(inc.key) : undefined;
					p = owner ? pendingOf(organizationId, owner.family.name, owner.id) : null;
					boards.set(inc.key, p);
				}
				if (p) {
					p.members.add(inc.member);
					if (p.removed.size) p.removed.delete(inc.member);
				}
			}
		}
		schedule();
	}

	/**
	 * Members left the users boards (removed) or came back: every current users board of the org is
	 * pushed, dropping them or carrying their rows.
	 */
	async function onMembers(organizationId: string, members: string[], removed: boolean) {
		const [boards, clock] = await Promise.all([catalog.boardsOf(rt.db, organizationId), orgClock(rt.db, organizationId)]);
		const now = new Date();
		for (const info of boards) {
			if (!info.scopes.includes('users')) continue;
			const family = catalog.family(info.family);
			for (const window of info.windows) {
				if (!family?.currentPeriod(info.board, window, now, clock)) continue;
				for (const member of members) mark(organizationId, info.family, { board: info.board, scope: 'users', window }, member, removed);
			}
		}
		schedule();
	}

	return {
		onScores,
		onMembers,
		close() {
			if (timer) clearTimeout(timer);
			pending.clear();
		}
	};
}

/** The newest events one activity push carries: a page shows 40. */
const ACTIVITY_MAX = 50;
/**
 * Activity is coalesced over a longer window than boards: every socket of the org receives it, so at
 * thousands of sockets each push costs thousands of writes, and a feed item half a second late is not
 * noticed where a rank that lags is.
 */
export const ACTIVITY_FLUSH_MS = 500;

/** Scoring's pushes: boards (coalesced per FLUSH_MS, only those watched) and the activity feed. */
export function scoringPushes({ rt, io, watchers }: RealtimeContext) {
	const pusher = createBoardPusher(
		rt,
		(room, payload) => io.to(room).emit('board:update', payload),
		// When Redis cannot say who watches, push every board: a push too many is harmless, one too few is not.
		(organizationId) => watchers.watched(organizationId).catch((error) => (log.warn('realtime: could not read watched rooms', error), null))
	);

	// Activity waits up to ACTIVITY_FLUSH_MS so that everything committed meanwhile is read in one query,
	// not one per ingest request. What is pushed is every event, except that one batch announces at most
	// its last 50.
	const activity = new Map<string, number[]>();
	let activityTimer: NodeJS.Timeout | undefined;
	function queueActivity(organizationId: string, events: { id: number }[]) {
		const queued = activity.get(organizationId) ?? [];
		for (const e of events.length > ACTIVITY_MAX ? events.slice(-ACTIVITY_MAX) : events) queued.push(e.id);
		activity.set(organizationId, queued);
		activityTimer ??= setTimeout(() => {
			activityTimer = undefined;
			const batch = [...activity];
			activity.clear();
			for (const [org, queuedIds] of batch) announce(org, queuedIds).catch((error) => log.warn('realtime: activity push failed', error));
		}, ACTIVITY_FLUSH_MS);
	}

	/**
	 * The activity feed: one push per organization per flush carrying its newest events (corrections
	 * included), so a burst costs each socket one message rather than one per event.
	 */
	async function announce(organizationId: string, queued: number[]) {
		// Nobody shows the org's feed, in any process: nothing to look up or send.
		const watching = await watchers.watched(organizationId).catch(() => null);
		const full = !watching || watching(rooms.activity(organizationId));
		const masked = !watching || watching(rooms.activityMasked(organizationId));
		if (!full && !masked) return;
		const items = await activityOf(rt.db, organizationId, queued.slice(-ACTIVITY_MAX));
		if (!items.length) return;
		if (full) io.to(rooms.activity(organizationId)).emit('activity:new', items);
		if (!masked) return;
		// Reps shown ranks only: one shared payload without anyone's value, except that each rep whose
		// own items are in it gets a copy with those values (their sockets also sit in their own room).
		const hide = (item: (typeof items)[number]) => ({ ...item, value: null, points: null });
		const owners = [...new Set(items.map((item) => item.userId))];
		const mine = owners.map((userId) => rooms.activityMaskedFor(organizationId, userId));
		io.to(rooms.activityMasked(organizationId)).except(mine).emit('activity:new', items.map(hide));
		for (const userId of owners) io.to(rooms.activityMaskedFor(organizationId, userId)).emit('activity:new', items.map((item) => (item.userId === userId ? item : hide(item))));
	}

	const offs = [
		rt.events.on('scores.changed', ({ organizationId, events }) => {
			pusher.onScores(organizationId, events).catch((error) => log.warn('realtime: scores push failed', error));
			queueActivity(organizationId, events);
		}),
		// Cluster-wide: each process moves its own sockets, and its open pages reload what they show.
		rt.events.on('transparency.changed', ({ organizationId, what }) => {
			if (what !== 'settings') return;
			regroupBoardViewers(organizationId).catch((error) => log.warn('realtime: transparency regroup failed', error));
			io.local.to(rooms.org(organizationId)).emit('org:changed', { what: 'settings', at: new Date().toISOString() });
		}),
		rt.events.on('boards.members_changed', ({ organizationId, members, removed }) => {
			pusher.onMembers(organizationId, members, removed).catch((error) => log.warn('realtime: members push failed', error));
		})
	];
	return () => {
		offs.forEach((off) => off());
		pusher.close();
		if (activityTimer) clearTimeout(activityTimer);
		activity.clear();
	};
}
