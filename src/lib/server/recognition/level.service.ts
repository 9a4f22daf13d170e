// Levels: lifetime points map to the organization's named levels (the defaults until an admin names
// their own). Reaching a level is recorded once per member and level (a unique key), and only the
// insert that happened announces the 'level_up' moment, whatever the number of processes.
import type { Db } from '../db';
import type { Actor } from '../org/actor';
import { accessOf } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { AppError, forbidden } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { cacheNow, processMap } from '../platform/process-cache';
import { coalescer } from '../platform/coalesce';
import { DEFAULT_LEVELS, levelOf, levelsInputSchema, type LevelDefinition } from '../../shared/badges';
import type { ScoredEvent } from '../../shared/scoring';
import type { RecognitionMoment } from '../../shared/recognition';
import { insertLevelsReached, levelsOf, lifetimePoints, membersOf, replaceLevels } from './badge.repository';
import type { EngineDeps } from './badge.engine';
import type { LiveStore } from '../live/store';
import { encodeBoardKey } from '../../shared/boards/identity';
import { POINTS_BOARD } from '../../shared/scoring';

const levelCache = processMap<string, { levels: LevelDefinition[]; at: number }>('badge-levels');
/** The highest level this process knows each member reached: skips the insert when nothing changed. */
const reachedCache = processMap<string, number>('badge-levels-reached');

export async function orgLevels(db: Db, organizationId: string): Promise<LevelDefinition[]> {
	const cached = levelCache.get(organizationId);
	if (cached && cacheNow() - cached.at < 2_000) return cached.levels;
	const rows = await levelsOf(db, organizationId);
	const levels = rows.length ? rows.map((r) => ({ number: r.number, name: r.name, threshold: Number(r.threshold) })) : DEFAULT_LEVELS;
	levelCache.set(organizationId, { levels, at: cacheNow() });
	return levels;
}

const ALL_TIME_POINTS = encodeBoardKey({ board: POINTS_BOARD, scope: 'users', window: 'all', period: 'all' });

/**
 * Lifetime points: read from the live all-time points board (one round trip, whatever the history),
 * and summed from the event log only for members absent from it (who do not compete on the boards, or
 * a live store being rebuilt) or when the live store cannot answer.
 */
export async function lifetimeOf(db: Db, live: LiveStore | undefined, organizationId: string, userIds: string[]): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	if (userIds.length === 0) return out;
	const entries = live ? await live.entries(organizationId, ALL_TIME_POINTS, userIds).catch(() => null) : null;
	const missing: string[] = [];
	userIds.forEach((id, i) => {
		const entry = entries?.[i];
		if (entry) out.set(id, entry.score);
		else missing.push(id);
	});
	if (missing.length) for (const [id, points] of await lifetimePoints(db, organizationId, missing)) out.set(id, points);
	return out;
}

/** A member's level and progress from their lifetime points. */
export async function levelOfMember(db: Db, organizationId: string, userId: string, live?: LiveStore) {
	const [levels, points] = await Promise.all([orgLevels(db, organizationId), lifetimeOf(db, live, organizationId, [userId])]);
	const total = points.get(userId) ?? 0;
	return { points: total, ...levelOf(levels, total) };
}

/** Levels of several members (the level pills beside names). */
export async function levelsOfMembers(db: Db, organizationId: string, userIds: string[], live?: LiveStore) {
	const [levels, points] = await Promise.all([orgLevels(db, organizationId), lifetimeOf(db, live, organizationId, userIds)]);
	return new Map(userIds.map((id) => [id, levelOf(levels, points.get(id) ?? 0).level]));
}

/** Every member's level above the first, by id (the level pills beside names on the boards). */
export async function memberLevels(db: Db, organizationId: string, live?: LiveStore): Promise<Record<string, { number: number; name: LevelDefinition['name'] }>> {
	const ids = (await membersOf(db, organizationId)).map((m) => m.user_id);
	const levels = await levelsOfMembers(db, organizationId, ids, live);
	const out: Record<string, { number: number; name: LevelDefinition['name'] }> = {};
	for (const [id, level] of levels) if (level.number > 1) out[id] = { number: level.number, name: level.name };
	return out;
}

