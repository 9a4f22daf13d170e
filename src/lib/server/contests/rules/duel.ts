// Duel: a rep challenges one colleague. proposed → live (accepted) | declined | lapsed (24 h unanswered).
// Invariant: only a proposed duel can be answered, only by its opponent, and only before it lapses;
// the duel's clock starts at the acceptance, not at the proposal.
import { CONTEST_LIMITS } from '$lib/shared/contests';
import type { RuleIssue } from './issues';

export type DuelState = 'proposed' | 'live' | 'declined' | 'lapsed';
export type DuelAnswer = 'accept' | 'decline';

/** Checks a duel proposal: not against yourself, and lasting 1 hour to 7 days. */
export function validateDuel(duel: { challenger: string; opponent: string; durationMs: number }): RuleIssue[] {
	const issues: RuleIssue[] = [];
	if (duel.challenger === duel.opponent) issues.push({ path: 'participants.members', message: 'contests.rules.duelSelf' });
	if (!Number.isFinite(duel.durationMs) || duel.durationMs < CONTEST_LIMITS.duelMinMs || duel.durationMs > CONTEST_LIMITS.duelMaxMs) {
		issues.push({ path: 'endsAt', message: 'contests.rules.duelDuration' });
	}
	return issues;
}

/** When an unanswered proposal lapses: 24 hours after it was made. */
export function duelLapsesAt(proposedAt: Date): Date {
	return new Date(proposedAt.getTime() + CONTEST_LIMITS.duelAnswerMs);
}

/** The state of a duel at `now`, applying the lapse to a proposal nobody answered in time. */
export function duelStateAt(state: DuelState, proposedAt: Date, now: Date): DuelState {
	return state === 'proposed' && now.getTime() >= duelLapsesAt(proposedAt).getTime() ? 'lapsed' : state;
}

export type DuelTransition =
	| { ok: true; state: DuelState; startsAt?: Date; endsAt?: Date }
	| { ok: false; message: 'contests.rules.duelNotProposed' | 'contests.rules.duelLapsed' | 'contests.rules.duelNotOpponent' };

/**
 * Answers a duel. Accepting starts it at once for its duration; declining ends it. A duel already
 * answered, or lapsed, cannot be answered; nor can anyone but the opponent answer it.
 */
export function answerDuel(
	duel: { state: DuelState; opponent: string; proposedAt: Date; durationMs: number },
	answer: { by: string; answer: DuelAnswer; at: Date }
): DuelTransition {
	const state = duelStateAt(duel.state, duel.proposedAt, answer.at);
	if (state === 'lapsed') return { ok: false, message: 'contests.rules.duelLapsed' };
	if (state !== 'proposed') return { ok: false, message: 'contests.rules.duelNotProposed' };
	if (answer.by !== duel.opponent) return { ok: false, message: 'contests.rules.duelNotOpponent' };
	if (answer.answer === 'decline') return { ok: true, state: 'declined' };
	return { ok: true, state: 'live', startsAt: answer.at, endsAt: new Date(answer.at.getTime() + duel.durationMs) };
}
