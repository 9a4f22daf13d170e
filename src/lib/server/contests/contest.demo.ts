// The demo organization's contests: a live race this week, a live team challenge for everyone, and a
// past race already final (its results frozen from the demo history), so that a new user sees contests
// at once. Written in the seeding transaction; the sweep (contest.lifecycle.ts) moves them on in time.
import type { Db } from '../db';
import { adhocMembersOf, eventsInRange, insertContest, insertParticipants, insertResults, participantsOf, rosterWithRefs, findContest } from './contest.repository';
import { frozenResults } from './contest.lifecycle';
import { toDef } from './contest.family';
import { maxEventId } from '../scoring/event.repository';
import { toScored } from '../scoring/live.service';
import { insertJob } from '../platform/job.repository';
import { bracketEnd, bracketRounds as bracketRoundCount, roundSpan, seedBracket } from './rules/bracket';

const DAY = 24 * 3600_000;

export async function seedDemoContests(db: Db, organizationId: string, adminId: string, now: Date) {
	const reps = (await rosterWithRefs(db, organizationId)).filter((m) => m.role === 'rep' && m.status === 'active').map((m) => m.user_id);
	const base = { organization_id: organizationId, created_by: adminId, description: JSON.stringify({}), grace_minutes: 10, repeat: JSON.stringify({ every: 'none' }) };
	const race = await insertContest(db, {
		...base,
		name: JSON.stringify({ en: 'Deal sprint', 'zh-CN': '成交冲刺' }),
		description: JSON.stringify({ en: 'Most deals this week wins. Three prize places.', 'zh-CN': '本周成交最多者获胜，设三个获奖名次。' }),
		format: 'race',
		scoring: JSON.stringify([{ metric: 'deal', weight: 1 }]),
		rank_by: 'total',
		starts_at: new Date(now.getTime() - 2 * DAY),
		ends_at: new Date(now.getTime() + 5 * DAY),
		status: 'live',
		places: 3,
		prizes: JSON.stringify([
			{ place: 1, text: { en: 'Team dinner', 'zh-CN': '团队晚宴' }, points: 300 },
			{ place: 2, text: { en: 'Movie tickets', 'zh-CN': '电影票' }, points: 200 },
			{ place: 3, text: { en: 'Coffee for a week', 'zh-CN': '一周咖啡' }, points: 100 }
		])
	});
	await insertParticipants(db, reps.map((user_id) => ({ contest_id: race, organization_id: organizationId, user_id })));

	const challenge = await insertContest(db, {
		...base,
		name: JSON.stringify({ en: '1,500 calls together', 'zh-CN': '齐心完成 1,500 通电话' }),
		format: 'team_challenge',
		scoring: JSON.stringify([{ metric: 'call', weight: 1 }]),
		rank_by: 'total',
		starts_at: new Date(now.getTime() - 7 * DAY),
		ends_at: new Date(now.getTime() + 14 * DAY),
		status: 'live',
		target: 1500,
		places: 1,
		prizes: JSON.stringify([])
	});
	await insertParticipants(db, [{ contest_id: challenge, organization_id: organizationId, whole_org: true }]);

	const past = await insertContest(db, {
		...base,
		name: JSON.stringify({ en: 'Revenue week', 'zh-CN': '营收周' }),
		format: 'race',
		scoring: JSON.stringify('points'),
		rank_by: 'total',
		starts_at: new Date(now.getTime() - 40 * DAY),
		ends_at: new Date(now.getTime() - 33 * DAY),
		status: 'final',
		frozen_at: new Date(now.getTime() - 33 * DAY + 10 * 60_000),
		places: 3,
		prizes: JSON.stringify([
			{ place: 1, text: { en: 'Gift card', 'zh-CN': '礼品卡' }, points: 0 },
			{ place: 2, text: { en: 'Lunch', 'zh-CN': '午餐' }, points: 0 },
			{ place: 3, text: { en: 'Coffee', 'zh-CN': '咖啡' }, points: 0 }
		])
	});
	await insertParticipants(db, reps.map((user_id) => ({ contest_id: past, organization_id: organizationId, user_id })));
	const row = (await findContest(db, organizationId, past))!;
	const participants = await participantsOf(db, organizationId, [past]);
	const def = toDef(row, participants, await adhocMembersOf(db, [past]));
	const events = (await eventsInRange(db, organizationId, row.starts_at, row.ends_at!, await maxEventId(db, organizationId))).map(toScored);
	await insertResults(db, frozenResults(row, def, participants, events));

	// A bracket of eight reps, one day per round, its first round under way.
	const eight = (await rosterWithRefs(db, organizationId)).filter((m) => m.role === 'rep' && m.status === 'active').sort((a, b) => a.name.localeCompare(b.name)).slice(0, 8);
	let bracket: string | null = null;
	if (eight.length === 8) {
		const roundMs = DAY;
		const startsAt = new Date(now.getTime() - 3 * 3600_000);
		const seeded = eight.map((m, i) => ({ id: m.user_id, name: m.name, seed: i + 1 }));
		const matches = seedBracket(seeded, { startsAt, roundMs });
		bracket = await insertContest(db, {
			...base,
			name: JSON.stringify({ en: 'Call-off bracket', 'zh-CN': '电话淘汰赛' }),
			description: JSON.stringify({ en: 'Most calls in a day wins the match. One round a day.', 'zh-CN': '每天一轮，当天电话最多者晋级。' }),
			format: 'bracket',
			scoring: JSON.stringify([{ metric: 'call', weight: 1 }]),
			rank_by: 'total',
			starts_at: startsAt,
			ends_at: bracketEnd(startsAt, roundMs, seeded.length),
			status: 'live',
			places: 1,
			prizes: JSON.stringify([{ place: 1, text: { en: 'A day off', 'zh-CN': '一天假期' }, points: 500 }]),
			options: JSON.stringify({ bracket: { roundMinutes: roundMs / 60_000, seeding: 'manual', matches } })
		});
		await insertParticipants(db, seeded.map((p) => ({ contest_id: bracket!, organization_id: organizationId, user_id: p.id, seed: p.seed })));
		// Each round is decided by the scheduler at its end, as for a bracket started from the builder.
		for (let round = 0; round < bracketRoundCount(seeded.length); round++) {
			await insertJob(db, {
				kind: 'contest.bracket-round',
				payload: { contestId: bracket, round },
				runAt: roundSpan(startsAt, roundMs, round).endsAt,
				maxAttempts: 5,
				organizationId,
				dedupeKey: `contest:${bracket}:bracket:${round}`,
				everyMs: null,
				now
			});
		}
	}
	return { race, challenge, past, bracket };
}
