// A contest's life in time: scheduled → live at its start, the final-ten-minutes moment, live → ended
// at its end (or once a race to target's places are taken), ended → final after the grace period
// (results frozen from Postgres, prize points paid), duel lapses and the next occurrence of a
// repeating contest. Each is a scheduler job (at-least-once); each transition is a conditional UPDATE
// on the status it leaves, so a job run twice, or by two processes, changes things once. Prize
// points carry one idempotency key per contest, place and member, so they are paid once however often
// the freeze runs. Moments of hidden contests reach only the contest's own room (see the pushes) and no
// chat channel. A contest's start and end queue their chat notifications in the transaction that moves
// its status; a new leader's is queued before the live store's leader mark moves, numbered by that mark.
import { processMap } from '../platform/process-cache';
import { translate } from '$lib/i18n';
import { CONTEST_LIMITS, type ContestMoment } from '../../shared/contests';
import { localize } from '../../shared/localized';
import type { ScoredEvent } from '../../shared/scoring';
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { DomainEventBus } from '../platform/events';
import { coalescer } from '../platform/coalesce';
import { contestFinal, contestLeader, contestStarted, queueMoments as queueNotifications } from '../integrations/outbox';
import { log } from '../platform/log';
import type { Scheduler } from '../platform/scheduler';
import { maxEventId } from '../scoring/event.repository';
import { awardPoints } from '../scoring/event.service';
import { toScored } from '../scoring/live.service';
import { cachedDef, forgetContests, loadDefs, toDef } from './contest.family';
import {
	adhocMembersOf,
	backtestTotals,
	setContestOptions,
	setParticipantSeed,
	countEliminated,
	eliminateParticipant,
	ensurePrizeMetric,
	lockContest,
	eventsInRange,
	findContestById,
	finalContestsOverlapping,
	insertNotes,
	insertOccurrence,
	insertResults,
	membersOfTeams,
	overdueContests,
	participantsOf,
	resultsOf,
	rosterWithRefs,
	updateContestIf,
	type ContestRow
} from './contest.repository';
import { bracketChampion, decideRound, eliminationTimes, nextOccurrence, roundSpan, bracketRounds, seedBracket, seedsByPoints, whoIsEliminated } from './rules';
import type { ContestBracketMatch } from '../../shared/contests';
import { contestDelta, contestKey, contestMembers, crossings, PRIZE_METRIC, rankedScope, rankEntries, replay, type ContestDef } from './contest.scoring';

declare module '../platform/scheduler' {
	interface JobPayloads {
		'contest.start': { contestId: string };
		'contest.stretch': { contestId: string; endsAt: string };
		'contest.end': { contestId: string; endsAt: string };
		'contest.finalize': { contestId: string };
		'contest.duel-lapse': { contestId: string };
		'contest.sweep': Record<string, never>;
		'contest.eliminate': { contestId: string; round: number };
		'contest.bracket-round': { contestId: string; round: number };
	}
}

export interface LifecycleDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
}

const now = (deps: LifecycleDeps) => deps.scheduler.clock.now();
export const SWEEP_EVERY_MS = 30_000;
export const SWEEP_KEY = 'system:contest.sweep';

/** Schedules what is due for a contest as it stands (each job once per time: dedupe keys carry it). */
export async function scheduleContestJobs(deps: LifecycleDeps, row: ContestRow) {
	const org = row.organization_id;
	const id = row.id;
	if (row.status === 'scheduled') {
		await deps.scheduler.schedule('contest.start', { contestId: id }, { runAt: row.starts_at, dedupeKey: `contest:${id}:start:${row.starts_at.toISOString()}`, organizationId: org });
	}
	if ((row.status === 'scheduled' || row.status === 'live') && row.ends_at) {
		const endsAt = row.ends_at.toISOString();
		const stretch = new Date(row.ends_at.getTime() - CONTEST_LIMITS.finalStretchMs);
		if (stretch > row.starts_at) {
			await deps.scheduler.schedule('contest.stretch', { contestId: id, endsAt }, { runAt: stretch, dedupeKey: `contest:${id}:stretch:${endsAt}`, organizationId: org });
		}
		await deps.scheduler.schedule('contest.end', { contestId: id, endsAt }, { runAt: row.ends_at, dedupeKey: `contest:${id}:end:${endsAt}`, organizationId: org });
	}
	if ((row.status === 'scheduled' || row.status === 'live') && row.format === 'elimination') {
		const every = Number((row.options.elimination as { everyMinutes?: number } | undefined)?.everyMinutes ?? 0) * 60_000;
		const participants = await participantsOf(deps.db, org, [id]);
		const times = eliminationTimes(row.starts_at, row.ends_at, every, participants.length);
		for (const [i, runAt] of times.entries()) {
			await deps.scheduler.schedule('contest.eliminate', { contestId: id, round: i + 1 }, { runAt, dedupeKey: `contest:${id}:eliminate:${i + 1}:${runAt.toISOString()}`, organizationId: org });
		}
	}
	if (row.status === 'ended') {
		const end = (row.ended_at ?? row.ends_at ?? now(deps)).getTime();
		await deps.scheduler.schedule('contest.finalize', { contestId: id }, { runAt: new Date(end + row.grace_minutes * 60_000), dedupeKey: `contest:${id}:finalize`, organizationId: org });
	}
}

