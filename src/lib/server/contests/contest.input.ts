// Checks a contest's input against the organization (its members, teams and metrics), the actor's
// reach (leaders build for the teams they lead) and the format's rules, and resolves the participants.
// Every refusal names its field; nothing is written before all of them pass.
import { CONTEST_LIMITS, TEAM_FORMATS, type ContestInput } from '../../shared/contests';
import type { LocalizedText } from '../../shared/localized';
import type { Access } from '../org/access';
import { AppError } from '../platform/errors';
import { PRIZE_METRIC } from './contest.scoring';
import { ValidationError } from '../platform/errors';
import { validateContestRules } from './rules';

/**
 * The rules' own checks (rules/validate.ts), as a ValidationError naming the top-level field of each
 * issue (its path's first segment, which the catalog labels); nothing is written when any is found.
 */
export function checkRules(input: ContestInput, now: Date, options: { creating: boolean }) {
	const issues = validateContestRules(input, now, options);
	if (issues.length === 0) return;
	const seen = new Set<string>();
	throw new ValidationError(
		issues
			.map((issue) => ({ field: issue.path.split('.')[0], key: issue.message, ...(issue.params ? { params: issue.params } : {}) }))
			.filter((issue) => (seen.has(issue.field) ? false : (seen.add(issue.field), true)))
	);
}

export interface OrgFacts {
	roster: { user_id: string; role: string; status: string; competes: boolean; external_id: string | null; name: string; email: string; team_id: string | null }[];
	teams: { id: string; name: string; archived_at: Date | null }[];
	metrics: { key: string; status: string }[];
}

export interface ContestPlan {
	members: string[];
	teams: string[];
	adhoc: { name: LocalizedText; members: string[] }[];
	wholeOrg: boolean;
	/** Per-participant targets by participant id (member or team id). */
	targets: Map<string, number>;
	/** The team a leader's contest belongs to. */
	teamId: string | null;
	/** Duel: the challenged colleague. */
	opponent: string | null;
}

const bad = (field: string, key: Parameters<typeof newError>[1], params?: Record<string, string | number>) => newError(field, key, params);
function newError(field: string, key: 'contests.errors.endBeforeStart' | string, params?: Record<string, string | number>) {
	return new AppError(400, key as never, params, field);
}

/** Checks times against `now`: the rules that hold whatever the organization. */
export function checkTimes(input: Pick<ContestInput, 'format' | 'startsAt' | 'endsAt'>, now: Date, options: { startSlack: boolean } = { startSlack: true }) {
	const start = Date.parse(input.startsAt);
	if (options.startSlack && start < now.getTime() - CONTEST_LIMITS.startSlackMs) throw bad('startsAt', 'contests.errors.startInPast');
	if (input.endsAt === undefined) {
		if (input.format !== 'race_to_target') throw bad('endsAt', 'contests.errors.endRequired');
		return;
	}
	const end = Date.parse(input.endsAt);
	if (end <= start) throw bad('endsAt', 'contests.errors.endBeforeStart');
	if (input.format === 'duel') {
		if (end - start < CONTEST_LIMITS.duelMinMs || end - start > CONTEST_LIMITS.duelMaxMs) throw bad('endsAt', 'contests.errors.duelDuration');
	} else if (end - start < CONTEST_LIMITS.minDurationMs || end - start > CONTEST_LIMITS.maxDurationMs) throw bad('endsAt', 'contests.errors.duration');
}

