// Anti-gaming flags: unusual patterns of a rep that a leader may want to look at — self-reports far above
// the rep's own norm, events bunched before a month, quarter or contest end, many voids, the same note
// over and over. A flag never changes a score and is never shown to reps; a leader reads its events and
// dismisses it with a reason (audited).
// Invariants: a flag is stored once per (rep, kind, window) (a unique index; the daily job and "scan
// now" only insert what is missing), and it leaves 'open' exactly once (a conditional update).
import type { Db } from '../db';
import type { Actor } from '../org/actor';
import { accessOf, descendantsOf, type Access } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { listMembers } from '../org/membership.repository';
import { listTeams } from '../org/team.repository';
import { AppError, forbidden } from '../platform/errors';
import { log } from '../platform/log';
import type { Scheduler } from '../platform/scheduler';
import { parseInput } from '../platform/validation';
import { activeMetrics } from '../scoring/activity.service';
import { organizationsWithEvents } from '../scoring/event.repository';
import { orgClock } from '../scoring/live.service';
import { periodOf, shiftPeriod } from '../../shared/time-windows';
import { FLAG_KINDS, flagDismissSchema, flagListQuerySchema, type FlagDetails, type FlagKind, type FlagEventLine, type FlagView } from '../../shared/flags';
import type { LocalizedText } from '../../shared/localized';
import { localDay } from './analytics.service';
import { BUNCHING, SPIKE, bunching, duplicateNotes, selfReportSpike, voidRate } from './flags.detect';
import {
	contestsEndedBetween,
	countOpenFlags,
	dismissFlagRow,
	eventsBeforeBoundary,
	findFlag,
	flagEventLines,
	insertFlags,
	listFlags,
	notedSelfReports,
	selfReportedDays,
	voidCounts,
	type FlagRow,
	type NewFlag
} from './flags.repository';

