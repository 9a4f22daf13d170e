import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { requireActor } from '$lib/server/platform/http';
import { describeError } from '$lib/server/platform/validation';
import { courseRefSchema } from '$lib/shared/training/training';
import { listCourses, teamReport } from '$lib/server/training/training.service';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const actor = requireActor(event);
	if (actor.role === 'rep') error(403, translate(event.locals.locale, 'errors.forbidden'));
	const db = event.locals.runtime.db;
	const course = event.url.searchParams.get('course');
	// An unknown or malformed course filter is a 400 naming it, never a 500.
	if (course && !courseRefSchema.safeParse({ courseId: course }).success) error(400, translate(event.locals.locale, 'validation.invalid', { field: translate(event.locals.locale, 'training.field.course') }));
	try {
		const [courses, teams] = await Promise.all([listCourses(db, actor), teamReport(db, actor, { courseId: course ?? undefined })]);
		return { courses, teams, course };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		error(described.status, described.message);
	}
};
