// The plan of an import: every row parsed, resolved and checked against the metrics, members and
// access rules without writing anything. Preview shows it; import sends its valid rows to ingest.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { type MessageKey, type MessageParams } from '../../../i18n';
import { zonedTimeToInstant } from '../../../shared/time-windows';
import { currencyDigits, minorToMajor } from '../../../shared/money';
import type { Db } from '../../db';
import type { Metric, MetricUnit } from '../../db/schema';
import { AppError, forbidden } from '../../platform/errors';
import { findEventsByKeys } from '../event.repository';
import { activeMembersByRefs } from '../../org/membership.repository';
import { allMetrics } from '../metric.repository';
import type { Actor } from '../../org/actor';
import { accessOf } from '../../org/access';
import { isWellFormedText } from '../../../shared/schemas';
import type { LocalizedText } from '../../../shared/localized';
import { isReservedKey, MAX_VALUE, RESERVED_KEY_PREFIXES } from '../event.service';
import { orgClock } from '../live.service';
import { CsvError, detectDelimiter, parseCsv } from './csv';


export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;
const ID_MAX = 128;
const NOTE_MAX = 500;
const FUTURE_SLACK_MS = 5 * 60_000;

export const COLUMNS = ['id', 'metric', 'user', 'value', 'occurredAt', 'note'] as const;
export type Column = (typeof COLUMNS)[number];
const REQUIRED: Column[] = ['metric', 'user', 'value'];
const ALIASES: Record<string, Column> = {
	id: 'id',
	idempotencykey: 'id',
	metric: 'metric',
	user: 'user',
	email: 'user',
	value: 'value',
	occurredat: 'occurredAt',
	note: 'note'
};

export interface RowIssue {
	row: number;
	column: Column | null;
	key: MessageKey;
	params?: MessageParams;
	/** A warning leaves the row valid. */
	warning?: boolean;
}

export interface PlanRow {
	row: number;
	/** The id as given, or null when it is derived from the row. */
	id: string | null;
	key: string | null;
	metric: string;
	metricName: LocalizedText | null;
	unit: MetricUnit | null;
	currency: string | null;
	digits: number;
	user: string;
	userName: string | null;
	value: string;
	occurredAt: string | null;
	note: string;
	ok: boolean;
	/** The key is in the event log already: this row will be a duplicate (or a conflict). */
	known: boolean;
	item?: { id: string; metric: string; user: string; value: number; occurredAt?: string; note?: string };
}

export interface ImportPlan {
	columns: Column[];
	ignored: string[];
	delimiter: string;
	rows: PlanRow[];
	issues: RowIssue[];
	total: number;
	valid: number;
	invalid: number;
	known: number;
	allowedUserIds?: Set<string>;
}

function requireImporter(actor: Actor) {
	if (actor.role !== 'admin' && actor.role !== 'leader') throw forbidden();
}

interface Member {
	userId: string;
	name: string;
	role: string;
	teamId: string | null;
}

