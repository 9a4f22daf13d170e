// The platform's public endpoints, as the OpenAPI document describes them (see openapi.ts).
import { z } from 'zod';
import type { ApiOperation } from './openapi';

const component = z.object({ kind: z.string(), status: z.enum(['up', 'down']) });

export const healthResponseSchema = z
	.object({
		status: z.enum(['ok', 'degraded']),
		database: component.extend({ kind: z.enum(['pglite', 'postgres']), latencyMs: z.number() }),
		liveStore: component.extend({ kind: z.enum(['memory', 'redis']), latencyMs: z.number() }),
		realtime: component.extend({ kind: z.enum(['memory', 'redis-streams']), clients: z.int() }),
		time: z.string()
	})
	.meta({ id: 'Health' });

export const platformApi: ApiOperation[] = [
	{
		method: 'get',
		path: '/api/health',
		operationId: 'getHealth',
		tag: 'platform',
		summary: 'Whether the database, the live store and realtime are up',
		auth: { kind: 'none' },
		responses: {
			200: { description: 'Everything is up.', schema: healthResponseSchema },
			503: { description: 'Something is down; the body says what.', schema: healthResponseSchema }
		}
	}
];
