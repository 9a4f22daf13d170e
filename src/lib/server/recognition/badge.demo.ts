// The demo organization's badges: a dozen definitions across the rule kinds, earned from the demo
// history (backfilled silently, as a new badge is), a manual award with its reason, and the levels the
// demo people already reached (recorded, so that their next event celebrates nothing old).
// Written in the seeding transaction.
import type { Db } from '../db';
import type { DomainEventBus } from '../platform/events';
import type { Clock } from '../platform/clock';
import { badgeInputSchema, badgeRuleOf, DEFAULT_LEVELS, levelOf } from '../../shared/badges';
import { insertAwards, insertBadge, insertLevelsReached, lifetimePoints, membersOf } from './badge.repository';
import { backfillBadge } from './badge.service';
import { forgetBadges } from './badge.engine';

const DEMO_BADGES: Record<string, unknown>[] = [
	{ name: { en: 'First deal', 'zh-CN': '首单' }, description: { en: 'Closed a first deal.', 'zh-CN': '完成第一笔成交。' }, icon: 'handshake', kind: 'first_time', metric: 'deal' },
	{ name: { en: 'Dialer', 'zh-CN': '电话达人' }, description: { en: 'Calls in a single day.', 'zh-CN': '单日电话数。' }, icon: 'phone', kind: 'window', metric: 'call', measure: 'count', window: 'day', tiered: true, bronze: 10, silver: 20, gold: 30 },
	{ name: { en: 'Meeting machine', 'zh-CN': '会议高手' }, icon: 'coffee', kind: 'window', metric: 'meeting', measure: 'count', window: 'week', threshold: 8 },
	{ name: { en: 'Big month', 'zh-CN': '丰收月' }, description: { en: 'Revenue in a calendar month.', 'zh-CN': '单月收入。' }, icon: 'diamond', kind: 'window', metric: 'revenue', measure: 'value', window: 'month', tiered: true, bronze: 5_000_000, silver: 10_000_000, gold: 20_000_000 },
	{ name: { en: 'Deal streak', 'zh-CN': '连胜' }, description: { en: 'A deal every working day.', 'zh-CN': '每个工作日都有成交。' }, icon: 'flame', kind: 'streak', metric: 'deal', measure: 'count', perDay: 1, window: 'all', tiered: true, bronze: 3, silver: 5, gold: 10 },
	{ name: { en: 'Phone marathon', 'zh-CN': '电话马拉松' }, icon: 'lightning', kind: 'streak', metric: 'call', measure: 'count', perDay: 8, window: 'month', threshold: 5 },
	{ name: { en: 'Personal best day', 'zh-CN': '个人最佳日' }, icon: 'rocket', kind: 'personal_best', metric: 'call', measure: 'count', window: 'day' },
	{ name: { en: 'New logos', 'zh-CN': '新客户' }, icon: 'flag', kind: 'window', metric: 'new_customer', measure: 'count', window: 'quarter', tiered: true, bronze: 2, silver: 5, gold: 10 },
	{ name: { en: 'Contest champion', 'zh-CN': '竞赛冠军' }, icon: 'trophy', kind: 'signal', signal: 'contest_won', window: 'all', threshold: 1 },
	{ name: { en: 'Well loved', 'zh-CN': '人气王' }, icon: 'heart', kind: 'signal', signal: 'kudos_received', window: 'month', tiered: true, bronze: 3, silver: 10, gold: 25 },
	{ name: { en: 'Fast learner', 'zh-CN': '学霸' }, icon: 'graduation', kind: 'signal', signal: 'course_completed', window: 'all', threshold: 3 },
	{ name: { en: 'Team player', 'zh-CN': '团队之星' }, description: { en: 'Given by a leader for helping the team.', 'zh-CN': '主管颁发，表彰对团队的帮助。' }, icon: 'crown', kind: 'manual' }
];

export async function seedDemoBadges(db: Db, organizationId: string, adminId: string, now: Date) {
	const clock: Clock = { now: () => now };
	const deps = { db, events: { emit() {} } as unknown as DomainEventBus, clock };
	const ids: string[] = [];
	for (const spec of DEMO_BADGES) {
		const parsed = badgeInputSchema.parse(spec);
		const checked = badgeRuleOf(parsed);
		if (!checked.ok) throw new Error(`demo badge ${JSON.stringify(spec.name)}: ${checked.issue.field}`);
		const id = await insertBadge(db, {
			organization_id: organizationId,
			name: JSON.stringify(parsed.name),
			description: JSON.stringify(parsed.description),
			icon: parsed.icon,
			rule: JSON.stringify(checked.rule),
			steps: JSON.stringify(checked.steps),
			created_by: adminId
		});
		ids.push(id);
		await backfillBadge(deps, organizationId, { id, name: parsed.name, icon: parsed.icon, rule: checked.rule, steps: checked.steps });
	}
	forgetBadges(organizationId);
	const members = await membersOf(db, organizationId);
	const reps = members.filter((m) => m.role === 'rep');
	// The leader's "Team player" for the first two reps, with a reason.
	const manual = ids[ids.length - 1];
	await insertAwards(
		db,
		reps.slice(0, 2).map((rep, i) => ({
			organization_id: organizationId,
			badge_id: manual,
			tier: '' as const,
			user_id: rep.user_id,
			period_key: new Date(now.getTime() - (i + 2) * 86_400_000).toISOString().slice(0, 10),
			awarded_at: new Date(now.getTime() - (i + 2) * 86_400_000),
			awarded_by: adminId,
			reason: i === 0 ? 'Covered every inbound lead while the team was at the offsite.' : 'Shared the objection-handling playbook with the new hires.'
		}))
	);
	const points = await lifetimePoints(db, organizationId, members.map((m) => m.user_id));
	for (const m of members) {
		const { level } = levelOf(DEFAULT_LEVELS, points.get(m.user_id) ?? 0);
		const numbers = DEFAULT_LEVELS.filter((l) => l.number > 1 && l.number <= level.number).map((l) => l.number);
		await insertLevelsReached(db, organizationId, m.user_id, numbers, now);
	}
}
