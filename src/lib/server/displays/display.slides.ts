// The data of the slide types that read other domains: contests (standings, bracket, team challenge),
// goal pace and KPI tiles. A display reads as nobody in particular: no "mine", no permissions to edit,
// hidden contests never, and people named as they chose to appear on displays. Scoped to the display's
// team (and the teams below it) when it has one, to the organization otherwise.
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { Actor } from '../org/actor';
import { descendantsOf } from '../org/access';
import { listMembers } from '../org/membership.repository';
import { listTeams } from '../org/team.repository';
import { allMetrics } from '../scoring/metric.repository';
import { dailyTotalsOfUsers } from '../scoring/event.repository';
import { orgClock } from '../scoring/live.service';
import { listContestRows, type ContestRow } from '../contests/contest.repository';
import { viewOf } from '../contests/contest.service';
import { readGoals } from '../goals/goal.service';
import { totalsByUser } from '../goals/goal.repository';
import { localize } from '../../shared/localized';
import { translate, type Locale } from '../../i18n';
import { periodOf, shiftPeriod, type OrgClock, type Period } from '../../shared/time-windows';
import { displayName, type TvContest, type TvGoal, type TvKpi, type TvSlideData, type TvUnit } from '../../shared/displays/displays';
import { SLIDE_CONTEST_FORMATS, SLIDE_TYPES, KPI_MAX, type SlideType } from '../../shared/displays/slides';
import { displayNamesOf } from './display.repository';
import { hiddenFromDisplays } from '../transparency/transparency.service';

export interface SlideDeps {
	db: Db;
	live: LiveStore;
	now?: () => Date;
}

interface DisplayScope {
	organizationId: string;
	teamId: string | null;
	topN: number;
}

const nowOf = (deps: SlideDeps) => deps.now?.() ?? new Date();
/** Reads goals as a member of no team who may change nothing. */
const viewer = (organizationId: string): Actor => ({ organizationId, userId: '00000000-0000-0000-0000-000000000000', role: 'rep' });
const POINTS = 'points';
/** A finished contest stays on its slide this long after it ends (its results), unless a newer one runs. */
const RESULTS_DAYS = 7;

async function peopleOf(db: Db, organizationId: string, ids: string[]) {
	if (!ids.length) return new Map<string, { name: string; initials: string }>();
	const rows = await displayNamesOf(db, organizationId, ids);
	return new Map(rows.map((r) => [r.id, displayName(r)]));
}

// ---- contests ----

/**
 * The contest a slide shows: the one it names, or the display's current one of its formats — a live one
 * (the soonest to end), else the next to start within a week, else the latest result of the past week.
 */
export function pickContest<R extends Pick<ContestRow, 'id' | 'format' | 'status' | 'hidden' | 'team_id' | 'starts_at' | 'ends_at'>>(rows: R[], formats: readonly string[] | undefined, teamIds: Set<string> | null, now: Date) {
	const t = now.getTime();
	const fits = rows.filter((r) => !r.hidden && (!formats || formats.includes(r.format)) && (!teamIds || r.team_id === null || teamIds.has(r.team_id)));
	const end = (r: (typeof fits)[number]) => r.ends_at?.getTime() ?? Infinity;
	const live = fits.filter((r) => r.status === 'live' || r.status === 'ended').sort((a, b) => end(a) - end(b));
	if (live.length) return live[0];
	const next = fits.filter((r) => r.status === 'scheduled' && r.starts_at.getTime() - t < RESULTS_DAYS * 86_400_000).sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
	if (next.length) return next[0];
	const done = fits.filter((r) => r.status === 'final' && t - end(r) < RESULTS_DAYS * 86_400_000).sort((a, b) => end(b) - end(a));
	return done[0] ?? null;
}

async function teamScope(db: Db, organizationId: string, teamId: string | null): Promise<Set<string> | null> {
	if (!teamId) return null;
	return descendantsOf(await listTeams(db, organizationId), [teamId]);
}