export function planContest(input: ContestInput, access: Access, facts: OrgFacts, now: Date, options: { startSlack: boolean } = { startSlack: true }): ContestPlan {
	checkRules(input, now, { creating: options.startSlack });
	checkTimes(input, now, { startSlack: options.startSlack || input.status === 'scheduled' });
	const actor = access.actor;
	const team = TEAM_FORMATS.includes(input.format);

	// Scoring: metrics of this organization, active.
	if (input.scoring.metrics !== 'points') {
		const active = new Set(facts.metrics.filter((m) => m.status === 'active' && m.key !== PRIZE_METRIC).map((m) => m.key));
		for (const m of input.scoring.metrics) if (!active.has(m.metric)) throw bad('scoring', 'contests.errors.unknownMetric', { metric: m.metric });
	}
	if (input.scoring.by === 'average_per_member' && !team) throw bad('scoring', 'contests.errors.averageForTeams');
	if ((input.format === 'race_to_target' || input.format === 'team_challenge') && input.target === undefined) throw bad('target', 'contests.errors.targetRequired');
	if (input.target !== undefined && !Number.isInteger(input.target)) throw bad('target', 'contests.errors.wholeNumber');
	for (const prize of input.prizes) if (prize.place > input.places) throw bad('prizes', 'contests.errors.prizePlace');
	if (input.format === 'bracket' && !input.bracket) throw bad('bracket', 'validation.required');
	if (input.format === 'elimination' && !input.elimination) throw bad('elimination', 'validation.required');
	if (input.bracket && input.format !== 'bracket') throw bad('bracket', 'contests.errors.settingsInOptions');
	if (input.elimination && input.format !== 'elimination') throw bad('elimination', 'contests.errors.settingsInOptions');

	const active = facts.roster.filter((m) => m.status === 'active');
	const byId = new Map(active.map((m) => [m.user_id, m]));
	const byEmail = new Map(active.map((m) => [m.email.toLowerCase(), m]));
	const byExternal = new Map(active.filter((m) => m.external_id).map((m) => [m.external_id!, m]));
	const resolve = (ref: string, field: string) => {
		const m = byId.get(ref) ?? byEmail.get(ref.toLowerCase()) ?? byExternal.get(ref);
		if (!m) throw bad(field, 'contests.errors.unknownMember', { ref });
		return m;
	};
	const liveTeams = new Map(facts.teams.filter((t) => !t.archived_at).map((t) => [t.id, t]));
	const scope = access.managedTeamIds();
	const leader = actor.role === 'leader';
	const inReach = (teamId: string | null) => scope === 'all' || (!!teamId && scope.has(teamId));
	const plan: ContestPlan = { members: [], teams: [], adhoc: [], wholeOrg: false, targets: new Map(), teamId: null, opponent: null };
	const p = input.participants;

	if (input.format === 'duel') {
		if (!('members' in p)) throw bad('participants', 'contests.errors.duelPair');
		const others = [...new Set(p.members.map((ref) => resolve(ref, 'participants').user_id))].filter((id) => id !== actor.userId);
		if (others.length === 0) throw bad('participants', 'contests.errors.duelSelf');
		if (others.length !== 1) throw bad('participants', 'contests.errors.duelPair');
		plan.members = [actor.userId, others[0]];
		plan.opponent = others[0];
	} else if (team) {
		if ('members' in p) throw bad('participants', 'contests.errors.teamFormat');
		if ('all' in p) {
			if (input.format === 'team_challenge' && scope === 'all') plan.wholeOrg = true;
			else plan.teams = [...liveTeams.keys()].filter(inReach);
		} else if ('teams' in p) {
			for (const id of new Set(p.teams)) {
				if (!liveTeams.has(id)) throw bad('participants', 'contests.errors.unknownTeam');
				if (!inReach(id)) throw bad('participants', 'contests.errors.leaderScope');
				plan.teams.push(id);
			}
		} else {
			const seen = new Set<string>();
			for (const t of p.adhoc) {
				const members = [...new Set(t.members.map((ref) => resolve(ref, 'participants')))];
				for (const m of members) {
					if (leader && !inReach(m.team_id)) throw bad('participants', 'contests.errors.leaderScope');
					if (seen.has(m.user_id)) throw bad('participants', 'validation.invalid');
					seen.add(m.user_id);
				}
				plan.adhoc.push({ name: t.name, members: members.map((m) => m.user_id) });
			}
		}
		const count = plan.wholeOrg ? 1 : plan.teams.length + plan.adhoc.length;
		if (count === 0) throw bad('participants', 'contests.errors.noParticipants');
		if (input.format === 'team_vs_team' && count < 2) throw bad('participants', 'contests.errors.teamsNeeded');
	} else {
		if ('adhoc' in p) throw bad('participants', 'contests.errors.membersFormat');
		let chosen: typeof active;
		if ('all' in p) chosen = active.filter((m) => (m.role === 'rep' || m.competes) && (!leader || inReach(m.team_id)));
		else if ('teams' in p) {
			for (const id of p.teams) {
				if (!liveTeams.has(id)) throw bad('participants', 'contests.errors.unknownTeam');
				if (!inReach(id)) throw bad('participants', 'contests.errors.leaderScope');
			}
			const teams = new Set(p.teams);
			chosen = active.filter((m) => m.team_id && teams.has(m.team_id));
		} else {
			chosen = [...new Map(p.members.map((ref) => resolve(ref, 'participants')).map((m) => [m.user_id, m])).values()];
			if (leader) for (const m of chosen) if (!inReach(m.team_id)) throw bad('participants', 'contests.errors.leaderScope');
		}
		plan.members = chosen.map((m) => m.user_id);
		if (plan.members.length === 0) throw bad('participants', 'contests.errors.noParticipants');
		if (input.format === 'bracket' && (plan.members.length < CONTEST_LIMITS.bracketMin || plan.members.length > CONTEST_LIMITS.bracketMax)) {
			throw bad('participants', 'contests.errors.bracketSize');
		}
		if (input.format === 'elimination' && plan.members.length < 2) throw bad('participants', 'contests.errors.eliminationSize');
	}

	// Per-participant targets: by member reference (members) or team id (teams).
	for (const [ref, value] of Object.entries(input.targets ?? {})) {
		if (!Number.isInteger(value)) throw bad('targets', 'contests.errors.wholeNumber');
		const id = team ? (liveTeams.has(ref) && plan.teams.includes(ref) ? ref : null) : (() => {
			const m = byId.get(ref) ?? byEmail.get(ref.toLowerCase()) ?? byExternal.get(ref);
			return m && plan.members.includes(m.user_id) ? m.user_id : null;
		})();
		if (!id) throw bad('targets', 'contests.errors.unknownMember', { ref });
		plan.targets.set(id, value);
	}
	if (input.scoring.by === 'percent_of_target' && input.target === undefined && plan.targets.size === 0) throw bad('scoring', 'contests.errors.percentNeedsTarget');

	// Leaders' contests belong to a team they lead: the one of the participants, else their first.
	if (leader && scope !== 'all') {
		const fromParticipants = plan.teams[0] ?? active.find((m) => plan.members.includes(m.user_id) && m.team_id && scope.has(m.team_id))?.team_id ?? null;
		plan.teamId = fromParticipants ?? [...scope][0] ?? null;
	}
	return plan;
}
