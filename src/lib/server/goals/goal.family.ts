// The goal board family (names in shared/goals/boards.ts): each active goal's owner on its board,
// scored in millionths of the target, counting the events that occurred in the goal's period until
// GOAL_GRACE_MS after its end. The org's goals (and its team tree, for team goals, which count the
// events logged on the team and every team below it) are loaded by prepare() and kept per process for
// GOAL_CACHE_MS, forgotten at once on goal.changed (cluster-wide).
import type { Db } from '../db';
import { cacheNow, processMap } from '../platform/process-cache';
import type { BoardFamily, BoardInfo } from '../scoring/boards/family';
import { catalog } from '../scoring/boards/catalog';
import type { Increment } from '../../shared/scoring';
import { encodeBoardKey, type Scope } from '../../shared/boards/identity';
import { isWindowKind, periodFromKey, periodOf, type OrgClock } from '../../shared/time-windows';
import { attainmentDelta, GOAL_FAMILY, GOAL_RANGE, GOAL_WINDOWS, orgBoard, parseGoalBoard, percentBoard, POINTS_MEASURE, rangeBoard } from '../../shared/goals/boards';
import { countingGoals, type GoalRow } from './goal.repository';
import { teamTree } from '../org/team.repository';
import { descendantsOf } from '../org/access';
import { activeMetrics } from '../scoring/activity.service';
import { translate } from '../../i18n';

export const GOAL_CACHE_MS = 10_000;
/** Events that occurred in a goal's period still count until this long after its end; then it is final. */
export const GOAL_GRACE_MS = 60 * 60_000;
/** A goal's boards stay readable this long after the grace (last period's attainment on the pages). */
export const GOAL_BOARD_KEEP_MS = 40 * 86_400_000;

export interface GoalDef {
	id: string;
	organizationId: string;
	ownerKind: 'org' | 'team' | 'member';
	userId: string | null;
	teamId: string | null;
	/** A team goal's team and every team below it. */
	teams: Set<string> | null;
	/** A metric key, or "points". */
	measure: string;
	target: number;
	window: 'month' | 'quarter' | 'year' | 'custom';
	periodKey: string;
	start: number;
	end: number;
}

const cache = processMap<string, { at: number; defs: GoalDef[] }>('goal-defs');

export function forgetGoals(organizationId: string) {
	cache.delete(organizationId);
}

export function measureOf(row: Pick<GoalRow, 'metric_key'>): string {
	return row.metric_key ?? POINTS_MEASURE;
}

export function toGoalDef(row: GoalRow, teams: { id: string; parent_id: string | null }[]): GoalDef {
	return {
		id: row.id,
		organizationId: row.organization_id,
		ownerKind: row.owner_kind,
		userId: row.user_id,
		teamId: row.team_id,
		teams: row.team_id ? descendantsOf(teams as Parameters<typeof descendantsOf>[0], [row.team_id]) : null,
		measure: measureOf(row),
		target: row.target,
		window: row.window,
		periodKey: row.period_key,
		start: new Date(row.starts_at).getTime(),
		end: new Date(row.ends_at).getTime()
	};
}

export async function loadGoalDefs(db: Db, organizationId: string, now = Date.now()): Promise<GoalDef[]> {
	const rows = await countingGoals(db, organizationId, new Date(now - GOAL_GRACE_MS - GOAL_BOARD_KEEP_MS));
	if (rows.length === 0) return [];
	const teams = rows.some((r) => r.team_id) ? await teamTree(db, organizationId) : [];
	return rows.map((r) => toGoalDef(r, teams));
}

/** Where a goal's owner stands: its board key and member. */
export function goalPlace(def: Pick<GoalDef, 'id' | 'ownerKind' | 'userId' | 'teamId' | 'measure' | 'window' | 'periodKey' | 'organizationId'>): { board: string; scope: Scope; window: string; period: string; member: string } {
	const member = def.ownerKind === 'member' ? def.userId! : def.ownerKind === 'team' ? def.teamId! : def.organizationId;
	const scope: Scope = def.ownerKind === 'member' ? 'users' : 'teams';
	if (def.window === 'custom') return { board: rangeBoard(def.id), scope, window: 'all', period: GOAL_RANGE, member };
	const board = def.ownerKind === 'org' ? orgBoard(def.measure) : percentBoard(def.measure);
	return { board, scope, window: def.window, period: def.periodKey, member };
}

function expiresAt(def: GoalDef): number {
	return def.end + GOAL_GRACE_MS + GOAL_BOARD_KEEP_MS;
}

function countsAt(def: GoalDef, at: number, now: number): boolean {
	return at >= def.start && at < def.end && now < def.end + GOAL_GRACE_MS;
}

/** The org's goals as this process knows them (undefined: not loaded). */
export function cachedGoalDefs(organizationId: string): GoalDef[] | undefined {
	return cache.get(organizationId)?.defs;
}

function defsOf(organizationId: string | undefined): GoalDef[] {
	return organizationId ? (cache.get(organizationId)?.defs ?? []) : [];
}

function findRange(goalId: string): GoalDef | undefined {
	for (const entry of cache.values()) {
		const def = entry.defs.find((d) => d.id === goalId);
		if (def) return def;
	}
	return undefined;
}

