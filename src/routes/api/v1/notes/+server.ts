// GET /api/v1/notes?member= (reviews:read or a session): a rep's coaching notes as the caller may see them.
// POST /api/v1/notes (reviews:write or a session): a leader writes a note about a rep, 201.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import { createNote, notesOf } from '$lib/server/coaching/note.service';
import type { noteListSchema, reviewCreatedSchema } from '$lib/server/coaching/reviews.api';
import { AppError } from '$lib/server/platform/errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:read');
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const member = event.url.searchParams.get('member');
		if (!member) throw new AppError(400, 'validation.required', undefined, 'member');
		const body: z.input<typeof noteListSchema> = { notes: await notesOf(event.locals.runtime.db, caller.actor, member) };
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};

export const POST: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const input = (parsed.body ?? {}) as Record<string, unknown>;
		const body: z.input<typeof reviewCreatedSchema> = await createNote(event.locals.runtime.db, caller.actor, input.member, input);
		return json(body, { status: 201 });
	});
};
