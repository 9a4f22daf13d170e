// A rep's form on a board, for the leaderboard's flair: their streak (working days in a row with a score
// on the board, weekends and the organization's holidays neither counting nor breaking it) and their
// personal best (their highest total of an earlier period of the board's window, over the last year).
// Both are read from the event log up to the start of today and cached briefly; the page adds today
// from the live board, so a rep who scores their first point of the day sees the flame grow at once.
import type { Db } from '../db';
import { holidaysOf } from '../org/holiday.repository';
import { cacheNow, processMap } from '../platform/process-cache';
import { orgClock } from './live.service';
import { dailyTotalsOfUsers } from './event.repository';
import { periodOf, type OrgClock, type WindowKind } from '../../shared/time-windows';
import { POINTS_BOARD } from '../../shared/boards/identity';
import { isWorkingDay, streakEndingOn, dayKey, dayNumber } from '../../shared/streaks';
import type { BoardForm } from '../../shared/scoring';

/** Windows a personal best is kept for: a year holds enough of their earlier periods to compare with. */
const BEST_WINDOWS: readonly WindowKind[] = ['day', 'week', 'month', 'quarter'];
const YEAR_MS = 371 * 86_400_000;
/** Streaks read this far back: past it, a streak shows as this long (a flame says "on fire", not a count to the day). */
export const STREAK_DAYS = 60;
export const FORM_TTL_MS = 60_000;

const cache = processMap<string, { at: number; form: Promise<BoardForm> }>('board-form');

/**
 * The form of these members on a board (POINTS_BOARD or a metric's key) for its window, as of the start of
 * today: `streak` counts working days up to yesterday, `best` is the best earlier period (null if none
 * scored). `todayCounts` says whether today is a working day (a score today adds one to the streak).
 */
export async function boardForm(db: Db, organizationId: string, board: string, window: WindowKind, userIds: readonly string[], now = new Date()): Promise<BoardForm> {
	const clock = await orgClock(db, organizationId);
	const today = periodOf('day', now, clock);
	const key = `${organizationId}|${board}|${window}|${today.key}|${[...userIds].sort().join(',')}`;
	const hit = cache.get(key);
	if (hit && cacheNow() - hit.at < FORM_TTL_MS) return hit.form;
	const form = read(db, organizationId, board, window, userIds, now, clock);
	cache.set(key, { at: cacheNow(), form });
	form.catch(() => cache.delete(key));
	if (cache.size > 500) for (const [k, v] of cache) if (cacheNow() - v.at >= FORM_TTL_MS) cache.delete(k);
	return form;
}

async function read(db: Db, organizationId: string, board: string, window: WindowKind, userIds: readonly string[], now: Date, clock: OrgClock): Promise<BoardForm> {
	const today = periodOf('day', now, clock);
	const calendar = { holidays: new Set((await holidaysOf(db, organizationId)).map((h) => h.day)) };
	const out: BoardForm = { todayCounts: isWorkingDay(today.key, calendar), members: {} };
	if (userIds.length === 0) return out;
	const withBest = BEST_WINDOWS.includes(window);
	const current = periodOf(window, now, clock);
	const streakFrom = today.start.getTime() - STREAK_DAYS * 86_400_000;
	const from = new Date(withBest ? Math.min(streakFrom, current.start.getTime() - YEAR_MS) : streakFrom);
	const metricKey = board === POINTS_BOARD ? null : board;
	const days = await dailyTotalsOfUsers(db, organizationId, userIds, metricKey, from, today.start, clock.timeZone);
	const yesterday = dayKey(dayNumber(today.key) - 1);
	const floor = dayKey(dayNumber(today.key) - STREAK_DAYS);
	for (const userId of userIds) {
		const history = days.get(userId) ?? [];
		const score = (d: (typeof history)[number]) => (metricKey === null ? d.points : d.value);
		const byDay = new Map<string, number>();
		for (const d of history) byDay.set(d.day, score(d));
		// "A score" is more than nothing: any point (or any of the metric) on the day.
		const streak = streakEndingOn(byDay, yesterday, Number.MIN_VALUE, calendar, floor).length;
		let best: number | null = null;
		if (withBest) {
			const totals = new Map<string, number>();
			for (const d of history) {
				if (d.at < current.start) {
					const key = window === 'day' ? d.day : periodOf(window, d.at, clock).key;
					totals.set(key, (totals.get(key) ?? 0) + score(d));
				}
			}
			for (const total of totals.values()) if (total > 0 && (best === null || total > best)) best = total;
		}
		if (streak > 0 || best !== null) out.members[userId] = { streak, best };
	}
	return out;
}
