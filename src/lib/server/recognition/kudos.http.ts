// Who calls the kudos API: a bearer API token with the scope, acting as the member who created it with
// their role now (a token whose creator left or was deactivated acts for nobody), or, for reading the
// feed, a signed-in member.
import { json } from '@sveltejs/kit';
import type { Db } from '../db';
import type { Actor } from '../org/actor';
import { tokenOwner } from '../contests/contest.repository';
import { bearer, checkApiToken } from '../scoring/token.service';

export async function kudosCaller(
	db: Db,
	sessionActor: Actor | null | undefined,
	authorization: string | null,
	scope: 'kudos:read' | 'kudos:write',
	options: { session: boolean }
): Promise<{ ok: true; actor: Actor } | { ok: false; response: Response }> {
	const token = bearer(authorization);
	if (!token && sessionActor && options.session) return { ok: true, actor: sessionActor };
	const check = await checkApiToken(db, token, scope);
	if (!check.ok) return { ok: false, response: json({ error: check.error }, { status: check.status }) };
	const owner = await tokenOwner(db, check.tokenId);
	if (!owner || owner.status !== 'active') return { ok: false, response: json({ error: 'the API token acts for a member who is no longer active' }, { status: 403 }) };
	return { ok: true, actor: { userId: owner.user_id, organizationId: owner.organization_id, role: owner.role } };
}
