// The demo organization's coins, rewards and ideas: earning rules, a small catalog (built-in
// illustrations, so it looks the same everywhere), a few weeks of coin history for the reps (contest
// places, badges, kudos received), a couple of redemptions waiting for approval and a few ideas in
// every state with votes and comments. Written in the seeding transaction; deterministic from `now`.
import type { Db } from '../db';
import { listMembers } from '../org/membership.repository';
import { moveCoins } from './coin.service';
import { upsertCoinSettings } from './coin.repository';
import { insertComment, insertIdea, insertVote, updateIdeaIf } from './idea.repository';
import { insertRedemption, insertReward, moveStock } from './reward.repository';

const DAY = 24 * 3600_000;

const CATALOG = [
	{ key: 'coffee', name: { en: 'Coffee voucher', 'zh-CN': '咖啡券' }, description: { en: 'A coffee of your choice at the café downstairs.', 'zh-CN': '楼下咖啡馆任选一杯。' }, image: 'art:coffee', cost: 60, stock: null, limit: null },
	{ key: 'lunch', name: { en: 'Team lunch', 'zh-CN': '团队午餐' }, description: { en: 'Lunch for you and your team, on the company.', 'zh-CN': '公司请你和团队吃午餐。' }, image: 'art:lunch', cost: 300, stock: 10, limit: 2 },
	{ key: 'dayoff', name: { en: 'Half day off', 'zh-CN': '半天假' }, description: { en: 'An afternoon for yourself. Pick the day with your leader.', 'zh-CN': '给自己放个下午假，与主管商定日期。' }, image: 'art:sun', cost: 500, stock: 6, limit: 1 },
	{ key: 'tickets', name: { en: 'Movie tickets', 'zh-CN': '电影票' }, description: { en: 'Two tickets for any film this month.', 'zh-CN': '本月任意影片两张票。' }, image: 'art:ticket', cost: 180, stock: null, limit: null },
	{ key: 'headphones', name: { en: 'Noise-cancelling headphones', 'zh-CN': '降噪耳机' }, description: { en: 'Focus on the next call.', 'zh-CN': '专注于下一通电话。' }, image: 'art:headphones', cost: 1200, stock: 2, limit: 1 },
	{ key: 'trip', name: { en: 'Weekend trip', 'zh-CN': '周末旅行' }, description: { en: 'Two nights away, for the year’s top closers.', 'zh-CN': '两晚旅行，送给年度最佳成交者。' }, image: 'art:plane', cost: 3000, stock: 1, limit: 1 }
] as const;

const IDEAS = [
	{ title: 'Call inbound leads back within 5 minutes', body: 'Leads we call back within five minutes book a meeting twice as often. A shared queue on the TV would make it a race.', status: 'adopted', note: 'Rolled out to every team from Monday. Thank you!', votes: 9 },
	{ title: 'Swap one demo script per week', body: 'Each Friday, two reps swap their best demo opening and try the other one next week.', status: 'trying', note: 'Trying it in Mid-Market this month.', votes: 6 },
	{ title: 'A “lost deal” debrief every Thursday', body: '15 minutes, one lost deal, what we would do differently. No blame.', status: 'new', note: null, votes: 4 },
	{ title: 'Follow-up emails with a short video', body: 'A 60-second personal video after the first call instead of a long email.', status: 'new', note: null, votes: 2 },
	{ title: 'Cold calls only before 10 am', body: 'Block the first two hours for calls and keep meetings for the afternoon.', status: 'declined', note: 'Our APAC customers need the mornings for meetings; let us revisit next quarter.', votes: 3 }
] as const;

