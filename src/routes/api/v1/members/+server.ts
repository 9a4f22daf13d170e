// GET /api/v1/members: the organization's active members, so that integrations (and the simulator) can
// map their people to Podium's without database access. For API tokens with leaderboards:read, or a
// signed-in member, exactly like /api/v1/leaderboards.
import { json } from '@sveltejs/kit';
import { readerOrganization } from '$lib/server/scoring/token.service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, locals }) => {
	const reader = await readerOrganization(locals.runtime.db, locals.actor?.organizationId, request.headers.get('authorization'));
	if (!reader.ok) return json({ error: reader.error }, { status: reader.status });
	const { organizationId } = reader;
	const db = locals.runtime.db;
	// TODO(repositories): this read belongs in membership.repository (listMembers does not select
	// external_id or the team's name yet); kept here until that function grows them.
	const [organization, members] = await Promise.all([
		db.selectFrom('organizations').select(['slug', 'name']).where('id', '=', organizationId).executeTakeFirstOrThrow(),
		db
			.selectFrom('memberships as m')
			.innerJoin('users as u', 'u.id', 'm.user_id')
			.leftJoin('team_members as tm', (j) => j.onRef('tm.user_id', '=', 'm.user_id').onRef('tm.organization_id', '=', 'm.organization_id'))
			.leftJoin('teams as t', 't.id', 'tm.team_id')
			.select(['u.id', 'u.name', 'u.email', 'm.external_id', 't.name as team_name'])
			.where('m.organization_id', '=', organizationId)
			.where('m.status', '=', 'active')
			.orderBy('u.name')
			.orderBy('u.id')
			.execute()
	]);
	return json(
		{
			organization: { slug: organization.slug, name: organization.name },
			members: members.map((m) => ({ id: m.id, name: m.name, email: m.email, externalId: m.external_id, team: m.team_name ?? null }))
		},
		{ headers: { 'cache-control': 'no-store' } }
	);
};
