// Kudos: giving (in the app, or through the API on behalf of a member), the feed, reactions, reports,
// hiding and spotlighting. Everyone in the organization gives, reads, reacts and reports; an admin, or a
// leader of the giver's or a recipient's team, hides (with a reason in the audit log) and spotlights.
//
// Invariants: one giver's gives are serialized by an advisory lock in the transaction that checks the
// month's spending and inserts the kudos, so the allowance never goes below zero; a client request id
// makes a double submit one kudos; each recipient's points are one event keyed 'kudos:<id>:<user>'
// (awardPoints), written after the commit and again by the sweep if the process stopped in between.
import type { Db } from '../db';
import type { Role } from '../db/schema';
import type { LiveStore } from '../live/store';
import { accessOf, type Access } from '../org/access';
import type { Actor } from '../org/actor';
import { recordAudit } from '../org/audit.repository';
import { AppError, forbidden, notFound } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { parseInput } from '../platform/validation';
import { awardPoints, type Award } from '../scoring/event.service';
import { ensureSystemMetric } from '../scoring/metric.repository';
import { localize } from '../../shared/localized';
import {
	allowanceWindow,
	apiGiveKudosSchema,
	feedQuerySchema,
	giveKudosSchema,
	hideSchema,
	KUDOS_METRIC,
	KUDOS_PAGE_SIZE,
	kudosRefSchema,
	reactSchema,
	reportSchema,
	type KudosAllowance,
	type KudosReaction,
	type KudosView
} from '../../shared/kudos';
import {
	allowanceOfRole,
	findKudosByRequest,
	findKudosRow,
	hideKudosRow,
	insertKudos,
	insertReport,
	kudosRoster,
	listFeedRows,
	receivedRows,
	lockGiver,
	organizationTimeZone,
	reactionCountsOf,
	reactionsBy,
	recipientsOf,
	reportCountsOf,
	setSpotlight,
	spentBetween,
	toggleReaction,
	unpaidRecipients,
	type KudosRow
} from './kudos.repository';
import { findValueRow, listValueRows } from './values.repository';
import { coinRulesOf, creditKudosCoins } from './coin.service';
import { DEFAULT_ALLOWANCES } from '../../shared/kudos';
import { randomUUID } from 'node:crypto';
import { kudosSpotlight, queueMoments } from '../integrations/outbox';

export interface KudosDeps {
	db: Db;
	live: LiveStore;
	events: DomainEventBus;
}

type Roster = Awaited<ReturnType<typeof kudosRoster>>;
type FeedRow = NonNullable<KudosRow>;

const KUDOS_METRIC_NAME = { en: 'Kudos', 'zh-CN': '点赞' };

async function allowanceFor(db: Db, organizationId: string, role: Role): Promise<number> {
	return (await allowanceOfRole(db, organizationId, role)) ?? DEFAULT_ALLOWANCES[role];
}

/** The giver's allowance this month (in the organization's time zone) and what is left of it. */
export async function allowanceOf(db: Db, actor: Actor, now: Date = new Date()): Promise<KudosAllowance> {
	const { time_zone: timeZone } = await organizationTimeZone(db, actor.organizationId);
	const window = allowanceWindow(now, timeZone);
	const [allowance, spent] = await Promise.all([allowanceFor(db, actor.organizationId, actor.role), spentBetween(db, actor.organizationId, actor.userId, window.start, window.end)]);
	return { allowance, spent, remaining: Math.max(0, allowance - spent), resetsAt: window.end.toISOString(), timeZone };
}

/** Whether the reader may hide or spotlight a kudos: admins; leaders of the giver's or a recipient's team. */
function canModerate(access: Access, roster: Map<string, { team_id: string | null }>, giverId: string, recipientIds: string[]): boolean {
	if (access.isAdmin) return true;
	if (access.actor.role !== 'leader') return false;
	return [giverId, ...recipientIds].some((id) => {
		const team = roster.get(id)?.team_id;
		return !!team && access.canManageTeam(team);
	});
}

