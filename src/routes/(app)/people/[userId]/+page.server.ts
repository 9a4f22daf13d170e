import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { accessOf } from '$lib/server/org/access';
import { AppError } from '$lib/server/platform/errors';
import { attempt, requireActor } from '$lib/server/platform/http';
import { formToObject } from '$lib/server/platform/validation';
import type { Runtime } from '$lib/server/platform/runtime';
import { awardManually, listBadges, trophyCase } from '$lib/server/recognition/badge.service';
import { assignChoices, assignCourse, assignmentsOf, clockOf, localDay, mayAssignMember } from '$lib/server/training/training.service';
import { mayCoach, POINTS, repAnalytics, type RepAnalytics } from '$lib/server/coaching/analytics.service';
import { orgClock } from '$lib/server/scoring/live.service';
import { createNote, editNote, noteAccess, notesOf, tickNoteItem } from '$lib/server/coaching/note.service';
import { listReviewsFor, managesMember } from '$lib/server/coaching/review.service';
import type { Actions, PageServerLoad } from './$types';

const engine = (rt: Runtime) => ({ db: rt.db, live: rt.live, events: rt.events, clock: rt.scheduler.clock });

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	// Reloaded when a charted member's score changes (realtime/analytics.svelte.ts).
	event.depends('podium:analytics');
	const rt = event.locals.runtime;
	let trophies;
	try {
		trophies = await trophyCase(engine(rt), actor, event.params.userId);
	} catch (err) {
		if (err instanceof AppError) error(err.status, translate(event.locals.locale, err.key));
		throw err;
	}
	const access = await accessOf(rt.db, actor);
	const canAward = actor.role !== 'rep' && trophies.member.active && access.canManageMember(trophies.member.id);
	const manual = canAward ? (await listBadges(rt.db, actor)).filter((b) => b.rule.kind === 'manual' && b.status === 'active').map((b) => ({ id: b.id, name: b.name, icon: b.icon })) : [];
	// Training: the member's assignments for themselves, leaders and admins; a leader who manages them assigns a development plan.
	const isMe = actor.userId === trophies.member.id;
	const [canAssignCourse, choices, clock] = await Promise.all([mayAssignMember(rt.db, actor, trophies.member.id), assignChoices(rt.db, actor), clockOf(rt.db, actor.organizationId)]);
	const now = new Date();
	const training = {
		assignments: isMe || actor.role !== 'rep' ? await assignmentsOf(rt.db, actor.organizationId, trophies.member.id, now) : null,
		canAssign: canAssignCourse,
		courses: canAssignCourse ? choices.courses : [],
		today: localDay(now, clock),
		defaultDue: localDay(new Date(now.getTime() + 14 * 86_400_000), clock)
	};
	// Analytics: the member themselves, admins and the leaders of their teams (the service refuses anyone else).
	// Filters come from the URL; an unknown period or metric falls back to this month's points.
	let analytics: RepAnalytics | null = null;
	if (mayCoach(access, trophies.member.id)) {
		const q = event.url.searchParams;
		const period = q.get('period');
		const query = { period: period === 'quarter' || period === 'year' ? period : 'month', metric: q.get('metric') || POINTS };
		try {
			analytics = await repAnalytics(rt, actor, trophies.member.id, query, event.locals.locale);
		} catch (err) {
			if (!(err instanceof AppError) || err.field !== 'metric') throw err;
			analytics = await repAnalytics(rt, actor, trophies.member.id, { ...query, metric: POINTS }, event.locals.locale);
		}
	}
	const weekStart = (await orgClock(rt.db, actor.organizationId)).weekStart;
	// 1:1 notes and reviews: the member (shared ones), leaders who manage them and admins; nobody else.
	const notesLevel = await noteAccess(rt.db, actor, trophies.member.id);
	const coaching = notesLevel
		? {
				manager: notesLevel === 'all',
				notes: await notesOf(rt.db, actor, trophies.member.id),
				reviews: await listReviewsFor(rt, actor, { subjectId: trophies.member.id }).then((r) => [...r.mine, ...r.managed]),
				canReview: managesMember(access, trophies.member.id) && trophies.member.active
			}
		: null;
	return { ...trophies, canAward, manual, isMe, training, analytics, weekStart, coaching };
};

export const actions: Actions = {
	addNote: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => createNote(event.locals.runtime.db, actor, event.params.userId, input), { ...input, form: 'addNote' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'notes.done.added') };
	},
	editNote: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => editNote(event.locals.runtime.db, actor, input.noteId, input), { ...input, form: 'editNote' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'notes.done.saved') };
	},
	tickNote: async (event) => {
		const actor = requireActor(event);
		const input = formToObject(await event.request.formData());
		const result = await attempt(event, () => tickNoteItem(event.locals.runtime.db, actor, input.noteId, input), { ...input, form: 'tickNote' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'notes.done.ticked') };
	},
	award: async (event) => {
		const actor = requireActor(event);
		const input = { ...formToObject(await event.request.formData()), userId: event.params.userId };
		const result = await attempt(event, () => awardManually(engine(event.locals.runtime), actor, input), { ...input, form: 'award' });
		if (!result.ok) return result.failure;
		return { done: translate(event.locals.locale, 'trophy.awarded') };
	},
	assignCourse: async (event) => {
		const actor = requireActor(event);
		const form = formToObject(await event.request.formData());
		const input = { courseId: form.courseId, dueOn: form.dueOn, note: form.note, users: [event.params.userId] };
		const result = await attempt(event, () => assignCourse(event.locals.runtime, actor, input, { plan: true }), { ...form, form: 'assignCourse' });
		if (!result.ok) return result.failure;
		const member = (await assignmentsOf(event.locals.runtime.db, actor.organizationId, event.params.userId))[0]?.user.name ?? '';
		return { done: translate(event.locals.locale, 'training.done.planAssigned', { name: member }) };
	}
};
