// A second process redeeming rewards on the parent's database (DATABASE_URL), for the test that the
// balance and stock hold across processes. Prints {"event":"ready"}, waits for a line on stdin, then
// runs `count` concurrent redemptions of the reward for the member and prints
// {"event":"done","ok":n,"refused":{"<field>":n}}.
// Run: node --import tsx tests/helpers/rewards-child.ts <organizationId> <userId> <rewardId> <count>
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { openDatabase } from '../../src/lib/server/db';
import { DomainEventBus } from '../../src/lib/server/platform/events';
import { AppError } from '../../src/lib/server/platform/errors';
import { redeemReward } from '../../src/lib/server/recognition/reward.service';

const [organizationId, userId, rewardId, count] = process.argv.slice(2);
const say = (line: Record<string, unknown>) => writeSync(1, `${JSON.stringify({ ...line, pid: process.pid })}\n`);

const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' });
const deps = { db: handle.db, events: new DomainEventBus() };
const actor = { userId, organizationId, role: 'rep' as const };
say({ event: 'ready' });
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
const results = await Promise.allSettled(Array.from({ length: Number(count) }, () => redeemReward(deps, actor, { rewardId })));
const refused: Record<string, number> = {};
let ok = 0;
for (const r of results) {
	if (r.status === 'fulfilled') ok++;
	else {
		const field = r.reason instanceof AppError ? (r.reason.field ?? String(r.reason.status)) : String(r.reason?.message ?? r.reason);
		refused[field] = (refused[field] ?? 0) + 1;
	}
}
say({ event: 'done', ok, refused });
await handle.close();
process.exit(0);
