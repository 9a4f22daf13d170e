// Displays shared by the browser and the server: the inputs (zod, also the OpenAPI), what the TV
// receives over its socket, and the celebrations it shows.
import { z } from 'zod';
import { textSchema } from '../schemas';
import { SLIDE_DURATION, SLIDE_TYPE_NAMES, slideScheduleSchema, type SlideSchedule, type SlideType } from './slides';

/** Pairing codes: six characters without look-alikes (no 0/O, 1/I/L), single use, ten minutes. */
export const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 6;
export const PAIRING_TTL_MS = 10 * 60 * 1000;
export const PAIRING_CODE_RE = /^[A-HJKMNP-Z2-9]{6}$/;
export const normalizeCode = (value: unknown) => (typeof value === 'string' ? value.replace(/[\s-]/g, '').toUpperCase() : value);

export const CELEBRATION_KINDS = ['deal', 'badge', 'goal', 'contest', 'kudos'] as const;
export type CelebrationKind = (typeof CELEBRATION_KINDS)[number];

/** Kinds a sound may be uploaded for: every celebration, and "celebrate now" from the remote. */
export const SOUND_KINDS = [...CELEBRATION_KINDS, 'manual'] as const;
export type SoundKind = (typeof SOUND_KINDS)[number];
export const SOUND_MAX_BYTES = 300 * 1024;

/** "event": one event of the metric at or above the threshold; "day": a rep's total of the day crosses it. */
export const TRIGGER_PER = ['event', 'day'] as const;
export const MAX_TRIGGERS = 4;
export const celebrationTriggerSchema = z.object({
	metric: z.string().trim().min(1).max(64),
	threshold: z.number().int().min(1).max(1e12),
	per: z.enum(TRIGGER_PER).default('event')
});
export type CelebrationTrigger = z.output<typeof celebrationTriggerSchema>;

export const displayCelebrationsSchema = z.object({
	enabled: z.boolean().default(true),
	kinds: z.array(z.enum(CELEBRATION_KINDS)).default([...CELEBRATION_KINDS]),
	/** A deal celebration: an event of this metric at or above the threshold (the metric's stored unit). */
	metric: z.string().trim().min(1).max(64).default('deal'),
	threshold: z.number().int().min(1).max(1e12).default(1),
	/** Celebrations play a sound (on TVs where sound was enabled). */
	sound: z.boolean().default(true),
	/** More triggers on any metric, each per event or per day. */
	triggers: z.array(celebrationTriggerSchema).max(MAX_TRIGGERS - 1).default([])
});
export type DisplayCelebrations = z.output<typeof displayCelebrationsSchema>;

/** Every trigger of a display: the deal threshold first, then the others. */
export function triggersOf(c: Pick<DisplayCelebrations, 'metric' | 'threshold'> & { triggers?: CelebrationTrigger[] }): CelebrationTrigger[] {
	return [{ metric: c.metric, threshold: c.threshold, per: 'event' }, ...(c.triggers ?? [])];
}

/** Whether a display's triggers want a metric celebration (the TV's own filter). */
export function triggerMatches(triggers: CelebrationTrigger[], c: { metric?: string; value?: number; per?: 'event' | 'day'; threshold?: number }): boolean {
	return triggers.some((t) => t.metric === c.metric && (c.per === 'day' ? t.per === 'day' && t.threshold === c.threshold : t.per === 'event' && (c.value ?? 0) >= t.threshold));
}
export const DEFAULT_CELEBRATIONS: DisplayCelebrations = displayCelebrationsSchema.parse({});

const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());
const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalId = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.uuid().optional());

export const displayInputSchema = z.object({
	name: textSchema(80),
	team: optionalId,
	topN: intFrom(1, 50).default(10),
	celebrations: displayCelebrationsSchema.optional()
});

export const displayEditSchema = displayInputSchema.partial().extend({ team: z.preprocess((v) => (v === '' ? null : v), z.uuid().nullable().optional()) });

export const slideInputSchema = z.object({
	type: z.enum(SLIDE_TYPE_NAMES as [SlideType, ...SlideType[]]),
	settings: z.record(z.string(), z.unknown()).default({}),
	duration: intFrom(SLIDE_DURATION.min, SLIDE_DURATION.max).default(SLIDE_DURATION.default),
	schedule: slideScheduleSchema.nullable().optional()
});

export const pairInputSchema = z.object({ code: z.preprocess(normalizeCode, z.string().regex(PAIRING_CODE_RE, 'displays.errors.code')) });

export const REMOTE_COMMANDS = ['next', 'previous', 'pin', 'unpin', 'blackout', 'resume', 'celebrate'] as const;
export type RemoteCommand = (typeof REMOTE_COMMANDS)[number];
export const remoteInputSchema = z.object({
	command: z.enum(REMOTE_COMMANDS),
	slideId: optionalId,
	message: z.preprocess((v) => (v === '' ? undefined : v), textSchema(120).optional())
});

