// Coins: the ledger (append-only, one entry per ref and organization), the balance rows (the ledger's
// sum, locked FOR UPDATE by every change so concurrent debits are serialized and none overdraws) and
// the organization's earning rules. Every query is scoped by organization.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { CoinReason } from '../db/schema';

export function findCoinSettings(db: Db, organizationId: string) {
	return db.selectFrom('coin_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
}

export async function upsertCoinSettings(
	db: Db,
	organizationId: string,
	values: { per_contest_win: number; per_contest_place: number; per_badge: number; per_kudos: number; per_100_points: number; idea_points: number }
) {
	await db
		.insertInto('coin_settings')
		.values({ organization_id: organizationId, ...values })
		.onConflict((oc) => oc.column('organization_id').doUpdateSet({ ...values, updated_at: new Date() }))
		.execute();
}

/** The member's balance, locked until the transaction ends (the row is made at 0 the first time). */
export async function lockBalance(trx: Db, organizationId: string, userId: string): Promise<number> {
	await trx.insertInto('coin_balances').values({ organization_id: organizationId, user_id: userId, balance: 0 }).onConflict((oc) => oc.doNothing()).execute();
	const row = await trx
		.selectFrom('coin_balances')
		.select('balance')
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.forUpdate()
		.executeTakeFirstOrThrow();
	return Number(row.balance);
}

export async function ledgerRefExists(db: Db, organizationId: string, ref: string): Promise<boolean> {
	const row = await db.selectFrom('coin_ledger').select('id').where('organization_id', '=', organizationId).where('ref', '=', ref).executeTakeFirst();
	return !!row;
}

/** Appends an entry unless its ref is known; true when it was written. */
export async function insertLedgerEntry(
	trx: Db,
	entry: { organization_id: string; user_id: string; amount: number; reason: CoinReason; ref: string; note: string | null; created_at?: Date }
): Promise<boolean> {
	const row = await trx
		.insertInto('coin_ledger')
		.values(entry)
		.onConflict((oc) => oc.columns(['organization_id', 'ref']).doNothing())
		.returning('id')
		.executeTakeFirst();
	return !!row;
}

export async function addToBalance(trx: Db, organizationId: string, userId: string, delta: number) {
	await trx
		.updateTable('coin_balances')
		.set({ balance: sql`balance + ${delta}` })
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.execute();
}

export async function balanceOf(db: Db, organizationId: string, userId: string): Promise<number> {
	const row = await db.selectFrom('coin_balances').select('balance').where('organization_id', '=', organizationId).where('user_id', '=', userId).executeTakeFirst();
	return Number(row?.balance ?? 0);
}

/** The sum of a member's ledger (what the balance must equal). */
export async function ledgerSum(db: Db, organizationId: string, userId: string): Promise<number> {
	const row = await db
		.selectFrom('coin_ledger')
		.select(sql<string>`coalesce(sum(amount), 0)`.as('sum'))
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.executeTakeFirstOrThrow();
	return Number(row.sum);
}

/** A member's entries, newest first, before the entry id `before` when given. */
export function ledgerPage(db: Db, organizationId: string, userId: string, limit: number, before?: number) {
	let q = db
		.selectFrom('coin_ledger')
		.select(['id', 'amount', 'reason', 'ref', 'note', 'created_at'])
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId);
	if (before !== undefined) q = q.where('id', '<', before);
	return q.orderBy('id', 'desc').limit(limit).execute();
}

/** Balances of several members (missing ones are 0). */
export function balancesOf(db: Db, organizationId: string) {
	return db.selectFrom('coin_balances').select(['user_id', 'balance']).where('organization_id', '=', organizationId).execute();
}
