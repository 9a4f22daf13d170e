// GET /api/v1/contests (contests:read or a session): the organization's contests, the caller's first.
// POST /api/v1/contests (contests:write or a session): creates a contest, 201 { id }.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller, jsonBody } from '$lib/server/contests/contest.http';
import { createContest, listContests } from '$lib/server/contests/contest.service';
import type { contestCreatedSchema, contestListResponseSchema } from '$lib/server/contests/contests.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const contests = await listContests(event.locals.runtime, caller.actor, Object.fromEntries(event.url.searchParams), event.locals.locale);
		const body: z.input<typeof contestListResponseSchema> = { contests };
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const POST: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof contestCreatedSchema> = await createContest(event.locals.runtime, caller.actor, parsed.body);
		return json(body, { status: 201 });
	});
};
