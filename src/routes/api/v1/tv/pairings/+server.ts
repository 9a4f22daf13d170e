// POST /api/v1/tv/pairings (nobody signed in): a TV's pairing code, its expiry and the TV's secret.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { createPairing } from '$lib/server/displays/display.service';
import type { pairingCreatedSchema } from '$lib/server/displays/displays.api';
import { clientIp, runApi } from '$lib/server/platform/http';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) =>
	runApi(event, async () => {
		const body: z.input<typeof pairingCreatedSchema> = await createPairing(event.locals.runtime, clientIp(event));
		return json(body, { status: 201, headers: { 'cache-control': 'no-store' } });
	});
