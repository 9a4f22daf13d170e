import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { POINTS } from '$lib/server/coaching/analytics.service';
import { teamAnalytics } from '$lib/server/coaching/team-analytics.service';
import { openFlagsToReview } from '$lib/server/coaching/flags.service';
import { AppError } from '$lib/server/platform/errors';
import { requireActor } from '$lib/server/platform/http';
import { orgClock } from '$lib/server/scoring/live.service';
import type { PageServerLoad } from './$types';

// Team analytics for leaders (the teams they manage) and admins (every team). Filters live in the URL
// (team, period, metric) so a view can be shared; an unknown period or metric falls back to this
// month's points, a team the reader does not manage is refused.
export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	// Reloaded when a charted member's score changes (realtime/analytics.svelte.ts).
	event.depends('podium:analytics');
	const rt = event.locals.runtime;
	const q = event.url.searchParams;
	const period = q.get('period');
	const query = { team: q.get('team') || undefined, period: period === 'quarter' || period === 'year' ? period : 'month', metric: q.get('metric') || POINTS };
	try {
		let analytics;
		try {
			analytics = await teamAnalytics(rt, actor, query, event.locals.locale);
		} catch (err) {
			if (!(err instanceof AppError) || err.field !== 'metric') throw err;
			analytics = await teamAnalytics(rt, actor, { ...query, metric: POINTS }, event.locals.locale);
		}
		const [clock, openFlags] = await Promise.all([orgClock(rt.db, actor.organizationId), openFlagsToReview(rt.db, actor)]);
		return { analytics, weekStart: clock.weekStart, openFlags };
	} catch (err) {
		if (err instanceof AppError) error(err.status, translate(event.locals.locale, err.key));
		throw err;
	}
};