function changed(deps: LifecycleDeps, row: Pick<ContestRow, 'organization_id' | 'id'>, status: ContestRow['status']) {
	forgetContests(row.organization_id);
	deps.events.emit('contest.changed', { organizationId: row.organization_id, contestId: row.id, status });
}

function moment(deps: LifecycleDeps, row: Pick<ContestRow, 'organization_id' | 'id' | 'name' | 'hidden'>, m: Omit<ContestMoment, 'contestId' | 'contestName' | 'at'>) {
	deps.events.emit('contest.moment', {
		organizationId: row.organization_id,
		hidden: row.hidden,
		moment: { ...m, contestId: row.id, contestName: localize(row.name, 'en'), at: now(deps).toISOString() }
	});
}

export async function startContest(deps: LifecycleDeps, contestId: string): Promise<boolean> {
	const row = await findContestById(deps.db, contestId);
	if (!row || row.status !== 'scheduled' || row.starts_at.getTime() > now(deps).getTime()) return false;
	const started = await deps.db.transaction().execute(async (trx) => {
		if (!(await updateContestIf(trx, row.organization_id, row.id, ['scheduled'], { status: 'live' }))) return false;
		if (!row.hidden) await queueNotifications(trx, row.organization_id, [contestStarted(row)], now(deps));
		return true;
	});
	if (!started) return false;
	if (row.format === 'bracket') await seedContestBracket(deps, row);
	changed(deps, row, 'live');
	moment(deps, row, { type: 'started' });
	await scheduleNextOccurrence(deps, row).catch((error) => log.warn(`contests: could not schedule the next occurrence of ${row.id}`, error));
	return true;
}

/** Ends a live contest (early: a race to target whose places are taken). */
export async function endContest(deps: LifecycleDeps, contestId: string, options: { early?: boolean; endsAt?: string } = {}): Promise<boolean> {
	const row = await findContestById(deps.db, contestId);
	if (!row || (row.status !== 'live' && row.status !== 'scheduled')) return false;
	const at = now(deps);
	if (options.endsAt !== undefined && row.ends_at?.toISOString() !== options.endsAt) return false; // extended since
	if (!options.early && (!row.ends_at || row.ends_at.getTime() > at.getTime())) return false;
	// A start job that has not run yet (both due together): the contest starts, then ends.
	if (row.status === 'scheduled') await startContest(deps, contestId);
	// Counting is [start, end): an early end is just after now, so the event that took the last place
	// (which occurred at or before now) is inside.
	const endedAt = options.early ? new Date(at.getTime() + 1) : null;
	// The podium is read from the live board in the transaction, for the chat's "final" message that
	// commits with the status.
	const ended = await deps.db.transaction().execute(async (trx) => {
		if (!(await updateContestIf(trx, row.organization_id, row.id, ['live'], { status: 'ended', ...(endedAt ? { ended_at: endedAt } : {}) }))) return null;
		const fresh = (await findContestById(trx, contestId))!;
		const podium = await livePodium({ ...deps, db: trx }, fresh);
		if (!row.hidden) await queueNotifications(trx, row.organization_id, [contestFinal(row, podium[0]?.name)], at);
		return { fresh, podium };
	});
	if (!ended) return false;
	changed(deps, row, 'ended');
	await scheduleContestJobs(deps, ended.fresh);
	moment(deps, row, { type: 'ended', podium: ended.podium });
	return true;
}

async function livePodium(deps: LifecycleDeps, row: ContestRow) {
	const participants = await participantsOf(deps.db, row.organization_id, [row.id]);
	const def = toDef(row, participants, await adhocMembersOf(deps.db, [row.id]));
	const top = await deps.live.top(row.organization_id, contestKey(row.id, rankedScope(def)), row.places);
	const names = await namesOf(deps.db, row.organization_id, participants);
	return top.filter((e) => e.score > 0).map((e, i) => ({ place: i + 1, id: e.member, name: names.get(e.member) ?? '', score: e.score }));
}

