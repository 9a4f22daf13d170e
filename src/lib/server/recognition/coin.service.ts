// Coins: moving them (every change one ledger entry under the member's locked balance row, once per
// ref), the earning rules admins set, and reading a balance with its ledger.
//
// Invariant: a balance is the sum of its ledger and never below zero. A change locks the balance row
// first, so two debits of one member run one after the other and the second sees what the first left.
import { z } from 'zod';
import type { Db } from '../db';
import type { CoinReason } from '../db/schema';
import { recordAudit } from '../org/audit.repository';
import { accessOf } from '../org/access';
import type { Actor } from '../org/actor';
import { findMemberIdByRef, findMembership } from '../org/membership.repository';
import { AppError, forbidden } from '../platform/errors';
import { cacheNow, processMap } from '../platform/process-cache';
import { parseInput } from '../platform/validation';
import { findUserById } from '../auth/user.repository';
import { applicableAmount, coinRulesSchema, DEFAULT_COIN_RULES, type CoinRules, type LedgerView } from '../../shared/rewards';
import { addToBalance, balanceOf, findCoinSettings, insertLedgerEntry, ledgerPage, ledgerRefExists, lockBalance, upsertCoinSettings } from './coin.repository';

export interface CoinChange {
	organizationId: string;
	userId: string;
	amount: number;
	reason: CoinReason;
	/** Unique per organization: the same ref is applied once, whoever sends it how often. */
	ref: string;
	note?: string | null;
	/** A debit beyond the balance takes what is left (true) or is refused with 409 on `balance` (false). */
	clamp?: boolean;
	at?: Date;
}

/** Applies one change inside `trx`: the amount actually moved (0 for a known ref or nothing to take). */
export async function moveCoins(trx: Db, change: CoinChange): Promise<number> {
	if (!Number.isSafeInteger(change.amount) || change.amount === 0) return 0;
	const balance = await lockBalance(trx, change.organizationId, change.userId);
	if (await ledgerRefExists(trx, change.organizationId, change.ref)) return 0;
	const amount = applicableAmount(balance, change.amount, change.clamp ?? false);
	if (amount === null) throw new AppError(409, 'rewards.errors.balance', { balance, cost: -change.amount }, 'balance');
	if (amount === 0) return 0;
	const written = await insertLedgerEntry(trx, {
		organization_id: change.organizationId,
		user_id: change.userId,
		amount,
		reason: change.reason,
		ref: change.ref,
		note: change.note ?? null,
		...(change.at ? { created_at: change.at } : {})
	});
	if (!written) return 0;
	await addToBalance(trx, change.organizationId, change.userId, amount);
	return amount;
}

/**
 * Credits (or clamped debits) from the earning rules: each member's changes in a transaction of their
 * own, members in a fixed order. Returns the coins moved, in absolute value.
 */
export async function applyCoinChanges(db: Db, changes: CoinChange[]): Promise<number> {
	const byUser = new Map<string, CoinChange[]>();
	for (const c of changes) if (c.amount !== 0) byUser.set(c.userId, [...(byUser.get(c.userId) ?? []), c]);
	let moved = 0;
	for (const userId of [...byUser.keys()].sort()) {
		const list = byUser.get(userId)!;
		moved += await db.transaction().execute(async (trx) => {
			let sum = 0;
			for (const c of list) sum += Math.abs(await moveCoins(trx, { ...c, clamp: true }));
			return sum;
		});
	}
	return moved;
}

/**
 * The coins for announced badge awards, in the transaction that inserted them: one credit per moment
 * (ref badge_awarded:<moment id>, so it is paid once), members in a fixed order.
 */
export async function creditBadgeCoins(trx: Db, organizationId: string, perBadge: number, awards: { userId: string; momentId: string; note: string }[]): Promise<void> {
	if (perBadge === 0) return;
	for (const a of [...awards].sort((x, y) => (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0))) {
		await moveCoins(trx, { organizationId, userId: a.userId, amount: perBadge, reason: 'badge', ref: `badge_awarded:${a.momentId}`, note: a.note.slice(0, 200) });
	}
}

/** The coins of a kudos's recipients, in the transaction that gives it (ref kudos_received:kudos:<id>:<recipient>). */
export async function creditKudosCoins(trx: Db, organizationId: string, perKudos: number, kudosId: string, recipients: readonly string[]): Promise<void> {
	if (perKudos === 0) return;
	for (const userId of [...new Set(recipients)].sort()) {
		await moveCoins(trx, { organizationId, userId, amount: perKudos, reason: 'kudos', ref: `kudos_received:kudos:${kudosId}:${userId}` });
	}
}

