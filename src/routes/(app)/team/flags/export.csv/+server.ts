// GET /team/flags/export.csv?status=&team=: the flags shown on /team/flags as CSV for Excel (UTF-8 with a
// BOM, so Chinese names open right; cells a spreadsheet would run as formulas are quoted with ').
import { error } from '@sveltejs/kit';
import { toCsv } from '$lib/charts/csv';
import { flagTable } from '$lib/components/coaching/flag-text';
import { readFlags } from '$lib/server/coaching/flags.service';
import { requireActor } from '$lib/server/platform/http';
import { describeError } from '$lib/server/platform/validation';
import { orgClock } from '$lib/server/scoring/live.service';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const actor = requireActor(event);
	const q = event.url.searchParams;
	try {
		const rt = event.locals.runtime;
		const list = await readFlags(rt, actor, { status: q.get('status') ?? undefined, team: q.get('team') || undefined });
		const clock = await orgClock(rt.db, actor.organizationId);
		const table = flagTable(list.flags, event.locals.locale, clock.timeZone);
		return new Response('\ufeff' + toCsv(table.header, table.rows), {
			headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="flags-${list.status}.csv"`, 'cache-control': 'no-store' }
		});
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (described) error(described.status, described.message);
		throw err;
	}
};