async function namesOf(db: Db, org: string, participants: Awaited<ReturnType<typeof participantsOf>>) {
	const out = new Map<string, string>();
	for (const p of participants) {
		const id = p.user_id ?? p.team_id ?? p.contest_team_id ?? org;
		out.set(id, p.user_name ?? p.team_name ?? (p.contest_team_name ? localize(p.contest_team_name, 'en') : translate('en', 'contests.wholeOrganization')));
	}
	void db;
	return out;
}

/**
 * Freezes a contest whose grace period has passed: its standings computed from the event log, stored,
 * and the status made final in one transaction (once: the UPDATE on 'ended' is the claim), then its
 * prize points paid (idempotent, so a retry after a crash pays what is missing and nothing twice).
 */
export async function finalizeContest(deps: LifecycleDeps, contestId: string): Promise<boolean> {
	const row = await findContestById(deps.db, contestId);
	if (!row) return false;
	const at = now(deps);
	let froze = false;
	if (row.status === 'ended') {
		const end = (row.ended_at ?? row.ends_at ?? at).getTime();
		if (end + row.grace_minutes * 60_000 > at.getTime()) return false;
		froze = await deps.db.transaction().execute(async (trx) => {
			if (!(await updateContestIf(trx, row.organization_id, row.id, ['ended'], { status: 'final', frozen_at: at }))) return false;
			const participants = await participantsOf(trx, row.organization_id, [row.id]);
			const def = toDef(row, participants, await adhocMembersOf(trx, [row.id]));
			const events = (await eventsInRange(trx, row.organization_id, new Date(def.start), new Date(Number.isFinite(def.end) ? def.end : at.getTime()), await maxEventId(trx, row.organization_id))).map(toScored);
			await insertResults(trx, frozenResults(row, def, participants, events));
			return true;
		});
		if (froze) {
			changed(deps, row, 'final');
			await signalPlaces(deps, row, at);
		}
	}
	const current = froze ? { ...row, status: 'final' as const } : row;
	if (current.status === 'final') {
		await payPrizes(deps, current);
		// What other domains pay for places (coins), awaited here so that the job's retry after a crash
		// pays what is missing; each is idempotent by its own keys.
		for (const pay of placePayers) await pay(deps.db, current.organization_id, current.id);
	}
	return froze;
}

type PlacePayer = (db: LifecycleDeps['db'], organizationId: string, contestId: string) => Promise<unknown>;
// One registry per process, shared by every copy of this module (like the caches: see process-cache.ts).
const payersHolder = processMap<'all', Set<PlacePayer>>('contest-place-payers');
const placePayers = payersHolder.get('all') ?? new Set<PlacePayer>();
payersHolder.set('all', placePayers);

/** Another domain pays for a final contest's places (idempotently) whenever its prizes are paid. Returns the unregister. */
export function onContestPlaces(pay: PlacePayer): () => void {
	placePayers.add(pay);
	return () => placePayers.delete(pay);
}

/** After the freeze committed: each member who took a place is an achievement for badges (once per ref). */
async function signalPlaces(deps: LifecycleDeps, row: ContestRow, at: Date) {
	if (row.hidden) return;
	const members = new Set((await participantsOf(deps.db, row.organization_id, [row.id])).flatMap((p) => (p.user_id ? [p.user_id] : [])));
	for (const r of await resultsOf(deps.db, row.id)) {
		if (r.place === null || !members.has(r.participant_id)) continue;
		const signal = { organizationId: row.organization_id, userId: r.participant_id, at, value: r.place };
		deps.events.emit('achievement.signal', { ...signal, kind: 'contest_placed', ref: `contest:${row.id}:placed:${r.participant_id}` });
		if (r.place === 1) deps.events.emit('achievement.signal', { ...signal, kind: 'contest_won', ref: `contest:${row.id}:won:${r.participant_id}` });
	}
}

export function frozenResults(row: ContestRow, def: ContestDef, participants: Awaited<ReturnType<typeof participantsOf>>, events: ScoredEvent[]) {
	const org = row.organization_id;
	const scores = replay(def, events, rankedScope(def));
	const targetOf = (id: string) => {
		const t = participants.find((p) => (p.user_id ?? p.team_id ?? p.contest_team_id ?? org) === id)?.target;
		return t == null ? null : Number(t);
	};
	const sizes = new Map<string, number>();
	for (const [, team] of def.users) sizes.set(team, (sizes.get(team) ?? 0) + 1);
	const entries = participants.map((p) => {
		const id = p.user_id ?? p.team_id ?? p.contest_team_id ?? org;
		const s = scores.get(id);
		return { id, score: s?.score ?? 0, tie: s?.tie ?? Infinity, out: p.eliminated_at ? new Date(p.eliminated_at).getTime() : null };
	});
	if (def.format === 'race_to_target') {
		const crossed = crossings(def, events, targetOf);
		for (const e of entries) (e as { reached?: number | null }).reached = crossed.get(e.id) ?? null;
	}
	const ranked = rankEntries(def, entries, { targetOf, sizeOf: (id) => sizes.get(id) ?? 1 });
	return ranked.map((e) => {
		const prize = e.place ? row.prizes.find((p) => p.place === e.place) : undefined;
		return {
			contest_id: row.id,
			organization_id: org,
			participant_id: e.id,
			rank: e.rank,
			place: e.place,
			score: e.score,
			value: e.value,
			tie: Number.isFinite(e.tie) ? e.tie : 0,
			prize_text: prize ? localize(prize.text, 'en') || null : null,
			prize_points: prize?.points ?? 0
		};
	});
}

