// live:rebuild: every board of the live store rebuilt from the event log.
import { PROGRAM } from './args';
import type { CommandSpec } from './command';
import { connectLive, fmt, L, MEMORY_LIVE_NOTE, orgFlag, organizationsFor, printTable, withDb, withoutPassword } from './context';

export const liveRebuild: CommandSpec = {
	name: 'live:rebuild',
	summary: 'Rebuild the live store (every board) from the event log, for one organization or all.',
	flags: [{ name: 'org', value: 'slug', help: 'only this organization; all when omitted' }],
	details: [
		'Safe while servers run on PostgreSQL and Redis: events arriving during the rebuild are applied',
		'after it. Without REDIS_URL each server holds its own live store and rebuilds it on start.'
	],
	examples: [`${PROGRAM} live:rebuild`, `${PROGRAM} live:rebuild --org demo-sales-co`],
	async run(flags, io) {
		const slug = flags.org === undefined ? undefined : orgFlag(flags);
		await withDb(io, async ({ db, config }) => {
			const live = await connectLive(config);
			try {
				io.out(`Live store: ${live.kind}${config.redisUrl ? ` (${withoutPassword(config.redisUrl)})` : ' (in this process)'}`);
				const orgs = await organizationsFor(db, slug);
				const started = Date.now();
				const rows: string[][] = [];
				let events = 0;
				for (const org of orgs) {
					const t0 = Date.now();
					await L.rebuildOrg({ db, live }, org.id);
					const ms = Date.now() - t0;
					const count = (await L.eventOrgSeqs(db, org.id, Number.MAX_SAFE_INTEGER)).length;
					const boards = (await live.boardKeys(org.id)).length;
					events += count;
					rows.push([org.slug, `${fmt(count)} events`, `${fmt(boards)} boards`, `${fmt(ms)} ms`]);
				}
				printTable(io, rows);
				io.out(`Rebuilt ${orgs.length} organization${orgs.length === 1 ? '' : 's'} (${fmt(events)} events) in ${fmt(Date.now() - started)} ms.`);
				if (live.kind === 'memory') io.out(MEMORY_LIVE_NOTE);
			} finally {
				await live.close().catch(() => {});
			}
		});
	}
};
