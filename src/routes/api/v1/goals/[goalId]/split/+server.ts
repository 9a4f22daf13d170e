// POST /api/v1/goals/{goalId}/split (goals:write or a session): breaks the goal down one level.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { splitGoal } from '$lib/server/goals/goal.service';
import type { goalSplitResultSchema } from '$lib/server/goals/goals.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'goals:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof goalSplitResultSchema> = await splitGoal(event.locals.runtime, caller.actor, event.params.goalId, parsed.body);
		return json(body);
	});
};