/** Feed rows as views for one reader (their reactions; reports and moderation for those who may moderate). */
async function viewsOf(db: Db, organizationId: string, rows: FeedRow[], reader: { userId: string | null; access: Access | null; roster: Map<string, { team_id: string | null }> | null }): Promise<KudosView[]> {
	const ids = rows.map((r) => r.id);
	const [recipients, counts, mine, reports] = await Promise.all([
		recipientsOf(db, organizationId, ids),
		reactionCountsOf(db, organizationId, ids),
		reader.userId ? reactionsBy(db, organizationId, reader.userId, ids) : Promise.resolve([]),
		reader.access && reader.access.actor.role !== 'rep' ? reportCountsOf(db, organizationId, ids) : Promise.resolve([])
	]);
	return rows.map((r) => {
		const to = recipients.filter((x) => x.kudos_id === r.id).map((x) => ({ id: x.user_id, name: x.name }));
		const reactions: KudosView['reactions'] = {};
		for (const c of counts) if (c.kudos_id === r.id) reactions[c.emoji as KudosReaction] = c.n;
		const view: KudosView = {
			id: r.id,
			from: { id: r.giver_id, name: r.giver_name },
			to,
			message: r.message,
			value: { id: r.value_id, name: r.value_name, emoji: r.value_emoji, color: r.value_color },
			points: r.points,
			createdAt: new Date(r.created_at).toISOString(),
			spotlight: !!r.spotlight_at,
			reactions,
			mine: mine.filter((m) => m.kudos_id === r.id).map((m) => m.emoji as KudosReaction)
		};
		if (reader.access && reader.roster) {
			const may = canModerate(reader.access, reader.roster, r.giver_id, to.map((p) => p.id));
			view.canModerate = may;
			if (may) view.reports = reports.find((x) => x.kudos_id === r.id)?.n ?? 0;
		}
		return view;
	});
}

async function readerOf(db: Db, actor: Actor | null) {
	if (!actor) return { userId: null, access: null, roster: null };
	const [access, roster] = await Promise.all([accessOf(db, actor), kudosRoster(db, actor.organizationId)]);
	return { userId: actor.userId, access, roster: new Map(roster.map((m) => [m.user_id, m])) };
}

/** One kudos as the reader sees it, or 404 (another organization's, or hidden). */
export async function kudosView(db: Db, actor: Actor, id: string): Promise<KudosView> {
	const row = await findKudosRow(db, actor.organizationId, id);
	if (!row || row.hidden_at) throw notFound();
	const [view] = await viewsOf(db, actor.organizationId, [row], await readerOf(db, actor));
	return view;
}

const encodeCursor = (row: { created_at: Date | string; id: string }) => `${new Date(row.created_at).toISOString()}_${row.id}`;
function decodeCursor(cursor: string | undefined, field = 'before'): { at: Date; id: string } | undefined {
	if (!cursor) return undefined;
	const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/.exec(cursor);
	if (!m || Number.isNaN(Date.parse(m[1]))) throw new AppError(400, 'validation.invalid', undefined, field);
	return { at: new Date(m[1]), id: m[2] };
}

/**
 * The visible feed for a member of the organization (or an API token's organization, reader null):
 * newest first with a `before` cursor, or everything after `since` oldest first. `next` continues (as
 * `before`, or as `since` when reading with `since`): a cursor holds an instant and an id, so kudos
 * created at one instant are neither skipped nor repeated across pages.
 */
export async function listFeed(db: Db, organizationId: string, actor: Actor | null, query: Record<string, unknown> = {}): Promise<{ items: KudosView[]; next: string | null }> {
	const q = parseInput(feedQuerySchema, query);
	const since = q.since ? (q.since.includes('_') ? decodeCursor(q.since, 'since') : { at: new Date(q.since), id: null }) : undefined;
	const rows = await listFeedRows(db, organizationId, { limit: q.limit + 1, before: decodeCursor(q.before), since });
	const page = rows.slice(0, q.limit);
	const more = rows.length > q.limit;
	const items = await viewsOf(db, organizationId, page, await readerOf(db, actor));
	const last = page[page.length - 1];
	const next = more && last ? encodeCursor(last) : null;
	return { items, next };
}