/** Pays the prize points of a final contest's places: one event per place and member, keyed, so once. */
export async function payPrizes(deps: LifecycleDeps, row: ContestRow) {
	const results = (await resultsOf(deps.db, row.id)).filter((r) => r.place !== null && r.prize_points > 0);
	if (results.length === 0) return;
	const org = row.organization_id;
	const roster = await rosterWithRefs(deps.db, org);
	const teamOf = new Map(roster.map((m) => [m.user_id, m.team_id]));
	const adhoc = await adhocMembersOf(deps.db, [row.id]);
	const teamMembers = await membersOfTeams(deps.db, org, results.map((r) => r.participant_id).filter((id) => roster.every((m) => m.user_id !== id)));
	const awards = [];
	for (const r of results) {
		let recipients: string[];
		if (teamOf.has(r.participant_id)) recipients = [r.participant_id];
		else if (r.participant_id === org) recipients = roster.filter((m) => m.status === 'active').map((m) => m.user_id);
		else {
			const fromAdhoc = adhoc.filter((a) => a.contest_team_id === r.participant_id).map((a) => a.user_id);
			recipients = fromAdhoc.length ? fromAdhoc : teamMembers.filter((m) => m.team_id === r.participant_id).map((m) => m.user_id);
		}
		for (const userId of recipients) {
			awards.push({
				key: `contest:${row.id}:${r.place}:${userId}`,
				userId,
				teamId: teamOf.get(userId) ?? null,
				points: r.prize_points,
				occurredAt: row.frozen_at ?? now(deps),
				note: `${localize(row.name, 'en')} · #${r.place}`.slice(0, 500)
			});
		}
	}
	const metricId = await ensurePrizeMetric(deps.db, org, PRIZE_METRIC);
	await awardPoints(deps, { organizationId: org, source: 'contest', metricId, metricKey: PRIZE_METRIC }, awards);
}

/**
 * Elimination round `round`: the last of those remaining (rules/elimination.ts, by the live board) is
 * out, once: the contest's row is locked and the round counted, so a job run twice eliminates one.
 * When one remains, the contest ends.
 */
export async function eliminate(deps: LifecycleDeps, contestId: string, round: number): Promise<string | null> {
	const row = await findContestById(deps.db, contestId);
	if (!row || row.status !== 'live' || row.format !== 'elimination') return null;
	const org = row.organization_id;
	const board = new Map((await deps.live.top(org, contestKey(row.id, 'users'), 1000)).map((e) => [e.member, e]));
	const at = now(deps);
	const out = await deps.db.transaction().execute(async (trx) => {
		if ((await lockContest(trx, row.id)) !== 'live') return null;
		if ((await countEliminated(trx, row.id)) >= round) return null;
		const remaining = (await participantsOf(trx, org, [row.id])).filter((p) => p.user_id && !p.eliminated_at);
		const loser = whoIsEliminated(remaining.map((p) => ({ id: p.user_id!, score: board.get(p.user_id!)?.score ?? 0, tie: board.get(p.user_id!)?.tie ?? null, seed: p.seed })));
		if (!loser || !(await eliminateParticipant(trx, row.id, loser.id, at))) return null;
		return { id: loser.id, left: remaining.length - 1 };
	});
	if (!out) return null;
	const names = await namesOf(deps.db, org, await participantsOf(deps.db, org, [row.id]));
	moment(deps, row, { type: 'eliminated', participant: { id: out.id, name: names.get(out.id) ?? '' } });
	changed(deps, row, 'live');
	if (out.left <= 1) await endContest(deps, row.id, { early: true });
	return out.id;
}

const bracketOptions = (row: Pick<ContestRow, 'options'>) =>
	(row.options.bracket ?? {}) as { roundMinutes?: number; seeding?: 'points' | 'manual'; matches?: ContestBracketMatch[] };

