// The contests API, as the OpenAPI document describes it (see platform/openapi.ts). The request body
// is the schema that validates it (shared/contests.ts); responses are the schemas the routes' bodies
// are typed with.
import { z } from 'zod';
import { CONTEST_FORMATS, CONTEST_STATUSES, contestInputSchema } from '../../shared/contests';
import { backtestInputSchema } from './contest.service';
import type { ApiOperation } from '../platform/openapi';

const standingSchema = z.object({
	rank: z.int().describe('Equal values share a rank; whoever reached the score first is listed first.'),
	id: z.string().describe('The member, team or ad-hoc team id.'),
	name: z.string(),
	team: z.object({ id: z.string(), name: z.string() }).nullable(),
	score: z.number().nullable().describe('Points, or the weighted sum of the metrics’ values. null for another member when the organization shows reps only ranks (transparency).'),
	tie: z.number().optional().describe('The id of the event that last changed the score.'),
	progress: z.number().optional().describe('0 to 1 toward the target, where one applies.'),
	eliminated: z.string().nullable().optional(),
	inactive: z.boolean().optional().describe('Deactivated during the contest: still shown, marked.'),
	place: z.int().nullable().optional().describe('Once final: the prize place won.'),
	prize: z.object({ text: z.string(), points: z.int() }).nullable().optional()
});

const summaryShape = {
	id: z.string(),
	name: z.string(),
	description: z.string(),
	format: z.enum(CONTEST_FORMATS),
	status: z.enum(CONTEST_STATUSES),
	startsAt: z.string(),
	endsAt: z.string().nullable(),
	hidden: z.boolean(),
	mine: z.boolean().describe('Whether the caller takes part (their contests are listed first).'),
	participantCount: z.int(),
	leader: z.object({ id: z.string(), name: z.string(), score: z.number().nullable().describe('null when the organization shows reps only ranks.') }).nullable()
};

export const contestSummarySchema = z.object(summaryShape).meta({ id: 'ContestSummary' });
export const contestListResponseSchema = z.object({ contests: z.array(contestSummarySchema) }).meta({ id: 'ContestList' });

export const contestViewSchema = z
	.object({
		...summaryShape,
		texts: z.object({ name: z.record(z.string(), z.string()), description: z.record(z.string(), z.string()) }),
		scoring: z.object({ metrics: z.union([z.literal('points'), z.array(z.object({ metric: z.string(), weight: z.number() }))]), by: z.string() }),
		graceMinutes: z.int(),
		target: z.number().nullable(),
		places: z.int(),
		prizes: z.array(z.object({ place: z.int(), text: z.string(), points: z.int() })),
		epoch: z.string().describe('The epoch of seq: it changes when the live store’s counters restart, and seq with it.'),
		seq: z.int().describe('The contest’s push sequence number when it was read (contest:update carries the next ones).'),
		standings: z.array(standingSchema),
		challenge: z
			.object({
				total: z.number(),
				target: z.number(),
				progress: z.number(),
				milestones: z.array(z.int()),
				contributors: z.array(z.object({ id: z.string(), name: z.string(), score: z.number().nullable() })).describe('Who added most to the total; for a rep, limited by the organization’s transparency settings as boards are.')
			})
			.optional(),
		bracket: z.array(z.unknown()).optional(),
		notes: z.array(z.string()).describe('Corrections that arrived after the results were frozen (they never change them).'),
		canManage: z.boolean(),
		rules: z
			.object({
				participants: z.union([
					z.object({ all: z.literal(true) }),
					z.object({ teams: z.array(z.string()) }),
					z.object({ members: z.array(z.string()) }),
					z.object({ adhoc: z.array(z.object({ name: z.record(z.string(), z.string()), members: z.array(z.string()) })) })
				]),
				targets: z.record(z.string(), z.number()),
				repeat: z.object({ every: z.enum(['none', 'day', 'week']), days: z.array(z.int()).optional() }),
				prizes: z.array(z.object({ place: z.int(), text: z.record(z.string(), z.string()), points: z.int() })),
				bracket: z.object({ roundMinutes: z.int(), seeding: z.enum(['points', 'manual']) }).optional(),
				elimination: z.object({ everyMinutes: z.int() }).optional(),
				duel: z.object({ opponent: z.string(), hours: z.number() }).optional()
			})
			.optional()
			.describe('The rules as set, with members and teams as ids: only for those who manage the contest.')
	})
	.meta({ id: 'Contest' });

export const contestCreatedSchema = z.object({ id: z.string() }).meta({ id: 'ContestCreated' });
export const contestOkSchema = z.object({ ok: z.literal(true) });
export const contestListQuery = z.object({ status: z.enum(CONTEST_STATUSES).optional().describe('Only contests in this status.') });
export const contestIdParams = z.object({ contestId: z.uuid() });
export const contestExtendBody = z.object({ endsAt: z.iso.datetime({ offset: true }).describe('The new end, later than the current one.') });

