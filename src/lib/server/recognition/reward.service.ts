// The rewards store: admins keep the catalog; a member redeems a reward, which takes its coins and a
// unit of its stock at once (status pending); a leader of the member's team or an admin approves then
// fulfils it, or declines it; the member may cancel while it is pending. A decline or a cancellation
// gives the coins and the stock back, once: the conditional UPDATE on the status it leaves is the claim,
// and the refund's ledger ref is unique. Every change is in the audit log.
import { z } from 'zod';
import type { Db } from '../db';
import { accessOf } from '../org/access';
import type { Actor } from '../org/actor';
import { recordAudit } from '../org/audit.repository';
import { findMembership } from '../org/membership.repository';
import { AppError, forbidden } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { parseInput } from '../platform/validation';
import { encodeRewardImage, parseRewardImage, REDEMPTION_TRANSITIONS, refunds, rewardInputSchema, type RedemptionAction, type RedemptionView, type RewardView } from '../../shared/rewards';
import { moveCoins } from './coin.service';
import {
	findRedemption,
	findReward,
	heldBy,
	heldCounts,
	insertRedemption,
	insertReward,
	listRewardRows,
	lockReward,
	moveStock,
	redemptionQueue,
	redemptionsOfUser,
	updateRedemptionIf,
	updateRewardRow,
	type RedemptionRow
} from './reward.repository';

export interface RewardDeps {
	db: Db;
	events: DomainEventBus;
}

const idOf = (field: string) => z.object({ [field]: z.uuid() });

/** The catalog as the viewer sees it (admins with retired rewards too), with how many each holds. */
export async function listRewards(db: Db, actor: Actor, options: { includeInactive?: boolean } = {}): Promise<RewardView[]> {
	const includeInactive = !!options.includeInactive && actor.role === 'admin';
	const [rows, held] = await Promise.all([listRewardRows(db, actor.organizationId, includeInactive), heldCounts(db, actor.organizationId, actor.userId)]);
	const mine = new Map(held.map((h) => [h.reward_id, Number(h.n)]));
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		description: r.description,
		image: r.image,
		cost: r.cost,
		stock: r.stock,
		perPersonLimit: r.per_person_limit,
		active: r.active,
		mine: mine.get(r.id) ?? 0
	}));
}

function rewardValues(input: z.output<typeof rewardInputSchema>) {
	return {
		name: JSON.stringify(input.name),
		description: JSON.stringify(input.description ?? {}),
		image: encodeRewardImage(parseRewardImage(input.image)!),
		cost: input.cost,
		stock: input.stock,
		per_person_limit: input.perPersonLimit
	};
}

export async function createReward(deps: RewardDeps, actor: Actor, input: unknown): Promise<string> {
	if (actor.role !== 'admin') throw forbidden();
	const data = parseInput(rewardInputSchema, input);
	const id = await deps.db.transaction().execute(async (trx) => {
		const id = await insertReward(trx, { organization_id: actor.organizationId, ...rewardValues(data), active: data.active ?? true });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'reward.created', targetType: 'reward', targetId: id, data: { name: data.name, cost: data.cost, stock: data.stock } });
		return id;
	});
	deps.events.emit('recognition.changed', { organizationId: actor.organizationId, what: 'rewards', id });
	return id;
}

export async function updateReward(deps: RewardDeps, actor: Actor, input: unknown): Promise<void> {
	if (actor.role !== 'admin') throw forbidden();
	const { rewardId } = parseInput(idOf('rewardId'), input) as { rewardId: string };
	const data = parseInput(rewardInputSchema, input);
	await deps.db.transaction().execute(async (trx) => {
		const existing = await lockReward(trx, actor.organizationId, rewardId);
		if (!existing) throw new AppError(404, 'validation.notFound', undefined, 'rewardId');
		await updateRewardRow(trx, actor.organizationId, rewardId, { ...rewardValues(data), active: data.active ?? false });
		await recordAudit(trx, {
			organizationId: actor.organizationId,
			actorId: actor.userId,
			action: 'reward.updated',
			targetType: 'reward',
			targetId: rewardId,
			data: { name: data.name, cost: data.cost, stock: data.stock, perPersonLimit: data.perPersonLimit, active: data.active ?? false }
		});
	});
	deps.events.emit('recognition.changed', { organizationId: actor.organizationId, what: 'rewards', id: rewardId });
}

/**
 * Redeems a reward for the actor: under the reward's lock, the per-person limit and the stock are
 * checked, then the coins are taken under the balance's lock. A refusal (409 naming `stock`,
 * `perPersonLimit` or `balance`) rolls everything back.
 */
