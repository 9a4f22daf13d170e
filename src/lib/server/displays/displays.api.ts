// The displays API, as the OpenAPI document describes it (see platform/openapi.ts): a TV stick or a
// signage player asks for a pairing code with nobody signed in, a leader's session or a displays:write
// token claims it for a display, and the player's secret becomes its device token (learned on its
// pairing socket, see docs/api.md).
import { z } from 'zod';
import { displayInputSchema, pairInputSchema } from '../../shared/displays/displays';
import { SLIDE_TYPE_NAMES } from '../../shared/displays/slides';
import type { ApiOperation } from '../platform/openapi';

export const pairingCreatedSchema = z
	.object({
		code: z.string().describe('Six characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789, shown on the TV; single use.'),
		expiresAt: z.string().describe('Ten minutes from now; ask for a new code then.'),
		secret: z
			.string()
			.describe('Keep it on the device and show it to nobody: it proves on the pairing socket (tv:await) that this device asked for the code, and once the code is claimed it is the device token (socket handshake auth { display: secret }).')
	})
	.meta({ id: 'TvPairing' });

export const screenPairedSchema = z.object({ screenId: z.string() }).meta({ id: 'ScreenPaired' });

export const displaySummarySchema = z
	.object({
		id: z.string(),
		name: z.string(),
		teamId: z.string().nullable(),
		topN: z.int(),
		slides: z.array(z.object({ id: z.string(), type: z.enum(SLIDE_TYPE_NAMES as [string, ...string[]]), durationS: z.int() })),
		screens: z.array(z.object({ id: z.string(), resolution: z.string().nullable(), currentSlide: z.string().nullable(), lastSeenAt: z.string().nullable() }))
	})
	.meta({ id: 'Display' });

const displayIdParams = z.object({ displayId: z.string() });
const unauthorized = { description: 'No session, and the token is missing, unknown or revoked.' };
const forbidden = { description: 'The token lacks the scope, or the caller may not manage this display (reps; leaders of another team).' };
const bad = { description: 'The input is not valid; the message names the field. Nothing was changed.' };

export const displaysApi: ApiOperation[] = [
	{
		method: 'post',
		path: '/api/v1/tv/pairings',
		operationId: 'createTvPairing',
		tag: 'displays',
		summary: 'A pairing code for a TV (nobody signed in)',
		description:
			'The TV shows the code (and a QR code of /displays/pair?code=…), opens a Socket.IO connection with handshake auth `{ pairing: true }` and emits `tv:await` `{ code, secret }`. When a leader claims the code the socket receives `tv:paired` `{ token }`; from then on the TV connects with auth `{ display: token }`. Limited per address.',
		auth: { kind: 'none' },
		responses: { 201: { description: 'A new code.', schema: pairingCreatedSchema }, 429: { description: 'Too many codes from this address; wait.' } }
	},
	{
		method: 'get',
		path: '/api/v1/displays',
		operationId: 'listDisplays',
		tag: 'displays',
		summary: 'The displays the caller manages, with their slides and paired screens',
		auth: { kind: 'token-or-session', scope: 'displays:read' },
		responses: { 200: { description: 'Displays.', schema: z.object({ displays: z.array(displaySummarySchema) }) }, 401: unauthorized, 403: forbidden }
	},
	{
		method: 'post',
		path: '/api/v1/displays',
		operationId: 'createDisplay',
		tag: 'displays',
		summary: 'Create a display (admins; leaders for no team or a team they lead)',
		auth: { kind: 'token-or-session', scope: 'displays:write' },
		body: displayInputSchema,
		responses: { 201: { description: 'Created.', schema: z.object({ id: z.string() }) }, 400: bad, 401: unauthorized, 403: forbidden, 404: { description: 'No such team in the organization.' } }
	},
	{
		method: 'post',
		path: '/api/v1/displays/{displayId}/screens',
		operationId: 'pairScreen',
		tag: 'displays',
		summary: 'Pair a TV with a display by its code',
		description: 'The code is single use and expires ten minutes after the TV asked for it. Tries are limited per person.',
		auth: { kind: 'token-or-session', scope: 'displays:write' },
		params: displayIdParams,
		body: pairInputSchema,
		responses: {
			201: { description: 'Paired: the TV learns its device token on its pairing socket.', schema: screenPairedSchema },
			400: bad,
			401: unauthorized,
			403: forbidden,
			404: { description: 'No such display in the organization, or the code is unknown, used or expired.' },
			429: { description: 'Too many tries; wait.' }
		}
	}
];
