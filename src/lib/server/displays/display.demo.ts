// The demo organization's "Sales floor" display: one slide of every type, in the seeding transaction.
import type { Db } from '../db';
import { insertDisplay, insertSlide } from './display.repository';
import { DEFAULT_CELEBRATIONS } from '../../shared/displays/displays';
import { SLIDE_TYPE_NAMES, type SlideType } from '../../shared/displays/slides';

export async function seedDemoDisplays(db: Db, organizationId: string, adminId: string, now: Date) {
	const { id: displayId } = await insertDisplay(db, {
		organization_id: organizationId,
		name: 'Sales floor',
		team_id: null,
		top_n: 8,
		celebrations: { ...DEFAULT_CELEBRATIONS, metric: 'revenue', threshold: 5_000_000 },
		created_by: adminId
	});
	const launch = new Date(now.getTime() + 3 * 86_400_000 + 5 * 3_600_000);
	launch.setUTCMinutes(0, 0, 0);
	const slides: Record<SlideType, { settings: Record<string, unknown>; duration: number }> = {
		leaderboard: { settings: { board: 'revenue', scope: 'users', window: 'month' }, duration: 20 },
		contest: { settings: {}, duration: 15 },
		bracket: { settings: {}, duration: 15 },
		challenge: { settings: {}, duration: 12 },
		goals: { settings: {}, duration: 15 },
		kpis: { settings: { compare: 'day', metrics: ['points', 'call', 'meeting', 'deal', 'revenue', 'new_customer'] }, duration: 12 },
		announcement: { settings: { title: 'Q4 kick-off: every deal counts double on Friday', body: 'Pizza at 6 pm on the 3rd floor. Bring your best story from the quarter.' }, duration: 12 },
		countdown: { settings: { title: 'Spring launch', at: launch.toISOString(), done: 'We are live!' }, duration: 12 },
		kudos: { settings: {}, duration: 15 },
		badges: { settings: { days: 30 }, duration: 12 }
	};
	for (const type of SLIDE_TYPE_NAMES) {
		await insertSlide(db, { organization_id: organizationId, display_id: displayId, type, settings: slides[type].settings, duration_s: slides[type].duration, schedule: null });
	}
	// A second leaderboard: the teams' week.
	await insertSlide(db, { organization_id: organizationId, display_id: displayId, type: 'leaderboard', settings: { board: 'points', scope: 'teams', window: 'week' }, duration_s: 15, schedule: null });
}
