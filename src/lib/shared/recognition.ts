// Recognition shared by browser and server: the celebration moments every recognition feature raises
// (a badge awarded, a level reached, a kudos spotlighted, a reward approved), pushed as
// `recognition:moment` to the organization's sockets. The rep it is about sees the full celebration; the
// others see a toast and the activity feed; displays show it on the TV.

export const RECOGNITION_MOMENT_TYPES = ['kudos_received', 'kudos_spotlight', 'badge_awarded', 'level_up', 'reward_approved', 'idea_adopted', 'goal_reached'] as const;
export type RecognitionMomentType = (typeof RECOGNITION_MOMENT_TYPES)[number];

export type BadgeTier = 'bronze' | 'silver' | 'gold';

export interface RecognitionMoment {
	/** Unique per moment: a client that hears it twice (a reconnect) celebrates once. */
	id: string;
	type: RecognitionMomentType;
	organizationId: string;
	/** The rep it celebrates, with their display name. */
	user: { id: string; name: string };
	at: string;
	/** badge_awarded: the badge, its icon and tier (null for a badge without tiers). */
	badge?: { id: string; name: { en?: string; 'zh-CN'?: string }; icon: string; tier: BadgeTier | null };
	/** level_up: the new level and its number (1 = the first). */
	level?: { number: number; name: { en?: string; 'zh-CN'?: string } };
	/** kudos_received / kudos_spotlight: the kudos, its giver and company value. */
	kudos?: { id: string; from: { id: string; name: string }; message: string; value: { en?: string; 'zh-CN'?: string } | null; points: number };
	/** reward_approved: the reward's name. */
	reward?: { id: string; name: { en?: string; 'zh-CN'?: string } };
	/** idea_adopted: the idea's title. */
	idea?: { id: string; title: string };
	/** goal_reached: the goal, what it counts and its target (in the measure's stored unit). */
	goal?: { id: string; measure: { en?: string; 'zh-CN'?: string }; unit: 'points' | 'count' | 'currency' | 'minutes'; currency: string | null; target: number };
}

/**
 * Facts other domains report for badges to count (beyond score events, which the badge engine reads
 * from scores.changed): emitted as the domain event 'achievement.signal', once per fact (`ref` names
 * it: the same ref heard twice counts once).
 */
export const ACHIEVEMENT_KINDS = ['kudos_received', 'contest_won', 'contest_placed', 'goal_attained', 'course_completed', 'idea_adopted'] as const;
export type AchievementKind = (typeof ACHIEVEMENT_KINDS)[number];

/** What a 'recognition:changed' push says changed: pages showing it reload (see RecognitionChange's users). */
export const RECOGNITION_CHANGES = ['rewards', 'redemptions', 'ideas', 'goals'] as const;
export type RecognitionChange = (typeof RECOGNITION_CHANGES)[number];