/** Kudos received by any of these members since an instant (the home page), as the reader sees them. */
export async function kudosReceived(db: Db, actor: Actor, userIds: string[], since: Date, limit = 5): Promise<KudosView[]> {
	const rows = await receivedRows(db, actor.organizationId, userIds, since, limit);
	return viewsOf(db, actor.organizationId, rows, await readerOf(db, actor));
}

export interface GiveOptions {
	source?: 'app' | 'api' | 'demo';
	now?: Date;
}

export interface GiveResult {
	kudos: KudosView;
	/** The same request id was given before: nothing new was written. */
	duplicate: boolean;
	allowance: KudosAllowance;
}

/** Gives kudos as `actor` (recipients and value by id). */
export async function giveKudos(deps: KudosDeps, actor: Actor, input: unknown, options: GiveOptions = {}): Promise<GiveResult> {
	const parsed = parseInput(giveKudosSchema, input);
	const roster = await kudosRoster(deps.db, actor.organizationId);
	return give(deps, actor, roster, { ...parsed, to: [...new Set(parsed.to)] }, options);
}

/**
 * Gives kudos through the API: `from` and `to` are e-mails or external ids, the value an id or a name;
 * the token must belong to an active admin (it acts on behalf of any member).
 */
export async function giveKudosViaApi(deps: KudosDeps, tokenActor: Actor, input: unknown, options: GiveOptions = {}): Promise<GiveResult> {
	if (tokenActor.role !== 'admin') throw forbidden();
	const body = parseInput(apiGiveKudosSchema, input);
	const roster = await kudosRoster(deps.db, tokenActor.organizationId);
	const find = (ref: string) => {
		const lower = ref.toLowerCase();
		return roster.find((m) => m.email.toLowerCase() === lower) ?? roster.find((m) => m.external_id !== null && m.external_id === ref);
	};
	const from = find(body.from);
	if (!from || from.status !== 'active') throw new AppError(400, 'kudos.error.giver', undefined, 'from');
	const to: string[] = [];
	for (const ref of body.to) {
		const member = find(ref);
		if (!member) throw new AppError(400, 'kudos.error.unknown', { ref }, 'to');
		if (!to.includes(member.user_id)) to.push(member.user_id);
	}
	const values = (await listValueRows(deps.db, tokenActor.organizationId)).filter((v) => !v.archived_at);
	const wanted = body.value.toLowerCase();
	const value = values.find((v) => v.id === body.value) ?? values.find((v) => Object.values(v.name).some((n) => typeof n === 'string' && n.toLowerCase() === wanted));
	if (!value) throw new AppError(400, 'kudos.error.value', undefined, 'value');
	const giver: Actor = { userId: from.user_id, organizationId: tokenActor.organizationId, role: from.role };
	return give(deps, giver, roster, { to, value: value.id, message: body.message, points: body.points, requestId: body.requestId }, { ...options, source: options.source ?? 'api' });
}

