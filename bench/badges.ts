// Active badge rules for the bench's "ingest with 30 badge rules" row: a mix of the rules the engine
// evaluates as events arrive (first time, counts and values per day, week and month, streaks of
// working days, personal bests) over the ingest org's metrics, checked by the same rule parser as the
// admin page and written to its badges table. archiveBadgeRules takes them off again.
import type pg from 'pg';
import { badgeInputSchema, badgeRuleOf, BADGE_ICONS } from '../src/lib/shared/badges';
import type { BenchOrg } from './seed';

const METRICS = ['call', 'meeting', 'deal', 'revenue', 'new_customer'];

function ruleInput(i: number) {
	const metric = METRICS[i % METRICS.length];
	const measure = metric === 'revenue' ? 'value' : 'count';
	const scale = metric === 'revenue' ? 10_000_000 : 10;
	const base = { name: { en: `Bench badge ${i + 1}` }, icon: BADGE_ICONS[i % BADGE_ICONS.length], metric, measure };
	switch (i % 6) {
		case 0:
			return { ...base, kind: 'first_time' };
		case 1:
			return { ...base, kind: 'window', window: 'day', tiered: true, bronze: scale, silver: 3 * scale, gold: 10 * scale };
		case 2:
			return { ...base, kind: 'window', window: 'week', tiered: true, bronze: 5 * scale, silver: 20 * scale, gold: 50 * scale };
		case 3:
			return { ...base, kind: 'window', window: 'month', threshold: 100 * scale };
		case 4:
			return { ...base, kind: 'streak', window: 'month', perDay: metric === 'revenue' ? 1_000_000 : 1, tiered: true, bronze: 3, silver: 5, gold: 10 };
		default:
			return { ...base, kind: 'personal_best', window: 'day' };
	}
}

export async function addBadgeRules(client: pg.Client, org: BenchOrg, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const input = badgeInputSchema.parse(ruleInput(i));
		const parsed = badgeRuleOf(input);
		if (!parsed.ok) throw new Error(`bench badge ${i + 1}: ${parsed.issue.field} ${parsed.issue.key}`);
		const { rows } = await client.query<{ id: string }>(`insert into badges (organization_id, name, icon, rule, steps) values ($1, $2, $3, $4, $5) returning id`, [
			org.id,
			JSON.stringify(input.name),
			input.icon,
			JSON.stringify(parsed.rule),
			JSON.stringify(parsed.steps)
		]);
		ids.push(rows[0].id);
	}
	return ids;
}

export async function archiveBadgeRules(client: pg.Client, ids: string[]): Promise<void> {
	await client.query(`update badges set status = 'archived' where id = any($1::uuid[])`, [ids]);
}
