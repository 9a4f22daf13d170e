// Reads for the analytics views that no other domain offers: kudos given and received per member
// over a span. Plain functions over `db`; the service maps rows to views.
import { sql } from 'kysely';
import type { Db } from '../db';

/** Kudos each of these members gave and received in [start, end). */
export async function kudosCounts(db: Db, organizationId: string, userIds: readonly string[], start: Date, end: Date): Promise<Map<string, { given: number; received: number }>> {
	const out = new Map<string, { given: number; received: number }>(userIds.map((id) => [id, { given: 0, received: 0 }]));
	if (userIds.length === 0) return out;
	const [given, received] = await Promise.all([
		db
			.selectFrom('kudos as k')
			.select(['k.giver_id as user_id', sql<string>`count(*)`.as('n')])
			.where('k.organization_id', '=', organizationId)
			.where('k.giver_id', 'in', [...userIds])
			.where('k.created_at', '>=', start)
			.where('k.created_at', '<', end)
			.groupBy('k.giver_id')
			.execute(),
		db
			.selectFrom('kudos_recipients as r')
			.innerJoin('kudos as k', 'k.id', 'r.kudos_id')
			.select(['r.user_id', sql<string>`count(*)`.as('n')])
			.where('r.organization_id', '=', organizationId)
			.where('r.user_id', 'in', [...userIds])
			.where('k.created_at', '>=', start)
			.where('k.created_at', '<', end)
			.groupBy('r.user_id')
			.execute()
	]);
	for (const r of given) out.get(r.user_id)!.given = Number(r.n);
	for (const r of received) out.get(r.user_id)!.received = Number(r.n);
	return out;
}
