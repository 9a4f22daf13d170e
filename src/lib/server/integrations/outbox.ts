// Moments into the outbox, inside the transaction that commits their cause: the outbox row commits with
// the cause or not at all, so a crash between the two cannot lose a notification. One row per channel
// that wants the moment, keyed by (channel, dedupe key), so queueing a moment again queues nothing.
// Inside a transaction pass its executor only: on the embedded database a query on the pool waits for
// the transaction to end. Each moment's dedupe key and message are made here, once, for every caller.
import type { Db } from '../db';
import { localize, type LocalizedText } from '../../shared/localized';
import { channelsWanting, enqueueMessages, hasBigDealChannel, type NewOutboxRow } from './integration.repository';

export const MOMENTS = ['contest_started', 'contest_leader', 'contest_final', 'big_deal', 'badge', 'kudos', 'goal_reached'] as const;
export type Moment = (typeof MOMENTS)[number] | 'test';

/** What a moment says, stored in the outbox as a catalog key and parameters, rendered in the organization's language when sent. */
export interface MomentMessage {
	key: 'test' | 'digest_daily' | 'digest_weekly' | 'contest_started' | 'contest_leader' | 'contest_final' | 'big_deal' | 'badge' | 'kudos' | 'goal_reached';
	params: Record<string, string>;
	/** big_deal: the amount in minor units, compared with each channel's threshold. */
	amountMinor?: number;
}

export interface QueuedMoment {
	moment: (typeof MOMENTS)[number];
	dedupeKey: string;
	message: MomentMessage;
}

/**
 * Queues moments of one organization with the caller's executor (a transaction's, to commit them with
 * their cause): one read of the channels, one INSERT. Returns how many rows were new.
 */
export async function queueMoments(db: Db, organizationId: string, moments: readonly QueuedMoment[], at: Date): Promise<number> {
	if (moments.length === 0) return 0;
	const rows: NewOutboxRow[] = [];
	const seen = new Set<string>();
	for (const kind of new Set(moments.map((m) => m.moment))) {
		const channels = await channelsWanting(db, organizationId, kind);
		for (const m of moments) {
			if (m.moment !== kind) continue;
			for (const c of channels) {
				if (kind === 'big_deal' && (c.big_deal_minor === null || (m.message.amountMinor ?? 0) < Number(c.big_deal_minor))) continue;
				const key = `${c.id}|${m.dedupeKey}`;
				if (seen.has(key)) continue;
				seen.add(key);
				rows.push({ organizationId, channelId: c.id, dedupeKey: m.dedupeKey, moment: kind, message: { ...m.message }, at });
			}
		}
	}
	return enqueueMessages(db, rows);
}

export function queueMoment(db: Db, organizationId: string, moment: QueuedMoment['moment'], dedupeKey: string, message: MomentMessage, at: Date): Promise<number> {
	return queueMoments(db, organizationId, [{ moment, dedupeKey, message }], at);
}

// ---- each moment's dedupe key and message ----

export const contestStarted = (contest: { id: string; name: LocalizedText }): QueuedMoment => ({
	moment: 'contest_started',
	dedupeKey: `contest:${contest.id}:started`,
	message: { key: 'contest_started', params: { name: localize(contest.name, 'en') } }
});

export const contestFinal = (contest: { id: string; name: LocalizedText }, winner: string | undefined): QueuedMoment => ({
	moment: 'contest_final',
	dedupeKey: `contest:${contest.id}:ended`,
	message: { key: 'contest_final', params: { name: localize(contest.name, 'en'), who: winner ?? '—' } }
});

/** A change of leader, numbered per contest (the live store's leader mark counts them), so a retry of the same change queues it once. */
export const contestLeader = (contest: { id: string; name: LocalizedText }, change: number, leader: { id: string; name: string }): QueuedMoment => ({
	moment: 'contest_leader',
	dedupeKey: `contest:${contest.id}:leader:${change}:${leader.id}`,
	message: { key: 'contest_leader', params: { name: localize(contest.name, 'en'), who: leader.name } }
});

/** `momentId` is the recognition moment's id (badge:<award id>). */
export const badgeAwarded = (momentId: string, who: string, badgeName: LocalizedText): QueuedMoment => ({
	moment: 'badge',
	dedupeKey: `recognition:${momentId}`,
	message: { key: 'badge', params: { who, name: localize(badgeName, 'en') } }
});

/** `momentId` is the recognition moment's id (kudos_spotlight:<kudos id>:<uuid>: each spotlight is its own moment). */
export const kudosSpotlight = (momentId: string, kudos: { from: string; to: string; message: string }): QueuedMoment => ({
	moment: 'kudos',
	dedupeKey: `recognition:${momentId}`,
	message: { key: 'kudos', params: { text: `${kudos.from} → ${kudos.to}: ${kudos.message}` } }
});

/** `momentId` is the recognition moment's id (goal_reached:<goal id>). */
export const goalReached = (momentId: string, who: string): QueuedMoment => ({
	moment: 'goal_reached',
	dedupeKey: `recognition:${momentId}`,
	message: { key: 'goal_reached', params: { who } }
});

// ---- big deals, from the ingest transaction ----

export const BIG_DEAL_METRIC = 'revenue';

/** A revenue event worth announcing to channels whose threshold it reaches (a correction never is). */
export const isBigDealCandidate = (e: { metricKey: string; value: number; voidsEventId?: number | null }) => e.metricKey === BIG_DEAL_METRIC && !e.voidsEventId && e.value > 0;

export const bigDeal = (e: { id: number; userId: string; value: number }): QueuedMoment => ({
	moment: 'big_deal',
	dedupeKey: `deal:${e.id}`,
	message: { key: 'big_deal', params: { who: e.userId }, amountMinor: e.value }
});

/**
 * Whether a batch whose largest revenue value is `largestMinor` can make a big deal for some channel:
 * asked before the batch's write, so that a batch without one opens no transaction for it. A channel
 * added between this answer and the commit misses that batch, as it would had it been added a moment later.
 */
export function bigDealsWanted(db: Db, organizationId: string, largestMinor: number): Promise<boolean> {
	if (!(largestMinor > 0)) return Promise.resolve(false);
	return hasBigDealChannel(db, organizationId, largestMinor);
}