async function give(deps: KudosDeps, giver: Actor, roster: Roster, input: { to: string[]; value: string; message: string; points: number; requestId?: string }, options: GiveOptions): Promise<GiveResult> {
	const org = giver.organizationId;
	const now = options.now ?? new Date();
	const byId = new Map(roster.map((m) => [m.user_id, m]));
	const me = byId.get(giver.userId);
	if (!me || me.status !== 'active') throw forbidden();
	for (const id of input.to) {
		if (id === giver.userId) throw new AppError(400, 'kudos.error.self', undefined, 'to');
		const member = byId.get(id);
		if (!member) throw new AppError(400, 'kudos.error.unknown', { ref: id }, 'to');
		if (member.status !== 'active') throw new AppError(400, 'kudos.error.inactive', { name: member.name }, 'to');
	}
	const value = await findValueRow(deps.db, org, input.value);
	if (!value) throw new AppError(400, 'kudos.error.value', undefined, 'value');
	if (value.archived_at) throw new AppError(400, 'kudos.error.valueArchived', undefined, 'value');
	const requestId = input.requestId ?? null;
	if (requestId) {
		const known = await findKudosByRequest(deps.db, org, giver.userId, requestId);
		if (known) return duplicateOf(deps, giver, known.id, now);
	}
	const { time_zone: timeZone } = await organizationTimeZone(deps.db, org);
	const window = allowanceWindow(now, timeZone);
	const allowance = await allowanceFor(deps.db, org, giver.role);
	const cost = input.points * input.to.length;
	// Read before the transaction: on the embedded database a query outside it would wait for it to end.
	const { perKudos } = await coinRulesOf(deps.db, org);
	const outcome = await deps.db.transaction().execute(async (trx) => {
		await lockGiver(trx, org, giver.userId);
		if (requestId) {
			const known = await findKudosByRequest(trx, org, giver.userId, requestId);
			if (known) return { duplicate: true, id: known.id };
		}
		const spent = cost > 0 ? await spentBetween(trx, org, giver.userId, window.start, window.end) : 0;
		if (cost > 0 && spent + cost > allowance) {
			const remaining = Math.max(0, allowance - spent);
			throw new AppError(400, 'kudos.error.allowance', { remaining, count: remaining, cost }, 'points');
		}
		const row = await insertKudos(trx, { organizationId: org, giverId: giver.userId, valueId: value.id, message: input.message, points: input.points, recipients: input.to, requestId, source: options.source ?? 'app', createdAt: now });
		// Each recipient's coins, with the kudos: never left unpaid by a process that stops after the commit.
		await creditKudosCoins(trx, org, perKudos, row.id, input.to);
		return { duplicate: false, id: row.id };
	});
	if (outcome.duplicate) return duplicateOf(deps, giver, outcome.id, now);
	const row = (await findKudosRow(deps.db, org, outcome.id))!;
	await payPoints(deps, org, [{ id: row.id, points: row.points, createdAt: new Date(row.created_at), recipients: input.to }], byId, row.giver_name, value.name);
	const [view] = await viewsOf(deps.db, org, [row], { userId: null, access: null, roster: null });
	announce(deps, org, view);
	return { kudos: { ...view }, duplicate: false, allowance: await allowanceOf(deps.db, giver, now) };
}

async function duplicateOf(deps: KudosDeps, giver: Actor, id: string, now: Date): Promise<GiveResult> {
	const row = (await findKudosRow(deps.db, giver.organizationId, id))!;
	const roster = await kudosRoster(deps.db, giver.organizationId);
	const recipients = (await recipientsOf(deps.db, giver.organizationId, [id])).map((r) => r.user_id);
	// The first submit's process may have stopped before paying: paying again is a no-op when it did.
	await payPoints(deps, giver.organizationId, [{ id, points: row.points, createdAt: new Date(row.created_at), recipients }], new Map(roster.map((m) => [m.user_id, m])), row.giver_name, row.value_name);
	const [view] = await viewsOf(deps.db, giver.organizationId, [row], { userId: giver.userId, access: null, roster: null });
	return { kudos: view, duplicate: true, allowance: await allowanceOf(deps.db, giver, now) };
}

/** Each recipient's points as an event of the kudos metric (source 'kudos'), once per key. */
async function payPoints(
	deps: KudosDeps,
	organizationId: string,
	kudos: { id: string; points: number; createdAt: Date; recipients: string[] }[],
	roster: Map<string, { team_id: string | null }>,
	giverName: string | null,
	valueName: Record<string, string | undefined> | null
) {
	const awards: Award[] = [];
	for (const k of kudos) {
		if (k.points <= 0) continue;
		for (const userId of k.recipients) {
			awards.push({
				key: `kudos:${k.id}:${userId}`,
				userId,
				teamId: roster.get(userId)?.team_id ?? null,
				points: k.points,
				occurredAt: k.createdAt,
				note: giverName ? `${giverName} · ${localize(valueName ?? {}, 'en')}`.slice(0, 500) : null
			});
		}
	}
	if (awards.length === 0) return;
	const metricId = await ensureSystemMetric(deps.db, organizationId, KUDOS_METRIC, KUDOS_METRIC_NAME);
	await awardPoints(deps, { organizationId, source: 'kudos', metricId, metricKey: KUDOS_METRIC }, awards);
}