export async function contestSlide(deps: SlideDeps, scope: DisplayScope, type: SlideType, rawSettings: unknown, locale: Locale): Promise<TvSlideData> {
	const settings = SLIDE_TYPES.contest.parse(rawSettings ?? {});
	const rows = await listContestRows(deps.db, scope.organizationId, ['scheduled', 'live', 'ended', 'final']);
	const row = settings.contest
		? (rows.find((r) => r.id === settings.contest && !r.hidden) ?? null)
		: pickContest(rows, SLIDE_CONTEST_FORMATS[type], await teamScope(deps.db, scope.organizationId, scope.teamId), nowOf(deps));
	if (!row) return { type: 'contest', contest: null };
	const [view, metrics] = await Promise.all([viewOf(deps, row, { userId: null, canManage: false }, locale), allMetrics(deps.db, scope.organizationId)]);
	// One metric counted: its unit; points or a mix: points.
	const only = Array.isArray(row.scoring) && row.scoring.length === 1 ? metrics.find((m) => m.key === (row.scoring as { metric: string }[])[0].metric) : undefined;
	const ids = new Set<string>([...view.standings.map((s) => s.id), ...(view.challenge?.contributors.map((c) => c.id) ?? [])]);
	for (const m of view.bracket ?? []) for (const side of [m.a, m.b]) if (side) ids.add(side.id);
	const [people, hidden] = await Promise.all([peopleOf(deps.db, scope.organizationId, [...ids]), hiddenFromDisplays(deps.db, scope.organizationId)]);
	// Members who hide from public displays are left out; in a bracket, whose shape needs both sides, unnamed.
	const shown = (id: string, name: string) => (hidden.has(id) ? { name: '—', initials: '?' } : (people.get(id) ?? displayName({ name })));
	const contest: TvContest = {
		id: view.id,
		name: view.name,
		format: view.format,
		status: view.status,
		startsAt: view.startsAt,
		endsAt: view.endsAt,
		target: view.target,
		places: view.places,
		prizes: view.prizes,
		unit: (only?.unit as TvUnit | undefined) ?? 'points',
		currency: only?.currency ?? null,
		participants: view.participantCount,
		rows: view.standings
			.filter((s) => !hidden.has(s.id))
			.slice(0, scope.topN)
			.map((s) => {
			const who = shown(s.id, s.name);
			return { rank: s.rank, id: s.id, name: who.name, initials: who.initials, team: s.team?.name ?? null, score: s.score ?? 0, progress: s.progress ?? null, out: !!s.eliminated };
		})
	};
	if (view.bracket) {
		// A match being played shows its score so far: the contest total less what earlier rounds counted.
		const totals = new Map(view.standings.map((s) => [s.id, s.score ?? 0]));
		const counted = new Map<string, number>();
		for (const m of view.bracket) if (m.winner) for (const side of [m.a, m.b]) if (side) counted.set(side.id, (counted.get(side.id) ?? 0) + (side.score ?? 0));
		const live = (m: (typeof view.bracket)[number], side: NonNullable<(typeof m)['a']>) =>
			!m.winner && m.a && m.b && view.status === 'live' ? Math.max(0, (totals.get(side.id) ?? 0) - (counted.get(side.id) ?? 0)) : (side.score ?? 0);
		contest.bracket = view.bracket.map((m) => ({
			round: m.round,
			slot: m.slot,
			winner: m.winner,
			a: m.a ? { ...m.a, score: live(m, m.a), ...shown(m.a.id, m.a.name) } : null,
			b: m.b ? { ...m.b, score: live(m, m.b), ...shown(m.b.id, m.b.name) } : null
		}));
	}
	if (view.challenge) {
		contest.challenge = {
			...view.challenge,
			contributors: view.challenge.contributors
				.filter((c) => !hidden.has(c.id))
				.slice(0, 8)
				.map((c) => ({ id: c.id, score: c.score ?? 0, ...shown(c.id, c.name) }))
		};
	}
	return { type: 'contest', contest };
}

// ---- goal pace ----

export async function goalsSlide(deps: SlideDeps, scope: DisplayScope, rawSettings: unknown, locale: Locale): Promise<TvSlideData> {
	const settings = SLIDE_TYPES.goals.parse(rawSettings ?? {});
	const [goals, teams, members] = await Promise.all([
		readGoals(deps, viewer(scope.organizationId), { period: 'current' }, locale),
		listTeams(deps.db, scope.organizationId),
		listMembers(deps.db, scope.organizationId)
	]);
	const inTeams = scope.teamId ? descendantsOf(teams, [scope.teamId]) : null;
	const teamOf = new Map(members.map((m) => [m.user_id, m.team_id]));
	const hidden = await hiddenFromDisplays(deps.db, scope.organizationId);
	// Members who hide from public displays are left out with their goals.
	const active = new Set(members.filter((m) => m.status === 'active' && !hidden.has(m.user_id)).map((m) => m.user_id));
	const fits = goals.filter((g) => {
		if (settings.measure && g.measure.key !== settings.measure) return false;
		if (g.owner.kind === 'member') return active.has(g.owner.id) && (!inTeams || inTeams.has(teamOf.get(g.owner.id) ?? ''));
		if (g.owner.kind === 'team') return !inTeams || inTeams.has(g.owner.id);
		return !inTeams;
	});
	const people = await peopleOf(deps.db, scope.organizationId, fits.filter((g) => g.owner.kind === 'member').map((g) => (g.owner as { id: string }).id));
	const order = { org: 0, team: 1, member: 2 } as const;
	const list: TvGoal[] = fits
		.sort((a, b) => order[a.owner.kind] - order[b.owner.kind] || b.attainment - a.attainment)
		.slice(0, Math.max(scope.topN, 3) + 2)
		.map((g) => {
			const owner =
				g.owner.kind === 'member'
					? { kind: 'member' as const, id: g.owner.id, ...(people.get(g.owner.id) ?? displayName({ name: g.owner.name })) }
					: { kind: g.owner.kind, id: g.owner.kind === 'team' ? g.owner.id : scope.organizationId, name: g.owner.name, initials: displayName({ name: g.owner.name }).initials };
			return {
				id: g.id,
				owner,
				measure: localize(g.measure.name, locale),
				unit: g.measure.unit as TvUnit,
				currency: g.measure.currency,
				target: g.target,
				actual: g.actual,
				expected: g.target > 0 ? Math.min(1, g.expected / g.target) : 0,
				pace: g.pace,
				reached: g.reached,
				remainingDays: g.remainingDays
			};
		});
	const team = scope.teamId ? (teams.find((t) => t.id === scope.teamId)?.name ?? null) : null;
	return { type: 'goals', measure: settings.measure ?? null, team, goals: list, boards: [...new Set(fits.map((g) => g.measure.key))].slice(0, 8) };
}

