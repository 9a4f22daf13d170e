import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/platform/http';
import { parseInput, formToObject, describeError } from '$lib/server/platform/validation';
import { AppError } from '$lib/server/platform/errors';
import { findMembership } from '$lib/server/org/membership.repository';
import { accessOf } from '$lib/server/org/access';
import { activeMetrics, FEED_DAYS, parseLoggedValue, quickLogRefusal, recentActivity, todayScores } from '$lib/server/scoring/activity.service';
import { boardQuerySchema } from '$lib/server/scoring/board.service';
import { lensFor, viewBoard } from '$lib/server/transparency/transparency.service';
import { maskActivity } from '$lib/shared/transparency';
import { catalog } from '$lib/server/scoring/boards/catalog';
import { ingestEvents, voidEvent } from '$lib/server/scoring/event.service';
import { listTeamTree } from '$lib/server/org/team.service';
import { z } from 'zod';
import { textSchema, wellFormed } from '$lib/shared/schemas';
import { memberLevels } from '$lib/server/recognition/level.service';
import { boardForm } from '$lib/server/scoring/form.service';
import { recentMoments } from '$lib/server/recognition/feed.service';
import { findMetricIdByKey } from '$lib/server/scoring/metric.repository';
import { POINTS_BOARD } from '$lib/shared/boards/identity';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	const rt = event.locals.runtime;
	let query;
	try {
		query = parseInput(boardQuerySchema.omit({ around: true, limit: true }), Object.fromEntries(event.url.searchParams));
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		error(400, described?.message ?? 'Bad request');
	}
	const selector = { ...query, team: query.scope === 'teams' ? undefined : query.team };
	// What this viewer may see of the board (a rep under the organization's transparency settings).
	const lens = await lensFor(rt.db, actor.organizationId, actor);
	let board;
	try {
		board = await viewBoard(rt, actor.organizationId, { ...selector, limit: 100, around: event.locals.auth!.user.email }, lens);
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
	// On the first day of a period the board is empty; the last period's final standings keep the
	// first screen alive (the live store keeps the period just before the current one).
	const previous =
		board.entries.length === 0 && query.window !== 'all'
			? await viewBoard(rt, actor.organizationId, { ...selector, limit: 10, around: undefined }, lens, new Date(Date.parse(board.window.start) - 1))
			: null;
	const members = board.entries.map((e) => e.id);
	const shown = [...members, ...(board.around ?? []).map((e) => e.id)];
	const [boards, metrics, teams, activity, today, access, levels, form, moments] = await Promise.all([
		catalog.boardsOf(rt.db, actor.organizationId),
		activeMetrics(rt.db, actor.organizationId),
		listTeamTree(rt.db, actor.organizationId),
		recentActivity(rt.db, actor.organizationId, 25),
		todayScores(rt.db, actor.organizationId, query.board, query.scope, shown),
		accessOf(rt.db, actor),
		memberLevels(rt.db, actor.organizationId, rt.live),
		// Streak flames and personal bests, for reps on the points board or a metric's.
		query.scope === 'users' && (query.board === POINTS_BOARD || (await findMetricIdByKey(rt.db, actor.organizationId, query.board)))
			? boardForm(rt.db, actor.organizationId, query.board, query.window, shown)
			: null,
		// Badges and levels of the feed's days, woven into it (kudos, rewards and ideas arrive live).
		recentMoments(rt.db, actor.organizationId, new Date(Date.now() - FEED_DAYS * 86_400_000))
	]);
	const loggable = access.loggableMembers();
	// Ranks only: others' values leave the page everywhere (today's gains, personal bests, the feed).
	const masked = lens.kind === 'limited' && !lens.values;
	const own = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([id]) => id === actor.userId));
	// Leaders and admins may void what they could have logged.
	const voidable = actor.role === 'rep' ? [] : access.isAdmin ? 'all' : loggable.filter((m) => access.canVoidFor(m.id)).map((m) => m.id);
	return {
		selector,
		board,
		// What this rep is shown (null: everything), for the notice above the board.
		limited: lens.kind === 'limited' && query.scope === 'users' ? { topN: lens.topN, values: lens.values } : null,
		previous: previous && previous.entries.length ? { window: previous.window, entries: previous.entries } : null,
		// The boards to pick from, family by family (the one shown even when no longer listed).
		boards: boards
			.filter((b) => b.listed || b.board === query.board)
			.map((b) => ({ board: b.board, name: b.name, scopes: [...b.scopes], windows: [...b.windows], unit: b.unit ?? null })),
		today: masked ? own(Object.fromEntries(today)) : Object.fromEntries(today),
		metrics,
		teams: teams.filter((t) => !t.archived).map((t) => ({ id: t.id, name: t.name, depth: t.depth })),
		// Flags are for those who may void: a rep does not see them on anyone's entries.
		activity: actor.role === 'rep' ? activity.map((a) => maskActivity({ ...a, flag: null }, lens)) : activity,
		feedDays: FEED_DAYS,
		// Each member's level, for the pill beside their name (rows arriving live find theirs here).
		levels,
		flair: form && masked ? { ...form, members: own(form.members) } : form,
		moments,
		loggable,
		voidable,
		logToken: crypto.randomUUID()
	};
};

