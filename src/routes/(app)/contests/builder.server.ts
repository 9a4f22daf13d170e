// What the contest builder pages (new, and edit of a draft) share on the server: the choices they
// offer (teams, reps, metrics the actor may use) and turning the posted form into the contest input.
import { error, type RequestEvent } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { localize } from '$lib/shared/localized';
import { backtestContest } from '$lib/server/contests/contest.service';
import { accessOf } from '$lib/server/org/access';
import { listOrganizationMembers } from '$lib/server/org/member.service';
import { listTeamTree } from '$lib/server/org/team.service';
import type { Actor } from '$lib/server/org/actor';
import { activeMetrics } from '$lib/server/scoring/activity.service';
import { memberGoalTargets } from '$lib/server/goals/goal.pages';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import { builderInput, fromLocalInput, type BuilderValues } from '$lib/shared/contest-form';
import { CONTEST_FORMATS, type ContestFormat } from '$lib/shared/contests';

type Event = RequestEvent & { locals: App.Locals };

/** Leaders (for the teams they lead) and admins build contests; a rep only challenges a colleague to a duel. */
export function requireBuilder(event: Event): Actor {
	return requireActor(event);
}

export const formatsFor = (actor: Actor): readonly ContestFormat[] => (actor.role === 'rep' ? ['duel'] : CONTEST_FORMATS);

export async function builderChoices(event: Event, actor: Actor) {
	const db = event.locals.runtime.db;
	const [teams, metrics, access, everyone, goals] = await Promise.all([
		listTeamTree(db, actor.organizationId),
		activeMetrics(db, actor.organizationId),
		accessOf(db, actor),
		listOrganizationMembers(db, actor),
		memberGoalTargets(db, actor.organizationId)
	]);
	const teamOf = new Map(everyone.map((m) => [m.id, m.teamId]));
	const locale = event.locals.locale;
	const roster = access.loggableMembers();
	return {
		teams: teams.filter((t) => !t.archived && access.canManageTeam(t.id)).map((t) => ({ id: t.id, name: t.name, depth: t.depth })),
		// A leader picks among the reps they lead; a rep challenges any active colleague.
		members:
			actor.role === 'rep'
				? everyone.filter((m) => m.status === 'active' && m.id !== actor.userId).map((m) => ({ id: m.id, name: m.name, teamId: m.teamId }))
				: roster.filter((m) => m.rep || m.self).map((m) => ({ id: m.id, name: m.name, teamId: teamOf.get(m.id) ?? null })),
		formats: formatsFor(actor),
		metrics: metrics.map((m) => ({ key: m.key, name: localize(m.name, locale) })),
		// Reps' goals, for per-participant targets prefilled from them (ranking by percent of target).
		goals,
		backtestAvailable: true
	};
}

/** The posted builder state; a body that is not one is refused as a whole. */
async function postedValues(event: Event): Promise<{ values: BuilderValues; form: Record<string, unknown> }> {
	const form = formToObject(await event.request.formData());
	try {
		const values = JSON.parse(String(form.values ?? '')) as BuilderValues;
		if (!values || typeof values !== 'object') throw new Error('not an object');
		return { values, form };
	} catch {
		error(400, translate(event.locals.locale, 'errors.generic'));
	}
}

/** Saves the builder's contest with `save` (create, or update of a draft); answers the id, or the refusal per field. */
export async function saveFromBuilder(event: Event, actor: Actor, save: (input: Record<string, unknown>) => Promise<string>) {
	const { values, form } = await postedValues(event);
	const status = form.status === 'scheduled' ? 'scheduled' : 'draft';
	const timeZone = event.locals.auth!.organization.timeZone;
	const input = builderInput(values, timeZone, status, actor.userId);
	const result = await attempt(event, () => save(input), { form: 'save' });
	return result;
}

export async function backtestFromBuilder(event: Event, actor: Actor) {
	const { values, form } = await postedValues(event);
	const timeZone = event.locals.auth!.organization.timeZone;
	const input = builderInput(values, timeZone, 'draft', actor.userId);
	const range = { from: fromLocalInput(`${form.from ?? ''}T00:00`, timeZone), to: fromLocalInput(`${form.to ?? ''}T00:00`, timeZone) };
	// The end day counts in full.
	if (!Number.isNaN(Date.parse(range.to))) range.to = new Date(Date.parse(range.to) + 86_400_000).toISOString();
	const result = await attempt(event, () => backtestContest(event.locals.runtime, actor, { ...input, ...range }, event.locals.locale), { form: 'backtest' });
	if (!result.ok) return result.failure;
	return { backtest: result.value };
}
