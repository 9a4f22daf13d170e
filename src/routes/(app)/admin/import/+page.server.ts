import { translate } from '$lib/i18n';
import { AppError } from '$lib/server/platform/errors';
import { attempt, requireRole } from '$lib/server/platform/http';
import { listMetrics } from '$lib/server/scoring/metric.repository';
import { decodeCsvBytes } from '$lib/server/scoring/import/csv';
import { PREVIEW_ROWS, previewImport, runImport } from '$lib/server/scoring/import/import.service';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '$lib/server/scoring/import/plan';
import { toMetricView, withFieldLabels } from '$lib/server/scoring/metric.service';
import { accessOf } from '$lib/server/org/access';
import { listTeamTree } from '$lib/server/org/team.service';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** A pasted CSV travels url-encoded or as multipart text; percent-encoding may triple its size. */
const MAX_REQUEST_BYTES = 3 * IMPORT_MAX_BYTES + 64 * 1024;
/** Failed forms keep what was pasted, up to this size. */
const ECHO_BYTES = 256 * 1024;

export const load: PageServerLoad = async (event) => {
	const actor = requireRole(event, 'admin', 'leader');
	const db = event.locals.runtime.db;
	const [metrics, access, teams] = await Promise.all([listMetrics(db, actor.organizationId), accessOf(db, actor), listTeamTree(db, actor.organizationId)]);
	const scope = access.managedTeamIds();
	return {
		metrics: metrics
			.filter((m) => m.status === 'active')
			.map(toMetricView)
			.map((m) => ({ key: m.key, name: m.name, unit: m.unit, currency: m.currency, digits: m.digits })),
		managedTeams: scope === 'all' ? null : teams.filter((tm) => scope.has(tm.id) && !tm.archived).map((tm) => tm.name),
		limits: { rows: IMPORT_MAX_ROWS, bytes: IMPORT_MAX_BYTES, preview: PREVIEW_ROWS }
	};
};

async function readCsv(event: RequestEvent): Promise<{ text: string; fileName: string | null }> {
	const declared = Number(event.request.headers.get('content-length') ?? 'NaN');
	if (Number.isFinite(declared) && declared > MAX_REQUEST_BYTES) throw new AppError(413, 'scoringAdmin.import.tooLarge', { max: '2 MB' }, 'csv');
	const form = await event.request.formData();
	const file = form.get('file');
	if (file instanceof File && file.size > 0) {
		if (file.size > IMPORT_MAX_BYTES) throw new AppError(413, 'scoringAdmin.import.tooLarge', { max: '2 MB' }, 'file');
		return { text: decodeCsvBytes(new Uint8Array(await file.arrayBuffer())), fileName: file.name.slice(0, 200) || null };
	}
	const csv = form.get('csv');
	const fileName = form.get('fileName');
	return { text: typeof csv === 'string' ? csv : '', fileName: typeof fileName === 'string' && fileName ? fileName.slice(0, 200) : null };
}

export const actions: Actions = {
	preview: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const locale = event.locals.locale;
		let pasted = '';
		const result = await attempt(
			event,
			() =>
				withFieldLabels(locale, async () => {
					const { text, fileName } = await readCsv(event);
					pasted = text;
					const preview = await previewImport(event.locals.runtime.db, actor, locale, text);
					return { preview, csv: text, fileName };
				}),
			{ form: 'preview' }
		);
		if (!result.ok) {
			if (pasted && Buffer.byteLength(pasted) <= ECHO_BYTES) (result.failure.data.values as Record<string, unknown>).csv = pasted;
			return result.failure;
		}
		return result.value;
	},
	import: async (event) => {
		const actor = requireRole(event, 'admin', 'leader');
		const locale = event.locals.locale;
		const result = await attempt(
			event,
			() =>
				withFieldLabels(locale, async () => {
					const { text, fileName } = await readCsv(event);
					return runImport(event.locals.runtime, actor, locale, text, { fileName });
				}),
			{ form: 'import' }
		);
		if (!result.ok) return result.failure;
		const s = result.value;
		return {
			summary: s,
			done: translate(locale, 'scoringAdmin.import.done', { accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected, conflicts: s.conflicts })
		};
	}
};
