// Coins, rewards and ideas shared by browser and server: the redemption and idea state machines, the
// reward images, the input schemas and the pure ledger arithmetic.
//
// Invariants: a member's balance is the sum of their ledger entries and never below zero; a debit that
// would take it below zero is refused (a redemption) or clamped to what is left (a points correction),
// and the ledger records what was actually taken, so the sum stays the balance.
import { z } from 'zod';
import { localizedTextSchema, optionalLocalizedTextSchema } from './localized';
import { textSchema, wellFormed } from './schemas';

export const REDEMPTION_STATUSES = ['pending', 'approved', 'fulfilled', 'declined', 'cancelled'] as const;
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number];
export type RedemptionAction = 'approve' | 'fulfil' | 'decline' | 'cancel';

/** Which status each action leaves from, and where it goes. Anything else is a 409. */
export const REDEMPTION_TRANSITIONS: Record<RedemptionAction, { from: RedemptionStatus[]; to: RedemptionStatus }> = {
	approve: { from: ['pending'], to: 'approved' },
	fulfil: { from: ['approved'], to: 'fulfilled' },
	decline: { from: ['pending'], to: 'declined' },
	cancel: { from: ['pending'], to: 'cancelled' }
};

/** The status after `action`, or null when the redemption's status does not allow it. */
export function redemptionAfter(status: RedemptionStatus, action: RedemptionAction): RedemptionStatus | null {
	const t = REDEMPTION_TRANSITIONS[action];
	return t.from.includes(status) ? t.to : null;
}

/** Whether the coins and the unit of stock go back: a decline or a cancellation. */
export const refunds = (action: RedemptionAction) => action === 'decline' || action === 'cancel';

/** Redemptions that count toward the per-person limit and hold their stock. */
export const HOLDING_STATUSES: RedemptionStatus[] = ['pending', 'approved', 'fulfilled'];

export const IDEA_STATUSES = ['new', 'trying', 'adopted', 'declined'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

/** new → trying → adopted or declined; new may go straight to adopted or declined. Adopted and declined are final. */
export const IDEA_MOVES: Record<IdeaStatus, IdeaStatus[]> = {
	new: ['trying', 'adopted', 'declined'],
	trying: ['adopted', 'declined'],
	adopted: [],
	declined: []
};

export const canMoveIdea = (from: IdeaStatus, to: IdeaStatus) => IDEA_MOVES[from].includes(to);

export const COIN_REASONS = ['points', 'contest', 'badge', 'kudos', 'redemption', 'refund', 'adjustment', 'demo'] as const;
export type CoinReason = (typeof COIN_REASONS)[number];

export interface LedgerEntry {
	amount: number;
}

/** The balance of a ledger: the sum of its entries. */
export const balanceOf = (entries: readonly LedgerEntry[]) => entries.reduce((sum, e) => sum + e.amount, 0);

/**
 * What a change of `amount` actually moves from a balance: a credit in full; a debit in full when the
 * balance covers it, else (clamp) what is left, or (no clamp) nothing: null, refused.
 */
export function applicableAmount(balance: number, amount: number, clamp: boolean): number | null {
	if (amount >= 0 || balance + amount >= 0) return amount;
	return clamp ? (balance === 0 ? 0 : -balance) : null;
}

/** Coins for an event's points at `per100` coins per 100 points, rounded toward zero, so a correction takes back exactly what its event gave. */
export function coinsForPoints(points: number, per100: number): number {
	const coins = Math.trunc((Math.abs(points) * per100) / 100);
	return points < 0 ? -coins : coins;
}

/** The built-in illustrations a reward may use instead of an emoji or a picture's address. */
export const REWARD_ART = ['coffee', 'gift', 'lunch', 'headphones', 'plane', 'sun', 'ticket', 'trophy'] as const;
export type RewardArt = (typeof REWARD_ART)[number];

export type RewardImage = { kind: 'emoji'; value: string } | { kind: 'art'; value: RewardArt } | { kind: 'url'; value: string };

const EMOJI_RE = /^\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F\u20E3)*$/u;

