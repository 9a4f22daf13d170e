import { describe, expect, test } from 'vitest';
import { contestInputSchema, type ContestInput } from '$lib/shared/contests';
import { en } from '$lib/i18n/en';
import { toFieldIssues, validateContestRules } from '$lib/server/contests/rules';

const now = new Date('2026-08-03T09:00:00Z');
const teamA = '11111111-1111-4111-8111-111111111111';
const teamB = '22222222-2222-4222-8222-222222222222';

/** A valid race, parsed by the schema (defaults applied), with overrides. */
function input(overrides: Record<string, unknown> = {}): ContestInput {
	return contestInputSchema.parse({
		name: 'Power hour',
		format: 'race',
		scoring: { metrics: 'points' },
		startsAt: '2026-08-03T10:00:00Z',
		endsAt: '2026-08-03T11:00:00Z',
		participants: { all: true },
		...overrides
	});
}
const issues = (overrides: Record<string, unknown> = {}, options?: { creating?: boolean }) => validateContestRules(input(overrides), now, options);
const paths = (overrides: Record<string, unknown> = {}, options?: { creating?: boolean }) => issues(overrides, options).map((i) => `${i.path} ${i.message}`);

describe('validateContestRules', () => {
	test('a plain race is valid', () => {
		expect(issues()).toEqual([]);
	});

	test('an end before (or at) the start', () => {
		expect(paths({ endsAt: '2026-08-03T09:30:00Z' })).toEqual(['endsAt contests.rules.endBeforeStart']);
		expect(paths({ endsAt: '2026-08-03T10:00:00Z' })).toEqual(['endsAt contests.rules.endBeforeStart']);
	});

	test('from 1 minute to 1 year', () => {
		expect(paths({ endsAt: '2026-08-03T10:00:59Z' })).toEqual(['endsAt contests.rules.durationTooShort']);
		expect(paths({ endsAt: '2026-08-03T10:01:00Z' })).toEqual([]);
		expect(paths({ endsAt: '2027-08-04T10:00:00Z' })).toEqual([]);
		expect(paths({ endsAt: '2027-08-04T10:00:01Z' })).toEqual(['endsAt contests.rules.durationTooLong']);
	});

	test('a start more than 5 minutes in the past, when creating or scheduling only', () => {
		const past = { startsAt: '2026-08-03T08:54:59Z' };
		expect(issues(past)).toEqual([{ path: 'startsAt', message: 'contests.rules.startInPast', params: { minutes: 5 } }]);
		expect(paths({ startsAt: '2026-08-03T08:55:00Z' })).toEqual([]);
		expect(paths(past, { creating: false })).toEqual([]);
		expect(paths({ ...past, status: 'scheduled' }, { creating: false })).toEqual(['startsAt contests.rules.startInPast']);
	});

	test('an end is required except for a race to target', () => {
		expect(paths({ endsAt: undefined })).toEqual(['endsAt contests.rules.endRequired']);
		expect(paths({ format: 'race_to_target', endsAt: undefined, target: 10 })).toEqual([]);
	});

	test('race to target and team challenge need a target', () => {
		expect(paths({ format: 'race_to_target' })).toEqual(['target contests.rules.targetRequired']);
		expect(paths({ format: 'team_challenge', participants: { teams: [teamA] } })).toEqual(['target contests.rules.targetRequired']);
		expect(paths({ format: 'team_challenge', participants: { all: true }, target: 500 })).toEqual([]);
	});

	test('a target of zero is refused by the schema already, and by the rules (once, naming the field)', () => {
		expect(contestInputSchema.safeParse({ ...input(), target: 0 }).success).toBe(false);
		expect(validateContestRules({ ...input(), target: 0 }, now).map((i) => `${i.path} ${i.message}`)).toEqual(['target contests.rules.targetPositive']);
		expect(validateContestRules({ ...input({ format: 'race_to_target' }), target: 0 }, now).map((i) => `${i.path} ${i.message}`)).toEqual(['target contests.rules.targetRequired']);
		expect(validateContestRules({ ...input(), targets: { ana: -1 } }, now).map((i) => `${i.path} ${i.message}`)).toEqual(['targets.ana contests.rules.targetPositive']);
	});

	test('percent of target needs targets', () => {
		expect(paths({ scoring: { metrics: 'points', by: 'percent_of_target' } })).toEqual(['targets contests.rules.targetsRequired']);
		expect(paths({ scoring: { metrics: 'points', by: 'percent_of_target' }, targets: { 'ana@example.com': 100 } })).toEqual([]);
		expect(paths({ scoring: { metrics: 'points', by: 'percent_of_target' }, target: 100 })).toEqual([]);
	});

	test('average per member only for team formats', () => {
		expect(paths({ scoring: { metrics: 'points', by: 'average_per_member' } })).toEqual(['scoring.by contests.rules.averageTeamsOnly']);
		expect(paths({ format: 'team_vs_team', participants: { teams: [teamA, teamB] }, scoring: { metrics: 'points', by: 'average_per_member' } })).toEqual([]);
	});

	test('team vs team needs two teams, existing or ad hoc', () => {
		expect(paths({ format: 'team_vs_team' })).toEqual(['participants contests.rules.teamsRequired']);
		expect(paths({ format: 'team_vs_team', participants: { members: ['ana'] } })).toEqual(['participants contests.rules.teamsRequired']);
		expect(paths({ format: 'team_vs_team', participants: { teams: [teamA] } })).toEqual(['participants.teams contests.rules.twoTeamsRequired']);
		expect(paths({ format: 'team_vs_team', participants: { teams: [teamA, teamA] } })).toEqual(['participants.teams contests.rules.twoTeamsRequired']);
		expect(paths({ format: 'team_vs_team', participants: { adhoc: [{ name: 'Red', members: ['a'] }, { name: 'Blue', members: ['b'] }] } })).toEqual([]);
	});

	test('ad-hoc teams only for team formats', () => {
		expect(paths({ participants: { adhoc: [{ name: 'Red', members: ['a'] }, { name: 'Blue', members: ['b'] }] } })).toEqual(['participants contests.rules.adhocTeamFormatsOnly']);
	});

	test('a duel: exactly one opponent, 1 hour to 7 days, no repetition', () => {
		const duel = { format: 'duel', participants: { members: ['bo@example.com'] }, endsAt: '2026-08-03T11:00:00Z' };
		expect(paths(duel)).toEqual([]);
		expect(paths({ ...duel, participants: { members: ['bo@example.com', 'cy@example.com'] } })).toEqual(['participants.members contests.rules.duelOneOpponent']);
		expect(paths({ ...duel, participants: { all: true } })).toEqual(['participants.members contests.rules.duelOneOpponent']);
		expect(paths({ ...duel, endsAt: '2026-08-03T10:59:00Z' })).toEqual(['endsAt contests.rules.duelDuration']);
		expect(paths({ ...duel, endsAt: '2026-08-10T10:00:01Z' })).toEqual(['endsAt contests.rules.duelDuration']);
		expect(paths({ ...duel, repeat: { every: 'day' } })).toEqual(['repeat contests.rules.duelNoRepeat']);
	});

	test('a bracket: its options, 4 to 64 chosen members, and time for every round', () => {
		const members = (n: number) => Array.from({ length: n }, (_, i) => `rep${i}@example.com`);
		const bracket = { format: 'bracket', bracket: { roundMinutes: 20 }, participants: { members: members(8) } };
		expect(paths(bracket)).toEqual([]);
		expect(paths({ ...bracket, bracket: undefined })).toEqual(['bracket contests.rules.bracketOptionsRequired']);
		expect(issues({ ...bracket, participants: { members: members(3) } })).toEqual([
			{ path: 'participants.members', message: 'contests.rules.bracketSize', params: { min: 4, max: 64 } }
		]);
		expect(paths({ ...bracket, participants: { members: members(65) } })).toEqual(['participants.members contests.rules.bracketSize']);
		expect(issues({ ...bracket, bracket: { roundMinutes: 21 } })).toEqual([
			{ path: 'endsAt', message: 'contests.rules.bracketTooShort', params: { rounds: 3, minutes: 21 } }
		]);
		// `all` and teams are expanded into members by the service, which checks the size then.
		expect(paths({ ...bracket, participants: { all: true } })).toEqual([]);
	});

	test('an elimination needs its options and two participants', () => {
		expect(paths({ format: 'elimination' })).toEqual(['elimination contests.rules.eliminationOptionsRequired']);
		expect(paths({ format: 'elimination', elimination: { everyMinutes: 10 } })).toEqual([]);
		expect(paths({ format: 'elimination', elimination: { everyMinutes: 10 }, participants: { members: ['a'] } })).toEqual([
			'participants.members contests.rules.eliminationTooFew'
		]);
	});

	test('prizes: within the places, one per place, with the index in the path', () => {
		expect(issues({ places: 2, prizes: [{ place: 1, text: 'A' }, { place: 3, text: 'B' }] })).toEqual([
			{ path: 'prizes.1.place', message: 'contests.rules.prizeBeyondPlaces', params: { places: 2 } }
		]);
		expect(paths({ prizes: [{ place: 1, text: 'A' }, { place: 1, text: 'B' }] })).toEqual(['prizes.1.place contests.rules.prizeDuplicate']);
		expect(paths({ places: 10, prizes: [{ place: 10, text: 'Z' }] })).toEqual([]);
	});

	test('at most 10 places (schema and rules agree)', () => {
		expect(contestInputSchema.safeParse({ ...input(), places: 11 }).success).toBe(false);
		expect(validateContestRules({ ...input(), places: 11 }, now).map((i) => i.path)).toEqual(['places']);
	});

	test('a listed member twice', () => {
		expect(paths({ participants: { members: ['Ana@example.com', 'ana@example.com'] } })).toEqual(['participants.members contests.rules.memberTwice']);
	});

	test('several problems are all reported, each with its own path', () => {
		expect(paths({ format: 'race_to_target', startsAt: '2026-08-01T00:00:00Z', endsAt: '2026-07-31T00:00:00Z', places: 1, prizes: [{ place: 2, text: 'x' }] })).toEqual([
			'startsAt contests.rules.startInPast',
			'endsAt contests.rules.endBeforeStart',
			'target contests.rules.targetRequired',
			'prizes.0.place contests.rules.prizeBeyondPlaces'
		]);
	});

	test('every message is in the catalog, and converts to the platform’s field issues', () => {
		const all = [
			...issues({ endsAt: undefined, scoring: { metrics: 'points', by: 'average_per_member' } }),
			...issues({ format: 'bracket', participants: { members: ['a'] } })
		];
		for (const issue of all) expect(en[issue.message], issue.message).toBeTruthy();
		expect(toFieldIssues([{ path: 'endsAt', message: 'contests.rules.endRequired' }])).toEqual([{ field: 'endsAt', key: 'contests.rules.endRequired' }]);
	});
});
