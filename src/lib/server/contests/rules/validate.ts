// Contest rules that can be checked without the database. The service checks the rest (teams, members
// and metrics of the organization, permissions, and bracket/elimination sizes once `all` or teams are
// expanded into members). Every issue names the field to blame as a dot path of the input body.
import { CONTEST_LIMITS, TEAM_FORMATS, type ContestInput } from '$lib/shared/contests';
import { bracketRounds } from './bracket';
import type { RuleIssue } from './issues';

export interface ValidateOptions {
	/**
	 * Whether the start must not lie in the past (more than CONTEST_LIMITS.startSlackMs): when a
	 * contest is created, or saved as scheduled. Defaults to true; an edit of a draft passes false
	 * (its status stays draft), and the check then only applies when status is 'scheduled'.
	 */
	creating?: boolean;
}

const MINUTE = 60_000;

function instant(value: string | undefined): number | null {
	if (value === undefined) return null;
	const t = Date.parse(value);
	return Number.isNaN(t) ? null : t;
}

/** Every rule issue of a contest input (already parsed by contestInputSchema), in a stable order. */
export function validateContestRules(input: ContestInput, now: Date, options: ValidateOptions = {}): RuleIssue[] {
	const issues: RuleIssue[] = [];
	const add = (path: string, message: RuleIssue['message'], params?: RuleIssue['params']) => issues.push(params === undefined ? { path, message } : { path, message, params });
	const team = TEAM_FORMATS.includes(input.format);
	const participants = input.participants;
	const members = 'members' in participants ? participants.members : null;

	// Time.
	const start = instant(input.startsAt);
	const end = instant(input.endsAt);
	if (start === null) add('startsAt', 'contests.rules.startInvalid');
	if (input.endsAt !== undefined && end === null) add('endsAt', 'contests.rules.endInvalid');
	if (input.endsAt === undefined && input.format !== 'race_to_target') add('endsAt', 'contests.rules.endRequired');
	const checkStart = options.creating ?? true;
	if (start !== null && (checkStart || input.status === 'scheduled') && start < now.getTime() - CONTEST_LIMITS.startSlackMs) {
		add('startsAt', 'contests.rules.startInPast', { minutes: CONTEST_LIMITS.startSlackMs / MINUTE });
	}
	if (start !== null && end !== null) {
		const duration = end - start;
		if (duration <= 0) add('endsAt', 'contests.rules.endBeforeStart');
		else if (input.format === 'duel') {
			if (duration < CONTEST_LIMITS.duelMinMs || duration > CONTEST_LIMITS.duelMaxMs) add('endsAt', 'contests.rules.duelDuration');
		} else if (duration < CONTEST_LIMITS.minDurationMs) add('endsAt', 'contests.rules.durationTooShort');
		else if (duration > CONTEST_LIMITS.maxDurationMs) add('endsAt', 'contests.rules.durationTooLong');
	}

	// Targets and scoring.
	if ((input.format === 'race_to_target' || input.format === 'team_challenge') && !(input.target !== undefined && input.target > 0)) {
		add('target', 'contests.rules.targetRequired');
	} else if (input.target !== undefined && !(input.target > 0)) add('target', 'contests.rules.targetPositive');
	for (const [key, value] of Object.entries(input.targets ?? {})) if (!(value > 0)) add(`targets.${key}`, 'contests.rules.targetPositive');
	if (input.scoring.by === 'percent_of_target') {
		const hasTargets = input.targets !== undefined && Object.keys(input.targets).length > 0;
		if (!hasTargets && input.target === undefined) add('targets', 'contests.rules.targetsRequired');
	}
	if (input.scoring.by === 'average_per_member' && !team) add('scoring.by', 'contests.rules.averageTeamsOnly');

	// Participants, per format.
	if (team) {
		if (input.format === 'team_vs_team') {
			if ('teams' in participants) {
				if (new Set(participants.teams).size < 2) add('participants.teams', 'contests.rules.twoTeamsRequired');
			} else if (!('adhoc' in participants)) add('participants', 'contests.rules.teamsRequired');
		} else if ('members' in participants) {
			// A team challenge is for chosen teams, ad-hoc teams, or the whole organization.
			add('participants', 'contests.rules.teamsRequired');
		}
	} else if ('adhoc' in participants) {
		add('participants', 'contests.rules.adhocTeamFormatsOnly');
	}
	if (members !== null && new Set(members.map((m) => m.toLowerCase())).size !== members.length) add('participants.members', 'contests.rules.memberTwice');

	if (input.format === 'duel' && (members === null || members.length !== 1)) add('participants.members', 'contests.rules.duelOneOpponent');

	if (input.format === 'bracket') {
		if (input.bracket === undefined) add('bracket', 'contests.rules.bracketOptionsRequired');
		if (members !== null && (members.length < CONTEST_LIMITS.bracketMin || members.length > CONTEST_LIMITS.bracketMax)) {
			add('participants.members', 'contests.rules.bracketSize', { min: CONTEST_LIMITS.bracketMin, max: CONTEST_LIMITS.bracketMax });
		} else if (members !== null && input.bracket !== undefined && start !== null && end !== null && end > start) {
			const rounds = bracketRounds(members.length);
			if (end - start < rounds * input.bracket.roundMinutes * MINUTE) add('endsAt', 'contests.rules.bracketTooShort', { rounds, minutes: input.bracket.roundMinutes });
		}
	}
	if (input.format === 'elimination') {
		if (input.elimination === undefined) add('elimination', 'contests.rules.eliminationOptionsRequired');
		if (members !== null && members.length < 2) add('participants.members', 'contests.rules.eliminationTooFew');
	}

	// Places and prizes.
	if (!Number.isInteger(input.places) || input.places < CONTEST_LIMITS.placesMin || input.places > CONTEST_LIMITS.placesMax) {
		add('places', 'contests.rules.placesRange', { min: CONTEST_LIMITS.placesMin, max: CONTEST_LIMITS.placesMax });
	}
	const seen = new Set<number>();
	input.prizes.forEach((prize, index) => {
		if (prize.place < 1 || prize.place > input.places) add(`prizes.${index}.place`, 'contests.rules.prizeBeyondPlaces', { places: input.places });
		else if (seen.has(prize.place)) add(`prizes.${index}.place`, 'contests.rules.prizeDuplicate');
		seen.add(prize.place);
	});

	// Repetition: each occurrence needs an end to know when the next one starts.
	if (input.repeat.every !== 'none' && input.endsAt === undefined && input.format === 'race_to_target') add('repeat', 'contests.rules.repeatNeedsEnd');
	if (input.repeat.every !== 'none' && input.format === 'duel') add('repeat', 'contests.rules.duelNoRepeat');
	return issues;
}
