// The public API's one description: an OpenAPI 3.1 document built from the same zod schemas that
// validate the requests (zod 4's JSON Schema output), so the document cannot drift from the code.
// Each domain lists its operations in its own `<domain>.api.ts` and adds them to API_OPERATIONS below;
// a test checks that every route under /api/v1 is described here.
import { z } from 'zod';
import { scoringApi } from '../scoring/scoring.api';
import { platformApi } from './platform.api';
import { contestsApi } from '../contests/contests.api';
import { coinsApi } from '../recognition/coins.api';
import { kudosApi } from '../recognition/kudos.api';
import { badgesApi } from '../recognition/badges.api';
import { trainingApi } from '../training/training.api';
import { goalsApi } from '../goals/goals.api';
import { displaysApi } from '../displays/displays.api';
import { integrationsApi } from '../integrations/integrations.api';
import { coachingApi } from '../coaching/coaching.api';
import { reviewsApi } from '../coaching/reviews.api';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** How an operation is authenticated: a bearer API token, a token or a signed-in member's cookie, or nothing. */
export type ApiAuth = { kind: 'none' } | { kind: 'token' | 'token-or-session'; scope: string };

export interface ApiResponse {
	description: string;
	schema?: z.ZodType;
	headers?: Record<string, string>;
}

export interface ApiOperation {
	method: HttpMethod;
	/** OpenAPI path template, e.g. /api/v1/contests/{contestId}. */
	path: string;
	operationId: string;
	tag: string;
	summary: string;
	description?: string;
	auth: ApiAuth;
	/** Query parameters: each key of the object is one parameter. */
	query?: z.ZodObject;
	/** Path parameters, by name. */
	params?: z.ZodObject;
	/** A JSON request body. */
	body?: z.ZodType;
	responses: Record<number, ApiResponse>;
}

/** Errors have this shape everywhere: a message naming the field, and per-field messages when there are several. */
export const apiErrorSchema = z
	.object({
		error: z.string().describe('What was wrong, naming the field or parameter.'),
		fields: z.record(z.string(), z.string()).optional().describe('One message per field, when the input had several problems.')
	})
	.meta({ id: 'Error' });

export const openApiDocumentOperation: ApiOperation = {
	method: 'get',
	path: '/api/v1/openapi.json',
	operationId: 'getOpenApiDocument',
	tag: 'meta',
	summary: 'This document',
	auth: { kind: 'none' },
	responses: { 200: { description: 'The OpenAPI 3.1 description of /api/v1.' } }
};

export const API_OPERATIONS: readonly ApiOperation[] = [...scoringApi, ...contestsApi, ...kudosApi, ...badgesApi, ...coinsApi, ...goalsApi, ...trainingApi, ...displaysApi, ...integrationsApi, ...coachingApi, ...reviewsApi, ...platformApi, openApiDocumentOperation];

const TAGS: Record<string, string> = {
	scoring: 'Events in, leaderboards and members out.',
	contests: 'Sales contests and team challenges: build, schedule, follow and read results.',
	recognition: 'Coins and the rewards store.',
	kudos: 'Peer recognition tied to company values: give kudos, read the feed.',
	badges: 'Badge definitions and the awards members earned.',
	goals: 'Goals per rep, team and organization: set, cascade, approve proposals, and read progress and pace.',
	training: 'Courses, assignments and completions: read a member’s assignments, record completions from an external LMS.',
	displays: 'Office TV displays: pair a TV or signage player with a display by its code.',
	integrations: 'Webhooks from CRMs (HubSpot, Salesforce, Pipedrive, Zoho, Fxiaoke, Standard Webhooks), mapped into events.',
	coaching: 'Rep and team analytics (what the coaching pages draw), and anti-gaming flags for leaders to review.',
	reviews: 'Performance reviews with their scorecard and improvement plan, and 1:1 coaching notes.',
	platform: 'Health of the service.',
	meta: 'The API description itself.'
};

type JsonSchema = Record<string, unknown>;

