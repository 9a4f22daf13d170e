// Performance reviews and 1:1 coaching notes: what a leader and a rep send (zod, also the OpenAPI), and
// what the pages and the API read back. Every message is a catalog key; dates are local days of the
// organization (YYYY-MM-DD) or ISO instants.
import { z } from 'zod';
import { textSchema, wellFormed } from './schemas';
import type { LocalizedText } from './localized';
import { isDay } from './training/training';

export const REVIEW_WINDOWS = ['month', 'quarter'] as const;
export type ReviewWindow = (typeof REVIEW_WINDOWS)[number];
export const REVIEW_STATUSES = ['draft', 'shared'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const ACTION_OWNERS = ['rep', 'leader'] as const;
export type ActionOwner = (typeof ACTION_OWNERS)[number];

const day = wellFormed(z.string().trim()).refine(isDay, { message: 'validation.invalid' });
/** Long text a leader writes; empty is allowed while drafting. */
const longText = (max: number) => wellFormed(z.string().trim().max(max));
const checkbox = z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean());

export const reviewCreateSchema = z.object({
	subjectId: z.uuid(),
	window: z.enum(REVIEW_WINDOWS),
	/** The period key: YYYY-MM for a month, YYYY-Qn for a quarter (in the organization's time zone). */
	period: wellFormed(z.string().trim().min(1).max(16))
});

export const reviewTextSchema = z.object({
	strengths: longText(4000).default(''),
	improvements: longText(4000).default(''),
	feedback: longText(4000).default('')
});

export const reviewPlanSchema = z.object({ goal: textSchema(1000) });
export const reviewActionSchema = z.object({ text: textSchema(500), owner: z.enum(ACTION_OWNERS), dueOn: day });
export const reviewActionDoneSchema = z.object({ actionId: z.uuid(), done: checkbox });
export const reviewCheckinSchema = z.object({ onDay: day, note: longText(500).default('') });
export const reviewCommentSchema = z.object({ body: textSchema(2000) });

export const noteCreateSchema = z.object({
	onDay: day,
	body: textSchema(4000),
	shared: checkbox.default(false),
	/** Action items, one a line in the form; an array in the API. */
	items: z.preprocess(
		(v) => (typeof v === 'string' ? v.split('\n').map((s) => s.trim()).filter(Boolean) : v),
		z.array(textSchema(300)).max(20).default([])
	)
});
export const noteEditSchema = z.object({ body: textSchema(4000), shared: checkbox.default(false) });
export const noteItemDoneSchema = z.object({ itemId: z.uuid(), done: checkbox });

/** One measure of the scorecard: points or a metric, this period against the previous one and its goal. */
export interface ScorecardMeasure {
	key: string;
	name: LocalizedText | null;
	unit: 'points' | 'count' | 'currency' | 'minutes';
	currency: string | null;
	current: number;
	/** The previous period, cut to as many days as have passed of this one when it is still running. */
	previous: number;
	/** (current − previous) / |previous|; null when there was nothing before. */
	trend: number | null;
	goal: { target: number; actual: number; attainment: number } | null;
}

/** What a review's scorecard held when it was created: a snapshot, never recomputed. */
export interface Scorecard {
	period: { window: ReviewWindow; key: string; start: string; end: string; previousKey: string; days: number; elapsedDays: number };
	/** No event of the rep in the period: the page shows an empty state instead of figures. */
	empty: boolean;
	activeDays: number;
	measures: ScorecardMeasure[];
	/** Rank by points in the period among the rep's team (else the organization's reps), shared ranks. */
	rank: { rank: number | null; of: number; scope: 'team' | 'org' };
	training: { assigned: number; completed: number; completedInPeriod: number; overdue: number };
	takenAt: string;
}

export interface ReviewPerson {
	id: string;
	name: string;
}

export interface ReviewView {
	id: string;
	subject: ReviewPerson;
	author: ReviewPerson;
	status: ReviewStatus;
	period: { window: ReviewWindow; key: string; start: string; end: string };
	scorecard: Scorecard;
	strengths: string;
	improvements: string;
	feedback: string;
	version: number;
	createdAt: string;
	updatedAt: string;
	sharedAt: string | null;
	acknowledgedAt: string | null;
	plan: {
		goal: string;
		openedAt: string;
		actions: { id: string; text: string; owner: ActionOwner; dueOn: string; done: boolean; doneAt: string | null; overdue: boolean }[];
		checkins: { id: string; onDay: string; note: string; past: boolean }[];
	} | null;
	comments: { id: number; author: ReviewPerson; body: string; createdAt: string }[];
	revisions: { version: number; editor: ReviewPerson; strengths: string; improvements: string; feedback: string; createdAt: string }[];
	can: { edit: boolean; share: boolean; acknowledge: boolean; comment: boolean; plan: boolean; tick: string[] };
}

export interface ReviewSummary {
	id: string;
	subject: ReviewPerson;
	author: ReviewPerson;
	status: ReviewStatus;
	period: { window: ReviewWindow; key: string };
	createdAt: string;
	sharedAt: string | null;
	acknowledgedAt: string | null;
}

export interface CoachingNoteView {
	id: string;
	subject: ReviewPerson;
	author: ReviewPerson;
	onDay: string;
	body: string;
	shared: boolean;
	createdAt: string;
	items: { id: string; text: string; done: boolean; doneAt: string | null }[];
	can: { edit: boolean; tick: boolean };
}

/** What the reminder job tells the owner of an action or a check-in. */
export interface ReviewReminder {
	reviewId: string;
	kind: 'action' | 'checkin';
	id: string;
	day: string;
	text: string;
}

/** Home's "Next up" from reviews: a review to acknowledge, a plan action due, a check-in coming. */
export interface ReviewNextUp {
	kind: 'acknowledge' | 'action' | 'checkin';
	reviewId: string;
	/** The action's text, the check-in's agenda, or the review's period key. */
	text: string;
	/** The review's window, for a review to acknowledge. */
	window: ReviewWindow | null;
	day: string | null;
	/** The other person: the rep for a leader, the leader for a check-in of a rep. */
	subject: string;
	overdue: boolean;
}