/**
 * Seeds a bracket when it starts: by the participants' points over the 30 days before (or in the order
 * they were chosen), byes to the best seeds; then one job per round's end decides it.
 */
async function seedContestBracket(deps: LifecycleDeps, row: ContestRow) {
	const org = row.organization_id;
	const options = bracketOptions(row);
	const roundMs = (options.roundMinutes ?? 60) * 60_000;
	const participants = (await participantsOf(deps.db, org, [row.id])).filter((p) => p.user_id);
	let seeded: { id: string; name: string; seed: number }[];
	if (options.seeding === 'manual') seeded = participants.map((p, i) => ({ id: p.user_id!, name: p.user_name ?? '', seed: i + 1 }));
	else {
		const totals = new Map((await backtestTotals(deps.db, org, { from: new Date(row.starts_at.getTime() - 30 * 24 * 3600_000), to: row.starts_at }, 'points', 'user', PRIZE_METRIC)).map((t) => [t.member, t]));
		seeded = seedsByPoints(participants.map((p) => ({ id: p.user_id!, name: p.user_name ?? '', score: totals.get(p.user_id!)?.score ?? 0, tie: totals.get(p.user_id!)?.tie ?? null })));
	}
	const matches = seedBracket(seeded, { startsAt: row.starts_at, roundMs });
	for (const p of seeded) await setParticipantSeed(deps.db, row.id, p.id, p.seed);
	await setContestOptions(deps.db, row.id, { ...row.options, bracket: { ...options, matches } });
	for (let round = 0; round < bracketRounds(seeded.length); round++) {
		const runAt = roundSpan(row.starts_at, roundMs, round).endsAt;
		await deps.scheduler.schedule('contest.bracket-round', { contestId: row.id, round }, { runAt, dedupeKey: `contest:${row.id}:bracket:${round}`, organizationId: org });
	}
}

/**
 * Decides a bracket round from the events of its span (each match: the higher score, then who reached it
 * first, then the better seed), once: the contest's row is locked and a decided round is left alone.
 * Losers are marked eliminated; the champion ends the contest.
 */
export async function decideBracketRound(deps: LifecycleDeps, contestId: string, round: number): Promise<boolean> {
	const row = await findContestById(deps.db, contestId);
	if (!row || row.status !== 'live' || row.format !== 'bracket') return false;
	const org = row.organization_id;
	const at = now(deps);
	const outcome = await deps.db.transaction().execute(async (trx) => {
		if ((await lockContest(trx, row.id)) !== 'live') return null;
		const fresh = (await findContestById(trx, row.id))!;
		const options = bracketOptions(fresh);
		const matches = options.matches ?? [];
		const mine = matches.filter((m) => m.round === round);
		if (mine.length === 0 || mine.every((m) => m.winner !== null)) return null;
		const span = { from: new Date(mine[0].startsAt), to: new Date(mine[0].endsAt) };
		const totals = await backtestTotals(trx, org, span, fresh.scoring, 'user', PRIZE_METRIC);
		const decided = decideRound(matches, round, new Map(totals.map((t) => [t.member, { score: t.score, tie: t.tie }])));
		const losers: string[] = [];
		for (const m of decided.filter((m) => m.round === round && m.winner && m.a && m.b)) {
			const loser = m.winner === m.a!.id ? m.b!.id : m.a!.id;
			if (await eliminateParticipant(trx, row.id, loser, at)) losers.push(loser);
		}
		await setContestOptions(trx, row.id, { ...fresh.options, bracket: { ...options, matches: decided } });
		return { losers, champion: bracketChampion(decided) };
	});
	if (!outcome) return false;
	const names = await namesOf(deps.db, org, await participantsOf(deps.db, org, [row.id]));
	for (const id of outcome.losers) moment(deps, row, { type: 'eliminated', participant: { id, name: names.get(id) ?? '' } });
	changed(deps, row, 'live');
	if (outcome.champion) await endContest(deps, row.id, { early: true });
	return true;
}

/** An unanswered duel lapses (cancelled) 24 hours after the challenge. */
export async function lapseDuel(deps: LifecycleDeps, contestId: string) {
	const row = await findContestById(deps.db, contestId);
	if (!row || row.format !== 'duel' || row.status !== 'draft') return false;
	const done = await updateContestIf(deps.db, row.organization_id, row.id, ['draft'], { status: 'cancelled', options: JSON.stringify({ ...row.options, duel: { ...(row.options.duel as object), answer: 'lapsed' } }) });
	if (done) changed(deps, row, 'cancelled');
	return done;
}

