// The reviews and coaching notes API, as the OpenAPI document describes it (see platform/openapi.ts).
// Request bodies are the schemas that validate them (shared/reviews.ts); responses are the schemas the
// routes' bodies are typed with.
import { z } from 'zod';
import {
	ACTION_OWNERS,
	REVIEW_STATUSES,
	REVIEW_WINDOWS,
	noteCreateSchema,
	noteEditSchema,
	noteItemDoneSchema,
	reviewActionDoneSchema,
	reviewActionSchema,
	reviewCheckinSchema,
	reviewCommentSchema,
	reviewCreateSchema,
	reviewPlanSchema,
	reviewTextSchema
} from '../../shared/reviews';
import type { ApiOperation } from '../platform/openapi';

const person = z.object({ id: z.string(), name: z.string() });
const text = z.record(z.string(), z.string()).nullable();

export const scorecardSchema = z
	.object({
		period: z.object({ window: z.enum(REVIEW_WINDOWS), key: z.string(), start: z.string(), end: z.string(), previousKey: z.string(), days: z.int(), elapsedDays: z.int() }),
		empty: z.boolean().describe('No event of the rep in the period.'),
		activeDays: z.int(),
		measures: z.array(
			z.object({
				key: z.string().describe('"points" or a metric’s key.'),
				name: text,
				unit: z.enum(['points', 'count', 'currency', 'minutes']),
				currency: z.string().nullable(),
				current: z.number(),
				previous: z.number().describe('The previous period (cut to the days elapsed of this one while it runs).'),
				trend: z.number().nullable().describe('(current − previous) / |previous|; null when there was nothing before.'),
				goal: z.object({ target: z.number(), actual: z.number(), attainment: z.number().describe('actual / target: 1 is 100%.') }).nullable()
			})
		),
		rank: z.object({ rank: z.int().nullable(), of: z.int(), scope: z.enum(['team', 'org']) }),
		training: z.object({ assigned: z.int(), completed: z.int(), completedInPeriod: z.int(), overdue: z.int() }),
		takenAt: z.string().describe('When the snapshot was taken (the review’s creation).')
	})
	.meta({ id: 'ReviewScorecard' });

export const reviewSummarySchema = z
	.object({
		id: z.string(),
		subject: person,
		author: person,
		status: z.enum(REVIEW_STATUSES),
		period: z.object({ window: z.enum(REVIEW_WINDOWS), key: z.string() }),
		createdAt: z.string(),
		sharedAt: z.string().nullable(),
		acknowledgedAt: z.string().nullable()
	})
	.meta({ id: 'ReviewSummary' });

export const reviewViewSchema = z
	.object({
		id: z.string(),
		subject: person,
		author: person,
		status: z.enum(REVIEW_STATUSES),
		period: z.object({ window: z.enum(REVIEW_WINDOWS), key: z.string(), start: z.string(), end: z.string() }),
		scorecard: scorecardSchema,
		strengths: z.string(),
		improvements: z.string(),
		feedback: z.string(),
		version: z.int(),
		createdAt: z.string(),
		updatedAt: z.string(),
		sharedAt: z.string().nullable(),
		acknowledgedAt: z.string().nullable(),
		plan: z
			.object({
				goal: z.string(),
				openedAt: z.string(),
				actions: z.array(z.object({ id: z.string(), text: z.string(), owner: z.enum(ACTION_OWNERS), dueOn: z.string(), done: z.boolean(), doneAt: z.string().nullable(), overdue: z.boolean() })),
				checkins: z.array(z.object({ id: z.string(), onDay: z.string(), note: z.string(), past: z.boolean() }))
			})
			.nullable(),
		comments: z.array(z.object({ id: z.int(), author: person, body: z.string(), createdAt: z.string() })),
		revisions: z.array(z.object({ version: z.int(), editor: person, strengths: z.string(), improvements: z.string(), feedback: z.string(), createdAt: z.string() })).describe('Every text saved once shared, newest first.'),
		can: z.object({ edit: z.boolean(), share: z.boolean(), acknowledge: z.boolean(), comment: z.boolean(), plan: z.boolean(), tick: z.array(z.string()).describe('The actions the caller may tick.') })
	})
	.meta({ id: 'Review' });

