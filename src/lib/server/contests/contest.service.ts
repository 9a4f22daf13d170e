// The contest domain: builder (create, edit, clone, delete, schedule, cancel, extend), reads (list,
// one contest with its standings) and the access rules. Admins build for the whole organization,
// leaders for the teams they lead (and only with their members), a rep challenges a colleague to a
// duel; everyone in the organization reads contests, except hidden ones, which only their managers see.
// Rules are locked once a contest is live: only its end can be extended (with an audit entry).
// Every status change is a conditional UPDATE on the status it leaves (see contest.repository.ts).
import { z } from 'zod';
import type { Locale } from '$lib/i18n';
import { contestInputSchema, type ContestBacktestResult, type ContestInput, type ContestRules, type ContestStanding, type ContestStatus, type ContestSummary, type ContestView } from '../../shared/contests';
import { localize, type LocalizedText } from '../../shared/localized';
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import { accessOf, type Access } from '../org/access';
import type { Actor } from '../org/actor';
import { recordAudit } from '../org/audit.repository';
import { AppError } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import { parseInput } from '../platform/validation';
import { ensureBuilt, rebuildOrg } from '../scoring/live.service';
import { forgetContests, toDef } from './contest.family';
import { planContest, type ContestPlan } from './contest.input';
import {
	activeMemberCount,
	adhocMembersOf,
	backtestTotals,
	contestIdsOfMember,
	deleteContestIf,
	deleteParticipants,
	eventsInRange,
	findContest,
	insertContest,
	insertContestTeam,
	insertParticipants,
	listContestRows,
	metricKeysOfOrg,
	notesOf,
	participantsOf,
	resultsOf,
	rosterWithRefs,
	teamSizes,
	teamsOfOrg,
	updateContestIf,
	type ContestRow,
	type ParticipantRow
} from './contest.repository';
import { backtestFigures, backtestPercentOfTarget, type BacktestTotal } from './rules';
import { translate } from '$lib/i18n';
import { contestBoard, contestKey, crossings, PRIZE_METRIC, rankEntries, rankedScope, type ContestDef, type RankedEntry, type ScoreEntry } from './contest.scoring';
import { scheduleContestJobs } from './contest.lifecycle';
import { toScored } from '../scoring/live.service';
import { maxEventId } from '../scoring/event.repository';
import { lensFor } from '../transparency/transparency.service';
import { maskPair, viewStandings, type BoardLens } from '../../shared/transparency';

export interface ContestDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
}

const idSchema = z.object({ id: z.uuid() });
const parseId = (id: unknown, field = 'id') => {
	const r = idSchema.safeParse({ id });
	if (!r.success) throw new AppError(400, 'validation.invalid', undefined, field);
	return r.data.id;
};
const nowOf = (deps: Pick<ContestDeps, 'scheduler'>) => deps.scheduler.clock.now();

async function orgFacts(db: Db, organizationId: string) {
	const [roster, teams, metrics] = await Promise.all([rosterWithRefs(db, organizationId), teamsOfOrg(db, organizationId), metricKeysOfOrg(db, organizationId)]);
	return { roster, teams, metrics };
}

/** Who may manage (edit, schedule, cancel, extend, see while hidden) a contest. */
export function canManageContest(access: Access, row: Pick<ContestRow, 'created_by' | 'team_id' | 'format'>): boolean {
	const actor = access.actor;
	if (access.isAdmin) return true;
	if (row.created_by === actor.userId) return true;
	return actor.role === 'leader' && !!row.team_id && access.canManageTeam(row.team_id);
}

function mayBuild(actor: Actor, input: Pick<ContestInput, 'format'>) {
	if (actor.role === 'admin' || actor.role === 'leader') return;
	if (input.format === 'duel') return;
	throw new AppError(403, 'errors.forbidden');
}

async function writeParticipants(db: Db, organizationId: string, contestId: string, plan: ContestPlan) {
	await deleteParticipants(db, contestId);
	const target = (id: string) => plan.targets.get(id) ?? null;
	await insertParticipants(db, [
		...plan.members.map((user_id) => ({ contest_id: contestId, organization_id: organizationId, user_id, target: target(user_id) })),
		...plan.teams.map((team_id) => ({ contest_id: contestId, organization_id: organizationId, team_id, target: target(team_id) })),
		...(plan.wholeOrg ? [{ contest_id: contestId, organization_id: organizationId, whole_org: true }] : [])
	]);
	for (const [position, t] of plan.adhoc.entries()) {
		const teamId = await insertContestTeam(db, { contest_id: contestId, organization_id: organizationId, name: JSON.stringify(t.name), position, members: t.members });
		await insertParticipants(db, [{ contest_id: contestId, organization_id: organizationId, contest_team_id: teamId }]);
	}
}

