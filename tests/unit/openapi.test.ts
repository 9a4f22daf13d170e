// The OpenAPI document describes every route under /api/v1, is a valid OpenAPI 3.1 document, and its
// request schemas accept and refuse what the API does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { openApiDocument } from '../../src/lib/server/platform/openapi';
import { INGEST_PATH } from '../../src/lib/server/scoring/ingest-http';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROUTES = join(ROOT, 'src/routes');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every (method, path) that a +server.ts under src/routes/api/v1 exports, as OpenAPI paths. */
function apiRoutes(dir = join(ROUTES, 'api/v1')): { method: string; path: string }[] {
	const out: { method: string; path: string }[] = [];
	for (const name of readdirSync(dir)) {
		const full = join(dir, name);
		if (statSync(full).isDirectory()) out.push(...apiRoutes(full));
		else if (name === '+server.ts') {
			const source = readFileSync(full, 'utf8');
			const path =
				'/' +
				relative(ROUTES, dir)
					.split(sep)
					.filter((segment) => !/^\(.*\)$/.test(segment))
					.map((segment) => segment.replace(/^\[(?:\.\.\.)?(\w+)\]$/, '{$1}'))
					.join('/');
			for (const method of METHODS) {
				if (new RegExp(`export (const|async function|function) ${method}\\b`).test(source)) out.push({ method: method.toLowerCase(), path });
			}
		}
	}
	return out;
}

const doc = openApiDocument({ serverUrl: 'http://localhost:3000' });

describe('OpenAPI document', () => {
	test('describes every /api/v1 route, including the ingest fast path', () => {
		const routes = [...apiRoutes(), { method: 'post', path: INGEST_PATH }];
		expect(routes.length).toBeGreaterThanOrEqual(4);
		const missing = routes.filter(({ method, path }) => !(doc.paths as Record<string, Record<string, unknown>>)[path]?.[method]);
		expect(missing, 'routes without an OpenAPI operation').toEqual([]);
	});

	test('describes no /api/v1 operation that has no route', () => {
		const routes = new Set([...apiRoutes(), { method: 'post', path: INGEST_PATH }].map((r) => `${r.method} ${r.path}`));
		const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
		expect(described.filter((d) => d.includes('/api/v1/') && !routes.has(d))).toEqual([]);
	});

	test('is a valid OpenAPI 3.1 document', async () => {
		const result = await new Validator().validate(structuredClone(doc));
		expect(result.errors ?? []).toEqual([]);
		expect(result.valid).toBe(true);
		expect(doc.openapi).toBe('3.1.0');
	});

	test('every operation has an id, a summary, a 2xx answer and a security requirement matching its scope', () => {
		const ids = new Set<string>();
		for (const [path, ops] of Object.entries(doc.paths)) {
			for (const [method, op] of Object.entries(ops) as [string, Record<string, unknown>][]) {
				expect(op.operationId, `${method} ${path}`).toBeTruthy();
				expect(ids.has(op.operationId as string)).toBe(false);
				ids.add(op.operationId as string);
				expect(op.summary).toBeTruthy();
				expect(Object.keys(op.responses as object).some((s) => s.startsWith('2'))).toBe(true);
				if (op['x-podium-scope']) expect(JSON.stringify(op.security)).toContain(op['x-podium-scope'] as string);
			}
		}
	});

	test('the events schema accepts the documented example and refuses what the API refuses', () => {
		const ajv = new Ajv2020({ strict: false, allErrors: true });
		addFormats(ajv);
		ajv.addSchema({ $id: 'doc', components: doc.components } as object);
		const body = (doc.paths[INGEST_PATH] as { post: { requestBody: { content: Record<string, { schema: object }> } } }).post.requestBody.content['application/json'].schema;
		const validate = ajv.compile(body);
		const ok = {
			events: [
				{ id: 'crm-42-won', metric: 'deal', user: 'ada.lovelace@demo.podium.test', value: 1, occurredAt: '2026-11-28T10:15:00+08:00', note: 'Acme renewal' },
				{ id: 'crm-42-rev', metric: 'revenue', user: 'ada.lovelace@demo.podium.test', value: 12000000 }
			]
		};
		expect(validate(ok), JSON.stringify(validate.errors)).toBe(true);
		for (const bad of [{ events: [] }, { events: [{ id: 'x', metric: 'deal', user: 'a@b.c', value: -1 }] }, { events: [{ id: 'x', metric: 'deal' }] }, { events: [{ id: 'x', metric: 'deal', user: 'a', value: 1.5 }] }]) {
			expect(validate(bad), JSON.stringify(bad)).toBe(false);
		}
	});

	test('the leaderboard parameters carry their defaults and limits', () => {
		const params = (doc.paths['/api/v1/leaderboards'] as { get: { parameters: { name: string; required: boolean; schema: Record<string, unknown> }[] } }).get.parameters;
		const byName = Object.fromEntries(params.map((p) => [p.name, p]));
		expect(Object.keys(byName).sort()).toEqual(['around', 'board', 'limit', 'scope', 'team', 'window']);
		expect(byName.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 50 });
		expect(byName.window.schema.enum).toEqual(['day', 'week', 'month', 'quarter', 'year', 'all']);
		expect(params.every((p) => p.required === false)).toBe(true);
	});
});
