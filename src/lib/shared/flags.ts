// Anti-gaming flags: what a leader reads and sends. A flag is a question for a leader, never a penalty.
import { z } from 'zod';
import { textSchema } from './schemas';
import type { LocalizedText } from './localized';

export const FLAG_KINDS = ['self_report_spike', 'bunching', 'voids', 'duplicate_notes'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];
export const FLAG_STATUSES = ['open', 'dismissed'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

export const flagDismissSchema = z.object({ reason: textSchema(500) });

export const flagListQuerySchema = z.object({
	status: z.enum(['open', 'dismissed', 'all']).default('open'),
	team: z.uuid().optional()
});

/** What raised the flag, by kind (numbers as computed at detection). */
export type FlagDetails =
	| { kind: 'self_report_spike'; day: string; metrics: { key: string; name: LocalizedText; unit: string; currency: string | null; value: number; median: number; mad: number; z: number; historyDays: number }[] }
	| { kind: 'bunching'; boundary: 'month' | 'quarter' | 'contest'; label: string; contest: { id: string; name: LocalizedText } | null; hours: number; inWindow: number; total: number; share: number; expected: number; lift: number }
	| { kind: 'voids'; month: string; voided: number; total: number; rate: number; baseline: number }
	| { kind: 'duplicate_notes'; month: string; notes: { note: string; count: number }[] };

export interface FlagView {
	id: string;
	kind: FlagKind;
	status: FlagStatus;
	rep: { id: string; name: string; teamId: string | null; teamName: string | null };
	window: { key: string; start: string; end: string };
	score: number;
	details: FlagDetails;
	eventIds: number[];
	detectedAt: string;
	dismissal: { by: { id: string; name: string } | null; at: string; reason: string } | null;
}

export interface FlagEventLine {
	eventId: number;
	metric: { key: string; name: LocalizedText; unit: string; currency: string | null };
	value: number;
	points: number;
	occurredAt: string;
	recordedAt: string;
	source: string;
	actor: string | null;
	note: string | null;
	voided: boolean;
	voidReason: string | null;
}
