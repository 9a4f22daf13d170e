// Contest subscriptions: a socket of the organization may follow any contest it can read (a hidden
// one only if its member manages it; a display or token socket, non-hidden ones). Validated and
// authorized before the room is announced and joined; the snapshot is read after joining, so a
// change after the read reaches the socket as a push.
// Transparency: a rep whose view the organization limits joins a contest's `#limited` room instead,
// whose pushes carry no rows, and reads its own view (viewOf with its lens); after a settings change,
// regroupContestViewers moves this process's sockets and tells them to read again.
import { z } from 'zod';
import { log } from '../../../src/lib/server/platform/log';
import { accessOf } from '../../../src/lib/server/org/access';
import { findContest } from '../../../src/lib/server/contests/contest.repository';
import { contestBoard } from '../../../src/lib/server/contests/contest.scoring';
import { canManageContest, viewOf } from '../../../src/lib/server/contests/contest.service';
import { lensFor } from '../../../src/lib/server/transparency/transparency.service';
import { TEAM_FORMATS } from '../../../src/lib/shared/contests';
import type { BoardLens } from '../../../src/lib/shared/transparency';
import { localeSchema } from '../../../src/lib/shared/schemas';
import { MAX_CONTEST_SUBSCRIPTIONS, rooms, type ClientToServerEvents } from '../../../src/lib/shared/socket-events';
import type { PodiumSocket, RealtimeContext } from '../domain';

const selectorSchema = z.object({ id: z.uuid() });
// The snapshot's texts (name, description, prizes, the whole organization's label) in the reader's language.
const subscribeSchema = selectorSchema.extend({ locale: localeSchema.default('en') });
const NOT_FOUND = 'contest not found';

/** This process's contest followers per organization: each moves its own rooms after a settings change. */
const followers = new Map<string, Set<() => Promise<unknown>>>();

/** The org's transparency changed: every local follower joins the room its view now belongs in. */
export async function regroupContestViewers(organizationId: string) {
	await Promise.all([...(followers.get(organizationId) ?? [])].map((regroup) => regroup().catch((error) => log.warn('realtime: contest regroup failed', error))));
}

export function contestHandlers(socket: PodiumSocket, { rt, watchers }: RealtimeContext) {
	const org = socket.data.organizationId;
	// Followed contests by their full room's name, reserved before any await so that concurrent
	// subscribes cannot pass the limit together; with the room (full or limited) each joined.
	const followed = new Set<string>();
	const joined = new Map<string, { contestId: string; format: string; room: string }>();
	/** A rep's view of a contest that ranks people may be limited; teams' standings are not. */
	const roomFor = async (contestId: string, format: string): Promise<{ lens: BoardLens; room: string }> => {
		const lens = TEAM_FORMATS.includes(format as never) ? ({ kind: 'full' } as const) : await lensFor(rt.db, org, socket.data);
		return { lens, room: lens.kind === 'full' ? rooms.contest(org, contestId) : rooms.contestLimited(org, contestId) };
	};
	const enter = async (key: string, contestId: string, format: string, room: string) => {
		const before = joined.get(key)?.room;
		await watchers.watch(org, [room], () => socket.join(room));
		joined.set(key, { contestId, format, room });
		if (before && before !== room) await socket.leave(before);
	};
	// One subscribe of a socket at a time (as for boards): a burst from one socket queues behind itself
	// instead of taking every database connection from everybody else.
	let subscribing: Promise<unknown> = Promise.resolve();
	socket.on('contest:subscribe', (selector, ack) => {
		if (typeof ack !== 'function') return;
		const run = () => (socket.connected ? subscribe(selector, ack) : undefined);
		subscribing = subscribing.then(run, run);
	});
	const subscribe = async (selector: Parameters<ClientToServerEvents['contest:subscribe']>[0], ack: Parameters<ClientToServerEvents['contest:subscribe']>[1]) => {
		const parsed = subscribeSchema.safeParse(selector);
		if (!parsed.success) return ack({ error: `${parsed.error.issues[0]?.path[0] === 'locale' ? 'locale' : 'id'} is not valid` });
		const room = rooms.contest(org, parsed.data.id);
		let reserved = false;
		try {
			if (!followed.has(room)) {
				if (followed.size >= MAX_CONTEST_SUBSCRIPTIONS) return ack({ error: `too many contests: at most ${MAX_CONTEST_SUBSCRIPTIONS} per connection` });
				followed.add(room);
				reserved = true;
			}
			const row = await findContest(rt.db, org, parsed.data.id);
			const { userId, role } = socket.data;
			const access = userId && (role === 'admin' || role === 'leader' || role === 'rep') ? await accessOf(rt.db, { userId, organizationId: org, role }) : null;
			const canManage = !!row && !!access && canManageContest(access, row);
			if (!row || (row.hidden && !canManage)) throw new Error(NOT_FOUND);
			const { lens, room: viewRoom } = await roomFor(row.id, row.format);
			await enter(room, row.id, row.format, viewRoom);
			const view = await viewOf(rt, row, { userId, canManage, lens }, parsed.data.locale);
			ack({ data: view });
		} catch (error) {
			if (reserved) {
				followed.delete(room);
				const viewRoom = joined.get(room)?.room;
				joined.delete(room);
				await socket.leave(room);
				if (viewRoom) await socket.leave(viewRoom);
			}
			if (!(error instanceof Error && error.message === NOT_FOUND)) log.warn('realtime: contest:subscribe failed', error);
			ack({ error: error instanceof Error && error.message === NOT_FOUND ? NOT_FOUND : 'unavailable' });
		}
	};
	socket.on('contest:unsubscribe', async (selector, ack) => {
		const parsed = selectorSchema.safeParse(selector);
		if (parsed.success) {
			const room = rooms.contest(org, parsed.data.id);
			const viewRoom = joined.get(room)?.room;
			followed.delete(room);
			joined.delete(room);
			await socket.leave(room);
			if (viewRoom) await socket.leave(viewRoom);
		}
		if (typeof ack === 'function') ack(parsed.success ? { data: true } : { error: 'id is not valid' });
	});
	// After a transparency change: each followed contest moves to the room its view now belongs in, and
	// the socket is told to read its view again (a push with `refresh`).
	const regroupNow = async () => {
		for (const [key, { contestId, format, room: before }] of [...joined]) {
			if (!socket.connected) return;
			const { lens, room } = await roomFor(contestId, format);
			if (room !== before) await enter(key, contestId, format, room);
			else if (lens.kind === 'full') continue;
			const [{ epoch, seq }, row] = await Promise.all([rt.live.currentSeq(org, contestBoard(contestId)), findContest(rt.db, org, contestId)]);
			if (row) socket.emit('contest:update', { contestId, epoch, seq, status: row.status, rows: [], refresh: true });
		}
	};
	const regroup = () => (subscribing = subscribing.then(regroupNow, regroupNow));
	if (org) {
		const set = followers.get(org) ?? new Set();
		followers.set(org, set.add(regroup));
		socket.on('disconnect', () => {
			set.delete(regroup);
			if (set.size === 0 && followers.get(org) === set) followers.delete(org);
		});
	}
}