export async function seedDemoRewards(db: Db, organizationId: string, adminId: string, now: Date) {
	const members = await listMembers(db, organizationId);
	const reps = members.filter((m) => m.role === 'rep').map((m) => ({ id: m.user_id, name: m.name, teamId: m.team_id }));
	const leaders = members.filter((m) => m.role === 'leader').map((m) => m.user_id);
	if (reps.length === 0) return;
	await upsertCoinSettings(db, organizationId, { per_contest_win: 150, per_contest_place: 75, per_badge: 40, per_kudos: 10, per_100_points: 0, idea_points: 50 });

	const rewardIds = new Map<string, string>();
	for (const item of CATALOG) {
		rewardIds.set(
			item.key,
			await insertReward(db, {
				organization_id: organizationId,
				name: JSON.stringify(item.name),
				description: JSON.stringify(item.description),
				image: item.image,
				cost: item.cost,
				stock: item.stock,
				per_person_limit: item.limit
			})
		);
	}

	// A few weeks of coins: a welcome bonus, then contest places, badges and kudos received, more for the
	// reps higher up the list (the demo's history favours them too), so balances differ.
	const at = (daysAgo: number, hour = 10) => new Date(now.getTime() - daysAgo * DAY + hour * 3600_000 - 12 * 3600_000);
	for (const [i, rep] of reps.entries()) {
		const move = (amount: number, reason: 'demo' | 'contest' | 'badge' | 'kudos', ref: string, note: string | null, daysAgo: number) =>
			moveCoins(db, { organizationId, userId: rep.id, amount, reason, ref: `demo:${ref}:${rep.id}`, note, at: at(daysAgo, 9 + (i % 8)) });
		await move(200, 'demo', 'welcome', null, 28);
		const weight = reps.length - i;
		for (let k = 0; k < Math.ceil(weight / 5); k++) await move(40, 'badge', `badge:${k}`, ['First deal', 'Call streak', 'Big week', 'Closer'][k % 4], 24 - k * 5);
		for (let k = 0; k < (weight % 6) + 1; k++) await move(10, 'kudos', `kudos:${k}`, null, 20 - k * 3);
		if (i < 3) await move([150, 75, 75][i], 'contest', 'contest', `Deal sprint · #${i + 1}`, 7);
	}

	// Redemptions: two waiting for approval, one approved, one fulfilled.
	const redeem = async (rep: { id: string }, key: string, status: 'pending' | 'approved' | 'fulfilled', daysAgo: number) => {
		const item = CATALOG.find((c) => c.key === key)!;
		const rewardId = rewardIds.get(key)!;
		const id = await insertRedemption(db, { organization_id: organizationId, reward_id: rewardId, user_id: rep.id, cost: item.cost, status, decided_by: status === 'pending' ? null : (leaders[0] ?? adminId) });
		await moveCoins(db, { organizationId, userId: rep.id, amount: -item.cost, reason: 'redemption', ref: `redeem:${id}`, note: item.name.en, at: at(daysAgo, 15) });
		await moveStock(db, organizationId, rewardId, -1);
	};
	await redeem(reps[0], 'lunch', 'pending', 1);
	if (reps[1]) await redeem(reps[1], 'coffee', 'pending', 0);
	if (reps[2]) await redeem(reps[2], 'tickets', 'approved', 3);
	if (reps[3]) await redeem(reps[3], 'coffee', 'fulfilled', 10);

	// Ideas, with votes from colleagues and a comment or two. The demo's history is only its seeded score
	// events, so the adopted idea's points are not on the log.
	for (const [n, spec] of IDEAS.entries()) {
		const author = reps[(n * 5 + 1) % reps.length];
		const created = at(18 - n * 3, 11);
		const id = await insertIdea(db, { organization_id: organizationId, author_id: author.id, title: spec.title, body: spec.body, created_at: created });
		for (let v = 0; v < spec.votes; v++) {
			const voter = reps[(n * 5 + 2 + v) % reps.length];
			if (voter.id !== author.id) await insertVote(db, id, voter.id);
		}
		const commenter = reps[(n * 5 + 3) % reps.length];
		await insertComment(db, { idea_id: id, organization_id: organizationId, user_id: commenter.id, body: n % 2 ? 'I would try this on my accounts.' : 'Love it. Can we start next week?', created_at: new Date(created.getTime() + 3600_000) });
		if (spec.status !== 'new') {
			await updateIdeaIf(db, organizationId, id, ['new'], { status: spec.status, note: spec.note, decided_by: leaders[n % Math.max(1, leaders.length)] ?? adminId });
		}
	}
}