/** Active members of the org by lower-cased e-mail and by external id. */
async function membersByRef(db: Db, organizationId: string, refs: string[]) {
	const out = new Map<string, Member>();
	const lowered = [...new Set(refs.map((r) => r.toLowerCase()))];
	const raw = [...new Set(refs)];
	for (let i = 0; i < Math.max(lowered.length, raw.length); i += 2000) {
		const emails = lowered.slice(i, i + 2000);
		const external = raw.slice(i, i + 2000);
		const rows = await activeMembersByRefs(db, organizationId, emails, external);
		for (const r of rows) {
			const member = { userId: r.id, name: r.name, role: r.role, teamId: r.team_id };
			out.set(r.email.toLowerCase(), member);
			if (r.external_id) out.set(`ext:${r.external_id}`, member);
		}
	}
	return (ref: string) => out.get(ref.toLowerCase()) ?? out.get(`ext:${ref}`);
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** An instant from ISO-8601 with an offset, or a local date (and time) in the org's time zone. */
export function parseOccurredAt(raw: string, timeZone: string): Date | null {
	if (ISO_WITH_OFFSET.test(raw)) {
		const at = new Date(raw);
		return Number.isNaN(at.getTime()) ? null : at;
	}
	const m = LOCAL_TIME.exec(raw);
	if (!m) return null;
	try {
		return zonedTimeToInstant(
			{ year: +m[1], month: +m[2], day: +m[3], hour: m[4] ? +m[4] : 0, minute: m[5] ? +m[5] : 0, second: m[6] ? +m[6] : 0 },
			timeZone
		);
	} catch {
		return null;
	}
}

const hashHex = (parts: unknown[]) => encodeHexLowerCase(sha256(new TextEncoder().encode(JSON.stringify(parts))));

/** Parses and checks every row, reading but never writing. Refuses files that cannot be planned at all. */
export async function planImport(db: Db, actor: Actor, text: string, now = new Date()): Promise<ImportPlan> {
	requireImporter(actor);
	if (Buffer.byteLength(text, 'utf8') > IMPORT_MAX_BYTES) throw new AppError(413, 'scoringAdmin.import.tooLarge', { max: '2 MB' }, 'csv');
	if (!text.replace(/^\uFEFF/, '').trim()) throw new AppError(400, 'validation.required', undefined, 'csv');
	const delimiter = detectDelimiter(text.replace(/^\uFEFF/, ''));
	let records: string[][];
	try {
		records = parseCsv(text, delimiter);
	} catch (error) {
		if (error instanceof CsvError) throw new AppError(400, 'scoringAdmin.import.unterminated', { row: error.row }, 'csv');
		throw error;
	}

	// Header: known columns by name (case and punctuation ignored), unknown ones reported and ignored.
	const header = records[0].map((h) => h.trim());
	const at = new Map<Column, number>();
	const ignored: string[] = [];
	header.forEach((name, index) => {
		const column = ALIASES[name.toLowerCase().replace(/[^a-z]/g, '')];
		if (!column) {
			if (name) ignored.push(name);
			return;
		}
		if (at.has(column)) throw new AppError(400, 'scoringAdmin.import.duplicateColumn', { column }, 'csv');
		at.set(column, index);
	});
	const missing = REQUIRED.filter((c) => !at.has(c));
	if (missing.length) throw new AppError(400, 'scoringAdmin.import.missingColumns', { columns: missing.join(', ') }, 'csv');

	const body = records.slice(1).map((fields, i) => ({ row: i + 2, fields })).filter((r) => r.fields.some((f) => f.trim() !== ''));
	if (body.length === 0) throw new AppError(400, 'scoringAdmin.import.noRows', undefined, 'csv');
	if (body.length > IMPORT_MAX_ROWS) {
		throw new AppError(413, 'scoringAdmin.import.tooManyRows', { max: IMPORT_MAX_ROWS.toLocaleString('en'), count: body.length.toLocaleString('en') }, 'csv');
	}

	const cell = (fields: string[], column: Column) => {
		const index = at.get(column);
		return index === undefined ? '' : (fields[index] ?? '').trim();
	};
	const metrics = new Map<string, Metric>();
	for (const m of await allMetrics(db, actor.organizationId)) metrics.set(m.key, m);
	const member = await membersByRef(db, actor.organizationId, body.map((r) => cell(r.fields, 'user')).filter(Boolean));
	const { timeZone } = await orgClock(db, actor.organizationId);

	// Leaders import only for reps in the teams they manage.
	let allowedUserIds: Set<string> | undefined;
	const access = await accessOf(db, actor);
	const isAllowed = (m: Member) => access.canImportFor(m.userId);

	const issues: RowIssue[] = [];
	const rows: PlanRow[] = [];
	const seen = new Map<string, { row: number; content: string }>();
	for (const { row, fields } of body) {
		const before = issues.length;
		const fail = (column: Column | null, key: MessageKey, params: MessageParams = {}) =>
			issues.push({ row, column, key, params: column ? { column, ...params } : params });
		if (fields.length > header.length) fail(null, 'scoringAdmin.import.err.extraFields', { count: fields.length, columns: header.length });

		// A cell that cannot be stored as written (U+0000; an unpaired surrogate cannot come out of the
		// decoder, but is refused alike) is refused by its column, before it could reach the database.
		for (const column of COLUMNS) if (at.has(column) && !isWellFormedText(fields[at.get(column)!] ?? '')) fail(column, 'scoringAdmin.import.err.illFormed');

		const id = cell(fields, 'id');
		if (id.length > ID_MAX) fail('id', 'scoringAdmin.import.err.tooLong', { max: ID_MAX });
		else if (isReservedKey(id)) fail('id', 'scoringAdmin.import.err.reservedId', { prefixes: RESERVED_KEY_PREFIXES.join(', ') });

		const metricRef = cell(fields, 'metric');
		const metric = metricRef ? metrics.get(metricRef) ?? metrics.get(metricRef.toLowerCase()) : undefined;
		if (!metricRef) fail('metric', 'scoringAdmin.import.err.required');
		else if (!metric || metric.status !== 'active') fail('metric', 'scoringAdmin.import.err.metric', { value: metricRef });

		const userRef = cell(fields, 'user');
		const who = userRef ? member(userRef) : undefined;
		if (!userRef) fail('user', 'scoringAdmin.import.err.required');
		else if (!who) fail('user', 'scoringAdmin.import.err.user', { value: userRef });
		else if (!isAllowed(who)) fail('user', 'scoringAdmin.import.err.userNotAllowed', { value: userRef });

		const valueRaw = cell(fields, 'value');
		const value = /^\d+$/.test(valueRaw) ? Number(valueRaw) : NaN;
		const digits = metric?.unit === 'currency' && metric.currency ? currencyDigits(metric.currency) : 0;
		if (!valueRaw) fail('value', 'scoringAdmin.import.err.required');
		else if (!Number.isSafeInteger(value) || value > MAX_VALUE) {
			if (metric?.unit === 'currency' && /^\d+[.,]\d+$/.test(valueRaw)) {
				const example = 1200 * 10 ** digits;
				fail('value', 'scoringAdmin.import.err.valueMinor', {
					currency: metric.currency ?? '',
					major: minorToMajor(example, digits),
					minor: String(example)
				});
			} else fail('value', 'scoringAdmin.import.err.value', { max: MAX_VALUE.toLocaleString('en') });
		} else if (metric && value > Number(metric.max_value)) {
			fail('value', 'scoringAdmin.import.err.valueMax', { max: Number(metric.max_value).toLocaleString('en'), metric: metric.key });
		}

		const whenRaw = cell(fields, 'occurredAt');
		let occurredAt: Date | null = null;
		if (whenRaw) {
			occurredAt = parseOccurredAt(whenRaw, timeZone);
			if (!occurredAt) fail('occurredAt', 'scoringAdmin.import.err.occurredAt');
			else if (occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) fail('occurredAt', 'scoringAdmin.import.err.future');
		} else if (!id) fail('occurredAt', 'scoringAdmin.import.err.needTime');

		const note = (at.has('note') ? (fields[at.get('note')!] ?? '') : '').replace(/\r\n?/g, '\n').trim();
		if (note.length > NOTE_MAX) fail('note', 'scoringAdmin.import.err.tooLong', { max: NOTE_MAX });

		let key: string | null = null;
		let item: PlanRow['item'];
		if (issues.length === before && metric && who) {
			const iso = occurredAt?.toISOString() ?? null;
			// The same content as ingest hashes: metric key, member, value, instant (or none), note (or none).
			const content = JSON.stringify([metric.key, who.userId, value, iso, note || null]);
			key = id || `csv:${hashHex([metric.key, who.userId, value, iso, note || null])}`;
			const earlier = seen.get(key);
			if (earlier && earlier.content !== content) {
				fail('id', 'scoringAdmin.import.err.idRepeated', { value: id, other: earlier.row });
			} else {
				if (earlier) issues.push({ row, column: null, key: 'scoringAdmin.import.warn.repeat', params: { other: earlier.row }, warning: true });
				else seen.set(key, { row, content });
				item = { id: key, metric: metric.key, user: userRef, value, ...(iso ? { occurredAt: iso } : {}), ...(note ? { note } : {}) };
			}
		}
		rows.push({
			row,
			id: id || null,
			key,
			metric: metricRef,
			metricName: metric ? metric.name : null,
			unit: metric?.unit ?? null,
			currency: metric?.currency ?? null,
			digits,
			user: userRef,
			userName: who?.name ?? null,
			value: valueRaw,
			occurredAt: occurredAt?.toISOString() ?? null,
			note,
			ok: !!item,
			known: false,
			item
		});
	}
	if (!access.isAdmin) {
		allowedUserIds = new Set();
		for (const r of rows) if (r.item) allowedUserIds.add(member(r.user)!.userId);
	}

	const keys = rows.filter((r) => r.key).map((r) => r.key!);
	const known = new Set<string>();
	for (let i = 0; i < keys.length; i += 1000) {
		for (const e of await findEventsByKeys(db, actor.organizationId, keys.slice(i, i + 1000))) known.add(e.idempotency_key);
	}
	for (const r of rows) r.known = !!r.key && known.has(r.key);

	const valid = rows.filter((r) => r.ok).length;
	return {
		columns: COLUMNS.filter((c) => at.has(c)),
		ignored,
		delimiter,
		rows,
		issues,
		total: rows.length,
		valid,
		invalid: rows.length - valid,
		known: rows.filter((r) => r.known).length,
		allowedUserIds
	};
}