const logSchema = z.object({
	userId: z.uuid(),
	metric: textSchema(64),
	value: textSchema(32),
	note: wellFormed(z.string().max(500)).optional(),
	key: z.uuid()
});

export const actions: Actions = {
	log: async (event) => {
		const actor = requireActor(event);
		const rt = event.locals.runtime;
		const locale = event.locals.locale;
		const input = formToObject(await event.request.formData());
		const result = await attempt(
			event,
			async () => {
				const data = parseInput(logSchema, input);
				// A person who is not an active member of this organization is a missing one, whoever asks
				// (an admin's log for one answered 500).
				const user = await findMembership(rt.db, actor.organizationId, data.userId);
				if (!user || user.status !== 'active') throw new AppError(404, 'validation.notFound', undefined, 'userId');
				if (!(await accessOf(rt.db, actor)).canLogFor(data.userId)) throw new AppError(403, 'errors.forbidden');
				const metric = (await activeMetrics(rt.db, actor.organizationId)).find((m) => m.key === data.metric);
				if (!metric) throw new AppError(404, 'validation.notFound', { field: translate(locale, 'lb.log.metric') }, 'metric');
				// Currency is typed in major units ("1200.50") and stored in minor units.
				const value = parseLoggedValue(locale, metric, data.value);
				const [res] = await ingestEvents(
					rt,
					{
						organizationId: actor.organizationId,
						source: 'manual',
						actorId: actor.userId,
						selfReportOnly: actor.role === 'rep' || (data.userId === actor.userId && actor.role !== 'admin'),
						allowedUserIds: new Set([data.userId])
					},
					[{ id: `manual:${data.key}`, metric: metric.key, user: user.email, value, note: data.note?.trim() || undefined }]
				);
				if (res.status === 'rejected' || res.status === 'conflict') throw quickLogRefusal(locale, metric, res);
				return res;
			},
			{ ...input, form: 'log' }
		);
		if (!result.ok) return result.failure;
		return {
			done:
				result.value.status === 'duplicate'
					? translate(locale, 'lb.log.duplicate')
					: translate(locale, 'lb.log.done', { points: result.value.points ?? 0, count: result.value.points ?? 0 })
		};
	},
	void: async (event) => {
		const actor = requireActor(event);
		const rt = event.locals.runtime;
		const input = formToObject(await event.request.formData());
		const result = await attempt(
			event,
			async () => {
				if (actor.role === 'rep') throw new AppError(403, 'errors.forbidden');
				const data = parseInput(z.object({ eventId: z.coerce.number().int().positive(), reason: textSchema(500) }), input);
				const access = await accessOf(rt.db, actor);
				return voidEvent(
					rt,
					{ organizationId: actor.organizationId, actorId: actor.userId, canVoid: (userId) => access.canVoidFor(userId) },
					data
				);
			},
			{ ...input, form: `void:${input.eventId}` }
		);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'lb.feed.voidDone') };
	}
};
