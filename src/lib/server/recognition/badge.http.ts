// Who calls the badges API: a signed-in member (session cookie), or a bearer API token with badges:read,
// acting as the member who created it with their role now (a token whose creator left acts for nobody).
import { json } from '@sveltejs/kit';
import type { Actor } from '../org/actor';
import type { Db } from '../db';
import { bearer, checkApiToken } from '../scoring/token.service';
import { tokenOwner } from '../contests/contest.repository';

export async function badgeCaller(db: Db, sessionActor: Actor | null | undefined, authorization: string | null): Promise<{ ok: true; actor: Actor } | { ok: false; response: Response }> {
	const token = bearer(authorization);
	if (!token && sessionActor) return { ok: true, actor: sessionActor };
	const check = await checkApiToken(db, token, 'badges:read');
	if (!check.ok) return { ok: false, response: json({ error: check.error }, { status: check.status }) };
	const owner = await tokenOwner(db, check.tokenId);
	if (!owner || owner.status !== 'active') return { ok: false, response: json({ error: 'the API token acts for a member who is no longer active' }, { status: 403 }) };
	return { ok: true, actor: { userId: owner.user_id, organizationId: owner.organization_id, role: owner.role } };
}