export const reviewListSchema = z.object({ mine: z.array(reviewSummarySchema).describe('The caller’s own shared reviews.'), managed: z.array(reviewSummarySchema).describe('Reviews of the members the caller manages.') }).meta({ id: 'ReviewList' });
export const reviewCreatedSchema = z.object({ id: z.string() });
export const reviewVersionSchema = z.object({ version: z.int() });
export const reviewAcknowledgedSchema = z.object({ acknowledgedAt: z.string() });
export const reviewCommentedSchema = z.object({ id: z.int() });
export const reviewOkSchema = z.object({ ok: z.literal(true) });
export const reviewDoneSchema = z.object({ done: z.boolean() });

export const noteViewSchema = z
	.object({
		id: z.string(),
		subject: person,
		author: person,
		onDay: z.string(),
		body: z.string(),
		shared: z.boolean().describe('false: private to leaders who manage the rep and admins.'),
		createdAt: z.string(),
		items: z.array(z.object({ id: z.string(), text: z.string(), done: z.boolean(), doneAt: z.string().nullable() })),
		can: z.object({ edit: z.boolean(), tick: z.boolean() })
	})
	.meta({ id: 'CoachingNote' });
export const noteListSchema = z.object({ notes: z.array(noteViewSchema) }).meta({ id: 'CoachingNoteList' });

