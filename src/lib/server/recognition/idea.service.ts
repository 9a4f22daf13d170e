// The ideas board: a member posts an idea; colleagues vote (once each: a second vote takes it back) and
// comment; a leader (for the reps of the teams they manage) or an admin moves it new → trying → adopted
// or declined, with a note. Adoption pays the author the organization's idea points once (the key
// idea:<id> on the event log, and the conditional UPDATE on the status it leaves), then signals it for
// badges and celebrates it.
import type { Db } from '../db';
import type { DomainEventBus } from '../platform/events';
import { accessOf } from '../org/access';
import type { Actor } from '../org/actor';
import { recordAudit } from '../org/audit.repository';
import { findMembership } from '../org/membership.repository';
import { AppError, forbidden } from '../platform/errors';
import { parseInput } from '../platform/validation';
import { awardPoints, type IngestDeps } from '../scoring/event.service';
import { ensureSystemMetric } from '../scoring/metric.repository';
import { z } from 'zod';
import { IDEA_MOVES, IDEA_STATUSES, ideaCommentSchema, ideaInputSchema, ideaMoveSchema, type IdeaStatus, type IdeaView } from '../../shared/rewards';
import { coinRulesOf } from './coin.service';
import { commentsOf, findIdea, insertComment, insertIdea, listIdeaRows, toggleVoteRow, updateIdeaIf } from './idea.repository';

export const IDEA_METRIC = 'idea_points';
const IDEA_METRIC_NAME = { en: 'Adopted ideas', 'zh-CN': '被采纳的建议' };

async function activeMember(db: Db, actor: Actor) {
	const m = await findMembership(db, actor.organizationId, actor.userId);
	if (!m || m.status !== 'active') throw forbidden();
	return m;
}

export async function listIdeas(db: Db, actor: Actor): Promise<IdeaView[]> {
	const rows = await listIdeaRows(db, actor.organizationId, actor.userId);
	const comments = await commentsOf(db, actor.organizationId, rows.map((r) => r.id));
	const byIdea = new Map<string, IdeaView['comments']>();
	for (const c of comments) {
		byIdea.set(c.idea_id, [...(byIdea.get(c.idea_id) ?? []), { id: Number(c.id), body: c.body, user: { id: c.user_id, name: c.user_name }, createdAt: new Date(c.created_at).toISOString() }]);
	}
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		body: r.body,
		status: r.status,
		note: r.note,
		author: { id: r.author_id, name: r.author_name },
		votes: Number(r.votes),
		voted: !!r.voted,
		comments: byIdea.get(r.id) ?? [],
		createdAt: new Date(r.created_at).toISOString()
	}));
}

/** Whether the actor may move ideas of this author (admins: all; leaders: reps of the teams they manage). */
export async function ideaMover(db: Db, actor: Actor) {
	if (actor.role === 'rep') return () => false;
	const access = await accessOf(db, actor);
	return (authorId: string) => access.isAdmin || (actor.role === 'leader' && access.canManageMember(authorId));
}

export interface IdeaDeps {
	db: Db;
	events: DomainEventBus;
}

export async function postIdea(deps: IdeaDeps, actor: Actor, input: unknown): Promise<string> {
	const data = parseInput(ideaInputSchema, input);
	await activeMember(deps.db, actor);
	const id = await insertIdea(deps.db, { organization_id: actor.organizationId, author_id: actor.userId, title: data.title, body: data.body });
	deps.events.emit('recognition.changed', { organizationId: actor.organizationId, what: 'ideas', id });
	return id;
}

const ideaRef = z.object({ ideaId: z.uuid() });

/** Votes for an idea, or takes the vote back; true when the vote is now there. Nobody votes for their own idea. */
export async function toggleVote(deps: IdeaDeps, actor: Actor, input: unknown): Promise<boolean> {
	const { ideaId } = parseInput(ideaRef, input);
	await activeMember(deps.db, actor);
	const idea = await findIdea(deps.db, actor.organizationId, ideaId);
	if (!idea) throw new AppError(404, 'validation.notFound', undefined, 'ideaId');
	if (idea.author_id === actor.userId) throw new AppError(400, 'ideas.errors.ownVote', undefined, 'ideaId');
	const voted = await deps.db.transaction().execute((trx) => toggleVoteRow(trx, ideaId, actor.userId));
	deps.events.emit('recognition.changed', { organizationId: actor.organizationId, what: 'ideas', id: ideaId });
	return voted;
}

