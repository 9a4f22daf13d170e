// The contest builder's form turned into the contest input: wall-clock times read in the organization's
// zone, the participants and scoring the leader chose, and bad values passed on for the schema to name.
import { describe, expect, test } from 'vitest';
import { builderInput, builderValuesOf, defaultBuilderValues, fromLocalInput, toLocalInput } from '../../src/lib/shared/contest-form';
import { contestInputSchema } from '../../src/lib/shared/contests';
import { contestFixture } from '../client/contest-fixtures';

const NOW = Date.UTC(2026, 10, 30, 1, 20);

describe('contest builder form', () => {
	test('times typed in the organization’s zone become instants, and back', () => {
		expect(fromLocalInput('2026-12-01T09:00', 'Asia/Shanghai')).toBe('2026-12-01T01:00:00.000Z');
		expect(fromLocalInput('2026-07-01T09:00', 'Europe/Berlin')).toBe('2026-07-01T07:00:00.000Z');
		expect(toLocalInput('2026-12-01T01:00:00.000Z', 'Asia/Shanghai')).toBe('2026-12-01T09:00');
		// What is not a time is passed on for the schema to refuse.
		expect(fromLocalInput('soon', 'Asia/Shanghai')).toBe('soon');
	});

	test('the defaults make a valid race once named: tomorrow’s next full hour, three places, all reps, points', () => {
		const v = { ...defaultBuilderValues(NOW, 'Asia/Shanghai'), nameEn: 'Power hour' };
		const parsed = contestInputSchema.parse(builderInput(v, 'Asia/Shanghai', 'draft', 'me'));
		expect(parsed).toMatchObject({ format: 'race', places: 3, participants: { all: true }, scoring: { metrics: 'points', by: 'total' }, status: 'draft' });
		expect(parsed.startsAt).toBe('2026-11-30T02:00:00.000Z');
		expect(parsed.endsAt).toBe('2026-12-01T02:00:00.000Z');
		expect(parsed.name).toEqual({ en: 'Power hour' });
	});

	test('a race to target carries its target, prizes of the places chosen, and per-participant targets', () => {
		const v = {
			...defaultBuilderValues(NOW, 'UTC'),
			nameEn: 'First to five',
			nameZh: '先到五个',
			format: 'race_to_target' as const,
			target: 5,
			places: 2,
			prizes: [{ text: 'Lunch', points: 100 }, { text: '', points: 50 }, { text: 'not a place', points: 1 }],
			who: 'members' as const,
			members: ['a', 'b'],
			by: 'percent_of_target' as const,
			targets: { a: 10, b: null, c: '' }
		};
		const input = contestInputSchema.parse(builderInput(v, 'UTC', 'scheduled', 'me'));
		expect(input).toMatchObject({
			format: 'race_to_target',
			target: 5,
			places: 2,
			participants: { members: ['a', 'b'] },
			targets: { a: 10 },
			status: 'scheduled',
			name: { en: 'First to five', 'zh-CN': '先到五个' }
		});
		expect(input.prizes).toEqual([
			{ place: 1, text: { en: 'Lunch' }, points: 100 },
			{ place: 2, text: {}, points: 50 }
		]);
	});

	test('a duel is the challenger and the opponent, for the hours chosen; a weighted mix keeps its weights', () => {
		const v = {
			...defaultBuilderValues(NOW, 'UTC'),
			nameEn: 'Duel',
			format: 'duel' as const,
			opponent: 'bob',
			duelHours: 2,
			metricsMode: 'mix' as const,
			mix: [{ metric: 'call', weight: 1 }, { metric: 'deal', weight: 5 }, { metric: '', weight: 1 }]
		};
		const input = builderInput(v, 'UTC', 'draft', 'ada');
		expect(input.participants).toEqual({ members: ['ada', 'bob'] });
		expect(Date.parse(String(input.endsAt)) - Date.parse(String(input.startsAt))).toBe(2 * 3600_000);
		expect(input.scoring).toEqual({ metrics: [{ metric: 'call', weight: 1 }, { metric: 'deal', weight: 5 }], by: 'total' });
	});

	test('what is not a number reaches the schema as such, which names the field', () => {
		const v = { ...defaultBuilderValues(NOW, 'UTC'), nameEn: 'x', format: 'race_to_target' as const, target: 'lots' };
		const result = contestInputSchema.safeParse(builderInput(v, 'UTC', 'draft', 'me'));
		expect(result.success).toBe(false);
		expect(result.error!.issues[0].path[0]).toBe('target');
	});

	test('a contest read back into the builder keeps its texts, format, times and prizes', () => {
		const view = contestFixture('target-1', NOW);
		const v = builderValuesOf(view, 'UTC', NOW);
		expect(v).toMatchObject({ nameEn: 'Power hour', nameZh: '冲刺一小时', format: 'race_to_target', target: '50', places: 3, metricsMode: 'points' });
		expect(v.prizes.slice(0, 3)).toEqual([
			{ text: 'Lunch on the house', points: 100 },
			{ text: 'Coffee for a week', points: 50 },
			{ text: 'Bragging rights', points: 20 }
		]);
		expect(fromLocalInput(v.startsAt, 'UTC')).toBe(new Date(Math.floor(Date.parse(view.startsAt) / 60_000) * 60_000).toISOString());
	});

	test('a draft read back keeps who takes part, their targets, the repetition and the format options', () => {
		const base = contestFixture('target-1', NOW);
		const view = {
			...base,
			format: 'race' as const,
			scoring: { metrics: 'points' as const, by: 'percent_of_target' as const },
			rules: {
				participants: { members: ['ada', 'bob'] },
				targets: { ada: 40, bob: 25 },
				repeat: { every: 'week' as const, days: [1, 3] },
				prizes: []
			}
		};
		const v = builderValuesOf(view, 'UTC', NOW);
		expect(v).toMatchObject({ who: 'members', members: ['ada', 'bob'], repeat: 'week', repeatDays: [1, 3], targets: { ada: '40', bob: '25' } });
		const input = builderInput(v, 'UTC', 'draft', 'me');
		expect(input.participants).toEqual({ members: ['ada', 'bob'] });
		expect(input.targets).toEqual({ ada: 40, bob: 25 });
		expect(input.repeat).toEqual({ every: 'week', days: [1, 3] });

		const teams = builderValuesOf({ ...view, format: 'team_vs_team', rules: { ...view.rules, participants: { teams: ['t1', 't2'] }, targets: {}, repeat: { every: 'none' } } }, 'UTC', NOW);
		expect(builderInput(teams, 'UTC', 'draft', 'me').participants).toEqual({ teams: ['t1', 't2'] });
		const bracket = builderValuesOf({ ...view, format: 'bracket', rules: { ...view.rules, bracket: { roundMinutes: 90, seeding: 'manual' } } }, 'UTC', NOW);
		expect(builderInput(bracket, 'UTC', 'draft', 'me').bracket).toEqual({ roundMinutes: 90, seeding: 'manual' });
	});
});
