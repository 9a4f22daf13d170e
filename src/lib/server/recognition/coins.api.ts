// The coins API, as the OpenAPI document describes it (see platform/openapi.ts).
import { z } from 'zod';
import { COIN_REASONS } from '../../shared/rewards';
import type { ApiOperation } from '../platform/openapi';
import { LEDGER_PAGE_MAX, ledgerQuerySchema } from './coin.service';

export const coinAccountResponseSchema = z
	.object({
		user: z.object({ id: z.string(), name: z.string() }),
		balance: z.int().describe('Coins now: the sum of every entry of the ledger, never below zero.'),
		entries: z.array(
			z.object({
				id: z.int(),
				amount: z.int().describe('Coins credited (positive) or taken (negative).'),
				reason: z.enum(COIN_REASONS),
				ref: z.string().describe('What the entry is for, unique in the organization (e.g. redeem:<redemption id>, points:<event id>).'),
				note: z.string().nullable(),
				createdAt: z.string()
			})
		),
		next: z.int().nullable().describe('Pass as `before` for the next (older) page; null on the last page.')
	})
	.meta({ id: 'CoinAccount' });

const coinsQuery = z.object({
	limit: ledgerQuerySchema.shape.limit.describe(`Entries per page, 1 to ${LEDGER_PAGE_MAX} (default 20).`),
	before: ledgerQuerySchema.shape.before.describe('Only entries older than this entry id (the previous page’s `next`).')
});

export const coinsApi: ApiOperation[] = [
	{
		method: 'get',
		path: '/api/v1/coins/{user}',
		operationId: 'getCoins',
		tag: 'recognition',
		summary: 'A member’s coin balance and ledger',
		description: 'Newest entries first, paginated with `before`. A signed-in rep may read only their own; leaders and admins anyone in the organization.',
		auth: { kind: 'token-or-session', scope: 'coins:read' },
		params: z.object({ user: z.string().describe('The member’s e-mail, external id or id.') }),
		query: coinsQuery,
		responses: {
			200: { description: 'The balance and a page of the ledger.', schema: coinAccountResponseSchema },
			400: { description: 'A parameter is not valid; the message names it.' },
			401: { description: 'The token is missing, unknown or revoked (and no session).' },
			403: { description: 'The token lacks coins:read, or a rep asked for someone else’s coins.' },
			404: { description: '`user` names nobody in the organization.' },
			503: { description: 'The database cannot be reached now; try again.', headers: { 'Retry-After': 'Seconds to wait.' } }
		}
	}
];
