// GET /api/v1/goals (goals:read or a session): goals with progress and pace, by owner and period.
// POST /api/v1/goals (goals:write or a session): sets a goal (or proposes one's own), 201.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { checkOwnerQuery, createGoal, readGoals } from '$lib/server/goals/goal.service';
import type { goalCreatedSchema, goalListResponseSchema } from '$lib/server/goals/goals.api';
import { runApi } from '$lib/server/platform/http';
import { AppError } from '$lib/server/platform/errors';
import type { RequestHandler } from './$types';

const STATUSES = { active: ['active'], proposed: ['proposed'], declined: ['declined'], all: ['active', 'proposed', 'declined'] } as const;

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'goals:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const status = event.url.searchParams.get('status') ?? 'active';
		if (!(status in STATUSES)) throw new AppError(400, 'validation.choice', undefined, 'status');
		const goals = await readGoals(
			event.locals.runtime,
			caller.actor,
			{
				owner: checkOwnerQuery(event.url.searchParams.get('owner')),
				period: event.url.searchParams.get('period') ?? undefined,
				statuses: [...STATUSES[status as keyof typeof STATUSES]]
			},
			event.locals.locale
		);
		const body: z.input<typeof goalListResponseSchema> = { goals };
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'goals:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof goalCreatedSchema> = await createGoal(event.locals.runtime, caller.actor, parsed.body);
		return json(body, { status: 201 });
	});
};
