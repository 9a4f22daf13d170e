// Slide types: one zod schema each (here, shared by the editor and the server) and one Svelte component
// each (src/lib/components/displays/slides/, listed in SLIDE_COMPONENTS). A new type adds one entry to
// SLIDE_TYPES and one component; the editor, the API, the TV and the demo iterate this list.
import { z } from 'zod';
import { wellFormed } from '../schemas';
import { WINDOWS } from '../time-windows';

const text = (max: number) => wellFormed(z.string().trim().min(1).max(max));
const optionalText = (max: number) =>
	z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), wellFormed(z.string().trim().min(1).max(max)).optional());

export const leaderboardSlideSchema = z.object({
	board: text(64).default('points'),
	scope: z.enum(['users', 'teams']).default('users'),
	window: z.enum(WINDOWS).default('week'),
	title: optionalText(80)
});

export const announcementSlideSchema = z.object({
	title: text(120),
	body: optionalText(400),
	imageUrl: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).max(500).optional())
});

export const countdownSlideSchema = z.object({
	title: text(120),
	at: z.iso.datetime({ offset: true }),
	done: optionalText(120)
});

export const kudosSlideSchema = z.object({ title: optionalText(80) });

export const badgesSlideSchema = z.object({ title: optionalText(80), days: z.coerce.number().int().min(1).max(90).default(30) });

/** A contest by id; none: the display's current one (live first, then the next to start, then the last result). */
const contestRef = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.uuid().optional());

export const contestSlideSchema = z.object({ contest: contestRef, title: optionalText(80) });
export const bracketSlideSchema = z.object({ contest: contestRef, title: optionalText(80) });
export const challengeSlideSchema = z.object({ contest: contestRef, title: optionalText(80) });

/** Goal pace of the display's team (or the organization): one measure, or every measure with goals. */
export const goalsSlideSchema = z.object({ measure: optionalText(64), title: optionalText(80) });

export const KPI_COMPARES = ['day', 'week'] as const;
export const KPI_MAX = 6;
/** Measures: metric keys or "points", as an array or a comma-separated list (a form field). */
const measureList = z.preprocess(
	(v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : Array.isArray(v) ? v.filter((x) => x !== '') : v),
	z.array(text(64)).max(KPI_MAX, { message: 'displays.errors.tooManyKpis' }).optional()
);
export const kpisSlideSchema = z.object({ compare: z.enum(KPI_COMPARES).default('day'), metrics: measureList, title: optionalText(80) });

export const SLIDE_TYPES = {
	leaderboard: leaderboardSlideSchema,
	contest: contestSlideSchema,
	bracket: bracketSlideSchema,
	challenge: challengeSlideSchema,
	goals: goalsSlideSchema,
	kpis: kpisSlideSchema,
	kudos: kudosSlideSchema,
	badges: badgesSlideSchema,
	announcement: announcementSlideSchema,
	countdown: countdownSlideSchema
} as const;

/**
 * The contest formats each contest slide type shows. Standings pick any but brackets and challenges on
 * their own (those have their slides) and take any contest named; the others only their format.
 */
export const SLIDE_CONTEST_FORMATS: Partial<Record<SlideType, readonly string[]>> = {
	contest: ['race', 'race_to_target', 'team_vs_team', 'duel', 'elimination'],
	bracket: ['bracket'],
	challenge: ['team_challenge']
};

export type SlideType = keyof typeof SLIDE_TYPES;
export const SLIDE_TYPE_NAMES = Object.keys(SLIDE_TYPES) as SlideType[];
export type SlideSettings<T extends SlideType = SlideType> = z.output<(typeof SLIDE_TYPES)[T]>;

export const isSlideType = (value: unknown): value is SlideType => typeof value === 'string' && value in SLIDE_TYPES;

/** When a slide may show: a date range (local days, inclusive), ISO week days (1 = Monday) and hours [from, to). */
export const slideScheduleSchema = z
	.object({
		from: z.iso.date().optional(),
		to: z.iso.date().optional(),
		days: z.array(z.int().min(1).max(7)).max(7).optional(),
		hours: z.object({ from: z.int().min(0).max(23), to: z.int().min(1).max(24) }).optional()
	})
	.refine((s) => !s.from || !s.to || s.from <= s.to, { message: 'displays.errors.scheduleRange', path: ['from'] })
	.refine((s) => !s.hours || s.hours.from < s.hours.to, { message: 'displays.errors.scheduleHours', path: ['hours'] });
export type SlideSchedule = z.output<typeof slideScheduleSchema>;

export const SLIDE_DURATION = { min: 5, max: 600, default: 15 } as const;