function rowValues(input: ContestInput, plan: ContestPlan) {
	return {
		name: JSON.stringify(input.name),
		description: JSON.stringify(input.description ?? {}),
		format: input.format,
		scoring: JSON.stringify(input.scoring.metrics),
		rank_by: input.scoring.by,
		starts_at: new Date(input.startsAt),
		ends_at: input.endsAt ? new Date(input.endsAt) : null,
		grace_minutes: input.graceMinutes,
		hidden: input.hidden,
		target: input.target ?? null,
		places: input.places,
		prizes: JSON.stringify(input.prizes.map((p) => ({ place: p.place, text: p.text ?? {}, points: p.points }))),
		repeat: JSON.stringify(input.repeat),
		options: JSON.stringify({
			...(input.bracket ? { bracket: input.bracket } : {}),
			...(input.elimination ? { elimination: input.elimination } : {}),
			...(plan.opponent ? { duel: { challenger: plan.members[0], opponent: plan.opponent, answer: 'pending' } } : {})
		}),
		participants_spec: JSON.stringify(input.participants)
	};
}

/** After a change of a contest's counting rules or status: every process forgets its cached contests. */
function announce(deps: ContestDeps, organizationId: string, contestId: string, status: ContestStatus) {
	forgetContests(organizationId);
	deps.events.emit('contest.changed', { organizationId, contestId, status });
}

/** A contest that counts events from a start already past: its board is filled from the log. */
async function fillIfStarted(deps: ContestDeps, organizationId: string, startsAt: Date) {
	if (startsAt.getTime() <= nowOf(deps).getTime()) await rebuildOrg(deps, organizationId);
}

export async function createContest(deps: ContestDeps, actor: Actor, raw: unknown): Promise<{ id: string }> {
	const input = parseInput(contestInputSchema, raw);
	mayBuild(actor, input);
	const access = await accessOf(deps.db, actor);
	const plan = planContest(input, access, await orgFacts(deps.db, actor.organizationId), nowOf(deps));
	// A duel waits for the colleague's answer: it is saved as a draft until accepted.
	const status = input.format === 'duel' ? 'draft' : input.status;
	const id = await deps.db.transaction().execute(async (trx) => {
		const id = await insertContest(trx, {
			organization_id: actor.organizationId,
			...rowValues(input, plan),
			status,
			created_by: actor.userId,
			team_id: plan.teamId
		});
		await writeParticipants(trx, actor.organizationId, id, plan);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.created', targetType: 'contest', targetId: id, data: { format: input.format, status } });
		return id;
	});
	if (input.format === 'duel') await scheduleDuelLapse(deps, actor.organizationId, id);
	if (status === 'scheduled') await afterScheduled(deps, actor.organizationId, id);
	else announce(deps, actor.organizationId, id, status);
	return { id };
}

async function scheduleDuelLapse(deps: ContestDeps, organizationId: string, id: string) {
	const { CONTEST_LIMITS } = await import('../../shared/contests');
	await deps.scheduler.schedule('contest.duel-lapse', { contestId: id }, { runAt: new Date(nowOf(deps).getTime() + CONTEST_LIMITS.duelAnswerMs), dedupeKey: `contest:${id}:lapse`, organizationId });
}

async function afterScheduled(deps: ContestDeps, organizationId: string, id: string) {
	const row = await findContest(deps.db, organizationId, id);
	if (!row) return;
	announce(deps, organizationId, id, row.status);
	await scheduleContestJobs(deps, row);
	await fillIfStarted(deps, organizationId, row.starts_at);
}

async function loadManaged(deps: ContestDeps, actor: Actor, rawId: unknown) {
	const id = parseId(rawId);
	const [row, access] = await Promise.all([findContest(deps.db, actor.organizationId, id), accessOf(deps.db, actor)]);
	if (!row || (row.hidden && !canManageContest(access, row))) throw new AppError(404, 'validation.notFound', undefined, 'id');
	if (!canManageContest(access, row)) throw new AppError(403, 'errors.forbidden');
	return { row, access, id };
}

const notNow = (status: string, field = 'status') => new AppError(409, 'contests.errors.notNow', { status }, field);

/** Edits a draft or a scheduled contest (the whole input again). Once live, rules are locked. */
export async function updateContest(deps: ContestDeps, actor: Actor, rawId: unknown, raw: unknown): Promise<void> {
	const { row, access, id } = await loadManaged(deps, actor, rawId);
	if (row.status !== 'draft' && row.status !== 'scheduled') {
		throw row.status === 'live' || row.status === 'ended' ? new AppError(409, 'contests.errors.locked', undefined, 'status') : notNow(row.status);
	}
	const input = parseInput(contestInputSchema, raw);
	mayBuild(actor, input);
	const plan = planContest(input, access, await orgFacts(deps.db, actor.organizationId), nowOf(deps), { startSlack: false });
	const status = row.format === 'duel' ? 'draft' : input.status;
	await deps.db.transaction().execute(async (trx) => {
		const done = await updateContestIf(trx, actor.organizationId, id, ['draft', 'scheduled'], { ...rowValues(input, plan), status, team_id: row.team_id ?? plan.teamId });
		if (!done) throw new AppError(409, 'contests.errors.locked', undefined, 'status');
		await writeParticipants(trx, actor.organizationId, id, plan);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.updated', targetType: 'contest', targetId: id, data: { status } });
	});
	if (status === 'scheduled') await afterScheduled(deps, actor.organizationId, id);
	else announce(deps, actor.organizationId, id, status);
}

