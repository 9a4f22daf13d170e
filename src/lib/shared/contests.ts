// Contests and team challenges: the shapes shared by the server, the API and the browser.
// The input schema checks what can be checked without the database (the service checks the rest:
// teams, members and metrics of the organization, permissions). Messages are catalog keys, and each
// issue's path names the field.
import { z } from 'zod';
import { localizedTextSchema, optionalLocalizedTextSchema, type LocalizedText } from './localized';
import { wellFormed } from './schemas';

export const CONTEST_FORMATS = ['race', 'race_to_target', 'team_vs_team', 'duel', 'bracket', 'elimination', 'team_challenge'] as const;
export type ContestFormat = (typeof CONTEST_FORMATS)[number];

/** draft → scheduled → live → ended (the grace period for late events) → final; or cancelled. */
export const CONTEST_STATUSES = ['draft', 'scheduled', 'live', 'ended', 'final', 'cancelled'] as const;
export type ContestStatus = (typeof CONTEST_STATUSES)[number];

export const CONTEST_RANK_BY = ['total', 'percent_of_target', 'average_per_member'] as const;
export type ContestRankBy = (typeof CONTEST_RANK_BY)[number];

/** Formats whose participants are teams (existing teams, or ad-hoc contest teams). */
export const TEAM_FORMATS: readonly ContestFormat[] = ['team_vs_team', 'team_challenge'];

export const CONTEST_LIMITS = {
	nameMax: 80,
	descriptionMax: 2000,
	prizeTextMax: 200,
	placesMin: 1,
	placesMax: 10,
	placesDefault: 3,
	graceMinMinutes: 0,
	graceMaxMinutes: 60,
	graceDefaultMinutes: 10,
	/** A contest lasts from 1 minute to 1 year. */
	minDurationMs: 60_000,
	maxDurationMs: 366 * 24 * 3600_000,
	/** A start may be at most this far in the past when the contest is created or scheduled. */
	startSlackMs: 5 * 60_000,
	duelMinMs: 3600_000,
	duelMaxMs: 7 * 24 * 3600_000,
	/** An unanswered duel lapses after this long. */
	duelAnswerMs: 24 * 3600_000,
	bracketMin: 4,
	bracketMax: 64,
	weightMax: 1000,
	prizePointsMax: 1_000_000,
	targetMax: 1e12,
	/** Team challenge milestones, in percent of the target. */
	milestones: [25, 50, 75, 100] as const,
	/** The "final ten minutes" moment. */
	finalStretchMs: 10 * 60_000
} as const;

const isoTime = wellFormed(z.string().trim().min(1).max(64)).refine((v) => !Number.isNaN(Date.parse(v)), { message: 'validation.invalid' });
const positive = z.number().finite().positive().max(CONTEST_LIMITS.targetMax);

export const contestScoringSchema = z.object({
	/** "points" counts the points of every event; otherwise a weighted mix of metrics (by key). */
	metrics: z.union([
		z.literal('points'),
		z
			.array(z.object({ metric: wellFormed(z.string().trim().min(1).max(64)), weight: z.number().finite().positive().max(CONTEST_LIMITS.weightMax).default(1) }))
			.min(1)
			.max(10)
	]),
	by: z.enum(CONTEST_RANK_BY).default('total')
});

export const contestParticipantsSchema = z.union([
	z.object({ all: z.literal(true) }).strict(),
	z.object({ teams: z.array(z.uuid()).min(1).max(64) }).strict(),
	/** Members by e-mail, external id or id. */
	z.object({ members: z.array(wellFormed(z.string().trim().min(1).max(254))).min(1).max(500) }).strict(),
	/** Ad-hoc contest teams for the team formats: each a name and its members (e-mail, external id or id). */
	z
		.object({
			adhoc: z
				.array(z.object({ name: localizedTextSchema(CONTEST_LIMITS.nameMax), members: z.array(wellFormed(z.string().trim().min(1).max(254))).min(1).max(500) }))
				.min(2)
				.max(64)
		})
		.strict()
]);

