// The goals API, as the OpenAPI document describes it (see platform/openapi.ts). Request bodies are the
// schemas that validate them (shared/goals/goals.ts); responses are the schemas the routes' bodies are
// typed with.
import { z } from 'zod';
import { GOAL_PACES, GOAL_STATUSES, goalDecisionSchema, goalEditSchema, goalInputSchema, goalSplitSchema } from '../../shared/goals/goals';
import type { ApiOperation } from '../platform/openapi';

const text = z.record(z.string(), z.string());

export const goalViewSchema = z
	.object({
		id: z.string(),
		owner: z.union([
			z.object({ kind: z.literal('org'), name: z.string() }),
			z.object({ kind: z.literal('team'), id: z.string(), name: z.string() }),
			z.object({ kind: z.literal('member'), id: z.string(), name: z.string(), email: z.string(), teamId: z.string().nullable() })
		]),
		measure: z.object({ key: z.string().describe('A metric’s key, or "points".'), name: text, unit: z.enum(['points', 'count', 'currency', 'minutes']), currency: z.string().nullable() }),
		target: z.number().describe('In the metric’s stored unit (currency in minor units), or points.'),
		actual: z.number().describe('What the owner did in the period, from the event log (final once the period and an hour’s grace are over).'),
		attainment: z.number().describe('actual / target: 1 is 100%.'),
		expected: z.number().describe('What should be done by now: linear, or by working days without weekends and the organization’s holidays.'),
		pace: z.enum(GOAL_PACES).describe('on_track (at or above expected, or reached), at_risk (within 90% of expected) or behind.'),
		reached: z.boolean(),
		needPerDay: z.number().nullable().describe('Needed per remaining day (working day, by working days) to finish on time; null once over or reached.'),
		remainingDays: z.number(),
		paceMode: z.enum(['linear', 'working_days']),
		window: z.enum(['month', 'quarter', 'year', 'custom']),
		period: z.object({ key: z.string(), start: z.string(), end: z.string().describe('Exclusive.') }),
		status: z.enum(GOAL_STATUSES),
		final: z.boolean(),
		parentId: z.string().nullable(),
		description: text,
		createdBy: z.string().nullable(),
		declineReason: z.string().nullable(),
		live: z
			.object({ board: z.string(), scope: z.enum(['users', 'teams']), window: z.string(), period: z.string(), member: z.string() })
			.nullable()
			.describe('Where live progress is pushed: board:update rows of this board for `member` carry the attainment in millionths of the target.'),
		can: z.object({ edit: z.boolean(), decide: z.boolean(), split: z.boolean() })
	})
	.meta({ id: 'Goal' });

export const goalListResponseSchema = z.object({ goals: z.array(goalViewSchema) }).meta({ id: 'GoalList' });
export const goalCascadeSchema = z.object({ sum: z.number(), difference: z.number(), status: z.enum(['exact', 'short', 'over']), children: z.int() });
export const goalDetailSchema = z
	.object({ goal: goalViewSchema, children: z.array(goalViewSchema), parent: goalViewSchema.nullable(), cascade: goalCascadeSchema })
	.meta({ id: 'GoalDetail' });
export const goalCreatedSchema = z
	.object({
		id: z.string(),
		status: z.enum(['active', 'proposed']).describe('proposed: a rep’s own goal, waiting for a leader.'),
		warning: goalCascadeSchema.nullable().describe('Set when the parent’s children now exceed it (allowed).')
	})
	.meta({ id: 'GoalCreated' });
export const goalOkSchema = z.object({ ok: z.literal(true) });
export const goalDecidedSchema = z.object({ status: z.enum(['active', 'declined']) });
export const goalSplitResultSchema = z.object({ created: z.int(), updated: z.int(), targets: z.array(z.number()) });
export const goalCopiedSchema = z.object({ id: z.string(), status: z.enum(['active', 'proposed']) });

