import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { pingDatabase } from '$lib/server/db';
import type { healthResponseSchema } from '$lib/server/platform/platform.api';
import type { RequestHandler } from './$types';

async function timed<T>(work: () => Promise<T>) {
	const started = performance.now();
	try {
		const value = await work();
		return { ok: true, value, ms: Math.round((performance.now() - started) * 10) / 10 };
	} catch {
		return { ok: false, value: undefined, ms: Math.round((performance.now() - started) * 10) / 10 };
	}
}

export const GET: RequestHandler = async ({ locals }) => {
	const rt = locals.runtime;
	const [database, live] = await Promise.all([
		timed(() => pingDatabase(rt.db)),
		timed(() => rt.live.ping().then((ok) => (ok ? ok : Promise.reject(new Error('down')))))
	]);
	const realtime = rt.realtime?.();
	const body: z.input<typeof healthResponseSchema> = {
		status: database.ok && live.ok && realtime?.status === 'up' ? 'ok' : 'degraded',
		database: { kind: rt.dbKind, status: database.ok ? 'up' : 'down', latencyMs: database.ms },
		liveStore: { kind: rt.live.kind, status: live.ok ? 'up' : 'down', latencyMs: live.ms },
		realtime: realtime
			? { kind: realtime.adapter, status: realtime.status, clients: realtime.clients }
			: { kind: rt.config.redisUrl ? 'redis-streams' : 'memory', status: 'down', clients: 0 },
		time: new Date().toISOString()
	};
	return json(body, { status: body.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
};
