// CSV import of score events. Preview and import build the same plan: every row is parsed and checked
// without writing; import then sends the valid rows through ingestEvents with source 'import'.
// Idempotency: a row's `id` is its key; a row without one gets a key derived from its content
// (sha256 of metric, member, value, instant and note), so importing the same file again changes nothing.
import { translate, type Locale } from '../../../i18n';
import type { Db } from '../../db';
import { recordAudit } from '../../org/audit.repository';
import type { Actor } from '../../org/actor';
import { ingestEvents, type IngestDeps, type IngestResult } from '../event.service';
import { planImport, type PlanRow, type RowIssue } from './plan';


export const PREVIEW_ROWS = 50;
/** Issues sent to the page; the counts always cover every row. */
export const MAX_LISTED_ISSUES = 500;
const INGEST_CHUNK = 1000;

export interface IssueView {
	row: number;
	column: string | null;
	message: string;
	warning?: boolean;
}

export function issueView(locale: Locale, issue: RowIssue): IssueView {
	return { row: issue.row, column: issue.column, message: translate(locale, issue.key, issue.params), ...(issue.warning ? { warning: true } : {}) };
}

export type PreviewRow = Omit<PlanRow, 'item' | 'key'>;

export interface ImportPreview {
	columns: string[];
	ignored: string[];
	delimiter: string;
	total: number;
	valid: number;
	invalid: number;
	known: number;
	rows: PreviewRow[];
	issues: IssueView[];
	issueCount: number;
}

/** What the preview step shows: counts over every row, the first rows, and the issues. */
export async function previewImport(db: Db, actor: Actor, locale: Locale, text: string, now = new Date()): Promise<ImportPreview> {
	const plan = await planImport(db, actor, text, now);
	return {
		columns: plan.columns,
		ignored: plan.ignored,
		delimiter: plan.delimiter,
		total: plan.total,
		valid: plan.valid,
		invalid: plan.invalid,
		known: plan.known,
		rows: plan.rows.slice(0, PREVIEW_ROWS).map(({ item: _item, key: _key, ...row }) => row),
		issues: plan.issues.slice(0, MAX_LISTED_ISSUES).map((i) => issueView(locale, i)),
		issueCount: plan.issues.length
	};
}

export interface ImportSummary {
	total: number;
	accepted: number;
	duplicates: number;
	rejected: number;
	conflicts: number;
	points: number;
	issues: IssueView[];
	issueCount: number;
}

/** Imports the valid rows (invalid ones are reported as rejected) and records it in the audit log. */
export async function runImport(
	deps: IngestDeps,
	actor: Actor,
	locale: Locale,
	text: string,
	options: { fileName?: string | null; now?: Date } = {}
): Promise<ImportSummary> {
	const plan = await planImport(deps.db, actor, text, options.now);
	const sendable = plan.rows.filter((r) => r.item);
	const issues: RowIssue[] = plan.issues.filter((i) => !i.warning);
	const results: { row: PlanRow; result: IngestResult }[] = [];
	for (let i = 0; i < sendable.length; i += INGEST_CHUNK) {
		const chunk = sendable.slice(i, i + INGEST_CHUNK);
		const out = await ingestEvents(
			deps,
			{ organizationId: actor.organizationId, source: 'import', actorId: actor.userId, allowedUserIds: plan.allowedUserIds, now: options.now },
			chunk.map((r) => r.item!)
		);
		out.forEach((result, j) => results.push({ row: chunk[j], result }));
	}
	let accepted = 0;
	let duplicates = 0;
	let conflicts = 0;
	let rejected = plan.invalid;
	let points = 0;
	for (const { row, result } of results) {
		if (result.status === 'accepted') {
			accepted++;
			points += result.points ?? 0;
		} else if (result.status === 'duplicate') duplicates++;
		else if (result.status === 'conflict') {
			conflicts++;
			issues.push({ row: row.row, column: row.id ? 'id' : null, key: 'scoringAdmin.import.err.conflict', params: { column: 'id', value: row.id ?? row.key ?? '' } });
		} else {
			rejected++;
			issues.push({ row: row.row, column: null, key: 'scoringAdmin.import.err.rejected', params: { reason: result.error ?? '' } });
		}
	}
	issues.sort((a, b) => a.row - b.row);
	await recordAudit(deps.db, {
		organizationId: actor.organizationId,
		actorId: actor.userId,
		action: 'events.imported',
		targetType: 'import',
		data: {
			...(options.fileName ? { name: options.fileName } : {}),
			rows: plan.total,
			accepted,
			duplicates,
			rejected,
			conflicts,
			points
		}
	});
	return {
		total: plan.total,
		accepted,
		duplicates,
		rejected,
		conflicts,
		points,
		issues: issues.slice(0, MAX_LISTED_ISSUES).map((i) => issueView(locale, i)),
		issueCount: issues.length
	};
}