const listQuery = z.object({
	owner: z.string().optional().describe('"org", "team:<team id>", or a member’s e-mail, external id or id.'),
	period: z.string().optional().describe('"current" (default: goals whose period contains now), "month", "quarter" or "year" (the current one), or a day YYYY-MM-DD.'),
	status: z.enum(['active', 'proposed', 'declined', 'all']).optional().describe('Default active.')
});
const goalIdParams = z.object({ goalId: z.string() });

const unauthorized = { description: 'No session, and the token is missing, unknown or revoked.' };
const forbidden = { description: 'The token lacks the scope, or the caller may not do this to this goal.' };
const notFound = { description: 'No such goal (or owner, metric or parent) in the organization.' };
const conflict = { description: 'A goal exists for that owner, measure and period, or the goal’s state does not allow it now.' };
const bad = { description: 'The input is not valid; the message names the field. Nothing was changed.' };
const unsupported = { description: 'A body was sent with a content type other than application/json. Nothing was changed.' };

const action = (path: string, operationId: string, summary: string, body: z.ZodType, schema: z.ZodType): ApiOperation => ({
	method: 'post',
	path: `/api/v1/goals/{goalId}/${path}`,
	operationId,
	tag: 'goals',
	summary,
	auth: { kind: 'token-or-session', scope: 'goals:write' },
	params: goalIdParams,
	body,
	responses: { 200: { description: 'Done.', schema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict, 415: unsupported }
});

export const goalsApi: ApiOperation[] = [
	{
		method: 'post',
		path: '/api/v1/goals',
		operationId: 'createGoal',
		tag: 'goals',
		summary: 'Set a goal (or propose one’s own)',
		description:
			'Admins set any goal; leaders those of the teams they manage and of the reps on them. A rep (or a token acting for one) proposes a goal of their own, which waits for a leader. A goal whose period has begun counts the events already logged.',
		auth: { kind: 'token-or-session', scope: 'goals:write' },
		body: goalInputSchema,
		responses: { 201: { description: 'Created.', schema: goalCreatedSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict, 415: unsupported }
	},
	{
		method: 'get',
		path: '/api/v1/goals',
		operationId: 'listGoals',
		tag: 'goals',
		summary: 'Goals with their progress and pace',
		auth: { kind: 'token-or-session', scope: 'goals:read' },
		query: listQuery,
		responses: { 200: { description: 'Goals.', schema: goalListResponseSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound }
	},
	{
		method: 'get',
		path: '/api/v1/goals/{goalId}',
		operationId: 'getGoal',
		tag: 'goals',
		summary: 'A goal with its parent, its children and whether they add up',
		auth: { kind: 'token-or-session', scope: 'goals:read' },
		params: goalIdParams,
		responses: { 200: { description: 'The goal.', schema: goalDetailSchema }, 401: unauthorized, 403: forbidden, 404: notFound }
	},
	{
		method: 'put',
		path: '/api/v1/goals/{goalId}',
		operationId: 'editGoal',
		tag: 'goals',
		summary: 'Change a goal’s target, description or pace',
		auth: { kind: 'token-or-session', scope: 'goals:write' },
		params: goalIdParams,
		body: goalEditSchema,
		responses: { 200: { description: 'Saved.', schema: goalOkSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict, 415: unsupported }
	},
	{
		method: 'delete',
		path: '/api/v1/goals/{goalId}',
		operationId: 'deleteGoal',
		tag: 'goals',
		summary: 'Delete a goal (its children stay, without a parent); a rep withdraws their own proposal',
		auth: { kind: 'token-or-session', scope: 'goals:write' },
		params: goalIdParams,
		responses: { 200: { description: 'Deleted.', schema: goalOkSchema }, 401: unauthorized, 403: forbidden, 404: notFound }
	},
	action('decision', 'decideGoal', 'Approve or decline a proposed goal', goalDecisionSchema, goalDecidedSchema),
	action('split', 'splitGoal', 'Break a goal down among the teams below its owner or its reps, evenly or by last period’s share', goalSplitSchema, goalSplitResultSchema),
	action('copy', 'copyGoal', 'Copy a goal to the next period', z.object({}), goalCopiedSchema)
];
