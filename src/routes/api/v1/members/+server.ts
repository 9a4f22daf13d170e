// GET /api/v1/members: the organization's active members, so that integrations (and the simulator) can
// map their people to Podium's without database access. For API tokens with leaderboards:read, or a
// signed-in member, exactly like /api/v1/leaderboards.
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { findOrganizationById } from '$lib/server/org/organization.repository';
import { activeMembersForApi } from '$lib/server/org/membership.repository';
import type { membersResponseSchema } from '$lib/server/scoring/scoring.api';
import { readerOrganization } from '$lib/server/scoring/token.service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request, locals }) => {
	const reader = await readerOrganization(locals.runtime.db, locals.actor?.organizationId, request.headers.get('authorization'));
	if (!reader.ok) return json({ error: reader.error }, { status: reader.status });
	const db = locals.runtime.db;
	const [organization, members] = await Promise.all([findOrganizationById(db, reader.organizationId), activeMembersForApi(db, reader.organizationId)]);
	if (!organization) return json({ error: 'The organization was not found.' }, { status: 404 });
	const body: z.input<typeof membersResponseSchema> = {
		organization: { slug: organization.slug, name: organization.name },
		members: members.map((m) => ({ id: m.id, name: m.name, email: m.email, externalId: m.external_id, team: m.team_name ?? null }))
	};
	return json(body, { headers: { 'cache-control': 'no-store' } });
};
