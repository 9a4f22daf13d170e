// The home page: one read of what a rep needs each morning (today's figures against yesterday, the
// month's rank and its change since yesterday, goal pace, contests, training due, recent kudos and
// badges, what to do next), or a leader's team version (who is behind pace, overdue training, live
// contests, proposals waiting). Every figure comes from the services that own it, read as this actor
// may see it; nothing here is stored.
import type { Db } from '../db';
import { openAppealsToResolve } from '../coaching/appeal.service';
import { openFlagsToReview } from '../coaching/flags.service';
import { reviewNextUp } from '../coaching/review.service';
import type { LiveStore } from '../live/store';
import type { DomainEventBus } from '../platform/events';
import type { Scheduler } from '../platform/scheduler';
import type { Actor } from '../org/actor';
import type { Locale } from '../../i18n';
import { accessOf } from '../org/access';
import { listMembers } from '../org/membership.repository';
import { holidaysOf } from '../org/holiday.repository';
import { activeMetrics } from '../scoring/activity.service';
import { readBoard } from '../scoring/board.service';
import { lensFor } from '../transparency/transparency.service';
import { orgClock } from '../scoring/live.service';
import { dailyTotalsOfUsers } from '../scoring/event.repository';
import { readGoals } from '../goals/goal.service';
import { getContest, listContests } from '../contests/contest.service';
import { listContestRows } from '../contests/contest.repository';
import { assignmentsOf, teamReport } from '../training/training.service';
import { allowanceOf, kudosReceived } from '../recognition/kudos.service';
import { recentMoments } from '../recognition/feed.service';
import { localize } from '../../shared/localized';
import { encodeBoardKey, POINTS_BOARD } from '../../shared/boards/identity';
import { periodOf, type OrgClock } from '../../shared/time-windows';
import { gapToNext, rankChange, type HomeContest, type HomeDuel, type HomeFigure, type HomeRank, type HomeView } from '../../shared/home';
import type { GoalView } from '../../shared/goals/goals';

export interface HomeDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
	scheduler: Scheduler;
}

const DAY_MS = 86_400_000;
const TREND_DAYS = 14;
/** Past this many members, yesterday's rank is not worked out (it reads the whole board). */
const RANK_CHANGE_MAX_MEMBERS = 5000;
const PACE_ORDER = { behind: 0, at_risk: 1, on_track: 2 } as const;

/** The day before `day` (DST-safe: the instant just before the day began). */
const dayBefore = (day: { start: Date }, clock: OrgClock) => periodOf('day', new Date(day.start.getTime() - 1), clock);

/** Sums of each board's day periods (today and yesterday) over these members, from the live store. */
async function dayFigures(deps: HomeDeps, organizationId: string, clock: OrgClock, now: Date, members: string[]): Promise<{ figures: HomeFigure[]; perMemberToday: Map<string, number> }> {
	const today = periodOf('day', now, clock);
	const yesterday = dayBefore(today, clock);
	const metrics = await activeMetrics(deps.db, organizationId);
	const boards: { key: string; name: HomeFigure['name']; unit: HomeFigure['unit']; currency: string | null }[] = [
		{ key: POINTS_BOARD, name: null, unit: 'points', currency: null },
		...metrics.map((m) => ({ key: m.key, name: m.name, unit: m.unit as HomeFigure['unit'], currency: m.currency }))
	];
	const perMemberToday = new Map<string, number>();
	const figures = await Promise.all(
		boards.map(async (b) => {
			const read = (period: string) => (members.length ? deps.live.entries(organizationId, encodeBoardKey({ board: b.key, scope: 'users', window: 'day', period }), members) : Promise.resolve([]));
			const [now_, before] = await Promise.all([read(today.key), read(yesterday.key)]);
			if (b.key === POINTS_BOARD) for (const e of now_) if (e && e.score !== 0) perMemberToday.set(e.member, e.score);
			const sum = (rows: typeof now_) => rows.reduce((s, e) => s + (e?.score ?? 0), 0);
			return { key: b.key, name: b.name, unit: b.unit, currency: b.currency, today: sum(now_), yesterday: sum(before) } satisfies HomeFigure;
		})
	);
	return { figures, perMemberToday };
}

/** Points per local day over the last two weeks, summed over these members. */
async function trendOf(db: Db, organizationId: string, clock: OrgClock, now: Date, members: string[]) {
	const today = periodOf('day', now, clock);
	const days: string[] = [];
	let day = today;
	for (let i = 0; i < TREND_DAYS; i++) {
		days.unshift(day.key);
		if (i < TREND_DAYS - 1) day = dayBefore(day, clock);
	}
	const totals = await dailyTotalsOfUsers(db, organizationId, members, null, day.start, today.end, clock.timeZone);
	const byDay = new Map<string, number>();
	for (const rows of totals.values()) for (const r of rows) byDay.set(r.day, (byDay.get(r.day) ?? 0) + Number(r.points));
	return days.map((d) => ({ day: d, points: byDay.get(d) ?? 0 }));
}

