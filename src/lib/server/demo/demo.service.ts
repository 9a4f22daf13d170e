// The demo organization, seeded on the first start of an empty embedded database (and by
// `npm run podium -- demo:seed` anywhere) so that a fresh clone opens on something real: teams, reps,
// and 90 days of scoring history. A configured DATABASE_URL is never seeded automatically.
//
// Invariants: the history is deterministic (a seeded PRNG, relative to `now`), its points are what
// ingest would store (pointsFor, then capPoints per rep, metric and local day, in time order), and its
// idempotency keys `demo:<n>` make a second seed of the same history a no-op. The history is
// back-dated: recorded_at follows occurred_at, as if each event had been recorded when it happened.
import { createHash } from 'node:crypto';
import { capPoints, pointsFor } from '../../shared/scoring';
import { zonedParts, zonedTimeToInstant } from '../../shared/time-windows';
import { hashPassword } from '../auth/password';
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import { recordAudit } from '../org/audit.repository';
import { findEventsByKeys, insertEvents, type NewScoreEvent } from '../scoring/event.repository';
import { seedDemoContests } from '../contests/contest.demo';
import { seedDemoKudos } from '../recognition/kudos.demo';
import { seedDemoRewards } from '../recognition/reward.demo';
import { seedDemoBadges } from '../recognition/badge.demo';
import { seedDemoTraining } from '../training/training.demo';
import { seedDemoGoals } from '../goals/goal.demo';
import { seedDemoDisplays } from '../displays/display.demo';
import { insertMembership, listMembers } from '../org/membership.repository';
import { insertDefaultMetrics, listMetrics } from '../scoring/metric.repository';
import { countOrganizations, findOrganizationBySlug, insertOrganization } from '../org/organization.repository';
import { insertTeam, listTeams, replaceTeamLeaders, setTeamMembership } from '../org/team.repository';
import { findUserByEmail, insertUser } from '../auth/user.repository';
import { rebuildOrg } from '../scoring/live.service';

export const DEMO_SLUG = 'demo-sales-co';
export const DEMO_PASSWORD = 'podium-demo-2026';
export const DEMO_ADMIN_EMAIL = 'admin@demo.podium.test';
export const DEMO_TIME_ZONE = 'Asia/Shanghai';
export const DEMO_HISTORY_DAYS = 90;
const DEMO_SEED = 20261128;

export interface DemoCredentials {
	email: string;
	password: string;
	leaderEmail: string;
	repEmail: string;
}

/** The demo's teams, leaders and reps, in seed order. */
export const DEMO_TEAMS = [
	{
		name: 'Enterprise',
		leader: 'Grace Hopper',
		reps: ['Ada Lovelace', 'Wang Fang', 'Marcus Reed', 'Priya Natarajan', 'Chen Jing', 'Lucas Moreau', 'Sofia Rossi', 'Tom Becker']
	},
	{
		name: 'Mid-Market',
		leader: 'Liu Yang',
		reps: ['Emma Clarke', 'Zhang Wei', 'Diego Alvarez', 'Hannah Kim', 'Omar Haddad', 'Li Na', 'Jonas Berg', 'Aisha Bello']
	},
	{
		name: 'Inside Sales',
		leader: 'Daniel Okafor',
		reps: ['Mia Novak', 'Zhao Lei', 'Noah Fischer', 'Yuki Tanaka', 'Chloe Martin', 'Sun Hao', 'Ethan Brooks', 'Lena Petrova']
	}
];

