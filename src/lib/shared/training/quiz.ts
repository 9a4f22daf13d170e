// Quizzes, pure: checking a quiz a leader wrote, and scoring a member's answers.
//
// Invariants: a question is right only when the options chosen are exactly its correct options (a
// partial or a padded answer is wrong, an unanswered question is wrong); the pass mark is compared in
// integers (correct × 100 ≥ passMark × total), never through a rounded percentage, so 2 of 3 passes a
// mark of 66 and fails a mark of 67.
import type { LocalizedText } from '../localized';
import { isWellFormedText } from '../schemas';
import { LOCALES } from '$lib/i18n';

export const QUIZ_KINDS = ['single', 'multiple'] as const;
export type QuizKind = (typeof QUIZ_KINDS)[number];
export const QUIZ_MAX_QUESTIONS = 30;
export const QUIZ_MIN_OPTIONS = 2;
export const QUIZ_MAX_OPTIONS = 8;
export const QUIZ_PROMPT_MAX = 500;
export const QUIZ_OPTION_MAX = 200;
export const QUIZ_MAX_ATTEMPTS = 10;
export const QUIZ_DEFAULT_PASS_MARK = 80;

export interface QuizOption {
	id: string;
	text: LocalizedText;
}

export interface QuizQuestion {
	id: string;
	kind: QuizKind;
	prompt: LocalizedText;
	options: QuizOption[];
	/** The ids of the correct options: exactly one for a single-choice question, at least one otherwise. */
	correct: string[];
}

export interface Quiz {
	questions: QuizQuestion[];
	/** The share of questions to get right, in percent (1–100). */
	passMark: number;
	/** Attempts allowed per member; null for no limit. */
	maxAttempts: number | null;
}

/** A quiz as a member taking it sees it: without the answers. */
export interface QuizView {
	questions: { id: string; kind: QuizKind; prompt: LocalizedText; options: QuizOption[] }[];
	passMark: number;
	maxAttempts: number | null;
}

/** The member's answers: option ids per question id. */
export type QuizAnswers = Record<string, string[]>;

export interface QuizScore {
	correct: number;
	total: number;
	/** Percent right, rounded down (for display; passing is decided in integers). */
	score: number;
	passed: boolean;
	/** Per question, in the quiz's order: answered right or not. */
	results: { questionId: string; right: boolean }[];
}

/** A problem with a quiz or with answers: the field it belongs to and a catalog key. */
export interface QuizIssue {
	field: string;
	key:
		| 'training.quiz.error.noQuestions'
		| 'training.quiz.error.tooManyQuestions'
		| 'training.quiz.error.prompt'
		| 'training.quiz.error.kind'
		| 'training.quiz.error.options'
		| 'training.quiz.error.option'
		| 'training.quiz.error.single'
		| 'training.quiz.error.multiple'
		| 'training.quiz.error.passMark'
		| 'training.quiz.error.maxAttempts'
		| 'training.quiz.error.answers';
	params?: Record<string, string | number>;
}

export const quizView = (quiz: Quiz): QuizView => ({
	questions: quiz.questions.map((q) => ({ id: q.id, kind: q.kind, prompt: q.prompt, options: q.options })),
	passMark: quiz.passMark,
	maxAttempts: quiz.maxAttempts
});

/** Whether `correct` of `total` reaches `passMark` percent, in integers. */
export const reachesPassMark = (correct: number, total: number, passMark: number) => total > 0 && correct * 100 >= passMark * total;

/**
 * Scores answers against a quiz. Answers must name questions and options of the quiz (anything else is
 * an issue on `answers`), a single-choice question takes at most one option; a question left out is
 * simply wrong.
 */
export function scoreQuiz(quiz: Quiz, answers: QuizAnswers): { ok: true; score: QuizScore } | { ok: false; issue: QuizIssue } {
	const byId = new Map(quiz.questions.map((q) => [q.id, q]));
	for (const [questionId, chosen] of Object.entries(answers)) {
		const question = byId.get(questionId);
		if (!question || !Array.isArray(chosen)) return { ok: false, issue: { field: 'answers', key: 'training.quiz.error.answers' } };
		const options = new Set(question.options.map((o) => o.id));
		if (chosen.some((id) => typeof id !== 'string' || !options.has(id))) return { ok: false, issue: { field: 'answers', key: 'training.quiz.error.answers' } };
		if (question.kind === 'single' && new Set(chosen).size > 1) return { ok: false, issue: { field: 'answers', key: 'training.quiz.error.answers' } };
	}
	const results = quiz.questions.map((q) => {
		const chosen = new Set(answers[q.id] ?? []);
		const right = chosen.size === q.correct.length && q.correct.every((id) => chosen.has(id));
		return { questionId: q.id, right };
	});
	const correct = results.filter((r) => r.right).length;
	const total = quiz.questions.length;
	return { ok: true, score: { correct, total, score: total ? Math.floor((correct * 100) / total) : 0, passed: reachesPassMark(correct, total, quiz.passMark), results } };
}

// ---- checking a quiz as written in the editor ----

/** What the editor sends: questions with options flagged correct, a pass mark and an attempt limit. */
export interface QuizDraft {
	questions: { kind: string; prompt: LocalizedText | string; options: { text: LocalizedText | string; correct: boolean }[] }[];
	passMark: number | string;
	maxAttempts: number | string | null;
}

