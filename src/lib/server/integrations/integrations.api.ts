// The CRM webhook endpoint, as the OpenAPI document describes it (see platform/openapi.ts). It is not
// authenticated by a token or a session: each connection kind proves its sender its own way.
import { z } from 'zod';
import type { ApiOperation } from '../platform/openapi';

export const hookAnswerSchema = z
	.object({
		delivery: z.int().describe('The delivery’s number in the log (Admin → Integrations).'),
		verdict: z.enum(['accepted', 'duplicate', 'rejected', 'unmapped']).describe('accepted: new events were recorded; duplicate: all of them were known already; rejected: see reason, nothing was recorded; unmapped: no rule matched.'),
		reason: z.string().optional(),
		events: z.int().describe('Events the mapping rules made of the delivery.')
	})
	.meta({ id: 'HookDelivery' });

export const integrationsApi: ApiOperation[] = [
	{
		method: 'post',
		path: '/api/v1/hooks/{connectionId}',
		operationId: 'receiveCrmWebhook',
		tag: 'integrations',
		summary: 'Receive a CRM webhook for a connection',
		description: [
			'The URL an admin copies from Admin → Integrations. Verification depends on the connection’s kind, and a delivery that fails it is answered 401 and never processed:',
			'- generic and fxiaoke: Standard Webhooks headers `webhook-id`, `webhook-timestamp` (seconds, at most 5 minutes away) and `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` keyed with the base64 after `whsec_`; several space-separated signatures are accepted). A `webhook-id` seen before is answered 409.',
			'- hubspot: `X-HubSpot-Signature-v3` (base64 HMAC-SHA256 keyed with the app secret over method, URI, body and `X-HubSpot-Request-Timestamp`, in milliseconds and at most 5 minutes old). The body is a JSON array of events.',
			'- pipedrive: HTTP Basic credentials set on the webhook (webhooks v2: `meta`, `data`, `previous`).',
			'- salesforce: an Outbound Message (SOAP XML, `text/xml`, 1 to 100 notifications) whose `OrganizationId` must be the connection’s; answered with a SOAP `Ack` of true.',
			'- zoho: a notification channel callback whose `token` must be the connection’s channel token.',
			'The body is at most 1 MB. Events are made by the connection’s mapping rules, with ids derived from the CRM record and its transition: a retry counts once. See docs/integrations.md.'
		].join('\n'),
		auth: { kind: 'none' },
		params: z.object({ connectionId: z.string().describe('The connection’s id (a UUID).') }),
		body: z.union([z.array(z.record(z.string(), z.unknown())), z.record(z.string(), z.unknown())]).describe('The CRM’s own payload (JSON; Salesforce sends SOAP XML).'),
		responses: {
			200: { description: 'Verified and logged, with its verdict (Salesforce: the SOAP acknowledgement).', schema: hookAnswerSchema },
			400: { description: 'The body is not valid JSON or XML, or not the kind’s shape. Nothing was written.' },
			401: { description: 'The signature, timestamp, credentials, organization id or token did not verify. Nothing was written.' },
			404: { description: 'No active connection has this id.' },
			409: { description: 'This webhook-id was received already (generic kinds). Nothing was written.' },
			413: { description: 'The body is over 1 MB. Nothing was written.' }
		}
	}
];