export const contestPrizeSchema = z.object({
	place: z.number().int().min(1).max(CONTEST_LIMITS.placesMax),
	text: optionalLocalizedTextSchema(CONTEST_LIMITS.prizeTextMax),
	points: z.number().int().min(0).max(CONTEST_LIMITS.prizePointsMax).default(0)
});

export const contestRepeatSchema = z.union([
	z.object({ every: z.literal('none') }),
	z.object({ every: z.literal('day') }),
	/** ISO weekdays, 1 = Monday … 7 = Sunday. */
	z.object({ every: z.literal('week'), days: z.array(z.number().int().min(1).max(7)).min(1).max(7) })
]);

export const contestInputSchema = z.object({
	name: localizedTextSchema(CONTEST_LIMITS.nameMax),
	description: optionalLocalizedTextSchema(CONTEST_LIMITS.descriptionMax),
	format: z.enum(CONTEST_FORMATS),
	scoring: contestScoringSchema,
	startsAt: isoTime,
	endsAt: isoTime.optional(),
	graceMinutes: z.number().int().min(CONTEST_LIMITS.graceMinMinutes).max(CONTEST_LIMITS.graceMaxMinutes).default(CONTEST_LIMITS.graceDefaultMinutes),
	participants: contestParticipantsSchema,
	/** One shared target (race to target, team challenge), and/or one per participant (percent of target). */
	target: positive.optional(),
	targets: z.record(z.string().min(1).max(254), positive).optional(),
	places: z.number().int().min(CONTEST_LIMITS.placesMin).max(CONTEST_LIMITS.placesMax).default(CONTEST_LIMITS.placesDefault),
	prizes: z.array(contestPrizeSchema).max(CONTEST_LIMITS.placesMax).default([]),
	repeat: contestRepeatSchema.default({ every: 'none' }),
	/** Bracket: round length in minutes, and seeding by last period's points or by hand (the members' order). */
	bracket: z.object({ roundMinutes: z.number().int().min(1).max(60 * 24 * 31), seeding: z.enum(['points', 'manual']).default('points') }).optional(),
	/** Elimination: the last place leaves every `everyMinutes`. */
	elimination: z.object({ everyMinutes: z.number().int().min(1).max(60 * 24 * 31) }).optional(),
	/** Hidden (test) mode: runs without notifying anyone. */
	hidden: z.boolean().default(false),
	status: z.enum(['draft', 'scheduled']).default('draft')
});
export type ContestInput = z.infer<typeof contestInputSchema>;

/** One row of a contest's standings: shaped like a leaderboard entry, plus the contest's own fields. */
export interface ContestStanding {
	rank: number;
	id: string;
	name: string;
	team: { id: string; name: string } | null;
	/** null: masked for a rep whose organization shows reps only ranks (transparency). */
	score: number | null;
	/** The event that last changed the score: equal scores go to the smaller (who got there first). */
	tie?: number;
	/** 0 to 1 where a target applies. */
	progress?: number;
	/** When the participant was eliminated (elimination), or lost (bracket). */
	eliminated?: string | null;
	/** A participant deactivated during the contest stays visible and marked. */
	inactive?: boolean;
	/** Once final: the place won and its prize. */
	place?: number | null;
	prize?: { text: string; points: number } | null;
}

export interface ContestBracketMatch {
	round: number;
	slot: number;
	a: { id: string; name: string; seed: number; score: number } | null;
	b: { id: string; name: string; seed: number; score: number } | null;
	/** null while undecided; a bye goes to the one present. */
	winner: string | null;
	startsAt: string;
	endsAt: string;
}

/** A match as a reader sees it: the other side's score is null for a rep shown only ranks (transparency). */
export type ContestBracketView = Omit<ContestBracketMatch, 'a' | 'b'> & {
	a: (Omit<NonNullable<ContestBracketMatch['a']>, 'score'> & { score: number | null }) | null;
	b: (Omit<NonNullable<ContestBracketMatch['b']>, 'score'> & { score: number | null }) | null;
};

