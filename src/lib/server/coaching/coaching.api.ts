// The coaching API (rep and team analytics, anti-gaming flags), as the OpenAPI document describes it
// (see platform/openapi.ts). The routes type their bodies with these schemas' input types, so an answer
// cannot drift from its description without a type error.
import { z } from 'zod';
import { FLAG_KINDS, FLAG_STATUSES, flagDismissSchema } from '../../shared/flags';
import type { ApiOperation } from '../platform/openapi';
import { ANALYTICS_PERIODS } from './analytics.service';

const text = z.record(z.string(), z.string()).describe('Localized text: { en?, "zh-CN"? }.');
const day = z.string().describe('A local day of the organization, YYYY-MM-DD.');

const metricChoice = z
	.object({
		key: z.string().describe('"points", or a metric’s key.'),
		name: text.nullable().describe('The metric’s name; null for points.'),
		unit: z.enum(['points', 'count', 'currency', 'minutes']),
		currency: z.string().nullable()
	})
	.meta({ id: 'AnalyticsMetric' });

const linePoint = z.object({ index: z.int(), day, value: z.number(), total: z.number().describe('Running total from the period’s first day.') });
const lineSeries = z
	.object({
		current: z.array(linePoint).describe('This period, up to today.'),
		ghost: z.array(linePoint).describe('The previous period, day n against day n, cut to this period’s length.'),
		goal: z.array(z.object({ index: z.int(), value: z.number() })).nullable().describe('The pro-rata path to the goal; null without a goal.'),
		length: z.int()
	})
	.meta({ id: 'AnalyticsLine' });

export const repAnalyticsSchema = z
	.object({
		member: z.object({ id: z.string(), name: z.string() }),
		period: z.object({ window: z.enum(ANALYTICS_PERIODS), key: z.string(), days: z.array(day), previousKey: z.string(), previousDays: z.array(day), today: day }),
		metric: metricChoice,
		metrics: z.array(metricChoice),
		line: lineSeries,
		goal: z.object({ target: z.number() }).nullable(),
		totals: z.object({ current: z.number(), previous: z.number(), trend: z.number().nullable().describe('Against the previous period to the same day: 0.1 is +10%.'), previousToDate: z.number() }),
		rank: z.object({
			weeks: z.array(day).describe('The first day of each week.'),
			rows: z.array(z.object({ id: z.string(), ranks: z.array(z.int().nullable()), scores: z.array(z.number()) })),
			names: z.record(z.string(), z.string()),
			scope: z.enum(['team', 'org'])
		}),
		calendar: z.object({
			from: day,
			to: day,
			cells: z.array(z.object({ day, week: z.int(), weekday: z.int(), value: z.number(), level: z.int().min(0).max(4) })),
			weeks: z.int(),
			thresholds: z.array(z.number()),
			activeDays: z.int(),
			total: z.number()
		})
	})
	.meta({ id: 'RepAnalytics' });

