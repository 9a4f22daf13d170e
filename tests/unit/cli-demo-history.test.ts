// The demo organization's history (demo:seed and the first embedded start): its shape, checked on the
// pure generator. tests/integration/cli-demo.test.ts checks the same history once it is in a database.
import { describe, expect, test } from 'vitest';
import { capPoints, pointsFor } from '../../src/lib/shared/scoring';
import { zonedParts } from '../../src/lib/shared/time-windows';
import { DEFAULT_METRICS } from '../../src/lib/server/scoring/metric.repository';
import {
	DEMO_HISTORY_DAYS,
	DEMO_TEAMS,
	DEMO_TIME_ZONE,
	generateDemoHistory,
	type DemoEventRow,
	type DemoMetric
} from '../../src/lib/server/demo/demo.service';

const NOW = new Date('2026-11-27T09:30:00Z'); // a Friday, 17:30 in Shanghai
const metrics = new Map<string, DemoMetric>(
	DEFAULT_METRICS.map((m) => [m.key, { id: `metric-${m.key}`, key: m.key, step: m.step, pointsPerStep: m.points_per_step, dailyCap: m.daily_cap }])
);
const metricOf = new Map([...metrics.values()].map((m) => [m.id, m]));
const reps = DEMO_TEAMS.flatMap((team, t) =>
	team.reps.map((name, i) => ({ userId: `user-${t}-${i}`, teamId: `team-${t}`, teamName: team.name, name }))
);
const history = generateDemoHistory({ organizationId: 'org', reps, metrics, timeZone: DEMO_TIME_ZONE, now: NOW });

const local = (e: DemoEventRow) => zonedParts(e.occurred_at, DEMO_TIME_ZONE);
const dayKey = (e: DemoEventRow) => {
	const p = local(e);
	return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
};

