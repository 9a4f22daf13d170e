// The rebuild's fold: an organization's daily totals (one row per metric, rep and team, with its days)
// rolled up into every board the daily-totals families keep, in parts, without a per-event pass.
// It must give exactly the boards that applying each event would (a property test checks it).
import { periodKeysOfLocalDate, type BoardEntry } from '../../shared/scoring';
import { periodRetention, WINDOWS, type OrgClock } from '../../shared/time-windows';
import { encodeBoardKey } from '../../shared/boards/identity';
import { catalog, type DailyTotalsTarget } from './boards/catalog';
import type { DailyTotalsRow } from './event.repository';

/**
 * Every board of an org from its daily totals (see dailyTotals), for every period the live store keeps
 * at `now` (see periodRetention), in parts: the users boards' entries every 100,000 or so (each part holds users no other part
 * holds), the teams boards at the end. Where a metric's sums go is the catalog's (`targets`: each
 * daily-totals family's boards, with the measure, scopes and windows they count); members who do not
 * compete (`competes`) get no users-board entries, and their teams keep their totals, as in apply.
 * Rows come ordered by user, each (metric, user, team) with its days in date order, so:
 * - each window's periods come in runs of days: a run is summed locally and added once per target;
 * - a user's entries on every users board are summed in flat arrays indexed by board and appended
 *   when the next user starts, so the large users boards are never searched by member;
 * - only the teams boards (few members each) are maps.
 */
