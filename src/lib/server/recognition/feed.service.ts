// Recognition in the activity feed: when a page opens, the organization's recent badge awards and levels
// reached, as the same moments (same ids) that 'recognition:moment' pushes live, so a moment seen both
// ways shows once. Awards inserted together for one badge and member show as their highest tier, as the
// engine announced them.
import type { Db } from '../db';
import type { BadgeTier, RecognitionMoment } from '../../shared/recognition';
import { recentRecognition } from './badge.repository';
import { bestTiers } from './badge.engine';

export async function recentMoments(db: Db, organizationId: string, since: Date, limit = 20, userIds?: string[]): Promise<RecognitionMoment[]> {
	const { awards, levels } = await recentRecognition(db, organizationId, since, limit * 2, userIds);
	const best = bestTiers(awards, (a) => String(new Date(a.awarded_at).getTime()));
	const moments: RecognitionMoment[] = [
		...best.map(
			(a): RecognitionMoment => ({
				id: `badge:${a.id}`,
				type: 'badge_awarded',
				organizationId,
				user: { id: a.user_id, name: a.user_name },
				at: new Date(a.awarded_at).toISOString(),
				badge: { id: a.badge_id, name: a.badge_name, icon: a.icon, tier: (a.tier || null) as BadgeTier | null }
			})
		),
		...levels.map(
			(l): RecognitionMoment => ({
				id: `level:${l.user_id}:${l.number}`,
				type: 'level_up',
				organizationId,
				user: { id: l.user_id, name: l.user_name },
				at: new Date(l.reached_at).toISOString(),
				level: { number: l.number, name: l.level_name }
			})
		)
	];
	return moments.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, limit);
}
