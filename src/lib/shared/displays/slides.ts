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

export const SLIDE_TYPES = {
	leaderboard: leaderboardSlideSchema,
	announcement: announcementSlideSchema,
	countdown: countdownSlideSchema,
	kudos: kudosSlideSchema,
	badges: badgesSlideSchema
} as const;

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
