// Appeals: a rep disputes a line of their own receipt; a leader who manages them (or an admin) resolves
// it by voiding the line, re-crediting it to the right member, or rejecting the appeal with a reason.
// Invariants: an event has at most one open appeal (a unique index); an appeal leaves 'open' exactly
// once (a conditional update claims it before anything is written to the log, and is put back if the
// resolution cannot be carried out). A re-credit is an ordinary ingest with the key appeal:<id>, so a
// retry never credits twice and the boards move as for any event. An appeal is seen by its appellant and
// by those who may resolve it; to anyone else it does not exist (404).
import type { Db } from '../db';
import type { LiveStore } from '../live/store';
import type { Actor } from '../org/actor';
import { accessOf, type Access } from '../org/access';
import { recordAudit } from '../org/audit.repository';
import { listMembers } from '../org/membership.repository';
import { AppError } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { parseInput } from '../platform/validation';
import { findEvent, isVoided } from '../scoring/event.repository';
import { ingestEvents, voidEvent } from '../scoring/event.service';
import { appealMessageSchema, appealOpenSchema, appealResolveSchema, type AppealView } from '../../shared/appeals';
import {
	appealedEventIds,
	countOpenAppeals,
	findAppeal,
	insertAppeal,
	insertAppealMessage,
	listAppealMessages,
	listAppeals,
	reopenAppeal,
	resolveAppeal,
	type AppealRow
} from './appeal.repository';

export interface AppealDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
}

const resolvable = (access: Access, appellantId: string) => access.isAdmin || access.canManageMember(appellantId);
const visible = (access: Access, row: { appellant_id: string }) => row.appellant_id === access.actor.userId || resolvable(access, row.appellant_id);

async function activeMember(db: Db, organizationId: string, userId: string) {
	const members = await listMembers(db, organizationId);
	return members.find((m) => m.user_id === userId && m.status === 'active');
}

/** A rep disputes a line of their own receipt: an event of theirs, not a correction, not voided, not already under appeal. */
export async function openAppeal(deps: AppealDeps, actor: Actor, input: unknown) {
	const data = parseInput(appealOpenSchema, input);
	const event = await findEvent(deps.db, actor.organizationId, data.eventId);
	if (!event || event.user_id !== actor.userId) throw new AppError(404, 'appeals.err.notYours', undefined, 'eventId');
	if (event.voids_event_id !== null) throw new AppError(400, 'appeals.err.correction', undefined, 'eventId');
	if (await isVoided(deps.db, event.id)) throw new AppError(409, 'appeals.err.voided', undefined, 'eventId');
	if (data.suggestedMember) {
		if (data.suggestedMember === actor.userId || !(await activeMember(deps.db, actor.organizationId, data.suggestedMember)))
			throw new AppError(400, 'appeals.err.member', undefined, 'suggestedMember');
	}
	const created = await deps.db.transaction().execute(async (trx) => {
		const row = await insertAppeal(trx, {
			organization_id: actor.organizationId,
			event_id: event.id,
			appellant_id: actor.userId,
			kind: data.kind,
			reason: data.reason,
			suggested_user_id: data.suggestedMember ?? null
		});
		if (!row) throw new AppError(409, 'appeals.err.alreadyOpen', undefined, 'eventId');
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'appeal.opened',
			targetType: 'appeal',
			targetId: row.id,
			data: { eventId: Number(event.id), kind: data.kind, reason: data.reason, suggested: data.suggestedMember ?? null }
		});
		return row;
	});
	return { id: created.id };
}

async function visibleAppeal(deps: AppealDeps, access: Access, id: unknown) {
	const appealId = typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
	const row = appealId ? await findAppeal(deps.db, access.actor.organizationId, appealId) : undefined;
	if (!row || !visible(access, row)) throw new AppError(404, 'appeals.err.notFound', undefined, 'appealId');
	return row;
}

/** Void, re-credit or reject an open appeal. Of two concurrent resolutions one wins and the other is a 409. */
export async function resolveAppealAs(deps: AppealDeps, actor: Actor, appealId: unknown, input: unknown) {
	const access = await accessOf(deps.db, actor);
	const appeal = await visibleAppeal(deps, access, appealId);
	if (!resolvable(access, appeal.appellant_id)) throw new AppError(403, 'appeals.err.cannotResolve', undefined, 'appealId');
	const data = parseInput(appealResolveSchema, input);
	if (appeal.status !== 'open') throw new AppError(409, 'appeals.err.resolved', undefined, 'appealId');
	const org = actor.organizationId;
	let recreditTo: { id: string; email: string } | null = null;
	if (data.decision === 'recredit') {
		const memberId = data.member ?? appeal.suggested_user_id;
		if (!memberId) throw new AppError(400, 'validation.required', undefined, 'member');
		const member = memberId === appeal.event_user_id ? undefined : await activeMember(deps.db, org, memberId);
		if (!member) throw new AppError(400, 'appeals.err.member', undefined, 'member');
		recreditTo = { id: member.user_id, email: member.email };
	}
	const status = data.decision === 'void' ? 'voided' : data.decision === 'recredit' ? 'recredited' : 'rejected';
	const claimed = await resolveAppeal(deps.db, org, appeal.id, { status, resolverId: actor.userId, reason: data.reason, recreditUserId: recreditTo?.id ?? null });
	if (!claimed) throw new AppError(409, 'appeals.err.resolved', undefined, 'appealId');
	try {
		if (recreditTo) {
			const [result] = await ingestEvents(deps, { organizationId: org, source: 'correction', actorId: actor.userId }, [
				{
					id: `appeal:${appeal.id}`,
					metric: appeal.metric_key,
					user: recreditTo.email,
					value: Number(appeal.value),
					occurredAt: appeal.occurred_at.toISOString(),
					note: data.reason.slice(0, 500)
				}
			]);
			if (result.status === 'rejected' || result.status === 'conflict') throw new AppError(400, 'appeals.err.recredit', { reason: result.error ?? '' }, 'member');
		}
		if (data.decision !== 'reject') {
			try {
				await voidEvent(deps, { organizationId: org, actorId: actor.userId, canVoid: () => true }, { eventId: Number(appeal.event_id), reason: data.reason });
			} catch (err) {
				// Voided meanwhile (from the feed): the line is void, which is what was decided.
				if (!(err instanceof AppError && err.key === 'scoring.void.already')) throw err;
			}
		}
	} catch (err) {
		await reopenAppeal(deps.db, org, appeal.id);
		throw err;
	}
	await recordAudit(deps.db, {
		organizationId: org,
		actorId: actor.userId,
		action: 'appeal.resolved',
		targetType: 'appeal',
		targetId: appeal.id,
		data: { decision: data.decision, reason: data.reason, eventId: Number(appeal.event_id), recreditedTo: recreditTo?.id ?? null }
	});
	return { id: appeal.id, status };
}

