// live:verify: every current board compared with the event log; exit 3 on drift.
import { PROGRAM } from './args';
import type { Db } from '../../src/lib/server/db';
import type { CommandSpec } from './command';
import { connectLive, fmt, L, MEMORY_LIVE_NOTE, orgFlag, organizationsFor, withDb } from './context';

const MAX_DRIFT_LINES = 40;

export const liveVerify: CommandSpec = {
	name: 'live:verify',
	summary: 'Compare every current board of the live store with the event log; exit 3 on drift.',
	flags: [{ name: 'org', value: 'slug', help: 'only this organization; all when omitted' }],
	details: [
		'Checks the current period of every window (day, week, month, quarter, year, all), for users and',
		'teams, points and every metric. An organization whose boards are missing is rebuilt first.',
		'Without REDIS_URL the live store is in each server process, so this can only check that the',
		'event log rebuilds cleanly; run it with REDIS_URL to check what servers serve.'
	],
	examples: [`${PROGRAM} live:verify`, `${PROGRAM} live:verify --org demo-sales-co || ${PROGRAM} live:rebuild --org demo-sales-co`],
	async run(flags, io) {
		const slug = flags.org === undefined ? undefined : orgFlag(flags);
		return withDb(io, async ({ db, config }) => {
			const live = await connectLive(config);
			try {
				const orgs = await organizationsFor(db, slug);
				let drifting = 0;
				let boards = 0;
				for (const org of orgs) {
					const result = await L.verifyOrg({ db, live }, org.id);
					boards += result.boards;
					if (result.drift.length === 0) {
						io.out(`${org.slug}: ${fmt(result.boards)} boards checked, no drift`);
						continue;
					}
					drifting++;
					io.out(`${org.slug}: ${fmt(result.boards)} boards checked, ${fmt(result.drift.length)} entries drift:`);
					const labels = await memberLabels(db, org.id);
					for (const d of result.drift.slice(0, MAX_DRIFT_LINES)) {
						const who = labels.get(d.member) ?? d.member;
						io.out(`  ${d.key}  ${who}: log ${d.expected ?? 'absent'}, live ${d.live ?? 'absent'}`);
					}
					if (result.drift.length > MAX_DRIFT_LINES) io.out(`  … and ${fmt(result.drift.length - MAX_DRIFT_LINES)} more`);
				}
				io.out(
					drifting
						? `Drift in ${drifting} of ${orgs.length} organization${orgs.length === 1 ? '' : 's'}: repair with ${PROGRAM} live:rebuild${slug ? ` --org ${slug}` : ''}.`
						: `No drift: ${fmt(boards)} boards in ${orgs.length} organization${orgs.length === 1 ? '' : 's'} match the event log.`
				);
				if (live.kind === 'memory') io.out(MEMORY_LIVE_NOTE);
				return drifting ? 3 : 0;
			} finally {
				await live.close().catch(() => {});
			}
		});
	}
};

async function memberLabels(db: Db, organizationId: string) {
	const [members, teams] = await Promise.all([L.listMembers(db, organizationId), L.listTeams(db, organizationId)]);
	const out = new Map<string, string>();
	for (const m of members) out.set(m.user_id, `${m.name} (${m.user_id})`);
	for (const t of teams) out.set(t.id, `team ${t.name} (${t.id})`);
	return out;
}