async function scheduleNextOccurrence(deps: LifecycleDeps, row: ContestRow) {
	if (row.repeat.every === 'none') return;
	const { findOrganizationClock } = await import('../org/organization.repository');
	const clock = await findOrganizationClock(deps.db, row.organization_id);
	if (!row.ends_at) return;
	// The next occurrence keeps the local start and end times in the organization's time zone (rules/repeat.ts).
	const next = nextOccurrence({ startsAt: row.starts_at, endsAt: row.ends_at }, row.repeat, clock.time_zone, row.starts_at);
	if (!next) return;
	const start = next.startsAt;
	const seriesId = row.series_id ?? row.id;
	const id = await deps.db.transaction().execute(async (trx) => {
		const id = await insertOccurrence(trx, {
			organization_id: row.organization_id,
			name: JSON.stringify(row.name),
			description: JSON.stringify(row.description),
			format: row.format,
			scoring: JSON.stringify(row.scoring),
			rank_by: row.rank_by,
			starts_at: start,
			ends_at: next.endsAt,
			grace_minutes: row.grace_minutes,
			status: 'scheduled',
			hidden: row.hidden,
			target: row.target,
			places: row.places,
			prizes: JSON.stringify(row.prizes),
			repeat: JSON.stringify(row.repeat),
			options: JSON.stringify(row.options),
			participants_spec: JSON.stringify(row.participants_spec),
			created_by: row.created_by,
			team_id: row.team_id,
			series_id: seriesId
		});
		if (id) {
			const { copyParticipants } = await import('./contest.service');
			await copyParticipants(trx, row.organization_id, row.id, id);
		}
		return id;
	});
	if (!id) return;
	const created = await findContestById(deps.db, id);
	if (created) {
		changed(deps, created, 'scheduled');
		await scheduleContestJobs(deps, created);
	}
}

/** Contests overdue for a transition (a lost job, a long outage) are moved on. */
export async function sweepContests(deps: LifecycleDeps) {
	for (const row of await overdueContests(deps.db, now(deps))) {
		if (row.status === 'scheduled') await startContest(deps, row.id);
		else if (row.status === 'live') await endContest(deps, row.id);
		else if (row.status === 'ended') await finalizeContest(deps, row.id);
	}
}

/** Registers the contest jobs with a scheduler (the runtime's, or a test's with its own clock). */
export async function registerContestJobs(deps: LifecycleDeps, options: { sweep?: boolean } = {}) {
	const s = deps.scheduler;
	s.register('contest.start', async ({ contestId }) => void (await startContest(deps, contestId)), { leaseMs: 30_000 });
	s.register('contest.stretch', async ({ contestId, endsAt }) => {
		const row = await findContestById(deps.db, contestId);
		if (row?.status === 'live' && row.ends_at?.toISOString() === endsAt) moment(deps, row, { type: 'final_stretch' });
	});
	s.register('contest.end', async ({ contestId, endsAt }) => void (await endContest(deps, contestId, { endsAt })));
	s.register('contest.finalize', async ({ contestId }) => void (await finalizeContest(deps, contestId)), { leaseMs: 60_000 });
	s.register('contest.duel-lapse', async ({ contestId }) => void (await lapseDuel(deps, contestId)));
	s.register('contest.sweep', async () => sweepContests(deps));
	s.register('contest.bracket-round', async ({ contestId, round }) => void (await decideBracketRound(deps, contestId, round)));
	s.register('contest.eliminate', async ({ contestId, round }) => void (await eliminate(deps, contestId, round)));
	if (options.sweep !== false) await s.every('contest.sweep', {}, { key: SWEEP_KEY, everyMs: SWEEP_EVERY_MS });
}

// ---- moments and notes from score changes ----

const seenLeaders = new Map<string, string>();

/**
 * After events were applied in this process: moments (new leader, target reached, milestones), a race
 * to target's early end, and notes for events that reached a contest already frozen. Markers in the live
 * store (hit, and swap for the leader) make each moment once across processes. A contest counts from its
 * start even while the scheduler has yet to mark it live (or this process has yet to hear that it did).
 * The contests' standings are read at most once per MOMENTS_EVERY_MS per organization, for the
 * participants touched meanwhile (a burst of single events costs one read per contest, not one per
 * event); the promise settles once this call's events were looked at.
 */
export async function onScoresChanged(deps: LifecycleDeps, organizationId: string, events: ScoredEvent[]) {
	const t = now(deps).getTime();
	const defs = (await loadCached(deps, organizationId)).filter((d) => d.status === 'live' || (d.status === 'scheduled' && d.start <= t));
	let checked: Promise<unknown> | undefined;
	for (const def of defs) {
		if (!momentsOf(def)) continue;
		const touched = new Set<string>();
		for (const e of events) {
			if (e.occurredAt.getTime() < def.start || e.occurredAt.getTime() >= def.end || contestDelta(def, e) === 0) continue;
			const p = contestMembers(def, e).participant;
			if (p) touched.add(p);
		}
		if (touched.size) checked = queueMoments(deps, organizationId, def, touched);
	}
	const late = events.filter((e) => e.occurredAt.getTime() < t - 5_000);
	if (late.length) await noteLateEvents(deps, organizationId, late).catch((error) => log.warn('contests: could not note late events', error));
	await checked;
}