/** Draft → scheduled: its start, end and the final ten minutes become scheduler jobs. */
export async function scheduleContest(deps: ContestDeps, actor: Actor, rawId: unknown): Promise<void> {
	const { row, id } = await loadManaged(deps, actor, rawId);
	if (row.format === 'duel') throw notNow(row.status);
	if (row.starts_at.getTime() < nowOf(deps).getTime() - 5 * 60_000) throw new AppError(400, 'contests.errors.startInPast', undefined, 'startsAt');
	const done = await deps.db.transaction().execute(async (trx) => {
		const done = await updateContestIf(trx, actor.organizationId, id, ['draft'], { status: 'scheduled' });
		if (done) await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.scheduled', targetType: 'contest', targetId: id });
		return done;
	});
	if (!done) throw notNow(row.status);
	await afterScheduled(deps, actor.organizationId, id);
}

/** Cancels a contest that is not final yet; once only (a second cancel is a 409). */
export async function cancelContest(deps: ContestDeps, actor: Actor, rawId: unknown): Promise<void> {
	const { row, id } = await loadManaged(deps, actor, rawId);
	const done = await deps.db.transaction().execute(async (trx) => {
		const done = await updateContestIf(trx, actor.organizationId, id, ['draft', 'scheduled', 'live', 'ended'], { status: 'cancelled' });
		if (done) await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.cancelled', targetType: 'contest', targetId: id, data: { from: row.status } });
		return done;
	});
	if (!done) throw notNow(row.status === 'cancelled' || row.status === 'final' ? row.status : 'final');
	announce(deps, actor.organizationId, id, 'cancelled');
}

/** Deletes a draft. */
export async function deleteContest(deps: ContestDeps, actor: Actor, rawId: unknown): Promise<void> {
	const { row, id } = await loadManaged(deps, actor, rawId);
	const done = await deps.db.transaction().execute(async (trx) => {
		const done = await deleteContestIf(trx, actor.organizationId, id, ['draft']);
		if (done) await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.deleted', targetType: 'contest', targetId: id });
		return done;
	});
	if (!done) throw notNow(row.status);
	announce(deps, actor.organizationId, id, 'cancelled');
}

/** Moves the end of a live (or scheduled) contest later, with an audit entry: the one change allowed once live. */
export async function extendContest(deps: ContestDeps, actor: Actor, rawId: unknown, rawEndsAt: unknown): Promise<void> {
	const { row, id } = await loadManaged(deps, actor, rawId);
	const parsed = z.object({ endsAt: z.iso.datetime({ offset: true }) }).safeParse({ endsAt: rawEndsAt });
	if (!parsed.success) throw new AppError(400, 'validation.invalid', undefined, 'endsAt');
	const endsAt = new Date(parsed.data.endsAt);
	if (row.status !== 'live' && row.status !== 'scheduled') throw notNow(row.status);
	if (!row.ends_at) throw new AppError(400, 'contests.errors.endRequired', undefined, 'endsAt');
	if (endsAt.getTime() <= row.ends_at.getTime() || endsAt.getTime() <= nowOf(deps).getTime()) throw new AppError(400, 'contests.errors.extendEarlier', undefined, 'endsAt');
	const max = row.format === 'duel' ? 7 * 24 * 3600_000 : 366 * 24 * 3600_000;
	if (endsAt.getTime() - row.starts_at.getTime() > max) throw new AppError(400, row.format === 'duel' ? 'contests.errors.duelDuration' : 'contests.errors.duration', undefined, 'endsAt');
	const done = await deps.db.transaction().execute(async (trx) => {
		const done = await updateContestIf(trx, actor.organizationId, id, ['live', 'scheduled'], { ends_at: endsAt });
		if (done) {
			await recordAudit(trx, {
				organizationId: actor.organizationId,
				actorId: actor.userId,
				action: 'contest.extended',
				targetType: 'contest',
				targetId: id,
				data: { from: row.ends_at!.toISOString(), to: endsAt.toISOString() }
			});
		}
		return done;
	});
	if (!done) throw notNow(row.status);
	const fresh = await findContest(deps.db, actor.organizationId, id);
	announce(deps, actor.organizationId, id, fresh!.status);
	await scheduleContestJobs(deps, fresh!);
}