const figuresSchema = z.object({
	winners: z.array(z.object({ place: z.int(), id: z.string(), name: z.string(), score: z.number() })),
	participants: z.int(),
	scored: z.int().describe('How many would have scored at all.'),
	topShare: z.number().describe('The share of the total scored by the top 20% (0 to 1).')
});
export const contestBacktestResponseSchema = z
	.object({
		from: z.string(),
		to: z.string(),
		asSet: figuresSchema,
		percentOfTarget: figuresSchema.nullable().describe('The same ranked by percent of each participant’s target (null without targets).'),
		tookMs: z.int()
	})
	.meta({ id: 'ContestBacktest' });

const unauthorized = { description: 'No session, and the token is missing, unknown or revoked.' };
const forbidden = { description: 'The token lacks the scope, or the caller may not do this to this contest.' };
const notFound = { description: 'No such contest in the organization (or a hidden one the caller does not manage).' };
const conflict = { description: 'The contest’s status does not allow it now (the message says which).' };
const bad = { description: 'The input is not valid; the message names the field. Nothing was changed.' };
const unsupported = { description: 'A body was sent with a content type other than application/json. Nothing was changed.' };

const action = (path: string, operationId: string, summary: string, description?: string): ApiOperation => ({
	method: 'post',
	path: `/api/v1/contests/{contestId}/${path}`,
	operationId,
	tag: 'contests',
	summary,
	description,
	auth: { kind: 'token-or-session', scope: 'contests:write' },
	params: contestIdParams,
	responses: { 200: { description: 'Done.', schema: contestOkSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict }
});

const extendAction = action('extend', 'extendContest', 'Move the end of a live or scheduled contest later (audited)');

export const contestsApi: ApiOperation[] = [
	{
		method: 'post',
		path: '/api/v1/contests',
		operationId: 'createContest',
		tag: 'contests',
		summary: 'Create a contest (a draft, or scheduled)',
		description:
			'Admins build for the whole organization, leaders for the teams they lead; a rep may challenge a colleague to a duel. Members are named by e-mail, external id or id.',
		auth: { kind: 'token-or-session', scope: 'contests:write' },
		body: contestInputSchema,
		responses: { 201: { description: 'Created.', schema: contestCreatedSchema }, 400: bad, 401: unauthorized, 403: forbidden, 415: unsupported }
	},
	{
		method: 'get',
		path: '/api/v1/contests',
		operationId: 'listContests',
		tag: 'contests',
		summary: 'The organization’s contests, the caller’s own first',
		auth: { kind: 'token-or-session', scope: 'contests:read' },
		query: contestListQuery,
		responses: { 200: { description: 'Contests.', schema: contestListResponseSchema }, 400: bad, 401: unauthorized, 403: forbidden }
	},
	{
		method: 'get',
		path: '/api/v1/contests/{contestId}',
		operationId: 'getContest',
		tag: 'contests',
		summary: 'A contest with its standings (frozen results once final)',
		auth: { kind: 'token-or-session', scope: 'contests:read' },
		params: contestIdParams,
		responses: { 200: { description: 'The contest.', schema: contestViewSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound }
	},
	{
		method: 'put',
		path: '/api/v1/contests/{contestId}',
		operationId: 'updateContest',
		tag: 'contests',
		summary: 'Edit a draft or scheduled contest (the whole body again)',
		description: 'Once live its rules are locked (409); only the end can be extended.',
		auth: { kind: 'token-or-session', scope: 'contests:write' },
		params: contestIdParams,
		body: contestInputSchema,
		responses: { 200: { description: 'Saved.', schema: contestOkSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict, 415: unsupported }
	},
	{
		method: 'delete',
		path: '/api/v1/contests/{contestId}',
		operationId: 'deleteContest',
		tag: 'contests',
		summary: 'Delete a draft',
		auth: { kind: 'token-or-session', scope: 'contests:write' },
		params: contestIdParams,
		responses: { 200: { description: 'Deleted.', schema: contestOkSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict }
	},
	{
		method: 'post',
		path: '/api/v1/contests/backtest',
		operationId: 'backtestContest',
		tag: 'contests',
		summary: 'Replay a draft’s rules over a past period',
		description: 'The body of a contest plus `from` and `to` (a past period): who would have won, how many would have scored, and how concentrated the scores were, also with percent-of-target ranking.',
		auth: { kind: 'token-or-session', scope: 'contests:write' },
		body: backtestInputSchema,
		responses: { 200: { description: 'The figures.', schema: contestBacktestResponseSchema }, 400: bad, 401: unauthorized, 403: forbidden, 415: unsupported }
	},
	action('schedule', 'scheduleContest', 'Schedule a draft: it starts and ends on time'),
	action('cancel', 'cancelContest', 'Cancel a contest that is not final'),
	{ ...extendAction, body: contestExtendBody, responses: { ...extendAction.responses, 415: unsupported } },
	{ ...action('clone', 'cloneContest', 'Copy a contest as a new draft'), responses: { 201: { description: 'The copy.', schema: contestCreatedSchema }, 400: bad, 401: unauthorized, 403: forbidden, 404: notFound } },
	action('accept', 'acceptDuel', 'Accept a duel you were challenged to: it starts now'),
	action('decline', 'declineDuel', 'Decline a duel you were challenged to')
];
