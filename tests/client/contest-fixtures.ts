// Contests as the server would send them, for the client tests of the contest store and components.
import type { ContestBracketMatch, ContestStanding, ContestSummary, ContestView } from '../../src/lib/shared/contests';

const HOUR = 3600_000;
const NAMES = ['Grace Hopper', 'Alan Turing', 'Ada Lovelace', 'Katherine Johnson', 'Linus Pauling', 'Marie Curie', 'Rosalind Franklin', 'Niels Bohr'];

export function standing(id: string, score: number, rank: number, extra: Partial<ContestStanding> = {}): ContestStanding {
	return { rank, id, name: id.toUpperCase(), team: null, score, ...extra };
}

/** Six players: two byes in the first round of a bracket of eight, round one decided, round two under way. */
export function bracketMatches(): ContestBracketMatch[] {
	const p = (i: number, score = 0) => ({ id: `p${i}`, name: NAMES[i - 1], seed: i, score });
	const at = (round: number) => ({ startsAt: new Date(Date.UTC(2026, 11, 1) + (round - 1) * HOUR).toISOString(), endsAt: new Date(Date.UTC(2026, 11, 1) + round * HOUR).toISOString() });
	return [
		{ round: 1, slot: 0, a: p(1), b: null, winner: 'p1', ...at(1) },
		{ round: 1, slot: 1, a: p(4, 12), b: p(5, 9), winner: 'p4', ...at(1) },
		{ round: 1, slot: 2, a: p(3, 7), b: p(6, 11), winner: 'p6', ...at(1) },
		{ round: 1, slot: 3, a: p(2), b: null, winner: 'p2', ...at(1) },
		{ round: 2, slot: 0, a: p(1, 14), b: p(4, 10), winner: null, ...at(2) },
		{ round: 2, slot: 1, a: p(6, 8), b: p(2, 8), winner: null, ...at(2) }
	];
}

function base(id: string, now: number): ContestView {
	return {
		id,
		name: 'Power hour',
		description: 'Most calls before the bell wins lunch on the house.',
		format: 'race',
		status: 'live',
		startsAt: new Date(now - HOUR).toISOString(),
		endsAt: new Date(now + 2 * HOUR + 15 * 60_000).toISOString(),
		hidden: false,
		mine: true,
		participantCount: 6,
		leader: { id: 'u1', name: NAMES[0], score: 42 },
		texts: { name: { en: 'Power hour', 'zh-CN': '冲刺一小时' }, description: { en: 'Most calls before the bell wins lunch on the house.' } },
		scoring: { metrics: 'points', by: 'total' },
		graceMinutes: 10,
		target: null,
		places: 3,
		prizes: [
			{ place: 1, text: 'Lunch on the house', points: 100 },
			{ place: 2, text: 'Coffee for a week', points: 50 },
			{ place: 3, text: 'Bragging rights', points: 20 }
		],
		epoch: 'e1',
		seq: 7,
		standings: NAMES.slice(0, 6).map((name, i) => ({
			rank: i + 1,
			id: `u${i + 1}`,
			name,
			team: { id: 't1', name: i % 2 ? 'Enterprise West' : 'Inside Sales' },
			score: 42 - i * 6
		})),
		notes: [],
		canManage: true
	};
}

/** A contest by id: "race" (live), "target" (race to target), "bracket", "challenge", "final". */
export function contestFixture(id: string, now = Date.now()): ContestView {
	const view = base(id, now);
	if (id.startsWith('target')) {
		return {
			...view,
			name: 'First to 50 demos',
			format: 'race_to_target',
			target: 50,
			endsAt: new Date(now + 8 * 60_000).toISOString(),
			standings: view.standings.map((s, i) => ({ ...s, progress: Math.min(1, (s.score ?? 0) / 50), place: i === 0 ? 1 : null, inactive: i === 5 }))
		};
	}
	if (id.startsWith('bracket')) return { ...view, name: 'Spring knockout', format: 'bracket', bracket: bracketMatches() };
	if (id.startsWith('challenge')) {
		return {
			...view,
			name: 'Million-yuan month',
			format: 'team_challenge',
			target: 1_000_000,
			standings: [],
			challenge: {
				total: 612_000,
				target: 1_000_000,
				progress: 0.612,
				milestones: [25, 50],
				contributors: view.standings.map((s) => ({ id: s.id, name: s.name, score: (s.score ?? 0) * 2500 }))
			}
		};
	}
	if (id.startsWith('final')) {
		return {
			...view,
			name: 'October closing sprint',
			status: 'final',
			startsAt: new Date(now - 30 * 24 * HOUR).toISOString(),
			endsAt: new Date(now - 2 * 24 * HOUR).toISOString(),
			standings: view.standings.map((s, i) => ({
				...s,
				place: i < 3 ? i + 1 : null,
				prize: i < 3 ? { text: view.prizes[i].text, points: view.prizes[i].points } : null,
				eliminated: null
			})),
			notes: ['A correction of 3 calls for Alan Turing arrived after the results were frozen.']
		};
	}
	if (id.startsWith('elim')) {
		return {
			...view,
			name: 'Last one standing',
			format: 'elimination',
			standings: view.standings.map((s, i) => (i >= 4 ? { ...s, eliminated: new Date(now - (6 - i) * HOUR).toISOString() } : s))
		};
	}
	return view;
}

export function contestSummaries(now = Date.now()): ContestSummary[] {
	const pick = ({ id, name, description, format, status, startsAt, endsAt, hidden, mine, participantCount, leader }: ContestView): ContestSummary => ({
		id,
		name,
		description,
		format,
		status,
		startsAt,
		endsAt,
		hidden,
		mine,
		participantCount,
		leader
	});
	return [
		pick(contestFixture('race-1', now)),
		pick({ ...contestFixture('target-1', now), mine: false }),
		pick({ ...contestFixture('challenge-1', now), mine: false, status: 'scheduled', startsAt: new Date(now + 26 * HOUR).toISOString(), endsAt: new Date(now + 30 * 24 * HOUR).toISOString(), leader: null }),
		pick({ ...contestFixture('bracket-1', now), status: 'draft', hidden: true, leader: null }),
		pick(contestFixture('final-1', now))
	];
}