/** A copy of a contest as a new draft (starting at the same time, or now if that has passed). */
export async function cloneContest(deps: ContestDeps, actor: Actor, rawId: unknown): Promise<{ id: string }> {
	const { row, id } = await loadManaged(deps, actor, rawId);
	const now = nowOf(deps);
	const length = row.ends_at ? row.ends_at.getTime() - row.starts_at.getTime() : null;
	const start = row.starts_at.getTime() < now.getTime() ? new Date(now.getTime() + 60 * 60_000) : row.starts_at;
	const newId = await deps.db.transaction().execute(async (trx) => {
		const newId = await insertContest(trx, {
			organization_id: actor.organizationId,
			name: JSON.stringify(row.name),
			description: JSON.stringify(row.description),
			format: row.format,
			scoring: JSON.stringify(row.scoring),
			rank_by: row.rank_by,
			starts_at: start,
			ends_at: length === null ? null : new Date(start.getTime() + length),
			grace_minutes: row.grace_minutes,
			status: 'draft',
			hidden: row.hidden,
			target: row.target,
			places: row.places,
			prizes: JSON.stringify(row.prizes),
			repeat: JSON.stringify(row.repeat),
			options: JSON.stringify({ ...row.options, duel: undefined }),
			participants_spec: JSON.stringify(row.participants_spec),
			created_by: actor.userId,
			team_id: row.team_id
		});
		await copyParticipants(trx, actor.organizationId, id, newId);
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.cloned', targetType: 'contest', targetId: newId, data: { from: id } });
		return newId;
	});
	return { id: newId };
}

/** Copies a contest's participants (and ad-hoc teams) to another contest. */
export async function copyParticipants(db: Db, organizationId: string, fromId: string, toId: string) {
	const [participants, adhoc] = await Promise.all([participantsOf(db, organizationId, [fromId]), adhocMembersOf(db, [fromId])]);
	await insertParticipants(
		db,
		participants
			.filter((p) => !p.contest_team_id)
			.map((p) => ({ contest_id: toId, organization_id: organizationId, user_id: p.user_id, team_id: p.team_id, whole_org: p.whole_org, target: p.target, seed: p.seed }))
	);
	for (const [position, p] of participants.filter((p) => p.contest_team_id).entries()) {
		const members = adhoc.filter((a) => a.contest_team_id === p.contest_team_id).map((a) => a.user_id);
		const teamId = await insertContestTeam(db, { contest_id: toId, organization_id: organizationId, name: JSON.stringify(p.contest_team_name ?? {}), position, members });
		await insertParticipants(db, [{ contest_id: toId, organization_id: organizationId, contest_team_id: teamId, target: p.target }]);
	}
}

// ---- reads ----

const LIST_STATUSES = z.object({ status: z.enum(['draft', 'scheduled', 'live', 'ended', 'final', 'cancelled']).optional() });

export function participantId(p: Pick<ParticipantRow, 'user_id' | 'team_id' | 'contest_team_id' | 'whole_org'>, organizationId: string): string {
	return p.user_id ?? p.team_id ?? p.contest_team_id ?? organizationId;
}

function participantName(p: ParticipantRow, locale: Locale, wholeOrgName: string): string {
	if (p.user_name) return p.user_name;
	if (p.team_name) return p.team_name;
	if (p.contest_team_name) return localize(p.contest_team_name as LocalizedText, locale);
	return wholeOrgName;
}

export async function listContests(deps: ContestDeps, actor: Actor, filter: unknown = {}, locale: Locale = 'en'): Promise<ContestSummary[]> {
	const { status } = parseInput(LIST_STATUSES, filter ?? {});
	const access = await accessOf(deps.db, actor);
	const rows = (await listContestRows(deps.db, actor.organizationId, status ? [status] : undefined)).filter((r) => !r.hidden || canManageContest(access, r));
	const me = access.actor.userId;
	const myTeam = (await rosterWithRefs(deps.db, actor.organizationId)).find((m) => m.user_id === me)?.team_id ?? null;
	const mine = await contestIdsOfMember(deps.db, actor.organizationId, me, myTeam);
	const participants = await participantsOf(deps.db, actor.organizationId, rows.map((r) => r.id));
	const counts = new Map<string, number>();
	for (const p of participants) counts.set(p.contest_id, (counts.get(p.contest_id) ?? 0) + 1);
	const order: Record<ContestStatus, number> = { live: 0, ended: 1, scheduled: 2, draft: 3, final: 4, cancelled: 5 };
	const lens = await lensFor(deps.db, actor.organizationId, actor);
	const summaries = await Promise.all(
		rows.map(async (row) => {
			let leader: ContestSummary['leader'] = null;
			if (row.status === 'live' || row.status === 'ended' || row.status === 'final') {
				const standings = await standingsOf(deps, row, participants.filter((p) => p.contest_id === row.id), locale);
				leader = leaderOf(standings.rows, lens, participants.filter((p) => p.contest_id === row.id));
			}
			return {
				id: row.id,
				name: localize(row.name, locale),
				description: localize(row.description, locale),
				format: row.format,
				status: row.status,
				startsAt: row.starts_at.toISOString(),
				endsAt: effectiveEnd(row)?.toISOString() ?? null,
				hidden: row.hidden,
				mine: mine.has(row.id) || row.created_by === me,
				participantCount: counts.get(row.id) ?? 0,
				leader
			} satisfies ContestSummary;
		})
	);
	return summaries.sort((a, b) => Number(b.mine) - Number(a.mine) || order[a.status] - order[b.status] || (a.startsAt < b.startsAt ? 1 : -1));
}