export const MOMENTS_EVERY_MS = 100;

interface MomentBatch {
	deps?: LifecycleDeps;
	contests: Map<string, { def: ContestDef; touched: Set<string> }>;
}

/** Leading edge (platform/coalesce.ts): after a quiet spell the check runs at once; during a burst, MOMENTS_EVERY_MS apart. */
const momentChecks = coalescer<MomentBatch>(MOMENTS_EVERY_MS, () => ({ contests: new Map() }), async (_organizationId, batch) => {
	const deps = batch.deps!;
	const t = now(deps).getTime();
	for (const { def, touched } of batch.contests.values()) {
		await contestMoments(deps, def, touched, t).catch((error) => log.warn(`contests: moments of ${def.id} failed`, error));
	}
});

function queueMoments(deps: LifecycleDeps, organizationId: string, def: ContestDef, touched: Set<string>) {
	return momentChecks(organizationId, (batch) => {
		batch.deps = deps;
		const entry = batch.contests.get(def.id);
		if (entry) for (const member of touched) entry.touched.add(member);
		else batch.contests.set(def.id, { def, touched: new Set(touched) });
	});
}

/** Whether score changes can make moments in this contest (see contestMoments). */
function momentsOf(def: ContestDef) {
	const wholeBoard = def.format === 'race_to_target' || (def.format === 'team_challenge' && !!def.target);
	return wholeBoard || (def.rankBy === 'total' && def.format !== 'team_challenge');
}

// The contest family, imported once (lazily: it registers with the board catalog, which this module's
// importers may still be loading). An import() per call costs a module resolution each time.
let familyModule: Promise<typeof import('./contest.family')> | undefined;
const familyOf = () => (familyModule ??= import('./contest.family'));

async function loadCached(deps: LifecycleDeps, organizationId: string): Promise<ContestDef[]> {
	const { contestFamily, cachedDefs } = await familyOf();
	await contestFamily.prepare!(deps.db, organizationId, { fresh: false });
	return cachedDefs(organizationId) ?? (await loadDefs(deps.db, organizationId));
}

/**
 * The moments of one live contest after a batch touched `touched` participants. Called once per batch
 * and contest, so it reads little: the leader (top 1) for a race ranked by total; the whole board only
 * for a race to target or a team challenge; the contest's row and names only when a moment is due.
 */