declare module '$lib/server/platform/scheduler' {
	interface JobPayloads {
		/** Scans every organization for new anti-gaming flags. A recurring system job, daily. */
		'coaching.flags': Record<string, never>;
	}
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const shiftDay = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** Detects what is flaggable in one organization now and stores the flags not stored yet. Returns how many were new. */
export async function scanOrganization(db: Db, organizationId: string, now = new Date()): Promise<number> {
	const [clock, members, metrics] = await Promise.all([orgClock(db, organizationId), listMembers(db, organizationId), activeMetrics(db, organizationId)]);
	const reps = new Set(members.filter((m) => m.role === 'rep' && m.status === 'active').map((m) => m.user_id));
	if (reps.size === 0) return 0;
	const flags: NewFlag[] = [];
	const add = (userId: string, kind: NewFlag['kind'], key: string, start: Date, end: Date, score: number, details: FlagDetails, ids: number[]) =>
		flags.push({ organization_id: organizationId, user_id: userId, kind, window_key: key, window_start: start, window_end: end, score, details: details as unknown as Record<string, unknown>, event_ids: [...new Set(ids)].sort((a, b) => a - b) });

	// Self-reports: each of the last SPIKE.recentDays local days against the rep's own trailing days.
	const today = periodOf('day', now, clock);
	const firstChecked = shiftPeriod(today, -(SPIKE.recentDays - 1), clock);
	const historyStart = shiftPeriod(firstChecked, -SPIKE.historyDays, clock);
	const days = await selfReportedDays(db, organizationId, historyStart.start, today.end, clock.timeZone);
	const byRep = new Map<string, Map<string, Map<string, { value: number; ids: number[] }>>>();
	for (const d of days) {
		if (!reps.has(d.userId)) continue;
		const metricsOf = byRep.get(d.userId) ?? new Map();
		byRep.set(d.userId, metricsOf);
		const daysOf = metricsOf.get(d.metricKey) ?? new Map();
		metricsOf.set(d.metricKey, daysOf);
		daysOf.set(d.day, { value: d.value, ids: d.ids });
	}
	for (let i = 0; i < SPIKE.recentDays; i++) {
		const period = shiftPeriod(today, -i, clock);
		const day = localDay(period.start, clock);
		for (const [userId, metricsOf] of byRep) {
			const hits: Extract<FlagDetails, { kind: 'self_report_spike' }>['metrics'] = [];
			const ids: number[] = [];
			for (const [metricKey, daysOf] of metricsOf) {
				const x = daysOf.get(day);
				if (!x || x.value <= 0) continue;
				const history: number[] = [];
				for (let k = 1; k <= SPIKE.historyDays; k++) {
					const h = daysOf.get(shiftDay(day, -k));
					if (h && h.value > 0) history.push(h.value);
				}
				const spike = selfReportSpike(history, x.value);
				if (!spike.flagged) continue;
				const metric = metrics.find((m) => m.key === metricKey);
				hits.push({ key: metricKey, name: metric?.name ?? { en: metricKey }, unit: metric?.unit ?? 'count', currency: metric?.currency ?? null, value: x.value, median: spike.median!, mad: spike.mad!, z: round(spike.z!), historyDays: history.length });
				ids.push(...x.ids);
			}
			if (hits.length) add(userId, 'self_report_spike', day, period.start, period.end, Math.max(...hits.map((h) => h.z)), { kind: 'self_report_spike', day, metrics: hits }, ids);
		}
	}

	// Bunching before the last month end (a quarter end when the quarter ends there too) and recent contest ends.
	const month = periodOf('month', now, clock);
	const lastMonth = shiftPeriod(month, -1, clock);
	const boundaries: { key: string; start: Date; end: Date; boundary: 'month' | 'quarter' | 'contest'; label: string; contest: { id: string; name: LocalizedText } | null }[] = [
		{ key: `month:${lastMonth.key}`, start: lastMonth.start, end: lastMonth.end, boundary: periodOf('quarter', lastMonth.start, clock).end.getTime() === lastMonth.end.getTime() ? 'quarter' : 'month', label: lastMonth.key, contest: null }
	];
	for (const c of await contestsEndedBetween(db, organizationId, new Date(now.getTime() - BUNCHING.contestLookbackDays * DAY), now)) {
		const end = new Date(c.end_at);
		if (end.getTime() - c.starts_at.getTime() < BUNCHING.minPeriodDays * DAY) continue;
		boundaries.push({ key: `contest:${c.id}`, start: c.starts_at, end, boundary: 'contest', label: c.id, contest: { id: c.id, name: c.name as LocalizedText } });
	}
	for (const b of boundaries) {
		const windowStart = new Date(b.end.getTime() - BUNCHING.hours * HOUR);
		const periodHours = (b.end.getTime() - b.start.getTime()) / HOUR;
		for (const r of await eventsBeforeBoundary(db, organizationId, b.start, b.end, windowStart)) {
			if (!reps.has(r.userId)) continue;
			const result = bunching(r.inWindow, r.total, BUNCHING.hours, periodHours);
			if (!result.flagged) continue;
			add(r.userId, 'bunching', b.key, windowStart, b.end, round(result.share), { kind: 'bunching', boundary: b.boundary, label: b.label, contest: b.contest, hours: BUNCHING.hours, inWindow: r.inWindow, total: r.total, share: round(result.share), expected: round(result.expected), lift: round(result.lift) }, r.ids);
		}
	}

	// Voids and repeated notes: this month and the last, as calendar months of the organization.
	for (const m of [lastMonth, month]) {
		const [counts, notes] = await Promise.all([voidCounts(db, organizationId, m.start, m.end), notedSelfReports(db, organizationId, m.start, m.end)]);
		const allVoided = counts.reduce((s, r) => s + r.voided, 0);
		const allTotal = counts.reduce((s, r) => s + r.total, 0);
		for (const r of counts) {
			if (!reps.has(r.userId)) continue;
			const result = voidRate(r.voided, r.total, allVoided - r.voided, allTotal - r.total);
			if (!result.flagged) continue;
			add(r.userId, 'voids', `month:${m.key}`, m.start, m.end, round(result.rate), { kind: 'voids', month: m.key, voided: r.voided, total: r.total, rate: round(result.rate), baseline: round(result.baseline) }, r.ids);
		}
		const notesByRep = new Map<string, { id: number; note: string | null }[]>();
		for (const n of notes) if (reps.has(n.userId)) notesByRep.set(n.userId, [...(notesByRep.get(n.userId) ?? []), n]);
		for (const [userId, list] of notesByRep) {
			const groups = duplicateNotes(list);
			if (groups.length === 0) continue;
			add(userId, 'duplicate_notes', `month:${m.key}`, m.start, m.end, groups[0].ids.length, { kind: 'duplicate_notes', month: m.key, notes: groups.map((g) => ({ note: g.note, count: g.ids.length })) }, groups.flatMap((g) => g.ids));
		}
	}
	const inserted = await insertFlags(db, flags);
	return inserted.length;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Who may see flags at all: leaders and admins (reps never do). */
function requireReviewer(actor: Actor) {
	if (actor.role === 'rep') throw forbidden();
}

/** The reps whose flags the actor sees: 'all' for admins, the reps on managed teams for leaders. */
async function reviewable(db: Db, access: Access): Promise<string[] | 'all'> {
	if (access.isAdmin) return 'all';
	const members = await listMembers(db, access.actor.organizationId);
	return members.filter((m) => m.user_id !== access.actor.userId && access.canManageMember(m.user_id)).map((m) => m.user_id);
}

const mayReview = (access: Access, userId: string) => access.isAdmin || (access.actor.role === 'leader' && userId !== access.actor.userId && access.canManageMember(userId));

function toView(row: FlagRow, teams: { team: (userId: string) => { id: string; name: string } | null }): FlagView {
	const team = teams.team(row.user_id);
	return {
		id: row.id,
		kind: row.kind,
		status: row.status,
		rep: { id: row.user_id, name: row.rep_name, teamId: team?.id ?? null, teamName: team?.name ?? null },
		window: { key: row.window_key, start: new Date(row.window_start).toISOString(), end: new Date(row.window_end).toISOString() },
		score: Number(row.score),
		details: row.details as unknown as FlagDetails,
		eventIds: (row.event_ids ?? []).map(Number),
		detectedAt: new Date(row.detected_at).toISOString(),
		dismissal: row.status === 'dismissed' && row.dismissed_at ? { by: row.dismissed_by ? { id: row.dismissed_by, name: row.dismissed_by_name ?? '' } : null, at: new Date(row.dismissed_at).toISOString(), reason: row.dismiss_reason ?? '' } : null
	};
}

async function teamsOf(db: Db, organizationId: string) {
	const [members, teams] = await Promise.all([listMembers(db, organizationId), listTeams(db, organizationId)]);
	const names = new Map(teams.map((t) => [t.id, t.name]));
	const teamOf = new Map(members.map((m) => [m.user_id, m.team_id]));
	return {
		members,
		teams,
		team: (userId: string) => {
			const id = teamOf.get(userId);
			return id ? { id, name: names.get(id) ?? '' } : null;
		}
	};
}

export interface FlagList {
	status: 'open' | 'dismissed' | 'all';
	teams: { id: string; name: string }[];
	team: { id: string; name: string } | null;
	flags: FlagView[];
	counts: { open: number; dismissed: number };
	/** Open and dismissed flags per kind, whatever the status shown (the page's chart). */
	byKind: { kind: FlagKind; open: number; dismissed: number }[];
}

/** The flags the actor may review (leaders: reps of the teams they manage; admins: everyone), optionally for one team and its sub-teams. */
export async function readFlags(deps: { db: Db }, actor: Actor, raw: unknown): Promise<FlagList> {
	requireReviewer(actor);
	const query = parseInput(flagListQuerySchema, raw);
	const access = await accessOf(deps.db, actor);
	const [who, org] = await Promise.all([reviewable(deps.db, access), teamsOf(deps.db, actor.organizationId)]);
	const scope = access.managedTeamIds();
	const visible = org.teams.filter((t) => !t.archived_at && (scope === 'all' || scope.has(t.id))).map((t) => ({ id: t.id, name: t.name }));
	let team: FlagList['team'] = null;
	let users: string[] | 'all' = who;
	if (query.team) {
		const found = org.teams.find((t) => t.id === query.team);
		if (!found) throw new AppError(404, 'coaching.errors.team', undefined, 'team');
		if (scope !== 'all' && !scope.has(found.id)) throw new AppError(403, 'coaching.errors.team', undefined, 'team');
		team = { id: found.id, name: found.name };
		const subtree = descendantsOf(org.teams, [found.id]);
		const inTeam = org.members.filter((m) => m.team_id && subtree.has(m.team_id)).map((m) => m.user_id);
		users = who === 'all' ? inTeam : inTeam.filter((id) => who.includes(id));
	}
	const rows = await listFlags(deps.db, actor.organizationId, users, 'all');
	const views = rows.map((r) => toView(r, org));
	return {
		status: query.status,
		teams: visible,
		team,
		flags: query.status === 'all' ? views : views.filter((f) => f.status === query.status),
		counts: { open: views.filter((f) => f.status === 'open').length, dismissed: views.filter((f) => f.status === 'dismissed').length },
		byKind: FLAG_KINDS.map((kind) => ({ kind, open: views.filter((f) => f.kind === kind && f.status === 'open').length, dismissed: views.filter((f) => f.kind === kind && f.status === 'dismissed').length }))
	};
}

async function visibleFlag(db: Db, access: Access, id: unknown): Promise<FlagRow> {
	if (typeof id !== 'string' || !UUID.test(id)) throw new AppError(400, 'flags.errors.id', undefined, 'flagId');
	const row = await findFlag(db, access.actor.organizationId, id);
	if (!row || !mayReview(access, row.user_id)) throw new AppError(404, 'flags.errors.notFound', undefined, 'flagId');
	return row;
}

/** One flag with its events (the receipt lines that raised it). */
export async function readFlag(deps: { db: Db }, actor: Actor, id: unknown): Promise<{ flag: FlagView; events: FlagEventLine[] }> {
	requireReviewer(actor);
	const access = await accessOf(deps.db, actor);
	const row = await visibleFlag(deps.db, access, id);
	const [org, lines] = await Promise.all([teamsOf(deps.db, actor.organizationId), flagEventLines(deps.db, actor.organizationId, (row.event_ids ?? []).map(Number))]);
	return {
		flag: toView(row, org),
		events: lines.map((l) => ({
			eventId: Number(l.id),
			metric: { key: l.key, name: l.metric_name as LocalizedText, unit: l.unit, currency: l.currency },
			value: Number(l.value),
			points: Number(l.points),
			occurredAt: l.occurred_at.toISOString(),
			recordedAt: l.recorded_at.toISOString(),
			source: l.source,
			actor: l.actor_name,
			note: l.note,
			voided: l.voided_by !== null,
			voidReason: l.void_reason
		}))
	};
}

/** Dismisses an open flag with a reason, in the audit log. A flag dismissed already (by anyone, even a moment ago) is a 409 saying by whom. */
export async function dismissFlag(deps: { db: Db }, actor: Actor, id: unknown, input: unknown, now = new Date()) {
	requireReviewer(actor);
	const access = await accessOf(deps.db, actor);
	const row = await visibleFlag(deps.db, access, id);
	const data = parseInput(flagDismissSchema, input);
	const already = (r: FlagRow) => new AppError(409, 'flags.errors.dismissed', { name: r.dismissed_by_name ?? '—' }, 'flagId');
	if (row.status !== 'open') throw already(row);
	const done = await deps.db.transaction().execute(async (trx) => {
		const updated = await dismissFlagRow(trx, actor.organizationId, row.id, actor.userId, data.reason, now);
		if (!updated) return null;
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'flag.dismissed',
			targetType: 'flag',
			targetId: row.id,
			data: { kind: row.kind, rep: row.user_id, window: row.window_key, reason: data.reason }
		});
		return updated;
	});
	if (!done) throw already((await findFlag(deps.db, actor.organizationId, row.id)) ?? row);
	return { id: row.id, status: 'dismissed' as const, dismissedAt: new Date(done.dismissed_at!).toISOString() };
}

