// Goals as the API, the pages and the service share them: the input schemas and the view of a goal
// with its progress and pace.
import { z } from 'zod';
import { optionalLocalizedTextSchema, type LocalizedText } from '../localized';
import { wellFormed } from '../schemas';
import { PACE_MODES, type PaceMode } from './pace';
import { GOAL_WINDOWS, POINTS_MEASURE } from './boards';

export const GOAL_LIMITS = {
	targetMax: 1e15,
	descriptionMax: 500,
	/** A custom period: from one day to two years. */
	minDays: 1,
	maxDays: 731
} as const;

export const GOAL_STATUSES = ['proposed', 'active', 'declined'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];
export const GOAL_PACES = ['on_track', 'at_risk', 'behind'] as const;
export type GoalPace = (typeof GOAL_PACES)[number];

const ref = wellFormed(z.string().trim().min(1).max(254));
const isoTime = wellFormed(z.string().trim().min(1).max(64)).refine((v) => !Number.isNaN(Date.parse(v)), { message: 'validation.invalid' });

export const goalOwnerSchema = z.union([
	z.object({ org: z.literal(true) }).strict(),
	z.object({ team: ref }).strict(),
	z.object({ member: ref }).strict()
]);
export type GoalOwnerInput = z.infer<typeof goalOwnerSchema>;

export const goalPeriodSchema = z.union([
	/** A calendar period: the one containing `at` (default: now), or `offset` periods after it (1: the next). */
	z.object({ window: z.enum(GOAL_WINDOWS), at: isoTime.optional(), offset: z.coerce.number().int().min(0).max(12).optional() }).strict(),
	/** Custom dates: [start, end). */
	z.object({ start: isoTime, end: isoTime }).strict()
]);
export type GoalPeriodInput = z.infer<typeof goalPeriodSchema>;

/** A whole, positive target (currency in minor units, as event values are). */
const target = z.coerce.number().finite().int('validation.invalid').positive('goals.errors.targetPositive').max(GOAL_LIMITS.targetMax);

export const goalInputSchema = z.object({
	owner: goalOwnerSchema,
	/** A metric's key, or "points". */
	metric: wellFormed(z.string().trim().min(1).max(64)).default(POINTS_MEASURE),
	target,
	period: goalPeriodSchema,
	parent: z.uuid().optional().nullable(),
	description: optionalLocalizedTextSchema(GOAL_LIMITS.descriptionMax),
	pace: z.enum(PACE_MODES).default('working_days')
});
export type GoalInput = z.infer<typeof goalInputSchema>;

export const goalEditSchema = z.object({
	target,
	description: optionalLocalizedTextSchema(GOAL_LIMITS.descriptionMax),
	pace: z.enum(PACE_MODES).default('working_days')
});

export const goalSplitSchema = z.object({
	into: z.enum(['teams', 'members']),
	by: z.enum(['even', 'last_period'])
});

export const goalDecisionSchema = z.object({
	decision: z.enum(['approve', 'decline']),
	reason: wellFormed(z.string().trim().max(300)).optional()
});

export interface GoalMeasure {
	key: string;
	name: LocalizedText;
	unit: 'points' | 'count' | 'currency' | 'minutes';
	currency: string | null;
}

export interface GoalView {
	id: string;
	owner: { kind: 'org'; name: string } | { kind: 'team'; id: string; name: string } | { kind: 'member'; id: string; name: string; email: string; teamId: string | null };
	measure: GoalMeasure;
	target: number;
	actual: number;
	/** actual / target (1 = 100%). */
	attainment: number;
	/** What should be done by now. */
	expected: number;
	pace: GoalPace;
	/** The target is met. */
	reached: boolean;
	/** Per remaining (working) day to finish on time; null once over or met. */
	needPerDay: number | null;
	remainingDays: number;
	paceMode: PaceMode;
	window: 'month' | 'quarter' | 'year' | 'custom';
	period: { key: string; start: string; end: string };
	status: GoalStatus;
	/** The period and its grace are over: actual is the final one. */
	final: boolean;
	parentId: string | null;
	description: LocalizedText;
	createdBy: string | null;
	declineReason: string | null;
	/** Where its live progress is pushed: board:update rows of this board carry `member`. */
	live: { board: string; scope: 'users' | 'teams'; window: string; period: string; member: string } | null;
	/** What the viewer may do with it. */
	can: { edit: boolean; decide: boolean; split: boolean };
}

export interface GoalCascade {
	sum: number;
	difference: number;
	status: 'exact' | 'short' | 'over';
	children: number;
}