const effectiveEnd = (row: Pick<ContestRow, 'ends_at' | 'ended_at'>) => row.ended_at ?? row.ends_at;

/** A standing as counted, before any reader's transparency lens (viewStandings) masks it. */
export type CountedStanding = ContestStanding & { score: number };

export interface Standings {
	rows: CountedStanding[];
	ranked: RankedEntry[];
	contributors: { id: string; name: string; score: number }[];
}

/** The standings of a contest: frozen results once final, the live board while it counts, zeros before. */
export async function standingsOf(deps: Pick<ContestDeps, 'db' | 'live'>, row: ContestRow, participants: ParticipantRow[], locale: Locale): Promise<Standings> {
	const org = row.organization_id;
	const def = toDef(row, participants, row.format === 'team_vs_team' || row.format === 'team_challenge' ? await adhocMembersOf(deps.db, [row.id]) : []);
	const ids = participants.map((p) => participantId(p, org));
	const byId = new Map(participants.map((p) => [participantId(p, org), p]));
	const wholeName = translate(locale, 'contests.wholeOrganization');
	const sizes = await sizesOf(deps.db, org, def, participants);
	const targetOf = (id: string) => {
		const t = byId.get(id)?.target;
		return t === null || t === undefined ? null : Number(t);
	};
	let entries: ScoreEntry[];
	let contributors: Standings['contributors'] = [];
	const prizeOf = new Map<string, { text: string; points: number } | null>();
	const placeOf = new Map<string, number | null>();
	let ranked: RankedEntry[];
	if (row.status === 'final') {
		const results = await resultsOf(deps.db, row.id);
		ranked = results.map((r) => ({
			id: r.participant_id,
			score: Number(r.score),
			tie: Number(r.tie) || Infinity,
			rank: r.rank,
			value: r.value,
			progress: (targetOf(r.participant_id) ?? def.target) ? Math.min(1, Number(r.score) / (targetOf(r.participant_id) ?? def.target)!) : null,
			place: r.place
		}));
		for (const r of results) {
			placeOf.set(r.participant_id, r.place);
			prizeOf.set(r.participant_id, r.place ? { text: r.prize_text ?? '', points: r.prize_points } : null);
		}
		for (const id of ids) if (!ranked.some((r) => r.id === id)) ranked.push({ id, score: 0, tie: Infinity, rank: ranked.length + 1, value: 0, progress: null, place: null });
	} else {
		const counting = row.status === 'live' || row.status === 'ended';
		const scores = new Map<string, { score: number; tie: number }>();
		if (counting) {
			await ensureBuilt(deps, org);
			const key = contestKey(row.id, rankedScope(def));
			const size = await deps.live.size(org, key);
			for (const e of await deps.live.top(org, key, Math.max(size, 1))) scores.set(e.member, { score: e.score, tie: e.tie });
			if (def.team) {
				const ukey = contestKey(row.id, 'users');
				const usize = await deps.live.size(org, ukey);
				const top = await deps.live.top(org, ukey, Math.min(Math.max(usize, 1), 50));
				const names = new Map((await rosterWithRefs(deps.db, org)).map((m) => [m.user_id, m.name]));
				contributors = top.filter((e) => e.score !== 0).map((e) => ({ id: e.member, name: names.get(e.member) ?? '', score: e.score }));
			}
		}
		entries = ids.map((id) => {
			const out = byId.get(id)?.eliminated_at;
			return { id, score: scores.get(id)?.score ?? 0, tie: scores.get(id)?.tie ?? Infinity, out: out ? new Date(out).getTime() : null };
		});
		if (row.format === 'race_to_target' && counting) {
			const over = entries.filter((e) => {
				const t = targetOf(e.id) ?? def.target;
				return t && e.score >= t;
			});
			if (over.length) {
				const events = (await eventsInRange(deps.db, org, new Date(def.start), new Date(Number.isFinite(def.end) ? def.end : 8.64e15), await maxEventId(deps.db, org))).map(toScored);
				const crossed = crossings(def, events, targetOf);
				for (const e of entries) e.reached = crossed.get(e.id) ?? null;
			}
		}
		ranked = rankEntries(def, entries, { targetOf, sizeOf: (id) => sizes.get(id) ?? 1 });
	}
	const rows: CountedStanding[] = ranked.map((e) => {
		const p = byId.get(e.id);
		const name = p ? participantName(p, locale, wholeName) : e.id;
		const team = p?.user_id && p.user_team_id ? { id: p.user_team_id, name: p.user_team_name ?? '' } : null;
		return {
			rank: e.rank,
			id: e.id,
			name,
			team,
			score: e.score,
			...(Number.isFinite(e.tie) ? { tie: e.tie } : {}),
			...(e.progress !== null ? { progress: e.progress } : {}),
			eliminated: p?.eliminated_at ? p.eliminated_at.toISOString() : null,
			...(p?.user_id && p.member_status !== 'active' ? { inactive: true } : {}),
			...(row.status === 'final' ? { place: placeOf.get(e.id) ?? null, prize: prizeOf.get(e.id) ?? null } : {})
		};
	});
	return { rows, ranked, contributors };
}

