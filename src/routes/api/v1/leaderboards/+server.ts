// GET /api/v1/leaderboards: a board's current period, for API tokens with leaderboards:read or a signed-in member.
// A rep signed in reads it as the organization's transparency settings allow (tokens are made by admins).
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { describeError } from '$lib/server/platform/validation';
import { boardQuerySchema } from '$lib/server/scoring/board.service';
import { lensFor, viewBoard, type ViewRow } from '$lib/server/transparency/transparency.service';
import type { leaderboardResponseSchema } from '$lib/server/scoring/scoring.api';
import { bearer, readerOrganization } from '$lib/server/scoring/token.service';
import { parseInput } from '$lib/server/platform/validation';
import type { RequestHandler } from './$types';

/** A row as the public API shows it: the team by name. */
const apiRow = (e: ViewRow) => ({ rank: e.rank, id: e.id, name: e.name, team: e.team?.name ?? null, score: e.score });

export const GET: RequestHandler = async ({ request, url, locals }) => {
	const reader = await readerOrganization(locals.runtime.db, locals.actor?.organizationId, request.headers.get('authorization'));
	if (!reader.ok) return json({ error: reader.error }, { status: reader.status });
	const { organizationId } = reader;
	try {
		const query = parseInput(boardQuerySchema, Object.fromEntries(url.searchParams));
		// The session's member only when the session is what authenticated the request (not a bearer token).
		const viewer = locals.actor && !bearer(request.headers.get('authorization')) ? { role: locals.actor.role, userId: locals.actor.userId } : { role: 'token', userId: null };
		const snapshot = await viewBoard(locals.runtime, organizationId, query, await lensFor(locals.runtime.db, organizationId, viewer));
		const body: z.input<typeof leaderboardResponseSchema> = {
			board: snapshot.board,
			scope: snapshot.scope,
			window: { kind: snapshot.window.kind, period: snapshot.window.key, start: snapshot.window.start, end: snapshot.window.end },
			team: snapshot.team,
			seq: snapshot.seq,
			total: snapshot.total,
			entries: snapshot.entries.map(apiRow),
			...(snapshot.around ? { around: snapshot.around.map(apiRow) } : {})
		};
		return json(body, { headers: { 'cache-control': 'no-store' } });
	} catch (error) {
		const described = describeError('en', error);
		if (!described) throw error;
		return json({ error: described.message, fields: described.errors }, { status: described.status });
	}
};
