// POST /api/v1/training/completions (training:write): records a course completion from an external
// learning system, idempotently by the caller's `id`: 201 when recorded (points awarded once), 200 when
// nothing new was written. A session is not enough: this is an integration's call.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { jsonBody } from '$lib/server/contests/contest.http';
import { tokenOwner } from '$lib/server/contests/contest.repository';
import { runApi } from '$lib/server/platform/http';
import { bearer, checkApiToken } from '$lib/server/scoring/token.service';
import type { trainingCompletionResponseSchema } from '$lib/server/training/training.api';
import { recordExternalCompletion } from '$lib/server/training/training.service';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
	const { request, locals } = event;
	const db = locals.runtime.db;
	const check = await checkApiToken(db, bearer(request.headers.get('authorization')), 'training:write');
	if (!check.ok) return json({ error: check.error }, { status: check.status });
	const parsed = await jsonBody(request);
	if (!parsed.ok) return parsed.response;
	return runApi(event, async () => {
		const owner = await tokenOwner(db, check.tokenId);
		const result = await recordExternalCompletion(locals.runtime, { organizationId: check.organizationId, recordedBy: owner?.user_id ?? null }, parsed.body);
		const body: z.input<typeof trainingCompletionResponseSchema> = result;
		return json(body, { status: result.duplicate ? 200 : 201 });
	});
};
