// GET /api/v1/goals/{goalId}: the goal with its parent and children. PUT changes its target,
// description or pace; DELETE deletes it (or withdraws one's own proposal).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { editGoal, readGoal, removeGoal } from '$lib/server/goals/goal.service';
import type { goalDetailSchema, goalOkSchema } from '$lib/server/goals/goals.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'goals:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const body: z.input<typeof goalDetailSchema> = await readGoal(event.locals.runtime, caller.actor, event.params.goalId, event.locals.locale);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const PUT: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'goals:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		await editGoal(event.locals.runtime, caller.actor, event.params.goalId, parsed.body);
		const body: z.input<typeof goalOkSchema> = { ok: true };
		return json(body);
	});
};

export const DELETE: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'goals:write');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		await removeGoal(event.locals.runtime, caller.actor, event.params.goalId);
		const body: z.input<typeof goalOkSchema> = { ok: true };
		return json(body);
	});
};
