// GET /api/v1/badges (badges:read or a session): the organization's badge definitions.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { badgeCaller } from '$lib/server/recognition/badge.http';
import { listBadges } from '$lib/server/recognition/badge.service';
import type { badgeListResponseSchema } from '$lib/server/recognition/badges.api';
import { runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const caller = await badgeCaller(event.locals.runtime.db, event.locals.actor, event.request.headers.get('authorization'));
	if (!caller.ok) return caller.response;
	return runApi(event, async () => {
		const body: z.input<typeof badgeListResponseSchema> = { badges: await listBadges(event.locals.runtime.db, caller.actor) };
		return json(body, { headers: { 'cache-control': 'no-store' } });
	});
};