export async function redeemReward(deps: RewardDeps, actor: Actor, input: unknown): Promise<string> {
	const { rewardId } = parseInput(idOf('rewardId'), input) as { rewardId: string };
	const org = actor.organizationId;
	const membership = await findMembership(deps.db, org, actor.userId);
	if (!membership || membership.status !== 'active') throw forbidden();
	const redemptionId = await deps.db.transaction().execute(async (trx) => {
		const reward = await lockReward(trx, org, rewardId);
		if (!reward || !reward.active) throw new AppError(404, 'validation.notFound', undefined, 'rewardId');
		if (reward.stock !== null && reward.stock <= 0) throw new AppError(409, 'rewards.errors.stock', undefined, 'stock');
		if (reward.per_person_limit !== null && (await heldBy(trx, org, rewardId, actor.userId)) >= reward.per_person_limit) {
			throw new AppError(409, 'rewards.errors.limit', { limit: reward.per_person_limit }, 'perPersonLimit');
		}
		const id = await insertRedemption(trx, { organization_id: org, reward_id: rewardId, user_id: actor.userId, cost: reward.cost, status: 'pending' });
		await moveCoins(trx, { organizationId: org, userId: actor.userId, amount: -reward.cost, reason: 'redemption', ref: `redeem:${id}`, note: rewardLabel(reward.name), clamp: false });
		await moveStock(trx, org, rewardId, -1);
		await recordAudit(trx, { organizationId: org, actorId: actor.userId, action: 'reward.redeemed', targetType: 'redemption', targetId: id, data: { rewardId, cost: reward.cost } });
		return id;
	});
	deps.events.emit('recognition.changed', { organizationId: org, what: 'redemptions', id: redemptionId });
	return redemptionId;
}

const rewardLabel = (name: { en?: string; 'zh-CN'?: string }) => (name.en || name['zh-CN'] || '').slice(0, 200);

const decideSchema = z.object({
	redemptionId: z.uuid(),
	note: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(500).optional())
});

/**
 * Approves, fulfils, declines or cancels a redemption. Leaders decide for the reps of the teams they
 * manage, admins for everyone else (nobody decides on their own request); only the member who redeemed
 * cancels. A transition the status does not
 * allow (already decided, or decided by someone else a moment ago) is a 409 on `status`.
 */
export async function decideRedemption(deps: RewardDeps, actor: Actor, action: RedemptionAction, input: unknown): Promise<RedemptionStatusAfter> {
	const { redemptionId, note } = parseInput(decideSchema, input);
	const org = actor.organizationId;
	const row = await findRedemption(deps.db, org, redemptionId);
	if (!row) throw new AppError(404, 'validation.notFound', undefined, 'redemptionId');
	if (action === 'cancel') {
		if (row.user_id !== actor.userId) throw forbidden();
	} else {
		// Nobody decides on their own request, an admin's included.
		if (row.user_id === actor.userId) throw forbidden();
		const access = await accessOf(deps.db, actor);
		if (!access.isAdmin && !(actor.role === 'leader' && access.canManageMember(row.user_id))) throw forbidden();
	}
	const transition = REDEMPTION_TRANSITIONS[action];
	await deps.db.transaction().execute(async (trx) => {
		const moved = await updateRedemptionIf(trx, org, redemptionId, transition.from, {
			status: transition.to,
			...(action === 'cancel' ? {} : { decided_by: actor.userId }),
			...(note !== undefined ? { note } : {})
		});
		if (!moved) throw new AppError(409, 'rewards.errors.state', undefined, 'status');
		if (refunds(action)) {
			await moveStock(trx, org, row.reward_id, 1);
			await moveCoins(trx, { organizationId: org, userId: row.user_id, amount: row.cost, reason: 'refund', ref: `refund:${row.id}`, note: rewardLabel(row.reward_name) });
		}
		await recordAudit(trx, {
			organizationId: org,
			actorId: actor.userId,
			action: `reward.${transition.to}`,
			targetType: 'redemption',
			targetId: row.id,
			data: { rewardId: row.reward_id, userId: row.user_id, cost: row.cost, ...(note ? { note } : {}) }
		});
	});
	deps.events.emit('recognition.changed', { organizationId: org, what: 'redemptions', id: row.id });
	if (action === 'approve') {
		deps.events.emit('recognition.moment', {
			organizationId: org,
			moment: {
				id: `reward_approved:${row.id}`,
				type: 'reward_approved',
				organizationId: org,
				user: { id: row.user_id, name: row.user_name },
				at: new Date().toISOString(),
				reward: { id: row.reward_id, name: row.reward_name }
			}
		});
	}
	return transition.to;
}

type RedemptionStatusAfter = (typeof REDEMPTION_TRANSITIONS)[RedemptionAction]['to'];

function toView(r: RedemptionRow): RedemptionView {
	return {
		id: r.id,
		reward: { id: r.reward_id, name: r.reward_name, image: r.reward_image },
		user: { id: r.user_id, name: r.user_name },
		cost: r.cost,
		status: r.status,
		note: r.note,
		createdAt: new Date(r.created_at).toISOString(),
		updatedAt: new Date(r.updated_at).toISOString()
	};
}

export async function myRedemptions(db: Db, actor: Actor): Promise<RedemptionView[]> {
	return (await redemptionsOfUser(db, actor.organizationId, actor.userId)).map(toView);
}

/** The approval queue: admins see everyone's, leaders their managed reps'. */
export async function approvalQueue(db: Db, actor: Actor): Promise<RedemptionView[]> {
	if (actor.role === 'rep') throw forbidden();
	const access = await accessOf(db, actor);
	const members = access.isAdmin ? 'all' : access.loggableMembers().filter((m) => m.rep && access.canManageMember(m.id)).map((m) => m.id);
	return (await redemptionQueue(db, actor.organizationId, members)).map(toView);
}

export async function findRewardView(db: Db, actor: Actor, id: string) {
	return findReward(db, actor.organizationId, id);
}