/** The member's place on the month's points board, the change since yesterday and who is next above. */
async function rankOf(deps: HomeDeps, actor: Actor, email: string, clock: OrgClock, now: Date): Promise<HomeRank> {
	const board = await readBoard(deps, actor.organizationId, { board: POINTS_BOARD, scope: 'users', window: 'month', limit: 1, around: email }, now);
	const me = board.around?.find((r) => r.id === actor.userId) ?? null;
	const out: HomeRank = { board: POINTS_BOARD, window: 'month', rank: me?.rank ?? null, of: board.total, score: me?.score ?? 0, yesterday: null, next: null };
	// readBoard reads every value (no lens): the scores below are numbers.
	if (!me) return out;
	const above = board.around!.filter((r) => r.score! > me.score!);
	const gap = gapToNext(above.map((r) => r.score!), me.score!);
	const nextUp = above.length ? above[above.length - 1] : null;
	// Transparency: a rep shown only ranks is told whom to pass, not by how much; one shown only the top N
	// with no neighbourhood is not told who is just above unless that member is in the top N.
	const lens = await lensFor(deps.db, actor.organizationId, actor);
	const visible = lens.kind === 'full' || !nextUp || lens.topN === null || lens.neighbours > 0 || nextUp.rank <= lens.topN;
	if (gap !== null && nextUp && visible) out.next = { name: nextUp.name, gap: lens.kind === 'limited' && !lens.values ? null : gap };
	const today = periodOf('day', now, clock);
	if (board.total > RANK_CHANGE_MAX_MEMBERS || today.start.getTime() <= Date.parse(board.window.start)) return out;
	const month = await deps.live.top(actor.organizationId, encodeBoardKey({ board: POINTS_BOARD, scope: 'users', window: 'month', period: board.window.key }), board.total);
	const members = month.map((e) => e.member);
	const day = await deps.live.entries(actor.organizationId, encodeBoardKey({ board: POINTS_BOARD, scope: 'users', window: 'day', period: today.key }), members);
	const change = rankChange(
		new Map(month.map((e) => [e.member, e.score])),
		new Map(day.filter((e) => e !== null).map((e) => [e!.member, e!.score])),
		actor.userId
	);
	out.yesterday = change?.yesterday ?? null;
	return out;
}

/** Live contests the reader takes part in (or, for a leader, every live one), with their place. */
async function contestsOf(deps: HomeDeps, actor: Actor, locale: Locale, teamIds: string[], everyLive: boolean): Promise<HomeContest[]> {
	const live = (await listContests(deps, actor, { status: 'live' }, locale)).filter((c) => everyLive || c.mine);
	const views = await Promise.all(live.slice(0, 6).map((c) => getContest(deps, actor, c.id, locale)));
	return views.map((v) => {
		const mine = v.standings.find((s) => s.id === actor.userId || teamIds.includes(s.id) || s.id === actor.organizationId) ?? null;
		return {
			id: v.id,
			name: v.name,
			format: v.format,
			endsAt: v.endsAt,
			participantCount: v.participantCount,
			leader: v.leader,
			you: mine
				? {
						rank: mine.rank,
						score: mine.score ?? 0,
						progress: mine.progress ?? null,
						// Unknown when the others' values are masked (transparency).
						gap: v.standings.every((s) => s.score !== null) ? gapToNext(v.standings.map((s) => s.score!), mine.score ?? 0) : null
					}
				: null
		};
	});
}

/** Duels waiting for the reader's answer. */
async function duelsOf(db: Db, actor: Actor, locale: Locale): Promise<HomeDuel[]> {
	const drafts = await listContestRows(db, actor.organizationId, ['draft']);
	const waiting = drafts.filter((r) => {
		const duel = (r.options as { duel?: { opponent?: string; answer?: string } }).duel;
		return r.format === 'duel' && duel?.opponent === actor.userId && duel.answer === 'pending';
	});
	if (waiting.length === 0) return [];
	const names = new Map((await listMembers(db, actor.organizationId)).map((m) => [m.user_id, m.name]));
	return waiting.map((r) => ({ id: r.id, name: localize(r.name, locale), challenger: names.get(r.created_by ?? '') ?? '' }));
}

