// The rewards catalog and its redemptions. A redemption's status moves by a conditional UPDATE on the
// status it leaves, so two requests (approve and cancel, or two declines) make one transition. Locks are
// always taken reward first, then balance, so redemptions and refunds never deadlock.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../db';
import type { RedemptionStatusColumn, RewardRedemptionsTable, RewardsTable } from '../db/schema';

const REWARD_COLUMNS = ['r.id', 'r.organization_id', 'r.name', 'r.description', 'r.image', 'r.cost', 'r.stock', 'r.per_person_limit', 'r.active', 'r.created_at', 'r.updated_at'] as const;

export function listRewardRows(db: Db, organizationId: string, includeInactive: boolean) {
	let q = db.selectFrom('rewards as r').select(REWARD_COLUMNS).where('r.organization_id', '=', organizationId);
	if (!includeInactive) q = q.where('r.active', '=', true);
	return q.orderBy('r.active', 'desc').orderBy('r.cost').orderBy('r.id').limit(200).execute();
}

export function findReward(db: Db, organizationId: string, id: string) {
	return db.selectFrom('rewards as r').select(REWARD_COLUMNS).where('r.organization_id', '=', organizationId).where('r.id', '=', id).executeTakeFirst();
}

/** The reward, locked until the transaction ends (its stock and per-person counts are checked under it). */
export function lockReward(trx: Db, organizationId: string, id: string) {
	return trx.selectFrom('rewards as r').select(REWARD_COLUMNS).where('r.organization_id', '=', organizationId).where('r.id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertReward(db: Db, values: Insertable<RewardsTable>): Promise<string> {
	const row = await db.insertInto('rewards').values(values).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

export async function updateRewardRow(db: Db, organizationId: string, id: string, values: Updateable<RewardsTable>): Promise<boolean> {
	const result = await db
		.updateTable('rewards')
		.set({ ...values, updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/** Takes (-1) or gives back (+1) a unit of a limited reward's stock; an unlimited one is left alone. */
export async function moveStock(trx: Db, organizationId: string, id: string, delta: 1 | -1) {
	await trx
		.updateTable('rewards')
		.set({ stock: sql`stock + ${delta}` })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('stock', 'is not', null)
		.execute();
}

/** How many of a reward the member holds (pending, approved or fulfilled). */
export async function heldBy(db: Db, organizationId: string, rewardId: string, userId: string): Promise<number> {
	const row = await db
		.selectFrom('reward_redemptions')
		.select(sql<string>`count(*)`.as('n'))
		.where('organization_id', '=', organizationId)
		.where('reward_id', '=', rewardId)
		.where('user_id', '=', userId)
		.where('status', 'in', ['pending', 'approved', 'fulfilled'])
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Per reward, how many the member holds. */
export function heldCounts(db: Db, organizationId: string, userId: string) {
	return db
		.selectFrom('reward_redemptions')
		.select(['reward_id', sql<string>`count(*)`.as('n')])
		.where('organization_id', '=', organizationId)
		.where('user_id', '=', userId)
		.where('status', 'in', ['pending', 'approved', 'fulfilled'])
		.groupBy('reward_id')
		.execute();
}

export async function insertRedemption(trx: Db, values: Insertable<RewardRedemptionsTable>): Promise<string> {
	const row = await trx.insertInto('reward_redemptions').values(values).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

const REDEMPTION_COLUMNS = [
	'd.id',
	'd.organization_id',
	'd.reward_id',
	'd.user_id',
	'd.cost',
	'd.status',
	'd.note',
	'd.decided_by',
	'd.created_at',
	'd.updated_at',
	'r.name as reward_name',
	'r.image as reward_image',
	'u.name as user_name'
] as const;

function redemptions(db: Db, organizationId: string) {
	return db
		.selectFrom('reward_redemptions as d')
		.innerJoin('rewards as r', 'r.id', 'd.reward_id')
		.innerJoin('users as u', 'u.id', 'd.user_id')
		.select(REDEMPTION_COLUMNS)
		.where('d.organization_id', '=', organizationId);
}

export function findRedemption(db: Db, organizationId: string, id: string) {
	return redemptions(db, organizationId).where('d.id', '=', id).executeTakeFirst();
}

export type RedemptionRow = NonNullable<Awaited<ReturnType<typeof findRedemption>>>;

export function redemptionsOfUser(db: Db, organizationId: string, userId: string) {
	return redemptions(db, organizationId).where('d.user_id', '=', userId).orderBy('d.created_at', 'desc').limit(100).execute();
}

/** The queue: pending and approved redemptions first, then the latest decided ones. */
export function redemptionQueue(db: Db, organizationId: string, userIds: string[] | 'all') {
	let q = redemptions(db, organizationId);
	if (userIds !== 'all') {
		if (userIds.length === 0) return Promise.resolve([]);
		q = q.where('d.user_id', 'in', userIds);
	}
	return q
		.orderBy(sql`case d.status when 'pending' then 0 when 'approved' then 1 else 2 end`)
		.orderBy('d.updated_at', 'desc')
		.limit(200)
		.execute();
}

/** Moves a redemption only while its status is one of `from`; true when it did. */
export async function updateRedemptionIf(
	trx: Db,
	organizationId: string,
	id: string,
	from: RedemptionStatusColumn[],
	values: { status: RedemptionStatusColumn; note?: string | null; decided_by?: string | null }
): Promise<boolean> {
	const result = await trx
		.updateTable('reward_redemptions')
		.set({ ...values, updated_at: new Date() })
		.where('organization_id', '=', organizationId)
		.where('id', '=', id)
		.where('status', 'in', from)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}
