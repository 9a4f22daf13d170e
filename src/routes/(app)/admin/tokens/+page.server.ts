import { translate } from '$lib/i18n';
import { attempt, requireRole } from '$lib/server/platform/http';
import { listMetrics } from '$lib/server/scoring/metric.repository';
import { withFieldLabels } from '$lib/server/scoring/metric.service';
import { createApiToken, revokeToken, TOKEN_SCOPES, tokensOf } from '$lib/server/scoring/token.service';
import { formToObject } from '$lib/server/platform/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	const db = event.locals.runtime.db;
	const [tokens, metrics] = await Promise.all([tokensOf(db, actor), listMetrics(db, actor.organizationId)]);
	const metric = metrics.find((m) => m.status === 'active');
	return {
		scopes: TOKEN_SCOPES,
		tokens: tokens.map((tk) => ({
			id: tk.id,
			name: tk.name,
			scopes: tk.scopes,
			createdAt: tk.created_at.toISOString(),
			lastUsedAt: tk.last_used_at?.toISOString() ?? null,
			revokedAt: tk.revoked_at?.toISOString() ?? null
		})),
		apiOrigin: event.locals.runtime.config.origin ?? event.url.origin,
		exampleMetric: metric?.key ?? 'call'
	};
};

export const actions: Actions = {
	create: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData(), ['scopes']);
		const result = await attempt(
			event,
			() => withFieldLabels(event.locals.locale, () => createApiToken(event.locals.runtime.db, actor.organizationId, actor.userId, input)),
			{ ...input, form: 'create' }
		);
		if (!result.ok) return result.failure;
		// The secret leaves the server this once; only its hash is stored.
		return {
			done: translate(event.locals.locale, 'scoringAdmin.tokens.created', { name: result.value.name }),
			created: { id: result.value.id, name: result.value.name, scopes: result.value.scopes, token: result.value.token }
		};
	},
	revoke: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(
			event,
			() => withFieldLabels(event.locals.locale, () => revokeToken(event.locals.runtime, actor, input)),
			{ ...input, form: `revoke:${input.tokenId}` }
		);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'scoringAdmin.tokens.revoked') };
	}
};
