// GET /api/v1/badges/awards?user= (badges:read or a session): a member's awards; user is an e-mail, an
// external id or a user id.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { badgeCaller } from '$lib/server/recognition/badge.http';
import { awardsOfMember } from '$lib/server/recognition/badge.service';
import type { awardListResponseSchema } from '$lib/server/recognition/badges.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await badgeCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'));
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const body: z.input<typeof awardListResponseSchema> = await awardsOfMember(event.locals.runtime.db, caller.actor, event.url.searchParams.get('user') ?? undefined);
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