export async function commentIdea(deps: IdeaDeps, actor: Actor, input: unknown): Promise<void> {
	const { ideaId, body } = parseInput(ideaCommentSchema, input);
	await activeMember(deps.db, actor);
	const idea = await findIdea(deps.db, actor.organizationId, ideaId);
	if (!idea) throw new AppError(404, 'validation.notFound', undefined, 'ideaId');
	await insertComment(deps.db, { idea_id: ideaId, organization_id: actor.organizationId, user_id: actor.userId, body });
	deps.events.emit('recognition.changed', { organizationId: actor.organizationId, what: 'ideas', id: ideaId });
}

/**
 * Moves an idea to `status` with an optional note. A move its status does not allow (adopted and
 * declined are final; or someone moved it a moment ago) is a 409 on `status`. Adoption pays the author.
 */
export async function moveIdea(deps: IngestDeps, actor: Actor, input: unknown): Promise<{ status: IdeaStatus; points: number }> {
	const { ideaId, status, note } = parseInput(ideaMoveSchema, input);
	const org = actor.organizationId;
	const idea = await findIdea(deps.db, org, ideaId);
	if (!idea) throw new AppError(404, 'validation.notFound', undefined, 'ideaId');
	if (!(await ideaMover(deps.db, actor))(idea.author_id)) throw forbidden();
	const from = IDEA_STATUSES.filter((s) => IDEA_MOVES[s].includes(status));
	await deps.db.transaction().execute(async (trx) => {
		if (!(await updateIdeaIf(trx, org, ideaId, from, { status, note: note ?? null, decided_by: actor.userId }))) {
			throw new AppError(409, 'ideas.errors.state', undefined, 'status');
		}
		await recordAudit(trx, { organizationId: org, actorId: actor.userId, action: `idea.${status}`, targetType: 'idea', targetId: ideaId, data: { title: idea.title, ...(note ? { note } : {}) } });
	});
	deps.events.emit('recognition.changed', { organizationId: org, what: 'ideas', id: ideaId });
	if (status !== 'adopted') return { status, points: 0 };
	return { status, points: await payAdoptedIdea(deps, org, { id: ideaId, authorId: idea.author_id, authorName: idea.author_name, title: idea.title }) };
}

/** The author's points for an adopted idea (once, by its key), the badge signal and the celebration. */
export async function payAdoptedIdea(deps: IngestDeps, organizationId: string, idea: { id: string; authorId: string; authorName: string; title: string }, at = new Date()): Promise<number> {
	const rules = await coinRulesOf(deps.db, organizationId);
	let paid = 0;
	if (rules.ideaPoints > 0) {
		const author = await findMembership(deps.db, organizationId, idea.authorId);
		const metricId = await ensureSystemMetric(deps.db, organizationId, IDEA_METRIC, IDEA_METRIC_NAME);
		const events = await awardPoints(deps, { organizationId, source: 'idea', metricId, metricKey: IDEA_METRIC }, [
			{ key: `idea:${idea.id}`, userId: idea.authorId, teamId: author?.team_id ?? null, points: rules.ideaPoints, occurredAt: at, note: idea.title.slice(0, 500) }
		]);
		paid = events.reduce((sum, e) => sum + e.points, 0);
	}
	deps.events.emit('achievement.signal', { organizationId, userId: idea.authorId, kind: 'idea_adopted', ref: `idea:${idea.id}`, at });
	deps.events.emit('recognition.moment', {
		organizationId,
		moment: { id: `idea_adopted:${idea.id}`, type: 'idea_adopted', organizationId, user: { id: idea.authorId, name: idea.authorName }, at: at.toISOString(), idea: { id: idea.id, title: idea.title } }
	});
	return paid;
}