async function contestMoments(deps: LifecycleDeps, def: ContestDef, touched: Set<string>, t: number) {
	const org = def.organizationId;
	const key = contestKey(def.id, rankedScope(def));
	const wholeBoard = def.format === 'race_to_target' || (def.format === 'team_challenge' && !!def.target);
	const leaderMoments = def.rankBy === 'total' && def.format !== 'team_challenge';
	if (!momentsOf(def)) return;
	const board = wholeBoard ? await deps.live.top(org, key, Math.max(1, await deps.live.size(org, key))) : await deps.live.top(org, key, 1);
	let context: { row: ContestRow; participants: Awaited<ReturnType<typeof participantsOf>>; names: Map<string, string> } | null | undefined;
	// Every participant for a race to target (their targets); otherwise only those a moment names.
	const load = async (only?: string[]) => {
		if (context !== undefined) return context;
		const row = await findContestById(deps.db, def.id);
		if (!row || !(row.status === 'live' || (row.status === 'scheduled' && row.starts_at.getTime() <= t))) return (context = null);
		const participants = await participantsOf(deps.db, org, [def.id], wholeBoard ? undefined : only);
		return (context = { row, participants, names: await namesOf(deps.db, org, participants) });
	};
	const who = (c: NonNullable<typeof context>, id: string) => ({ id, name: c.names.get(id) ?? '' });
	const ttl = Math.max(60_000, (Number.isFinite(def.end) ? def.end : t + 366 * 24 * 3600_000) + def.graceMs + 24 * 3600_000 - t);
	if (leaderMoments && board[0] && board[0].score > 0) {
		const leader = board[0].member;
		// The leader this process saw last spares a round trip per batch while it holds. The live store's
		// leader mark holds "<leader>|<change number>": a change is queued for the chat channels first
		// (keyed by its number, so processes that see the same change queue it once), then swapped into
		// the mark, and only the process that swapped it in announces it. A crash between the two leaves
		// the mark as it was: the next batch queues the same change again (nothing new) and moves the mark.
		if (seenLeaders.get(def.id) !== leader) {
			const mark = `contest:${def.id}:leader`;
			const held = leaderMark(await deps.live.peek(mark));
			if (held.leader === leader) seenLeaders.set(def.id, leader);
			else {
				const c = await load([leader]);
				if (c) {
					if (!c.row.hidden) await queueNotifications(deps.db, org, [contestLeader(c.row, held.change + 1, who(c, leader))], now(deps));
					const before = leaderMark(await deps.live.swap(mark, `${leader}|${held.change + 1}`, ttl));
					seenLeaders.set(def.id, leader);
					if (before.leader !== leader) moment(deps, c.row, { type: 'new_leader', participant: who(c, leader) });
				} else seenLeaders.set(def.id, leader);
			}
		}
	}
	if (def.format === 'race_to_target') {
		const c = await load();
		if (!c) return;
		const targetOf = (id: string) => {
			const p = c.participants.find((x) => (x.user_id ?? x.team_id ?? x.contest_team_id ?? org) === id);
			return p?.target != null ? Number(p.target) : def.target;
		};
		let reached = 0;
		for (const e of board) {
			const target = targetOf(e.member);
			if (!target || e.score < target) continue;
			reached++;
			if (touched.has(e.member) && (await deps.live.hit(`contest:${def.id}:reached:${e.member}`, ttl)) === 1) moment(deps, c.row, { type: 'target_reached', participant: who(c, e.member) });
		}
		if (reached >= (c.row.ends_at ? def.places : 1)) await endContest(deps, def.id, { early: true });
	}
	if (def.format === 'team_challenge' && def.target) {
		const total = board.reduce((sum, e) => sum + e.score, 0);
		for (const m of CONTEST_LIMITS.milestones) {
			if (total * 100 < m * def.target) break;
			const marker = `contest:${def.id}:milestone:${m}`;
			if ((await deps.live.count(marker)) > 0) continue; // already celebrated
			const c = await load();
			if (!c) return;
			if ((await deps.live.hit(marker, ttl)) === 1) moment(deps, c.row, { type: 'milestone', milestone: m });
		}
	}
}

/** The live store's leader mark: "<leader>|<change number>" (a bare leader id counts as change 0). */
function leaderMark(value: string | null): { leader: string | null; change: number } {
	if (value === null) return { leader: null, change: 0 };
	const bar = value.lastIndexOf('|');
	const change = bar < 0 ? NaN : Number(value.slice(bar + 1));
	return Number.isInteger(change) ? { leader: value.slice(0, bar), change } : { leader: value, change: 0 };
}

async function noteLateEvents(deps: LifecycleDeps, organizationId: string, events: ScoredEvent[]) {
	const times = events.map((e) => e.occurredAt.getTime());
	const finals = await finalContestsOverlapping(deps.db, organizationId, new Date(Math.min(...times)), new Date(Math.max(...times)));
	for (const row of finals) {
		const participants = await participantsOf(deps.db, organizationId, [row.id]);
		const def = toDef(row, participants, await adhocMembersOf(deps.db, [row.id]));
		const names = await namesOf(deps.db, organizationId, participants);
		const notes = [];
		for (const e of events) {
			if (e.occurredAt.getTime() < def.start || e.occurredAt.getTime() >= def.end) continue;
			const delta = contestDelta(def, e);
			const p = delta !== 0 ? contestMembers(def, e).participant : null;
			if (!p) continue;
			const text = translate('en', 'contests.note.lateEvent', { who: names.get(p) ?? p, delta: delta > 0 ? `+${delta}` : String(delta) });
			notes.push({ contest_id: row.id, organization_id: organizationId, event_id: e.id, data: JSON.stringify({ text, participant: p, delta }) });
		}
		await insertNotes(deps.db, notes);
	}
}

export { cachedDef };

/**
 * The contest domain's start-up: its board family in the catalog, its jobs with the scheduler, and its
 * listeners (every process forgets its cached contests on a change anywhere; moments and notes follow
 * the events this process applied). Returns what stops the listeners.
 */
export async function installContests(deps: LifecycleDeps, options: { sweep?: boolean } = {}): Promise<() => void> {
	const { registerContestFamily } = await familyOf();
	registerContestFamily();
	await registerContestJobs(deps, options);
	const stops = [
		deps.events.on('contest.changed', ({ organizationId }) => forgetContests(organizationId)),
		deps.events.on('scores.changed', ({ organizationId, events }) => {
			onScoresChanged(deps, organizationId, events).catch((error) => log.warn('contests: after scores changed', error));
		})
	];
	return () => stops.forEach((stop) => stop());
}