const metricName = (key: string, metrics: { key: string; name: Record<string, string> }[], locale: 'en' | 'zh-CN') => {
	if (key === POINTS_MEASURE) return translate(locale, 'goals.measure.points');
	const m = metrics.find((x) => x.key === key);
	return (m?.name[locale] || m?.name.en || m?.name['zh-CN'] || key) as string;
};

export const goalFamily: BoardFamily = {
	name: GOAL_FAMILY,
	async boards(db, organizationId) {
		// Asked on every board read (catalog.resolve): the cached goals while fresh (a goal's change drops them).
		const hit = cache.get(organizationId);
		let defs = hit && cacheNow() - hit.at < GOAL_CACHE_MS ? hit.defs : undefined;
		if (!defs) {
			defs = await loadGoalDefs(db, organizationId);
			cache.set(organizationId, { at: cacheNow(), defs });
		}
		if (defs.length === 0) return [];
		const metrics = (await activeMetrics(db, organizationId)) as unknown as { key: string; name: Record<string, string> }[];
		const out: BoardInfo[] = [];
		const measures = [...new Set(defs.filter((d) => d.window !== 'custom' && d.ownerKind !== 'org').map((d) => d.measure))].sort();
		for (const measure of measures) {
			out.push({
				board: percentBoard(measure),
				family: GOAL_FAMILY,
				name: {
					en: translate('en', 'goals.board.percent', { metric: metricName(measure, metrics, 'en') }),
					'zh-CN': translate('zh-CN', 'goals.board.percent', { metric: metricName(measure, metrics, 'zh-CN') })
				},
				scopes: ['users', 'teams'],
				windows: GOAL_WINDOWS,
				listed: true,
				unit: 'attainment'
			});
		}
		for (const measure of [...new Set(defs.filter((d) => d.window !== 'custom' && d.ownerKind === 'org').map((d) => d.measure))]) {
			out.push({ board: orgBoard(measure), family: GOAL_FAMILY, name: { key: 'goals.board.org' }, scopes: ['teams'], windows: GOAL_WINDOWS, listed: false, unit: 'attainment' });
		}
		for (const def of defs.filter((d) => d.window === 'custom')) {
			out.push({ board: rangeBoard(def.id), family: GOAL_FAMILY, name: { key: 'goals.board.range' }, scopes: [def.ownerKind === 'member' ? 'users' : 'teams'], windows: ['all'], listed: false, unit: 'attainment' });
		}
		return out;
	},
	async prepare(db, organizationId, { fresh }) {
		const hit = cache.get(organizationId);
		if (!fresh && hit && cacheNow() - hit.at < GOAL_CACHE_MS) return;
		cache.set(organizationId, { at: cacheNow(), defs: await loadGoalDefs(db, organizationId) });
	},
	increments(event, ctx) {
		const defs = defsOf(ctx.organizationId);
		if (defs.length === 0) return [];
		let out: Increment[] | undefined;
		const at = event.occurredAt.getTime();
		for (const def of defs) {
			if (!countsAt(def, at, ctx.now)) continue;
			const delta = def.measure === POINTS_MEASURE ? event.points : event.metricKey === def.measure ? event.value : 0;
			if (!delta) continue;
			if (def.ownerKind === 'member' ? event.userId !== def.userId : def.ownerKind === 'team' ? !event.teamId || !def.teams?.has(event.teamId) : false) continue;
			const share = attainmentDelta(delta, def.target);
			if (share === 0) continue;
			const place = goalPlace(def);
			(out ??= []).push({ key: encodeBoardKey(place), member: place.member, delta: share, expiresAt: expiresAt(def) });
		}
		return out ?? [];
	},
	currentPeriod(board, window, now, clock) {
		const parsed = parseGoalBoard(board);
		if (!parsed) return null;
		if (parsed.kind === 'range') {
			if (window !== 'all') return null;
			const def = findRange(parsed.goalId);
			const t = now.getTime();
			if (!def || t < def.start || t >= def.end + GOAL_GRACE_MS + GOAL_BOARD_KEEP_MS) return null;
			return { window: 'all', key: GOAL_RANGE, start: new Date(def.start), end: new Date(def.end) };
		}
		return isWindowKind(window) && (GOAL_WINDOWS as readonly string[]).includes(window) ? periodOf(window, now, clock) : null;
	},
	expiry(id, clock: OrgClock) {
		const parsed = parseGoalBoard(id.board);
		if (!parsed) return undefined;
		if (parsed.kind === 'range') {
			const def = findRange(parsed.goalId);
			return def ? expiresAt(def) : undefined;
		}
		if (!isWindowKind(id.window)) return undefined;
		return periodFromKey(id.window, id.period, clock).end.getTime() + GOAL_GRACE_MS + GOAL_BOARD_KEEP_MS;
	},
	rebuild: {
		source: 'events',
		since(_clock, now, organizationId) {
			const starts = defsOf(organizationId).map((d) => d.start);
			return new Date(starts.length ? Math.min(...starts) : now);
		}
	}
};

/** Puts the family in the catalog (once per process, whichever copy of the module asks). */
export function registerGoalFamily() {
	if (!catalog.family(goalFamily.name)) catalog.register(goalFamily);
}