const reviewIdParams = z.object({ reviewId: z.string() });
const noteIdParams = z.object({ noteId: z.string() });
const unauthorized = { description: 'No session, and the token is missing, unknown or revoked.' };
const forbidden = { description: 'The token lacks the scope, or the caller may not do this (a leader of another team, a rep acting as a leader).' };
const notFound = { description: 'No such review, note or member in the organization, or not one the caller may see.' };
const bad = { description: 'The input is not valid; the message names the field. Nothing was changed.' };
const conflict = { description: 'Already done (acknowledged, shared, a review of that period exists) or not possible yet (no plan).' };
const unsupported = { description: 'A body was sent with a content type other than application/json. Nothing was changed.' };
const read = { kind: 'token-or-session', scope: 'reviews:read' } as const;
const write = { kind: 'token-or-session', scope: 'reviews:write' } as const;
const writeResponses = (schema: z.ZodType, status = 200) => ({ [status]: { description: 'Done.', schema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict, 415: unsupported });

export const reviewsApi: ApiOperation[] = [
	{
		method: 'get',
		path: '/api/v1/reviews',
		operationId: 'listReviews',
		tag: 'reviews',
		summary: 'Performance reviews the caller may read',
		description: 'A rep reads their own shared reviews (never a draft); leaders those of the reps they manage; admins every review.',
		auth: read,
		query: z.object({ member: z.string().optional().describe('A member’s id: only their reviews.') }),
		responses: { 200: { description: 'Reviews, newest period first.', schema: reviewListSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound }
	},
	{
		method: 'post',
		path: '/api/v1/reviews',
		operationId: 'createReview',
		tag: 'reviews',
		summary: 'Start a review of a rep for a month or a quarter, its scorecard prefilled',
		description: 'Leaders review reps of the teams they manage (another team: 403), admins anyone in the organization. The period is a key in the organization’s time zone: YYYY-MM or YYYY-Qn. The scorecard is a snapshot of the data at creation.',
		auth: write,
		body: reviewCreateSchema,
		responses: writeResponses(reviewCreatedSchema, 201)
	},
	{
		method: 'get',
		path: '/api/v1/reviews/{reviewId}',
		operationId: 'getReview',
		tag: 'reviews',
		summary: 'A review with its scorecard, plan, comments and revisions',
		auth: read,
		params: reviewIdParams,
		responses: { 200: { description: 'The review.', schema: reviewViewSchema }, 401: unauthorized, 403: forbidden, 404: notFound }
	},
	{
		method: 'put',
		path: '/api/v1/reviews/{reviewId}',
		operationId: 'editReview',
		tag: 'reviews',
		summary: 'Save the strengths, areas to improve and feedback (a new revision once shared)',
		auth: write,
		params: reviewIdParams,
		body: reviewTextSchema,
		responses: writeResponses(reviewVersionSchema)
	},
	{ method: 'post', path: '/api/v1/reviews/{reviewId}/share', operationId: 'shareReview', tag: 'reviews', summary: 'Share a draft with the rep', auth: write, params: reviewIdParams, body: z.object({}), responses: writeResponses(reviewVersionSchema) },
	{
		method: 'post',
		path: '/api/v1/reviews/{reviewId}/acknowledgement',
		operationId: 'acknowledgeReview',
		tag: 'reviews',
		summary: 'The rep acknowledges their shared review (once: a second time is a 409)',
		auth: write,
		params: reviewIdParams,
		body: z.object({}),
		responses: writeResponses(reviewAcknowledgedSchema)
	},
	{ method: 'post', path: '/api/v1/reviews/{reviewId}/comments', operationId: 'commentOnReview', tag: 'reviews', summary: 'Add to the review’s thread (the rep and their leaders)', auth: write, params: reviewIdParams, body: reviewCommentSchema, responses: writeResponses(reviewCommentedSchema, 201) },
	{ method: 'post', path: '/api/v1/reviews/{reviewId}/plan', operationId: 'openImprovementPlan', tag: 'reviews', summary: 'Open the improvement plan (or restate its objective)', auth: write, params: reviewIdParams, body: reviewPlanSchema, responses: writeResponses(reviewOkSchema) },
	{
		method: 'post',
		path: '/api/v1/reviews/{reviewId}/actions',
		operationId: 'addPlanAction',
		tag: 'reviews',
		summary: 'Add an action to the plan: the rep’s or the leader’s, reminded on its due day',
		auth: write,
		params: reviewIdParams,
		body: reviewActionSchema,
		responses: writeResponses(reviewCreatedSchema, 201)
	},
	{ method: 'put', path: '/api/v1/reviews/{reviewId}/actions', operationId: 'tickPlanAction', tag: 'reviews', summary: 'Tick an action done or not (the rep their own, leaders any)', auth: write, params: reviewIdParams, body: reviewActionDoneSchema, responses: writeResponses(reviewDoneSchema) },
	{ method: 'post', path: '/api/v1/reviews/{reviewId}/checkins', operationId: 'addPlanCheckin', tag: 'reviews', summary: 'Add a dated check-in to the plan, reminded on its day', auth: write, params: reviewIdParams, body: reviewCheckinSchema, responses: writeResponses(reviewCreatedSchema, 201) },
	{
		method: 'get',
		path: '/api/v1/notes',
		operationId: 'listCoachingNotes',
		tag: 'reviews',
		summary: 'A rep’s 1:1 coaching notes',
		description: 'Leaders who manage the rep and admins read every note; the rep reads the notes shared with them; anyone else is refused.',
		auth: read,
		query: z.object({ member: z.string().describe('The rep’s id.') }),
		responses: { 200: { description: 'Notes, newest day first.', schema: noteListSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound }
	},
	{
		method: 'post',
		path: '/api/v1/notes',
		operationId: 'createCoachingNote',
		tag: 'reviews',
		summary: 'Write a 1:1 note about a rep, private or shared, with action items',
		auth: write,
		body: noteCreateSchema.extend({ member: z.string().describe('The rep’s id.') }),
		responses: writeResponses(reviewCreatedSchema, 201)
	},
	{ method: 'put', path: '/api/v1/notes/{noteId}', operationId: 'editCoachingNote', tag: 'reviews', summary: 'Edit a note (its author only)', auth: write, params: noteIdParams, body: noteEditSchema, responses: writeResponses(reviewOkSchema) },
	{ method: 'put', path: '/api/v1/notes/{noteId}/items', operationId: 'tickCoachingNoteItem', tag: 'reviews', summary: 'Tick an action item (the rep those of shared notes, leaders any)', auth: write, params: noteIdParams, body: noteItemDoneSchema, responses: writeResponses(reviewDoneSchema) }
];