export const demoEmail = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@demo.podium.test`;

export function demoCredentials(): DemoCredentials {
	return {
		email: DEMO_ADMIN_EMAIL,
		password: DEMO_PASSWORD,
		leaderEmail: demoEmail(DEMO_TEAMS[0].leader),
		repEmail: demoEmail(DEMO_TEAMS[0].reps[0])
	};
}

// ---------------------------------------------------------------------------------------------------
// History: a pure generator, so that tests can check its shape without a database.

/** Mulberry32: a small, fast, seedable PRNG; good enough for plausible demo data. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function seedOf(text: string): number {
	let h = 2166136261;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
	return h >>> 0;
}

function normal(rand: () => number): number {
	const u = Math.max(rand(), 1e-12);
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function poisson(rand: () => number, mean: number): number {
	if (mean <= 0) return 0;
	if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rand)));
	const limit = Math.exp(-mean);
	let k = 0;
	let p = rand();
	while (p > limit) {
		k++;
		p *= rand();
	}
	return k;
}

/** How a team sells: Enterprise closes few, large deals; Inside Sales dials a lot and closes small ones. */
interface TeamProfile {
	callsPerDay: number;
	meetingsPerDay: number;
	dealsPerDay: number;
	/** Deal size range in whole CNY. */
	dealMin: number;
	dealMax: number;
	/** Share of won deals that bring a new customer. */
	newLogoShare: number;
}

const PROFILES: Record<string, TeamProfile> = {
	Enterprise: { callsPerDay: 4, meetingsPerDay: 2.2, dealsPerDay: 0.1, dealMin: 80_000, dealMax: 500_000, newLogoShare: 0.45 },
	'Mid-Market': { callsPerDay: 7, meetingsPerDay: 1.6, dealsPerDay: 0.18, dealMin: 40_000, dealMax: 260_000, newLogoShare: 0.6 },
	'Inside Sales': { callsPerDay: 12, meetingsPerDay: 0.8, dealsPerDay: 0.28, dealMin: 20_000, dealMax: 120_000, newLogoShare: 0.7 }
};
const DEFAULT_PROFILE = PROFILES['Mid-Market'];

/** Activity by ISO weekday (index 1 = Monday): little on weekends, most mid-week. */
export const WEEKDAY_FACTOR = [0, 0.9, 1.1, 1.2, 1.1, 0.85, 0.07, 0.03];

const CUSTOMERS = [
	'Hangzhou Lianhe Logistics', 'Shenzhen Brightway Electronics', 'Nordic Timber AB', 'Chengdu Panda Foods',
	'Suzhou Precision Tools', 'Atlas Freight GmbH', 'Qingdao Harbour Trading', 'Wuhan Optics', 'Blue Lake Clinics',
	'Xiamen Coastal Hotels', 'Nanjing Smart Grid', 'Harbor & Pine Retail', 'Tianjin Steelworks', 'Kunming Tea House',
	'Dalian Marine Supply', 'Ningbo Fashion Group', 'Helios Solar', 'Guangzhou Metro Media', 'Lotus Pharmacy Chain',
	'Changsha Auto Parts', 'Jade River Insurance', 'Orchid Software', 'Harbin Cold Chain', 'Fuzhou Print Works'
];
const PRODUCTS = ['annual licence', '3-year licence', 'platform upgrade', 'pilot', 'expansion', 'renewal with add-ons'];

export interface DemoRep {
	userId: string;
	teamId: string;
	teamName: string;
	name: string;
}

export interface DemoMetric {
	id: string;
	key: string;
	step: number;
	pointsPerStep: number;
	dailyCap: number | null;
}

export interface DemoHistoryInput {
	organizationId: string;
	reps: DemoRep[];
	/** By key; needs deal, revenue, call, meeting and new_customer. */
	metrics: Map<string, DemoMetric>;
	timeZone: string;
	now: Date;
	days?: number;
	seed?: number;
}

export type DemoEventRow = NewScoreEvent & { recorded_at: Date };

interface Draft {
	at: number;
	rep: DemoRep;
	metric: DemoMetric;
	value: number;
	note: string | null;
	points: number;
}

/** Minutes after local midnight of a working-hours moment: busy mornings and afternoons, a lunch dip. */
function workMinute(rand: () => number, weekend: boolean, afternoon = false): number {
	if (weekend) return 10 * 60 + Math.floor(rand() * 7 * 60);
	if (afternoon) return 14 * 60 + Math.floor(rand() * 4.5 * 60);
	const r = rand();
	if (r < 0.42) return 9 * 60 + Math.floor(rand() * 3 * 60); // 09:00–12:00
	if (r < 0.5) return 12 * 60 + Math.floor(rand() * 90); // lunch
	if (r < 0.92) return 13 * 60 + 30 + Math.floor(rand() * 4 * 60); // 13:30–17:30
	if (r < 0.98) return 17 * 60 + 30 + Math.floor(rand() * 60); // 17:30–18:30
	return 18 * 60 + 30 + Math.floor(rand() * 150); // the odd evening call
}

/** Rounds a deal to a plausible price: to 100 CNY, or 1,000 CNY above 100,000. */
function dealAmount(rand: () => number, profile: TeamProfile, skill: number): number {
	const spread = Math.log(profile.dealMax / profile.dealMin);
	const raw = profile.dealMin * Math.exp(spread * Math.pow(rand(), 1.6 - 0.35 * Math.min(skill, 1.6)));
	const clamped = Math.min(profile.dealMax, Math.max(profile.dealMin, raw));
	const unit = clamped >= 100_000 ? 1_000 : 100;
	return Math.round(clamped / unit) * unit;
}

function contentHash(parts: unknown[]) {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * `days` local days of history ending at `now` (today up to now), for the given reps: per-rep skill
 * (some reps are consistently stronger), weekday and month-end patterns, working hours in the org's
 * zone, and daily caps applied in time order as ingest would. Sorted by occurred_at, keyed demo:1….
 */
export function generateDemoHistory(input: DemoHistoryInput): DemoEventRow[] {
	const days = input.days ?? DEMO_HISTORY_DAYS;
	const rand = prng(input.seed ?? DEMO_SEED);
	const metric = (key: string) => {
		const m = input.metrics.get(key);
		if (!m) throw new Error(`demo history needs the metric "${key}"`);
		return m;
	};
	const [deal, revenue, call, meeting, newCustomer] = ['deal', 'revenue', 'call', 'meeting', 'new_customer'].map(metric);
	const nowMs = input.now.getTime();
	const today = zonedParts(nowMs, input.timeZone);
	const todayUtc = Date.UTC(today.year, today.month - 1, today.day);

	// Each rep's profile depends on their name only, so a rep keeps their character across seeds.
	const reps = input.reps.map((rep) => {
		const r = prng(seedOf(rep.name));
		const skill = Math.min(2.2, Math.max(0.45, Math.exp(0.32 * normal(r))));
		return {
			rep,
			profile: PROFILES[rep.teamName] ?? DEFAULT_PROFILE,
			skill,
			// Hard workers are not always the best closers, but effort and skill go together a little.
			activity: Math.min(1.8, Math.max(0.55, (0.7 + 0.3 * skill) * Math.exp(0.15 * normal(r)))),
			// Some reps have call-blitz days that run into the call cap.
			blitzy: r() < 0.3
		};
	});

	const drafts: Draft[] = [];
	for (let back = days - 1; back >= 0; back--) {
		const date = new Date(todayUtc - back * 86_400_000);
		const year = date.getUTCFullYear();
		const month = date.getUTCMonth() + 1;
		const day = date.getUTCDate();
		const weekday = ((date.getUTCDay() + 6) % 7) + 1;
		const weekend = weekday >= 6;
		const lastDayOfMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
		// Month-end push: the last few days of a month close more deals.
		const monthEnd = day > lastDayOfMonth - 4 && !weekend ? 1.6 : 1;
		// Slow growth over the period, as a team ramps up.
		const trend = 0.9 + (0.2 * (days - 1 - back)) / Math.max(1, days - 1);
		const base = WEEKDAY_FACTOR[weekday] * trend;
		// Working hours happen far from DST transitions (which fall at night), so minutes after local
		// noon map to instants by plain addition.
		const noon = zonedTimeToInstant({ year, month, day, hour: 12 }, input.timeZone).getTime();
		const at = (minute: number) => noon + (minute - 12 * 60) * 60_000 + Math.floor(rand() * 60_000);

		for (const r of reps) {
			const { profile } = r;
			const mood = Math.exp(0.25 * normal(rand)); // good days and bad days
			const blitz = r.blitzy && !weekend && rand() < 0.12 ? 3.2 : 1;
			const dayEvents: Draft[] = [];
			const push = (time: number, m: DemoMetric, value: number, note: string | null = null) =>
				dayEvents.push({ at: time, rep: r.rep, metric: m, value, note, points: 0 });

			const calls = poisson(rand, profile.callsPerDay * r.activity * base * mood * blitz);
			for (let i = 0; i < calls; i++) push(at(workMinute(rand, weekend)), call, 1);
			const meetings = poisson(rand, profile.meetingsPerDay * Math.sqrt(r.activity * r.skill) * base * mood);
			for (let i = 0; i < meetings; i++) push(at(workMinute(rand, weekend)), meeting, 1);
			const deals = poisson(rand, profile.dealsPerDay * r.skill * base * monthEnd);
			for (let i = 0; i < deals; i++) {
				const time = at(workMinute(rand, weekend, true));
				const customer = CUSTOMERS[Math.floor(rand() * CUSTOMERS.length)];
				const product = PRODUCTS[Math.floor(rand() * PRODUCTS.length)];
				const amount = dealAmount(rand, profile, r.skill);
				push(time, deal, 1, `${customer} · ${product}`);
				push(time, revenue, amount * 100, `${customer} · ${product}`);
				if (rand() < profile.newLogoShare) push(time, newCustomer, 1, customer);
			}

			// Daily caps, in time order, per metric: what ingest would have stored one event at a time.
			dayEvents.sort((a, b) => a.at - b.at);
			const earned = new Map<string, number>();
			for (const e of dayEvents) {
				if (e.at > nowMs) continue;
				const raw = pointsFor({ step: e.metric.step, pointsPerStep: e.metric.pointsPerStep }, e.value);
				const have = earned.get(e.metric.key) ?? 0;
				e.points = capPoints(raw, have, e.metric.dailyCap);
				earned.set(e.metric.key, have + e.points);
				drafts.push(e);
			}
		}
	}

	drafts.sort((a, b) => a.at - b.at);
	return drafts.map((d, i) => {
		const occurredAt = new Date(d.at);
		return {
			organization_id: input.organizationId,
			metric_id: d.metric.id,
			user_id: d.rep.userId,
			team_id: d.rep.teamId,
			value: d.value,
			points: d.points,
			occurred_at: occurredAt,
			// Recorded by the CRM sync a little after it happened.
			recorded_at: new Date(Math.min(nowMs, d.at + 5_000 + ((i * 7919) % 115_000))),
			source: 'demo',
			actor_id: null,
			note: d.note,
			idempotency_key: `demo:${i + 1}`,
			// The same hash ingest computes for an event that states its occurredAt.
			content_hash: contentHash([d.metric.key, d.rep.userId, d.value, occurredAt.toISOString(), d.note])
		};
	});
}

// ---------------------------------------------------------------------------------------------------
// Seeding

const INSERT_CHUNK = 2_000;

async function demoReps(db: Db, organizationId: string): Promise<DemoRep[]> {
	const [members, teams] = await Promise.all([listMembers(db, organizationId), listTeams(db, organizationId)]);
	const teamName = new Map(teams.map((t) => [t.id, t.name]));
	const byEmail = new Map(members.map((m) => [m.email.toLowerCase(), m]));
	const reps: DemoRep[] = [];
	// In the seed's own order, so that the history does not depend on how the database sorts names.
	for (const spec of DEMO_TEAMS) {
		for (const name of spec.reps) {
			const m = byEmail.get(demoEmail(name));
			if (!m || m.role !== 'rep' || m.status !== 'active' || !m.team_id) continue;
			reps.push({ userId: m.user_id, teamId: m.team_id, teamName: teamName.get(m.team_id) ?? spec.name, name: m.name });
		}
	}
	return reps;
}

async function demoMetrics(db: Db, organizationId: string): Promise<Map<string, DemoMetric>> {
	const rows = await listMetrics(db, organizationId);
	return new Map(
		rows.map((m) => [m.key, { id: m.id, key: m.key, step: Number(m.step), pointsPerStep: m.points_per_step, dailyCap: m.daily_cap }])
	);
}

/** Writes the demo history of an org (inside the caller's transaction). Returns how many events were new. */
export async function insertDemoHistory(db: Db, organizationId: string, timeZone: string, now: Date): Promise<number> {
	const rows = generateDemoHistory({
		organizationId,
		reps: await demoReps(db, organizationId),
		metrics: await demoMetrics(db, organizationId),
		timeZone,
		now
	});
	let inserted = 0;
	for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
		inserted += (await insertEvents(db, rows.slice(i, i + INSERT_CHUNK))).length;
	}
	return inserted;
}

async function hasDemoHistory(db: Db, organizationId: string) {
	return (await findEventsByKeys(db, organizationId, ['demo:1'])).length > 0;
}

export interface SeedOptions {
	/** The end of the history; defaults to now. */
	now?: Date;
	/** When the runtime is already up: its boards are rebuilt from the log after the seed commits. */
	live?: LiveStore;
}

export interface SeedOutcome {
	status: 'created' | 'history-added' | 'present';
	organizationId: string;
	events: number;
	ms: number;
	credentials: DemoCredentials;
}

async function userFor(db: Db, email: string, name: string, passwordHash: string) {
	// Reuses an account that already exists (say, on a shared database): its password is left alone.
	return (await findUserByEmail(db, email)) ?? (await insertUser(db, { email, name, password_hash: passwordHash }));
}

async function createDemoOrganization(db: Db, now: Date): Promise<{ organizationId: string; events: number }> {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	return db.transaction().execute(async (trx) => {
		const org = await insertOrganization(trx, {
			name: 'Demo Sales Co',
			slug: DEMO_SLUG,
			time_zone: DEMO_TIME_ZONE,
			locale: 'en',
			week_start: 1
		});
		const admin = await userFor(trx, DEMO_ADMIN_EMAIL, 'Alex Admin', passwordHash);
		await insertMembership(trx, { organization_id: org.id, user_id: admin.id, role: 'admin' });
		await insertDefaultMetrics(trx, org.id);
		const sales = await insertTeam(trx, { organization_id: org.id, name: 'Sales', parent_id: null });
		for (const spec of DEMO_TEAMS) {
			const team = await insertTeam(trx, { organization_id: org.id, name: spec.name, parent_id: sales.id });
			const leader = await userFor(trx, demoEmail(spec.leader), spec.leader, passwordHash);
			await insertMembership(trx, { organization_id: org.id, user_id: leader.id, role: 'leader' });
			await replaceTeamLeaders(trx, org.id, team.id, [leader.id]);
			for (const name of spec.reps) {
				const rep = await userFor(trx, demoEmail(name), name, passwordHash);
				await insertMembership(trx, { organization_id: org.id, user_id: rep.id, role: 'rep' });
				await setTeamMembership(trx, org.id, rep.id, team.id);
			}
		}
		const events = await insertDemoHistory(trx, org.id, DEMO_TIME_ZONE, now);
		await seedDemoContests(trx, org.id, admin.id, now);
		await seedDemoKudos(trx, org.id, now);
		await seedDemoRewards(trx, org.id, admin.id, now);
		await seedDemoTraining(trx, org.id, admin.id, now, DEMO_TIME_ZONE);
		await seedDemoBadges(trx, org.id, admin.id, now);
		await seedDemoGoals(trx, org.id, admin.id, now, DEMO_TIME_ZONE);
		await seedDemoDisplays(trx, org.id, admin.id, now);
		await recordAudit(trx, { organizationId: org.id, actorId: admin.id, action: 'organization.seeded', data: { demo: true, events } });
		return { organizationId: org.id, events };
	});
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown })?.code === '23505';

/**
 * Seeds the demo organization when it is absent, or its history when the organization exists without
 * one (a demo seeded before scoring existed). Idempotent: with both present it changes nothing.
 */
export async function seedDemo(db: Db, options: SeedOptions = {}): Promise<SeedOutcome> {
	const started = Date.now();
	const now = options.now ?? new Date();
	let status: SeedOutcome['status'] = 'present';
	let events = 0;
	let organizationId: string;
	const existing = await findOrganizationBySlug(db, DEMO_SLUG);
	if (!existing) {
		try {
			({ organizationId, events } = await createDemoOrganization(db, now));
			status = 'created';
		} catch (error) {
			// Another process seeded it at the same moment: theirs stands.
			const raced = isUniqueViolation(error) ? await findOrganizationBySlug(db, DEMO_SLUG) : undefined;
			if (!raced) throw error;
			organizationId = raced.id;
		}
	} else {
		organizationId = existing.id;
		if (!(await hasDemoHistory(db, existing.id))) {
			events = await db.transaction().execute(async (trx) => {
				const added = await insertDemoHistory(trx, existing.id, existing.time_zone, now);
				await recordAudit(trx, { organizationId: existing.id, actorId: null, action: 'organization.seeded', data: { demo: true, events: added } });
				return added;
			});
			status = events > 0 ? 'history-added' : 'present';
		}
	}
	if (options.live && status !== 'present') await rebuildOrg({ db, live: options.live }, organizationId);
	return { status, organizationId, events, ms: Date.now() - started, credentials: demoCredentials() };
}

/** Seeds the demo on an empty database; reports the demo sign-in whenever the demo organization exists. */
export async function seedDemoIfEmpty(db: Db, options: SeedOptions = {}): Promise<DemoCredentials | undefined> {
	if ((await countOrganizations(db)) === 0) return (await seedDemo(db, options)).credentials;
	return (await findOrganizationBySlug(db, DEMO_SLUG)) ? demoCredentials() : undefined;
}