/** "Scan now": a leader or admin runs the detection for the organization at once (what the daily job does). */
export async function scanNow(deps: { db: Db }, actor: Actor, now = new Date()) {
	requireReviewer(actor);
	return { created: await scanOrganization(deps.db, actor.organizationId, now) };
}

/** Open flags the actor may review (the leader's home): 0 for reps. */
export async function openFlagsToReview(db: Db, actor: Actor): Promise<number> {
	if (actor.role === 'rep') return 0;
	const access = await accessOf(db, actor);
	return countOpenFlags(db, actor.organizationId, await reviewable(db, access));
}

export const FLAGS_JOB_KEY = 'system:coaching.flags';
export const FLAGS_EVERY_MS = 24 * 60 * 60_000;

/** The daily scan, once across processes (a recurring system job). An organization that fails is logged and the others still scanned. */
export async function installFlags(deps: { db: Db; scheduler: Scheduler }): Promise<() => void> {
	deps.scheduler.register(
		'coaching.flags',
		async () => {
			const now = deps.scheduler.clock.now();
			for (const org of await organizationsWithEvents(deps.db)) {
				await scanOrganization(deps.db, org.id, now).catch((error) => log.warn(`coaching: flag scan of ${org.id} failed`, error));
			}
		},
		{ leaseMs: 10 * 60_000 }
	);
	await deps.scheduler.every('coaching.flags', {}, { key: FLAGS_JOB_KEY, everyMs: FLAGS_EVERY_MS });
	return () => {};
}

