// The review scorecard's arithmetic, pure so hand-computed fixtures test it: totals of a period against
// the previous one (cut to the days elapsed while the period runs), goal attainment, a shared rank among
// the cohort (equal scores share a place), training counts. The service gathers the inputs from the
// event log, the goals service and the training service; the result is stored as a snapshot.
import { trend } from '../../charts/math';
import type { Scorecard, ScorecardMeasure, ReviewWindow } from '../../shared/reviews';

export interface MeasureInput {
	key: string;
	name: ScorecardMeasure['name'];
	unit: ScorecardMeasure['unit'];
	currency: string | null;
	/** Values by local day, over both periods (days outside them are ignored). */
	byDay: ReadonlyMap<string, number>;
}

export interface ScorecardInput {
	period: { window: ReviewWindow; key: string; start: string; end: string; previousKey: string };
	days: readonly string[];
	previousDays: readonly string[];
	/** Today's local day: a period still running compares with the same number of days of the previous one. */
	today: string;
	measures: readonly MeasureInput[];
	/** Events less corrections per local day (for the empty state and active days). */
	counts: ReadonlyMap<string, number>;
	goals: ReadonlyMap<string, { target: number; actual: number }>;
	subjectId: string;
	/** Points in the period of each member of the cohort (the subject included). */
	cohort: ReadonlyMap<string, number>;
	cohortScope: 'team' | 'org';
	training: Scorecard['training'];
	takenAt: string;
}

/** 1 + how many scored strictly more; null when the member is not in the cohort or has no points. */
export function sharedRank(scores: ReadonlyMap<string, number>, memberId: string): number | null {
	const mine = scores.get(memberId);
	if (mine === undefined || mine <= 0) return null;
	let above = 0;
	for (const s of scores.values()) if (s > mine) above++;
	return above + 1;
}

/** The actual against the target as a fraction (1 = 100%); 0 for a target of 0. */
export const attainment = (actual: number, target: number) => (target > 0 ? actual / target : 0);

export function assembleScorecard(input: ScorecardInput): Scorecard {
	const elapsed = input.days.filter((d) => d <= input.today).length;
	const previousDays = elapsed < input.days.length ? input.previousDays.slice(0, elapsed) : input.previousDays;
	const sum = (byDay: ReadonlyMap<string, number>, days: readonly string[]) => days.reduce((s, d) => s + (byDay.get(d) ?? 0), 0);
	const measures: ScorecardMeasure[] = input.measures.map((m) => {
		const current = sum(m.byDay, input.days);
		const previous = sum(m.byDay, previousDays);
		const goal = input.goals.get(m.key);
		return {
			key: m.key,
			name: m.name,
			unit: m.unit,
			currency: m.currency,
			current,
			previous,
			trend: trend(current, previous),
			goal: goal ? { target: goal.target, actual: goal.actual, attainment: attainment(goal.actual, goal.target) } : null
		};
	});
	const activeDays = input.days.filter((d) => (input.counts.get(d) ?? 0) > 0).length;
	return {
		period: { ...input.period, days: input.days.length, elapsedDays: elapsed },
		empty: activeDays === 0,
		activeDays,
		measures,
		rank: { rank: sharedRank(input.cohort, input.subjectId), of: input.cohort.size, scope: input.cohortScope },
		training: input.training,
		takenAt: input.takenAt
	};
}
