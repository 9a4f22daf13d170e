// Who calls the contests API: a signed-in member (session cookie), or a bearer API token with the
// scope, acting as the member who created the token with their role now (a token whose creator left
// or was deactivated acts for nobody).
import { json } from '@sveltejs/kit';
import type { Actor } from '../org/actor';
import type { Db } from '../db';
import { mediaTypeOf } from '../scoring/ingest-http';
import { bearer, checkApiToken, type TOKEN_SCOPES } from '../scoring/token.service';
import { tokenOwner } from './contest.repository';

/** Any token scope: other domains' APIs (goals) call through this too. */
export type ContestScope = (typeof TOKEN_SCOPES)[number];

export async function contestCaller(db: Db, sessionActor: Actor | null | undefined, authorization: string | null, scope: ContestScope): Promise<{ ok: true; actor: Actor } | { ok: false; response: Response }> {
	const token = bearer(authorization);
	if (!token && sessionActor) return { ok: true, actor: sessionActor };
	const check = await checkApiToken(db, token, scope);
	if (!check.ok) return { ok: false, response: json({ error: check.error }, { status: check.status }) };
	const owner = await tokenOwner(db, check.tokenId);
	if (!owner || owner.status !== 'active') return { ok: false, response: json({ error: 'the API token acts for a member who is no longer active' }, { status: 403 }) };
	return { ok: true, actor: { userId: owner.user_id, organizationId: owner.organization_id, role: owner.role } };
}

/**
 * The request's JSON body, or a 400 naming `body` (never a 500). A body sent as anything but
 * application/json (the media type parsed, as the ingest API does) is a 415.
 */
export async function jsonBody(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
	try {
		const text = await request.text();
		if (text.trim() !== '' && mediaTypeOf(request.headers.get('content-type')) !== 'application/json') {
			const error = 'Content-Type must be application/json';
			return { ok: false, response: json({ error, fields: { body: error } }, { status: 415 }) };
		}
		return { ok: true, body: text.trim() === '' ? {} : JSON.parse(text) };
	} catch {
		return { ok: false, response: json({ error: 'body must be JSON', fields: { body: 'body must be JSON' } }, { status: 400 }) };
	}
}