/** Reads a stored or typed image: "art:<name>", an https URL, or a single emoji. Null when it is none of them. */
export function parseRewardImage(value: string): RewardImage | null {
	const v = value.trim();
	if (v.startsWith('art:')) {
		const name = v.slice(4);
		return (REWARD_ART as readonly string[]).includes(name) ? { kind: 'art', value: name as RewardArt } : null;
	}
	if (/^https:\/\//i.test(v)) {
		if (v.length > 500 || /[\s"'<>\\]/.test(v)) return null;
		try {
			const url = new URL(v);
			return url.protocol === 'https:' && url.hostname.includes('.') && !url.username && !url.password ? { kind: 'url', value: url.href } : null;
		} catch {
			return null;
		}
	}
	return v.length <= 16 && EMOJI_RE.test(v) ? { kind: 'emoji', value: v } : null;
}

export const encodeRewardImage = (image: RewardImage) => (image.kind === 'art' ? `art:${image.value}` : image.value);

const optionalCount = (min: number, max: number) =>
	z.preprocess((v) => (v === '' || v === undefined || v === null ? null : v), z.coerce.number().int().min(min).max(max).nullable());

export const REWARD_COST_MAX = 10_000_000;

export const rewardInputSchema = z.object({
	name: localizedTextSchema(80),
	description: optionalLocalizedTextSchema(500),
	image: wellFormed(z.string().trim().min(1).max(500)).refine((v) => parseRewardImage(v) !== null, { message: 'rewards.errors.image' }),
	cost: z.coerce.number().int().min(1).max(REWARD_COST_MAX),
	stock: optionalCount(0, 1_000_000),
	perPersonLimit: optionalCount(1, 1000),
	active: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()).optional()
});
export type RewardInput = z.output<typeof rewardInputSchema>;

const ruleCount = (max: number) => z.coerce.number().int().min(0).max(max);

export const coinRulesSchema = z.object({
	perContestWin: ruleCount(1_000_000),
	perContestPlace: ruleCount(1_000_000),
	perBadge: ruleCount(1_000_000),
	perKudos: ruleCount(1_000_000),
	per100Points: ruleCount(100_000),
	ideaPoints: ruleCount(100_000)
});
export type CoinRules = z.output<typeof coinRulesSchema>;

export const DEFAULT_COIN_RULES: CoinRules = { perContestWin: 100, perContestPlace: 50, perBadge: 25, perKudos: 5, per100Points: 0, ideaPoints: 50 };

export const IDEA_TITLE_MAX = 120;
export const IDEA_BODY_MAX = 2000;
export const IDEA_COMMENT_MAX = 1000;

export const ideaInputSchema = z.object({ title: textSchema(IDEA_TITLE_MAX), body: textSchema(IDEA_BODY_MAX) });
export const ideaCommentSchema = z.object({ ideaId: z.uuid(), body: textSchema(IDEA_COMMENT_MAX) });
export const ideaMoveSchema = z.object({
	ideaId: z.uuid(),
	status: z.enum(IDEA_STATUSES),
	note: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), textSchema(500).optional())
});

export interface RewardView {
	id: string;
	name: { en?: string; 'zh-CN'?: string };
	description: { en?: string; 'zh-CN'?: string };
	image: string;
	cost: number;
	stock: number | null;
	perPersonLimit: number | null;
	active: boolean;
	/** How many the viewer holds (pending, approved or fulfilled), for the per-person limit. */
	mine: number;
}

export interface RedemptionView {
	id: string;
	reward: { id: string; name: { en?: string; 'zh-CN'?: string }; image: string };
	user: { id: string; name: string };
	cost: number;
	status: RedemptionStatus;
	note: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface LedgerView {
	id: number;
	amount: number;
	reason: CoinReason;
	ref: string;
	note: string | null;
	createdAt: string;
}

export interface IdeaView {
	id: string;
	title: string;
	body: string;
	status: IdeaStatus;
	note: string | null;
	author: { id: string; name: string };
	votes: number;
	voted: boolean;
	comments: { id: number; body: string; user: { id: string; name: string }; createdAt: string }[];
	createdAt: string;
}
