// demo:seed: the demo organization with 90 days of history, if absent.
import { PROGRAM } from './args';
import type { CommandSpec } from './command';
import { connectLive, fmt, L, withDb } from './context';

export const demoSeed: CommandSpec = {
	name: 'demo:seed',
	summary: 'Seed the demo organization (demo-sales-co) with 90 days of history, if it is absent.',
	flags: [],
	details: [
		'Idempotent: an existing demo organization is left alone, or gets its history if it has none.',
		'Works on the embedded database (with the server stopped) and on DATABASE_URL, which the server',
		'never seeds by itself. Everyone in it signs in with the password podium-demo-2026.'
	],
	examples: [`${PROGRAM} demo:seed`, `DATABASE_URL=postgres://podium@db.internal:5432/podium REDIS_URL=redis://cache:6379 ${PROGRAM} demo:seed`],
	async run(_flags, io) {
		await withDb(io, async ({ db, config }) => {
			// With Redis the boards are shared: rebuild them now. An in-process store is the server's own.
			const live = config.redisUrl ? await connectLive(config) : undefined;
			try {
				const outcome = await L.seedDemo(db, { live });
				const seconds = (outcome.ms / 1000).toFixed(1);
				if (outcome.status === 'created') {
					io.out(`Seeded the demo organization Demo Sales Co (demo-sales-co): 4 teams, 28 people and ${fmt(outcome.events)} events over ${L.DEMO_HISTORY_DAYS} days, in ${seconds} s.`);
				} else if (outcome.status === 'history-added') {
					io.out(`Added ${L.DEMO_HISTORY_DAYS} days of history (${fmt(outcome.events)} events) to the existing demo organization, in ${seconds} s.`);
				} else {
					io.out('The demo organization is seeded already: nothing changed.');
				}
				io.out(`Sign in with ${outcome.credentials.email} / ${outcome.credentials.password} (a leader: ${outcome.credentials.leaderEmail}, a rep: ${outcome.credentials.repEmail}).`);
				if (outcome.status !== 'present') {
					io.out(
						live
							? 'Its boards were rebuilt in Redis.'
							: 'Its boards are built from the event log when the server starts (a running server on DATABASE_URL picks a new organization up within seconds; restart it for added history).'
					);
				}
			} finally {
				await live?.close().catch(() => {});
			}
		});
	}
};