export async function homeOf(deps: HomeDeps, actor: Actor, locale: Locale, now: Date = deps.scheduler.clock.now()): Promise<HomeView> {
	const db = deps.db;
	const org = actor.organizationId;
	const [clock, access, roster, holidayRows] = await Promise.all([orgClock(db, org), accessOf(db, actor), listMembers(db, org), holidaysOf(db, org)]);
	const holidays = holidayRows.map((h) => String(h.day).slice(0, 10));
	const self = roster.find((m) => m.user_id === actor.userId);
	const myTeam = self?.team_id ?? null;
	const since = new Date(now.getTime() - 14 * DAY_MS);

	if (actor.role === 'rep') {
		const me = [actor.userId];
		const [day, trend, rank, goals, contests, duels, training, kudos, badges, allowance, reviews] = await Promise.all([
			dayFigures(deps, org, clock, now, me),
			trendOf(db, org, clock, now, me),
			rankOf(deps, actor, self?.email ?? '', clock, now),
			readGoals({ ...deps, now: () => now }, actor, { owner: actor.userId, period: 'current' }, locale),
			contestsOf(deps, actor, locale, myTeam ? [myTeam] : [], false),
			duelsOf(db, actor, locale),
			assignmentsOf(db, org, actor.userId, now),
			kudosReceived(db, actor, me, since, 4),
			recentMoments(db, org, new Date(now.getTime() - 30 * DAY_MS), 6, me),
			allowanceOf(db, actor, now),
			reviewNextUp(db, actor, now)
		]);
		return {
			kind: 'rep',
			holidays,
			figures: day.figures,
			trend,
			rank,
			goals: goals.filter((g) => g.status === 'active'),
			contests,
			duels,
			training: training.filter((a) => a.state !== 'completed'),
			reviews,
			kudos,
			badges: badges.filter((b) => b.type === 'badge_awarded' || b.type === 'level_up'),
			kudosLeft: allowance.remaining,
			team: null
		};
	}

	// Leaders: the reps of the teams they manage; admins: every rep.
	const scope = access.managedTeamIds();
	const reps = roster.filter((m) => m.role === 'rep' && m.status === 'active' && (scope === 'all' || (m.team_id !== null && scope.has(m.team_id))));
	const repIds = reps.map((m) => m.user_id);
	const teamIds = scope === 'all' ? [] : [...scope];
	const [day, trend, goals, contests, duels, report, kudos, badges, allowance, appeals, flags, reviews] = await Promise.all([
		dayFigures(deps, org, clock, now, repIds),
		trendOf(db, org, clock, now, repIds),
		readGoals({ ...deps, now: () => now }, actor, { period: 'current', statuses: ['active', 'proposed'] }, locale),
		contestsOf(deps, actor, locale, myTeam ? [myTeam, ...teamIds] : teamIds, true),
		duelsOf(db, actor, locale),
		teamReport(db, actor, {}, now),
		kudosReceived(db, actor, repIds, since, 4),
		recentMoments(db, org, new Date(now.getTime() - 14 * DAY_MS), 6, repIds),
		allowanceOf(db, actor, now),
		openAppealsToResolve(db, actor),
		openFlagsToReview(db, actor),
		reviewNextUp(db, actor, now)
	]);
	const repSet = new Set(repIds);
	const isRepGoal = (g: GoalView) => g.owner.kind === 'member' && repSet.has(g.owner.id);
	const active = goals.filter((g) => g.status === 'active');
	const behind = active
		.filter((g) => isRepGoal(g) && !g.reached && !g.final && g.pace !== 'on_track')
		.sort((a, b) => PACE_ORDER[a.pace] - PACE_ORDER[b.pace] || a.attainment - b.attainment);
	// The team's own goals (and the organization's) lead; reps' goals are summarized by who is behind.
	const shared = active.filter((g) => g.owner.kind === 'org' || (g.owner.kind === 'team' && (scope === 'all' || scope.has(g.owner.id))));
	const names = new Map(reps.map((m) => [m.user_id, m.name]));
	const movers = [...day.perMemberToday]
		.filter(([id, points]) => repSet.has(id) && points > 0)
		.sort((a, b) => b[1] - a[1])
		.slice(0, 5)
		.map(([id, points]) => ({ id, name: names.get(id) ?? '', today: points }));
	return {
		kind: 'team',
		holidays,
		figures: day.figures,
		trend,
		rank: null,
		goals: shared,
		contests,
		duels,
		training: [],
		reviews,
		kudos,
		badges: badges.filter((b) => b.type === 'badge_awarded' || b.type === 'level_up'),
		kudosLeft: allowance.remaining,
		team: {
			members: reps.length,
			memberIds: repIds,
			activeToday: [...day.perMemberToday.keys()].filter((id) => repSet.has(id)).length,
			behind: behind.slice(0, 8),
			overdue: report.flatMap((t) => t.rows.filter((r) => r.overdue)).sort((a, b) => a.dueOn.localeCompare(b.dueOn)).slice(0, 8),
			proposals: goals.filter((g) => g.status === 'proposed' && g.can.decide).length,
			appeals,
			flags,
			movers
		}
	};
}
