// Kudos and company values, shared by browser and server: the views the feed shows, the input schemas
// (messages are catalog keys) and the giving allowance's month window.
//
// Invariant: the allowance is a monthly budget per giver, counted from the kudos table over the
// current calendar month in the organization's time zone (shared/time-windows.ts), so it "resets" on
// the 1st without a job, unused points expire, and points already received never do.
import { z } from 'zod';
import type { LocalizedText } from './localized';
import { localizedTextSchema, optionalLocalizedTextSchema } from './localized';
import { textSchema, wellFormed } from './schemas';
import { periodOf } from './time-windows';

export const KUDOS_MESSAGE_MAX = 500;
export const KUDOS_MAX_RECIPIENTS = 20;
/** The most points one kudos may carry per recipient. */
export const KUDOS_POINTS_MAX = 1000;
export const KUDOS_REASON_MAX = 300;
export const KUDOS_PAGE_SIZE = 30;
export const KUDOS_API_PAGE_MAX = 100;
export const VALUE_NAME_MAX = 40;
export const VALUE_DESCRIPTION_MAX = 200;
/** The reactions the feed offers: a fixed, small set. */
export const KUDOS_REACTIONS = ['👏', '🎉', '🔥', '💪', '❤️'] as const;
export type KudosReaction = (typeof KUDOS_REACTIONS)[number];
/** The system metric whose events carry kudos points (source 'kudos'). */
export const KUDOS_METRIC = 'kudos_points';
/** Each role's monthly giving allowance until an admin sets it. */
export const DEFAULT_ALLOWANCES = { rep: 100, leader: 200, admin: 200 } as const;
export const ALLOWANCE_MAX = 100_000;
export const KUDOS_ROLES = ['rep', 'leader', 'admin'] as const;

export interface KudosPerson {
	id: string;
	name: string;
}

export interface KudosValueChip {
	id: string;
	name: LocalizedText;
	emoji: string | null;
	color: string | null;
}

export interface CompanyValueView extends KudosValueChip {
	description: LocalizedText;
	archived: boolean;
	/** How many kudos name it (admins' list only). */
	used?: number;
}

export interface KudosView {
	id: string;
	from: KudosPerson;
	to: KudosPerson[];
	message: string;
	value: KudosValueChip;
	/** Points each recipient received. */
	points: number;
	createdAt: string;
	spotlight: boolean;
	/** Count per reaction (only reactions someone chose). */
	reactions: Partial<Record<KudosReaction, number>>;
	/** The reactions of the reader. */
	mine: KudosReaction[];
	/** How many reported it: only for those who may hide it. */
	reports?: number;
	/** Whether the reader may hide or spotlight it. */
	canModerate?: boolean;
}

export interface KudosAllowance {
	/** The giver's monthly allowance (by role). */
	allowance: number;
	spent: number;
	remaining: number;
	/** When the next month starts in the organization's time zone (ISO). */
	resetsAt: string;
	timeZone: string;
}

export interface KudosReactionPayload {
	id: string;
	reactions: Partial<Record<KudosReaction, number>>;
	/** Who changed their reaction, and to what: their own tabs update `mine`. */
	userId: string;
	emoji: KudosReaction;
	on: boolean;
}

/** The month [start, end) whose kudos count against the allowance at `at`, in `timeZone`. */
export function allowanceWindow(at: Date | number, timeZone: string): { start: Date; end: Date; key: string } {
	const period = periodOf('month', at, { timeZone, weekStart: 1 });
	return { start: period.start, end: period.end, key: period.key };
}

const uuid = z.uuid();
const pointsSchema = z.preprocess((v) => (v === '' || v === undefined || v === null ? 0 : v), z.coerce.number().int().min(0).max(KUDOS_POINTS_MAX));
const requestIdSchema = z.preprocess((v) => (v === '' || v === null ? undefined : v), wellFormed(z.string().trim().min(1).max(100)).optional());
const messageSchema = textSchema(KUDOS_MESSAGE_MAX);

/** Giving in the app: recipients and value by id. */
export const giveKudosSchema = z.object({
	to: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(uuid).min(1).max(KUDOS_MAX_RECIPIENTS)),
	value: uuid,
	message: messageSchema,
	points: pointsSchema,
	requestId: requestIdSchema
});
export type GiveKudosInput = z.output<typeof giveKudosSchema>;

const ref = wellFormed(z.string().trim().min(1).max(254));
/** Giving through the API: people by e-mail or external id, the value by id or name. */
export const apiGiveKudosSchema = z.object({
	from: ref,
	to: z.array(ref).min(1).max(KUDOS_MAX_RECIPIENTS),
	message: messageSchema,
	value: wellFormed(z.string().trim().min(1).max(100)),
	points: z.number().int().min(0).max(KUDOS_POINTS_MAX).default(0),
	requestId: wellFormed(z.string().trim().min(1).max(100)).optional()
});

export const kudosRefSchema = z.object({ kudosId: uuid });
export const reactSchema = z.object({ kudosId: uuid, emoji: z.enum(KUDOS_REACTIONS) });
export const reportSchema = z.object({
	kudosId: uuid,
	reason: z.preprocess((v) => (v === '' || v === null ? undefined : v), textSchema(KUDOS_REASON_MAX).optional())
});
export const hideSchema = z.object({ kudosId: uuid, reason: textSchema(KUDOS_REASON_MAX) });

const emojiSchema = z.preprocess(
	(v) => (typeof v === 'string' && v.trim() === '' ? null : v),
	wellFormed(z.string().trim().min(1).max(16))
		.refine((v) => /\p{Extended_Pictographic}/u.test(v) && !/[\p{L}\p{N}]/u.test(v), { message: 'kudos.values.emojiInvalid' })
		.nullable()
		.default(null)
);
const colorSchema = z.preprocess(
	(v) => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim().toLowerCase()) : v),
	z.string().regex(/^#[0-9a-f]{6}$/, { message: 'kudos.values.colorInvalid' }).nullable().default(null)
);

export const valueInputSchema = z
	.object({
		name: localizedTextSchema(VALUE_NAME_MAX),
		description: optionalLocalizedTextSchema(VALUE_DESCRIPTION_MAX),
		emoji: emojiSchema,
		color: colorSchema
	})
	.refine((v) => v.emoji !== null || v.color !== null, { message: 'kudos.values.emojiOrColor', path: ['emoji'] });
export type ValueInput = z.output<typeof valueInputSchema>;

export const valueRefSchema = z.object({ valueId: uuid });

const allowancePoints = z.coerce.number().int().min(0).max(ALLOWANCE_MAX);
export const allowancesSchema = z.object({ rep: allowancePoints, leader: allowancePoints, admin: allowancePoints });

/** A feed position: the kudos's creation instant and id (ties at one instant are ordered by id). */
export const KUDOS_CURSOR = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z_[0-9a-f-]{36}$/;

export const feedQuerySchema = z.object({
	/** An ISO-8601 instant, or the `next` of a page read with `since` (an instant and an id). */
	since: z.union([z.iso.datetime({ offset: true }), z.string().regex(KUDOS_CURSOR)]).optional(),
	before: z.string().max(200).optional(),
	limit: z.coerce.number().int().min(1).max(KUDOS_API_PAGE_MAX).default(KUDOS_PAGE_SIZE)
});
