// Training, shared by browser and server: the views pages show, the input schemas (messages are catalog
// keys) and the few rules both sides compute (an assignment's state, overdue on a local day).
import { z } from 'zod';
import type { LocalizedText } from '../localized';
import { localizedTextSchema, optionalLocalizedTextSchema } from '../localized';
import { textSchema, wellFormed } from '../schemas';
import type { QuizScore, QuizView } from './quiz';
import { BODY_MAX, httpUrl } from './markdown';

export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];
export const COURSE_TITLE_MAX = 120;
export const COURSE_DESCRIPTION_MAX = 1000;
export const COURSE_POINTS_MAX = 10_000;
export const MODULE_TITLE_MAX = 120;
export const MODULES_MAX = 30;
export const VIDEO_URL_MAX = 500;
export const NOTE_MAX = 1000;
/** Members assigned at once (a team's reps count one by one). */
export const ASSIGN_MAX = 500;
/** The system metric whose events carry training points (source 'training'). */
export const TRAINING_METRIC = 'training_points';
/** The local hour of the due day at which the rep is reminded. */
export const REMINDER_HOUR = 9;

export type AssignmentState = 'not_started' | 'in_progress' | 'completed';

export interface Person {
	id: string;
	name: string;
}

export interface CourseSummary {
	id: string;
	title: LocalizedText;
	description: LocalizedText;
	status: CourseStatus;
	points: number;
	modules: number;
	quizzes: number;
	createdBy: Person | null;
	updatedAt: string;
	publishedAt: string | null;
	/** Whether the reader may edit it (its author, or an admin). */
	canEdit?: boolean;
}

export interface AssignmentView {
	id: string;
	course: { id: string; title: LocalizedText; points: number; status: CourseStatus };
	user: Person;
	dueOn: string;
	note: string | null;
	/** Assigned from the member's profile as a personal development plan. */
	plan: boolean;
	assignedBy: Person | null;
	assignedAt: string;
	state: AssignmentState;
	/** Not completed, and the due day (in the organization's time zone) has passed. */
	overdue: boolean;
	/** Due today, not completed. */
	dueToday: boolean;
	progress: { done: number; total: number };
	completedAt: string | null;
	/** Best quiz score over the course's quizzes (percent), null before any attempt. */
	bestScore: number | null;
	attempts: number;
}

export interface AttemptsView {
	used: number;
	/** Attempts left, null when unlimited. */
	left: number | null;
	best: number | null;
	passed: boolean;
}

export interface ModuleView {
	id: string;
	position: number;
	title: LocalizedText;
	/** Markdown, per language (render with renderMarkdown). */
	body: LocalizedText;
	videoUrl: string | null;
	quiz: QuizView | null;
	done: boolean;
	attempts: AttemptsView | null;
}

export interface CompletionView {
	id: string;
	courseId: string;
	user: Person;
	source: 'internal' | 'external' | 'demo';
	externalId: string | null;
	points: number;
	completedAt: string;
}

export interface CoursePlayerView {
	course: CourseSummary;
	modules: ModuleView[];
	assignment: AssignmentView | null;
	completion: CompletionView | null;
}

export interface QuizOutcome {
	moduleId: string;
	attempt: number;
	score: QuizScore;
	attempts: AttemptsView;
	/** The course was completed by this attempt: its points (0 when it carries none). */
	completed: { points: number } | null;
}

export interface ReportRow {
	assignmentId: string;
	user: Person;
	course: { id: string; title: LocalizedText };
	dueOn: string;
	state: AssignmentState;
	overdue: boolean;
	progress: { done: number; total: number };
	bestScore: number | null;
	attempts: number;
	completedAt: string | null;
	plan: boolean;
}

export interface TeamReport {
	team: { id: string; name: string } | null;
	assigned: number;
	completed: number;
	overdue: number;
	/** Average of the members' best quiz scores, null without attempts. */
	averageScore: number | null;
	rows: ReportRow[];
}

export interface TrainingReminder {
	assignmentId: string;
	course: { id: string; title: LocalizedText };
	dueOn: string;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A calendar day YYYY-MM-DD that exists. */
export const isDay = (value: string) => {
	if (!DAY_RE.test(value)) return false;
	const [y, m, d] = value.split('-').map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/** The state of one member's assignment, from what they did. */
export function assignmentState(input: { completed: boolean; started: boolean }): AssignmentState {
	return input.completed ? 'completed' : input.started ? 'in_progress' : 'not_started';
}

/** Overdue: not completed and the due day is before today (both local days of the organization). */
export const isOverdue = (dueOn: string, today: string, completed: boolean) => !completed && dueOn < today;

const uuid = z.uuid();
const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);
const pointsSchema = z.preprocess((v) => (v === '' || v === undefined || v === null ? 0 : v), z.coerce.number().int().min(0).max(COURSE_POINTS_MAX));

export const courseInputSchema = z.object({
	title: localizedTextSchema(COURSE_TITLE_MAX),
	description: optionalLocalizedTextSchema(COURSE_DESCRIPTION_MAX),
	points: pointsSchema
});
export type CourseInput = z.output<typeof courseInputSchema>;

export const courseRefSchema = z.object({ courseId: uuid });
export const moduleRefSchema = z.object({ moduleId: uuid });
export const moveModuleSchema = z.object({ moduleId: uuid, direction: z.enum(['up', 'down']) });

const videoUrlSchema = z.preprocess(
	emptyToUndefined,
	wellFormed(z.string().trim().max(VIDEO_URL_MAX))
		.refine((v) => httpUrl(v) !== null, { message: 'validation.invalid' })
		.transform((v) => httpUrl(v)!)
		.optional()
);

export const moduleInputSchema = z.object({
	courseId: uuid,
	moduleId: z.preprocess(emptyToUndefined, uuid.optional()),
	title: localizedTextSchema(MODULE_TITLE_MAX),
	body: optionalLocalizedTextSchema(BODY_MAX),
	videoUrl: videoUrlSchema,
	/** The quiz draft (shared/training/quiz.ts), as JSON text from the form or an object; empty: no quiz. */
	quiz: z.unknown().optional()
});

export const assignInputSchema = z.object({
	courseId: uuid,
	users: z.preprocess((v) => (typeof v === 'string' ? (v === '' ? [] : [v]) : (v ?? [])), z.array(uuid).max(ASSIGN_MAX)),
	teamId: z.preprocess(emptyToUndefined, uuid.optional()),
	dueOn: wellFormed(z.string().trim()).refine(isDay, { message: 'validation.invalid' }),
	note: z.preprocess(emptyToUndefined, textSchema(NOTE_MAX).optional())
});

export const unassignSchema = z.object({ assignmentId: uuid });

export const quizSubmitSchema = z.object({
	moduleId: uuid,
	answers: z.record(z.string().max(20), z.array(z.string().max(20)).max(20))
});

const ref = wellFormed(z.string().trim().min(1).max(254));

/** POST /api/v1/training/completions: a completion recorded by an external learning system. */
export const apiCompletionSchema = z.object({
	id: wellFormed(z.string().trim().min(1).max(128)).describe('Your idempotency key for this completion: sending it again returns the first answer and records nothing new.'),
	user: ref.describe('The member: e-mail, external id or Podium id.'),
	course: uuid.describe('The Podium course id.'),
	completedAt: z.iso.datetime({ offset: true }).optional().describe('When it was completed (ISO-8601 with a zone); default now. Not in the future.')
});

export const assignmentsQuerySchema = z.object({
	user: wellFormed(z.string().trim().min(1).max(254)).optional()
});
