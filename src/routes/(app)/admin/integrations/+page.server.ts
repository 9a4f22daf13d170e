// Admin → Integrations: CRM connections (URL and secret shown once, rotation, mapping rules with a
// preview against a pasted sample), the delivery log with replay, and chat channels with their health.
import { translate } from '$lib/i18n';
import { attempt, requireRole } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import {
	CONNECTION_KINDS,
	connectionsForAdmin,
	createConnection,
	previewMapping,
	removeConnection,
	replayDelivery,
	rotateConnectionSecret,
	saveRules
} from '$lib/server/integrations/integration.service';
import { channelsForAdmin, createChannel, editChannel, MOMENTS, removeChannel, resumeChannelFor, rotateChannelSecret, sendTest } from '$lib/server/integrations/notification.service';
import { CHANNEL_KINDS } from '$lib/server/integrations/channels';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin');
	const runtime = event.locals.runtime;
	const [inbound, outbound] = await Promise.all([connectionsForAdmin(runtime, actor), channelsForAdmin(runtime, actor)]);
	return {
		...inbound,
		...outbound,
		connectionKinds: CONNECTION_KINDS,
		channelKinds: CHANNEL_KINDS,
		moments: MOMENTS,
		apiOrigin: runtime.config.origin ?? event.url.origin
	};
};

export const actions: Actions = {
	create: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => createConnection(event.locals.runtime, actor, input), { ...input, secret: undefined, form: 'create' });
		if (!result.ok) return result.failure;
		// The secret leaves the server this once; it is stored encrypted.
		return {
			done: translate(event.locals.locale, 'integrations.created', { name: result.value.connection.name }),
			created: { id: result.value.connection.id, name: result.value.connection.name, path: result.value.connection.path, secret: result.value.secret }
		};
	},
	rotate: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => rotateConnectionSecret(event.locals.runtime, actor, input.connectionId, input.secret), { connectionId: input.connectionId, form: `rotate:${input.connectionId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.rotated'), rotated: { id: input.connectionId, secret: result.value.secret } };
	},
	remove: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => removeConnection(event.locals.runtime, actor, input.connectionId), { form: `remove:${input.connectionId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.deleted') };
	},
	preview: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const values = { connectionId: input.connectionId, rules: input.rules, sample: input.sample, form: `rules:${input.connectionId}` };
		const result = await attempt(event, () => previewMapping(event.locals.runtime, actor, input as { connectionId: unknown; rules: unknown; sample: unknown }), values);
		if (!result.ok) return result.failure;
		return { preview: result.value, values };
	},
	saveRules: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const values = { connectionId: input.connectionId, rules: input.rules, sample: input.sample, form: `rules:${input.connectionId}` };
		const result = await attempt(event, () => saveRules(event.locals.runtime, actor, input.connectionId, input.rules), values);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.saved') };
	},
	replay: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => replayDelivery(event.locals.runtime, actor, input.deliveryId), { form: `replay:${input.deliveryId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.replayed', { verdict: translate(event.locals.locale, `integrations.verdict.${result.value.verdict}`) }) };
	},
	addChannel: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData(), ['moments']);
		const result = await attempt(event, () => createChannel(event.locals.runtime, actor, input), { ...input, url: undefined, secret: undefined, form: 'channel' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.channel.added', { name: String(input.name ?? '') }), signingSecret: result.value.signingSecret };
	},
	editChannel: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData(), ['moments']);
		const result = await attempt(event, () => editChannel(event.locals.runtime, actor, input.channelId, input), { ...input, url: undefined, secret: undefined, form: `edit:${input.channelId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.channel.saved', { name: String(input.name ?? '') }) };
	},
	rotateChannel: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => rotateChannelSecret(event.locals.runtime, actor, input.channelId), { form: `channel:${input.channelId}` });
		if (!result.ok) return result.failure;
		// The secret leaves the server this once; it is stored encrypted.
		return { done: translate(event.locals.locale, 'integrations.channel.rotated'), rotatedChannel: { id: String(input.channelId), secret: result.value.signingSecret } };
	},
	testChannel: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => sendTest(event.locals.runtime, actor, input.channelId), { form: `channel:${input.channelId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.channel.tested') };
	},
	resumeChannel: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => resumeChannelFor(event.locals.runtime, actor, input.channelId), { form: `channel:${input.channelId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.channel.resumed') };
	},
	removeChannel: async (event) => {
		const actor = requireRole(event, 'admin');
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => removeChannel(event.locals.runtime, actor, input.channelId), { form: `channel:${input.channelId}` });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'integrations.channel.deleted') };
	}
};
