// The demo organization's company values and three weeks of kudos between its people, with reactions,
// written in the seeding transaction. Each recipient's points are an event of the kudos metric (source
// 'kudos', key 'kudos:<id>:<user>', as a live give writes them), so the boards rebuilt after the seed
// count them. Deterministic (a seeded PRNG, relative to `now`); every giver stays within the allowance.
import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { insertEvents } from '../scoring/event.repository';
import { ensureSystemMetric } from '../scoring/metric.repository';
import { KUDOS_METRIC, KUDOS_REACTIONS } from '../../shared/kudos';
import { insertKudos, insertReactions, kudosRoster, setSpotlight } from './kudos.repository';
import { insertValue } from './values.repository';

const DAY = 24 * 3600_000;

export const DEMO_VALUES = [
	{ name: { en: 'Customer first', 'zh-CN': '客户至上' }, description: { en: 'We win when our customers win.', 'zh-CN': '客户成功，我们才成功。' }, emoji: '💙', color: '#2563eb' },
	{ name: { en: 'Win together', 'zh-CN': '共同赢' }, description: { en: 'Share leads, share wins.', 'zh-CN': '共享线索，共享胜利。' }, emoji: '🤝', color: '#7c3aed' },
	{ name: { en: 'Own it', 'zh-CN': '主人翁精神' }, description: { en: 'Take the ball and run with it.', 'zh-CN': '主动担当，一跑到底。' }, emoji: '🚀', color: '#ea580c' },
	{ name: { en: 'Always learning', 'zh-CN': '持续学习' }, description: { en: 'Curious, coachable, better every week.', 'zh-CN': '保持好奇，乐于受教，每周进步。' }, emoji: '📚', color: '#059669' }
];

const MESSAGES = [
	'Thanks for jumping on that call with the Acme team — you turned a “maybe” into a signed deal.',
	'You shared your objection-handling notes with the whole team. Huge help this week!',
	'Stayed late to fix the proposal before the deadline. Legend.',
	'Your discovery questions in the demo were spot on. The customer felt heard.',
	'Thanks for covering my accounts while I was out — not a single ball dropped.',
	'First to try the new pitch deck and already closed with it. Inspiring!',
	'You handed me that warm lead instead of keeping it. That is what winning together looks like.',
	'Patient, clear follow-up with a tough customer. They renewed for two years!',
	'Your role-play session made my cold calls so much better.',
	'Booked five meetings in a day and still found time to help the new hire.',
	'Turned a complaint into an upsell. Customer first, every time.',
	'Thank you for the pipeline review tips — my forecast is finally accurate.'
];

function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export async function seedDemoKudos(db: Db, organizationId: string, now: Date): Promise<number> {
	const rand = prng(20261130);
	const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
	const values: string[] = [];
	for (const v of DEMO_VALUES) values.push((await insertValue(db, organizationId, v)).id);
	const people = (await kudosRoster(db, organizationId)).filter((m) => m.status === 'active' && m.role !== 'admin');
	if (people.length < 3) return 0;
	const teamOf = new Map(people.map((m) => [m.user_id, m.team_id]));
	const metricId = await ensureSystemMetric(db, organizationId, KUDOS_METRIC, { en: 'Kudos', 'zh-CN': '点赞' });
	const events = [];
	const count = 28;
	for (let i = 0; i < count; i++) {
		// Spread over three weeks, the newest an hour ago; each giver gives at most every few days.
		const createdAt = new Date(now.getTime() - 3600_000 - Math.floor(((count - 1 - i) / count) * 21 * DAY) - Math.floor(rand() * 6 * 3600_000));
		const giver = people[i % people.length];
		const others = people.filter((p) => p.user_id !== giver.user_id);
		const first = pick(others);
		const to = rand() < 0.25 ? [first, pick(others.filter((p) => p.user_id !== first.user_id))] : [first];
		const points = pick([0, 5, 10, 10, 15, 20]);
		const row = await insertKudos(db, {
			organizationId,
			giverId: giver.user_id,
			valueId: pick(values),
			message: MESSAGES[i % MESSAGES.length],
			points,
			recipients: to.map((p) => p.user_id),
			requestId: `demo-${i}`,
			source: 'demo',
			createdAt
		});
		if (i === count - 3) await setSpotlight(db, organizationId, row.id, true);
		const reactors = people.filter(() => rand() < 0.35).slice(0, 6);
		await insertReactions(db, reactors.map((p) => ({ kudos_id: row.id, organization_id: organizationId, user_id: p.user_id, emoji: pick(KUDOS_REACTIONS), created_at: createdAt })));
		if (points > 0) {
			for (const p of to) {
				const key = `kudos:${row.id}:${p.user_id}`;
				events.push({
					organization_id: organizationId,
					metric_id: metricId,
					user_id: p.user_id,
					team_id: teamOf.get(p.user_id) ?? null,
					value: 0,
					points,
					occurred_at: createdAt,
					source: 'kudos' as const,
					actor_id: null,
					note: `${giver.name} · kudos`,
					idempotency_key: key,
					content_hash: createHash('sha256').update(JSON.stringify(['award', key, p.user_id, points])).digest('hex')
				});
			}
		}
	}
	await insertEvents(db, events);
	return count;
}