async function sizesOf(db: Db, org: string, def: ContestDef, participants: ParticipantRow[]): Promise<Map<string, number>> {
	if (!def.team) return new Map();
	const sizes = await teamSizes(db, org, participants.filter((p) => p.team_id).map((p) => p.team_id!));
	for (const [, teamId] of def.users) sizes.set(teamId, (sizes.get(teamId) ?? 0) + 1);
	if (def.wholeOrg) sizes.set(org, await activeMemberCount(db, org));
	return sizes;
}

export async function getContest(deps: Pick<ContestDeps, 'db' | 'live'>, actor: Actor, rawId: unknown, locale: Locale = 'en'): Promise<ContestView> {
	const id = parseId(rawId);
	const [row, access, lens] = await Promise.all([findContest(deps.db, actor.organizationId, id), accessOf(deps.db, actor), lensFor(deps.db, actor.organizationId, actor)]);
	const canManage = !!row && canManageContest(access, row);
	if (!row || (row.hidden && !canManage)) throw new AppError(404, 'validation.notFound', undefined, 'id');
	return viewOf(deps, row, { userId: actor.userId, canManage, lens }, locale);
}

/** Whether a contest ranks people (not teams): the organization's transparency settings then limit what reps see of it. */
const ranksPeople = (participants: Pick<ParticipantRow, 'user_id'>[]) => participants.length > 0 && participants.every((p) => p.user_id);

/** The leader as a reader sees it: their score masked for a rep shown only ranks (unless it is theirs). */
function leaderOf(rows: CountedStanding[], lens: BoardLens, participants: Pick<ParticipantRow, 'user_id'>[]): ContestSummary['leader'] {
	const top = rows[0];
	if (!top || top.score <= 0) return null;
	const masked = ranksPeople(participants) && lens.kind === 'limited' && !lens.values && top.id !== lens.self;
	return { id: top.id, name: top.name, score: masked ? null : top.score };
}

/**
 * The contest as its page and the API show it, for a reader (null: a display or token, never "mine").
 * `lens`: how the organization's transparency settings limit a rep (lensFor); a contest that ranks
 * people then shows them only the top N and their neighbourhood, and others' values not at all, as
 * the boards do. Teams' standings and a team challenge's total are not limited; its contributors are.
 */
export async function viewOf(deps: Pick<ContestDeps, 'db' | 'live'>, row: ContestRow, reader: { userId: string | null; canManage: boolean; lens?: BoardLens }, locale: Locale): Promise<ContestView> {
	const participants = await participantsOf(deps.db, row.organization_id, [row.id]);
	const standings = await standingsOf(deps, row, participants, locale);
	const lens: BoardLens = reader.lens ?? { kind: 'full' };
	const people = ranksPeople(participants);
	const [seq, notes] = await Promise.all([deps.live.currentSeq(row.organization_id, contestBoard(row.id)), notesOf(deps.db, row.id)]);
	let mine = false;
	if (reader.userId) {
		const myTeam = participants.find((p) => p.user_id === reader.userId)?.user_team_id ?? (await rosterWithRefs(deps.db, row.organization_id)).find((m) => m.user_id === reader.userId)?.team_id ?? null;
		mine = row.created_by === reader.userId || (await contestIdsOfMember(deps.db, row.organization_id, reader.userId, myTeam)).has(row.id);
	}
	const target = row.target === null ? null : Number(row.target);
	const view: ContestView = {
		id: row.id,
		name: localize(row.name, locale),
		description: localize(row.description, locale),
		format: row.format,
		status: row.status,
		startsAt: row.starts_at.toISOString(),
		endsAt: effectiveEnd(row)?.toISOString() ?? null,
		hidden: row.hidden,
		mine,
		participantCount: participants.length,
		leader: leaderOf(standings.rows, lens, participants),
		texts: { name: row.name, description: row.description },
		scoring: { metrics: row.scoring, by: row.rank_by },
		graceMinutes: row.grace_minutes,
		target,
		places: row.places,
		prizes: row.prizes.map((p) => ({ place: p.place, text: localize(p.text, locale), points: p.points })),
		epoch: seq.epoch,
		seq: seq.seq,
		standings: people ? viewStandings(standings.rows, lens) : standings.rows,
		notes: notes.map((n) => String((n.data as { text?: string }).text ?? '')),
		canManage: reader.canManage
	};
	if (reader.canManage) view.rules = await rulesOf(deps.db, row, participants);
	const matches = (row.options.bracket as { matches?: ContestView['bracket'] } | undefined)?.matches;
	if (row.format === 'bracket' && matches) view.bracket = matches.map((m) => ({ ...m, a: maskPair(m.a, lens), b: maskPair(m.b, lens) }));
	if (row.format === 'team_challenge' && target) {
		const total = standings.rows.reduce((sum, r) => sum + r.score, 0);
		const progress = Math.max(0, Math.min(1, total / target));
		view.challenge = {
			total,
			target,
			progress,
			milestones: [25, 50, 75, 100].filter((m) => total * 100 >= m * target),
			// The people behind a team's total: a board of people, limited like one.
			contributors: viewStandings(standings.contributors, lens)
		};
	}
	return view;
}

