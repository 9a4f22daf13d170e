// An uploaded celebration sound, for the displays page's "play" button (admins only, their own organization's).
import { error } from '@sveltejs/kit';
import { requireActor } from '$lib/server/platform/http';
import { soundFile } from '$lib/server/displays/display.sounds';
import { AppError } from '$lib/server/platform/errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const actor = requireActor(event);
	try {
		const file = await soundFile(event.locals.runtime.db, actor, event.params.kind);
		return new Response(file.data, { headers: { 'content-type': file.mime, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' } });
	} catch (e) {
		if (e instanceof AppError) error(e.status, e.status === 403 ? 'Forbidden' : 'Not found');
		throw e;
	}
};