/** Adds a message to an appeal's thread: its appellant and whoever may resolve it. */
export async function addAppealMessage(deps: AppealDeps, actor: Actor, appealId: unknown, input: unknown) {
	const access = await accessOf(deps.db, actor);
	const appeal = await visibleAppeal(deps, access, appealId);
	const data = parseInput(appealMessageSchema, input);
	const row = await insertAppealMessage(deps.db, { organization_id: actor.organizationId, appeal_id: appeal.id, author_id: actor.userId, body: data.body });
	return { id: Number(row.id) };
}

/** Whose appeals the actor sees: their own, and those of the members they may resolve for ('all' for admins). */
async function appellantsOf(db: Db, access: Access): Promise<string[] | 'all'> {
	if (access.isAdmin) return 'all';
	if (access.actor.role === 'rep') return [access.actor.userId];
	const members = await listMembers(db, access.actor.organizationId);
	return [access.actor.userId, ...members.filter((m) => access.canManageMember(m.user_id)).map((m) => m.user_id)];
}

function toView(access: Access, row: AppealRow, messages: Awaited<ReturnType<typeof listAppealMessages>>): AppealView {
	const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);
	const canResolve = row.status === 'open' && resolvable(access, row.appellant_id);
	return {
		id: row.id,
		status: row.status,
		kind: row.kind,
		reason: row.reason,
		createdAt: row.created_at.toISOString(),
		resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
		appellant: { id: row.appellant_id, name: row.appellant_name },
		suggested: person(row.suggested_user_id, row.suggested_name),
		resolver: person(row.resolver_id, row.resolver_name),
		resolutionReason: row.resolution_reason,
		recredited: person(row.recredit_user_id, row.recredit_name),
		event: {
			id: Number(row.event_id),
			metric: { key: row.metric_key, name: row.metric_name, unit: row.metric_unit, currency: row.metric_currency },
			value: Number(row.value),
			points: Number(row.points),
			occurredAt: row.occurred_at.toISOString(),
			note: row.note
		},
		messages: messages
			.filter((m) => m.appeal_id === row.id)
			.map((m) => ({ id: Number(m.id), author: { id: m.author_id, name: m.author_name }, body: m.body, createdAt: m.created_at.toISOString() })),
		can: { resolve: canResolve, message: true }
	};
}

/** The appeals the actor sees, open first, with their threads. */
export async function readAppeals(deps: Pick<AppealDeps, 'db'>, actor: Actor): Promise<AppealView[]> {
	const access = await accessOf(deps.db, actor);
	const rows = await listAppeals(deps.db, actor.organizationId, await appellantsOf(deps.db, access));
	const messages = await listAppealMessages(deps.db, actor.organizationId, rows.map((r) => r.id));
	return rows.map((r) => toView(access, r, messages));
}

/** One appeal the actor may see, or 404. */
export async function readAppeal(deps: Pick<AppealDeps, 'db'>, actor: Actor, appealId: unknown): Promise<AppealView> {
	const access = await accessOf(deps.db, actor);
	const row = await visibleAppeal(deps as AppealDeps, access, appealId);
	return toView(access, row, await listAppealMessages(deps.db, actor.organizationId, [row.id]));
}

/** Open appeals the actor could resolve (the leader's "Next up"): none for reps. */
export async function openAppealsToResolve(db: Db, actor: Actor): Promise<number> {
	if (actor.role === 'rep') return 0;
	const access = await accessOf(db, actor);
	if (access.isAdmin) return countOpenAppeals(db, actor.organizationId, 'all');
	const members = await listMembers(db, actor.organizationId);
	return countOpenAppeals(db, actor.organizationId, members.filter((m) => access.canManageMember(m.user_id)).map((m) => m.user_id));
}

/** Which of these receipt lines are under an open appeal (the receipt shows it instead of the action). */
export function appealedLines(db: Db, organizationId: string, eventIds: number[]) {
	return appealedEventIds(db, organizationId, eventIds);
}
