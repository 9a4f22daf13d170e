// A Podium process that dies between a commit and its live apply, for the recovery test.
// It starts the real runtime from the environment (DATABASE_URL, REDIS_URL: a database the parent can
// open after it), creates an org with reps, ingests a first batch normally, reads a board
// (so the org is built in the live store), then ingests a second batch and exits inside the live
// apply: the second batch is committed in the database and never applied.
// Prints {"organizationId":…,"firstBatch":n,"secondBatch":n} on stdout, then exits with code 0.
// Run: node --import tsx tests/helpers/crash-child.ts
import { writeSync } from 'node:fs';
import { getRuntime } from '../../src/lib/server/platform/runtime';
import { readBoard } from '../../src/lib/server/scoring/board.service';
import { ingestEvents } from '../../src/lib/server/scoring/event.service';
import { addRep, addTeam, createOrg } from './scoring';

const rt = await getRuntime();
const org = await createOrg(rt.db, { timeZone: 'America/New_York', weekStart: 7 });
const team = await addTeam(rt.db, org.organizationId);
const reps = [await addRep(rt.db, org.organizationId, { teamId: team }), await addRep(rt.db, org.organizationId)];
const ctx = { organizationId: org.organizationId, source: 'api' as const, actorId: null };
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

const first = await ingestEvents(rt, ctx, [
	{ id: 'first-1', metric: 'deal', user: reps[0].email, occurredAt: at(30) },
	{ id: 'first-2', metric: 'call', user: reps[1].email, value: 3, occurredAt: at(20) },
	{ id: 'first-3', metric: 'revenue', user: reps[0].email, value: 2_500_000, occurredAt: at(10) }
]);
if (!first.every((r) => r.status === 'accepted')) throw new Error(`first batch: ${JSON.stringify(first)}`);
await readBoard(rt, org.organizationId, { board: 'points', scope: 'users', window: 'week', limit: 50 });

const second = [
	{ id: 'second-1', metric: 'deal', user: reps[1].email, value: 2, occurredAt: at(5) },
	{ id: 'second-2', metric: 'meeting', user: reps[0].email, occurredAt: at(4) },
	{ id: 'second-3', metric: 'new_customer', user: reps[1].email, occurredAt: at(3) }
];
// The crash: ingest commits, then the process dies as the live apply starts.
rt.live.applyEvents = async () => {
	writeSync(1, `${JSON.stringify({ organizationId: org.organizationId, firstBatch: first.length, secondBatch: second.length })}\n`);
	process.exit(0);
};
await ingestEvents(rt, ctx, second);
throw new Error('the live apply was never reached');
