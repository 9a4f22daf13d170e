// GET /leaderboards/receipt?member=&board=&scope=&window=: the events behind one score, for any member of the org.
import { json } from '@sveltejs/kit';
import { requireActor } from '$lib/server/platform/http';
import { receipt } from '$lib/server/scoring/activity.service';
import { assertReceiptVisible } from '$lib/server/transparency/transparency.service';
import { appealedLines } from '$lib/server/coaching/appeal.service';
import { listMembers } from '$lib/server/org/membership.repository';
import { describeError } from '$lib/server/platform/validation';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	if (!event.locals.actor) return json({ error: 'Sign in first' }, { status: 401 });
	const actor = requireActor(event);
	try {
		const db = event.locals.runtime.db;
		// A rep limited by the transparency settings reads only the receipts of scores they may see.
		await assertReceiptVisible(event.locals.runtime, actor, Object.fromEntries(event.url.searchParams));
		const data = await receipt(db, actor.organizationId, Object.fromEntries(event.url.searchParams));
		// Your own lines may be appealed: say which are under appeal already, and who else could be credited.
		const mine = data.scope === 'users' && event.url.searchParams.get('member') === actor.userId;
		if (!mine) return json({ ...data, appeal: null });
		const [appealed, members] = await Promise.all([
			appealedLines(db, actor.organizationId, data.lines.map((l) => l.eventId)),
			event.url.searchParams.has('cursor') ? Promise.resolve([]) : listMembers(db, actor.organizationId)
		]);
		return json({
			...data,
			appeal: {
				appealed: [...appealed],
				members: members.filter((m) => m.status === 'active' && m.user_id !== actor.userId).map((m) => ({ id: m.user_id, name: m.name }))
			}
		});
	} catch (error) {
		const described = describeError(event.locals.locale, error);
		if (!described) throw error;
		return json({ error: described.message, fields: described.errors }, { status: described.status });
	}
};