export const teamAnalyticsSchema = z
	.object({
		teams: z.array(z.object({ id: z.string(), name: z.string() })).describe('The teams the caller may read.'),
		team: z.object({ id: z.string(), name: z.string() }).nullable(),
		period: z.object({ window: z.enum(ANALYTICS_PERIODS), key: z.string(), days: z.array(day), today: day }),
		metric: metricChoice,
		metrics: z.array(metricChoice),
		reps: z.array(
			z.object({
				id: z.string(),
				name: z.string(),
				current: z.number(),
				previousToDate: z.number(),
				trend: z.number().nullable(),
				attainment: z.number().nullable().describe('Of the rep’s goal for the period: 1 is 100%; null without a goal.'),
				target: z.number().nullable(),
				funnel: z.array(z.number()).describe('Calls, meetings and deals, in the order of funnel.stages.'),
				active: z.boolean(),
				kudosGiven: z.int(),
				kudosReceived: z.int()
			})
		),
		line: lineSeries,
		totals: z.object({ current: z.number(), previousToDate: z.number(), trend: z.number().nullable() }),
		attainment: z.object({ bins: z.array(z.object({ from: z.number(), to: z.number().nullable(), ids: z.array(z.string()) })), withGoal: z.int(), farBehind: z.array(z.string()) }),
		funnel: z.object({ stages: z.array(z.object({ key: z.string(), value: z.number(), stepRate: z.number().nullable(), overallRate: z.number().nullable() })), names: z.record(z.string(), text) }),
		engagement: z.object({
			activeReps: z.int(),
			reps: z.int(),
			kudosGiven: z.int(),
			kudosReceived: z.int(),
			training: z.object({ assigned: z.int(), completed: z.int(), overdue: z.int() }).nullable()
		}),
		contest: z
			.object({ id: z.string(), name: text, start: z.string(), end: z.string(), days: z.number(), live: z.boolean(), perDay: z.object({ before: z.number(), during: z.number(), after: z.number().nullable() }) })
			.nullable()
	})
	.meta({ id: 'TeamAnalytics' });

const flagDetails = z
	.discriminatedUnion('kind', [
		z.object({
			kind: z.literal('self_report_spike'),
			day,
			metrics: z.array(z.object({ key: z.string(), name: text, unit: z.string(), currency: z.string().nullable(), value: z.number(), median: z.number(), mad: z.number(), z: z.number(), historyDays: z.int() }))
		}),
		z.object({
			kind: z.literal('bunching'),
			boundary: z.enum(['month', 'quarter', 'contest']),
			label: z.string(),
			contest: z.object({ id: z.string(), name: text }).nullable(),
			hours: z.number(),
			inWindow: z.int(),
			total: z.int(),
			share: z.number(),
			expected: z.number().describe('The share an even spread would give (the rep’s own rate).'),
			lift: z.number()
		}),
		z.object({ kind: z.literal('voids'), month: z.string(), voided: z.int(), total: z.int(), rate: z.number(), baseline: z.number().describe('The void rate of everyone else in the organization.') }),
		z.object({ kind: z.literal('duplicate_notes'), month: z.string(), notes: z.array(z.object({ note: z.string(), count: z.int() })) })
	])
	.meta({ id: 'FlagDetails' });

export const flagViewSchema = z
	.object({
		id: z.string(),
		kind: z.enum(FLAG_KINDS),
		status: z.enum(FLAG_STATUSES),
		rep: z.object({ id: z.string(), name: z.string(), teamId: z.string().nullable(), teamName: z.string().nullable() }),
		window: z.object({ key: z.string().describe('A local day, "month:YYYY-MM" or "contest:<id>": one flag per rep, kind and window.'), start: z.string(), end: z.string() }),
		score: z.number().describe('How strong: the robust z, the share, the void rate, or the repeats.'),
		details: flagDetails,
		eventIds: z.array(z.int()).describe('The events that raised it (see /team/flags/{id} for their receipt lines).'),
		detectedAt: z.string(),
		dismissal: z.object({ by: z.object({ id: z.string(), name: z.string() }).nullable(), at: z.string(), reason: z.string() }).nullable()
	})
	.meta({ id: 'Flag' });

export const flagListSchema = z
	.object({
		status: z.enum(['open', 'dismissed', 'all']),
		teams: z.array(z.object({ id: z.string(), name: z.string() })),
		team: z.object({ id: z.string(), name: z.string() }).nullable(),
		flags: z.array(flagViewSchema),
		counts: z.object({ open: z.int(), dismissed: z.int() }),
		byKind: z.array(z.object({ kind: z.enum(FLAG_KINDS), open: z.int(), dismissed: z.int() }))
	})
	.meta({ id: 'FlagList' });

export const flagDismissedSchema = z.object({ id: z.string(), status: z.literal('dismissed'), dismissedAt: z.string() }).meta({ id: 'FlagDismissed' });

