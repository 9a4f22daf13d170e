// The training API, as the OpenAPI document describes it (see platform/openapi.ts): the request body is
// the schema that validates it (shared/training/training.ts); responses are the schemas the routes'
// bodies are typed with.
import { z } from 'zod';
import { apiCompletionSchema, COURSE_STATUSES } from '../../shared/training/training';
import type { ApiOperation } from '../platform/openapi';

const person = z.object({ id: z.string(), name: z.string() });
const localized = z.record(z.string(), z.string()).describe('Text per language ({ en, "zh-CN" }), at least one.');

export const trainingAssignmentSchema = z
	.object({
		id: z.string(),
		course: z.object({ id: z.string(), title: localized, points: z.int().describe('Points for completing the course.'), status: z.enum(COURSE_STATUSES) }),
		user: person,
		dueOn: z.string().describe('The local day it is due (YYYY-MM-DD, in the organization’s time zone).'),
		note: z.string().nullable().describe('The leader’s note (a personal development plan’s goal).'),
		plan: z.boolean().describe('Assigned from the member’s profile as a personal development plan.'),
		assignedBy: person.nullable(),
		assignedAt: z.string(),
		state: z.enum(['not_started', 'in_progress', 'completed']),
		overdue: z.boolean().describe('Not completed and its due day has passed.'),
		dueToday: z.boolean(),
		progress: z.object({ done: z.int(), total: z.int() }).describe('Modules done of the course’s modules.'),
		completedAt: z.string().nullable(),
		bestScore: z.int().nullable().describe('The best quiz score in percent, null before any attempt.'),
		attempts: z.int().describe('Quiz attempts made in the course.')
	})
	.meta({ id: 'TrainingAssignment' });

export const trainingAssignmentsResponseSchema = z
	.object({ user: person, assignments: z.array(trainingAssignmentSchema).describe('Not completed first, soonest due first.') })
	.meta({ id: 'TrainingAssignments' });

export const trainingCompletionSchema = z
	.object({
		id: z.string(),
		courseId: z.string(),
		user: person,
		source: z.enum(['internal', 'external', 'demo']).describe('Completed in Podium, recorded by an external system, or demo data.'),
		externalId: z.string().nullable().describe('The `id` an external system recorded it with.'),
		points: z.int().describe('Points awarded for it (once).'),
		completedAt: z.string()
	})
	.meta({ id: 'TrainingCompletion' });

export const trainingCompletionResponseSchema = z
	.object({
		completion: trainingCompletionSchema,
		duplicate: z.boolean().describe('True when nothing new was written: this id was recorded before, or the member had completed the course already.')
	})
	.meta({ id: 'TrainingCompletionRecorded' });

export const trainingAssignmentsQuery = z.object({
	user: z.string().optional().describe('The member: e-mail, external id or id. Required with a token; a signed-in member reads their own without it.')
});

const unauthorized = { description: 'The token is missing, unknown or revoked.' };
const unavailable = { description: 'The database cannot be reached now; try again.', headers: { 'Retry-After': 'Seconds to wait.' } };

export const trainingApi: ApiOperation[] = [
	{
		method: 'get',
		path: '/api/v1/training/assignments',
		operationId: 'listTrainingAssignments',
		tag: 'training',
		summary: 'A member’s training assignments with their progress',
		description: 'Each assignment with its due day, state (not started, in progress, completed), whether it is overdue, modules done and the best quiz score. A token reads any member of its organization; a signed-in rep only their own; leaders and admins anyone in the organization.',
		auth: { kind: 'token-or-session', scope: 'training:read' },
		query: trainingAssignmentsQuery,
		responses: {
			200: { description: 'The member and their assignments.', schema: trainingAssignmentsResponseSchema },
			400: { description: '`user` is missing (with a token) or not valid.' },
			401: unauthorized,
			403: { description: 'The token lacks training:read, or a rep asked for someone else’s assignments.' },
			404: { description: '`user` names nobody in the organization.' },
			503: unavailable
		}
	},
	{
		method: 'post',
		path: '/api/v1/training/completions',
		operationId: 'recordTrainingCompletion',
		tag: 'training',
		summary: 'Record a course completion from an external learning system',
		description:
			'Idempotent by `id`: sending the same id again answers the same completion (200, duplicate true) and awards nothing new; the same id for another member or course is a 409. A member completes a course once: a completion for a course they had completed answers that completion (200, duplicate true). The course’s points are awarded once, as an event with source `training`, so they reach the live leaderboards and count toward badges.',
		auth: { kind: 'token', scope: 'training:write' },
		body: apiCompletionSchema,
		responses: {
			201: { description: 'Recorded, and the course’s points awarded.', schema: trainingCompletionResponseSchema },
			200: { description: 'Nothing new: this id was recorded before, or the member had completed the course.', schema: trainingCompletionResponseSchema },
			400: { description: 'The body is not valid, or the member is deactivated; the message names the field (`id`, `user`, `course`, `completedAt`). Nothing was changed.' },
			401: unauthorized,
			403: { description: 'The token lacks training:write.' },
			404: { description: '`user` or `course` names nothing in the organization (another organization’s course is not found either).' },
			409: { description: 'The course is a draft, or `id` was recorded for another member or course.' },
			415: { description: 'The body is not application/json.' },
			503: unavailable
		}
	}
];
