// Contest pushes. Score changes (process-local, in the process that applied them) are coalesced per
// contest every FLUSH_MS into one contest:update with the contest's next seq and the rows whose score
// or rank changed since this process's last push, for contests somebody watches. A status change
// (contest.changed, heard by every process) reaches each process's own sockets with the current seq.
// Moments go to the contest's room, and to the whole organization unless the contest is hidden.
// Transparency: readers with a limited view sit in the contest's `#limited` room, which gets one
// row-less push (`refresh`) per flush; each of them reads its own view again then.
import type { ContestStanding } from '../../../src/lib/shared/contests';
import { rooms } from '../../../src/lib/shared/socket-events';
import { log } from '../../../src/lib/server/platform/log';
import { findContest } from '../../../src/lib/server/contests/contest.repository';
import { cachedDefs } from '../../../src/lib/server/contests/contest.family';
import { contestBoard, contestIncrements } from '../../../src/lib/server/contests/contest.scoring';
import { viewOf } from '../../../src/lib/server/contests/contest.service';
import type { RealtimeContext } from '../domain';
import { regroupContestViewers } from '../handlers/contests';
import { transparencyOf } from '../../../src/lib/server/transparency/transparency.service';

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
				const limitedRoom = rooms.contestLimited(org, contestId);
				const watched = await watchers.watched(org).catch(() => null);
				const full = !watched || watched(room);
				const limited = !watched || watched(limitedRoom);
				if (!full && !limited) continue;
				const row = await findContest(rt.db, org, contestId);
				if (!row) continue;
				const [view, seq] = await Promise.all([viewOf(rt, row, { userId: null, canManage: false }, 'en'), rt.live.nextSeq(org, contestBoard(contestId))]);
				const before = lastSent.get(contestId) ?? new Map<string, string>();
				const mark = (r: ContestStanding) => `${r.score}|${r.rank}|${r.progress ?? ''}`;
				const rows = view.standings.filter((r) => before.get(r.id) !== mark(r));
				lastSent.set(contestId, new Map(view.standings.map((r) => [r.id, mark(r)])));
				if (full) io.to(room).emit('contest:update', { contestId, epoch: seq.epoch, seq: seq.seq, status: view.status, rows, ...(view.challenge ? { challenge: view.challenge } : {}) });
				if (limited) io.to(limitedRoom).emit('contest:update', { contestId, epoch: seq.epoch, seq: seq.seq, status: view.status, rows: [], refresh: true });
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
				.then((seq) => io.local.to([rooms.contest(organizationId, contestId), rooms.contestLimited(organizationId, contestId)]).emit('contest:update', { contestId, epoch: seq.epoch, seq: seq.seq, status, rows: [] }))
				.catch((error) => log.warn('realtime: contest status push failed', error));
		}),
		// Cluster-wide: each process moves its own followers between full and limited rooms.
		rt.events.on('transparency.changed', ({ organizationId, what }) => {
			if (what === 'settings') regroupContestViewers(organizationId).catch((error) => log.warn('realtime: contest regroup failed', error));
		}),
		rt.events.on('contest.moment', ({ organizationId, hidden, moment }) => {
			const to = [rooms.contest(organizationId, moment.contestId), rooms.contestLimited(organizationId, moment.contestId)];
			if (!hidden) to.push(rooms.org(organizationId));
			if (!moment.podium) return void io.to(to).emit('contest:moment', moment);
			// The final podium reaches every rep: without its scores where reps see only ranks.
			transparencyOf(rt.db, organizationId)
				.then((settings) => io.to(to).emit('contest:moment', settings.values === 'ranks' ? { ...moment, podium: moment.podium!.map((p) => ({ ...p, score: null })) } : moment))
				.catch((error) => log.warn('realtime: contest moment push failed', error));
		})
	];
	return () => {
		if (timer) clearTimeout(timer);
		stops.forEach((stop) => stop());
	};
}
