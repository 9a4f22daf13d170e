// POST /api/v1/contests/backtest (contests:write or a session): a draft's rules replayed over a past period.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller, jsonBody } from '$lib/server/contests/contest.http';
import { backtestContest } from '$lib/server/contests/contest.service';
import type { contestBacktestResponseSchema } from '$lib/server/contests/contests.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const caller = await contestCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'contests:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const body: z.input<typeof contestBacktestResponseSchema> = await backtestContest(event.locals.runtime, caller.actor, parsed.body, event.locals.locale);
		return json(body);
	});
};
