// GET /api/v1/contests/{contestId}: the contest with its standings. PUT edits a draft or scheduled
// contest; DELETE deletes a draft.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller, jsonBody } from '$lib/server/contests/contest.http';
import { deleteContest, getContest, updateContest } from '$lib/server/contests/contest.service';
import type { contestOkSchema, contestViewSchema } from '$lib/server/contests/contests.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const body: z.input<typeof contestViewSchema> = await getContest(event.locals.runtime, caller.actor, event.params.contestId, event.locals.locale);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const PUT: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		await updateContest(event.locals.runtime, caller.actor, event.params.contestId, parsed.body);
		const body: z.input<typeof contestOkSchema> = { ok: true };
		return json(body);
	});
};

export const DELETE: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:write');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		await deleteContest(event.locals.runtime, caller.actor, event.params.contestId);
		const body: z.input<typeof contestOkSchema> = { ok: true };
		return json(body);
	});
};
