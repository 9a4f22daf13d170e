// GET /api/v1/leaderboards: a board's current period, for API tokens with leaderboards:read or a signed-in member.
import { json } from '@sveltejs/kit';
import { describeError } from '$lib/server/validation';
import { boardQuerySchema, readBoard } from '$lib/server/scoring/board.service';
import { bearer, checkApiToken } from '$lib/server/scoring/token.service';
import { parseInput } from '$lib/server/validation';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, url, locals }) => {
	let organizationId = locals.actor?.organizationId;
	const token = bearer(request.headers.get('authorization'));
	if (token || !organizationId) {
		const auth = await checkApiToken(locals.runtime.db, token, 'leaderboards:read');
		if (!auth.ok) return json({ error: auth.error }, { status: auth.status });
		organizationId = auth.organizationId;
	}
	try {
		const query = parseInput(boardQuerySchema, Object.fromEntries(url.searchParams));
		const snapshot = await readBoard(locals.runtime, organizationId, query);
		return json(
			{
				board: snapshot.board,
				scope: snapshot.scope,
				window: { kind: snapshot.window.kind, period: snapshot.window.key, start: snapshot.window.start, end: snapshot.window.end },
				team: snapshot.team,
				seq: snapshot.seq,
				total: snapshot.total,
				entries: snapshot.entries.map((e) => ({ rank: e.rank, id: e.id, name: e.name, team: e.team?.name ?? null, score: e.score })),
				...(snapshot.around ? { around: snapshot.around.map((e) => ({ rank: e.rank, id: e.id, name: e.name, team: e.team?.name ?? null, score: e.score })) } : {})
			},
			{ headers: { 'cache-control': 'no-store' } }
		);
	} catch (error) {
		const described = describeError('en', error);
		if (!described) throw error;
		return json({ error: described.message, fields: described.errors }, { status: described.status });
	}
};
