// Appeals: what a rep sends when disputing a receipt line, and what a leader sends to resolve it.
import { z } from 'zod';
import { textSchema } from './schemas';
import type { LocalizedText } from './localized';

export const APPEAL_KINDS = ['not_mine', 'duplicate', 'wrong_value', 'other'] as const;
export const APPEAL_DECISIONS = ['void', 'recredit', 'reject'] as const;
export const APPEAL_STATUSES = ['open', 'voided', 'recredited', 'rejected'] as const;
export type AppealKind = (typeof APPEAL_KINDS)[number];
export type AppealDecision = (typeof APPEAL_DECISIONS)[number];
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

const optionalUuid = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.uuid().optional());

export const appealOpenSchema = z.object({
	eventId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
	kind: z.enum(APPEAL_KINDS),
	reason: textSchema(1000),
	suggestedMember: optionalUuid
});

export const appealResolveSchema = z.object({
	decision: z.enum(APPEAL_DECISIONS),
	reason: textSchema(500),
	member: optionalUuid
});

export const appealMessageSchema = z.object({ body: textSchema(1000) });

export interface AppealView {
	id: string;
	status: AppealStatus;
	kind: AppealKind;
	reason: string;
	createdAt: string;
	resolvedAt: string | null;
	appellant: { id: string; name: string };
	suggested: { id: string; name: string } | null;
	resolver: { id: string; name: string } | null;
	resolutionReason: string | null;
	recredited: { id: string; name: string } | null;
	event: { id: number; metric: { key: string; name: LocalizedText; unit: 'count' | 'currency' | 'minutes'; currency: string | null }; value: number; points: number; occurredAt: string; note: string | null };
	messages: { id: number; author: { id: string; name: string }; body: string; createdAt: string }[];
	can: { resolve: boolean; message: boolean };
}