export interface TvSlide {
	id: string;
	type: SlideType;
	settings: Record<string, unknown>;
	durationS: number;
	schedule: SlideSchedule | null;
}

/** What a paired TV knows about its display (the ack of tv:hello; tv:changed means ask again). */
export interface TvState {
	screenId: string;
	display: { id: string; name: string; topN: number; celebrations: DisplayCelebrations; timeZone: string; locale: 'en' | 'zh-CN'; organization: string };
	slides: TvSlide[];
	/** The rotation's epoch, a pinned slide, blackout: the presenter's controls. */
	epochAt: number;
	pinnedSlideId: string | null;
	blackout: boolean;
	/** The server's clock when it answered (ms): the TV keeps its offset. */
	serverNow: number;
	/** Uploaded celebration sounds by kind, with their version (others play the built-in chime). */
	sounds: Partial<Record<SoundKind, string>>;
}

export interface TvRow {
	rank: number;
	id: string;
	name: string;
	initials: string;
	team: string | null;
	score: number;
}

/** A slide's live data (the ack of tv:slide): by type. */
export type TvSlideData =
	| { type: 'leaderboard'; board: string; boardName: string; scope: 'users' | 'teams'; window: string; unit: 'points' | 'count' | 'currency' | 'minutes'; currency: string | null; rows: TvRow[] }
	| { type: 'kudos'; items: { id: string; from: string; to: string[]; message: string; value: string | null; spotlight: boolean; at: string }[] }
	| { type: 'badges'; items: { id: string; name: string; initials: string; badge: string; icon: string; tier: 'bronze' | 'silver' | 'gold' | null; at: string }[] }
	| { type: 'contest'; contest: TvContest | null }
	| { type: 'goals'; measure: string | null; team: string | null; goals: TvGoal[]; boards: string[] }
	| { type: 'kpis'; compare: 'day' | 'week'; team: string | null; tiles: TvKpi[]; boards: string[] }
	| { type: 'none' };

export type TvUnit = 'points' | 'count' | 'currency' | 'minutes';

/** A contest as a TV shows it (standings, bracket or challenge), names as members chose to appear. */
export interface TvContest {
	id: string;
	name: string;
	format: string;
	status: string;
	startsAt: string;
	endsAt: string | null;
	target: number | null;
	places: number;
	prizes: { place: number; text: string; points: number }[];
	unit: TvUnit;
	currency: string | null;
	/** The top N (the display's), ranked. */
	rows: (TvRow & { progress: number | null; out: boolean })[];
	participants: number;
	bracket?: { round: number; slot: number; a: TvSide | null; b: TvSide | null; winner: string | null }[];
	challenge?: { total: number; target: number; progress: number; milestones: number[]; contributors: { id: string; name: string; initials: string; score: number }[] };
}
export interface TvSide {
	id: string;
	name: string;
	initials: string;
	seed: number;
	score: number;
}

export interface TvGoal {
	id: string;
	owner: { kind: 'member' | 'team' | 'org'; id: string; name: string; initials: string };
	measure: string;
	unit: TvUnit;
	currency: string | null;
	target: number;
	actual: number;
	/** What should be done by now, as a share of the target (0 to 1). */
	expected: number;
	pace: 'on_track' | 'at_risk' | 'behind';
	reached: boolean;
	remainingDays: number;
}

export interface TvKpi {
	key: string;
	name: string;
	unit: TvUnit;
	currency: string | null;
	/** So far today (or this week). */
	current: number;
	/** The same stretch of yesterday (or last week): from its start to the same time of day (or week). */
	previous: number;
	/** The last days (compare "day") or weeks (compare "week"), oldest first; the last is the current one. */
	series: number[];
}

export interface TvCelebration {
	id: string;
	kind: CelebrationKind | 'manual';
	/** Who it is about (as they chose to appear on displays). */
	name: string;
	initials: string;
	/** What happened, already worded in the display's language. */
	headline: string;
	detail: string;
	/** deal: the metric and value, for the TV's own threshold. */
	metric?: string;
	value?: number;
	/** A day trigger: the threshold the rep's day total crossed. */
	per?: 'event' | 'day';
	threshold?: number;
	at: string;
}

/** How a member appears on displays. */
export function displayName(member: { name: string; display_as?: string | null; display_alias?: string | null }): { name: string; initials: string } {
	const initials = initialsOf(member.name);
	if (member.display_as === 'initials') return { name: initials, initials };
	if (member.display_as === 'alias' && member.display_alias) return { name: member.display_alias, initials: initialsOf(member.display_alias) };
	return { name: member.name, initials };
}

export function initialsOf(name: string): string {
	const parts = name.trim().split(/\s+/).filter(Boolean);
	if (!parts.length) return '?';
	const letters = parts.length === 1 ? [...parts[0]].slice(0, 2) : [[...parts[0]][0], [...parts[parts.length - 1]][0]];
	return letters.join('').toUpperCase();
}