export function* foldDailyTotals(
	rows: DailyTotalsRow[],
	clock: OrgClock,
	partSize = 100_000,
	now: Date | number = Date.now(),
	competes: (userId: string) => boolean = () => true,
	targets: (metricKey: string) => DailyTotalsTarget[] = catalog.dailyTotalsTargets
): Generator<[string, BoardEntry[]]> {
	const W = WINDOWS.length;
	const keys: string[] = [];
	const lists: BoardEntry[][] = [];
	const teamBoards: (Map<string, BoardEntry> | null)[] = [];
	const idOfKey = new Map<string, number>();
	const { keptFrom } = periodRetention(now, clock);
	const boardId = (board: string, scope: 'users' | 'teams', w: number, period: string) => {
		const key = encodeBoardKey({ board, scope, window: WINDOWS[w], period });
		let id = idOfKey.get(key);
		if (id === undefined) {
			id = keys.length;
			idOfKey.set(key, id);
			keys.push(key);
			lists.push([]);
			teamBoards.push(scope === 'teams' ? new Map() : null);
		}
		return id;
	};
	// Per metric, its targets' measures (1: value, 0: points); per (metric, local day): the period of each
	// window as a small number (-1: a period the live store no longer keeps, see periodRetention), and
	// per (window, target) the users and teams board ids (-1: the target has no such board).
	interface Plan {
		T: number;
		list: DailyTotalsTarget[];
		measure: Uint8Array;
		byDay: Map<number, { period: Int32Array; boards: Int32Array }>;
	}
	const plans = new Map<string, Plan>();
	const periodIds = WINDOWS.map(() => new Map<string, number>());
	const planOf = (metric: string): Plan => {
		let plan = plans.get(metric);
		if (!plan) {
			const list = targets(metric);
			plan = { T: list.length, list, measure: Uint8Array.from(list, (t) => (t.measure === 'value' ? 1 : 0)), byDay: new Map() };
			plans.set(metric, plan);
		}
		return plan;
	};
	const dayOf = (plan: Plan, day: number) => {
		let found = plan.byDay.get(day);
		if (!found) {
			const list = plan.list;
			const date = new Date(day * 86_400_000);
			const periods = periodKeysOfLocalDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), clock.weekStart);
			const period = new Int32Array(W);
			const boards = new Int32Array(2 * W * plan.T).fill(-1);
			WINDOWS.forEach((window, w) => {
				const key = periods[window];
				if (key < keptFrom[w]) {
					period[w] = -1;
					return;
				}
				let pid = periodIds[w].get(key);
				if (pid === undefined) periodIds[w].set(key, (pid = periodIds[w].size));
				period[w] = pid;
				list.forEach((t, i) => {
					if (!t.windows.includes(window)) return;
					if (t.scopes.includes('users')) boards[2 * (w * plan.T + i)] = boardId(t.board, 'users', w, key);
					if (t.scopes.includes('teams')) boards[2 * (w * plan.T + i) + 1] = boardId(t.board, 'teams', w, key);
				});
			});
			plan.byDay.set(day, (found = { period, boards }));
		}
		return found;
	};
	// The current user's sums per users board (a tie of 0: not touched yet).
	let userScore = new Float64Array(1024);
	let userTie = new Float64Array(1024);
	const touched: number[] = [];
	function* usersPart(): Generator<[string, BoardEntry[]]> {
		for (let id = 0; id < keys.length; id++) {
			if (lists[id].length === 0) continue;
			yield [keys[id], lists[id]];
			lists[id] = [];
		}
	}
	const addUser = (id: number, score: number, tie: number) => {
		if (id >= userTie.length) {
			const grow = (a: Float64Array) => {
				const b = new Float64Array(Math.max(2 * a.length, id + 1));
				b.set(a);
				return b;
			};
			userScore = grow(userScore);
			userTie = grow(userTie);
		}
		if (userTie[id] === 0) touched.push(id);
		userScore[id] += score;
		if (tie > userTie[id]) userTie[id] = tie;
	};
	const addTeam = (id: number, team: string, score: number, tie: number) => {
		const board = teamBoards[id]!;
		const entry = board.get(team);
		if (entry) {
			entry.score += score;
			if (tie > entry.tie) entry.tie = tie;
		} else board.set(team, { member: team, score, tie });
	};
	let pending = 0;
	const flushUser = (user: string) => {
		pending += touched.length;
		for (const id of touched) {
			lists[id].push({ member: user, score: userScore[id], tie: userTie[id] });
			userScore[id] = 0;
			userTie[id] = 0;
		}
		touched.length = 0;
	};

	// Per window: the period of the run of days being summed (-2: no run yet) and its boards.
	const runPeriod = new Int32Array(W);
	const runBoards: (Int32Array | null)[] = new Array(W).fill(null);
	const points = new Float64Array(W);
	const value = new Float64Array(W);
	const tiePoints = new Float64Array(W);
	const tieValue = new Float64Array(W);
	let user: string | null = null;
	let userCompetes = true;
	for (const row of rows) {
		if (row.user_id !== user) {
			if (user !== null) flushUser(user);
			user = row.user_id;
			userCompetes = competes(user);
			if (pending >= partSize) {
				yield* usersPart();
				pending = 0;
			}
		}
		const team = row.team_id;
		const plan = planOf(row.metric_key);
		const T = plan.T;
		if (T === 0 || (!team && !userCompetes)) continue;
		const measure = plan.measure;
		const emit = (w: number) => {
			if (runPeriod[w] < 0) return;
			const b = runBoards[w]!;
			for (let t = 0; t < T; t++) {
				const byValue = measure[t] === 1;
				const tie = byValue ? tieValue[w] : tiePoints[w];
				if (tie <= 0) continue;
				const score = byValue ? value[w] : points[w];
				const u = b[2 * (w * T + t)];
				if (u >= 0 && userCompetes) addUser(u, score, tie);
				const tm = b[2 * (w * T + t) + 1];
				if (team && tm >= 0) addTeam(tm, team, score, tie);
			}
		};
		runPeriod.fill(-2);
		const days = row.days;
		let at = 0;
		while (at < days.length) {
			let end = days.indexOf(';', at);
			if (end < 0) end = days.length;
			const c1 = days.indexOf(',', at);
			const c2 = days.indexOf(',', c1 + 1);
			const c3 = days.indexOf(',', c2 + 1);
			const c4 = days.indexOf(',', c3 + 1);
			const day = Number(days.slice(at, c1));
			const dayValue = Number(days.slice(c1 + 1, c2));
			const dayPoints = Number(days.slice(c2 + 1, c3));
			const dayTiePoints = Number(days.slice(c3 + 1, c4));
			const dayTieValue = Number(days.slice(c4 + 1, end));
			at = end + 1;
			const { period, boards } = dayOf(plan, day);
			for (let w = 0; w < W; w++) {
				// A new period of this window ends the run (periods no longer kept make one run, which emit skips).
				if (period[w] !== runPeriod[w]) {
					if (runPeriod[w] !== -2) emit(w);
					runPeriod[w] = period[w];
					runBoards[w] = boards;
					points[w] = value[w] = tiePoints[w] = tieValue[w] = 0;
				}
				if (dayTiePoints > 0) {
					points[w] += dayPoints;
					if (dayTiePoints > tiePoints[w]) tiePoints[w] = dayTiePoints;
				}
				if (dayTieValue > 0) {
					value[w] += dayValue;
					if (dayTieValue > tieValue[w]) tieValue[w] = dayTieValue;
				}
			}
		}
		for (let w = 0; w < W; w++) if (runPeriod[w] !== -2) emit(w);
	}
	if (user !== null) flushUser(user);
	yield* usersPart();
	for (let id = 0; id < keys.length; id++) {
		const board = teamBoards[id];
		if (board && board.size > 0) yield [keys[id], [...board.values()]];
	}
}
