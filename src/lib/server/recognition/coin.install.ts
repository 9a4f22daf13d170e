// Coins earned by the organization's rules, as the facts arrive: points scored (scores.changed, in the
// process that scored them) and a contest's places (paid with its prizes by the freeze job).
// Each credit carries a ref naming its fact, unique per organization, so a fact heard twice, or by two
// processes, pays once.
// A badge's and a kudos's coins are credited in the transaction that awards or gives it (badge.engine.ts
// grant, kudos.service.ts giveKudos).
// A correction's negative points take back the coins their event gave, never below zero.
import type { Db } from '../db';
import { log } from '../platform/log';
import { adhocMembersOf, findContest, membersOfTeams, resultsOf, rosterWithRefs } from '../contests/contest.repository';
import { onContestPlaces } from '../contests/contest.lifecycle';
import { coinsForPoints } from '../../shared/rewards';
import { localize } from '../../shared/localized';
import type { RecognitionInstaller } from './recognition.install';
import { applyCoinChanges, coinRulesOf, type CoinChange } from './coin.service';

/** The coins for a final contest's places: the winner's rule for place 1, the places' rule for the others. */
export async function contestPlaceCoins(db: Db, organizationId: string, contestId: string): Promise<CoinChange[]> {
	const contest = await findContest(db, organizationId, contestId);
	if (!contest || contest.status !== 'final' || contest.hidden) return [];
	const rules = await coinRulesOf(db, organizationId);
	const placed = (await resultsOf(db, contestId)).filter((r) => r.place !== null && r.score > 0);
	if (placed.length === 0 || (rules.perContestWin === 0 && rules.perContestPlace === 0)) return [];
	const roster = await rosterWithRefs(db, organizationId);
	const members = new Set(roster.map((m) => m.user_id));
	const adhoc = await adhocMembersOf(db, [contestId]);
	const teams = await membersOfTeams(db, organizationId, placed.map((r) => r.participant_id).filter((id) => !members.has(id)));
	const changes: CoinChange[] = [];
	const name = localize(contest.name, 'en');
	for (const r of placed) {
		let recipients: string[];
		if (members.has(r.participant_id)) recipients = [r.participant_id];
		else if (r.participant_id === organizationId) recipients = roster.filter((m) => m.status === 'active').map((m) => m.user_id);
		else {
			const fromAdhoc = adhoc.filter((a) => a.contest_team_id === r.participant_id).map((a) => a.user_id);
			recipients = fromAdhoc.length ? fromAdhoc : teams.filter((m) => m.team_id === r.participant_id).map((m) => m.user_id);
		}
		const amount = r.place === 1 ? rules.perContestWin : rules.perContestPlace;
		for (const userId of recipients) {
			changes.push({ organizationId, userId, amount, reason: 'contest', ref: `contest:${contestId}:${userId}`, note: `${name} · #${r.place}`.slice(0, 200) });
		}
	}
	return changes;
}

export const installCoins: RecognitionInstaller = async ({ db, events }) => {
	const run = (what: string, work: () => Promise<unknown>) => {
		work().catch((error) => log.warn(`coins: could not credit ${what}`, error));
	};
	const stops = [
		events.on('scores.changed', ({ organizationId, events: scored }) => {
			if (!scored.some((e) => e.points !== 0)) return;
			run('points', async () => {
				const rules = await coinRulesOf(db, organizationId);
				if (rules.per100Points === 0) return;
				const changes: CoinChange[] = [];
				for (const e of scored) {
					const amount = coinsForPoints(e.points, rules.per100Points);
					if (amount !== 0) changes.push({ organizationId, userId: e.userId, amount, reason: 'points', ref: `points:${e.id}` });
				}
				await applyCoinChanges(db, changes);
			});
		}),
		// A final contest's places, when its prizes are paid (in the freeze job, retried after a crash).
		onContestPlaces(async (db, organizationId, contestId) => applyCoinChanges(db, await contestPlaceCoins(db, organizationId, contestId)))
	];
	return () => stops.forEach((stop) => stop());
};