const analyticsQuery = z.object({
	period: z.enum(ANALYTICS_PERIODS).optional().describe('Default month (the current one, in the organization’s time zone).'),
	metric: z.string().optional().describe('"points" (default) or an active metric’s key.')
});

const unauthorized = { description: 'No session, and the token is missing, unknown or revoked.' };
const bad = { description: 'The input is not valid; the message names the field. Nothing was changed.' };

export const coachingApi: ApiOperation[] = [
	{
		method: 'get',
		path: '/api/v1/analytics/reps/{userId}',
		operationId: 'getRepAnalytics',
		tag: 'coaching',
		summary: 'A rep’s analytics: running total against goal and last period, rank by week, a year of activity',
		description: 'What the rep’s profile charts draw. The rep themselves, leaders of the rep’s teams and admins may read it.',
		auth: { kind: 'token-or-session', scope: 'analytics:read' },
		params: z.object({ userId: z.uuid() }),
		query: analyticsQuery,
		responses: {
			200: { description: 'The analytics.', schema: repAnalyticsSchema },
			400: bad,
			401: unauthorized,
			403: { description: 'The token lacks the scope, or the caller may not read this member.' },
			404: { description: 'No such member in the organization.' }
		}
	},
	{
		method: 'get',
		path: '/api/v1/analytics/teams/{teamId}',
		operationId: 'getTeamAnalytics',
		tag: 'coaching',
		summary: 'A team’s analytics: its reps (and sub-teams’), goal attainment, funnel, engagement, contest impact',
		description: 'What the team analytics page draws. Leaders of the team (or above it) and admins may read it; reps never.',
		auth: { kind: 'token-or-session', scope: 'analytics:read' },
		params: z.object({ teamId: z.uuid() }),
		query: analyticsQuery,
		responses: {
			200: { description: 'The analytics.', schema: teamAnalyticsSchema },
			400: bad,
			401: unauthorized,
			403: { description: 'The token lacks the scope, the caller is a rep, or the team is not theirs.' },
			404: { description: 'No such team in the organization.' }
		}
	},
	{
		method: 'get',
		path: '/api/v1/flags',
		operationId: 'listFlags',
		tag: 'coaching',
		summary: 'Anti-gaming flags to review',
		description:
			'Unusual patterns for a leader to look at, never penalties: self-reports far above the rep’s own norm (robust z over 28 days), events bunched before a month, quarter or contest end, many voids, the same note repeated. Leaders see the reps of the teams they manage, admins everyone; reps are refused.',
		auth: { kind: 'token-or-session', scope: 'flags:read' },
		query: z.object({
			status: z.enum(['open', 'dismissed', 'all']).optional().describe('Default open.'),
			team: z.uuid().optional().describe('Only this team and the teams below it.')
		}),
		responses: {
			200: { description: 'The flags, open first then newest.', schema: flagListSchema },
			400: bad,
			401: unauthorized,
			403: { description: 'The token lacks the scope, the caller is a rep, or the team is not theirs.' },
			404: { description: 'No such team in the organization.' }
		}
	},
	{
		method: 'post',
		path: '/api/v1/flags/{flagId}/dismiss',
		operationId: 'dismissFlag',
		tag: 'coaching',
		summary: 'Dismiss a flag with a reason',
		description: 'The reason goes to the audit log. Of two dismissals of one flag, one succeeds and the other is a 409 naming who dismissed it.',
		auth: { kind: 'token-or-session', scope: 'flags:write' },
		params: z.object({ flagId: z.uuid() }),
		body: flagDismissSchema,
		responses: {
			200: { description: 'Dismissed.', schema: flagDismissedSchema },
			400: bad,
			401: unauthorized,
			403: { description: 'The token lacks the scope, or the caller is a rep.' },
			404: { description: 'No such flag, or not the caller’s to review.' },
			409: { description: 'The flag was dismissed already.' },
			415: { description: 'A body was sent with a content type other than application/json. Nothing was changed.' }
		}
	}
];