export type { ContestRow };

/** The rules as the builder set them (participants resolved to ids), for those who manage the contest. */
async function rulesOf(db: Db, row: ContestRow, participants: ParticipantRow[]): Promise<ContestRules> {
	const spec = row.participants_spec ?? {};
	const targets: Record<string, number> = {};
	for (const p of participants) {
		const id = p.user_id ?? p.team_id ?? p.contest_team_id;
		if (id && p.target !== null) targets[id] = Number(p.target);
	}
	const bySeed = [...participants].sort((a, b) => (a.seed ?? Number.MAX_SAFE_INTEGER) - (b.seed ?? Number.MAX_SAFE_INTEGER) || a.id - b.id);
	let who: ContestRules['participants'];
	if ('teams' in spec) who = { teams: participants.filter((p) => p.team_id).map((p) => p.team_id!) };
	else if ('members' in spec || row.format === 'duel') who = { members: bySeed.filter((p) => p.user_id).map((p) => p.user_id!) };
	else if ('adhoc' in spec) {
		const members = await adhocMembersOf(db, [row.id]);
		who = {
			adhoc: participants
				.filter((p) => p.contest_team_id)
				.map((p) => ({ name: (p.contest_team_name ?? {}) as LocalizedText, members: members.filter((m) => m.contest_team_id === p.contest_team_id).map((m) => m.user_id) }))
		};
	} else who = { all: true };
	const rules: ContestRules = {
		participants: who,
		targets,
		repeat: row.repeat,
		prizes: row.prizes.map((p) => ({ place: p.place, text: p.text as LocalizedText, points: p.points }))
	};
	const bracket = row.options.bracket as { roundMinutes?: number; seeding?: 'points' | 'manual' } | undefined;
	if (bracket?.roundMinutes) rules.bracket = { roundMinutes: bracket.roundMinutes, seeding: bracket.seeding ?? 'points' };
	const elimination = row.options.elimination as { everyMinutes?: number } | undefined;
	if (elimination?.everyMinutes) rules.elimination = { everyMinutes: elimination.everyMinutes };
	const duel = row.options.duel as { opponent?: string } | undefined;
	if (duel?.opponent && row.ends_at) rules.duel = { opponent: duel.opponent, hours: Math.round((row.ends_at.getTime() - row.starts_at.getTime()) / 3600_000) };
	return rules;
}

/** The challenged colleague accepts a duel: it starts now and lasts as long as was asked. */
export async function acceptDuel(deps: ContestDeps, actor: Actor, rawId: unknown): Promise<void> {
	const id = parseId(rawId);
	const row = await findContest(deps.db, actor.organizationId, id);
	if (!row || row.format !== 'duel') throw new AppError(404, 'validation.notFound', undefined, 'id');
	const duel = row.options.duel as { challenger: string; opponent: string; answer: string } | undefined;
	if (!duel || duel.opponent !== actor.userId) throw new AppError(403, 'contests.errors.notDuelOpponent');
	const at = nowOf(deps);
	const length = (row.ends_at?.getTime() ?? 0) - row.starts_at.getTime();
	const done = await deps.db.transaction().execute(async (trx) => {
		const done = await updateContestIf(trx, actor.organizationId, id, ['draft'], {
			status: 'scheduled',
			starts_at: at,
			ends_at: new Date(at.getTime() + length),
			options: JSON.stringify({ ...row.options, duel: { ...duel, answer: 'accepted' } })
		});
		if (done) await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.duel_accepted', targetType: 'contest', targetId: id });
		return done;
	});
	if (!done) throw notNow(row.status);
	await afterScheduled(deps, actor.organizationId, id);
	const { startContest } = await import('./contest.lifecycle');
	await startContest(deps, id);
}

