// GET /api/v1/leaderboards: a board's current period, for API tokens with leaderboards:read or a signed-in member.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { describeError } from '$lib/server/platform/validation';
import { boardQuerySchema, readBoard, type BoardRow } from '$lib/server/scoring/board.service';
import type { leaderboardResponseSchema } from '$lib/server/scoring/scoring.api';
import { readerOrganization } from '$lib/server/scoring/token.service';
import { parseInput } from '$lib/server/platform/validation';
import type { RequestHandler } from './$types';

/** A row as the public API shows it: the team by name. */
const apiRow = (e: BoardRow) => ({ rank: e.rank, id: e.id, name: e.name, team: e.team?.name ?? null, score: e.score });

export const GET: RequestHandler = async ({ request, url, locals }) => {
	const reader = await readerOrganization(locals.runtime.db, locals.actor?.organizationId, request.headers.get('authorization'));
	if (!reader.ok) return json({ error: reader.error }, { status: reader.status });
	const { organizationId } = reader;
	try {
		const query = parseInput(boardQuerySchema, Object.fromEntries(url.searchParams));
		const snapshot = await readBoard(locals.runtime, organizationId, query);
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
