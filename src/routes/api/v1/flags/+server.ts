// GET /api/v1/flags?status=open|dismissed|all&team= (flags:read or a session): the anti-gaming flags the
// caller may review (leaders: reps of the teams they manage; admins: everyone; reps: 403).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller } from '$lib/server/contests/contest.http';
import { readFlags } from '$lib/server/coaching/flags.service';
import type { flagListSchema } from '$lib/server/coaching/coaching.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'flags:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const q = event.url.searchParams;
		const body: z.input<typeof flagListSchema> = await readFlags(event.locals.runtime, caller.actor, { status: q.get('status') ?? undefined, team: q.get('team') || undefined });
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