/**
 * A schema's JSON Schema. Named schemas (`.meta({ id })`) are moved to components.schemas in `shared`
 * and referred to from there; refinements (no U+0000, lone surrogates…) have no JSON Schema form and
 * are left out, though the server still applies them.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', shared: Record<string, JsonSchema>): JsonSchema {
	const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
	delete out.$schema;
	const defs = (out.$defs ?? {}) as Record<string, JsonSchema>;
	delete out.$defs;
	for (const [id, def] of Object.entries(defs)) shared[id] = tidy(def);
	return tidy(out);
}

/** Refers to components instead of $defs, and drops the safe-integer bounds that every z.int() carries. */
function tidy<T>(value: T): T {
	if (Array.isArray(value)) return value.map(tidy) as T;
	if (!value || typeof value !== 'object') return value;
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) {
		if (key === '$ref' && typeof v === 'string') out[key] = v.replace('#/$defs/', '#/components/schemas/');
		else if ((key === 'minimum' && v === Number.MIN_SAFE_INTEGER) || (key === 'maximum' && v === Number.MAX_SAFE_INTEGER)) continue;
		else out[key] = tidy(v);
	}
	return out as T;
}

/** True when the parameter may be left out (optional, or with a default). */
function isOptional(schema: z.ZodType): boolean {
	return schema.safeParse(undefined).success;
}

function parameters(where: 'query' | 'path', object: z.ZodObject | undefined, shared: Record<string, JsonSchema>) {
	if (!object) return [];
	return Object.entries(object.shape).map(([name, schema]) => {
		const s = schema as z.ZodType;
		const out: Record<string, unknown> = { name, in: where, required: where === 'path' || !isOptional(s), schema: jsonSchema(s, 'input', shared) };
		const description = (s as { description?: string }).description;
		if (description) out.description = description;
		return out;
	});
}

const SECURITY_SCHEMES = {
	apiToken: {
		type: 'http',
		scheme: 'bearer',
		description: 'An API token (pod_…) created by an admin in Admin → API tokens or with `npm run podium -- token:create`. Its scopes decide what it may do.'
	},
	session: {
		type: 'apiKey',
		in: 'cookie',
		name: 'podium_session',
		description: 'A signed-in member’s browser session.'
	}
};

function security(auth: ApiAuth) {
	if (auth.kind === 'none') return [];
	const token = { apiToken: [auth.scope] };
	return auth.kind === 'token' ? [token] : [token, { session: [] }];
}

function operationObject(op: ApiOperation, shared: Record<string, JsonSchema>) {
	const responses: Record<string, unknown> = {};
	for (const [status, response] of Object.entries(op.responses)) {
		const entry: Record<string, unknown> = { description: response.description };
		const schema = response.schema ?? (Number(status) >= 400 ? apiErrorSchema : undefined);
		if (schema) entry.content = { 'application/json': { schema: jsonSchema(schema, 'output', shared) } };
		if (response.headers) {
			entry.headers = Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
		}
		responses[status] = entry;
	}
	const out: Record<string, unknown> = {
		operationId: op.operationId,
		tags: [op.tag],
		summary: op.summary,
		...(op.description ? { description: op.description } : {}),
		security: security(op.auth),
		parameters: [...parameters('path', op.params, shared), ...parameters('query', op.query, shared)],
		responses
	};
	if (op.auth.kind !== 'none') out['x-podium-scope'] = op.auth.scope;
	if (op.body) out.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input', shared) } } };
	return out;
}

export const API_VERSION = '1.0.0';

/** The OpenAPI 3.1 document of every operation in API_OPERATIONS (or the given ones). */
export function openApiDocument(options: { version?: string; serverUrl?: string; operations?: readonly ApiOperation[] }) {
	const operations = options.operations ?? API_OPERATIONS;
	const paths: Record<string, Record<string, unknown>> = {};
	const schemas: Record<string, JsonSchema> = {};
	for (const op of operations) {
		const path = (paths[op.path] ??= {});
		if (path[op.method]) throw new Error(`OpenAPI: ${op.method.toUpperCase()} ${op.path} is described twice`);
		path[op.method] = operationObject(op, schemas);
	}
	const tags = [...new Set(operations.map((op) => op.tag))].map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) }));
	return {
		openapi: '3.1.0',
		info: {
			title: 'Podium API',
			version: options.version ?? API_VERSION,
			description: 'Podium’s public API: send CRM activity in as events, read live leaderboards out. See docs/api.md for the guide.',
			license: { name: 'MIT', identifier: 'MIT' }
		},
		...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
		tags,
		paths,
		components: { schemas, securitySchemes: SECURITY_SCHEMES }
	};
}
