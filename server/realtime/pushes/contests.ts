// Contest pushes. Score changes (process-local, in the process that applied them) are coalesced per
// contest every FLUSH_MS into one contest:update with the contest's next seq and the rows whose score
// or rank changed since this process's last push, for contests somebody watches. A status change
// (contest.changed, heard by every process) reaches each process's own sockets with the current seq.
// Moments go to the contest's room, and to the whole organization unless the contest is hidden.
import type { ContestStanding } from '../../../src/lib/shared/contests';
import { rooms } from '../../../src/lib/shared/socket-events';
import { log } from '../../../src/lib/server/platform/log';
import { findContest } from '../../../src/lib/server/contests/contest.repository';
import { cachedDefs } from '../../../src/lib/server/contests/contest.family';
import { contestBoard, contestIncrements } from '../../../src/lib/server/contests/contest.scoring';
import { viewOf } from '../../../src/lib/server/contests/contest.service';
import type { RealtimeContext } from '../domain';

export const CONTEST_FLUSH_MS = 100;

export function contestPushes({ rt, io, watchers }: RealtimeContext) {
	const pending = new Map<string, string>(); // contest id -> org
	const lastSent = new Map<string, Map<string, string>>();
	let timer: NodeJS.Timeout | undefined;
	let flushing = false;

	async function flush() {
		timer = undefined;
		if (flushing) return void (timer = setTimeout(flush, CONTEST_FLUSH_MS));
		flushing = true;
		const batch = [...pending];
		pending.clear();
		try {
			for (const [contestId, org] of batch) {
				const room = rooms.contest(org, contestId);
				const watched = await watchers.watched(org).catch(() => null);
				if (watched && !watched(room)) continue;
				const row = await findContest(rt.db, org, contestId);
				if (!row) continue;
				const [view, seq] = await Promise.all([viewOf(rt, row, { userId: null, canManage: false }, 'en'), rt.live.nextSeq(org, contestBoard(contestId))]);
				const before = lastSent.get(contestId) ?? new Map<string, string>();
				const mark = (r: ContestStanding) => `${r.score}|${r.rank}|${r.progress ?? ''}`;
				const rows = view.standings.filter((r) => before.get(r.id) !== mark(r));
				lastSent.set(contestId, new Map(view.standings.map((r) => [r.id, mark(r)])));
				io.to(room).emit('contest:update', { contestId, epoch: seq.epoch, seq: seq.seq, status: view.status, rows, ...(view.challenge ? { challenge: view.challenge } : {}) });
			}
		} catch (error) {
			log.warn('realtime: contest push failed', error);
		} finally {
			flushing = false;
		}
	}

	const stops = [
		rt.events.on('scores.changed', ({ organizationId, events }) => {
			const defs = cachedDefs(organizationId);
			if (!defs?.length) return;
			const now = Date.now();
			for (const def of defs) {
				if (events.some((e) => contestIncrements(def, e, now).length > 0)) pending.set(def.id, organizationId);
			}
			if (pending.size && !timer) timer = setTimeout(flush, CONTEST_FLUSH_MS);
		}),
		rt.events.on('contest.changed', ({ organizationId, contestId, status }) => {
			rt.live
				.currentSeq(organizationId, contestBoard(contestId))
				.then((seq) => io.local.to(rooms.contest(organizationId, contestId)).emit('contest:update', { contestId, epoch: seq.epoch, seq: seq.seq, status, rows: [] }))
				.catch((error) => log.warn('realtime: contest status push failed', error));
		}),
		rt.events.on('contest.moment', ({ organizationId, hidden, moment }) => {
			const to = [rooms.contest(organizationId, moment.contestId)];
			if (!hidden) to.push(rooms.org(organizationId));
			io.to(to).emit('contest:moment', moment);
		})
	];
	return () => {
		if (timer) clearTimeout(timer);
		stops.forEach((stop) => stop());
	};
}
