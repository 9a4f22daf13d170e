// Badges and levels, shared by browser and server: the icon set's names, the rule kinds, the input
// schema of a badge definition (also the API's), and the default levels.
import { z } from 'zod';
import { ACHIEVEMENT_KINDS, type BadgeTier } from './recognition';
import { localizedTextSchema, optionalLocalizedTextSchema, type LocalizedText } from './localized';

export const BADGE_ICONS = [
	'trophy', 'flame', 'rocket', 'star', 'phone', 'handshake', 'target', 'crown', 'medal', 'lightning', 'diamond', 'mountain',
	'heart', 'book', 'graduation', 'chart', 'coffee', 'clock', 'sun', 'moon', 'shield', 'gem', 'bullseye', 'megaphone',
	'lightbulb', 'flag', 'calendar', 'thumbsup'
] as const;
export type BadgeIcon = (typeof BADGE_ICONS)[number];

export const BADGE_TIERS = ['bronze', 'silver', 'gold'] as const satisfies readonly BadgeTier[];
export const BADGE_RULE_KINDS = ['first_time', 'window', 'streak', 'signal', 'personal_best', 'manual'] as const;
export type BadgeRuleKind = (typeof BADGE_RULE_KINDS)[number];
export const BADGE_WINDOWS = ['day', 'week', 'month', 'quarter', 'year', 'all'] as const;
export type BadgeWindow = (typeof BADGE_WINDOWS)[number];
export const BADGE_MEASURES = ['count', 'value'] as const;
export type BadgeMeasure = (typeof BADGE_MEASURES)[number];

export type BadgeRule =
	| { kind: 'first_time'; metric: string }
	| { kind: 'window'; metric: string; measure: BadgeMeasure; window: BadgeWindow }
	/** N consecutive working days with at least `perDay` (count or value) of the metric, within `window` ('all': no limit). */
	| { kind: 'streak'; metric: string; measure: BadgeMeasure; perDay: number; window: BadgeWindow }
	| { kind: 'signal'; signal: (typeof ACHIEVEMENT_KINDS)[number]; window: BadgeWindow }
	/** A rep's day or week total on the metric beats their best earlier day or week. */
	| { kind: 'personal_best'; metric: string; measure: BadgeMeasure; window: 'day' | 'week' }
	| { kind: 'manual' };

/** One step of a badge: a tier (null for a badge without tiers) and the threshold it needs. */
export interface BadgeStep {
	tier: BadgeTier | null;
	threshold: number;
}

export interface BadgeDefinition {
	id: string;
	name: LocalizedText;
	description: LocalizedText;
	icon: BadgeIcon;
	rule: BadgeRule;
	steps: BadgeStep[];
	status: 'active' | 'archived';
	createdAt: string;
}

/** Rules whose thresholds are implied (the first time; a personal best; a manual award). */
export const THRESHOLDLESS: readonly BadgeRuleKind[] = ['first_time', 'personal_best', 'manual'];

/** The most working days (Monday to Friday) a window can hold: a streak longer than that can never happen in it. */
export const WORKING_DAYS_IN: Record<BadgeWindow, number> = { day: 1, week: 5, month: 23, quarter: 66, year: 262, all: Infinity };

export const BADGE_NAME_MAX = 60;
export const BADGE_DESCRIPTION_MAX = 240;
export const MAX_THRESHOLD = 1_000_000_000_000;

const threshold = z.coerce.number().int('validation.badgeThreshold').min(1, 'validation.badgeThreshold').max(MAX_THRESHOLD, 'validation.badgeThreshold');
const optionalThreshold = z.preprocess((v) => (v === '' || v == null ? undefined : v), threshold.optional());
const metricKey = z.string().trim().min(1).max(64);

/** A badge as created from the admin form or the API; `rule.*` and `tiers.*` fields are flattened so a refusal names them. */
export const badgeInputSchema = z
	.object({
		name: localizedTextSchema(BADGE_NAME_MAX),
		description: optionalLocalizedTextSchema(BADGE_DESCRIPTION_MAX),
		icon: z.enum(BADGE_ICONS),
		kind: z.enum(BADGE_RULE_KINDS),
		metric: z.preprocess((v) => (v === '' ? undefined : v), metricKey.optional()),
		measure: z.enum(BADGE_MEASURES).default('count'),
		window: z.enum(BADGE_WINDOWS).default('all'),
		perDay: optionalThreshold,
		signal: z.preprocess((v) => (v === '' ? undefined : v), z.enum(ACHIEVEMENT_KINDS).optional()),
		tiered: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()),
		threshold: optionalThreshold,
		bronze: optionalThreshold,
		silver: optionalThreshold,
		gold: optionalThreshold,
		backfill: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()).default(false)
	});