/** After the commit: the live feed, each recipient's celebration and the badges' signal. */
function announce(deps: KudosDeps, organizationId: string, view: KudosView) {
	deps.events.emit('kudos.created', { organizationId, kudos: view });
	const at = new Date(view.createdAt);
	for (const person of view.to) {
		deps.events.emit('recognition.moment', {
			organizationId,
			moment: {
				id: `kudos_received:${view.id}:${person.id}`,
				type: 'kudos_received',
				organizationId,
				user: person,
				at: view.createdAt,
				kudos: { id: view.id, from: view.from, message: view.message, value: view.value.name, points: view.points }
			}
		});
		deps.events.emit('achievement.signal', { organizationId, userId: person.id, kind: 'kudos_received', ref: `kudos:${view.id}:${person.id}`, at, value: view.points });
	}
}

/** Pays what a stopped process left unpaid (run by the recognition installer). Returns the awards made. */
export async function payUnpaidKudos(deps: KudosDeps, now: Date = new Date()): Promise<number> {
	const rows = await unpaidRecipients(deps.db, new Date(now.getTime() - 30_000));
	const byOrg = new Map<string, typeof rows>();
	for (const r of rows) byOrg.set(r.organization_id, [...(byOrg.get(r.organization_id) ?? []), r]);
	let paid = 0;
	for (const [org, list] of byOrg) {
		const roster = new Map((await kudosRoster(deps.db, org)).map((m) => [m.user_id, m]));
		const grouped = new Map<string, { id: string; points: number; createdAt: Date; recipients: string[] }>();
		for (const r of list) {
			const g = grouped.get(r.id) ?? { id: r.id, points: r.points, createdAt: new Date(r.created_at), recipients: [] };
			g.recipients.push(r.user_id);
			grouped.set(r.id, g);
		}
		await payPoints(deps, org, [...grouped.values()], roster, null, null);
		paid += list.length;
	}
	return paid;
}

async function visibleKudos(db: Db, actor: Actor, kudosId: string) {
	const row = await findKudosRow(db, actor.organizationId, kudosId);
	if (!row || row.hidden_at) throw new AppError(404, 'validation.notFound', undefined, 'kudosId');
	return row;
}

/** Toggles the actor's reaction; everyone following the feed sees the new counts. */
export async function react(deps: KudosDeps, actor: Actor, input: unknown): Promise<{ on: boolean; reactions: KudosView['reactions'] }> {
	const { kudosId, emoji } = parseInput(reactSchema, input);
	await visibleKudos(deps.db, actor, kudosId);
	const on = await toggleReaction(deps.db, actor.organizationId, kudosId, actor.userId, emoji);
	const reactions: KudosView['reactions'] = {};
	for (const c of await reactionCountsOf(deps.db, actor.organizationId, [kudosId])) reactions[c.emoji as KudosReaction] = c.n;
	deps.events.emit('kudos.reaction', { organizationId: actor.organizationId, reaction: { id: kudosId, reactions, userId: actor.userId, emoji, on } });
	return { on, reactions };
}

/** Anyone in the organization reports a kudos once; those who may hide it see the count. */
export async function report(deps: KudosDeps, actor: Actor, input: unknown): Promise<{ reported: boolean }> {
	const { kudosId, reason } = parseInput(reportSchema, input);
	await visibleKudos(deps.db, actor, kudosId);
	// Kept with the kudos (who, why), not in the audit log: that records what admins and leaders change.
	const reported = await insertReport(deps.db, actor.organizationId, kudosId, actor.userId, reason ?? null);
	return { reported };
}