// The rules are read on every scored batch: cached briefly per process, forgotten at once on a change here.
const RULES_CACHE_MS = 5_000;
const rulesCache = processMap<string, { at: number; rules: Promise<CoinRules> }>('coin-rules');

export function forgetCoinRules(organizationId: string) {
	rulesCache.delete(organizationId);
}

export function coinRulesOf(db: Db, organizationId: string): Promise<CoinRules> {
	const now = cacheNow();
	const cached = rulesCache.get(organizationId);
	if (cached && now - cached.at < RULES_CACHE_MS) return cached.rules;
	const rules = findCoinSettings(db, organizationId).then((row) =>
		row
			? {
					perContestWin: row.per_contest_win,
					perContestPlace: row.per_contest_place,
					perBadge: row.per_badge,
					perKudos: row.per_kudos,
					per100Points: row.per_100_points,
					ideaPoints: row.idea_points
				}
			: { ...DEFAULT_COIN_RULES }
	);
	rulesCache.set(organizationId, { at: now, rules });
	rules.catch(() => rulesCache.get(organizationId)?.rules === rules && rulesCache.delete(organizationId));
	return rules;
}

export async function saveCoinRules(db: Db, actor: Actor, input: unknown): Promise<CoinRules> {
	if (actor.role !== 'admin') throw forbidden();
	const rules = parseInput(coinRulesSchema, input);
	await db.transaction().execute(async (trx) => {
		await upsertCoinSettings(trx, actor.organizationId, {
			per_contest_win: rules.perContestWin,
			per_contest_place: rules.perContestPlace,
			per_badge: rules.perBadge,
			per_kudos: rules.perKudos,
			per_100_points: rules.per100Points,
			idea_points: rules.ideaPoints
		});
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'coins.rules_changed', targetType: 'organization', targetId: actor.organizationId, data: rules });
	});
	forgetCoinRules(actor.organizationId);
	return rules;
}

export const LEDGER_PAGE_MAX = 100;

export const ledgerQuerySchema = z.object({
	limit: z.coerce.number().int().min(1).max(LEDGER_PAGE_MAX).default(20),
	before: z.coerce.number().int().min(1).optional()
});

export interface CoinAccount {
	user: { id: string; name: string };
	balance: number;
	entries: LedgerView[];
	/** The `before` of the next page, or null on the last one. */
	next: number | null;
}

/** A member's balance and a page of their ledger, newest first. */
export async function coinAccount(db: Db, organizationId: string, userId: string, query: { limit: number; before?: number }): Promise<CoinAccount> {
	const [user, balance, rows] = await Promise.all([findUserById(db, userId), balanceOf(db, organizationId, userId), ledgerPage(db, organizationId, userId, query.limit + 1, query.before)]);
	const page = rows.slice(0, query.limit);
	return {
		user: { id: userId, name: user?.name ?? '' },
		balance,
		entries: page.map((r) => ({ id: Number(r.id), amount: Number(r.amount), reason: r.reason, ref: r.ref, note: r.note, createdAt: new Date(r.created_at).toISOString() })),
		next: rows.length > query.limit ? Number(page[page.length - 1].id) : null
	};
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A member of the organization by e-mail, external id or id; 404 naming `user` otherwise. */
export async function resolveMember(db: Db, organizationId: string, ref: string): Promise<string> {
	const value = ref.trim();
	if (!value || value.length > 254 || value.includes('\0')) throw new AppError(400, 'validation.invalid', undefined, 'user');
	if (UUID_RE.test(value)) {
		const membership = await findMembership(db, organizationId, value.toLowerCase());
		if (membership) return value.toLowerCase();
	}
	const found = await findMemberIdByRef(db, organizationId, value);
	if (!found) throw new AppError(404, 'validation.notFound', undefined, 'user');
	return found.id;
}

/**
 * Whose ledger a signed-in member may read: their own; leaders and admins anyone of the organization
 * (a token with coins:read reads any member: it is the organization's integration).
 */
export async function readableAccount(db: Db, actor: Actor, userId: string) {
	if (userId !== actor.userId) {
		const access = await accessOf(db, actor);
		if (actor.role === 'rep' || !access.canView({ userId })) throw forbidden();
	}
}
