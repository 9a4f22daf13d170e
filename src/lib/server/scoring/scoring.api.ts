// The scoring domain's public API, as the OpenAPI document describes it (see platform/openapi.ts).
// Requests are described by the schemas that validate them; responses by schemas whose types the
// routes use for their bodies, so a change to either shows up here.
import { z } from 'zod';
import { SCOPES } from '../../shared/scoring';
import { WINDOWS } from '../../shared/time-windows';
import type { ApiOperation } from '../platform/openapi';
import { boardQuerySchema } from './board.service';
import { ingestItemSchema, MAX_BATCH } from './event.service';
import { INGEST_PATH } from './ingest-http';

const ITEM_FIELDS: Record<string, string> = {
	id: 'Your idempotency key, unique per organization: the same id is never counted twice.',
	metric: 'An active metric key: deal, revenue, call, meeting, new_customer, or one you added.',
	user: 'The rep’s e-mail or external id.',
	value: 'A whole number in the metric’s unit; currency in minor units (12000000 = 120,000.00 CNY).',
	occurredAt: 'ISO-8601 with a time zone, not in the future (default: now). Decides which day, week… it counts for.',
	note: 'Shown on the receipt.'
};

/** The item schema that validates each event, with each field described. */
const describedItem = z.object(
	Object.fromEntries(Object.entries(ingestItemSchema.shape).map(([key, schema]) => [key, ITEM_FIELDS[key] ? schema.describe(ITEM_FIELDS[key]) : schema]))
);

export const ingestRequestSchema = z.object({
	events: z.array(describedItem).min(1).max(MAX_BATCH).describe(`1 to ${MAX_BATCH} events, each recorded at most once by its id.`)
});

export const ingestResponseSchema = z
	.object({
		accepted: z.int().describe('Events recorded now.'),
		duplicates: z.int().describe('Events whose id was recorded before with the same content: nothing changed.'),
		rejected: z.int().describe('Events refused (including conflicts): nothing changed for them.'),
		results: z.array(
			z.object({
				id: z.string(),
				status: z.enum(['accepted', 'duplicate', 'rejected', 'conflict']),
				points: z.int().optional().describe('Points the event earned, after the metric’s daily cap.'),
				error: z.string().optional().describe('Why it was refused, naming the field.')
			})
		)
	})
	.meta({ id: 'IngestResult' });

const boardRowSchema = z
	.object({
		rank: z.int().describe('Ties share a rank; whoever reached the score first is listed first.'),
		id: z.string().describe('The rep’s user id or the team id.'),
		name: z.string(),
		team: z.string().nullable().describe('The rep’s team name (null for teams and reps without a team).'),
		score: z.number().nullable().describe('Points, or the metric’s value in its unit (currency in minor units); null for a rep whose organization shows reps only ranks (their own value stays).')
	})
	.meta({ id: 'BoardRow' });

export const leaderboardResponseSchema = z
	.object({
		board: z.string(),
		scope: z.enum(SCOPES),
		window: z.object({
			kind: z.enum(WINDOWS),
			period: z.string().describe('The period’s key, e.g. W2026-11-23 or 2026-Q4.'),
			start: z.string().describe('ISO-8601 instant the period starts.'),
			end: z.string().describe('ISO-8601 instant the period ends (exclusive).')
		}),
		team: z.string().nullable().describe('The team id the board was limited to.'),
		seq: z.int().describe('The board’s push sequence number when it was read.'),
		total: z.int().describe('Members on the board.'),
		entries: z
			.array(boardRowSchema)
			.describe('The top of the board; for a signed-in rep whose organization shows reps the top N and their neighbourhood, the top N then the rows around the rep (ranks tell the gap).'),
		around: z
			.array(boardRowSchema)
			.optional()
			.describe('Rows around the member named by `around`, with their global ranks (always the rep themselves for a rep shown the top N).')
	})
	.meta({ id: 'Leaderboard' });

export const membersResponseSchema = z
	.object({
		organization: z.object({ slug: z.string(), name: z.string() }),
		members: z.array(
			z.object({ id: z.string(), name: z.string(), email: z.string(), externalId: z.string().nullable(), team: z.string().nullable() })
		)
	})
	.meta({ id: 'Members' });

const leaderboardQuery = boardQuerySchema.extend({
	board: boardQuerySchema.shape.board.describe('`points` or a metric key (deal, revenue, call, meeting, new_customer, or one you added).'),
	window: boardQuerySchema.shape.window.describe('The current period of this window, in the organization’s time zone and week start.'),
	team: boardQuerySchema.shape.team.describe('Rank only this team’s reps (and its sub-teams’).'),
	around: boardQuerySchema.shape.around.describe('An e-mail or external id: adds `around`, the rows around that person.')
});

const unauthorized = { description: 'The token is missing, unknown or revoked (and no session).' };
const forbidden = { description: 'The token lacks the scope.' };
const unavailable = { description: 'The database or the live store cannot be reached now; try again.', headers: { 'Retry-After': 'Seconds to wait.' } };

export const scoringApi: ApiOperation[] = [
	{
		method: 'post',
		path: INGEST_PATH,
		operationId: 'postEvents',
		tag: 'scoring',
		summary: 'Record events (deals, revenue, calls…)',
		description:
			'Records each event at most once by its id: a repeat with the same content is a duplicate, with other content a conflict. The answer is 200 whenever the request was well-formed, with one result per event.',
		auth: { kind: 'token', scope: 'events:write' },
		body: ingestRequestSchema,
		responses: {
			200: { description: 'One result per event, in order.', schema: ingestResponseSchema },
			400: { description: 'Malformed JSON, or not `{ "events": [...] }` with 1 to 1000 events.' },
			401: unauthorized,
			403: forbidden,
			413: { description: 'The body is over 1 MB.' },
			415: { description: 'The content type is not application/json.' },
			503: { description: 'Nothing was stored; send the same events again (ids are never counted twice).', headers: { 'Retry-After': 'Seconds to wait.' } }
		}
	},
	{
		method: 'get',
		path: '/api/v1/leaderboards',
		operationId: 'getLeaderboard',
		tag: 'scoring',
		summary: 'A live board’s current period',
		auth: { kind: 'token-or-session', scope: 'leaderboards:read' },
		query: leaderboardQuery,
		responses: {
			200: { description: 'The board, ranked; for a signed-in rep, as the organization’s transparency settings allow.', schema: leaderboardResponseSchema },
			400: { description: 'A parameter is not valid; the message names it.' },
			401: unauthorized,
			403: forbidden,
			404: { description: 'An unknown board or team, or an `around` that names nobody in the organization.' },
			503: unavailable
		}
	},
	{
		method: 'get',
		path: '/api/v1/members',
		operationId: 'getMembers',
		tag: 'scoring',
		summary: 'The organization’s active members',
		description: 'For matching CRM users to Podium’s reps by e-mail or external id.',
		auth: { kind: 'token-or-session', scope: 'leaderboards:read' },
		responses: {
			200: { description: 'Active members, by name.', schema: membersResponseSchema },
			401: unauthorized,
			403: forbidden,
			503: unavailable
		}
	}
];
