// POST /api/v1/contests/{contestId}/clone (contests:write or a session).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller } from '$lib/server/contests/contest.http';
import { cloneContest } from '$lib/server/contests/contest.service';
import type { contestCreatedSchema } from '$lib/server/contests/contests.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:write');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const body: z.input<typeof contestCreatedSchema> = await cloneContest(event.locals.runtime, caller.actor, event.params.contestId);
		return json(body, { status: 201 });
	});
};
