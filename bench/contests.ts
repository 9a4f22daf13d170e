// Live contests for the bench's "ingest with live contests" row: `count` contests over the ingest org's
// reps (races on points and on weighted metrics over every member, team-versus-team over its teams),
// made through the contest service and started at once, so that every event the server then ingests is
// counted by the contest board family as well.
import type { Db } from '../src/lib/server/db';
import type { LiveStore } from '../src/lib/server/live/store';
import { DomainEventBus } from '../src/lib/server/platform/events';
import { Scheduler } from '../src/lib/server/platform/scheduler';
import { createContest } from '../src/lib/server/contests/contest.service';
import { startContest } from '../src/lib/server/contests/contest.lifecycle';
import { findContestById } from '../src/lib/server/contests/contest.repository';
import { listTeams } from '../src/lib/server/org/team.repository';
import type { BenchOrg } from './seed';

export async function startLiveContests(db: Db, live: LiveStore, org: BenchOrg, count: number): Promise<string[]> {
	const deps = { db, live, events: new DomainEventBus(), scheduler: new Scheduler({ db, pollMs: 0 }) };
	// The contest service asks the actor's role, not its membership row: a rep acting as an admin.
	const actor = { userId: org.userIds[0], organizationId: org.id, role: 'admin' as const };
	const teams = (await listTeams(db, org.id)).map((t) => t.id);
	const startsAt = new Date(Date.now() + 1_500);
	const endsAt = new Date(Date.now() + 6 * 3600_000);
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const kind = i % 4;
		const scoring = kind === 1 ? { metrics: [{ metric: 'call', weight: 1 }, { metric: 'deal', weight: 20 }, { metric: 'meeting', weight: 5 }] } : { metrics: 'points' };
		const { id } = await createContest(deps, actor, {
			name: { en: `Bench contest ${i + 1}` },
			format: kind === 3 ? 'team_vs_team' : 'race',
			scoring,
			startsAt: startsAt.toISOString(),
			endsAt: endsAt.toISOString(),
			status: 'scheduled',
			participants: kind === 3 ? { teams } : { all: true },
			prizes: [{ place: 1, points: 10 }]
		});
		ids.push(id);
	}
	await new Promise((r) => setTimeout(r, Math.max(0, startsAt.getTime() - Date.now() + 50)));
	// Started here (the server's scheduler would within a poll; the transition is claimed once either way).
	for (const id of ids) await startContest(deps, id);
	for (const id of ids) {
		const row = await findContestById(db, id);
		if (row?.status !== 'live') throw new Error(`bench contest ${id} is ${row?.status}, not live`);
	}
	return ids;
}