function localizedOf(value: unknown, max: number): LocalizedText | null {
	if (typeof value === 'string') value = { en: value };
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const out: LocalizedText = {};
	for (const [locale, text] of Object.entries(value as Record<string, unknown>)) {
		if (!(LOCALES as readonly string[]).includes(locale)) return null;
		if (text === undefined || text === null) continue;
		if (typeof text !== 'string' || !isWellFormedText(text)) return null;
		const trimmed = text.trim();
		if (trimmed.length > max) return null;
		if (trimmed) out[locale as keyof LocalizedText] = trimmed;
	}
	return Object.keys(out).length ? out : null;
}

const wholeIn = (value: unknown, min: number, max: number): number | null => {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : null;
};

/**
 * The quiz a draft describes, or its problems (each naming its field: `question.<n>.prompt`,
 * `question.<n>.options`, `passMark`…, n counting from 0). Ids are positional (q1, q1o2), so the same
 * draft always makes the same quiz.
 */
export function checkQuiz(draft: unknown): { ok: true; quiz: Quiz } | { ok: false; issues: QuizIssue[] } {
	const issues: QuizIssue[] = [];
	const d = (draft && typeof draft === 'object' ? draft : {}) as Partial<QuizDraft>;
	const raw = Array.isArray(d.questions) ? d.questions : [];
	if (raw.length === 0) issues.push({ field: 'question', key: 'training.quiz.error.noQuestions' });
	if (raw.length > QUIZ_MAX_QUESTIONS) issues.push({ field: 'question', key: 'training.quiz.error.tooManyQuestions', params: { max: QUIZ_MAX_QUESTIONS } });
	const questions: QuizQuestion[] = [];
	raw.slice(0, QUIZ_MAX_QUESTIONS).forEach((q, i) => {
		const n = i + 1;
		const field = `question.${i}`;
		const item = (q && typeof q === 'object' ? q : {}) as QuizDraft['questions'][number];
		const id = `q${n}`;
		const kind = (QUIZ_KINDS as readonly string[]).includes(item.kind) ? (item.kind as QuizKind) : null;
		if (!kind) issues.push({ field: `${field}.kind`, key: 'training.quiz.error.kind', params: { n } });
		const prompt = localizedOf(item.prompt, QUIZ_PROMPT_MAX);
		if (!prompt) issues.push({ field: `${field}.prompt`, key: 'training.quiz.error.prompt', params: { n, max: QUIZ_PROMPT_MAX } });
		const rawOptions = Array.isArray(item.options) ? item.options : [];
		if (rawOptions.length < QUIZ_MIN_OPTIONS || rawOptions.length > QUIZ_MAX_OPTIONS) {
			issues.push({ field: `${field}.options`, key: 'training.quiz.error.options', params: { n, min: QUIZ_MIN_OPTIONS, max: QUIZ_MAX_OPTIONS } });
		}
		const options: QuizOption[] = [];
		const correct: string[] = [];
		rawOptions.slice(0, QUIZ_MAX_OPTIONS).forEach((o, j) => {
			const text = localizedOf(o && typeof o === 'object' ? (o as { text: unknown }).text : undefined, QUIZ_OPTION_MAX);
			if (!text) {
				issues.push({ field: `${field}.option.${j}`, key: 'training.quiz.error.option', params: { n, m: j + 1, max: QUIZ_OPTION_MAX } });
				return;
			}
			const optionId = `${id}o${j + 1}`;
			options.push({ id: optionId, text });
			if ((o as { correct?: unknown }).correct === true) correct.push(optionId);
		});
		if (kind === 'single' && correct.length !== 1) issues.push({ field: `${field}.correct`, key: 'training.quiz.error.single', params: { n } });
		if (kind === 'multiple' && correct.length < 1) issues.push({ field: `${field}.correct`, key: 'training.quiz.error.multiple', params: { n } });
		if (kind && prompt) questions.push({ id, kind, prompt, options, correct });
	});
	const passMark = wholeIn(d.passMark, 1, 100);
	if (passMark === null) issues.push({ field: 'passMark', key: 'training.quiz.error.passMark' });
	const unlimited = d.maxAttempts === null || d.maxAttempts === undefined || d.maxAttempts === '';
	const maxAttempts = unlimited ? null : wholeIn(d.maxAttempts, 1, QUIZ_MAX_ATTEMPTS);
	if (!unlimited && maxAttempts === null) issues.push({ field: 'maxAttempts', key: 'training.quiz.error.maxAttempts', params: { max: QUIZ_MAX_ATTEMPTS } });
	if (issues.length) return { ok: false, issues };
	return { ok: true, quiz: { questions, passMark: passMark!, maxAttempts } };
}

/** The editor's draft of a stored quiz (for editing it again). */
export function draftOf(quiz: Quiz): QuizDraft {
	return {
		questions: quiz.questions.map((q) => ({ kind: q.kind, prompt: { ...q.prompt }, options: q.options.map((o) => ({ text: { ...o.text }, correct: q.correct.includes(o.id) })) })),
		passMark: quiz.passMark,
		maxAttempts: quiz.maxAttempts
	};
}

/** Whether a stored value is a quiz (rows are written only through checkQuiz; this guards reads). */
export function isQuiz(value: unknown): value is Quiz {
	if (!value || typeof value !== 'object') return false;
	const q = value as Quiz;
	return Array.isArray(q.questions) && q.questions.length > 0 && typeof q.passMark === 'number';
}