// ---- KPI tiles ----

const DAYS_SHOWN = 14;
const WEEKS_SHOWN = 8;

export async function kpisSlide(deps: SlideDeps, scope: DisplayScope, rawSettings: unknown, locale: Locale): Promise<TvSlideData> {
	const settings = SLIDE_TYPES.kpis.parse(rawSettings ?? {});
	const now = nowOf(deps);
	const [clock, metrics, members, teams] = await Promise.all([
		orgClock(deps.db, scope.organizationId),
		allMetrics(deps.db, scope.organizationId),
		listMembers(deps.db, scope.organizationId),
		listTeams(deps.db, scope.organizationId)
	]);
	const inTeams = scope.teamId ? descendantsOf(teams, [scope.teamId]) : null;
	const who = members.filter((m) => m.status === 'active' && (!inTeams || inTeams.has(m.team_id ?? ''))).map((m) => m.user_id);
	const usable = metrics.filter((m) => m.status === 'active' && !m.system);
	const keys = (settings.metrics?.length ? settings.metrics : [POINTS, ...usable.map((m) => m.key)]).slice(0, KPI_MAX);
	const count = settings.compare === 'day' ? DAYS_SHOWN : WEEKS_SHOWN;
	const periods: Period[] = [periodOf(settings.compare, now, clock)];
	while (periods.length < count) periods.unshift(shiftPeriod(periods[0], -1, clock));
	const tiles = await Promise.all(
		keys.map(async (key): Promise<TvKpi | null> => {
			const metric = key === POINTS ? null : usable.find((m) => m.key === key);
			if (key !== POINTS && !metric) return null;
			const totals = await dailyTotalsOfUsers(deps.db, scope.organizationId, who, metric ? metric.key : null, periods[0].start, periods[periods.length - 1].end, clock.timeZone);
			const byDay = new Map<string, number>();
			for (const rows of totals.values()) for (const r of rows) byDay.set(r.day, (byDay.get(r.day) ?? 0) + (metric ? r.value : r.points));
			const series = seriesOfPeriods(periods, byDay, clock);
			// Today (or this week) so far against the same stretch of the one before, not against all of it.
			const current = periods[periods.length - 1];
			const before = periods[periods.length - 2];
			const elapsed = Math.max(0, now.getTime() - current.start.getTime());
			const sameStretch = await totalsByUser(deps.db, scope.organizationId, { metricId: metric?.id ?? null, start: before.start, end: new Date(Math.min(before.end.getTime(), before.start.getTime() + elapsed)), userIds: who });
			return {
				key,
				name: metric ? localize(metric.name, locale) : translate(locale, 'tv.kpis.points'),
				unit: metric ? (metric.unit as TvUnit) : 'points',
				currency: metric?.currency ?? null,
				current: series[series.length - 1],
				previous: [...sameStretch.values()].reduce((a, b) => a + b, 0),
				series
			};
		})
	);
	const team = scope.teamId ? (teams.find((t) => t.id === scope.teamId)?.name ?? null) : null;
	const shown = tiles.filter((t): t is TvKpi => t !== null);
	return { type: 'kpis', compare: settings.compare, team, tiles: shown, boards: shown.map((t) => t.key) };
}

/** Each period's total from the local days it contains. */
export function seriesOfPeriods(periods: Period[], byDay: Map<string, number>, clock: OrgClock): number[] {
	const out = periods.map(() => 0);
	for (const [day, value] of byDay) {
		// Noon of the local day is inside it whatever the offset.
		const at = dayNoon(day, clock);
		const i = periods.findIndex((p) => at >= p.start.getTime() && at < p.end.getTime());
		if (i >= 0) out[i] += value;
	}
	return out;
}

function dayNoon(day: string, clock: OrgClock): number {
	const p = periodOf('day', Date.parse(`${day}T12:00:00Z`), clock);
	// The UTC noon may fall on the day before or after in far time zones: step to the right local day.
	if (p.key === day) return (p.start.getTime() + p.end.getTime()) / 2;
	const other = shiftPeriod(p, p.key < day ? 1 : -1, clock);
	return (other.start.getTime() + other.end.getTime()) / 2;
}