describe('demo history', () => {
	test('is deterministic, sized for a quick first start, and keyed demo:1… in time order', () => {
		expect(history.length).toBeGreaterThan(12_000);
		expect(history.length).toBeLessThan(30_000);
		const again = generateDemoHistory({ organizationId: 'org', reps, metrics, timeZone: DEMO_TIME_ZONE, now: NOW });
		expect(again).toEqual(history);
		// Plain checks in the loop (an expect per event is slow), one assertion after it.
		const wrong = history.filter(
			(e, i) =>
				e.idempotency_key !== `demo:${i + 1}` ||
				e.source !== 'demo' ||
				(i > 0 && e.occurred_at.getTime() < history[i - 1].occurred_at.getTime()) ||
				e.recorded_at.getTime() < e.occurred_at.getTime()
		);
		expect(wrong).toEqual([]);
	});

	test(`spans ${DEMO_HISTORY_DAYS} local days up to now, and nothing after now`, () => {
		const days = [...new Set(history.map(dayKey))].sort();
		expect(days.length).toBeGreaterThanOrEqual(DEMO_HISTORY_DAYS - 2);
		expect(days.length).toBeLessThanOrEqual(DEMO_HISTORY_DAYS);
		expect(days[days.length - 1]).toBe('2026-11-27');
		expect(days[0] >= '2026-08-30').toBe(true); // 89 days before 2026-11-27
		expect(Math.max(...history.map((e) => e.occurred_at.getTime()))).toBeLessThanOrEqual(NOW.getTime());
	});

	test('weekdays are far busier than weekends, mid-week busiest', () => {
		const perWeekday = new Map<number, { events: number; days: Set<string> }>();
		for (const e of history) {
			const w = local(e).weekday;
			const slot = perWeekday.get(w) ?? { events: 0, days: new Set<string>() };
			slot.events++;
			slot.days.add(dayKey(e));
			perWeekday.set(w, slot);
		}
		const avg = (w: number) => {
			const slot = perWeekday.get(w);
			return slot ? slot.events / slot.days.size : 0;
		};
		const weekday = [1, 2, 3, 4, 5].reduce((s, w) => s + avg(w), 0) / 5;
		const weekend = (avg(6) + avg(7)) / 2;
		expect(weekday).toBeGreaterThan(8 * weekend);
		expect(avg(3)).toBeGreaterThan(avg(1));
		expect(avg(3)).toBeGreaterThan(avg(5));
	});

	test('happens in working hours in the organization time zone', () => {
		const weekday = history.filter((e) => local(e).weekday <= 5);
		const hours = weekday.map((e) => local(e).hour);
		expect(Math.min(...hours)).toBeGreaterThanOrEqual(9);
		expect(Math.max(...hours)).toBeLessThanOrEqual(20);
		const office = hours.filter((h) => h >= 9 && h < 18).length;
		expect(office / hours.length).toBeGreaterThan(0.9);
	});

	test('points are what ingest stores: pointsFor, then the daily cap, in time order', () => {
		const earned = new Map<string, number>();
		const wrong: DemoEventRow[] = [];
		let capped = 0;
		for (const e of history) {
			const m = metricOf.get(e.metric_id)!;
			const key = `${e.user_id}|${m.key}|${dayKey(e)}`;
			const raw = pointsFor(m, e.value);
			const expected = capPoints(raw, earned.get(key) ?? 0, m.dailyCap);
			if (e.points !== expected) wrong.push(e);
			if (expected < raw) capped++;
			earned.set(key, (earned.get(key) ?? 0) + e.points);
		}
		expect(wrong).toEqual([]);
		for (const [key, points] of earned) {
			const cap = metrics.get(key.split('|')[1])!.dailyCap;
			if (cap !== null) expect(points).toBeLessThanOrEqual(cap);
		}
		// Some reps do run into the call cap on blitz days: the cap is visible in the demo.
		expect(capped).toBeGreaterThan(0);
	});

	test('deals carry revenue of 20,000 to 500,000 CNY (in fen), and some bring a new customer', () => {
		const deals = history.filter((e) => metricOf.get(e.metric_id)!.key === 'deal');
		const revenue = history.filter((e) => metricOf.get(e.metric_id)!.key === 'revenue');
		const newCustomers = history.filter((e) => metricOf.get(e.metric_id)!.key === 'new_customer');
		expect(deals.length).toBeGreaterThan(150);
		expect(revenue.length).toBe(deals.length);
		expect(newCustomers.length).toBeGreaterThan(deals.length / 4);
		expect(newCustomers.length).toBeLessThan(deals.length);
		const revenueAt = new Set(revenue.map((e) => `${e.user_id}|${e.occurred_at.getTime()}`));
		expect(deals.filter((d) => !revenueAt.has(`${d.user_id}|${d.occurred_at.getTime()}`))).toEqual([]);
		expect(revenue.filter((r) => r.value < 20_000 * 100 || r.value > 500_000 * 100 || r.value % 100 !== 0)).toEqual([]);
		const calls = history.filter((e) => metricOf.get(e.metric_id)!.key === 'call').length;
		const meetings = history.filter((e) => metricOf.get(e.metric_id)!.key === 'meeting').length;
		expect(calls).toBeGreaterThan(meetings);
		expect(meetings).toBeGreaterThan(deals.length);
	});

	test('some reps are consistently stronger than others', () => {
		const half = NOW.getTime() - 45 * 86_400_000;
		const totals = (from: number, to: number) => {
			const out = new Map(reps.map((r) => [r.userId, 0]));
			for (const e of history) {
				const t = e.occurred_at.getTime();
				if (t >= from && t < to) out.set(e.user_id, out.get(e.user_id)! + e.points);
			}
			return out;
		};
		const all = [...totals(0, Infinity).values()].sort((a, b) => a - b);
		expect(all[all.length - 1]).toBeGreaterThan(2 * all[0]);
		// Rank correlation between the first and second half of the period (Spearman).
		const first = totals(0, half);
		const second = totals(half, Infinity);
		const rank = (m: Map<string, number>) => {
			const sorted = [...m.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
			return new Map(sorted.map((id, i) => [id, i]));
		};
		const r1 = rank(first);
		const r2 = rank(second);
		const n = reps.length;
		const d2 = reps.reduce((s, r) => s + (r1.get(r.userId)! - r2.get(r.userId)!) ** 2, 0);
		const spearman = 1 - (6 * d2) / (n * (n * n - 1));
		expect(spearman).toBeGreaterThan(0.5);
	});
});
