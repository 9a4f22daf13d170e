// The badges API, as the OpenAPI document describes it (see platform/openapi.ts): definitions and a
// member's awards, with a badges:read token or a signed-in member's session.
import { z } from 'zod';
import { ACHIEVEMENT_KINDS } from '../../shared/recognition';
import { BADGE_ICONS, BADGE_MEASURES, BADGE_RULE_KINDS, BADGE_WINDOWS } from '../../shared/badges';
import type { ApiOperation } from '../platform/openapi';

const localized = z.object({ en: z.string().optional(), 'zh-CN': z.string().optional() });
const tier = z.enum(['bronze', 'silver', 'gold']).nullable().describe('null for a badge without tiers.');

export const badgeSchema = z
	.object({
		id: z.string(),
		name: localized,
		description: localized,
		icon: z.enum(BADGE_ICONS),
		rule: z
			.object({
				kind: z.enum(BADGE_RULE_KINDS),
				metric: z.string().optional(),
				measure: z.enum(BADGE_MEASURES).optional(),
				window: z.enum(BADGE_WINDOWS).optional(),
				perDay: z.int().optional(),
				signal: z.enum(ACHIEVEMENT_KINDS).optional()
			})
			.describe('How the badge is earned: first_time, window (a count or value in a window), streak (working days in a row with at least perDay), signal (achievements), personal_best (day or week), manual.'),
		steps: z.array(z.object({ tier, threshold: z.int() })).describe('Tiers in rising order, or one step without a tier.'),
		status: z.enum(['active', 'archived']),
		createdAt: z.string(),
		holders: z.int().describe('Members who hold it (any tier, any period).')
	})
	.meta({ id: 'Badge' });
export const badgeListResponseSchema = z.object({ badges: z.array(badgeSchema) }).meta({ id: 'BadgeList' });

export const awardSchema = z
	.object({
		id: z.string(),
		badge: z.object({ id: z.string(), name: localized, icon: z.enum(BADGE_ICONS), kind: z.enum(BADGE_RULE_KINDS) }),
		tier,
		period: z.string().describe('The period it was awarded for (a day, week or month key, a streak’s first day, or "all").'),
		awardedAt: z.string(),
		reason: z.string().nullable().describe('A manual award’s reason.')
	})
	.meta({ id: 'BadgeAward' });
export const awardListResponseSchema = z.object({ user: z.object({ id: z.string(), name: z.string() }), awards: z.array(awardSchema) }).meta({ id: 'BadgeAwardList' });

export const awardsQuery = z.object({ user: z.string().describe('The member: an e-mail, an external id or a user id.') });

const unauthorized = { description: 'No session, and the token is missing, unknown or revoked.' };
const forbidden = { description: 'The token lacks the badges:read scope.' };

export const badgesApi: ApiOperation[] = [
	{
		method: 'get',
		path: '/api/v1/badges',
		operationId: 'listBadges',
		tag: 'badges',
		summary: 'The organization’s badge definitions',
		auth: { kind: 'token-or-session', scope: 'badges:read' },
		responses: { 200: { description: 'Badges, oldest first.', schema: badgeListResponseSchema }, 401: unauthorized, 403: forbidden }
	},
	{
		method: 'get',
		path: '/api/v1/badges/awards',
		operationId: 'listBadgeAwards',
		tag: 'badges',
		summary: 'A member’s badge awards',
		auth: { kind: 'token-or-session', scope: 'badges:read' },
		query: awardsQuery,
		responses: {
			200: { description: 'The member’s awards, newest first.', schema: awardListResponseSchema },
			400: { description: 'user is missing; the message names it.' },
			401: unauthorized,
			403: forbidden,
			404: { description: 'No such member in the organization.' }
		}
	}
];
