// POST /api/v1/contests/{contestId}/schedule (contests:write or a session).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller } from '$lib/server/contests/contest.http';
import { scheduleContest } from '$lib/server/contests/contest.service';
import type { contestOkSchema } from '$lib/server/contests/contests.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:write');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		await scheduleContest(event.locals.runtime, caller.actor, event.params.contestId);
		const body: z.input<typeof contestOkSchema> = { ok: true };
		return json(body);
	});
};
