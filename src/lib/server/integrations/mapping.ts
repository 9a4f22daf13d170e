// Mapping rules: from a CRM record to Podium events. A rule matches a record when all its conditions
// hold (e.g. dealstage equals closedwon, and for Pipedrive previous.status is not won), takes the
// owner (an e-mail, external id or member id) and the record's id from dot paths, and gives one event
// per listed metric (1, or a number read from the record; amounts in major units become minor units).
// The event id is a hash of connection, rule, record id, the matched values and the metric: a retry, a
// replay or the same transition sent again counts once.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CrmRecord } from './payloads';

const path = z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/, 'must be a dot path like data.owner.email');

export const ruleSchema = z.object({
	name: z.string().trim().min(1).max(80),
	recordId: path,
	when: z
		.array(z.object({ path, op: z.enum(['equals', 'notEquals']), value: z.string().max(200) }))
		.min(1)
		.max(10),
	owner: path,
	occurredAt: path.optional(),
	events: z
		.array(
			z.object({
				metric: z.string().trim().min(1).max(64),
				/** Absent: each match counts 1. */
				valuePath: path.optional(),
				/** major: the CRM sends 1500.50, the metric stores minor units (150050). */
				unit: z.enum(['count', 'major', 'minor']).default('count')
			})
		)
		.min(1)
		.max(5)
});
export type MappingRule = z.output<typeof ruleSchema>;
export const rulesSchema = z.array(ruleSchema).max(20);

export function readPath(record: unknown, dotted: string): unknown {
	let value: unknown = record;
	for (const part of dotted.split('.')) {
		if (value === null || value === undefined) return undefined;
		if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
		else if (typeof value === 'object') value = (value as Record<string, unknown>)[part];
		else return undefined;
	}
	return value;
}

const asText = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** "1500.5" in major units with 2 decimals → 150050, exactly (no floating point on the way). */
export function toWhole(raw: unknown, unit: 'count' | 'major' | 'minor'): number | null {
	const text = asText(raw).trim();
	if (!/^\d+(\.\d+)?$/.test(text)) return null;
	const [whole, fraction = ''] = text.split('.');
	if (unit === 'major') {
		const minor = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
		return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null;
	}
	if (fraction.replace(/0+$/, '')) return null;
	const n = Number(whole);
	return Number.isSafeInteger(n) ? n : null;
}

export interface MappedEvent {
	id: string;
	metric: string;
	user: string;
	value: number;
	occurredAt?: string;
	rule: string;
	record: string;
}
export interface MappingProblem {
	rule: string;
	record: string;
	field: string;
	reason: string;
}
export interface MappingResult {
	events: MappedEvent[];
	problems: MappingProblem[];
}

function occurredAtOf(raw: unknown): string | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const date = typeof raw === 'number' || /^\d{10,13}$/.test(String(raw)) ? new Date(Number(raw) < 1e12 ? Number(raw) * 1000 : Number(raw)) : new Date(String(raw));
	return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function eventId(connectionId: string, ruleIndex: number, recordId: string, transition: string, metric: string): string {
	return `crm:${createHash('sha256').update(JSON.stringify([connectionId, ruleIndex, recordId, transition, metric])).digest('hex').slice(0, 48)}`;
}

export function applyRules(connectionId: string, rules: MappingRule[], records: CrmRecord[]): MappingResult {
	const events: MappedEvent[] = [];
	const problems: MappingProblem[] = [];
	records.forEach((record) => {
		rules.forEach((rule, ruleIndex) => {
			const matches = rule.when.every((c) => (c.op === 'equals' ? asText(readPath(record, c.path)) === c.value : asText(readPath(record, c.path)) !== c.value));
			if (!matches) return;
			const recordId = asText(readPath(record, rule.recordId));
			const problem = (field: string, reason: string) => problems.push({ rule: rule.name, record: recordId, field, reason });
			if (!recordId) return problem(rule.recordId, `the record has no ${rule.recordId}`);
			const owner = asText(readPath(record, rule.owner)).trim();
			if (!owner) return problem(rule.owner, `the record has no ${rule.owner}`);
			const transition = rule.when.map((c) => `${c.path}=${asText(readPath(record, c.path))}`).join('&');
			const occurredAt = rule.occurredAt ? occurredAtOf(readPath(record, rule.occurredAt)) : undefined;
			for (const e of rule.events) {
				let value = 1;
				if (e.valuePath) {
					const read = toWhole(readPath(record, e.valuePath), e.unit);
					if (read === null) {
						problem(e.valuePath, `${e.valuePath} is missing or not a non-negative number`);
						continue;
					}
					value = read;
				}
				events.push({ id: eventId(connectionId, ruleIndex, recordId, transition, e.metric), metric: e.metric, user: owner, value, ...(occurredAt ? { occurredAt } : {}), rule: rule.name, record: recordId });
			}
		});
	});
	return { events, problems };
}

/** Starting rules per kind, for the form: a deal won gives a deal and its amount as revenue. */
export function defaultRules(kind: string): MappingRule[] {
	const won = (name: string, recordId: string, when: MappingRule['when'], owner: string, amount: string, occurredAt?: string): MappingRule[] => [
		{ name, recordId, when, owner, ...(occurredAt ? { occurredAt } : {}), events: [{ metric: 'deal', unit: 'count' }, { metric: 'revenue', valuePath: amount, unit: 'major' }] }
	];
	switch (kind) {
		case 'hubspot':
			return won('Deal won', 'objectId', [{ path: 'propertyName', op: 'equals', value: 'dealstage' }, { path: 'propertyValue', op: 'equals', value: 'closedwon' }], 'ownerEmail', 'amount', 'occurredAt');
		case 'pipedrive':
			return won('Deal won', 'data.id', [{ path: 'data.status', op: 'equals', value: 'won' }, { path: 'previous.status', op: 'notEquals', value: 'won' }], 'data.owner_id', 'data.value', 'data.won_time');
		case 'salesforce':
			return won('Opportunity won', 'sObject.Id', [{ path: 'sObject.StageName', op: 'equals', value: 'Closed Won' }], 'sObject.OwnerId', 'sObject.Amount', 'sObject.CloseDate');
		case 'zoho':
			return won('Deal won', 'id', [{ path: 'Stage', op: 'equals', value: 'Closed Won' }], 'Owner.email', 'Amount', 'Closing_Date');
		case 'fxiaoke':
			return won('Opportunity won', 'object_id', [{ path: 'after.sales_stage', op: 'equals', value: 'won' }], 'after.owner_email', 'after.amount', 'event_time');
		default:
			return won('Deal won', 'deal.id', [{ path: 'deal.stage', op: 'equals', value: 'won' }], 'deal.owner', 'deal.amount', 'deal.closedAt');
	}
}