export type BadgeInput = z.output<typeof badgeInputSchema>;

export interface BadgeRuleIssue {
	field: string;
	key: 'validation.required' | 'validation.badgeThreshold' | 'validation.badgeTiersOrder' | 'validation.badgeStreakWindow' | 'validation.choice';
}

/**
 * A parsed badge input to its rule and steps, or the first problem naming its field. A rule that can
 * never fire is refused: a threshold of zero (the schema), tiers out of order, a streak longer than its window.
 */
export function badgeRuleOf(input: BadgeInput): { ok: true; rule: BadgeRule; steps: BadgeStep[] } | { ok: false; issue: BadgeRuleIssue } {
	const fail = (field: string, key: BadgeRuleIssue['key']) => ({ ok: false as const, issue: { field, key } });
	let rule: BadgeRule;
	switch (input.kind) {
		case 'first_time':
			if (!input.metric) return fail('metric', 'validation.required');
			rule = { kind: 'first_time', metric: input.metric };
			break;
		case 'window':
			if (!input.metric) return fail('metric', 'validation.required');
			rule = { kind: 'window', metric: input.metric, measure: input.measure, window: input.window };
			break;
		case 'streak':
			if (!input.metric) return fail('metric', 'validation.required');
			if (input.perDay === undefined) return fail('perDay', 'validation.required');
			rule = { kind: 'streak', metric: input.metric, measure: input.measure, perDay: input.perDay, window: input.window };
			break;
		case 'signal':
			if (!input.signal) return fail('signal', 'validation.required');
			rule = { kind: 'signal', signal: input.signal, window: input.window };
			break;
		case 'personal_best':
			if (!input.metric) return fail('metric', 'validation.required');
			if (input.window !== 'day' && input.window !== 'week') return fail('window', 'validation.choice');
			rule = { kind: 'personal_best', metric: input.metric, measure: input.measure, window: input.window };
			break;
		case 'manual':
			rule = { kind: 'manual' };
			break;
	}
	let steps: BadgeStep[];
	if (THRESHOLDLESS.includes(rule.kind)) {
		steps = [{ tier: null, threshold: 1 }];
	} else if (input.tiered) {
		steps = [];
		for (const tier of BADGE_TIERS) {
			const value = input[tier];
			if (value === undefined) return fail(tier, 'validation.required');
			if (steps.length && value <= steps[steps.length - 1].threshold) return fail(tier, 'validation.badgeTiersOrder');
			steps.push({ tier, threshold: value });
		}
	} else {
		if (input.threshold === undefined) return fail('threshold', 'validation.required');
		steps = [{ tier: null, threshold: input.threshold }];
	}
	if (rule.kind === 'streak') {
		const longest = steps[steps.length - 1].threshold;
		if (longest > WORKING_DAYS_IN[rule.window]) return fail('window', 'validation.badgeStreakWindow');
	}
	return { ok: true, rule, steps };
}

/** The metric a rule reads, if any. */
export function ruleMetric(rule: BadgeRule): string | null {
	return 'metric' in rule ? rule.metric : null;
}

export interface LevelDefinition {
	number: number;
	name: LocalizedText;
	threshold: number;
}

export const DEFAULT_LEVELS: LevelDefinition[] = [
	{ number: 1, name: { en: 'Rookie', 'zh-CN': '新秀' }, threshold: 0 },
	{ number: 2, name: { en: 'Closer', 'zh-CN': '成交手' }, threshold: 500 },
	{ number: 3, name: { en: 'Rainmaker', 'zh-CN': '呼风唤雨' }, threshold: 2_000 },
	{ number: 4, name: { en: 'Legend', 'zh-CN': '传奇' }, threshold: 10_000 }
];

/** The level of `points` lifetime points, and the progress toward the next (null at the top). */
export function levelOf(levels: readonly LevelDefinition[], points: number): { level: LevelDefinition; next: LevelDefinition | null; progress: number } {
	const sorted = [...levels].sort((a, b) => a.threshold - b.threshold);
	let index = 0;
	for (let i = 0; i < sorted.length; i++) if (points >= sorted[i].threshold) index = i;
	const level = sorted[index];
	const next = sorted[index + 1] ?? null;
	const progress = next ? Math.max(0, Math.min(1, (points - level.threshold) / (next.threshold - level.threshold))) : 1;
	return { level, next, progress };
}

export const levelsInputSchema = z.object({
	levels: z
		.array(z.object({ name: localizedTextSchema(40), threshold: z.coerce.number().int().min(0).max(MAX_THRESHOLD) }))
		.min(2, 'validation.levelsCount')
		.max(10, 'validation.levelsCount')
});