async function moderated(db: Db, actor: Actor, kudosId: string) {
	const row = await visibleKudos(db, actor, kudosId);
	const reader = await readerOf(db, actor);
	const recipients = (await recipientsOf(db, actor.organizationId, [kudosId])).map((r) => r.user_id);
	if (!canModerate(reader.access!, reader.roster!, row.giver_id, recipients)) throw forbidden();
	return { row, recipients };
}

/** Hides a kudos from the feed (live, for everyone), with the reason in the audit log. */
export async function hide(deps: KudosDeps, actor: Actor, input: unknown): Promise<void> {
	const { kudosId, reason } = parseInput(hideSchema, input);
	await moderated(deps.db, actor, kudosId);
	await deps.db.transaction().execute(async (trx) => {
		if (!(await hideKudosRow(trx, actor.organizationId, kudosId, actor.userId, reason))) throw new AppError(404, 'validation.notFound', undefined, 'kudosId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'kudos.hidden', targetType: 'kudos', targetId: kudosId, data: { reason } });
	});
	deps.events.emit('kudos.hidden', { organizationId: actor.organizationId, id: kudosId });
}

/** Spotlights a kudos for displays (a celebration moment), or takes the spotlight away. */
export async function spotlight(deps: KudosDeps, actor: Actor, input: unknown): Promise<{ spotlight: boolean }> {
	const { kudosId } = parseInput(kudosRefSchema, input);
	const { row } = await moderated(deps.db, actor, kudosId);
	const on = !row.spotlight_at;
	// Read before the transaction: on the embedded database a query outside it would wait for it to end.
	const view = on ? (await viewsOf(deps.db, actor.organizationId, [{ ...row, spotlight_at: new Date() }], { userId: null, access: null, roster: null }))[0] : null;
	// Each spotlight is a moment of its own, and its chat notification commits with it.
	const momentId = `kudos_spotlight:${kudosId}:${randomUUID()}`;
	await deps.db.transaction().execute(async (trx) => {
		if (!(await setSpotlight(trx, actor.organizationId, kudosId, on))) throw new AppError(404, 'validation.notFound', undefined, 'kudosId');
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: on ? 'kudos.spotlighted' : 'kudos.unspotlighted', targetType: 'kudos', targetId: kudosId });
		if (view) await queueMoments(trx, actor.organizationId, [kudosSpotlight(momentId, { from: view.from.name, to: (view.to[0] ?? view.from).name, message: view.message })], new Date());
	});
	deps.events.emit('kudos.spotlight', { organizationId: actor.organizationId, id: kudosId, spotlight: on });
	if (view) {
		const user = view.to[0] ?? view.from;
		deps.events.emit('recognition.moment', {
			organizationId: actor.organizationId,
			moment: {
				id: momentId,
				type: 'kudos_spotlight',
				organizationId: actor.organizationId,
				user,
				at: new Date().toISOString(),
				kudos: { id: view.id, from: view.from, message: view.message, value: view.value.name, points: view.points }
			}
		});
	}
	return { spotlight: on };
}

export { KUDOS_PAGE_SIZE };

/** What the give-kudos card needs: active colleagues (not oneself), the active values, the allowance left. */
export async function givingContext(db: Db, actor: Actor, now: Date = new Date()) {
	const [roster, values, allowance] = await Promise.all([kudosRoster(db, actor.organizationId), listValueRows(db, actor.organizationId), allowanceOf(db, actor, now)]);
	return {
		people: roster.filter((m) => m.status === 'active' && m.user_id !== actor.userId).map((m) => ({ id: m.user_id, name: m.name, email: m.email })),
		values: values.filter((v) => !v.archived_at).map((v) => ({ id: v.id, name: v.name, description: v.description, emoji: v.emoji, color: v.color, archived: false })),
		allowance
	};
}
