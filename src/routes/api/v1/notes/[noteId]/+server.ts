// PUT /api/v1/notes/{noteId} (reviews:write or a session): its author edits a note.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { contestCaller as apiCaller, jsonBody } from '$lib/server/contests/contest.http';
import { runApi } from '$lib/server/platform/http';
import { editNote } from '$lib/server/coaching/note.service';
import type { reviewOkSchema } from '$lib/server/coaching/reviews.api';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = async (event) => {
	const caller = await apiCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'), 'reviews:write');
	if (!caller.ok) return caller.response;
	const parsed = await jsonBody(event.request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		await editNote(event.locals.runtime.db, caller.actor, event.params.noteId, parsed.body);
		const body: z.input<typeof reviewOkSchema> = { ok: true };
		return json(body);
	});
};
