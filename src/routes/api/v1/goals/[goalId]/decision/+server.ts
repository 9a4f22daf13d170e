// POST /api/v1/goals/{goalId}/decision (goals:write or a session): approves or declines a proposed goal.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { decideGoal } from '$lib/server/goals/goal.service';
import type { goalDecidedSchema } from '$lib/server/goals/goals.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'goals:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof goalDecidedSchema> = await decideGoal(event.locals.runtime, caller.actor, event.params.goalId, parsed.body);
		return json(body);
	});
};
