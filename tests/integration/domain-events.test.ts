// Domain events: every listener of the emitting process hears an event once; with Redis, the
// cluster-wide ones reach every other process once too (scores.changed does not), and a subscriber
// that lost its subscription without noticing subscribes again.
import { createClient, type RedisClientType } from 'redis';
import { afterAll, describe, expect, test } from 'vitest';
import { DomainEventBus, RedisDomainEventBus, type DomainEvents } from '../../src/lib/server/platform/events';
import { setLogLevel } from '../../src/lib/server/platform/log';
import { uniqueSuffix, usingRedis } from '../helpers/env';

// The failures these tests provoke are logged as warnings.
setLogLevel('silent');

function heard<K extends keyof DomainEvents>(bus: DomainEventBus, name: K) {
	const seen: DomainEvents[K][] = [];
	bus.on(name, (payload) => seen.push(payload));
	return seen;
}

function next<K extends keyof DomainEvents>(bus: DomainEventBus, name: K, timeoutMs = 5_000): Promise<DomainEvents[K]> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${name} not heard within ${timeoutMs} ms`)), timeoutMs);
		const off = bus.on(name, (payload) => {
			clearTimeout(timer);
			off();
			resolve(payload);
		});
	});
}

async function eventually(check: () => boolean, timeoutMs = 5_000) {
	const started = Date.now();
	while (!check()) {
		if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe('in one process', () => {
	test('each listener hears an event once, at once, even when another listener throws', () => {
		const bus = new DomainEventBus();
		bus.on('org.changed', () => {
			throw new Error('a broken listener');
		});
		const seen = heard(bus, 'org.changed');
		bus.emit('org.changed', { organizationId: 'o1', what: 'settings' });
		expect(seen).toEqual([{ organizationId: 'o1', what: 'settings' }]);
	});
});

describe.runIf(usingRedis)('across processes (Redis)', () => {
	const clients: RedisClientType[] = [];
	const buses: RedisDomainEventBus[] = [];
	const channel = `podium:test-events:${uniqueSuffix()}`;

	/** A bus as another process has it: its own connection, the same channel, a short heartbeat. */
	async function process() {
		const client = createClient({ url: globalThis.process.env.REDIS_URL }) as RedisClientType;
		await client.connect();
		clients.push(client);
		const bus = await RedisDomainEventBus.connect(client, { channel, heartbeatMs: 50 });
		buses.push(bus);
		return bus;
	}

	afterAll(async () => {
		for (const bus of buses) await bus.close();
		for (const client of clients) await client.quit().catch(() => client.destroy());
	});

	test('cluster-wide events reach the other process once, and never come back to their own', async () => {
		const [a, b] = await Promise.all([process(), process()]);
		const byA = heard(a, 'org.changed');
		const byB = heard(b, 'org.changed');
		const scoresAtB = heard(b, 'scores.changed');
		const revokedAtB = next(b, 'token.revoked');

		a.emit('scores.changed', { organizationId: 'o1', events: [] });
		a.emit('org.changed', { organizationId: 'o1', what: 'settings' });
		a.emit('token.revoked', { tokenId: 't1', organizationId: 'o1' });
		// Heard at once where emitted.
		expect(byA).toEqual([{ organizationId: 'o1', what: 'settings' }]);
		expect(await revokedAtB).toEqual({ tokenId: 't1', organizationId: 'o1' });
		// In publication order: by now b has heard everything a published before.
		expect(byB).toEqual([{ organizationId: 'o1', what: 'settings' }]);
		expect(scoresAtB).toEqual([]);

		// A reply from b reaches a after a's own publications would have: a did not hear itself.
		const reply = next(a, 'session.revoked');
		b.emit('session.revoked', { sessionId: 's1', userId: 'u1', organizationId: 'o1' });
		expect(await reply).toEqual({ sessionId: 's1', userId: 'u1', organizationId: 'o1' });
		expect(byA).toHaveLength(1);
	});

	test('a subscriber that silently lost its subscription notices and subscribes again', async () => {
		const [a, b] = await Promise.all([process(), process()]);
		await eventually(() => a.healthy);
		// As after a reconnect that did not restore the subscription. The deaf spell can be shorter than a
		// poll on a busy machine, so the test waits for the resubscription itself, then for health.
		const before = a.resubscriptions;
		await a.subscriber.unsubscribe(a.channel);
		await eventually(() => a.resubscriptions > before);
		await eventually(() => a.healthy);

		const arrival = next(a, 'user.sessions_revoked');
		b.emit('user.sessions_revoked', { userId: 'u1', organizationId: null });
		expect(await arrival).toEqual({ userId: 'u1', organizationId: null });
	});
});
