// The kudos API, as the OpenAPI document describes it (see platform/openapi.ts): the request body is
// the schema that validates it (shared/kudos.ts); responses are the schemas the routes' bodies are typed with.
import { z } from 'zod';
import { apiGiveKudosSchema, KUDOS_API_PAGE_MAX, KUDOS_REACTIONS } from '../../shared/kudos';
import type { ApiOperation } from '../platform/openapi';

const person = z.object({ id: z.string(), name: z.string() });
const localized = z.record(z.string(), z.string());

export const kudosSchema = z
	.object({
		id: z.string(),
		from: person,
		to: z.array(person),
		message: z.string().describe('Plain text (never HTML), 1 to 500 characters.'),
		value: z.object({ id: z.string(), name: localized, emoji: z.string().nullable(), color: z.string().nullable() }).describe('The company value it was given for.'),
		points: z.int().describe('Points each recipient received (the giver spent points × recipients).'),
		createdAt: z.string(),
		spotlight: z.boolean().describe('Spotlighted by a leader or admin for displays.'),
		reactions: z.partialRecord(z.enum(KUDOS_REACTIONS), z.int()).describe('How many people chose each reaction.'),
		mine: z.array(z.enum(KUDOS_REACTIONS)).describe('The caller’s own reactions (empty for a token).'),
		reports: z.int().optional(),
		canModerate: z.boolean().optional()
	})
	.meta({ id: 'Kudos' });

export const kudosListResponseSchema = z
	.object({
		items: z.array(kudosSchema),
		next: z.string().nullable().describe('Pass as `before` (or, with `since`, as `since`) for the next page; null at the end.')
	})
	.meta({ id: 'KudosList' });

export const kudosGivenResponseSchema = z
	.object({
		kudos: kudosSchema,
		duplicate: z.boolean().describe('True when this requestId was given before: nothing new was written.'),
		allowance: z.object({ allowance: z.int(), spent: z.int(), remaining: z.int(), resetsAt: z.string(), timeZone: z.string() }).describe('The giver’s allowance after this kudos.')
	})
	.meta({ id: 'KudosGiven' });

export const kudosListQuery = z.object({
	since: z.string().optional().describe('ISO-8601 instant (or the `next` of a page read with `since`): only kudos after it, oldest first (for catching up).'),
	before: z.string().optional().describe('The `next` cursor of the previous page (newest first).'),
	limit: z.int().min(1).max(KUDOS_API_PAGE_MAX).optional().describe('Page size, default 30.')
});

const bad = { description: 'The input is not valid; the message names the field (`from`, `to`, `message`, `value`, `points`). Nothing was changed.' };
const unauthorized = { description: 'The token is missing, unknown or revoked.' };
const forbidden = { description: 'The token lacks the scope, or its creator is not an active admin.' };

export const kudosApi: ApiOperation[] = [
	{
		method: 'post',
		path: '/api/v1/kudos',
		operationId: 'giveKudos',
		tag: 'kudos',
		summary: 'Give kudos on behalf of a member',
		description:
			'For chat integrations: `from` and `to` are e-mails or external ids, `value` a company value’s id or name. The same rules as the app: not to oneself, not to a deactivated member or someone of another organization, a message of 1 to 500 characters, and `points` per recipient taken from the giver’s monthly allowance (points × recipients). A `requestId` makes a retry return the first kudos (200, duplicate true).',
		auth: { kind: 'token', scope: 'kudos:write' },
		body: apiGiveKudosSchema,
		responses: {
			201: { description: 'Given.', schema: kudosGivenResponseSchema },
			200: { description: 'This requestId was given already: the first kudos.', schema: kudosGivenResponseSchema },
			400: bad,
			401: unauthorized,
			403: forbidden
		}
	},
	{
		method: 'get',
		path: '/api/v1/kudos',
		operationId: 'listKudos',
		tag: 'kudos',
		summary: 'The kudos feed (hidden kudos left out), paginated',
		auth: { kind: 'token-or-session', scope: 'kudos:read' },
		query: kudosListQuery,
		responses: { 200: { description: 'A page of the feed.', schema: kudosListResponseSchema }, 400: bad, 401: unauthorized, 403: { description: 'The token lacks the scope.' } }
	}
];