export interface ContestSummary {
	id: string;
	name: string;
	description: string;
	format: ContestFormat;
	status: ContestStatus;
	startsAt: string;
	endsAt: string | null;
	hidden: boolean;
	/** Whether the reader takes part (their own contests list first). */
	mine: boolean;
	participantCount: number;
	leader: { id: string; name: string; score: number | null } | null;
}

export interface ContestView extends ContestSummary {
	/** The localized texts as stored, for the builder. */
	texts: { name: LocalizedText; description: LocalizedText };
	scoring: ContestInput['scoring'];
	graceMinutes: number;
	target: number | null;
	places: number;
	prizes: { place: number; text: string; points: number }[];
	/** The epoch of the contest's push counter: a new one (the live store lost its counters) restarts seq. */
	epoch: string;
	seq: number;
	standings: ContestStanding[];
	/** Team challenge: the shared progress, the milestones reached and who contributed. */
	challenge?: { total: number; target: number; progress: number; milestones: number[]; contributors: { id: string; name: string; score: number | null }[] };
	bracket?: ContestBracketView[];
	/** Notes on corrections that arrived after the results were frozen (they never change them). */
	notes: string[];
	/** Whether the reader may edit, cancel or extend it. */
	canManage: boolean;
	/** The rules as set, for those who manage the contest (the builder edits a draft from these). */
	rules?: ContestRules;
}

/** A contest's rules as the builder set them, with members and teams resolved to their ids. */
export interface ContestRules {
	participants: { all: true } | { teams: string[] } | { members: string[] } | { adhoc: { name: LocalizedText; members: string[] }[] };
	/** Per-participant targets by member or team id. */
	targets: Record<string, number>;
	repeat: ContestInput['repeat'];
	prizes: { place: number; text: LocalizedText; points: number }[];
	bracket?: { roundMinutes: number; seeding: 'points' | 'manual' };
	elimination?: { everyMinutes: number };
	/** A duel: the colleague challenged, and its length in hours. */
	duel?: { opponent: string; hours: number };
}

export const CONTEST_MOMENTS = ['started', 'new_leader', 'target_reached', 'milestone', 'final_stretch', 'eliminated', 'ended'] as const;
export type ContestMomentType = (typeof CONTEST_MOMENTS)[number];

export interface ContestMoment {
	type: ContestMomentType;
	contestId: string;
	contestName: string;
	at: string;
	/** Who it is about: the new leader, the one who reached the target, the eliminated one. */
	participant?: { id: string; name: string };
	/** milestone: the percent reached. */
	milestone?: number;
	/** ended: the podium (scores null where the organization shows reps only ranks). */
	podium?: { place: number; id: string; name: string; score: number | null }[];
}

export interface ContestUpdatePayload {
	contestId: string;
	/** The epoch of `seq` (see ContestView.epoch): seq orders pushes within one epoch only. */
	epoch: string;
	seq: number;
	status: ContestStatus;
	/** The rows whose score, rank or state changed. */
	rows: ContestStanding[];
	challenge?: ContestView['challenge'];
	/**
	 * To a limited view (a rep under the organization's transparency settings): the contest changed, and
	 * no rows come with it; the reader reads its own view again (contest:subscribe).
	 */
	refresh?: true;
}

export interface ContestBacktestFigures {
	/** Who would have won, by place. */
	winners: { place: number; id: string; name: string; score: number }[];
	participants: number;
	/** How many would have scored at all. */
	scored: number;
	/** The share of the total scored by the top 20% of participants (0 to 1). */
	topShare: number;
}

export interface ContestBacktestResult {
	from: string;
	to: string;
	asSet: ContestBacktestFigures;
	/** The same figures ranked by percent of each participant's target (absent when no targets apply). */
	percentOfTarget: ContestBacktestFigures | null;
	tookMs: number;
}