/** Records the levels the members of these events reached, and announces each member's new highest. */
export async function evaluateLevels(deps: EngineDeps, organizationId: string, events: readonly ScoredEvent[]) {
	const userIds = [...new Set(events.filter((e) => e.points !== 0).map((e) => e.userId))];
	if (userIds.length === 0) return;
	return queueLevels(deps, organizationId, userIds);
}

/** How often, at most, an organization's members' levels are looked at during a burst of events. */
export const LEVELS_EVERY_MS = 250;
/**
 * Leading edge (platform/coalesce.ts), as for contest moments: after a quiet spell the members are looked
 * at at once; during a burst of single events, once per LEVELS_EVERY_MS for everyone who scored meanwhile
 * (one store read, not one per event). The promise settles once these members were looked at.
 */
const levelChecks = coalescer<{ deps?: EngineDeps; users: Set<string> }>(LEVELS_EVERY_MS, () => ({ users: new Set() }), (organizationId, batch) =>
	checkLevels(batch.deps!, organizationId, [...batch.users])
);

function queueLevels(deps: EngineDeps, organizationId: string, userIds: string[]) {
	return levelChecks(organizationId, (batch) => {
		batch.deps = deps;
		for (const id of userIds) batch.users.add(id);
	});
}

async function checkLevels(deps: EngineDeps, organizationId: string, userIds: string[]) {
	const [levels, points] = await Promise.all([orgLevels(deps.db, organizationId), lifetimeOf(deps.db, deps.live, organizationId, userIds)]);
	const now = deps.clock.now();
	const ups: { userId: string; level: LevelDefinition }[] = [];
	for (const userId of userIds) {
		const { level } = levelOf(levels, points.get(userId) ?? 0);
		const cacheKey = `${organizationId}|${userId}`;
		if (level.number <= 1 || (reachedCache.get(cacheKey) ?? 0) >= level.number) continue;
		const numbers = levels.filter((l) => l.number > 1 && l.number <= level.number).map((l) => l.number);
		const inserted = await insertLevelsReached(deps.db, organizationId, userId, numbers, now);
		reachedCache.set(cacheKey, level.number);
		if (inserted.includes(level.number)) ups.push({ userId, level });
	}
	if (ups.length === 0) return;
	const names = new Map((await membersOf(deps.db, organizationId, ups.map((u) => u.userId))).map((m) => [m.user_id, m.name]));
	for (const up of ups) {
		const moment: RecognitionMoment = {
			id: `level:${up.userId}:${up.level.number}`,
			type: 'level_up',
			organizationId,
			user: { id: up.userId, name: names.get(up.userId) ?? '' },
			at: now.toISOString(),
			level: { number: up.level.number, name: up.level.name }
		};
		deps.events.emit('recognition.moment', { organizationId, moment });
	}
}

/** Admins name the levels and their thresholds: the first starts at 0, each above the one before. */
export async function saveLevels(db: Db, actor: Actor, input: unknown) {
	const access = await accessOf(db, actor);
	if (!access.isAdmin) throw forbidden();
	const { levels } = parseInput(levelsInputSchema, input);
	if (levels[0].threshold !== 0) throw new AppError(400, 'validation.levelsFirst', undefined, 'levels');
	for (let i = 1; i < levels.length; i++) if (levels[i].threshold <= levels[i - 1].threshold) throw new AppError(400, 'validation.levelsOrder', undefined, 'levels');
	await db.transaction().execute(async (trx) => {
		await replaceLevels(trx, actor.organizationId, levels.map((l, i) => ({ number: i + 1, name: JSON.stringify(l.name), threshold: l.threshold })));
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'levels.update', data: { levels } });
	});
	levelCache.delete(actor.organizationId);
}