/** The challenged colleague declines: the duel is cancelled. */
export async function declineDuel(deps: ContestDeps, actor: Actor, rawId: unknown): Promise<void> {
	const id = parseId(rawId);
	const row = await findContest(deps.db, actor.organizationId, id);
	if (!row || row.format !== 'duel') throw new AppError(404, 'validation.notFound', undefined, 'id');
	const duel = row.options.duel as { challenger: string; opponent: string; answer: string } | undefined;
	if (!duel || duel.opponent !== actor.userId) throw new AppError(403, 'contests.errors.notDuelOpponent');
	const done = await updateContestIf(deps.db, actor.organizationId, id, ['draft'], { status: 'cancelled', options: JSON.stringify({ ...row.options, duel: { ...duel, answer: 'declined' } }) });
	if (!done) throw notNow(row.status);
	await recordAudit(deps.db, { organizationId: actor.organizationId, actorId: actor.userId, action: 'contest.duel_declined', targetType: 'contest', targetId: id });
	announce(deps, actor.organizationId, id, 'cancelled');
}

// ---- backtest ----

export const backtestInputSchema = contestInputSchema.extend({
	from: z.iso.datetime({ offset: true }),
	to: z.iso.datetime({ offset: true })
});

/**
 * Replays a draft's rules over a past period of the event log: who would have won, how many took part
 * and scored, the top 20%'s share, and the same with percent-of-target ranking (rules/backtest.ts).
 * The totals are aggregated in SQL, so 90 days of an organization's events answer quickly.
 */
export async function backtestContest(deps: Pick<ContestDeps, 'db' | 'scheduler'>, actor: Actor, raw: unknown, locale: Locale = 'en'): Promise<ContestBacktestResult> {
	const started = Date.now();
	const input = parseInput(backtestInputSchema, raw);
	mayBuild(actor, input);
	const from = new Date(input.from);
	const to = new Date(input.to);
	const now = nowOf(deps);
	if (to <= from) throw new AppError(400, 'contests.errors.endBeforeStart', undefined, 'to');
	if (to.getTime() > now.getTime()) throw new AppError(400, 'validation.invalid', undefined, 'to');
	if (to.getTime() - from.getTime() > 366 * 24 * 3600_000) throw new AppError(400, 'contests.errors.duration', undefined, 'from');
	const access = await accessOf(deps.db, actor);
	const facts = await orgFacts(deps.db, actor.organizationId);
	// The draft's own times do not matter here: the period replayed is [from, to).
	const plan = planContest({ ...input, startsAt: input.from, endsAt: input.to, status: 'draft', repeat: { every: 'none' } }, access, facts, now, { startSlack: false });
	const team = plan.teams.length > 0 || plan.adhoc.length > 0 || plan.wholeOrg;
	const rows = await backtestTotals(deps.db, actor.organizationId, { from, to }, input.scoring.metrics, team && plan.adhoc.length === 0 && !plan.wholeOrg ? 'team' : 'user', PRIZE_METRIC);
	const names = new Map(facts.roster.map((m) => [m.user_id, m.name]));
	const teamNames = new Map(facts.teams.map((t) => [t.id, t.name]));
	let totals: BacktestTotal[];
	if (!team) {
		const scores = new Map(rows.map((r) => [r.member, r]));
		totals = plan.members.map((id) => ({ id, name: names.get(id) ?? '', score: scores.get(id)?.score ?? 0, tie: scores.get(id)?.tie ?? null, target: plan.targets.get(id) ?? null }));
	} else if (plan.wholeOrg) {
		const score = rows.reduce((sum, r) => sum + r.score, 0);
		totals = [{ id: actor.organizationId, name: translate(locale, 'contests.wholeOrganization'), score, tie: null, target: null }];
	} else if (plan.adhoc.length) {
		const scores = new Map(rows.map((r) => [r.member, r.score]));
		totals = plan.adhoc.map((t, i) => ({ id: `adhoc-${i + 1}`, name: localize(t.name, locale), score: t.members.reduce((sum, m) => sum + (scores.get(m) ?? 0), 0), tie: null, target: null }));
	} else {
		const scores = new Map(rows.map((r) => [r.member, r]));
		totals = plan.teams.map((id) => ({ id, name: teamNames.get(id) ?? '', score: scores.get(id)?.score ?? 0, tie: scores.get(id)?.tie ?? null, target: plan.targets.get(id) ?? null }));
	}
	return {
		from: from.toISOString(),
		to: to.toISOString(),
		asSet: backtestFigures(totals, { places: input.places }),
		percentOfTarget: backtestPercentOfTarget(totals, { places: input.places, target: input.target ?? null }),
		tookMs: Date.now() - started
	};
}
