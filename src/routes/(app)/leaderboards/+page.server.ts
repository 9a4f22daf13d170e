import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { attempt, requireActor } from '$lib/server/http';
import { parseInput, formToObject, describeError } from '$lib/server/validation';
import { AppError } from '$lib/server/errors';
import { activeMetrics, canActFor, loggableMembers, recentActivity, todayScores } from '$lib/server/scoring/activity.service';
import { boardQuerySchema, readBoard } from '$lib/server/scoring/board.service';
import { ingestEvents, voidEvent } from '$lib/server/scoring/event.service';
import { listTeamTree } from '$lib/server/services/team.service';
import { z } from 'zod';
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
	let board;
	try {
		board = await readBoard(rt, actor.organizationId, { ...selector, limit: 100, around: event.locals.auth!.user.email });
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
	const members = board.entries.map((e) => e.id);
	const [metrics, teams, activity, today, loggable] = await Promise.all([
		activeMetrics(rt.db, actor.organizationId),
		listTeamTree(rt.db, actor.organizationId),
		recentActivity(rt.db, actor.organizationId, 25),
		todayScores(rt.db, actor.organizationId, query.board, query.scope, [...members, ...(board.around ?? []).map((e) => e.id)]),
		loggableMembers(rt.db, actor)
	]);
	// Leaders and admins may void what they could have logged.
	const voidable = actor.role === 'rep' ? [] : actor.role === 'admin' ? 'all' : loggable.map((m) => m.id);
	return {
		selector,
		board,
		today: Object.fromEntries(today),
		metrics,
		teams: teams.filter((t) => !t.archived).map((t) => ({ id: t.id, name: t.name, depth: t.depth })),
		activity,
		loggable,
		voidable,
		logToken: crypto.randomUUID()
	};
};

const logSchema = z.object({
	userId: z.uuid(),
	metric: z.string().trim().min(1).max(64),
	value: z.string().trim().min(1).max(32),
	note: z.string().max(500).optional(),
	key: z.uuid()
});

export const actions: Actions = {
	log: async (event) => {
		const actor = requireActor(event);
		const rt = event.locals.runtime;
		const input = formToObject(await event.request.formData());
		const result = await attempt(
			event,
			async () => {
				const data = parseInput(logSchema, input);
				if (!(await canActFor(rt.db, actor, data.userId))) throw new AppError(403, 'errors.forbidden');
				const metric = (await activeMetrics(rt.db, actor.organizationId)).find((m) => m.key === data.metric);
				if (!metric) throw new AppError(404, 'validation.notFound', undefined, 'metric');
				// Currency is typed in major units ("1200.50") and stored in minor units.
				const amount = Number(data.value.replace(/[,\s]/g, ''));
				const value = metric.unit === 'currency' ? Math.round(amount * 100) : amount;
				if (!Number.isFinite(amount) || !Number.isInteger(value) || value <= 0) throw new AppError(400, 'validation.invalid', undefined, 'value');
				const user = await rt.db.selectFrom('users').select('email').where('id', '=', data.userId).executeTakeFirstOrThrow();
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
				if (res.status === 'rejected' || res.status === 'conflict') throw new AppError(400, 'validation.invalid', undefined, 'metric');
				return res;
			},
			{ ...input, form: 'log' }
		);
		if (!result.ok) return result.failure;
		const locale = event.locals.locale;
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
				const data = parseInput(z.object({ eventId: z.coerce.number().int().positive(), reason: z.string().trim().min(1).max(500) }), input);
				const members = new Set((await loggableMembers(rt.db, actor)).map((m) => m.id));
				return voidEvent(
					rt,
					{ organizationId: actor.organizationId, actorId: actor.userId, canVoid: (userId) => actor.role === 'admin' || members.has(userId) },
					data
				);
			},
			{ ...input, form: `void:${input.eventId}` }
		);
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'lb.feed.voidDone') };
	}
};
