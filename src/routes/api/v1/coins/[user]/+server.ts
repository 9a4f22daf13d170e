// GET /api/v1/coins/{user}: a member's coin balance with a page of their ledger, for a token with
// coins:read (any member of its organization) or a signed-in member (their own; leaders and admins anyone).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { runApi } from '$lib/server/platform/http';
import { parseInput } from '$lib/server/platform/validation';
import { coinAccount, ledgerQuerySchema, readableAccount, resolveMember } from '$lib/server/recognition/coin.service';
import type { coinAccountResponseSchema } from '$lib/server/recognition/coins.api';
import { bearer, checkApiToken } from '$lib/server/scoring/token.service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const { request, url, locals, params } = event;
	const db = locals.runtime.db;
	const token = bearer(request.headers.get('authorization'));
	let organizationId: string;
	if (!token && locals.actor) organizationId = locals.actor.organizationId;
	else {
		const check = await checkApiToken(db, token, 'coins:read');
		if (!check.ok) return json({ error: check.error }, { status: check.status });
		organizationId = check.organizationId;
	}
	return runApi(event, async () => {
		const query = parseInput(ledgerQuerySchema, Object.fromEntries(url.searchParams));
		const userId = await resolveMember(db, organizationId, params.user);
		if (!token && locals.actor) await readableAccount(db, locals.actor, userId);
		const body: z.input<typeof coinAccountResponseSchema> = await coinAccount(db, organizationId, userId, query);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
