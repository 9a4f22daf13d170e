// The goal family's arithmetic and naming: each event adds its rounded share of the target, so that
// live sums and a replay agree, and a board's score reads back as the actual it stands for.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { actualOfScore, attainmentDelta, GOAL_SCALE, orgBoard, parseGoalBoard, percentBoard, rangeBoard } from '../../../src/lib/shared/goals/boards';
import { goalFamily, goalPlace, toGoalDef } from '../../../src/lib/server/goals/goal.family';
import type { GoalRow } from '../../../src/lib/server/goals/goal.repository';

describe('goal boards', () => {
	test('names parse back; a metric key cannot pass for an org or range board', () => {
		expect(parseGoalBoard(percentBoard('deal'))).toEqual({ kind: 'percent', measure: 'deal' });
		expect(parseGoalBoard(orgBoard('points'))).toEqual({ kind: 'org', measure: 'points' });
		expect(parseGoalBoard(rangeBoard('5b7e'))).toEqual({ kind: 'range', goalId: '5b7e' });
		expect(parseGoalBoard('goal:')).toBeNull();
		expect(parseGoalBoard('goal:org.')).toBeNull();
		expect(parseGoalBoard('contest:x')).toBeNull();
		expect(parseGoalBoard('goal:a.b')).toBeNull();
	});

	test('shares of whole values add up to the actual, whatever the target and the order', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 100_000 }), fc.array(fc.integer({ min: -50, max: 500 }), { maxLength: 60 }), (target, deltas) => {
				const score = deltas.reduce((sum, d) => sum + attainmentDelta(d, target), 0);
				const reversed = [...deltas].reverse().reduce((sum, d) => sum + attainmentDelta(d, target), 0);
				expect(score).toBe(reversed);
				const actual = deltas.reduce((a, b) => a + b, 0);
				// Each share is off by at most half a millionth of the target.
				expect(Math.abs((score * target) / GOAL_SCALE - actual)).toBeLessThanOrEqual((deltas.length * target) / GOAL_SCALE / 2 + 1e-9);
				if (target <= 1000 && deltas.length <= 60) expect(actualOfScore(score, target)).toBe(actual);
			})
		);
	});

	test('a reached target reads as 100%', () => {
		expect(actualOfScore([1, 1, 1].reduce((s, d) => s + attainmentDelta(d, 3), 0), 3)).toBe(3);
		expect(attainmentDelta(10, 10)).toBe(GOAL_SCALE);
	});
});

describe('goal family increments', () => {
	const org = 'org-1';
	const start = new Date('2026-11-01T00:00:00+08:00');
	const end = new Date('2026-12-01T00:00:00+08:00');
	const row = (over: Partial<GoalRow>): GoalRow =>
		({
			id: 'g1',
			organization_id: org,
			owner_kind: 'member',
			team_id: null,
			user_id: 'u1',
			metric_id: 'm-deal',
			metric_key: 'deal',
			target: 4,
			window: 'month',
			period_key: '2026-11',
			starts_at: start,
			ends_at: end,
			status: 'active',
			...over
		}) as GoalRow;
	const teams = [
		{ id: 't-top', parent_id: null },
		{ id: 't-sub', parent_id: 't-top' },
		{ id: 't-other', parent_id: null }
	];

	test('an event counts toward its rep, their team and the teams above, and the organization', async () => {
		const defs = [
			toGoalDef(row({}), teams),
			toGoalDef(row({ id: 'g2', owner_kind: 'team', user_id: null, team_id: 't-top', target: 10 }), teams),
			toGoalDef(row({ id: 'g3', owner_kind: 'team', user_id: null, team_id: 't-other', target: 10 }), teams),
			toGoalDef(row({ id: 'g4', owner_kind: 'org', user_id: null, metric_id: null, metric_key: null, target: 1000 }), teams)
		];
		const { processMap } = await import('../../../src/lib/server/platform/process-cache');
		processMap<string, { at: number; defs: typeof defs }>('goal-defs').set(org, { at: Date.now(), defs });
		const ctx = { clock: { timeZone: 'Asia/Shanghai', weekStart: 1 }, now: Date.parse('2026-11-20T00:00:00Z'), competes: () => true, organizationId: org };
		const event = { id: 1, orgSeq: 1, metricKey: 'deal', userId: 'u1', teamId: 't-sub', value: 1, points: 50, occurredAt: new Date('2026-11-15T03:00:00Z') };
		const incs = goalFamily.increments(event, ctx);
		expect(incs.map((i) => [i.key, i.member, i.delta])).toEqual([
			['goal:deal|users|month|2026-11', 'u1', GOAL_SCALE / 4],
			['goal:deal|teams|month|2026-11', 't-top', GOAL_SCALE / 10],
			['goal:org.points|teams|month|2026-11', org, GOAL_SCALE * 0.05]
		]);
		// Outside the period, or once its grace is over, nothing counts.
		expect(goalFamily.increments({ ...event, occurredAt: new Date('2026-12-01T00:00:00+08:00') }, ctx)).toEqual([]);
		expect(goalFamily.increments(event, { ...ctx, now: end.getTime() + 2 * 3600_000 })).toEqual([]);
		// Another metric counts toward points goals only.
		expect(goalFamily.increments({ ...event, metricKey: 'call' }, ctx).map((i) => i.key)).toEqual(['goal:org.points|teams|month|2026-11']);
		expect(goalPlace(defs[0])).toMatchObject({ board: 'goal:deal', scope: 'users', window: 'month', period: '2026-11', member: 'u1' });
	});
});
