// Short-lived caches of what every ingest request looks up: an organization's metrics and the members
// its events name. At hundreds of requests a second these lookups were most of ingest's round trips.
// A change made in this process forgets the organization's entries at once (forgetOrgLookups, called
// on org.changed and by the metric service); a change made by another process takes effect within
// LOOKUP_TTL_MS.
import type { Db } from '../db';
import { cacheNow, processMap } from '../platform/process-cache';
import { activeMembersByRefs } from '../org/membership.repository';
import { allMetrics } from './metric.repository';
import type { Metric } from '../db/schema';

export const LOOKUP_TTL_MS = 2_000;

export interface ResolvedMember {
	userId: string;
	teamId: string | null;
	name: string;
}

interface OrgLookups {
	at: number;
	metrics?: Promise<Map<string, Metric>>;
	/** By lower-cased e-mail and by external id; null when the reference names no active member. */
	members: Map<string, ResolvedMember | null>;
}

const orgs = processMap<string, OrgLookups>('lookups');

function lookupsOf(organizationId: string): OrgLookups {
	const now = cacheNow();
	let entry = orgs.get(organizationId);
	if (!entry || now - entry.at > LOOKUP_TTL_MS) {
		entry = { at: now, members: new Map() };
		orgs.set(organizationId, entry);
		// Bound the cache by organizations too: drop the expired ones now and then.
		if (orgs.size > 1_000) for (const [id, e] of orgs) if (now - e.at > LOOKUP_TTL_MS) orgs.delete(id);
	}
	return entry;
}

export function forgetOrgLookups(organizationId: string) {
	orgs.delete(organizationId);
}

/** The organization's metrics by key, archived ones included. */
export function orgMetrics(db: Db, organizationId: string): Promise<Map<string, Metric>> {
	const entry = lookupsOf(organizationId);
	if (!entry.metrics) {
		const loading = allMetrics(db, organizationId).then((rows) => new Map(rows.map((m) => [m.key, m])));
		entry.metrics = loading;
		// A failed lookup is not kept.
		loading.catch(() => entry.metrics === loading && (entry.metrics = undefined));
	}
	return entry.metrics;
}

/**
 * Resolves "user" references (an e-mail, matched without regard to case, or an external id) to active
 * members of the org, with their team. The answer is keyed by the references as given.
 */
export async function resolveMembers(db: Db, organizationId: string, refs: string[]): Promise<Map<string, ResolvedMember>> {
	const out = new Map<string, ResolvedMember>();
	if (refs.length === 0) return out;
	const entry = lookupsOf(organizationId);
	const missing = new Set<string>();
	for (const ref of refs) {
		const hit = entry.members.get(ref);
		if (hit) out.set(ref, hit);
		else if (hit === undefined) missing.add(ref);
	}
	if (missing.size === 0) return out;
	const lowered = [...new Set([...missing].map((r) => r.toLowerCase()))];
	const rows = await activeMembersByRefs(db, organizationId, lowered, [...missing]);
	const byEmail = new Map<string, ResolvedMember>();
	const byExternalId = new Map<string, ResolvedMember>();
	for (const row of rows) {
		const value = { userId: row.id, teamId: row.team_id, name: row.name };
		byEmail.set(row.email.toLowerCase(), value);
		if (row.external_id) byExternalId.set(row.external_id, value);
	}
	// Cached only into the entry that was current when the query started, and only if it still is: a
	// change forgotten meanwhile must not be brought back by an answer read before it.
	const cacheable = orgs.get(organizationId) === entry;
	for (const ref of missing) {
		const value = byEmail.get(ref.toLowerCase()) ?? byExternalId.get(ref) ?? null;
		if (value) out.set(ref, value);
		if (cacheable) entry.members.set(ref, value);
	}
	return out;
}
