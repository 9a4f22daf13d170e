// GET /api/v1/training/assignments?user= (training:read, or a session): a member's assignments with their
// progress. A token reads any member of its organization; a signed-in rep their own, leaders and admins anyone.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { runApi } from '$lib/server/platform/http';
import { parseInput } from '$lib/server/platform/validation';
import { bearer, checkApiToken } from '$lib/server/scoring/token.service';
import type { trainingAssignmentsResponseSchema } from '$lib/server/training/training.api';
import { readAssignments } from '$lib/server/training/training.service';
import { assignmentsQuerySchema } from '$lib/shared/training/training';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { request, url, locals } = event;
	const db = locals.runtime.db;
	const token = bearer(request.headers.get('authorization'));
	let caller: { organizationId: string; actor: typeof locals.actor };
	if (!token && locals.actor) caller = { organizationId: locals.actor.organizationId, actor: locals.actor };
	else {
		const check = await checkApiToken(db, token, 'training:read');
		if (!check.ok) return json({ error: check.error }, { status: check.status });
		caller = { organizationId: check.organizationId, actor: null };
	}
	return runApi(event, async () => {
		const query = parseInput(assignmentsQuerySchema, Object.fromEntries(url.searchParams));
		const body: z.input<typeof trainingAssignmentsResponseSchema> = await readAssignments(db, { organizationId: caller.organizationId, actor: caller.actor ?? null }, query);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
